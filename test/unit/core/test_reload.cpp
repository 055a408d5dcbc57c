// Reload: the plan (added / changed / removed / unchanged) and how the
// supervisor applies it without touching what did not change.
#include "core/reload_plan.hpp"
#include "core_test_support.hpp"

#include <boost/test/unit_test.hpp>

using namespace warden::core;
using namespace warden::core::test;
namespace config = warden::config;

namespace {

using names = std::vector<std::string>;

// Bring process `i` to RUNNING with pid `pid`.
void run(supervisor& sup, std::size_t i, pid_type pid, double t)
{
    auto out = sup.handle(i, spawned{pid}, at(t));
    sup.handle(i, timer_fired{only<arm_timer>(out).back().generation}, at(t + 1));
    BOOST_REQUIRE(sup.record(i).state == process_state::running);
}

} // namespace

BOOST_AUTO_TEST_SUITE(reload_plan_tests)

BOOST_AUTO_TEST_CASE(classifies_every_process_by_name)
{
    auto keep = make_spec("keep");
    auto moved = make_spec("moved");
    auto edited = make_spec("edited");
    auto gone = make_spec("gone");
    auto moved2 = moved;
    moved2.where = {"/other/file.ini", 42}; // same behaviour, other place in the files
    auto edited2 = edited;
    edited2.command = {"/bin/false"};
    auto plan = plan_reload({keep, moved, edited, gone}, {keep, moved2, edited2, make_spec("new")});
    BOOST_TEST(plan.unchanged == (names{"keep", "moved"}), boost::test_tools::per_element());
    BOOST_TEST(plan.changed == names{"edited"}, boost::test_tools::per_element());
    BOOST_TEST(plan.removed == names{"gone"}, boost::test_tools::per_element());
    BOOST_TEST(plan.added == names{"new"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(any_key_difference_is_a_change)
{
    auto base = make_spec("p");
    std::vector<std::pair<std::string, config::process_spec>> variants;
    auto v = base; v.environment = {{"A", "1"}}; variants.emplace_back("environment", v);
    v = base; v.stopwaitsecs = std::chrono::seconds(3); variants.emplace_back("stopwaitsecs", v);
    v = base; v.stdout_log.max_bytes = 1; variants.emplace_back("stdout_logfile_maxbytes", v);
    v = base; v.priority = 1; variants.emplace_back("priority", v);
    v = base; v.user = "nobody"; variants.emplace_back("user", v);
    v = base; v.autostart = false; variants.emplace_back("autostart", v);
    for (auto const& [key, variant] : variants)
        BOOST_TEST(!same_behaviour(base, variant), key);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(reload_apply)

BOOST_AUTO_TEST_CASE(added_process_starts_when_autostart)
{
    supervisor sup(std::vector<config::process_spec>{make_spec("a")});
    auto out = sup.add(make_spec("b"), at(0));
    BOOST_TEST(describe(out) == "report(STOPPED->STARTING) spawn(#1)");
    auto lazy = make_spec("c");
    lazy.autostart = false;
    BOOST_TEST(describe(sup.add(lazy, at(0))) == "");
    BOOST_TEST(sup.size() == 3u);
}

BOOST_AUTO_TEST_CASE(removed_running_process_is_stopped_then_released)
{
    supervisor sup(std::vector<config::process_spec>{make_spec("a"), make_spec("b")});
    sup.start(at(0));
    run(sup, 0, 10, 0);
    run(sup, 1, 11, 0);
    auto out = sup.remove(0, at(5));
    BOOST_TEST(describe(out) == "report(RUNNING->STOPPING) signal(#0 TERM group) timer(#0 +15000ms)");
    BOOST_TEST(!sup.find("a").has_value()); // no longer addressable while it stops
    out = sup.handle(0, exited{exit_status{false, 0}, "exit status 0"}, at(6));
    BOOST_TEST(describe(out) == "report(STOPPING->STOPPED) release(#0)");
    BOOST_TEST(sup.retired(0));
    BOOST_TEST(sup.active_specs().size() == 1u);
    BOOST_TEST(sup.record(1).pid == 11); // the other one untouched
}

BOOST_AUTO_TEST_CASE(removed_process_that_is_down_is_released_at_once)
{
    auto lazy = make_spec("a");
    lazy.autostart = false;
    supervisor sup(std::vector<config::process_spec>{lazy});
    BOOST_TEST(describe(sup.remove(0, at(0))) == "release(#0)");
    // A retired process takes no part in a shutdown.
    BOOST_TEST(describe(sup.request_shutdown(at(1))) == "finish");
}

BOOST_AUTO_TEST_CASE(changed_running_process_restarts_with_the_new_spec)
{
    supervisor sup(std::vector<config::process_spec>{make_spec("a")});
    sup.start(at(0));
    run(sup, 0, 10, 0);
    auto next = make_spec("a");
    next.command = {"/bin/new"};
    auto out = sup.replace(0, next, at(5));
    BOOST_TEST(describe(out) == "report(RUNNING->STOPPING) signal(#0 TERM group) timer(#0 +15000ms)");
    BOOST_TEST(sup.spec(0).command.front() == "/bin/true"); // old spec until it is down
    // ... but the configuration already has the new one: reloading the same
    // file again while it stops must find nothing to change.
    BOOST_TEST(sup.active_specs().at(0).command.front() == "/bin/new");
    out = sup.handle(0, exited{exit_status{false, 0}, "exit status 0"}, at(6));
    BOOST_TEST(describe(out) == "report(STOPPING->STOPPED) reconfigure(#0) report(STOPPED->STARTING) spawn(#0)");
    BOOST_TEST(sup.spec(0).command.front() == "/bin/new");
}

BOOST_AUTO_TEST_CASE(changed_fatal_process_is_reconfigured_and_started_again)
{
    auto spec = make_spec("a");
    spec.startretries = 0;
    supervisor sup(std::vector<config::process_spec>{spec});
    sup.start(at(0));
    sup.handle(0, spawn_failed{"nope"}, at(0));
    BOOST_REQUIRE(sup.record(0).state == process_state::fatal);
    auto fixed = spec;
    fixed.command = {"/bin/fixed"};
    BOOST_TEST(describe(sup.replace(0, fixed, at(1))) == "reconfigure(#0) report(FATAL->STARTING) spawn(#0)");
}

BOOST_AUTO_TEST_CASE(changed_process_without_autostart_stays_stopped)
{
    supervisor sup(std::vector<config::process_spec>{make_spec("a")});
    sup.start(at(0));
    run(sup, 0, 10, 0);
    auto next = make_spec("a");
    next.autostart = false;
    sup.replace(0, next, at(5));
    auto out = sup.handle(0, exited{exit_status{false, 0}, "exit status 0"}, at(6));
    BOOST_TEST(describe(out) == "report(STOPPING->STOPPED) reconfigure(#0)");
}

BOOST_AUTO_TEST_SUITE_END()
