// Integration: failed starts go BACKOFF with a growing delay, then FATAL
// (SPEC §3); the daemon and the other programs carry on.
#include <boost/test/unit_test.hpp>

#include "support/child.hpp"
#include "support/config_text.hpp"
#include "support/daemon.hpp"

#include <algorithm>
#include <csignal>

using namespace warden::it;

BOOST_AUTO_TEST_SUITE(backoff)

namespace {

std::vector<std::string> targets(std::vector<state_change> const& changes)
{
    std::vector<std::string> to;
    for (auto const& c : changes)
        to.push_back(c.to);
    return to;
}

std::size_t count_to(std::vector<state_change> const& changes, std::string_view state)
{
    return static_cast<std::size_t>(
        std::count_if(changes.begin(), changes.end(), [&](auto const& c) { return c.to == state; }));
}

} // namespace

// startretries = 2: three attempts, BACKOFF delays 1 s then 2 s, then FATAL;
// an exit code and a crash (SIGSEGV) alike. The steady program is untouched.
BOOST_AUTO_TEST_CASE(a_crash_loop_ends_fatal_after_startretries_with_growing_delays)
{
    temp_dir dir;
    std::string const keys = "startsecs = 1\nstartretries = 2\nautorestart = true\n";
    wardend d(dir, dir.write("warden.ini",
                            warden_section(dir) + program_section("crasher", child_command(dir, "crasher", "--exit 3"), keys) +
                                program_section("segv", child_command(dir, "segv", "--crash"), keys) +
                                program_section("steady", child_command(dir, "steady"),
                                                "startsecs = 1\nstopwaitsecs = 2\n")));
    pid_t const steady = d.wait_state("steady", "RUNNING", 15s).pid;
    auto const fatal = d.wait_state("crasher", "FATAL", 20s);
    auto const segv_fatal = d.wait_state("segv", "FATAL", 20s);

    auto const crasher = d.states("crasher");
    std::vector<std::string> const expected{"STARTING", "BACKOFF", "STARTING", "BACKOFF", "STARTING", "FATAL"};
    BOOST_TEST(targets(crasher) == expected, boost::test_tools::per_element());
    BOOST_TEST_REQUIRE(crasher.size() == expected.size());
    BOOST_TEST(crasher[1].reason.find("exit status 3") != std::string::npos, crasher[1].line);
    BOOST_TEST(crasher[1].reason.find("retry in 1s") != std::string::npos, crasher[1].line);
    BOOST_TEST(crasher[3].reason.find("retry in 2s") != std::string::npos, crasher[3].line);
    BOOST_TEST(fatal.reason.find("gave up after 3 attempts") != std::string::npos, fatal.line);

    // The delays grow: BACKOFF -> STARTING takes longer the second time.
    // Timers never fire early (10 ms slack for the ms timestamps), and the
    // comparison is of order, not of exact durations.
    auto const first_gap = crasher[2].wall_ms - crasher[1].wall_ms;
    auto const second_gap = crasher[4].wall_ms - crasher[3].wall_ms;
    BOOST_TEST(first_gap >= 990);
    BOOST_TEST(second_gap > first_gap);

    auto const segv = d.states("segv");
    BOOST_TEST(targets(segv) == expected, boost::test_tools::per_element());
    BOOST_TEST(segv_fatal.reason.find("SIGSEGV") != std::string::npos, segv_fatal.line);

    // The daemon and the steady program carried on.
    BOOST_TEST(d.running());
    BOOST_TEST(process_alive(steady));
    BOOST_TEST(count_to(d.states("steady"), "STARTING") == 1u);

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
    // FATAL is final: no attempt was made after it, not even during shutdown.
    BOOST_TEST(count_to(d.states("crasher"), "STARTING") == 3u);
    BOOST_TEST(count_to(d.states("segv"), "STARTING") == 3u);
    BOOST_TEST(records_of(read_records(dir), "start", "crasher").size() == 3u);
}

// A command that cannot be executed is a BACKOFF with a log line naming the
// error, then FATAL; never a crash of the daemon.
BOOST_AUTO_TEST_CASE(a_spawn_failure_is_backoff_then_fatal_and_the_rest_runs_on)
{
    temp_dir dir;
    wardend d(dir, dir.write("warden.ini", warden_section(dir) +
                                              program_section("broken", "/nonexistent/prog --flag",
                                                              "startsecs = 1\nstartretries = 1\n") +
                                              program_section("steady", child_command(dir, "steady"),
                                                              "startsecs = 1\nstopwaitsecs = 2\n")));
    auto const backoff = d.wait_state("broken", "BACKOFF", 10s);
    BOOST_TEST(backoff.reason.find("/nonexistent/prog") != std::string::npos, backoff.line);
    BOOST_TEST(backoff.reason.find("No such file or directory") != std::string::npos, backoff.line);
    BOOST_TEST(backoff.reason.find("retry in 1s") != std::string::npos, backoff.line);

    auto const fatal = d.wait_state("broken", "FATAL", 15s);
    BOOST_TEST(fatal.reason.find("No such file or directory") != std::string::npos, fatal.line);
    BOOST_TEST(fatal.reason.find("gave up after 2 attempts") != std::string::npos, fatal.line);

    pid_t const steady = d.wait_state("steady", "RUNNING", 15s).pid;
    BOOST_TEST(d.running());
    BOOST_TEST(process_alive(steady));
    BOOST_TEST(count_to(d.states("steady"), "STARTING") == 1u);

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
