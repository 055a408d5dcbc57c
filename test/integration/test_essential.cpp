// Integration: `essential = true` (SPEC §2, issue 4). When an essential
// process goes FATAL, or exits and will not be restarted, wardend runs the
// ordered shutdown and exits 1, naming the program (and the word
// "essential") in its log. Anything else — a restart, a non-essential FATAL,
// the shutdown itself, an explicit `wardenctl stop` — leaves the exit status alone.
#include <boost/test/unit_test.hpp>

#include "support/child.hpp"
#include "support/config_text.hpp"
#include "support/ctl.hpp"
#include "support/daemon.hpp"

#include <algorithm>
#include <csignal>

using namespace warden::it;

BOOST_AUTO_TEST_SUITE(essential)

namespace {

// Some log line names `name` and says "essential".
bool essential_line_for(std::string const& log, std::string const& name)
{
    auto const lines = lines_of(log);
    return std::any_of(lines.begin(), lines.end(), [&](std::string const& line) {
        return line.find(name + ":") != std::string::npos && line.find("essential") != std::string::npos;
    });
}

// The configuration shared by the cases: `db` as given, and a non-essential
// `web` that records its TERM (so the ordered shutdown is visible).
fs::path config_with(temp_dir const& dir, std::string const& db_args, std::string const& db_keys)
{
    return dir.write("warden.ini",
                     warden_section(dir) + program_section("db", child_command(dir, "db", db_args), db_keys) +
                         program_section("web", child_command(dir, "web", "--term-delay-ms 200"),
                                         "startsecs = 1\nstopwaitsecs = 5\n"));
}

// The daemon ended by itself with 1, after stopping web in order; nothing left.
void expect_essential_shutdown(wardend& d, temp_dir const& dir)
{
    BOOST_TEST(d.wait_exit(20s) == 1);
    auto const log = d.log();
    BOOST_TEST(essential_line_for(log, "db"), "no log line names db and says essential");
    BOOST_TEST(log.find("warden stopped") != std::string::npos);
    auto const records = read_records(dir);
    BOOST_TEST(records_of(records, "term", "web").size() == 1u, "web got no SIGTERM: no ordered shutdown");
    BOOST_TEST(records_of(records, "exit", "web").size() == 1u, "web was killed before it finished stopping");
    BOOST_TEST(processes_with(dir.path().string()).empty(), "left: " << join(processes_with(dir.path().string())));
}

} // namespace

// FATAL: db exits after 0.5 s, every try (startretries = 1), so it is FATAL
// about 2 s after the start, well after web is RUNNING.
BOOST_AUTO_TEST_CASE(an_essential_process_going_fatal_ends_the_daemon_with_1)
{
    temp_dir dir;
    wardend d(dir, config_with(dir, "--exit-after-ms 500 --exit 1", "startsecs = 1\nstartretries = 1\nessential = true\n"));
    d.wait_state("web", "RUNNING", 15s);
    d.wait_state("db", "FATAL", 15s);
    expect_essential_shutdown(d, dir);
    // Both tries happened before the shutdown: FATAL was final, not the first BACKOFF.
    BOOST_TEST(records_of(read_records(dir), "start", "db").size() == 2u);
}

// A final exit: RUNNING, then exit 0 with autorestart = false.
BOOST_AUTO_TEST_CASE(an_essential_process_exiting_for_good_ends_the_daemon_with_1)
{
    temp_dir dir;
    wardend d(dir, config_with(dir, "--exit-after-ms 1500 --exit 0",
                               "startsecs = 1\nautorestart = false\nessential = true\n"));
    d.wait_state("db", "RUNNING", 15s);
    d.wait_state("db", "EXITED", 15s);
    expect_essential_shutdown(d, dir);
}

// autorestart = unexpected and an expected exit code: not restarted, so final.
BOOST_AUTO_TEST_CASE(an_expected_exit_with_autorestart_unexpected_is_final)
{
    temp_dir dir;
    wardend d(dir, config_with(dir, "--exit-after-ms 1500 --exit 0",
                               "startsecs = 1\nautorestart = unexpected\nexitcodes = 0\nessential = true\n"));
    d.wait_state("db", "EXITED", 15s);
    expect_essential_shutdown(d, dir);
    BOOST_TEST(records_of(read_records(dir), "start", "db").size() == 1u);
}

// autorestart = unexpected and an unexpected exit: restarted, so the daemon
// carries on (exit 0 at the SIGTERM that ends the test).
BOOST_AUTO_TEST_CASE(an_essential_process_that_will_be_restarted_does_not_end_the_daemon)
{
    temp_dir dir;
    wardend d(dir, config_with(dir, "--exit-after-ms 1200 --exit 3",
                               "startsecs = 1\nautorestart = unexpected\nexitcodes = 0\nessential = true\n"));
    d.wait_state("db", "EXITED", 15s);
    d.wait_state("db", "RUNNING", 15s, 2); // restarted and up again
    BOOST_TEST(d.running());
    BOOST_TEST(!essential_line_for(d.log(), "db"), d.log());
    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// A non-essential FATAL is only that process's problem.
BOOST_AUTO_TEST_CASE(a_non_essential_fatal_does_not_end_the_daemon)
{
    temp_dir dir;
    wardend d(dir, config_with(dir, "--exit 1", "startsecs = 1\nstartretries = 0\n"));
    d.wait_state("db", "FATAL", 15s);
    d.wait_state("web", "RUNNING", 15s);
    auto const status = ctl(dir, {"status"}, 10s); // answers: the daemon is up
    BOOST_TEST(status.status == 3, status.describe()); // 3: db is not RUNNING
    BOOST_TEST(d.running());
    BOOST_TEST(records_of(read_records(dir), "term", "web").empty());
    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// The ordered shutdown stops essential processes too; that is no failure: 0.
BOOST_AUTO_TEST_CASE(the_shutdown_stopping_an_essential_process_still_exits_0)
{
    temp_dir dir;
    wardend d(dir, config_with(dir, "", "startsecs = 1\nessential = true\nautorestart = false\n"));
    d.wait_state("db", "RUNNING", 15s);
    d.wait_state("web", "RUNNING", 15s);
    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
    BOOST_TEST(!essential_line_for(d.log(), "db"), d.log());
}

// An operator's `wardenctl stop db` is a deliberate stop, not a failure (as
// `systemctl stop` of a required unit is not a failure of the unit): the
// daemon keeps running. Our reading of SPEC §2 ("exits and is not going to
// be restarted" means an exit the daemon did not ask for).
BOOST_AUTO_TEST_CASE(stopping_an_essential_process_by_hand_does_not_end_the_daemon)
{
    temp_dir dir;
    wardend d(dir, config_with(dir, "", "startsecs = 1\nessential = true\n"));
    d.wait_state("db", "RUNNING", 15s);
    d.wait_state("web", "RUNNING", 15s);
    auto const stop = ctl(dir, {"stop", "db"}, 15s);
    BOOST_TEST(stop.status == 0, stop.describe());
    d.wait_state("db", "STOPPED", 10s);
    auto const status = ctl(dir, {"status", "web"}, 10s);
    BOOST_TEST(status.status == 0, status.describe());
    BOOST_TEST(d.running());
    BOOST_TEST(records_of(read_records(dir), "term", "web").empty());
    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
