// Integration: wardend as a container's PID 1 (SPEC §8, issue 4), with no
// helper: `unshare --pid --fork --mount-proc wardend ...` gives it a PID
// namespace of its own, where it is pid 1. From outside we send SIGTERM to it
// (the child of unshare), and unshare --fork exits with its status.
//
// This needs root (or CAP_SYS_ADMIN) and util-linux's unshare. Where they are
// missing the tests FAIL (the first check says why): a supervisor meant for
// containers must not pass its container test by skipping it.
#include <boost/test/unit_test.hpp>

#include "support/child.hpp"
#include "support/config_text.hpp"
#include "support/ctl.hpp"
#include "support/daemon.hpp"

#include <algorithm>
#include <csignal>

using namespace warden::it;

BOOST_AUTO_TEST_SUITE(pid1)

namespace {

// unshare's options: --kill-child makes wardend die with unshare if the test
// has to SIGKILL unshare (then the kernel ends the whole namespace).
std::vector<std::string> const unshare{"/usr/bin/unshare", "--pid", "--fork", "--mount-proc", "--kill-child"};

// Fails the test, loudly, when this machine cannot make a PID namespace.
void require_pid_namespaces(temp_dir const& dir)
{
    auto const out = dir / "unshare-probe.out";
    std::vector<std::string> argv = unshare;
    argv.insert(argv.end(), {"sh", "-c", "test $$ = 1"});
    pid_t pid = 0;
    try {
        pid = spawn_process(argv, out);
    } catch (std::exception const& e) {
        BOOST_FAIL("cannot run unshare (util-linux): " << e.what());
    }
    std::optional<int> status;
    if (!wait_until([&] { return (status = try_reap(pid)).has_value(); }, 10s)) {
        ::kill(pid, SIGKILL);
        try_reap(pid);
        BOOST_FAIL("unshare --pid --fork --mount-proc did not finish within 10 s");
    }
    BOOST_REQUIRE_MESSAGE(*status == 0, "this test needs a PID namespace (root, util-linux unshare): "
                                            "`unshare --pid --fork --mount-proc sh -c 'test $$ = 1'` exited "
                                            << *status << ": " << read_file(out));
}

// The wardend process, as we see it: unshare's only child.
pid_t wardend_outside(wardend const& d)
{
    pid_t found = 0;
    wait_until(
        [&] {
            auto const children = children_of(d.pid());
            found = children.size() == 1 ? children.front() : 0;
            return found != 0 && command_line(found).find("wardend") != std::string::npos;
        },
        10s);
    if (found == 0)
        d.fail("unshare (pid " + std::to_string(d.pid()) + ") has no wardend child");
    auto const nested = namespace_pids(found);
    if (nested.size() < 2 || nested.back() != 1)
        d.fail("wardend (pid " + std::to_string(found) + ") is not pid 1 of a namespace of its own");
    return found;
}

std::uint64_t earliest(std::vector<record> const& rs)
{
    return std::min_element(rs.begin(), rs.end(), [](auto const& a, auto const& b) { return a.ns < b.ns; })->ns;
}

std::uint64_t latest(std::vector<record> const& rs)
{
    return std::max_element(rs.begin(), rs.end(), [](auto const& a, auto const& b) { return a.ns < b.ns; })->ns;
}

} // namespace

// SIGTERM from outside the namespace: the ordered shutdown (priority 30, then
// 20, then 10: each tier's "term" after the previous tier's exit), exit 0
// through unshare, nothing left.
BOOST_AUTO_TEST_CASE(sigterm_from_outside_runs_the_ordered_shutdown_and_exits_0)
{
    temp_dir dir;
    require_pid_namespaces(dir);
    std::string config = warden_section(dir);
    for (int priority : {20, 30, 10}) {
        std::string const name = "p" + std::to_string(priority);
        config += program_section(name, child_command(dir, name, "--term-delay-ms 200"),
                                  "priority = " + std::to_string(priority) + "\nstartsecs = 1\nstopwaitsecs = 5\n");
    }
    wardend d(dir, dir.write("warden.ini", config), {}, {}, unshare);
    pid_t const daemon = wardend_outside(d);
    for (char const* name : {"p10", "p20", "p30"})
        d.wait_state(name, "RUNNING", 15s);

    // The control socket works across the namespace, and wardend says it is pid 1.
    auto const pid = ctl(dir, {"pid"}, 10s);
    BOOST_TEST(pid.status == 0, pid.describe());
    BOOST_TEST(pid.out.find('1') != std::string::npos, pid.describe());
    BOOST_TEST(pid.out.find_first_not_of("1\n ") == std::string::npos, "wardenctl pid: " << pid.describe());

    BOOST_REQUIRE(::kill(daemon, SIGTERM) == 0);
    BOOST_TEST(d.wait_exit(20s) == 0);

    auto const records = read_records(dir);
    auto const t10 = records_of(records, "term", "p10"), t20 = records_of(records, "term", "p20"),
               t30 = records_of(records, "term", "p30");
    auto const e20 = records_of(records, "exit", "p20"), e30 = records_of(records, "exit", "p30");
    BOOST_TEST_REQUIRE(t10.size() == 1u);
    BOOST_TEST_REQUIRE(t20.size() == 1u);
    BOOST_TEST_REQUIRE(t30.size() == 1u);
    BOOST_TEST_REQUIRE(e20.size() == 1u);
    BOOST_TEST_REQUIRE(e30.size() == 1u);
    BOOST_TEST(latest(e30) < earliest(t20));
    BOOST_TEST(latest(e20) < earliest(t10));

    auto const log = d.log();
    BOOST_TEST(log.find("shutdown requested") != std::string::npos);
    BOOST_TEST(log.find("warden stopped") != std::string::npos);
    BOOST_TEST(!process_exists(daemon));
    BOOST_TEST(processes_with(dir.path().string()).empty(), "left: " << join(processes_with(dir.path().string())));
}

// A child forks a daemon-like grandchild (setsid) and exits: in a PID
// namespace the orphan is re-parented to pid 1, wardend, which reaps it when
// it exits (no zombie stays), and says so in its log.
BOOST_AUTO_TEST_CASE(an_orphan_is_reparented_to_pid_1_and_reaped)
{
    temp_dir dir;
    require_pid_namespaces(dir);
    auto const pid_file = dir / "orphan.pid";
    wardend d(dir,
              dir.write("warden.ini",
                        warden_section(dir) +
                            program_section("parent",
                                            child_command(dir, "parent",
                                                          "--orphan " + pid_file.string() + " --orphan-ms 2000 --exit 0"),
                                            "startsecs = 0\nautorestart = false\n") +
                            program_section("steady", child_command(dir, "steady"), "startsecs = 1\n")),
              {"--log-level", "debug"}, {}, unshare);
    pid_t const daemon = wardend_outside(d);
    if (!wait_until([&] { return fs::exists(pid_file); }, 10s))
        d.fail("no pid file " + pid_file.string());
    pid_t const inner = static_cast<pid_t>(std::stol(read_file(pid_file))); // its pid inside the namespace
    d.wait_state("parent", "EXITED", 10s);

    pid_t const orphan = outer_pid(daemon, inner);
    BOOST_REQUIRE_MESSAGE(orphan > 0, "the orphan (pid " << inner << " inside) is not in wardend's namespace");
    BOOST_TEST(parent_of(orphan) == daemon, "the orphan's parent is " << parent_of(orphan) << ", not wardend ("
                                                                       << daemon << ")");

    if (!wait_until([&] { return !process_exists(orphan); }, 10s))
        d.fail("orphan " + std::to_string(orphan) + " still in /proc, state " +
               std::string(1, process_state(orphan).value_or('-')) + ": a zombie pid 1 did not reap");
    d.wait_for_log("reaped orphan pid " + std::to_string(inner), 5s);
    BOOST_TEST(d.running());
    BOOST_TEST(d.states("steady").back().to == "RUNNING"); // reaping an orphan disturbed nobody

    // No zombie at all in the namespace: every process of it is a live one.
    for (pid_t pid : processes_with(dir.path().string()))
        BOOST_TEST(process_state(pid).value_or('?') != 'Z', "zombie " << pid);

    BOOST_REQUIRE(::kill(daemon, SIGTERM) == 0);
    BOOST_TEST(d.wait_exit(15s) == 0);
    BOOST_TEST(processes_with(dir.path().string()).empty(), "left: " << join(processes_with(dir.path().string())));
}

// An orphan still alive at shutdown is killed and reaped; exit 0.
BOOST_AUTO_TEST_CASE(a_live_orphan_does_not_outlive_the_container)
{
    temp_dir dir;
    require_pid_namespaces(dir);
    auto const pid_file = dir / "orphan.pid";
    wardend d(dir,
              dir.write("warden.ini",
                        warden_section(dir) +
                            program_section("parent",
                                            child_command(dir, "parent",
                                                          "--orphan " + pid_file.string() + " --orphan-ms -1 --exit 0"),
                                            "startsecs = 0\nautorestart = false\n")),
              {}, {}, unshare);
    pid_t const daemon = wardend_outside(d);
    if (!wait_until([&] { return fs::exists(pid_file); }, 10s))
        d.fail("no pid file " + pid_file.string());
    pid_t const inner = static_cast<pid_t>(std::stol(read_file(pid_file)));
    d.wait_state("parent", "EXITED", 10s);
    pid_t const orphan = outer_pid(daemon, inner);
    BOOST_REQUIRE(orphan > 0);
    BOOST_TEST(parent_of(orphan) == daemon);

    BOOST_REQUIRE(::kill(daemon, SIGTERM) == 0);
    BOOST_TEST(d.wait_exit(15s) == 0);
    BOOST_TEST(!process_exists(orphan));
    BOOST_TEST(processes_with(dir.path().string()).empty(), "left: " << join(processes_with(dir.path().string())));
}

// An essential program that exits for good (autorestart = false) ends the
// container: the ordered shutdown (the other program gets its TERM), the log
// names the program and says "essential", and the status is 1.
BOOST_AUTO_TEST_CASE(an_essential_programs_failure_ends_the_container_with_status_1)
{
    temp_dir dir;
    require_pid_namespaces(dir);
    wardend d(dir,
              dir.write("warden.ini",
                        warden_section(dir) +
                            program_section("app", child_command(dir, "app", "--exit-after-ms 1500 --exit 3"),
                                            "startsecs = 1\nautorestart = false\nessential = true\n") +
                            program_section("sidecar", child_command(dir, "sidecar"),
                                            "startsecs = 1\nstopwaitsecs = 5\n")),
              {}, {}, unshare);
    pid_t const daemon = wardend_outside(d);
    d.wait_state("app", "RUNNING", 15s);
    d.wait_state("sidecar", "RUNNING", 15s);

    BOOST_TEST(d.wait_exit(20s) == 1);
    BOOST_TEST(!process_exists(daemon));
    auto const log = d.log();
    auto const lines = lines_of(log);
    bool const named = std::any_of(lines.begin(), lines.end(), [](std::string const& line) {
        return line.find("app") != std::string::npos && line.find("essential") != std::string::npos;
    });
    BOOST_TEST(named, "no log line names app and says essential:\n" << log);
    BOOST_TEST(records_of(read_records(dir), "term", "sidecar").size() == 1u, "the sidecar got no SIGTERM");
    BOOST_TEST(processes_with(dir.path().string()).empty(), "left: " << join(processes_with(dir.path().string())));
}

BOOST_AUTO_TEST_SUITE_END()
