// One test case per cell of the [state][event] table: put a process in the
// state, feed the event, compare the new state and the actions.
#include "core_test_support.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>

using namespace warden::core;
using namespace warden::core::test;
namespace data = boost::unit_test::data;

namespace {

struct cell_case {
    process_state state;
    int event; // index into process_event
    process_state expected_state;
    std::string expected_actions;
};

std::ostream& operator<<(std::ostream& os, cell_case const& c)
{
    return os << "[" << to_string(c.state) << "][" << event_name(static_cast<std::size_t>(c.event)) << "] -> "
              << to_string(c.expected_state);
}

// The event fed for each column; the timer carries the current generation so
// the cell's real behaviour runs (stale timers have their own test).
process_event make_event(int index, std::uint64_t generation)
{
    switch (index) {
    case 0: return start_requested{};
    case 1: return stop_requested{};
    case 2: return kill_requested{};
    case 3: return spawned{77};
    case 4: return spawn_failed{"boom"};
    case 5: return exited{exit_status{false, 1}, "exit status 1"};
    case 6: return timer_fired{generation};
    default: return became_ready{"tcp 127.0.0.1:80"};
    }
}

constexpr int start_ev = 0, stop_ev = 1, kill_ev = 2, spawned_ev = 3, failed_ev = 4, exited_ev = 5, timer_ev = 6, ready_ev = 7;
using S = process_state;

// Process spec for every cell: startsecs 1, startretries 3, stopwaitsecs 10,
// autorestart unexpected, exitcodes {0}, ready = startsecs (so became_ready
// is a stray event everywhere: the ready-check cells have their own table
// below); the process (if any) has pid 42 and the clock is at t0 (+0ms).
std::vector<cell_case> const cells{
    {S::stopped, start_ev, S::starting, "report(STOPPED->STARTING) spawn(#0)"},
    {S::stopped, stop_ev, S::stopped, ""},
    {S::stopped, kill_ev, S::stopped, ""},
    {S::stopped, spawned_ev, S::stopped, ""},
    {S::stopped, failed_ev, S::stopped, ""},
    {S::stopped, exited_ev, S::stopped, ""},
    {S::stopped, timer_ev, S::stopped, ""},
    {S::stopped, ready_ev, S::stopped, ""},

    {S::starting, start_ev, S::starting, ""},
    {S::starting, stop_ev, S::stopping, "report(STARTING->STOPPING) signal(#0 TERM group) timer(#0 +10000ms)"},
    {S::starting, kill_ev, S::stopping, "report(STARTING->STOPPING) signal(#0 KILL group)"},
    {S::starting, spawned_ev, S::starting, "timer(#0 +1000ms)"},
    {S::starting, failed_ev, S::backoff, "report(STARTING->BACKOFF) timer(#0 +1000ms)"},
    {S::starting, exited_ev, S::backoff, "report(STARTING->BACKOFF) timer(#0 +1000ms)"},
    {S::starting, timer_ev, S::running, "report(STARTING->RUNNING)"},
    {S::starting, ready_ev, S::starting, ""},

    {S::running, start_ev, S::running, ""},
    {S::running, stop_ev, S::stopping, "report(RUNNING->STOPPING) signal(#0 TERM group) timer(#0 +10000ms)"},
    {S::running, kill_ev, S::stopping, "report(RUNNING->STOPPING) signal(#0 KILL group)"},
    {S::running, spawned_ev, S::running, ""},
    {S::running, failed_ev, S::running, ""},
    {S::running, exited_ev, S::starting, "report(RUNNING->EXITED) report(EXITED->STARTING) spawn(#0)"},
    {S::running, timer_ev, S::running, ""},
    {S::running, ready_ev, S::running, ""},

    {S::backoff, start_ev, S::backoff, ""},
    {S::backoff, stop_ev, S::stopped, "report(BACKOFF->STOPPED)"},
    {S::backoff, kill_ev, S::stopped, "report(BACKOFF->STOPPED)"},
    {S::backoff, spawned_ev, S::backoff, ""},
    {S::backoff, failed_ev, S::backoff, ""},
    {S::backoff, exited_ev, S::backoff, ""},
    {S::backoff, timer_ev, S::starting, "report(BACKOFF->STARTING) spawn(#0)"},
    {S::backoff, ready_ev, S::backoff, ""},

    {S::stopping, start_ev, S::stopping, ""},
    {S::stopping, stop_ev, S::stopping, ""},
    {S::stopping, kill_ev, S::stopping, "signal(#0 KILL group)"},
    {S::stopping, spawned_ev, S::stopping, ""},
    {S::stopping, failed_ev, S::stopping, ""},
    {S::stopping, exited_ev, S::stopped, "report(STOPPING->STOPPED)"},
    {S::stopping, timer_ev, S::stopping, "signal(#0 KILL group)"},
    {S::stopping, ready_ev, S::stopping, ""},

    {S::exited, start_ev, S::starting, "report(EXITED->STARTING) spawn(#0)"},
    {S::exited, stop_ev, S::exited, ""},
    {S::exited, kill_ev, S::exited, ""},
    {S::exited, spawned_ev, S::exited, ""},
    {S::exited, failed_ev, S::exited, ""},
    {S::exited, exited_ev, S::exited, ""},
    {S::exited, timer_ev, S::exited, ""},
    {S::exited, ready_ev, S::exited, ""},

    {S::fatal, start_ev, S::starting, "report(FATAL->STARTING) spawn(#0)"},
    {S::fatal, stop_ev, S::fatal, ""},
    {S::fatal, kill_ev, S::fatal, ""},
    {S::fatal, spawned_ev, S::fatal, ""},
    {S::fatal, failed_ev, S::fatal, ""},
    {S::fatal, exited_ev, S::fatal, ""},
    {S::fatal, timer_ev, S::fatal, ""},
    {S::fatal, ready_ev, S::fatal, ""},
};

} // namespace

BOOST_AUTO_TEST_SUITE(transition_table)

BOOST_AUTO_TEST_CASE(table_is_total)
{
    BOOST_TEST(cells.size() == static_cast<std::size_t>(process_state_count * process_event_count));
    for (int s = 0; s < process_state_count; ++s)
        for (int e = 0; e < process_event_count; ++e)
            BOOST_TEST(cell_name(static_cast<process_state>(s), static_cast<std::size_t>(e)) != "?");
}

BOOST_DATA_TEST_CASE(cell, data::make(cells), c)
{
    auto spec = make_spec("p");
    process_record record;
    record.state = c.state;
    record.pid = has_process(c.state) ? 42 : 0;
    record.timer_generation = 5;
    std::vector<action> out;
    transition_context ctx{0, spec, record, t0(), false, out};

    transition(ctx, make_event(c.event, record.timer_generation));

    BOOST_TEST(to_string(record.state) == to_string(c.expected_state));
    BOOST_TEST(describe(out) == c.expected_actions);
}

BOOST_AUTO_TEST_SUITE_END()
