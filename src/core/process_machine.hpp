// One supervised process as a pure state machine: (state, event, now) -> (state', actions).
//
// The behaviour is one total table, [state][event] -> transition, in the
// manner of s6-supervise: every cell is named, "ignore" included, so nothing
// falls through by accident. See docs/design.md for the state diagram.
#pragma once

#include "config/program_spec.hpp"
#include "core/types.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace warden::core {

// --- events: what happened (past tense) ------------------------------------

struct start_requested {};  ///< autostart, or a user asked for it
struct stop_requested {};   ///< a user or the ordered shutdown asked for a graceful stop
struct kill_requested {};   ///< second SIGTERM: kill now
struct spawned { pid_type pid = 0; };
struct spawn_failed { std::string reason; };
struct exited { exit_status status; std::string description; };
struct timer_fired { std::uint64_t generation = 0; };
/// The `ready =` check succeeded (a TCP connect, READY=1, a check command exited 0).
struct became_ready { std::string how; };

using process_event = std::variant<start_requested, stop_requested, kill_requested,
                                   spawned, spawn_failed, exited, timer_fired, became_ready>;
inline constexpr int process_event_count = std::variant_size_v<process_event>;

/// "start_requested", ... (for logs and test names)
std::string_view event_name(process_event const& e);
std::string_view event_name(std::size_t event_index);

// --- actions: what the driver must do (imperative) --------------------------

struct spawn { std::size_t process = 0; };
struct send_signal {
    std::size_t process = 0;
    pid_type pid = 0;
    config::signal_id signal = config::signal_id::term;
    bool to_group = true;
};
/// Arm the process's single timer; a firing whose generation is stale is ignored.
struct arm_timer {
    std::size_t process = 0;
    time_point deadline{};
    std::uint64_t generation = 0;
};
/// Tell the world (log, status) that a process changed state, and why.
struct report_state {
    std::size_t process = 0;
    process_state from = process_state::stopped;
    process_state to = process_state::stopped;
    std::string reason;
};
/// Every process is down after an ordered shutdown: the daemon may exit.
struct finish_shutdown {};
/// A reload gave the process a new spec: rebuild what depends on it (log files).
struct reconfigure { std::size_t process = 0; };
/// A reload removed the process and it is down: free what the driver holds for it.
struct release { std::size_t process = 0; };
/// Start the process's `ready =` check (tcp or exec; notify listens from the spawn on).
struct check_ready { std::size_t process = 0; };
/// A start was asked for but some dependencies are not RUNNING yet (log it once).
struct report_waiting {
    std::size_t process = 0;
    std::string on; ///< "db (STARTING), cache (FATAL)"
};
/// An `essential` process is gone for good: the daemon shuts down and exits 1.
struct fail_daemon {
    std::size_t process = 0;
    std::string reason; ///< "went FATAL", "exited and will not be restarted"
};

using action = std::variant<spawn, send_signal, arm_timer, report_state, finish_shutdown, reconfigure, release,
                            check_ready, report_waiting, fail_daemon>;

// --- the machine ------------------------------------------------------------

/// What the core remembers about one process.
struct process_record {
    process_state state = process_state::stopped;
    pid_type pid = 0;                 ///< 0 when no process is running
    int failed_starts = 0;            ///< supervisord's `backoff` counter
    std::uint64_t timer_generation = 0;
    time_point since{};               ///< when `state` was entered
    time_point started_at{};          ///< last successful spawn (for uptime)
    std::optional<exit_status> last_exit;
    std::string last_exit_description;
    std::string last_error;           ///< last spawn failure
    bool kill_sent = false;           ///< SIGKILL already sent during this stop
    bool not_ready = false;           ///< `ready_timeout` passed: being stopped as a failed start
};

/// Everything a transition may read or write.
struct transition_context {
    std::size_t index;                 ///< the process's index, echoed in actions
    config::process_spec const& spec;
    process_record& record;
    time_point now;
    bool shutting_down;                ///< no restarts while the daemon is stopping
    std::vector<action>& out;
};

/// Apply one event to one process (the table lookup).
void transition(transition_context& ctx, process_event const& event);

/// The cell's name for (state, event), e.g. "start" or "ignore" (tests, debugging).
std::string_view cell_name(process_state s, std::size_t event_index);

/// Whether `status` is an expected exit for this spec (supervisord's `exitcodes`).
bool exit_expected(config::process_spec const& spec, exit_status status);

/// Delay before retry number `failed_starts` (supervisord: one more second each time).
duration backoff_delay(int failed_starts);

} // namespace warden::core
