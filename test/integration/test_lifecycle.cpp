// Integration: programs start, reach RUNNING, and are restarted when killed.
#include <boost/test/unit_test.hpp>

#include "support/child.hpp"
#include "support/config_text.hpp"
#include "support/daemon.hpp"

#include <csignal>
#include <set>

using namespace warden::it;

BOOST_AUTO_TEST_SUITE(lifecycle)

// SPEC §3: a process that stays up `startsecs` is RUNNING; the pid in the log
// is a real process: our child, leader of its own group (SPEC §6).
BOOST_AUTO_TEST_CASE(every_program_reaches_running_with_a_real_pid)
{
    temp_dir dir;
    std::string config = warden_section(dir);
    for (char const* name : {"alpha", "beta", "gamma"})
        config += program_section(name, child_command(dir, name), "startsecs = 1\nstopwaitsecs = 2\n");
    wardend d(dir, dir.write("warden.ini", config));

    std::set<pid_t> pids;
    for (std::string const name : {"alpha", "beta", "gamma"}) {
        auto const running = d.wait_state(name, "RUNNING", 15s);
        BOOST_TEST_CONTEXT(running.line)
        {
            BOOST_TEST(running.from == "STARTING");
            BOOST_TEST(running.reason.find("startsecs") != std::string::npos);
            BOOST_REQUIRE(running.pid > 0);
            BOOST_TEST(process_alive(running.pid));
            BOOST_TEST(parent_of(running.pid) == d.pid());
            BOOST_TEST(process_group_of(running.pid) == running.pid);
            BOOST_TEST(command_line(running.pid).find("--name " + name) != std::string::npos);
            // RUNNING comes no sooner than startsecs after STARTING (ms timestamps: 10 ms slack).
            auto const starting = d.states(name).front();
            BOOST_TEST(starting.to == "STARTING");
            BOOST_TEST(running.wall_ms - starting.wall_ms >= 990);
        }
        pids.insert(running.pid);
    }
    BOOST_TEST(pids.size() == 3u);

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// SPEC §3: a RUNNING process killed from outside is unexpected (a signal),
// so autorestart=unexpected restarts it, with a new pid that reaches RUNNING.
BOOST_AUTO_TEST_CASE(a_sigkilled_child_is_restarted_with_a_new_pid)
{
    temp_dir dir;
    wardend d(dir, dir.write("warden.ini", warden_section(dir) +
                                              program_section("victim", child_command(dir, "victim"),
                                                              "startsecs = 1\nstopwaitsecs = 2\n")));
    pid_t const first = d.wait_state("victim", "RUNNING", 15s).pid;
    BOOST_REQUIRE(first > 0);
    BOOST_REQUIRE(::kill(first, SIGKILL) == 0);

    auto const exited = d.wait_state("victim", "EXITED", 10s);
    BOOST_TEST(exited.reason.find("SIGKILL") != std::string::npos, exited.line);
    BOOST_TEST(exited.reason.find("not expected") != std::string::npos, exited.line);

    auto const again = d.wait_state("victim", "RUNNING", 15s, 2);
    BOOST_TEST(again.pid > 0);
    BOOST_TEST(again.pid != first);
    BOOST_TEST(process_alive(again.pid));
    BOOST_TEST(!process_alive(first));
    BOOST_TEST(parent_of(again.pid) == d.pid());

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// numprocs with a process_name pattern: one RUNNING process per copy, each
// named from %(process_num)02d. The log names a process by its supervisorctl
// namespec, `group:process` (the program is the group), so x:x_00.
BOOST_AUTO_TEST_CASE(numprocs_starts_one_named_process_per_copy)
{
    temp_dir dir;
    wardend d(dir, dir.write("warden.ini",
                            warden_section(dir) +
                                program_section("x", child_command(dir, "x"),
                                                "numprocs = 3\n"
                                                "process_name = %(program_name)s_%(process_num)02d\n"
                                                "startsecs = 1\nstopwaitsecs = 2\n")));
    std::set<pid_t> pids;
    for (std::string const name : {"x:x_00", "x:x_01", "x:x_02"}) {
        pid_t const pid = d.wait_state(name, "RUNNING", 15s).pid;
        BOOST_TEST_CONTEXT(name)
        {
            BOOST_TEST(pid > 0);
            BOOST_TEST(process_alive(pid));
            BOOST_TEST(parent_of(pid) == d.pid());
        }
        pids.insert(pid);
    }
    BOOST_TEST(pids.size() == 3u);
    BOOST_TEST(d.states("x").empty()); // no process is called by the bare program name
    BOOST_TEST(d.states("x:x_03").empty());
    for (auto const& c : d.states())
        BOOST_TEST((c.name == "x:x_00" || c.name == "x:x_01" || c.name == "x:x_02"), c.line);

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// autorestart = unexpected restarts an exit whose code is not in exitcodes,
// not one that is; autorestart = true restarts any exit.
BOOST_AUTO_TEST_CASE(autorestart_follows_exitcodes)
{
    temp_dir dir;
    std::string const keys = "startsecs = 1\nstopwaitsecs = 2\n";
    wardend d(dir, dir.write("warden.ini",
                             warden_section(dir) +
                                 program_section("clean", child_command(dir, "clean", "--exit-after-ms 2000 --exit 0"), keys) +
                                 program_section("dirty", child_command(dir, "dirty", "--exit-after-ms 2000 --exit 5"),
                                                 keys + "exitcodes = 0,2\n") +
                                 program_section("always", child_command(dir, "always", "--exit-after-ms 2000 --exit 0"),
                                                 keys + "autorestart = true\n")));
    auto const clean = d.wait_state("clean", "EXITED", 15s);
    BOOST_TEST(clean.reason.find("exit status 0 (expected)") != std::string::npos, clean.line);
    auto const dirty = d.wait_state("dirty", "EXITED", 15s);
    BOOST_TEST(dirty.reason.find("exit status 5 (not expected)") != std::string::npos, dirty.line);
    d.wait_state("dirty", "RUNNING", 15s, 2);
    d.wait_state("always", "RUNNING", 15s, 2);

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
    // A restart is immediate: had "clean" been restarted, it would show by now.
    auto const starts = records_of(read_records(dir), "start", "clean");
    BOOST_TEST(starts.size() == 1u);
    BOOST_TEST(d.states("clean").back().to == "EXITED");
}

// [warden] logfile takes the daemon's log off stderr; pidfile holds the
// daemon's pid while it runs and is removed at exit.
BOOST_AUTO_TEST_CASE(logfile_and_pidfile)
{
    temp_dir dir;
    auto const logfile = dir / "own.log";
    auto const pidfile = dir / "warden.pid";
    wardend d(dir, dir.write("warden.ini", warden_section(dir, "logfile = " + logfile.string() + "\npidfile = " +
                                                                    pidfile.string() + "\n") +
                                              program_section("svc", child_command(dir, "svc"),
                                                              "startsecs = 1\nstopwaitsecs = 2\n")));
    if (!wait_until([&] { return read_file(logfile).find("svc: STARTING -> RUNNING") != std::string::npos; }, 15s))
        d.fail("no RUNNING line in " + logfile.string() + ":\n" + read_file(logfile));
    BOOST_TEST(read_file(pidfile) == std::to_string(d.pid()) + "\n");
    BOOST_TEST(d.log().find("RUNNING") == std::string::npos, d.log()); // not on stderr

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
    BOOST_TEST(read_file(logfile).find("warden stopped") != std::string::npos);
    BOOST_TEST(!fs::exists(pidfile));
}

// Under systemd (JOURNAL_STREAM set) every stderr line carries its sd-daemon
// priority instead of a timestamp, so the journal files it at the right level.
BOOST_AUTO_TEST_CASE(journal_priority_prefixes_under_systemd)
{
    temp_dir dir;
    wardend d(dir,
              dir.write("warden.ini", warden_section(dir) +
                                          program_section("svc", child_command(dir, "svc"), "startsecs = 1\n") +
                                          program_section("broken", "/nonexistent/warden-prog", "startretries = 0\n")),
              {}, {"JOURNAL_STREAM=8:12345"});
    d.wait_for_log("svc: STARTING -> RUNNING", 15s);
    d.wait_for_log("broken: STARTING -> FATAL", 15s);
    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
    auto const log = d.log();
    BOOST_TEST(log.find("<6>svc: STARTING -> RUNNING") != std::string::npos, log);
    BOOST_TEST(log.find("<3>broken: STARTING -> FATAL") != std::string::npos, log);
    BOOST_TEST(log.find(" INFO ") == std::string::npos, log); // no timestamps: the journal adds its own
}

BOOST_AUTO_TEST_SUITE_END()
