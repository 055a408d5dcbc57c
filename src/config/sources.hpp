// Reading the files of a configuration: the main file, then every file its
// `[include] files = glob ...` names (and theirs), merged in read order.
#pragma once

#include "config/diagnostics.hpp"
#include "config/ini_reader.hpp"
#include "config/load.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace warden::config {

/// All sections of a configuration, and the files they came from.
struct config_sources {
    ini_document doc;               ///< merged; a later file's keys win
    std::vector<std::string> files; ///< in read order (diagnostics are sorted by it)
};

/// Reads `path` (or uses `text` for it, when given) and its includes.
/// Include patterns are relative to the including file's directory and may
/// use %(here)s, %(host_node_name)s and %(ENV_X)s. Unlike supervisord,
/// included files may include further files (a cycle is an error), and a
/// missing literal include is an error rather than a warning.
config_sources read_sources(std::string const& path, std::optional<std::string_view> text,
                            load_options const& options, std::vector<diagnostic>& diags);

/// The absolute, normalised directory of `file`: what %(here)s means there.
std::string here_of(std::string const& file);

} // namespace warden::config
