// Integration: SIGTERM/SIGINT run the ordered shutdown (SPEC §4); nothing of
// the test is left afterwards, grandchildren included.
#include <boost/test/unit_test.hpp>

#include "support/child.hpp"
#include "support/config_text.hpp"
#include "support/daemon.hpp"

#include <csignal>

using namespace warden::it;

BOOST_AUTO_TEST_SUITE(shutdown)

namespace {

// The pid of `name`'s grandchild, from its "start" record.
pid_t wait_grandchild(wardend const& d, temp_dir const& dir, std::string const& name)
{
    pid_t pid = 0;
    bool const found = wait_until(
        [&] {
            auto const starts = records_of(read_records(dir), "start", name + ".gc");
            if (!starts.empty())
                pid = starts.front().pid;
            return pid != 0;
        },
        10s);
    if (!found)
        d.fail("no start record from the grandchild of " + name);
    return pid;
}

} // namespace

// SIGTERM: each child's own TERM handler runs (it records "term"), the
// daemon exits 0, and no process of the test survives, grandchildren included.
// The worker takes 500 ms to exit after its "term", so its grandchild, which
// shares its group, has time to record the SIGTERM sent to the group before
// the final sweep would SIGKILL it.
BOOST_AUTO_TEST_CASE(sigterm_stops_children_and_grandchildren_and_exits_0)
{
    temp_dir dir;
    std::string const keys = "startsecs = 1\nstopwaitsecs = 5\n";
    wardend d(dir, dir.write("warden.ini", warden_section(dir) + program_section("web", child_command(dir, "web"), keys) +
                                              program_section("worker", child_command(dir, "worker", "--grandchild --term-delay-ms 500"),
                                                              keys)));
    pid_t const web = d.wait_state("web", "RUNNING", 15s).pid;
    pid_t const worker = d.wait_state("worker", "RUNNING", 15s).pid;
    pid_t const grandchild = wait_grandchild(d, dir, "worker");
    BOOST_REQUIRE(process_alive(web));
    BOOST_REQUIRE(process_alive(worker));
    BOOST_REQUIRE(process_alive(grandchild));
    BOOST_TEST(process_group_of(grandchild) == worker); // it shares the worker's group

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);

    auto const records = read_records(dir);
    for (auto const& [name, pid] : {std::pair{"web", web}, std::pair{"worker", worker}}) {
        auto const terms = records_of(records, "term", name);
        BOOST_TEST_CONTEXT(name)
        {
            BOOST_TEST_REQUIRE(terms.size() == 1u);
            BOOST_TEST(terms.front().pid == pid);
        }
    }
    auto const gc_terms = records_of(records, "term", "worker.gc");
    BOOST_TEST(gc_terms.size() == 1u, "the grandchild got no SIGTERM: the stop signal did not reach the group");
    for (pid_t pid : {web, worker, grandchild})
        BOOST_TEST(!process_alive(pid), "pid " << pid << " is still alive");
    BOOST_TEST(processes_with(dir.path().string()).empty(), "left: " << join(processes_with(dir.path().string())));

    auto const log = d.log();
    BOOST_TEST(log.find("shutdown requested") != std::string::npos);
    BOOST_TEST(log.find("worker: sending SIGTERM to process group " + std::to_string(worker)) != std::string::npos);
    BOOST_TEST(log.find("every program is stopped; reaping what is left") != std::string::npos);
    BOOST_TEST(log.find("warden stopped") != std::string::npos);
    BOOST_TEST(log.find("sending SIGKILL") == std::string::npos); // nobody needed stopwaitsecs
}

// SIGINT is the same shutdown as SIGTERM.
BOOST_AUTO_TEST_CASE(sigint_runs_the_same_shutdown)
{
    temp_dir dir;
    wardend d(dir, dir.write("warden.ini", warden_section(dir) + program_section("svc", child_command(dir, "svc"),
                                                                               "startsecs = 1\nstopwaitsecs = 5\n")));
    pid_t const pid = d.wait_state("svc", "RUNNING", 15s).pid;
    d.signal(SIGINT);
    BOOST_TEST(d.wait_exit(15s) == 0);
    BOOST_TEST(records_of(read_records(dir), "term", "svc").size() == 1u);
    BOOST_TEST(!process_alive(pid));
    BOOST_TEST(d.log().find("warden stopped") != std::string::npos);
}

// A child that ignores SIGTERM is SIGKILLed (its group) after stopwaitsecs,
// and the daemon still exits 0 with nothing left.
BOOST_AUTO_TEST_CASE(a_term_ignoring_child_is_killed_after_stopwaitsecs)
{
    temp_dir dir;
    wardend d(dir, dir.write("warden.ini",
                            warden_section(dir) +
                                program_section("stubborn", child_command(dir, "stubborn", "--ignore-term --grandchild"),
                                                "startsecs = 1\nstopwaitsecs = 1\n") +
                                program_section("polite", child_command(dir, "polite"),
                                                "startsecs = 1\nstopwaitsecs = 1\n")));
    pid_t const stubborn = d.wait_state("stubborn", "RUNNING", 15s).pid;
    pid_t const polite = d.wait_state("polite", "RUNNING", 15s).pid;
    pid_t const grandchild = wait_grandchild(d, dir, "stubborn");

    auto const signalled = clock::now();
    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
    // The SIGKILL waited for stopwaitsecs (timers never fire early).
    BOOST_TEST(ms_since(signalled) >= 1000);

    auto const log = d.log();
    BOOST_TEST(log.find("stubborn: sending SIGTERM to process group " + std::to_string(stubborn)) != std::string::npos);
    BOOST_TEST(log.find("stubborn: sending SIGKILL to process group " + std::to_string(stubborn)) != std::string::npos);
    BOOST_TEST(log.find("polite: sending SIGKILL") == std::string::npos);
    auto const stopped = d.states("stubborn").back();
    BOOST_TEST(stopped.to == "STOPPED");
    BOOST_TEST(stopped.reason.find("SIGKILL") != std::string::npos, stopped.line);
    BOOST_TEST(records_of(read_records(dir), "term", "stubborn").empty()); // it really ignored TERM

    for (pid_t pid : {stubborn, polite, grandchild})
        BOOST_TEST(!process_alive(pid), "pid " << pid << " is still alive");
    BOOST_TEST(processes_with(dir.path().string()).empty(), "left: " << join(processes_with(dir.path().string())));
}

// SPEC §4.3: a second SIGTERM during the shutdown kills everything at once,
// long before a 30 s stopwaitsecs.
BOOST_AUTO_TEST_CASE(a_second_sigterm_kills_everything_at_once)
{
    temp_dir dir;
    wardend d(dir, dir.write("warden.ini",
                            warden_section(dir) +
                                program_section("stubborn", child_command(dir, "stubborn", "--ignore-term"),
                                                "startsecs = 1\nstopwaitsecs = 30\npriority = 20\n") +
                                program_section("waiting", child_command(dir, "waiting", "--ignore-term"),
                                                "startsecs = 1\nstopwaitsecs = 30\npriority = 10\n")));
    pid_t const stubborn = d.wait_state("stubborn", "RUNNING", 15s).pid;
    pid_t const waiting = d.wait_state("waiting", "RUNNING", 15s).pid;

    d.signal(SIGTERM);
    d.wait_for_log("stubborn: sending SIGTERM to process group", 10s);
    auto const second = clock::now();
    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(10s) == 0);
    BOOST_TEST(ms_since(second) < 10000);

    auto const log = d.log();
    BOOST_TEST(log.find("second shutdown request") != std::string::npos);
    BOOST_TEST(log.find("stubborn: sending SIGKILL") != std::string::npos);
    // The lower tier had not been asked to stop yet: it is killed too, at once.
    BOOST_TEST(log.find("waiting: sending SIGTERM") == std::string::npos);
    BOOST_TEST(log.find("waiting: sending SIGKILL") != std::string::npos);
    for (pid_t pid : {stubborn, waiting})
        BOOST_TEST(!process_alive(pid), "pid " << pid << " is still alive");
    BOOST_TEST(processes_with(dir.path().string()).empty(), "left: " << join(processes_with(dir.path().string())));
}

BOOST_AUTO_TEST_SUITE_END()
