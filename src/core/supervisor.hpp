// All supervised processes together: start order, per-process events, and the
// ordered shutdown of SPEC §4. Pure: callers pass `now` and execute the actions.
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

    /// Start every `autostart` process, lowest `priority` first (ties keep file order).
    std::vector<action> start(time_point now);

    /// Feed one event about process `index`. During a shutdown this also
    /// moves the shutdown on to the next tier when the current one is down.
    std::vector<action> handle(std::size_t index, process_event const& event, time_point now);

    /// First call: ordered shutdown, highest priority tier first, each tier in
    /// parallel. Any later call: kill everything still alive at once.
    std::vector<action> request_shutdown(time_point now);

    // --- reload (SPEC §1): add, remove and replace processes by index -------
    // Indices stay stable: a removed process keeps its slot, marked retired.

    /// A new process; started at once when `autostart`. Its index is size() - 1 after the call.
    std::vector<action> add(config::process_spec spec, time_point now);
    /// Stop the process (if it runs), then retire it (`release`).
    std::vector<action> remove(std::size_t index, time_point now);
    /// Stop the process (if it runs), then swap in `spec` (`reconfigure`) and
    /// start it again when the new spec says `autostart`.
    std::vector<action> replace(std::size_t index, config::process_spec spec, time_point now);

    /// Removed and down: no longer part of status, start, stop or shutdown.
    bool retired(std::size_t index) const { return members_.at(index).retired; }
    /// Part of the current configuration: not removed by a reload (nor being removed).
    bool active(std::size_t index) const { return !members_.at(index).retired && !members_[index].retiring; }
    /// Specs of every process that is not retired, in index order.
    std::vector<config::process_spec> active_specs() const;

    bool shutting_down() const { return shutting_down_; }
    std::size_t size() const { return specs_.size(); }
    config::process_spec const& spec(std::size_t index) const { return specs_.at(index); }
    process_record const& record(std::size_t index) const { return records_.at(index); }
    std::optional<std::size_t> find(std::string_view name) const;

    /// Indices in start order (ascending order key, then file order).
    std::vector<std::size_t> start_order() const;

private:
    /// Reload bookkeeping for one index.
    struct membership {
        bool retiring = false;
        bool retired = false;
        std::optional<config::process_spec> replacement;
    };

    void dispatch(std::size_t index, process_event const& event, time_point now, std::vector<action>& out);
    void settle(std::size_t index, time_point now, std::vector<action>& out);
    void advance_shutdown(time_point now, std::vector<action>& out);

    std::vector<config::process_spec> specs_;
    std::vector<process_record> records_;
    std::vector<membership> members_;
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
