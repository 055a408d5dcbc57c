// Process groups, orphans, the final sweep, the parent-death signal, and
// output that floods.
#include "host_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <sstream>

using namespace warden;
using namespace warden::platform;
using namespace warden::platform::testing;

namespace {

pid_t read_pid_file(std::string const& path)
{
    return static_cast<pid_t>(std::atol(read_file(path).c_str()));
}

std::string reaped(pid_t pid, std::string const& how)
{
    return "reaped orphan pid " + std::to_string(pid) + " (" + how + ")";
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(platform_supervision, host_fixture)

BOOST_AUTO_TEST_CASE(a_group_signal_reaches_the_grandchild)
{
    become_subreaper();
    std::string const record = temp_path("record");
    pid_t const pid = spawn_ok(child(1, {"--grandchild", "--record", record, "--name", "web"}));
    // The child prints this once the grandchild has its SIGTERM handler.
    BOOST_REQUIRE(run_until([&] { return output(1, output_stream::out).find('\n') != std::string::npos; }));
    std::string const line = output(1, output_stream::out);
    BOOST_REQUIRE_EQUAL(line.rfind("grandchild ", 0), 0u);
    pid_t const grandchild = static_cast<pid_t>(std::atol(line.c_str() + 11));
    BOOST_TEST(::getpgid(grandchild) == pid);

    BOOST_TEST(host->send_signal(pid, config::signal_id::term, true) == "");
    // The grandchild ends up ours (we are a subreaper), zombie or not.
    BOOST_REQUIRE(run_until([&] { return exit_of(1) && logged(reaped(grandchild, "exit status 0")); }));
    BOOST_TEST(exit_of(1)->description == "exit status 0");
    std::string const records = read_file(record);
    BOOST_TEST(records.find(std::to_string(grandchild) + " web.gc term ") != std::string::npos, records);
    BOOST_TEST(records.find(std::to_string(pid) + " web term ") != std::string::npos, records);
    // The grandchild held the stdout pipe too: it closes once both are gone.
    BOOST_TEST(run_until([&] { return closed(1, output_stream::out); }));
    ::unlink(record.c_str());
}

BOOST_AUTO_TEST_CASE(a_re_parented_orphan_is_reaped)
{
    become_subreaper();
    std::string const pid_file = temp_path("orphan");
    spawn_ok(child(1, {"--orphan", pid_file, "--exit", "0"}));
    BOOST_REQUIRE(run_until_gone(1));
    pid_t const orphan = read_pid_file(pid_file);
    BOOST_REQUIRE_GT(orphan, 0);
    BOOST_TEST_REQUIRE(run_until([&] { return logged(reaped(orphan, "exit status 0")); }), all_logs());
    BOOST_TEST(!process_exists(orphan)); // no zombie either
    BOOST_TEST(exits.size() == 1u);      // an orphan is never reported as a supervised exit
    ::unlink(pid_file.c_str());
}

BOOST_AUTO_TEST_CASE(finish_kills_an_escaped_orphan_then_calls_done)
{
    become_subreaper();
    std::string const pid_file = temp_path("escaped");
    spawn_ok(child(1, {"--orphan", pid_file, "--orphan-ms", "-1", "--exit", "0"}));
    BOOST_REQUIRE(run_until_gone(1));
    pid_t const orphan = read_pid_file(pid_file);
    BOOST_REQUIRE_GT(orphan, 0);
    BOOST_REQUIRE(process_exists(orphan));
    BOOST_TEST(::getpgid(orphan) != ::getpgid(0)); // it left every group we could signal

    bool done = false;
    bool all_reaped = false;
    host->finish([&](bool reaped_all) { done = true; all_reaped = reaped_all; });
    BOOST_TEST(!done); // posted, never called from inside finish()
    BOOST_REQUIRE(run_until([&] { return done; }));
    BOOST_TEST(all_reaped);
    BOOST_TEST(logged(reaped(orphan, "terminated by SIGKILL")), all_logs());
    BOOST_TEST(!process_exists(orphan));
    BOOST_TEST(no_children_left());
    ::unlink(pid_file.c_str());
}

BOOST_AUTO_TEST_CASE(finish_with_nothing_left_calls_done_at_once)
{
    bool done = false;
    bool all_reaped = false;
    host->finish([&](bool reaped_all) { done = true; all_reaped = reaped_all; });
    BOOST_TEST(!done);
    BOOST_TEST(run_until([&] { return done; }, 1s));
    BOOST_TEST(all_reaped);
}

BOOST_AUTO_TEST_CASE(five_mib_flood_is_captured_byte_for_byte)
{
    std::size_t const size = 5 * 1024 * 1024;
    spawn_ok(child(1, {"--flood", std::to_string(size), "--exit", "0"}));
    BOOST_REQUIRE(run_until_gone(1, false, 30s));
    std::string const& got = output(1, output_stream::out);
    BOOST_REQUIRE_EQUAL(got.size(), size);
    BOOST_TEST((got == flood_pattern(size)));
}

BOOST_AUTO_TEST_CASE(a_flood_does_not_starve_another_child)
{
    std::size_t const size = 32 * 1024 * 1024;
    spawn_ok(child(1, {"--flood", std::to_string(size), "--exit", "0"}));
    spawn_ok(child(2, {"--print", "3", "--exit", "0"}));
    BOOST_REQUIRE(run_until_gone(2, false, 30s));
    BOOST_TEST(output(2, output_stream::out) == "line 1\nline 2\nline 3\n");
    BOOST_TEST(output(1, output_stream::out).size() < size); // the flood was still going
    BOOST_REQUIRE(run_until_gone(1, false, 60s));
    BOOST_TEST(output(1, output_stream::out).size() == size);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(platform_parent_death)

// A child must not outlive a daemon that is SIGKILLed (PR_SET_PDEATHSIG). The
// "daemon" here is an intermediate process forked before any io_context
// exists in this one; we stay a subreaper, so the child, once orphaned, comes
// to us and its death is reaped by our host.
BOOST_AUTO_TEST_CASE(a_killed_daemon_takes_its_children_along)
{
    become_subreaper();
    int report[2];
    BOOST_REQUIRE_EQUAL(::pipe2(report, O_CLOEXEC), 0);
    std::string const child_path = test_child_path();
    pid_t const daemon = ::fork();
    BOOST_REQUIRE_GE(daemon, 0);
    if (daemon == 0) {
        ::close(report[0]);
        try {
            boost::asio::io_context io;
            auto host = make_process_host(io, {});
            spawn_request request;
            request.argv = {child_path};
            auto const result = host->spawn(request);
            long const pid = std::holds_alternative<core::pid_type>(result)
                                 ? static_cast<long>(std::get<core::pid_type>(result))
                                 : -1;
            if (::write(report[1], &pid, sizeof pid) != sizeof pid)
                ::_exit(1);
        } catch (...) {
            ::_exit(1);
        }
        for (;;)
            ::pause();
    }
    ::close(report[1]);

    host_fixture f;
    pollfd ready{report[0], POLLIN, 0};
    BOOST_REQUIRE_EQUAL(::poll(&ready, 1, 10000), 1);
    long grandchild = -1;
    BOOST_REQUIRE_EQUAL(::read(report[0], &grandchild, sizeof grandchild), static_cast<ssize_t>(sizeof grandchild));
    ::close(report[0]);
    BOOST_REQUIRE_GT(grandchild, 0);

    ::kill(daemon, SIGKILL);
    BOOST_TEST(f.run_until([&] { return f.logged(reaped(daemon, "terminated by SIGKILL")); }), f.all_logs());
    BOOST_TEST(f.run_until([&] { return f.logged(reaped(static_cast<pid_t>(grandchild), "terminated by SIGKILL")); }),
               f.all_logs());
}

BOOST_AUTO_TEST_SUITE_END()
