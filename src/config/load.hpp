// The one entry point of the config module: file -> validated config + diagnostics.
#pragma once

#include "config/diagnostics.hpp"
#include "config/program_spec.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace warden::config {

enum class target_platform { posix, windows };

/// What the config module needs from the outside world. Passed in, so the
/// module stays free of OS headers and tests can fake all of it.
struct load_options {
    std::string host_node_name;                    ///< %(host_node_name)s
    std::map<std::string, std::string> environment; ///< %(ENV_X)s
    /// Returns false when `user=` names nobody; empty: users are not checked.
    std::function<bool(std::string const&)> user_exists;
    target_platform platform = target_platform::posix;
    /// Directory for AUTO logs when `childlogdir` is not set.
    std::string default_childlogdir = "/tmp";
};

struct load_result {
    std::optional<config> cfg;             ///< set when there is no error
    std::vector<diagnostic> diagnostics;   ///< every error, warning and note, in file order
};

/// Read, expand, validate. Never throws for bad input.
load_result load_file(std::string const& path, load_options const& options);

/// Same, from text (tests); `path` names it in diagnostics and sets %(here)s.
load_result load_text(std::string const& path, std::string_view text, load_options const& options);

/// Only `[warden]`/`[supervisord]` (includes read, the other sections not
/// validated): what a client needs to find the daemon, without the cost of
/// validating every program (`cfg->processes` is empty).
load_result load_daemon_file(std::string const& path, load_options const& options);

/// Canonical upper-case name without the SIG prefix: "TERM", "BREAK".
std::string_view to_string(signal_id s);
std::string_view to_string(log_level l);

} // namespace warden::config
