// Vocabulary of the supervision core: time, states, exit statuses.
// Standard library only: the core never reads a clock and never calls the OS.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace warden::core {

using clock = std::chrono::steady_clock;
using time_point = clock::time_point;
using duration = clock::duration;

/// A process id as the platform reports it (pid_t on POSIX, DWORD on Windows).
using pid_type = std::int64_t;

/// supervisord's states, with supervisord's meaning (SPEC §3).
enum class process_state { stopped, starting, running, backoff, stopping, exited, fatal };
inline constexpr int process_state_count = 7;

/// "STOPPED", "STARTING", ...
std::string_view to_string(process_state s);

/// How a process ended, as the platform saw it.
struct exit_status {
    bool signaled = false; ///< killed by a signal (POSIX) rather than exiting
    int code = 0;          ///< exit code, or the signal number when `signaled`
};

} // namespace warden::core
