// All supervised processes together: start order, dependencies (depends_on),
// per-process events, `essential`, and the ordered shutdown of SPEC §4.
// Pure: callers pass `now` and execute the actions.
//
// Dependencies: a process whose dependencies are not all RUNNING waits (in
// STOPPED) and starts when they are; starting a process first starts its
// dependencies that are down (systemd's Requires= plus After=). Order: a
// process's key is its priority, raised just above the key of each of its
// dependencies when it is not already higher, so dependencies win over
// priority and the shutdown (highest key first) stops dependents first.
#pragma once

#include "config/program_spec.hpp"
#include "core/process_machine.hpp"

#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace warden::core {

class supervisor {
public:
    explicit supervisor(std::vector<config::process_spec> specs);

    /// Start every `autostart` process, lowest key first (ties keep file order).
    std::vector<action> start(time_point now);

    /// Feed one event about process `index`. During a shutdown this also
    /// moves the shutdown on to the next tier when the current one is down.
    std::vector<action> handle(std::size_t index, process_event const& event, time_point now);

    /// First call: ordered shutdown, highest priority tier first, each tier in
    /// parallel. Any later call: kill everything still alive at once.
    std::vector<action> request_shutdown(time_point now);

    // --- reload (SPEC §1): add, remove and replace processes by index -------
    // Indices stay stable: a removed process keeps its slot, marked retired.

    /// A new process; started at once when `autostart` and `start`. Its index is size() - 1 after the call.
    std::vector<action> add(config::process_spec spec, time_point now, bool start = true);
    /// Stop the process (if it runs), then retire it (`release`).
    std::vector<action> remove(std::size_t index, time_point now);
    /// Stop the process (if it runs), then swap in `spec` (`reconfigure`) and
    /// start it again when the new spec says `autostart`.
    std::vector<action> replace(std::size_t index, config::process_spec spec, time_point now);

    /// Removed and down: no longer part of status, start, stop or shutdown.
    bool retired(std::size_t index) const { return members_.at(index).retired; }
    /// Part of the current configuration: not removed by a reload (nor being removed).
    bool active(std::size_t index) const { return !members_.at(index).retired && !members_[index].retiring; }
    /// Specs of every process in the configuration (not removed), in index
    /// order; a pending replacement counts as the process's spec.
    std::vector<config::process_spec> active_specs() const;

    bool shutting_down() const { return shutting_down_; }
    std::size_t size() const { return specs_.size(); }
    config::process_spec const& spec(std::size_t index) const { return specs_.at(index); }
    process_record const& record(std::size_t index) const { return records_.at(index); }
    std::optional<std::size_t> find(std::string_view name) const;

    /// Indices in start order (ascending effective key, then file order).
    std::vector<std::size_t> start_order() const;

    // --- dependencies and readiness of the whole set ---------------------

    /// The processes `index` depends on: every process of each program in its depends_on.
    std::vector<std::size_t> const& dependencies(std::size_t index) const { return deps_.at(index); }
    /// Where the process stands in start and stop order (see the header comment).
    std::pair<int, int> effective_key(std::size_t index) const { return keys_.at(index); }
    /// A start was requested but some dependencies are not RUNNING yet.
    bool waiting(std::size_t index) const { return waiting_.at(index) != 0; }
    /// The dependencies still awaited, "db (STARTING), cache (FATAL)"; empty when not waiting.
    std::string waiting_for(std::size_t index) const;
    /// Waiting on a dependency that will not become RUNNING by itself
    /// (FATAL, or down with no start pending): only a user can unblock it.
    bool start_blocked(std::size_t index) const;
    /// Every start has played out: no process is STARTING or in BACKOFF, so
    /// every process that was asked to start is RUNNING, FATAL, EXITED or blocked.
    bool startup_settled() const;
    /// How long the rest of an ordered shutdown may take: the longest
    /// stopwaitsecs of each tier that still has a process, summed.
    duration shutdown_budget() const;

private:
    /// Reload bookkeeping for one index.
    struct membership {
        bool retiring = false;
        bool retired = false;
        std::optional<config::process_spec> replacement;
    };

    void dispatch(std::size_t index, process_event const& event, time_point now, std::vector<action>& out);
    void settle(std::size_t index, time_point now, std::vector<action>& out);
    void after_transition(std::size_t index, time_point now, std::vector<action>& out);
    void request_start(std::size_t index, time_point now, std::vector<action>& out, std::size_t depth = 0);
    void start_unblocked(time_point now, std::vector<action>& out);
    void check_essential(std::size_t index, time_point now, std::vector<action>& out);
    void begin_shutdown(time_point now, std::vector<action>& out);
    void advance_shutdown(time_point now, std::vector<action>& out);
    void rebuild_graph();
    bool dependencies_running(std::size_t index) const;
    bool blocked(std::size_t index, std::size_t depth) const;

    std::vector<config::process_spec> specs_;
    std::vector<process_record> records_;
    std::vector<membership> members_;
    std::vector<std::vector<std::size_t>> deps_;
    std::vector<std::pair<int, int>> keys_;
    std::vector<char> waiting_;
    bool shutting_down_ = false;
    bool shutdown_finished_ = false;
};

/// Where a process stands in the start order: supervisord starts groups by
/// their priority, then the processes of a group by theirs. One key is one
/// tier: its members start together and stop together, in parallel.
using order_key = std::pair<int, int>;
order_key start_order_key(config::process_spec const& spec);

/// Whether a process in this state has (or is about to have) an OS process.
bool has_process(process_state s);

} // namespace warden::core
