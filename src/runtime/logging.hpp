// The daemon's own log, through Boost.Log (SPEC §7): stderr by default, with
// systemd's `<N>` priority prefixes when JOURNAL_STREAM is set, or `logfile`
// with size rotation. Sinks are synchronous: the daemon forks, and a
// background logging thread would not survive a fork.
#pragma once

#include "config/program_spec.hpp"

#include <boost/log/trivial.hpp>

#include <functional>
#include <optional>
#include <string_view>
#include <string>

/// WARDEN_LOG(info) << "web: spawned pid " << pid;
#define WARDEN_LOG(level) BOOST_LOG_TRIVIAL(level)

namespace warden::runtime::logging {

/// Log to stderr at `level` (before the config is read).
void start(config::log_level level);

/// Apply `[warden] logfile/logfile_maxbytes/logfile_backups/loglevel`.
/// Returns an error message when the logfile cannot be opened (the log stays on stderr).
std::optional<std::string> configure(config::daemon_spec const& spec, std::optional<config::log_level> level_override);

/// Reopen the logfile (SIGUSR2, after logrotate moved it).
void reopen();

/// Called with every line the daemon logs (formatted, with its newline),
/// on the thread that logged it, inside the sink: it must not log. One
/// observer; an empty function removes it.
void observe_lines(std::function<void(std::string_view)> observer);

/// Parse `--log-level` (trace, debug, info, warning/warn, error, critical).
std::optional<config::log_level> parse_level(std::string const& name);

} // namespace warden::runtime::logging
