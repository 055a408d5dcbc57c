// Integration: wardend under systemd speaks sd_notify (SPEC §8, issue 4).
// The test plays systemd: a datagram socket bound in the test directory,
// passed to wardend as NOTIFY_SOCKET; each datagram holds one or more
// newline-separated KEY=VALUE fields, and SO_PASSCRED names its sender.
#include <boost/test/unit_test.hpp>

#include "support/child.hpp"
#include "support/config_text.hpp"
#include "support/ctl.hpp"
#include "support/daemon.hpp"
#include "support/sockets.hpp"

#include <unistd.h>

#include <csignal>

using namespace warden::it;

BOOST_AUTO_TEST_SUITE(systemd_notify)

namespace {

// The index of the first message at or after `from` that holds `key` (npos if none).
std::size_t find_from(std::vector<notify_message> const& all, std::string_view key, std::size_t from = 0)
{
    for (std::size_t i = from; i < all.size(); ++i)
        if (all[i].has(key))
            return i;
    return std::string::npos;
}

// Waits for a message holding `key` at or after index `from`; fails the test
// (with the messages and the daemon log) when none comes within `timeout`.
std::size_t wait_message(wardend const& d, notify_listener& n, std::string_view key, std::size_t from,
                         clock::duration timeout)
{
    std::size_t at = std::string::npos;
    wait_until(
        [&] {
            n.poll();
            at = find_from(n.messages(), key, from);
            return at != std::string::npos;
        },
        timeout);
    if (at == std::string::npos)
        d.fail("no " + std::string(key) + " on NOTIFY_SOCKET; received:\n" + n.describe());
    return at;
}

long long ms_between(clock::time_point from, clock::time_point to)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

std::string program(temp_dir const& dir, std::string const& name, std::string const& keys, std::string const& args = {})
{
    return program_section(name, child_command(dir, name, args), keys);
}

} // namespace

// The test's own tools first: the fake listener hears the test child's
// sd_notify client (several fields in one datagram) and names its sender.
BOOST_AUTO_TEST_CASE(the_fake_systemd_hears_an_sd_notify_client)
{
    temp_dir dir;
    notify_listener n(dir / "notify.sock");
    pid_t const pid = spawn_process({child_path(), "--name", "client", "--record", (dir / "records").string(),
                                     "--notify-ready-after-ms", "0", "--exit", "0"},
                                    dir / "client.out", {n.env()});
    std::optional<int> status;
    BOOST_TEST(wait_until([&] { return (status = try_reap(pid)).has_value(); }, 10s));
    BOOST_TEST(status.value_or(-1) == 0, read_file(dir / "client.out"));
    BOOST_TEST_REQUIRE(n.wait_for("READY", 5s));
    auto const m = n.with("READY").front();
    BOOST_TEST(m.get("READY") == "1");
    BOOST_TEST(m.get("STATUS") == "ready");
    BOOST_TEST(m.sender == pid);
}

// READY=1 comes once every autostart program is RUNNING or FATAL: here one
// with startsecs = 1, one with startsecs = 2, one that goes FATAL, and one
// that does not autostart (not waited for). When READY=1 arrives the log
// already shows each of them there; it comes from wardend's own pid, and a
// STATUS= summary comes too.
BOOST_AUTO_TEST_CASE(ready_once_every_autostart_program_is_running_or_fatal)
{
    temp_dir dir;
    notify_listener n(dir / "notify.sock");
    wardend d(dir,
              dir.write("warden.ini", warden_section(dir) + program(dir, "one", "startsecs = 1\n") +
                                          program(dir, "two", "startsecs = 2\n") +
                                          program(dir, "broken", "startsecs = 1\nstartretries = 0\n", "--exit 1") +
                                          program(dir, "manual", "autostart = false\n")),
              {}, {n.env()});
    auto const started = clock::now();
    std::size_t const ready = wait_message(d, n, "READY", 0, 15s);
    auto const log_at_ready = d.log(); // read at once: what the daemon had logged by then
    BOOST_TEST(n.messages()[ready].get("READY") == "1");
    BOOST_TEST(ms_between(started, n.messages()[ready].at) >= 1900, "READY=1 before two's startsecs could pass");
    auto const changes = state_changes(log_at_ready);
    auto reached = [&](std::string const& name, std::string const& state) {
        for (auto const& c : changes)
            if (c.name == name && c.to == state)
                return true;
        return false;
    };
    BOOST_TEST(reached("one", "RUNNING"), "READY=1 before one: RUNNING");
    BOOST_TEST(reached("two", "RUNNING"), "READY=1 before two: RUNNING");
    BOOST_TEST(reached("broken", "FATAL"), "READY=1 before broken: FATAL");

    BOOST_TEST(!n.with("STATUS").empty(), "no STATUS= at all; received:\n" << n.describe());
    for (auto const& m : n.messages())
        BOOST_TEST(m.sender == d.pid(), "a message from pid " << m.sender << ", not wardend (" << d.pid() << "): " << m.text);

    // Nothing happens: no second READY=1.
    BOOST_TEST(!wait_until([&] { return n.with("READY").size() > 1; }, 1s), "READY=1 twice:\n" << n.describe());

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// A dependent that can never start (its dependency is FATAL) must not hold
// READY=1 back for ever: systemd would time the start out. READY=1 comes
// once db is FATAL, while web still waits in STOPPED.
BOOST_AUTO_TEST_CASE(ready_even_when_a_dependent_waits_for_a_fatal_dependency)
{
    temp_dir dir;
    notify_listener n(dir / "notify.sock");
    wardend d(dir,
              dir.write("warden.ini", warden_section(dir) +
                                          program(dir, "db", "startsecs = 1\nstartretries = 0\n", "--exit 1") +
                                          program(dir, "web", "depends_on = db\nstartsecs = 0\n") +
                                          program(dir, "other", "startsecs = 1\n")),
              {}, {n.env()});
    std::size_t const ready = wait_message(d, n, "READY", 0, 15s);
    BOOST_TEST(n.messages()[ready].get("READY") == "1");
    BOOST_TEST(d.states("web").empty(), "web changed state: " << d.states("web").front().line);
    BOOST_TEST(d.states("db").back().to == "FATAL");
    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// `wardenctl reload`, then SIGHUP: RELOADING=1, then READY=1 again, each time.
BOOST_AUTO_TEST_CASE(reloading_then_ready_around_a_reload)
{
    temp_dir dir;
    notify_listener n(dir / "notify.sock");
    auto const config = dir.write("warden.ini", warden_section(dir) + program(dir, "one", "startsecs = 1\n"));
    wardend d(dir, config, {}, {n.env()});
    std::size_t const first_ready = wait_message(d, n, "READY", 0, 15s);

    // A reload that adds a program.
    write_file(config, warden_section(dir) + program(dir, "one", "startsecs = 1\n") + program(dir, "two", "startsecs = 1\n"));
    auto const reload = ctl(dir, {"reload"}, 20s);
    BOOST_TEST(reload.status == 0, reload.describe());
    std::size_t const reloading = wait_message(d, n, "RELOADING", first_ready + 1, 10s);
    BOOST_TEST(n.messages()[reloading].get("RELOADING") == "1");
    std::size_t const ready_again = wait_message(d, n, "READY", reloading + 1, 10s);
    BOOST_TEST(n.messages()[ready_again].get("READY") == "1");
    d.wait_state("two", "RUNNING", 10s);

    // SIGHUP is the same reload.
    d.signal(SIGHUP);
    std::size_t const reloading2 = wait_message(d, n, "RELOADING", ready_again + 1, 10s);
    wait_message(d, n, "READY", reloading2 + 1, 10s);

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// The ordered shutdown begins with STOPPING=1, and no READY=1 follows it.
BOOST_AUTO_TEST_CASE(stopping_when_the_shutdown_begins)
{
    temp_dir dir;
    notify_listener n(dir / "notify.sock");
    wardend d(dir, dir.write("warden.ini", warden_section(dir) + program(dir, "one", "startsecs = 1\nstopwaitsecs = 5\n", "--term-delay-ms 1000")),
              {}, {n.env()});
    wait_message(d, n, "READY", 0, 15s);
    d.signal(SIGTERM);
    std::size_t const stopping = wait_message(d, n, "STOPPING", 0, 10s);
    BOOST_TEST(n.messages()[stopping].get("STOPPING") == "1");
    // It came at the beginning: the child (1 s to exit) was still stopping.
    BOOST_TEST(records_of(read_records(dir), "exit", "one").empty(), "STOPPING=1 only after the child had exited");
    BOOST_TEST(d.wait_exit(15s) == 0);
    n.poll();
    BOOST_TEST(find_from(n.messages(), "READY", stopping + 1) == std::string::npos, n.describe());
}

// WATCHDOG_USEC = 200 ms: WATCHDOG=1 at half of it, so several a second.
BOOST_AUTO_TEST_CASE(watchdog_pings_at_half_of_watchdog_usec)
{
    temp_dir dir;
    notify_listener n(dir / "notify.sock");
    wardend d(dir, dir.write("warden.ini", warden_section(dir) + program(dir, "one", "startsecs = 1\n")), {},
              {n.env(), "WATCHDOG_USEC=200000"});
    std::size_t const first = wait_message(d, n, "WATCHDOG", 0, 10s);
    BOOST_TEST(n.messages()[first].get("WATCHDOG") == "1");
    auto const t0 = n.messages()[first].at;
    BOOST_TEST(n.wait_for("WATCHDOG", 1200ms, 4), "fewer than 4 WATCHDOG=1 in 1.2 s:\n" << n.describe());
    auto const pings = n.with("WATCHDOG");
    BOOST_TEST_REQUIRE(pings.size() >= 4u);
    BOOST_TEST(ms_between(t0, pings[3].at) <= 1500);
    for (auto const& m : pings)
        BOOST_TEST(m.sender == d.pid());
    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// WATCHDOG_PID names another process (here: the test): the watchdog is not
// wardend's, so no WATCHDOG=1 (sd_watchdog_enabled(3)).
BOOST_AUTO_TEST_CASE(no_watchdog_when_watchdog_pid_is_another_process)
{
    temp_dir dir;
    notify_listener n(dir / "notify.sock");
    wardend d(dir, dir.write("warden.ini", warden_section(dir) + program(dir, "one", "startsecs = 1\n")), {},
              {n.env(), "WATCHDOG_USEC=200000", "WATCHDOG_PID=" + std::to_string(::getpid())});
    wait_message(d, n, "READY", 0, 15s);
    // A bounded observation window: at 100 ms per ping, 1.5 s would show many.
    BOOST_TEST(!wait_until([&] { return !n.with("WATCHDOG").empty(); }, 1500ms),
               "WATCHDOG=1 for another process's watchdog:\n" << n.describe());
    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// A shutdown that takes a while (a child ignores TERM for stopwaitsecs = 3)
// asks systemd for more time with EXTEND_TIMEOUT_USEC=, while it runs.
BOOST_AUTO_TEST_CASE(extend_timeout_during_a_long_shutdown)
{
    temp_dir dir;
    notify_listener n(dir / "notify.sock");
    wardend d(dir, dir.write("warden.ini", warden_section(dir) + program(dir, "stubborn", "startsecs = 1\nstopwaitsecs = 3\n", "--ignore-term")),
              {}, {n.env()});
    wait_message(d, n, "READY", 0, 15s);
    d.signal(SIGTERM);
    auto const signalled = clock::now();
    std::size_t const extend = wait_message(d, n, "EXTEND_TIMEOUT_USEC", 0, 5s);
    BOOST_TEST(d.running(), "EXTEND_TIMEOUT_USEC= came only after the daemon exited");
    std::string const value = n.messages()[extend].get("EXTEND_TIMEOUT_USEC");
    BOOST_TEST_REQUIRE(!value.empty());
    BOOST_TEST(value.find_first_not_of("0123456789") == std::string::npos, "not a number: " << value);
    BOOST_TEST(std::stoull(value) > 0u);
    BOOST_TEST(d.wait_exit(15s) == 0);
    BOOST_TEST(ms_since(signalled) >= 2900); // the child really held the shutdown for stopwaitsecs
    BOOST_TEST(processes_with(dir.path().string()).empty(), "left: " << join(processes_with(dir.path().string())));
}

// Children never inherit wardend's NOTIFY_SOCKET; a `ready = notify` child
// gets its own socket, not systemd's.
BOOST_AUTO_TEST_CASE(children_never_inherit_the_daemons_notify_socket)
{
    temp_dir dir;
    notify_listener n(dir / "notify.sock");
    auto const plain_out = dir / "plain.out";
    auto const notify_out = dir / "notified.out";
    wardend d(dir,
              dir.write("warden.ini",
                        warden_section(dir) +
                            program(dir, "plain", "startsecs = 1\nstdout_logfile = " + plain_out.string() + "\n",
                                    "--env NOTIFY_SOCKET") +
                            program(dir, "notified", "ready = notify\nstdout_logfile = " + notify_out.string() + "\n",
                                    "--env NOTIFY_SOCKET --notify-ready-after-ms 200")),
              {}, {n.env()});
    d.wait_state("plain", "RUNNING", 15s);
    d.wait_state("notified", "RUNNING", 15s);
    wait_until([&] { return !read_file(plain_out).empty() && !read_file(notify_out).empty(); }, 5s);
    BOOST_TEST(read_file(plain_out).find("NOTIFY_SOCKET unset") != std::string::npos, read_file(plain_out));
    auto const notified = read_file(notify_out);
    BOOST_TEST(notified.find("NOTIFY_SOCKET=") != std::string::npos, notified);
    BOOST_TEST(notified.find(n.path().string()) == std::string::npos, "the child got systemd's socket: " << notified);
    // The child's READY=1 went to its own socket, not to systemd's.
    for (auto const& m : n.messages())
        BOOST_TEST(m.get("STATUS") != "ready", "a child's message reached systemd's socket: " << m.text);
    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
