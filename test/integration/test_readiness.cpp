// Integration: `ready =` (SPEC §2, issue 4). A process stays STARTING until
// its readiness check succeeds, then goes RUNNING with the check named in the
// reason; one that is not ready within ready_timeout is a failed start
// (stopped, BACKOFF, then FATAL). The per-process notify socket takes READY=1
// only from the process's own group.
#include <boost/test/unit_test.hpp>

#include "support/child.hpp"
#include "support/config_text.hpp"
#include "support/ctl.hpp"
#include "support/daemon.hpp"
#include "support/sockets.hpp"

#include <csignal>

using namespace warden::it;

BOOST_AUTO_TEST_SUITE(readiness)

namespace {

// `name`'s state in `wardenctl status` now.
std::string state_now(wardend const& d, temp_dir const& dir, std::string const& name)
{
    auto const result = ctl(dir, {"status", name}, 10s);
    if (result.status != 0 && result.status != 3) // 3: not RUNNING
        d.fail("wardenctl status " + name + ": " + result.describe());
    auto const row = row_of(parse_status(result.out), name);
    if (!row)
        d.fail("no row for " + name + " in:\n" + result.out);
    return row->state;
}

void stop_daemon(wardend& d, temp_dir const& dir)
{
    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
    BOOST_TEST(processes_with(dir.path().string()).empty(), "left: " << join(processes_with(dir.path().string())));
}

} // namespace

// ready = tcp: STARTING until the port accepts (the child listens 1.5 s after
// its start), then "STARTING -> RUNNING: ready (tcp 127.0.0.1:PORT)".
BOOST_AUTO_TEST_CASE(tcp_readiness_waits_for_the_port)
{
    temp_dir dir;
    auto const port = free_tcp_port();
    std::string const p = std::to_string(port);
    wardend d(dir, dir.write("warden.ini", warden_section(dir) +
                                               program_section("db", child_command(dir, "db", "--listen-tcp " + p + " --listen-after-ms 1500"),
                                                               "ready = tcp:127.0.0.1:" + p + "\n")));
    auto const starting = d.wait_state("db", "STARTING", 10s);
    wait_for_records(dir, "start", "db");
    // Not listening yet (the status is asked before the "listen" record): STARTING.
    std::string const before = state_now(d, dir, "db");
    if (records_of(read_records(dir), "listen", "db").empty())
        BOOST_TEST(before == "STARTING");

    auto const running = d.wait_state("db", "RUNNING", 15s);
    BOOST_TEST(running.from == "STARTING");
    BOOST_TEST(running.reason == "ready (tcp 127.0.0.1:" + p + ")", running.line);
    BOOST_TEST(records_of(read_records(dir), "listen", "db").size() == 1u, "RUNNING before the child listened");
    BOOST_TEST(running.wall_ms - starting.wall_ms >= 1400, starting.line << "\n" << running.line);
    BOOST_TEST(tcp_port_accepts(port));
    BOOST_TEST(state_now(d, dir, "db") == "RUNNING");
    stop_daemon(d, dir);
}

// ready = tcp is not "startsecs": a child ready at once is RUNNING at once,
// even with a long startsecs.
BOOST_AUTO_TEST_CASE(tcp_readiness_does_not_wait_for_startsecs)
{
    temp_dir dir;
    auto const port = free_tcp_port();
    std::string const p = std::to_string(port);
    wardend d(dir, dir.write("warden.ini", warden_section(dir) +
                                               program_section("db", child_command(dir, "db", "--listen-tcp " + p),
                                                               "ready = tcp:127.0.0.1:" + p + "\nstartsecs = 30\n")));
    auto const starting = d.wait_state("db", "STARTING", 10s);
    auto const running = d.wait_state("db", "RUNNING", 10s);
    BOOST_TEST(running.reason == "ready (tcp 127.0.0.1:" + p + ")", running.line);
    BOOST_TEST(running.wall_ms - starting.wall_ms < 10000);
    stop_daemon(d, dir);
}

// ready = notify: the child gets a NOTIFY_SOCKET and sends READY=1 after
// 1 s; RUNNING with "ready (notify)" only then.
BOOST_AUTO_TEST_CASE(notify_readiness_waits_for_ready_1)
{
    temp_dir dir;
    auto const out = dir / "svc.out";
    wardend d(dir, dir.write("warden.ini", warden_section(dir) +
                                               program_section("svc", child_command(dir, "svc", "--env NOTIFY_SOCKET --notify-ready-after-ms 1000"),
                                                               "ready = notify\nstdout_logfile = " + out.string() + "\n")));
    auto const starting = d.wait_state("svc", "STARTING", 10s);
    auto const running = d.wait_state("svc", "RUNNING", 15s);
    BOOST_TEST(running.reason == "ready (notify)", running.line);
    BOOST_TEST(records_of(read_records(dir), "notify", "svc").size() == 1u, "RUNNING before the child sent READY=1");
    BOOST_TEST(running.wall_ms - starting.wall_ms >= 900, starting.line << "\n" << running.line);
    auto const starts = records_of(read_records(dir), "start", "svc");
    BOOST_TEST_REQUIRE(starts.size() == 1u);
    BOOST_TEST(running.pid == starts.front().pid);
    // The child saw a NOTIFY_SOCKET (it would have exited 3 without one).
    BOOST_TEST(read_file(out).find("NOTIFY_SOCKET=") != std::string::npos, read_file(out));
    BOOST_TEST(d.states("svc").size() == 2u); // STARTING, RUNNING: no retry
    stop_daemon(d, dir);
}

// ready = exec:COMMAND: the probe (the test child with --check-file) runs
// about every second and fails while the flag file is missing; once it
// exists the probe exits 0 and the process is RUNNING with "ready (exec)".
BOOST_AUTO_TEST_CASE(exec_readiness_retries_the_command_until_it_succeeds)
{
    temp_dir dir;
    auto const flag = dir / "flag";
    std::string const probe = child_command(dir, "probe", "--check-file " + flag.string());
    wardend d(dir, dir.write("warden.ini", warden_section(dir) +
                                               program_section("app", child_command(dir, "app"), "ready = exec:" + probe + "\n")));
    d.wait_state("app", "STARTING", 10s);
    auto const probes = wait_for_records(dir, "start", "probe", 2, 10s);
    BOOST_TEST_REQUIRE(probes.size() >= 2u, "the probe did not run twice within 10 s");
    BOOST_TEST(probes[1].ns - probes[0].ns >= 500'000'000u, "the probe was retried in a busy loop");
    BOOST_TEST(state_now(d, dir, "app") == "STARTING");
    BOOST_TEST(d.states("app").back().to == "STARTING");

    write_file(flag, "");
    auto const running = d.wait_state("app", "RUNNING", 10s);
    BOOST_TEST(running.reason == "ready (exec)", running.line);
    // The probe is no longer run once the process is ready.
    auto const count = records_of(read_records(dir), "start", "probe").size();
    BOOST_TEST(!wait_until([&] { return records_of(read_records(dir), "start", "probe").size() > count; }, 2500ms),
               "the probe still runs after RUNNING");
    stop_daemon(d, dir);
}

// Never ready (nothing listens on the port): after ready_timeout the child
// is stopped and the start counts as failed: "STARTING -> BACKOFF: not ready
// within 1s; retry in 1s", one retry (startretries = 1), then FATAL.
BOOST_AUTO_TEST_CASE(a_process_never_ready_backs_off_then_goes_fatal)
{
    temp_dir dir;
    auto const port = free_tcp_port();
    wardend d(dir, dir.write("warden.ini",
                             warden_section(dir) +
                                 program_section("slow", child_command(dir, "slow"),
                                                 "ready = tcp:127.0.0.1:" + std::to_string(port) +
                                                     "\nready_timeout = 1\nstartretries = 1\nstopwaitsecs = 5\n") +
                                 program_section("other", child_command(dir, "other"), "startsecs = 1\n")));
    auto const first = d.wait_state("slow", "STARTING", 10s);
    auto const backoff = d.wait_state("slow", "BACKOFF", 10s);
    BOOST_TEST(backoff.from == "STARTING");
    BOOST_TEST(backoff.reason.find("not ready within 1s") != std::string::npos, backoff.line);
    BOOST_TEST(backoff.reason.find("retry in 1s") != std::string::npos, backoff.line);
    BOOST_TEST(backoff.wall_ms - first.wall_ms >= 900, first.line << "\n" << backoff.line);
    // It was stopped (SIGTERM: the child records "term") before the retry.
    auto const terms = wait_for_records(dir, "term", "slow", 1, 5s);
    BOOST_TEST_REQUIRE(terms.size() >= 1u, "the not-ready child was not stopped with SIGTERM");
    auto const first_start = records_of(read_records(dir), "start", "slow");
    BOOST_TEST_REQUIRE(!first_start.empty());
    pid_t const first_pid = first_start.front().pid;
    BOOST_TEST(terms.front().pid == first_pid);

    auto const fatal = d.wait_state("slow", "FATAL", 15s);
    BOOST_TEST(records_of(read_records(dir), "start", "slow").size() == 2u); // first try and one retry
    BOOST_TEST(fatal.reason.find("not ready within 1s") != std::string::npos, fatal.line);
    for (auto const& r : records_of(read_records(dir), "start", "slow"))
        BOOST_TEST(wait_until([&] { return !process_alive(r.pid); }, 5s), "pid " << r.pid << " still alive");
    BOOST_TEST(d.running()); // a non-essential FATAL does not end the daemon
    BOOST_TEST(state_now(d, dir, "other") == "RUNNING");
    stop_daemon(d, dir);
}

// The same with ready = notify and no READY=1 at all, startretries = 0: no
// retry, so (as for a start that exits too quickly) straight to FATAL.
BOOST_AUTO_TEST_CASE(a_notify_process_that_never_says_ready_goes_fatal)
{
    temp_dir dir;
    wardend d(dir, dir.write("warden.ini", warden_section(dir) +
                                               program_section("mute", child_command(dir, "mute"),
                                                               "ready = notify\nready_timeout = 1\nstartretries = 0\n")));
    auto const fatal = d.wait_state("mute", "FATAL", 10s);
    BOOST_TEST(fatal.reason.find("not ready within 1s") != std::string::npos, fatal.line);
    BOOST_TEST(!wait_for_records(dir, "term", "mute", 1, 5s).empty(), "the child was not stopped with SIGTERM");
    BOOST_TEST(records_of(read_records(dir), "start", "mute").size() == 1u);
    BOOST_TEST(state_now(d, dir, "mute") == "FATAL");
    stop_daemon(d, dir);
}

// A process of another group (setsid) sends READY=1 to the child's socket:
// ignored (logged), the process stays STARTING; the child's own READY=1,
// 2.5 s after its start, makes it RUNNING.
BOOST_AUTO_TEST_CASE(the_notify_socket_ignores_a_foreign_sender)
{
    temp_dir dir;
    wardend d(dir, dir.write("warden.ini", warden_section(dir) +
                                               program_section("svc", child_command(dir, "svc", "--notify-foreign --notify-ready-after-ms 2500"),
                                                               "ready = notify\n")));
    auto const starting = d.wait_state("svc", "STARTING", 10s);
    d.wait_for_log("ignored notify message from pid", 10s);
    if (records_of(read_records(dir), "notify", "svc").empty()) { // its own READY not sent yet
        BOOST_TEST(state_now(d, dir, "svc") == "STARTING");
        BOOST_TEST(d.states("svc").back().to == "STARTING", d.states("svc").back().line);
    }
    auto const running = d.wait_state("svc", "RUNNING", 15s);
    BOOST_TEST(running.reason == "ready (notify)", running.line);
    BOOST_TEST(records_of(read_records(dir), "notify", "svc").size() == 1u, "RUNNING before its own READY=1");
    BOOST_TEST(running.wall_ms - starting.wall_ms >= 2000, starting.line << "\n" << running.line);
    stop_daemon(d, dir);
}

// Past startsecs, a process whose check has not succeeded is still STARTING.
BOOST_AUTO_TEST_CASE(status_shows_starting_while_waiting)
{
    temp_dir dir;
    auto const port = free_tcp_port();
    wardend d(dir, dir.write("warden.ini", warden_section(dir) +
                                               program_section("db", child_command(dir, "db"),
                                                               "ready = tcp:127.0.0.1:" + std::to_string(port) +
                                                                   "\nstartsecs = 1\n")));
    d.wait_state("db", "STARTING", 10s);
    wait_for_records(dir, "start", "db");
    // Far past startsecs, still not ready: still STARTING.
    BOOST_TEST(!wait_until([&] { return state_now(d, dir, "db") != "STARTING"; }, 2s, 200ms));
    BOOST_TEST(d.states("db").size() == 1u);
    stop_daemon(d, dir);
}

BOOST_AUTO_TEST_SUITE_END()
