// Integration: depends_on (SPEC §2, issue 4). A process starts only once
// every process of the programs it depends on is RUNNING (ready), starting
// it also starts them (systemd's Requires+After), it stops before them at
// shutdown whatever the priorities say, and a dependency gone FATAL keeps it
// waiting, with `status` saying why.
#include <boost/test/unit_test.hpp>

#include "support/child.hpp"
#include "support/config_text.hpp"
#include "support/ctl.hpp"
#include "support/daemon.hpp"
#include "support/sockets.hpp"

#include <algorithm>
#include <csignal>

using namespace warden::it;

BOOST_AUTO_TEST_SUITE(dependencies)

namespace {

// The row of `name` in `wardenctl status` now (fails the test when there is none).
status_row status_of(wardend const& d, temp_dir const& dir, std::string const& name)
{
    auto const result = ctl(dir, {"status"}, 10s);
    if (result.status != 0 && result.status != 3) // 3: some process is not RUNNING
        d.fail("wardenctl status: " + result.describe());
    auto const row = row_of(parse_status(result.out), name);
    if (!row)
        d.fail("no row for " + name + " in:\n" + result.out);
    return *row;
}

// Polls `wardenctl status` until `name`'s row is in `state` and its
// description contains `text`; returns the row (fails the test after `timeout`).
status_row wait_status(wardend const& d, temp_dir const& dir, std::string const& name, std::string const& state,
                       std::string const& text, clock::duration timeout)
{
    status_row last;
    bool const found = wait_until(
        [&] {
            last = status_of(d, dir, name);
            return last.state == state && last.description.find(text) != std::string::npos;
        },
        timeout, 50ms);
    if (!found)
        d.fail("waited for " + name + " to show '" + state + "' and '" + text + "' in wardenctl status; last: '" +
               last.line + "'");
    return last;
}

std::size_t count_of(std::string const& text, std::string const& what)
{
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

// The index of the first state line of `name` entering `to` (npos if none).
std::size_t index_of(std::vector<state_change> const& all, std::string const& name, std::string const& to)
{
    for (std::size_t i = 0; i < all.size(); ++i)
        if (all[i].name == name && all[i].to == to)
            return i;
    return std::string::npos;
}

} // namespace

// web depends on db, whose readiness is a TCP port that opens 1.5 s after
// its start. Meanwhile web waits in STOPPED, status says "waiting for db
// (STARTING)", the log says "web: waiting for db" once; web's child starts
// only after db listens, and web goes STOPPED -> STARTING after db's RUNNING.
BOOST_AUTO_TEST_CASE(a_dependent_starts_after_its_dependency_is_ready)
{
    temp_dir dir;
    auto const port = free_tcp_port();
    std::string const p = std::to_string(port);
    wardend d(dir, dir.write("warden.ini",
                             warden_section(dir) +
                                 // web first in the file and lower priority: only depends_on orders them.
                                 program_section("web", child_command(dir, "web"),
                                                 "depends_on = db\npriority = 1\nstartsecs = 0\n") +
                                 program_section("db", child_command(dir, "db", "--listen-tcp " + p + " --listen-after-ms 1500"),
                                                 "ready = tcp:127.0.0.1:" + p + "\n")));
    d.wait_for_log("web: waiting for db", 10s);
    auto const waiting = wait_status(d, dir, "web", "STOPPED", "waiting for db (STARTING)", 5s);
    BOOST_TEST(read_records(dir).size() <= 1u); // only db may have started

    d.wait_state("web", "RUNNING", 15s);
    auto const records = read_records(dir);
    auto const db_listen = records_of(records, "listen", "db");
    auto const web_start = records_of(records, "start", "web");
    BOOST_TEST_REQUIRE(db_listen.size() == 1u);
    BOOST_TEST_REQUIRE(web_start.size() == 1u);
    BOOST_TEST(db_listen.front().ns < web_start.front().ns, "web's child started before db was ready");

    auto const all = d.states();
    auto const db_running = index_of(all, "db", "RUNNING");
    auto const web_starting = index_of(all, "web", "STARTING");
    BOOST_TEST_REQUIRE(db_running != std::string::npos);
    BOOST_TEST_REQUIRE(web_starting != std::string::npos);
    BOOST_TEST(db_running < web_starting, "web: STARTING came before db: RUNNING");
    BOOST_TEST(all[web_starting].from == "STOPPED", all[web_starting].line);
    BOOST_TEST(count_of(d.log(), "web: waiting for db") == 1u);

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
    BOOST_TEST(processes_with(dir.path().string()).empty(), "left: " << join(processes_with(dir.path().string())));
}

// A chain a <- b <- c (c depends on b, b on a), startsecs readiness:
// each starts at least startsecs after the one before; shutdown stops c,
// then b, then a, each gone before the next is signalled.
BOOST_AUTO_TEST_CASE(a_chain_starts_in_order_and_stops_in_reverse)
{
    temp_dir dir;
    std::string const keys = "startsecs = 1\nstopwaitsecs = 5\n";
    wardend d(dir, dir.write("warden.ini",
                             warden_section(dir) +
                                 program_section("c", child_command(dir, "c", "--term-delay-ms 300"), "depends_on = b\n" + keys) +
                                 program_section("a", child_command(dir, "a", "--term-delay-ms 300"), keys) +
                                 program_section("b", child_command(dir, "b", "--term-delay-ms 300"), "depends_on = a\n" + keys)));
    d.wait_state("c", "RUNNING", 20s);
    auto records = read_records(dir);
    auto const sa = records_of(records, "start", "a"), sb = records_of(records, "start", "b"),
               sc = records_of(records, "start", "c");
    BOOST_TEST_REQUIRE(sa.size() == 1u);
    BOOST_TEST_REQUIRE(sb.size() == 1u);
    BOOST_TEST_REQUIRE(sc.size() == 1u);
    // RUNNING comes startsecs after the spawn; the next spawn only then.
    BOOST_TEST(sb.front().ns >= sa.front().ns + 900'000'000u, "b started too soon after a");
    BOOST_TEST(sc.front().ns >= sb.front().ns + 900'000'000u, "c started too soon after b");

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(20s) == 0);
    records = read_records(dir);
    auto const ta = records_of(records, "term", "a"), tb = records_of(records, "term", "b"),
               tc = records_of(records, "term", "c");
    auto const eb = records_of(records, "exit", "b"), ec = records_of(records, "exit", "c");
    BOOST_TEST_REQUIRE(ta.size() == 1u);
    BOOST_TEST_REQUIRE(tb.size() == 1u);
    BOOST_TEST_REQUIRE(tc.size() == 1u);
    BOOST_TEST_REQUIRE(eb.size() == 1u);
    BOOST_TEST_REQUIRE(ec.size() == 1u);
    BOOST_TEST(tc.front().ns < tb.front().ns);
    BOOST_TEST(ec.front().ns < tb.front().ns, "b was signalled before c had exited");
    BOOST_TEST(tb.front().ns < ta.front().ns);
    BOOST_TEST(eb.front().ns < ta.front().ns, "a was signalled before b had exited");
}

// Dependencies win over priority. Priority alone would start app (100)
// before db (900) and stop it after db; depends_on = db starts db first and
// stops app (gone, not just signalled) before db gets its TERM.
BOOST_AUTO_TEST_CASE(dependents_stop_before_their_dependencies_whatever_the_priority)
{
    temp_dir dir;
    wardend d(dir, dir.write("warden.ini",
                             warden_section(dir) +
                                 program_section("db", child_command(dir, "db"), "priority = 900\nstartsecs = 1\nstopwaitsecs = 5\n") +
                                 program_section("app", child_command(dir, "app", "--term-delay-ms 500"),
                                                 "priority = 100\ndepends_on = db\nstartsecs = 1\nstopwaitsecs = 5\n")));
    d.wait_state("app", "RUNNING", 20s);
    // Started in dependency order although app's priority is lower.
    auto const all = d.states();
    BOOST_TEST(index_of(all, "db", "RUNNING") < index_of(all, "app", "STARTING"));

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(20s) == 0);
    auto const records = read_records(dir);
    auto const t_app = records_of(records, "term", "app"), e_app = records_of(records, "exit", "app"),
               t_db = records_of(records, "term", "db");
    BOOST_TEST_REQUIRE(t_app.size() == 1u);
    BOOST_TEST_REQUIRE(e_app.size() == 1u);
    BOOST_TEST_REQUIRE(t_db.size() == 1u);
    BOOST_TEST(t_app.front().ns < t_db.front().ns, "db got its TERM before app");
    BOOST_TEST(e_app.front().ns < t_db.front().ns, "db got its TERM while app was still stopping");
}

// `wardenctl start web` with autostart = false everywhere starts db first
// (Requires+After), then web, and succeeds once web is RUNNING.
BOOST_AUTO_TEST_CASE(starting_a_dependent_starts_its_dependencies_first)
{
    temp_dir dir;
    wardend d(dir, dir.write("warden.ini",
                             warden_section(dir) +
                                 program_section("web", child_command(dir, "web"),
                                                 "depends_on = db\nautostart = false\nstartsecs = 0\n") +
                                 program_section("db", child_command(dir, "db"), "autostart = false\nstartsecs = 1\n")));
    d.wait_for_log("warden started", 10s);
    BOOST_TEST(read_records(dir).empty());
    BOOST_TEST(status_of(d, dir, "db").state == "STOPPED");

    auto const result = ctl(dir, {"start", "web"}, 20s);
    BOOST_TEST(result.status == 0, result.describe());
    BOOST_TEST(status_of(d, dir, "web").state == "RUNNING");
    BOOST_TEST(status_of(d, dir, "db").state == "RUNNING");
    auto const records = read_records(dir);
    auto const s_db = records_of(records, "start", "db"), s_web = records_of(records, "start", "web");
    BOOST_TEST_REQUIRE(s_db.size() == 1u);
    BOOST_TEST_REQUIRE(s_web.size() == 1u);
    BOOST_TEST(s_web.front().ns >= s_db.front().ns + 900'000'000u, "web started before db was RUNNING");
    auto const all = d.states();
    BOOST_TEST(index_of(all, "db", "RUNNING") < index_of(all, "web", "STARTING"));

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// db goes FATAL (it exits at once, startretries = 0): web is never started,
// and status says why. `wardenctl start web` tries db again, which fails
// again: exit 1, the message names db, web still not started.
BOOST_AUTO_TEST_CASE(a_fatal_dependency_keeps_its_dependents_waiting)
{
    temp_dir dir;
    wardend d(dir, dir.write("warden.ini",
                             warden_section(dir) +
                                 program_section("db", child_command(dir, "db", "--exit 1"), "startsecs = 1\nstartretries = 0\n") +
                                 program_section("web", child_command(dir, "web"), "depends_on = db\nstartsecs = 0\n")));
    d.wait_state("db", "FATAL", 15s);
    wait_status(d, dir, "web", "STOPPED", "waiting for db (FATAL)", 5s);
    BOOST_TEST(records_of(read_records(dir), "start", "web").empty());
    BOOST_TEST(d.states("web").empty(), "web changed state: " << d.states("web").front().line);
    BOOST_TEST(d.running()); // a non-essential FATAL does not end the daemon

    auto const result = ctl(dir, {"start", "web"}, 20s);
    BOOST_TEST(result.status == 1, result.describe());
    BOOST_TEST(result.both().find("db") != std::string::npos, result.describe());
    BOOST_TEST(d.states("db").size() >= 4u); // STARTING, BACKOFF, FATAL, then again
    BOOST_TEST(records_of(read_records(dir), "start", "db").size() == 2u, "db was not retried by start web");
    BOOST_TEST(records_of(read_records(dir), "start", "web").empty());
    wait_status(d, dir, "web", "STOPPED", "waiting for db (FATAL)", 5s);

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
    BOOST_TEST(processes_with(dir.path().string()).empty(), "left: " << join(processes_with(dir.path().string())));
}

// Several dependencies: the description lists each one not RUNNING with its
// state, in depends_on order; once "a" is ready only "b" is left.
BOOST_AUTO_TEST_CASE(the_status_lists_every_dependency_not_yet_running)
{
    temp_dir dir;
    auto const port = free_tcp_port();
    std::string const p = std::to_string(port);
    wardend d(dir, dir.write("warden.ini",
                             warden_section(dir) +
                                 program_section("a", child_command(dir, "a", "--listen-tcp " + p + " --listen-after-ms 3000"),
                                                 "ready = tcp:127.0.0.1:" + p + "\n") +
                                 program_section("b", child_command(dir, "b", "--exit 1"), "startsecs = 1\nstartretries = 0\n") +
                                 program_section("web", child_command(dir, "web"), "depends_on = a, b\nstartsecs = 0\n")));
    d.wait_state("b", "FATAL", 10s);
    wait_status(d, dir, "web", "STOPPED", "waiting for a (STARTING), b (FATAL)", 5s);
    d.wait_state("a", "RUNNING", 15s);
    auto const row = wait_status(d, dir, "web", "STOPPED", "waiting for b (FATAL)", 5s);
    BOOST_TEST(row.description.find("a (") == std::string::npos, row.line);
    BOOST_TEST(records_of(read_records(dir), "start", "web").empty());

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// numprocs: a process depends on EVERY process of the programs it names.
BOOST_AUTO_TEST_CASE(a_dependent_waits_for_every_process_of_the_dependency)
{
    temp_dir dir;
    wardend d(dir, dir.write("warden.ini",
                             warden_section(dir) +
                                 program_section("pool", child_command(dir, "pool"),
                                                 "numprocs = 2\nprocess_name = %(program_name)s_%(process_num)d\n"
                                                 "startsecs = 1\n") +
                                 program_section("web", child_command(dir, "web"), "depends_on = pool\nstartsecs = 0\n")));
    d.wait_state("web", "RUNNING", 20s);
    auto const all = d.states();
    auto const web = index_of(all, "web", "STARTING");
    BOOST_TEST(index_of(all, "pool:pool_0", "RUNNING") < web);
    BOOST_TEST(index_of(all, "pool:pool_1", "RUNNING") < web);
    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// Config errors (wardend --check): a cycle names the cycle, an unknown name
// names itself, both with FILE:LINE of the depends_on line, exit 2.
BOOST_AUTO_TEST_CASE(a_cycle_is_a_config_error_with_file_and_line)
{
    temp_dir dir;
    auto const config = dir.write("warden.ini", warden_section(dir) +
                                                    program_section("a", child_command(dir, "a"), "depends_on = b\n") +
                                                    program_section("b", child_command(dir, "b"), "depends_on = a\n"));
    auto const result = run_wardend(dir, {"--check", "-c", config.string()});
    BOOST_TEST(result.status == 2, result.output);
    BOOST_TEST(result.output.find(config.string() + ":") != std::string::npos, result.output);
    bool const cycle = result.output.find("depends_on cycle: a -> b -> a") != std::string::npos ||
                       result.output.find("depends_on cycle: b -> a -> b") != std::string::npos;
    BOOST_TEST(cycle, result.output);

    // The daemon refuses the file too, and starts nothing.
    auto const run = run_wardend(dir, {"-c", config.string()});
    BOOST_TEST(run.status == 2, run.output);
    BOOST_TEST(read_records(dir).empty());
}

BOOST_AUTO_TEST_CASE(an_unknown_dependency_is_a_config_error_with_file_and_line)
{
    temp_dir dir;
    std::string const text = warden_section(dir) + program_section("web", child_command(dir, "web"), "depends_on = dbx\n");
    auto const config = dir.write("warden.ini", text);
    // The line of "depends_on = dbx", 1-based.
    auto const before = text.substr(0, text.find("depends_on = dbx"));
    auto const line = std::count(before.begin(), before.end(), '\n') + 1;
    auto const result = run_wardend(dir, {"--check", "-c", config.string()});
    BOOST_TEST(result.status == 2, result.output);
    BOOST_TEST(result.output.find(config.string() + ":" + std::to_string(line) + ":") != std::string::npos,
               "no " << config.string() << ":" << line << ": in\n" << result.output);
    BOOST_TEST(result.output.find("dbx") != std::string::npos, result.output);
}

BOOST_AUTO_TEST_SUITE_END()
