#include "core/process_machine.hpp"

#include <algorithm>
#include <array>

namespace warden::core {

namespace {

using process_state::backoff;
using process_state::exited;
using process_state::fatal;
using process_state::running;
using process_state::starting;
using process_state::stopped;
using process_state::stopping;

// Moves to `to`, reports it, and invalidates any armed timer: a timer belongs
// to the state that armed it, so a firing after the state changed is stale.
void enter(transition_context& c, process_state to, std::string reason)
{
    auto& r = c.record;
    c.out.push_back(report_state{c.index, r.state, to, std::move(reason)});
    r.state = to;
    r.since = c.now;
    ++r.timer_generation;
}

void arm(transition_context& c, duration delay)
{
    c.out.push_back(arm_timer{c.index, c.now + delay, c.record.timer_generation});
}

void launch(transition_context& c, std::string reason)
{
    enter(c, starting, std::move(reason));
    c.record.kill_sent = false;
    c.record.not_ready = false;
    c.out.push_back(spawn{c.index});
}

// A start that did not last `startsecs`: retry later with a longer delay, or
// give up. supervisord's rule: after `startretries` retries, FATAL.
void start_failed(transition_context& c, std::string why)
{
    auto& r = c.record;
    r.pid = 0;
    ++r.failed_starts;
    if (c.shutting_down) {
        enter(c, stopped, why + "; not retried during shutdown");
        return;
    }
    if (r.failed_starts > c.spec.startretries) {
        enter(c, fatal, why + "; gave up after " + std::to_string(r.failed_starts) +
                            (r.failed_starts == 1 ? " attempt" : " attempts"));
        return;
    }
    auto delay = backoff_delay(r.failed_starts);
    enter(c, backoff, why + "; retry in " +
                          std::to_string(std::chrono::duration_cast<std::chrono::seconds>(delay).count()) + "s");
    arm(c, delay);
}

void signal_stop(transition_context& c, std::string reason)
{
    enter(c, stopping, std::move(reason));
    c.out.push_back(send_signal{c.index, c.record.pid, c.spec.stopsignal, c.spec.stopasgroup});
    arm(c, c.spec.stopwaitsecs);
}

void signal_kill(transition_context& c)
{
    c.record.kill_sent = true;
    c.out.push_back(send_signal{c.index, c.record.pid, config::signal_id::kill, c.spec.killasgroup});
}

void remember_exit(transition_context& c, core::exited const& e)
{
    c.record.pid = 0;
    c.record.last_exit = e.status;
    c.record.last_exit_description = e.description;
}

bool timer_is_current(transition_context const& c, process_event const& e)
{
    return std::get<timer_fired>(e).generation == c.record.timer_generation;
}

// --- the cells ------------------------------------------------------------------

using cell = void (*)(transition_context&, process_event const&);

// Named no-op: the event means nothing in this state (a duplicate request, a
// stale timer, a result for a process that is already gone).
void ignore(transition_context&, process_event const&) {}

void start(transition_context& c, process_event const&)
{
    c.record.failed_starts = 0;
    launch(c, "start requested");
}

bool uses_ready_check(config::process_spec const& spec)
{
    return spec.ready.kind != config::ready_kind::startsecs;
}

std::string seconds_text(std::chrono::seconds s) { return std::to_string(s.count()) + "s"; }

void on_spawned(transition_context& c, process_event const& e)
{
    auto& r = c.record;
    r.pid = std::get<spawned>(e).pid;
    r.started_at = c.now;
    r.last_error.clear();
    if (uses_ready_check(c.spec)) {
        // SPEC §2: with a `ready` check, startsecs plays no part; the check
        // has until ready_timeout (from the spawn) to succeed.
        arm(c, c.spec.ready_timeout);
        c.out.push_back(check_ready{c.index});
        return;
    }
    if (c.spec.startsecs.count() == 0) {
        r.failed_starts = 0;
        enter(c, running, "started (startsecs=0)");
        return;
    }
    arm(c, c.spec.startsecs);
}

void on_spawn_failed(transition_context& c, process_event const& e)
{
    c.record.last_error = std::get<spawn_failed>(e).reason;
    start_failed(c, "spawn failed: " + c.record.last_error);
}

void exited_too_quickly(transition_context& c, process_event const& e)
{
    auto const& x = std::get<core::exited>(e);
    remember_exit(c, x);
    if (c.record.not_ready)
        start_failed(c, "not ready within " + seconds_text(c.spec.ready_timeout));
    else
        start_failed(c, "exited too quickly (" + x.description + ")");
}

// The one STARTING timer means: startsecs passed (RUNNING); or, with a ready
// check, ready_timeout passed (a failed start: stop the process, and BACKOFF
// when it has exited); or that stop's stopwaitsecs passed (kill it).
void start_deadline(transition_context& c, process_event const& e)
{
    if (!timer_is_current(c, e))
        return;
    auto& r = c.record;
    if (!uses_ready_check(c.spec)) {
        r.failed_starts = 0;
        enter(c, running, "stayed up for " + seconds_text(c.spec.startsecs) + " (startsecs)");
        return;
    }
    if (!r.not_ready) {
        r.not_ready = true;
        c.out.push_back(send_signal{c.index, r.pid, c.spec.stopsignal, c.spec.stopasgroup});
        arm(c, c.spec.stopwaitsecs);
        return;
    }
    if (!r.kill_sent)
        signal_kill(c);
}

void on_ready(transition_context& c, process_event const& e)
{
    auto& r = c.record;
    if (r.pid == 0 || r.not_ready || !uses_ready_check(c.spec))
        return; // too late (being stopped), or no check was asked for
    r.failed_starts = 0;
    enter(c, running, "ready (" + std::get<became_ready>(e).how + ")");
}

void stop_before_spawn(transition_context& c, process_event const&)
{
    enter(c, stopped, "stop requested");
}

void stop(transition_context& c, process_event const&)
{
    if (c.record.pid == 0) { // spawn outcome not known yet
        enter(c, stopped, "stop requested");
        return;
    }
    signal_stop(c, "stop requested");
}

void kill_now(transition_context& c, process_event const&)
{
    if (c.record.pid == 0) {
        enter(c, stopped, "kill requested");
        return;
    }
    enter(c, stopping, "kill requested");
    signal_kill(c);
}

void kill_stopping(transition_context& c, process_event const&)
{
    if (!c.record.kill_sent)
        signal_kill(c);
}

void running_exited(transition_context& c, process_event const& e)
{
    auto const& x = std::get<core::exited>(e);
    remember_exit(c, x);
    bool expected = exit_expected(c.spec, x.status);
    enter(c, exited, x.description + (expected ? " (expected)" : " (not expected)"));
    bool restart = c.spec.autorestart == config::autorestart_mode::always ||
                   (c.spec.autorestart == config::autorestart_mode::unexpected && !expected);
    if (restart && !c.shutting_down)
        launch(c, "autorestart");
}

void backoff_elapsed(transition_context& c, process_event const& e)
{
    if (!timer_is_current(c, e))
        return;
    if (c.shutting_down) {
        enter(c, stopped, "not retried during shutdown");
        return;
    }
    launch(c, "retry " + std::to_string(c.record.failed_starts) + " of " +
                  std::to_string(c.spec.startretries));
}

void stopped_exit(transition_context& c, process_event const& e)
{
    auto const& x = std::get<core::exited>(e);
    remember_exit(c, x);
    enter(c, stopped, x.description);
}

void stopwait_elapsed(transition_context& c, process_event const& e)
{
    if (!timer_is_current(c, e) || c.record.kill_sent)
        return;
    signal_kill(c);
}

// Rows: states in process_state order. Columns: events in process_event order:
//   start_requested, stop_requested, kill_requested, spawned, spawn_failed, exited, timer_fired, became_ready
constexpr std::array<std::array<cell, process_event_count>, process_state_count> table{{
    /* STOPPED  */ {start, ignore, ignore, ignore, ignore, ignore, ignore, ignore},
    /* STARTING */ {ignore, stop, kill_now, on_spawned, on_spawn_failed, exited_too_quickly, start_deadline, on_ready},
    /* RUNNING  */ {ignore, stop, kill_now, ignore, ignore, running_exited, ignore, ignore},
    /* BACKOFF  */ {ignore, stop_before_spawn, stop_before_spawn, ignore, ignore, ignore, backoff_elapsed, ignore},
    /* STOPPING */ {ignore, ignore, kill_stopping, ignore, ignore, stopped_exit, stopwait_elapsed, ignore},
    /* EXITED   */ {start, ignore, ignore, ignore, ignore, ignore, ignore, ignore},
    /* FATAL    */ {start, ignore, ignore, ignore, ignore, ignore, ignore, ignore},
}};

struct named_cell { cell fn; std::string_view name; };
constexpr std::array<named_cell, 16> cell_names{{
    {ignore, "ignore"}, {start, "start"}, {on_spawned, "on_spawned"},
    {on_spawn_failed, "on_spawn_failed"}, {exited_too_quickly, "exited_too_quickly"},
    {start_deadline, "start_deadline"}, {on_ready, "on_ready"}, {stop_before_spawn, "stop_before_spawn"},
    {stop, "stop"}, {kill_now, "kill_now"}, {kill_stopping, "kill_stopping"},
    {running_exited, "running_exited"}, {backoff_elapsed, "backoff_elapsed"},
    {stopped_exit, "stopped_exit"}, {stopwait_elapsed, "stopwait_elapsed"},
    {nullptr, "?"},
}};

constexpr std::array<std::string_view, process_event_count> event_names{
    "start_requested", "stop_requested", "kill_requested", "spawned",
    "spawn_failed", "exited", "timer_fired", "became_ready"};

} // namespace

void transition(transition_context& ctx, process_event const& event)
{
    table[static_cast<std::size_t>(ctx.record.state)][event.index()](ctx, event);
}

std::string_view cell_name(process_state s, std::size_t event_index)
{
    cell fn = table.at(static_cast<std::size_t>(s)).at(event_index);
    for (auto const& c : cell_names)
        if (c.fn == fn)
            return c.name;
    return "?";
}

std::string_view event_name(std::size_t event_index) { return event_names.at(event_index); }
std::string_view event_name(process_event const& e) { return event_name(e.index()); }

bool exit_expected(config::process_spec const& spec, exit_status status)
{
    if (status.signaled)
        return false;
    return std::find(spec.exitcodes.begin(), spec.exitcodes.end(), status.code) != spec.exitcodes.end();
}

duration backoff_delay(int failed_starts)
{
    return std::chrono::seconds(std::max(failed_starts, 1));
}

} // namespace warden::core
