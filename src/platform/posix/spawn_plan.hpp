// Everything a child needs, worked out in the parent before fork: the code
// between fork and exec may only copy and make system calls, so every
// look-up (PATH, passwd, groups) and every allocation happens here.
#pragma once

#include "platform/process_host.hpp"

#include <sys/types.h>

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace warden::platform::posix {

/// The identity a child switches to (only when it differs from ours).
struct identity {
    std::string user;           ///< for messages
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;  ///< supplementary groups, primary included
};

/// A spawn_request resolved against the daemon's environment and the user database.
struct spawn_plan {
    std::string executable;                ///< the path handed to execve
    std::vector<std::string> argv;         ///< argv[0] as the user wrote it
    std::vector<std::string> environment;  ///< "NAME=value" entries
    std::string directory;                 ///< empty: inherit
    std::optional<mode_t> umask;
    std::optional<identity> switch_to;
};

/// Resolve the executable, the user and the environment for `request`.
/// Fails (without any fork) on an empty command, an executable found
/// nowhere, or an unknown user.
std::variant<spawn_plan, spawn_failure> make_spawn_plan(spawn_request const& request);

/// The daemon's environment overlaid with `extra` (later entries win).
/// Variables meant for the daemon alone (NOTIFY_SOCKET, WATCHDOG_*) are dropped.
std::vector<std::string> overlay_environment(
    char const* const* base, std::vector<std::pair<std::string, std::string>> const& extra);

/// Find `name` the way execvp would, in the `PATH` of `environment` (the
/// child's), relative entries taken from `directory` when it is set.
/// Returns the path to exec, or nullopt when nothing executable was found.
std::optional<std::string> find_in_path(std::string const& name,
                                        std::vector<std::string> const& environment,
                                        std::string const& directory);

} // namespace warden::platform::posix
