// depends_on, `ready =` checks and `essential`: the decisions of the core,
// fed with explicit events and time points.
#include "core_test_support.hpp"

#include <boost/test/unit_test.hpp>

using namespace warden::core;
using namespace warden::core::test;
namespace config = warden::config;

namespace {

exited exit_code(int code) { return exited{exit_status{false, code}, "exit status " + std::to_string(code)}; }

config::process_spec depending(std::string name, std::vector<std::string> deps, int priority = 999)
{
    auto s = make_spec(std::move(name), priority, priority);
    s.depends_on = std::move(deps);
    return s;
}

config::process_spec with_ready(config::ready_kind kind)
{
    auto s = make_spec("svc");
    s.ready.kind = kind;
    s.ready.host = "127.0.0.1";
    s.ready.port = 80;
    s.ready_timeout = std::chrono::seconds(60);
    return s;
}

/// Bring process `i` to RUNNING (startsecs 1): spawned at `t`, timer at t+1.
std::vector<action> run(supervisor& sup, std::size_t i, pid_type pid, double t)
{
    auto out = sup.handle(i, spawned{pid}, at(t));
    auto timers = only<arm_timer>(out);
    BOOST_REQUIRE(!timers.empty());
    return sup.handle(i, timer_fired{timers.back().generation}, at(t + 1));
}

} // namespace

BOOST_AUTO_TEST_SUITE(ready_checks)

// The cells that only a spec with a ready check reaches.
BOOST_AUTO_TEST_CASE(spawn_arms_ready_timeout_and_starts_the_check)
{
    supervisor sup({with_ready(config::ready_kind::tcp)});
    sup.start(at(0));
    auto out = sup.handle(0, spawned{42}, at(0));
    BOOST_TEST(describe(out) == "timer(#0 +60000ms) check_ready(#0)");
    BOOST_TEST(sup.record(0).state == process_state::starting);
}

BOOST_AUTO_TEST_CASE(ready_event_makes_it_running_without_waiting_for_startsecs)
{
    supervisor sup({with_ready(config::ready_kind::notify)});
    sup.start(at(0));
    sup.handle(0, spawned{42}, at(0));
    auto out = sup.handle(0, became_ready{"notify"}, at(0.2));
    BOOST_TEST(describe(out) == "report(STARTING->RUNNING)");
    BOOST_TEST(only<report_state>(out).at(0).reason == "ready (notify)");
    BOOST_TEST(sup.record(0).failed_starts == 0);
}

BOOST_AUTO_TEST_CASE(never_ready_is_stopped_then_killed_then_counts_as_a_failed_start)
{
    auto spec = with_ready(config::ready_kind::exec);
    spec.startretries = 0;
    supervisor sup({spec});
    sup.start(at(0));
    auto gen = only<arm_timer>(sup.handle(0, spawned{42}, at(0))).at(0).generation;

    auto out = sup.handle(0, timer_fired{gen}, at(60));
    BOOST_TEST(describe(out) == "signal(#0 TERM group) timer(#0 +70000ms)");
    BOOST_TEST(sup.record(0).state == process_state::starting);

    // Too late: a readiness that arrives while it is being stopped changes nothing.
    BOOST_TEST(describe(sup.handle(0, became_ready{"exec"}, at(61))) == "");

    out = sup.handle(0, timer_fired{only<arm_timer>(out).at(0).generation}, at(70));
    BOOST_TEST(describe(out) == "signal(#0 KILL group)");

    out = sup.handle(0, exited{exit_status{true, 9}, "terminated by SIGKILL"}, at(70.1));
    BOOST_TEST(sup.record(0).state == process_state::fatal);
    BOOST_TEST(only<report_state>(out).at(0).reason.find("not ready within 60s") == 0u);
}

BOOST_AUTO_TEST_CASE(not_ready_exit_retries_with_backoff)
{
    auto spec = with_ready(config::ready_kind::tcp);
    spec.ready_timeout = std::chrono::seconds(2);
    supervisor sup({spec});
    sup.start(at(0));
    auto gen = only<arm_timer>(sup.handle(0, spawned{42}, at(0))).at(0).generation;
    sup.handle(0, timer_fired{gen}, at(2));
    auto out = sup.handle(0, exit_code(0), at(2.1));
    BOOST_TEST(describe(out) == "report(STARTING->BACKOFF) timer(#0 +3100ms)");
    BOOST_TEST(only<report_state>(out).at(0).reason == "not ready within 2s; retry in 1s");
    // The retry starts afresh: the next timeout is a new stop, not a kill.
    out = sup.handle(0, timer_fired{only<arm_timer>(out).at(0).generation}, at(3.1));
    BOOST_TEST(describe(out) == "report(BACKOFF->STARTING) spawn(#0)");
    BOOST_TEST(!sup.record(0).not_ready);
}

BOOST_AUTO_TEST_CASE(startsecs_ready_ignores_a_stray_ready_event)
{
    supervisor sup({make_spec("plain")});
    sup.start(at(0));
    sup.handle(0, spawned{42}, at(0));
    BOOST_TEST(describe(sup.handle(0, became_ready{"notify"}, at(0.1))) == "");
    BOOST_TEST(sup.record(0).state == process_state::starting);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(dependencies)

BOOST_AUTO_TEST_CASE(dependent_waits_for_its_dependency_to_run)
{
    // web would start first by priority; its dependency wins.
    supervisor sup({depending("web", {"db"}, 100), make_spec("db", 900, 900)});
    auto out = sup.start(at(0));
    BOOST_TEST(describe(out) == "report(STOPPED->STARTING) spawn(#1) waiting(#0 on db (STARTING))");
    BOOST_TEST(sup.waiting(0));
    BOOST_TEST(sup.waiting_for(0) == "db (STARTING)");

    out = run(sup, 1, 11, 0);
    BOOST_TEST(describe(out) == "report(STARTING->RUNNING) report(STOPPED->STARTING) spawn(#0)");
    BOOST_TEST(!sup.waiting(0));
    BOOST_TEST(sup.waiting_for(0) == "");
}

BOOST_AUTO_TEST_CASE(dependency_keys_win_over_priority)
{
    supervisor sup({depending("web", {"db"}, 100), make_spec("db", 900, 900), depending("api", {"web"}, 5)});
    BOOST_TEST((sup.effective_key(1) == std::pair{900, 900}));
    BOOST_TEST((sup.effective_key(0) == std::pair{900, 901}));
    BOOST_TEST((sup.effective_key(2) == std::pair{900, 902}));
    BOOST_TEST((sup.start_order() == std::vector<std::size_t>{1, 0, 2}));
}

BOOST_AUTO_TEST_CASE(shutdown_stops_dependents_before_their_dependencies)
{
    supervisor sup({depending("web", {"db"}, 100), make_spec("db", 900, 900)});
    sup.start(at(0));
    run(sup, 1, 11, 0);
    run(sup, 0, 10, 1);

    auto out = sup.request_shutdown(at(5));
    BOOST_TEST(describe(out) == "report(RUNNING->STOPPING) signal(#0 TERM group) timer(#0 +15000ms)");
    BOOST_TEST(sup.shutdown_budget() == std::chrono::seconds(20)); // two tiers of stopwaitsecs 10
    out = sup.handle(0, exit_code(0), at(6));
    BOOST_TEST(describe(out) == "report(STOPPING->STOPPED) report(RUNNING->STOPPING) signal(#1 TERM group) timer(#1 +16000ms)");
    out = sup.handle(1, exit_code(0), at(7));
    BOOST_TEST(describe(out) == "report(STOPPING->STOPPED) finish");
}

BOOST_AUTO_TEST_CASE(every_process_of_a_program_is_a_dependency)
{
    auto db0 = make_spec("db:db_00");
    db0.program = "db";
    auto db1 = make_spec("db:db_01");
    db1.program = "db";
    supervisor sup({depending("web", {"db"}), db0, db1});
    sup.start(at(0));
    BOOST_TEST((sup.dependencies(0) == std::vector<std::size_t>{1, 2}));
    run(sup, 1, 11, 0);
    BOOST_TEST(sup.waiting_for(0) == "db:db_01 (STARTING)");
    auto out = run(sup, 2, 12, 0);
    BOOST_TEST(only<spawn>(out).size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_fatal_dependency_blocks_its_dependents)
{
    auto db = make_spec("db");
    db.startretries = 0;
    supervisor sup({depending("web", {"db"}), db, depending("api", {"web"})});
    sup.start(at(0));
    BOOST_TEST(!sup.start_blocked(0));
    sup.handle(1, spawn_failed{"no such file"}, at(0));
    BOOST_TEST(sup.record(1).state == process_state::fatal);
    BOOST_TEST(sup.record(0).state == process_state::stopped);
    BOOST_TEST(sup.waiting_for(0) == "db (FATAL)");
    BOOST_TEST(sup.start_blocked(0));
    BOOST_TEST(sup.start_blocked(2)); // through web
    BOOST_TEST(sup.startup_settled());
}

BOOST_AUTO_TEST_CASE(starting_a_dependent_starts_its_dependencies_again)
{
    auto db = make_spec("db");
    db.startretries = 0;
    supervisor sup({depending("web", {"db"}), db});
    sup.start(at(0));
    sup.handle(1, spawn_failed{"no such file"}, at(0));
    auto out = sup.handle(0, start_requested{}, at(10));
    BOOST_TEST(describe(out) == "report(FATAL->STARTING) spawn(#1)");
    BOOST_TEST(sup.waiting_for(0) == "db (STARTING)");
    BOOST_TEST(!sup.start_blocked(0));
}

BOOST_AUTO_TEST_CASE(stopping_a_waiting_process_cancels_its_start)
{
    supervisor sup({depending("web", {"db"}), make_spec("db")});
    sup.start(at(0));
    BOOST_TEST(sup.waiting(0));
    BOOST_TEST(describe(sup.handle(0, stop_requested{}, at(0.5))) == "");
    BOOST_TEST(!sup.waiting(0));
    auto out = run(sup, 1, 11, 0);
    BOOST_TEST(only<spawn>(out).empty());
}

BOOST_AUTO_TEST_CASE(startup_settles_when_nothing_is_starting_or_backing_off)
{
    supervisor sup({depending("web", {"db"}), make_spec("db")});
    sup.start(at(0));
    BOOST_TEST(!sup.startup_settled());
    run(sup, 1, 11, 0);
    BOOST_TEST(!sup.startup_settled());
    run(sup, 0, 10, 1);
    BOOST_TEST(sup.startup_settled());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(essential)

BOOST_AUTO_TEST_CASE(an_essential_process_going_fatal_shuts_everything_down)
{
    auto db = make_spec("db", 1, 1);
    db.essential = true;
    db.startretries = 0;
    supervisor sup({db, make_spec("web", 2, 2)});
    sup.start(at(0));
    run(sup, 1, 20, 0);
    auto out = sup.handle(0, spawn_failed{"no such file"}, at(1));
    BOOST_TEST(describe(out) ==
               "report(STARTING->FATAL) fail(#0 went FATAL) report(RUNNING->STOPPING) signal(#1 TERM group) timer(#1 +11000ms)");
    BOOST_TEST(sup.shutting_down());
    out = sup.handle(1, exit_code(0), at(2));
    BOOST_TEST(describe(out) == "report(STOPPING->STOPPED) finish");
}

BOOST_AUTO_TEST_CASE(an_essential_process_that_exits_for_good_shuts_everything_down)
{
    auto job = make_spec("job");
    job.essential = true;
    job.autorestart = config::autorestart_mode::never;
    supervisor sup({job});
    sup.start(at(0));
    run(sup, 0, 10, 0);
    auto out = sup.handle(0, exit_code(0), at(5));
    BOOST_TEST(describe(out) == "report(RUNNING->EXITED) fail(#0 exited and will not be restarted) finish");
}

BOOST_AUTO_TEST_CASE(a_restarted_or_stopped_essential_process_is_no_failure)
{
    auto web = make_spec("web");
    web.essential = true;
    supervisor sup({web});
    sup.start(at(0));
    run(sup, 0, 10, 0);
    auto out = sup.handle(0, exit_code(1), at(5)); // unexpected: restarted
    BOOST_TEST(only<fail_daemon>(out).empty());
    sup.handle(0, spawned{11}, at(5));
    out = sup.handle(0, stop_requested{}, at(6));
    out = sup.handle(0, exit_code(0), at(6.1));
    BOOST_TEST(sup.record(0).state == process_state::stopped);
    BOOST_TEST(only<fail_daemon>(out).empty());
    BOOST_TEST(!sup.shutting_down());
}

BOOST_AUTO_TEST_CASE(a_non_essential_fatal_leaves_the_daemon_running)
{
    auto db = make_spec("db");
    db.startretries = 0;
    supervisor sup({db});
    sup.start(at(0));
    auto out = sup.handle(0, spawn_failed{"x"}, at(0));
    BOOST_TEST(only<fail_daemon>(out).empty());
    BOOST_TEST(!sup.shutting_down());
}

BOOST_AUTO_TEST_SUITE_END()
