// Where the control socket is (SPEC §2): the `socket` key, or a default that
// depends on who runs the program. wardend and wardenctl use the same rules,
// so a plain `wardenctl status` finds a daemon started without `socket`.
#pragma once

#include "config/diagnostics.hpp"
#include "config/load.hpp"

#include <optional>
#include <string>
#include <vector>

namespace warden::control {

/// The default socket path for the current effective user and environment.
std::string default_socket_path();

/// The rule, with its inputs spelled out (tests):
/// - uid 0: `/run/warden/warden.sock`;
/// - otherwise `$XDG_RUNTIME_DIR/warden.sock` (the per-user runtime
///   directory, 0700, that systemd-logind provides);
/// - otherwise, when XDG_RUNTIME_DIR is unset or empty (a non-login
///   session, a container), `/tmp/warden-<uid>/warden.sock`: the server
///   creates that directory 0755 and refuses it if another user owns it.
std::string default_socket_path(unsigned euid, char const* xdg_runtime_dir);

/// Where wardend and wardenctl look for the config when -c is not given, in
/// order (SPEC §1): ./warden.ini, then /etc/warden/warden.ini (Windows:
/// %PROGRAMDATA%\warden\warden.ini).
std::vector<std::string> default_config_files();

/// What a config file says about the socket.
struct config_socket {
    std::optional<std::string> path;              ///< set when the file is valid
    std::vector<config::diagnostic> errors;       ///< the file's errors (FILE:LINE) when not
};

/// Load `file` (with warden's config loader, environment and host name as
/// the daemon would see them, users not checked) and return its `socket`,
/// or the default path when the key is absent or empty.
config_socket socket_path_from_config(std::string const& file);

/// The same, with the load options already gathered (config_socket.cpp; the
/// OS-specific files call it).
config_socket socket_in_config(std::string const& file, config::load_options const& options);

} // namespace warden::control
