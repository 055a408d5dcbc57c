// Integration: every wardenctl command (SPEC §1) against a real wardend:
// status, start/stop/restart (by name, GROUP:*, all), signal, pid, tail
// (and tail -f across a rotation), version, shutdown, and the exit codes.
#include <boost/test/unit_test.hpp>

#include "support/child.hpp"
#include "support/config_text.hpp"
#include "support/ctl.hpp"
#include "support/daemon.hpp"

#include <boost/json.hpp>

#include <csignal>
#include <set>

using namespace warden::it;
namespace json = boost::json;

namespace {

// Fast programs: RUNNING at once, a short stop.
std::string const fast = "startsecs = 0\nstopwaitsecs = 2\n";

std::string base(temp_dir const& dir) { return warden_section(dir); }

// The state of `name` in `wardenctl status NAME`.
std::string state_of(temp_dir const& dir, std::string const& name)
{
    auto const r = ctl(dir, {"status", name});
    auto const row = row_of(parse_status(r.out), name);
    return row ? row->state : "(not listed: " + r.describe() + ")";
}

// The pid in `wardenctl status NAME` (0 when none is shown).
pid_t status_pid(temp_dir const& dir, std::string const& name)
{
    auto const row = row_of(parse_status(ctl(dir, {"status", name}).out), name);
    return row ? pid_in(row->description) : 0;
}

bool contains(std::string const& text, std::string_view part) { return text.find(part) != std::string::npos; }

} // namespace

BOOST_AUTO_TEST_SUITE(ctl_commands)

// status: an aligned table, one line per process, sorted by name; pids as in
// the daemon log; exit 3 while any (named) process is not RUNNING, 1 for an
// unknown name; --json carries name/state/pid; -c finds the socket in the config.
BOOST_AUTO_TEST_CASE(status_table_json_and_exit_codes)
{
    temp_dir dir;
    auto const config = dir.write("warden.ini", base(dir) +
        program_section("alpha", child_command(dir, "alpha"), fast) +
        program_section("a-much-longer-program-name", child_command(dir, "long"), fast) +
        program_section("idle", child_command(dir, "idle"), fast + "autostart = false\n"));
    wardend d(dir, config);
    pid_t const alpha = d.wait_state("alpha", "RUNNING", 15s).pid;
    pid_t const longer = d.wait_state("a-much-longer-program-name", "RUNNING", 15s).pid;

    auto const all = ctl(dir, {"status"});
    BOOST_TEST(all.status == 3, all.describe()); // idle is STOPPED
    BOOST_TEST(all.err.empty(), all.describe());
    auto const rows = parse_status(all.out);
    BOOST_REQUIRE_MESSAGE(rows.size() == 3u, all.describe());
    BOOST_TEST(rows[0].name == "a-much-longer-program-name");
    BOOST_TEST(rows[1].name == "alpha");
    BOOST_TEST(rows[2].name == "idle");
    BOOST_TEST(rows[0].state == "RUNNING");
    BOOST_TEST(rows[1].state == "RUNNING");
    BOOST_TEST(rows[2].state == "STOPPED");
    // Aligned: every state starts in the same column, and so does every description.
    BOOST_TEST(rows[0].state_column == rows[1].state_column, all.out);
    BOOST_TEST(rows[1].state_column == rows[2].state_column, all.out);
    BOOST_TEST(rows[0].description_column == rows[1].description_column, all.out);
    BOOST_TEST(rows[0].state_column > rows[0].name.size(), all.out);
    BOOST_TEST(pid_in(rows[0].description) == longer, rows[0].line);
    BOOST_TEST(pid_in(rows[1].description) == alpha, rows[1].line);
    BOOST_TEST(contains(rows[1].description, "uptime"), rows[1].line);

    auto const one = ctl(dir, {"status", "alpha"});
    BOOST_TEST(one.status == 0, one.describe());
    auto const one_rows = parse_status(one.out);
    BOOST_REQUIRE_EQUAL(one_rows.size(), 1u);
    BOOST_TEST(one_rows[0].name == "alpha");
    BOOST_TEST(pid_in(one_rows[0].description) == alpha);

    auto const mixed = ctl(dir, {"status", "alpha", "idle"});
    BOOST_TEST(mixed.status == 3, mixed.describe());
    BOOST_TEST(parse_status(mixed.out).size() == 2u, mixed.describe());
    auto const stopped = ctl(dir, {"status", "idle"});
    BOOST_TEST(stopped.status == 3, stopped.describe());

    auto const unknown = ctl(dir, {"status", "nosuch"});
    BOOST_TEST(unknown.status == 1, unknown.describe());
    BOOST_TEST(contains(unknown.err, "nosuch"), unknown.describe());
    auto const unknown_too = ctl(dir, {"status", "alpha", "nosuch"});
    BOOST_TEST(unknown_too.status == 1, unknown_too.describe());

    auto const as_json = ctl(dir, {"status", "--json"});
    BOOST_TEST(as_json.status == 3, as_json.describe());
    {
        json::value const v = json::parse(as_json.out);
        auto const& processes = v.at("processes").as_array();
        BOOST_REQUIRE_EQUAL(processes.size(), 3u);
        std::set<std::string> names;
        for (auto const& p : processes) {
            auto const& o = p.as_object();
            std::string const name(o.at("name").as_string());
            std::string const state(o.at("state").as_string());
            auto const pid = o.at("pid").to_number<long long>();
            names.insert(name);
            if (name == "alpha") {
                BOOST_TEST(state == "RUNNING");
                BOOST_TEST(pid == alpha);
            } else if (name == "idle") {
                BOOST_TEST(state == "STOPPED");
                BOOST_TEST(pid == 0);
            } else {
                BOOST_TEST(pid == longer);
            }
        }
        BOOST_TEST((names == std::set<std::string>{"alpha", "a-much-longer-program-name", "idle"}));
    }

    // Everything RUNNING: exit 0, with and without --json; -c instead of -s.
    auto const started = ctl(dir, {"start", "idle"});
    BOOST_REQUIRE_MESSAGE(started.status == 0, started.describe());
    auto const now_all = ctl(dir, {"status"});
    BOOST_TEST(now_all.status == 0, now_all.describe());
    BOOST_TEST(ctl(dir, {"status", "--json"}).status == 0);
    auto const by_config = run_wardenctl({"-c", config.string(), "status", "alpha"});
    BOOST_TEST(by_config.status == 0, by_config.describe());
    BOOST_TEST(pid_in(row_of(parse_status(by_config.out), "alpha").value_or(status_row{}).description) == alpha,
               by_config.describe());

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// start/stop/restart by name wait for the outcome: after stop returns the
// pid is gone and status says STOPPED; after start returns status says
// RUNNING (and startsecs has passed); restart gives a new pid; stopping a
// stopped process is a success.
BOOST_AUTO_TEST_CASE(start_stop_restart_by_name_wait_for_the_outcome)
{
    temp_dir dir;
    wardend d(dir, dir.write("warden.ini", base(dir) +
        program_section("solo", child_command(dir, "solo"), "startsecs = 1\nstopwaitsecs = 2\n") +
        program_section("other", child_command(dir, "other"), fast)));
    pid_t const first = d.wait_state("solo", "RUNNING", 15s).pid;
    pid_t const other = d.wait_state("other", "RUNNING", 15s).pid;

    auto const stop = ctl(dir, {"stop", "solo"});
    BOOST_TEST(stop.status == 0, stop.describe());
    BOOST_TEST(contains(stop.out, "solo"), stop.describe());
    BOOST_TEST(!process_alive(first)); // no waiting: stop returned after the reap
    BOOST_TEST(state_of(dir, "solo") == "STOPPED");

    auto const again = ctl(dir, {"stop", "solo"});
    BOOST_TEST(again.status == 0, again.describe());

    auto const began = clock::now();
    auto const start = ctl(dir, {"start", "solo"});
    BOOST_TEST(start.status == 0, start.describe());
    BOOST_TEST(ms_since(began) >= 900, "start returned before startsecs = 1 had passed");
    BOOST_TEST(state_of(dir, "solo") == "RUNNING");
    pid_t const second = status_pid(dir, "solo");
    BOOST_TEST(second > 0);
    BOOST_TEST(second != first);
    BOOST_TEST(process_alive(second));

    auto const restart = ctl(dir, {"restart", "solo"});
    BOOST_TEST(restart.status == 0, restart.describe());
    BOOST_TEST(state_of(dir, "solo") == "RUNNING");
    pid_t const third = status_pid(dir, "solo");
    BOOST_TEST(third > 0);
    BOOST_TEST(third != second);
    BOOST_TEST(!process_alive(second));
    BOOST_TEST(process_alive(third));

    auto const unknown = ctl(dir, {"stop", "nosuch"});
    BOOST_TEST(unknown.status == 1, unknown.describe());
    BOOST_TEST(contains(unknown.err, "nosuch"), unknown.describe());

    // Nothing of this touched the other program.
    BOOST_TEST(status_pid(dir, "other") == other);
    BOOST_TEST(d.states("other").size() == 2u); // STARTING, RUNNING

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// GROUP:* and all name several processes at once.
BOOST_AUTO_TEST_CASE(start_stop_restart_a_group_and_all)
{
    temp_dir dir;
    wardend d(dir, dir.write("warden.ini", base(dir) +
        program_section("p1", child_command(dir, "p1"), fast) +
        program_section("p2", child_command(dir, "p2"), fast) +
        program_section("solo", child_command(dir, "solo"), fast) +
        "[group:g]\nprograms = p1, p2\n"));
    pid_t const p1 = d.wait_state("g:p1", "RUNNING", 15s).pid;
    pid_t const p2 = d.wait_state("g:p2", "RUNNING", 15s).pid;
    pid_t const solo = d.wait_state("solo", "RUNNING", 15s).pid;

    auto const stop = ctl(dir, {"stop", "g:*"});
    BOOST_TEST(stop.status == 0, stop.describe());
    BOOST_TEST(contains(stop.out, "g:p1"), stop.describe());
    BOOST_TEST(contains(stop.out, "g:p2"), stop.describe());
    BOOST_TEST(!process_alive(p1));
    BOOST_TEST(!process_alive(p2));
    auto const group_status = ctl(dir, {"status", "g:*"});
    BOOST_TEST(group_status.status == 3, group_status.describe());
    auto const rows = parse_status(group_status.out);
    BOOST_REQUIRE_EQUAL(rows.size(), 2u);
    BOOST_TEST(rows[0].state == "STOPPED");
    BOOST_TEST(rows[1].state == "STOPPED");
    BOOST_TEST(status_pid(dir, "solo") == solo);

    auto const start = ctl(dir, {"start", "g:*"});
    BOOST_TEST(start.status == 0, start.describe());
    BOOST_TEST(ctl(dir, {"status", "g:*"}).status == 0);
    pid_t const p1b = status_pid(dir, "g:p1");
    pid_t const p2b = status_pid(dir, "g:p2");
    BOOST_TEST((p1b > 0 && p1b != p1));
    BOOST_TEST((p2b > 0 && p2b != p2));

    auto const restart = ctl(dir, {"restart", "all"});
    BOOST_TEST(restart.status == 0, restart.describe());
    pid_t const p1c = status_pid(dir, "g:p1");
    pid_t const p2c = status_pid(dir, "g:p2");
    pid_t const soloc = status_pid(dir, "solo");
    BOOST_TEST((p1c > 0 && p1c != p1b));
    BOOST_TEST((p2c > 0 && p2c != p2b));
    BOOST_TEST((soloc > 0 && soloc != solo));
    BOOST_TEST(!process_alive(p1b));
    BOOST_TEST(!process_alive(p2b));
    BOOST_TEST(!process_alive(solo));

    auto const stop_all = ctl(dir, {"stop", "all"});
    BOOST_TEST(stop_all.status == 0, stop_all.describe());
    for (pid_t pid : {p1c, p2c, soloc})
        BOOST_TEST(!process_alive(pid), "pid " << pid << " outlived stop all");
    auto const after = ctl(dir, {"status"});
    BOOST_TEST(after.status == 3, after.describe());
    for (auto const& r : parse_status(after.out))
        BOOST_TEST(r.state == "STOPPED", r.line);
    auto left = processes_with(dir.path().string()); // the daemon's own command line names the directory too
    std::erase(left, d.pid());
    BOOST_TEST(left.empty(), "left after stop all: " << join(left));

    auto const start_all = ctl(dir, {"start", "all"});
    BOOST_TEST(start_all.status == 0, start_all.describe());
    BOOST_TEST(ctl(dir, {"status"}).status == 0);

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// A program that cannot start: start exits 1 and says FATAL and why.
BOOST_AUTO_TEST_CASE(start_of_a_program_that_cannot_start_fails_with_the_reason)
{
    temp_dir dir;
    wardend d(dir, dir.write("warden.ini", base(dir) +
        program_section("broken", "/nonexistent/program", "startretries = 0\nautostart = false\nstartsecs = 1\n") +
        program_section("fine", child_command(dir, "fine"), fast)));
    d.wait_state("fine", "RUNNING", 15s);

    auto const start = ctl(dir, {"start", "broken"});
    BOOST_TEST(start.status == 1, start.describe());
    BOOST_TEST(contains(start.both(), "broken"), start.describe());
    BOOST_TEST(contains(start.both(), "FATAL"), start.describe());
    BOOST_TEST(contains(start.both(), "No such file or directory"), start.describe());
    BOOST_TEST(state_of(dir, "broken") == "FATAL");

    // Starting several: the one that fails makes the whole command fail, the other is started.
    auto const both = ctl(dir, {"start", "broken", "fine"});
    BOOST_TEST(both.status == 1, both.describe());
    BOOST_TEST(state_of(dir, "fine") == "RUNNING");

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// signal SIG NAME reaches the process (the child records it); a bad signal
// or name is an error and disturbs nothing.
BOOST_AUTO_TEST_CASE(signal_is_delivered_and_bad_signals_are_refused)
{
    temp_dir dir;
    wardend d(dir, dir.write("warden.ini", base(dir) +
        program_section("sig", child_command(dir, "sig", "--record-signals"), fast)));
    pid_t const pid = d.wait_state("sig", "RUNNING", 15s).pid;
    BOOST_REQUIRE(wait_for_records(dir, "start", "sig").size() == 1u); // its handlers are in place

    auto recorded = [&](std::string const& event) {
        auto const found = records_of(read_records(dir), event, "sig");
        return found.size() == 1 && found[0].pid == pid;
    };
    auto const hup = ctl(dir, {"signal", "HUP", "sig"});
    BOOST_TEST(hup.status == 0, hup.describe());
    BOOST_TEST(wait_until([&] { return recorded("hup"); }, 5s), "the child did not record SIGHUP");
    auto const usr1 = ctl(dir, {"signal", "SIGUSR1", "sig"});
    BOOST_TEST(usr1.status == 0, usr1.describe());
    BOOST_TEST(wait_until([&] { return recorded("usr1"); }, 5s), "the child did not record SIGUSR1");
    auto const usr2 = ctl(dir, {"signal", std::to_string(SIGUSR2), "sig"});
    BOOST_TEST(usr2.status == 0, usr2.describe());
    BOOST_TEST(wait_until([&] { return recorded("usr2"); }, 5s), "the child did not record SIGUSR2 (by number)");

    auto const bogus = ctl(dir, {"signal", "BOGUS", "sig"});
    BOOST_TEST((bogus.status == 1 || bogus.status == 2), bogus.describe());
    BOOST_TEST(contains(bogus.err, "BOGUS"), bogus.describe());
    auto const nosuch = ctl(dir, {"signal", "HUP", "nosuch"});
    BOOST_TEST(nosuch.status == 1, nosuch.describe());
    BOOST_TEST(contains(nosuch.err, "nosuch"), nosuch.describe());
    auto const missing = ctl(dir, {"signal", "HUP"});
    BOOST_TEST(missing.status == 2, missing.describe());

    BOOST_TEST(process_alive(pid));
    BOOST_TEST(status_pid(dir, "sig") == pid);
    BOOST_TEST(records_of(read_records(dir), "hup", "sig").size() == 1u); // nothing more was delivered

    BOOST_REQUIRE(ctl(dir, {"stop", "sig"}).status == 0);
    auto const stopped = ctl(dir, {"signal", "HUP", "sig"});
    BOOST_TEST(stopped.status == 1, stopped.describe());
    BOOST_TEST(contains(stopped.both(), "not running"), stopped.describe());

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// pid: the daemon's, a process's; a stopped or unknown process is an error.
BOOST_AUTO_TEST_CASE(pid_of_the_daemon_and_of_a_process)
{
    temp_dir dir;
    wardend d(dir, dir.write("warden.ini", base(dir) + program_section("a", child_command(dir, "a"), fast)));
    pid_t const a = d.wait_state("a", "RUNNING", 15s).pid;

    auto const daemon = ctl(dir, {"pid"});
    BOOST_TEST(daemon.status == 0, daemon.describe());
    BOOST_TEST(daemon.out == std::to_string(d.pid()) + "\n");
    auto const child = ctl(dir, {"pid", "a"});
    BOOST_TEST(child.status == 0, child.describe());
    BOOST_TEST(child.out == std::to_string(a) + "\n");
    auto const unknown = ctl(dir, {"pid", "nosuch"});
    BOOST_TEST(unknown.status == 1, unknown.describe());
    BOOST_TEST(contains(unknown.err, "nosuch"), unknown.describe());

    BOOST_REQUIRE(ctl(dir, {"stop", "a"}).status == 0);
    auto const stopped = ctl(dir, {"pid", "a"});
    BOOST_TEST(stopped.status == 1, stopped.describe());
    BOOST_TEST(contains(stopped.err, "not running"), stopped.describe());
    BOOST_TEST(stopped.out.empty(), stopped.describe());

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// tail -n N prints the last N lines of the stdout log; stderr on request.
BOOST_AUTO_TEST_CASE(tail_prints_the_last_lines)
{
    temp_dir dir;
    wardend d(dir, dir.write("warden.ini", base(dir) +
        program_section("talker", child_command(dir, "talker", "--stderr 'oops on stderr' --print 30"), fast)));
    d.wait_state("talker", "RUNNING", 15s);
    auto const log = dir / "childlogs" / "talker-stdout.log";
    BOOST_REQUIRE_MESSAGE(wait_until([&] { return read_file(log).ends_with("line 30\n"); }, 10s),
                          "the stdout log never got line 30: [" << read_file(log) << "]");

    auto expected = [](int from, int to) {
        std::string text;
        for (int i = from; i <= to; ++i)
            text += "line " + std::to_string(i) + "\n";
        return text;
    };
    auto const five = ctl(dir, {"tail", "-n", "5", "talker"});
    BOOST_TEST(five.status == 0, five.describe());
    BOOST_TEST(five.out == expected(26, 30));
    auto const ten = ctl(dir, {"tail", "talker"});
    BOOST_TEST(ten.status == 0, ten.describe());
    BOOST_TEST(ten.out == expected(21, 30));
    auto const everything = ctl(dir, {"tail", "-n", "100", "talker", "stdout"});
    BOOST_TEST(everything.out == expected(1, 30));
    auto const none = ctl(dir, {"tail", "-n", "0", "talker"});
    BOOST_TEST(none.status == 0, none.describe());
    BOOST_TEST(none.out.empty());
    auto const err = ctl(dir, {"tail", "talker", "stderr"});
    BOOST_TEST(err.status == 0, err.describe());
    BOOST_TEST(err.out == "oops on stderr\n");

    auto const unknown = ctl(dir, {"tail", "nosuch"});
    BOOST_TEST(unknown.status == 1, unknown.describe());
    auto const bad_stream = ctl(dir, {"tail", "talker", "stdin"});
    BOOST_TEST(bad_stream.status == 2, bad_stream.describe());

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// tail -f follows the output as it comes and keeps following across log
// rotations: consecutive tick numbers, none lost, none repeated.
BOOST_AUTO_TEST_CASE(tail_f_follows_across_rotation)
{
    temp_dir dir;
    auto const log = dir / "ticker.log";
    wardend d(dir, dir.write("warden.ini", base(dir) +
        program_section("ticker", child_command(dir, "ticker", "--print-every-ms 5"),
                        fast + "stdout_logfile = " + log.string() + "\nstdout_logfile_maxbytes = 1KB\n"
                               "stdout_logfile_backups = 3\n")));
    d.wait_state("ticker", "RUNNING", 15s);
    BOOST_REQUIRE(wait_until([&] { return lines_of(read_file(log)).size() >= 3; }, 10s));

    piped_process tail(ctl_argv(dir, {"tail", "-f", "-n", "3", "ticker"}));
    std::vector<long> ticks;
    std::string pending;
    std::string bad;
    bool rotated = false;       // ticker.log.1 exists
    std::size_t ticks_at_rotation = 0;
    std::size_t parsed = 0;     // bytes of tail.out() taken into `pending`
    auto const deadline = clock::now() + 20s;
    while (clock::now() < deadline) {
        tail.read_some(50ms);
        pending += tail.out().substr(parsed);
        parsed = tail.out().size();
        for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n')) {
            std::string const line = pending.substr(0, nl);
            pending.erase(0, nl + 1);
            if (line.rfind("tick ", 0) == 0)
                ticks.push_back(std::stol(line.substr(5)));
            else if (bad.empty())
                bad = line;
        }
        if (!rotated && fs::exists(dir / "ticker.log.1")) {
            rotated = true;
            ticks_at_rotation = ticks.size();
        }
        // Enough: two rotations seen, and 100 more ticks read after the first.
        if (rotated && fs::exists(dir / "ticker.log.2") && ticks.size() >= ticks_at_rotation + 100)
            break;
        if (tail.exited())
            break;
    }
    BOOST_TEST(!tail.exited(), "tail -f ended by itself: " << tail.err());
    tail.kill(SIGKILL);
    BOOST_TEST(tail.finish(5s));

    BOOST_TEST(bad.empty(), "tail -f printed a line that is not a tick: [" << bad << "]");
    BOOST_TEST(rotated, "ticker.log.1 never appeared");
    BOOST_TEST(fs::exists(dir / "ticker.log.2"));
    BOOST_TEST_REQUIRE(ticks.size() >= ticks_at_rotation + 100, "only " << ticks.size() << " ticks read, "
                                                                         << ticks_at_rotation << " at rotation");
    std::size_t gaps = 0;
    for (std::size_t i = 1; i < ticks.size(); ++i)
        if (ticks[i] != ticks[i - 1] + 1 && gaps++ < 5)
            BOOST_ERROR("tick " << ticks[i - 1] << " followed by tick " << ticks[i] << " (line " << i << ")");
    BOOST_TEST(gaps == 0u);
    BOOST_TEST(ticks.front() >= 1);

    // The daemon noticed the client leave, and the program was not disturbed.
    BOOST_TEST(ctl(dir, {"status", "ticker"}).status == 0);
    BOOST_TEST(d.states("ticker").size() == 2u);

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// version: the daemon's and the client's.
BOOST_AUTO_TEST_CASE(version_prints_daemon_and_client_versions)
{
    temp_dir dir;
    wardend d(dir, dir.write("warden.ini", base(dir)));
    d.wait_for_log("control socket", 10s);
    auto const daemon_version = run_wardend(dir, {"--version"}).output; // "wardend X.Y.Z\n"
    auto const client_version = run_wardenctl({"--version"}).out;       // "wardenctl X.Y.Z\n"
    BOOST_REQUIRE(daemon_version.rfind("wardend ", 0) == 0);
    BOOST_REQUIRE(client_version.rfind("wardenctl ", 0) == 0);

    auto const r = ctl(dir, {"version"});
    BOOST_TEST(r.status == 0, r.describe());
    BOOST_TEST(contains(r.out, daemon_version), r.describe());
    BOOST_TEST(contains(r.out, client_version), r.describe());

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// shutdown: the daemon stops everything and exits 0, the socket goes away,
// nothing is left; afterwards every command says it cannot reach the daemon.
BOOST_AUTO_TEST_CASE(shutdown_stops_everything_and_then_nothing_answers)
{
    temp_dir dir;
    wardend d(dir, dir.write("warden.ini", base(dir) +
        program_section("a", child_command(dir, "a", "--grandchild"), fast) +
        program_section("b", child_command(dir, "b"), fast)));
    pid_t const a = d.wait_state("a", "RUNNING", 15s).pid;
    pid_t const b = d.wait_state("b", "RUNNING", 15s).pid;

    auto const r = ctl(dir, {"shutdown"});
    BOOST_TEST(r.status == 0, r.describe());
    BOOST_TEST(d.wait_exit(15s) == 0);
    BOOST_TEST(!process_alive(a));
    BOOST_TEST(!process_alive(b));
    BOOST_TEST(processes_with(dir.path().string()).empty(), "left: " << join(processes_with(dir.path().string())));
    BOOST_TEST(!fs::exists(fs::symlink_status(socket_path(dir))), "the socket file is still there");

    for (std::string const cmd : {"status", "pid", "stop"}) {
        std::vector<std::string> args{cmd};
        if (cmd == "stop")
            args.push_back("all");
        auto const after = ctl(dir, args);
        BOOST_TEST(after.status == 3, cmd << ": " << after.describe());
        BOOST_TEST(contains(after.err, "cannot reach"), cmd << ": " << after.describe());
    }
    auto const version = ctl(dir, {"version"});
    BOOST_TEST(version.status == 3, version.describe());
    BOOST_TEST(contains(version.out, "wardenctl "), version.describe()); // the client's own version still
}

// Exit codes without a daemon: usage errors 2, no daemon 3.
BOOST_AUTO_TEST_CASE(usage_errors_and_an_unreachable_daemon)
{
    temp_dir dir;
    auto const none = run_wardenctl({});
    BOOST_TEST(none.status == 2, none.describe());
    auto const unknown = ctl(dir, {"frobnicate"});
    BOOST_TEST(unknown.status == 2, unknown.describe());
    BOOST_TEST(contains(unknown.err, "frobnicate"), unknown.describe());
    auto const start_nothing = ctl(dir, {"start"});
    BOOST_TEST(start_nothing.status == 2, start_nothing.describe());

    auto const nobody_home = ctl(dir, {"status"});
    BOOST_TEST(nobody_home.status == 3, nobody_home.describe());
    BOOST_TEST(contains(nobody_home.err, "cannot reach"), nobody_home.describe());
    BOOST_TEST(contains(nobody_home.err, socket_path(dir).string()), nobody_home.describe());
}

BOOST_AUTO_TEST_SUITE_END()
