// Scenario tests: a list of events with explicit time points, and the
// decisions the core takes (restart policy, backoff timing, FATAL, stops).
#include "core_test_support.hpp"

#include <boost/test/unit_test.hpp>

using namespace warden::core;
using namespace warden::core::test;
namespace config = warden::config;

namespace {

exited exit_code(int code) { return exited{exit_status{false, code}, "exit status " + std::to_string(code)}; }
exited killed_by(int sig) { return exited{exit_status{true, sig}, "terminated by signal " + std::to_string(sig)}; }

std::uint64_t last_timer_generation(std::vector<action> const& actions)
{
    auto timers = only<arm_timer>(actions);
    BOOST_REQUIRE(!timers.empty());
    return timers.back().generation;
}

struct one_process {
    explicit one_process(config::process_spec s) : sup(std::vector<config::process_spec>{std::move(s)}) {}
    supervisor sup;
    std::vector<action> feed(process_event const& e, time_point now) { return sup.handle(0, e, now); }
    process_state state() const { return sup.record(0).state; }
};

} // namespace

BOOST_AUTO_TEST_SUITE(restart_policy)

BOOST_AUTO_TEST_CASE(crash_loop_backs_off_one_more_second_each_time_then_goes_fatal)
{
    auto spec = make_spec("crasher");
    spec.startretries = 3;
    one_process p(spec);

    auto out = p.sup.start(at(0));
    BOOST_TEST(describe(out) == "report(STOPPED->STARTING) spawn(#0)");

    // supervisord: 1 + startretries attempts, delays of 1s, 2s, 3s between them.
    double now = 0;
    std::vector<std::string> expected_timers{"timer(#0 +1100ms)", "timer(#0 +3200ms)", "timer(#0 +6300ms)"};
    for (int attempt = 1; attempt <= 3; ++attempt) {
        BOOST_TEST_CONTEXT("attempt " << attempt)
        {
            p.feed(spawned{100 + attempt}, at(now));
            now += 0.1;
            out = p.feed(exit_code(1), at(now));
            BOOST_TEST(p.state() == process_state::backoff);
            BOOST_TEST(describe(only<arm_timer>(out).empty() ? std::vector<action>{} : std::vector<action>{out.back()}) ==
                       expected_timers[attempt - 1]);
            auto gen = last_timer_generation(out);
            now += attempt; // the backoff delay
            out = p.feed(timer_fired{gen}, at(now));
            BOOST_TEST(describe(out) == "report(BACKOFF->STARTING) spawn(#0)");
        }
    }
    p.feed(spawned{200}, at(now));
    out = p.feed(exit_code(1), at(now + 0.1));
    BOOST_TEST(p.state() == process_state::fatal);
    BOOST_TEST(only<arm_timer>(out).empty()); // FATAL costs nothing: no timer
    BOOST_TEST(only<spawn>(out).empty());
    BOOST_TEST(p.sup.record(0).failed_starts == 4);
}

BOOST_AUTO_TEST_CASE(spawn_failure_is_a_backoff_not_a_crash)
{
    one_process p(make_spec("missing"));
    p.sup.start(at(0));
    auto out = p.feed(spawn_failed{"cannot execute 'nope': No such file or directory"}, at(0));
    BOOST_TEST(p.state() == process_state::backoff);
    auto reports = only<report_state>(out);
    BOOST_REQUIRE(reports.size() == 1u);
    BOOST_TEST(reports[0].reason.find("No such file or directory") != std::string::npos);
    BOOST_TEST(reports[0].reason.find("retry in 1s") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(running_resets_the_failure_count)
{
    one_process p(make_spec("flaky"));
    p.sup.start(at(0));
    p.feed(spawned{1}, at(0));
    auto out = p.feed(exit_code(1), at(0.5));
    out = p.feed(timer_fired{last_timer_generation(out)}, at(1.5));
    out = p.feed(spawned{2}, at(1.5));
    BOOST_TEST(p.sup.record(0).failed_starts == 1);
    p.feed(timer_fired{last_timer_generation(out)}, at(2.5));
    BOOST_TEST(p.state() == process_state::running);
    BOOST_TEST(p.sup.record(0).failed_starts == 0);
}

BOOST_AUTO_TEST_CASE(startsecs_zero_is_running_at_once)
{
    auto spec = make_spec("quick");
    spec.startsecs = std::chrono::seconds(0);
    one_process p(spec);
    p.sup.start(at(0));
    auto out = p.feed(spawned{9}, at(0));
    BOOST_TEST(p.state() == process_state::running);
    BOOST_TEST(only<arm_timer>(out).empty());
}

BOOST_AUTO_TEST_CASE(stale_timer_is_ignored)
{
    one_process p(make_spec("p"));
    p.sup.start(at(0));
    auto out = p.feed(spawned{1}, at(0));
    auto startsecs_gen = last_timer_generation(out);
    p.feed(stop_requested{}, at(0.5));
    // The startsecs timer fires after the stop: it must not make it RUNNING or KILL it.
    out = p.feed(timer_fired{startsecs_gen}, at(1));
    BOOST_TEST(p.state() == process_state::stopping);
    BOOST_TEST(out.empty());
}

struct restart_case {
    config::autorestart_mode mode;
    std::vector<int> exitcodes;
    exited how;
    bool restarts;
};

BOOST_AUTO_TEST_CASE(autorestart_follows_policy_and_exitcodes)
{
    using M = config::autorestart_mode;
    std::vector<restart_case> cases{
        {M::always, {0}, exit_code(0), true},
        {M::always, {0}, exit_code(3), true},
        {M::never, {0}, exit_code(3), false},
        {M::never, {0}, killed_by(9), false},
        {M::unexpected, {0}, exit_code(0), false},
        {M::unexpected, {0}, exit_code(1), true},
        {M::unexpected, {0, 2}, exit_code(2), false},
        {M::unexpected, {0, 2}, exit_code(3), true},
        {M::unexpected, {0}, killed_by(9), true},
    };
    for (std::size_t i = 0; i < cases.size(); ++i) {
        BOOST_TEST_CONTEXT("case " << i << ": " << cases[i].how.description)
        {
            auto spec = make_spec("p");
            spec.autorestart = cases[i].mode;
            spec.exitcodes = cases[i].exitcodes;
            one_process p(spec);
            p.sup.start(at(0));
            auto out = p.feed(spawned{1}, at(0));
            p.feed(timer_fired{last_timer_generation(out)}, at(1));
            BOOST_REQUIRE(p.state() == process_state::running);
            out = p.feed(cases[i].how, at(5));
            BOOST_TEST(!only<spawn>(out).empty() == cases[i].restarts);
            BOOST_TEST(p.state() == (cases[i].restarts ? process_state::starting : process_state::exited));
            BOOST_TEST(p.sup.record(0).last_exit_description == cases[i].how.description);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(stopping)

BOOST_AUTO_TEST_CASE(stop_signal_then_kill_after_stopwaitsecs)
{
    auto spec = make_spec("stubborn");
    spec.stopsignal = config::signal_id::term;
    spec.stopwaitsecs = std::chrono::seconds(3);
    one_process p(spec);
    p.sup.start(at(0));
    p.feed(spawned{5}, at(0));
    auto out = p.feed(stop_requested{}, at(10));
    BOOST_TEST(describe(out) == "report(STARTING->STOPPING) signal(#0 TERM group) timer(#0 +13000ms)");
    out = p.feed(timer_fired{last_timer_generation(out)}, at(13));
    BOOST_TEST(describe(out) == "signal(#0 KILL group)");
    out = p.feed(killed_by(9), at(13.01));
    BOOST_TEST(p.state() == process_state::stopped);
}

BOOST_AUTO_TEST_CASE(stopasgroup_false_signals_the_pid_only)
{
    auto spec = make_spec("solo");
    spec.stopasgroup = false;
    spec.killasgroup = false;
    one_process p(spec);
    p.sup.start(at(0));
    p.feed(spawned{5}, at(0));
    auto out = p.feed(stop_requested{}, at(1));
    auto sig = only<send_signal>(out);
    BOOST_REQUIRE(sig.size() == 1u);
    BOOST_TEST(!sig[0].to_group);
    BOOST_TEST(sig[0].pid == 5);
    out = p.feed(timer_fired{last_timer_generation(out)}, at(11));
    BOOST_TEST(describe(out) == "signal(#0 KILL pid)");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ordering)

namespace {

// Three tiers: a(1) b(1) c(5) d(10); e is not autostarted.
supervisor make_tiers()
{
    std::vector<config::process_spec> specs{make_spec("d", 10), make_spec("a", 1), make_spec("c", 5),
                                            make_spec("b", 1), make_spec("e", 3)};
    specs[4].autostart = false;
    return supervisor(std::move(specs));
}

std::vector<std::string> names(supervisor const& sup, std::vector<action> const& actions)
{
    std::vector<std::string> out;
    for (auto const& s : only<spawn>(actions))
        out.push_back(sup.spec(s.process).name);
    for (auto const& s : only<send_signal>(actions))
        out.push_back(sup.spec(s.process).name + (s.signal == warden::config::signal_id::kill ? ":KILL" : ":TERM"));
    return out;
}

void bring_all_up(supervisor& sup)
{
    sup.start(at(0));
    for (std::size_t i = 0; i < sup.size(); ++i)
        if (sup.record(i).state == process_state::starting) {
            auto out = sup.handle(i, spawned{static_cast<pid_type>(100 + i)}, at(0));
            sup.handle(i, timer_fired{only<arm_timer>(out).back().generation}, at(1));
        }
}

} // namespace

BOOST_AUTO_TEST_CASE(start_by_ascending_priority_file_order_within_a_tier)
{
    auto sup = make_tiers();
    auto out = sup.start(at(0));
    BOOST_TEST(names(sup, out) == (std::vector<std::string>{"a", "b", "c", "d"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(shutdown_stops_highest_priority_tier_first_each_tier_in_parallel)
{
    auto sup = make_tiers();
    bring_all_up(sup);
    auto out = sup.request_shutdown(at(2));
    BOOST_TEST(names(sup, out) == std::vector<std::string>{"d:TERM"}, boost::test_tools::per_element());

    out = sup.handle(0, exited{exit_status{false, 0}, "exit status 0"}, at(3));
    BOOST_TEST(names(sup, out) == std::vector<std::string>{"c:TERM"}, boost::test_tools::per_element());

    out = sup.handle(2, exited{exit_status{false, 0}, "exit status 0"}, at(4));
    BOOST_TEST(names(sup, out) == (std::vector<std::string>{"a:TERM", "b:TERM"}), boost::test_tools::per_element());

    out = sup.handle(1, exited{exit_status{false, 0}, "exit status 0"}, at(5));
    BOOST_TEST(out.size() == 1u); // a is STOPPED, b still stopping: no finish yet
    out = sup.handle(3, exited{exit_status{false, 0}, "exit status 0"}, at(5));
    BOOST_TEST(describe(out) == "report(STOPPING->STOPPED) finish");
}

BOOST_AUTO_TEST_CASE(second_shutdown_request_kills_everything_at_once)
{
    auto sup = make_tiers();
    bring_all_up(sup);
    sup.request_shutdown(at(2));
    auto out = sup.request_shutdown(at(2.5));
    BOOST_TEST(names(sup, out) == (std::vector<std::string>{"d:KILL", "a:KILL", "c:KILL", "b:KILL"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(nothing_restarts_during_shutdown)
{
    auto sup = make_tiers();
    bring_all_up(sup);
    sup.request_shutdown(at(2));
    // a (lower tier, still RUNNING) crashes while d is being stopped.
    auto out = sup.handle(1, exited{exit_status{true, 11}, "terminated by SIGSEGV"}, at(2.1));
    BOOST_TEST(only<spawn>(out).empty());
    BOOST_TEST(sup.record(1).state == process_state::exited);
}

BOOST_AUTO_TEST_CASE(backoff_processes_are_settled_when_shutdown_begins)
{
    supervisor sup(std::vector<warden::config::process_spec>{make_spec("crasher")});
    sup.start(at(0));
    auto out = sup.handle(0, spawn_failed{"nope"}, at(0));
    auto gen = only<arm_timer>(out).back().generation;
    out = sup.request_shutdown(at(0.5));
    BOOST_TEST(describe(out) == "report(BACKOFF->STOPPED) finish");
    out = sup.handle(0, timer_fired{gen}, at(1));
    BOOST_TEST(only<spawn>(out).empty());
}

BOOST_AUTO_TEST_CASE(shutdown_with_nothing_running_finishes_at_once)
{
    auto sup = make_tiers();
    auto out = sup.request_shutdown(at(0));
    BOOST_TEST(describe(out) == "finish");
    BOOST_TEST(describe(sup.request_shutdown(at(1))) == ""); // finished once
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(group_ordering)

// supervisord orders groups by the group's priority (a lone program is its own
// group), then the members of a group by their own priority.
BOOST_AUTO_TEST_CASE(group_priority_orders_before_program_priority)
{
    auto g1 = make_spec("grp:b", 50);
    g1.group_priority = 10;
    auto g2 = make_spec("grp:a", 40);
    g2.group_priority = 10;
    auto lone = make_spec("lone", 5);
    lone.group_priority = 5;
    auto late = make_spec("late", 1);
    late.group_priority = 20;
    warden::core::supervisor sup(std::vector<warden::config::process_spec>{g1, g2, lone, late});
    auto out = sup.start(at(0));
    std::vector<std::string> started;
    for (auto const& s : only<spawn>(out))
        started.push_back(sup.spec(s.process).name);
    BOOST_TEST(started == (std::vector<std::string>{"lone", "grp:a", "grp:b", "late"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
