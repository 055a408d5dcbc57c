// fork + exec of one child, with its output pipes. Synchronous: returns once
// the child has exec'd (or failed to, and has been reaped).
#pragma once

#include "platform/posix/unique_fd.hpp"
#include "platform/process_host.hpp"

#include <sys/types.h>

#include <variant>

namespace warden::platform::posix {

/// A child that reached exec, and the read ends of its output pipes.
struct spawned_child {
    pid_t pid = -1;
    unique_fd stdout_pipe;
    unique_fd stderr_pipe; ///< empty when stderr is redirected into stdout
};

/// Start `request` in its own process group, stdin from /dev/null and
/// stdout/stderr into fresh pipes. Failures before exec come back as a
/// message; a child that failed has already been reaped.
std::variant<spawned_child, spawn_failure> spawn_child(spawn_request const& request);

} // namespace warden::platform::posix
