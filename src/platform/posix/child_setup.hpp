// The child's side of a spawn: the code that runs between fork and exec.
//
// Only async-signal-safe calls are allowed here (the parent's heap, locks and
// Asio state are copies frozen mid-flight): no allocation, no iostreams, no
// logging, no exceptions, and `_exit`, never `exit`. Failures are reported to
// the parent as {stage, errno} over a close-on-exec pipe.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>

namespace warden::platform::posix {

struct spawn_plan;

/// The step that failed, in the order the child runs them.
enum class setup_stage : int {
    process_group, signals, directory, groups, gid, uid, death_signal, stdio,
    close_on_exec, exec,
};

/// What a failing child writes to the report pipe (one write, < PIPE_BUF).
struct setup_report {
    setup_stage stage;
    int error;
};

/// Raw, already allocated inputs of the child; pointers into the parent's
/// spawn_plan and fds, all valid across the fork.
struct child_context {
    char const* executable = nullptr;
    char* const* argv = nullptr;
    char* const* envp = nullptr;
    char const* directory = nullptr; ///< nullptr: inherit
    bool set_umask = false;
    mode_t umask = 0;
    bool switch_user = false;
    uid_t uid = 0;
    gid_t gid = 0;
    gid_t const* groups = nullptr;
    std::size_t group_count = 0;
    int stdin_fd = -1;  ///< all >= 3, so dup2 onto 0..2 never clobbers one
    int stdout_fd = -1;
    int stderr_fd = -1;
    int report_fd = -1;
    pid_t parent = 0;   ///< the daemon, for the PDEATHSIG race check
};

/// Set the child up and exec; on any failure report it and `_exit(127)`.
[[noreturn]] void run_child(child_context const& context) noexcept;

/// Mark every descriptor >= `lowest` close-on-exec: close_range, or
/// mark_close_on_exec_by_scan when the kernel lacks CLOSE_RANGE_CLOEXEC.
bool mark_close_on_exec(int lowest) noexcept;

/// The fallback: walk /proc/self/fd, or every number up to RLIMIT_NOFILE
/// when /proc is not mounted. Async-signal-safe.
bool mark_close_on_exec_by_scan(int lowest) noexcept;

/// The parent's message for a report: "cannot chdir to '/x': No such file or directory".
std::string describe_setup_failure(setup_report report, spawn_plan const& plan);

} // namespace warden::platform::posix
