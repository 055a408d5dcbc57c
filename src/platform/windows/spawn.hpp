// Start one Windows child: in its own console process group, in its own Job
// Object (assigned while the child is still suspended, so its descendants are
// in the job from their first instruction), with stdin from NUL and
// stdout/stderr into output pipes.
#pragma once

#include "platform/process_host.hpp"
#include "platform/windows/win_util.hpp"

#include <variant>

namespace warden::platform::windows {

struct started_child {
    DWORD pid = 0;                ///< also the id of the process group it leads
    unique_handle process;
    unique_handle job;            ///< JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
    unique_handle stdout_read;
    unique_handle stderr_read;    ///< empty with redirect_stderr
};

/// Every lookup happens before CreateProcessW, so a missing program or
/// directory fails without starting anything; a failure after it (the job
/// cannot be assigned) terminates the suspended child before returning.
std::variant<started_child, spawn_failure> spawn_child(spawn_request const& request);

/// The daemon's own environment as name/value pairs.
std::vector<std::pair<std::wstring, std::wstring>> current_environment();

} // namespace warden::platform::windows
