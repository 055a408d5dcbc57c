// Path arithmetic for the *target* platform (which may not be the one that
// runs --check), done on strings so a Linux test can check Windows rules.
#pragma once

#include "config/load.hpp"

#include <string>
#include <string_view>

namespace warden::config {

/// `/x` on POSIX; `C:\x`, `C:/x`, `\x`, `\\server\x` on Windows.
bool is_absolute_path(std::string_view path, target_platform platform);

/// `dir` + separator + `name` (`name` alone when it is absolute).
std::string join_path(std::string_view dir, std::string_view name, target_platform platform);

/// A path as the user wrote it, made usable: a leading `~` becomes $HOME
/// (%USERPROFILE% on Windows) when known, as supervisord's expanduser does;
/// a relative path is taken relative to `base_dir` (the directory of the
/// file holding the key) rather than to the daemon's working directory,
/// so a config means the same wherever warden is started from.
std::string resolve_path(std::string_view path, std::string_view base_dir, load_options const& options);

} // namespace warden::config
