// spawn: exit codes and signals, captured output, and clean failures.
#include "host_fixture.hpp"

#include <boost/asio/signal_set.hpp>
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>

using namespace warden;
using namespace warden::platform;
using namespace warden::platform::testing;

namespace {

// Counts SIGCHLD deliveries: after a synchronous spawn, a fork that happened
// has already raised SIGCHLD (the child exited before waitpid returned).
struct sigchld_probe {
    explicit sigchld_probe(boost::asio::io_context& io) : signals(io, SIGCHLD)
    {
        signals.async_wait([this](boost::system::error_code ec, int) {
            if (!ec)
                ++count;
        });
    }
    boost::asio::signal_set signals;
    int count = 0;
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(platform_spawn, host_fixture)

BOOST_AUTO_TEST_CASE(exit_code_is_reported_with_owner_and_pid)
{
    pid_t const pid = spawn_ok(child(7, {"--exit", "3"}));
    BOOST_REQUIRE(run_until_gone(7));
    auto const e = exit_of(7).value();
    BOOST_TEST(e.pid == pid);
    BOOST_TEST(!e.status.signaled);
    BOOST_TEST(e.status.code == 3);
    BOOST_TEST(e.description == "exit status 3");
    BOOST_TEST(!process_exists(pid)); // reaped, not a zombie
}

BOOST_AUTO_TEST_CASE(a_signal_death_names_the_signal)
{
    pid_t const pid = spawn_ok(child(1, {}));
    BOOST_TEST(host->send_signal(pid, config::signal_id::kill, false) == "");
    BOOST_REQUIRE(run_until_gone(1));
    auto const e = exit_of(1).value();
    BOOST_TEST(e.status.signaled);
    BOOST_TEST(e.status.code == SIGKILL);
    BOOST_TEST(e.description == "terminated by SIGKILL");
}

BOOST_AUTO_TEST_CASE(a_crash_is_reported_as_sigsegv)
{
    spawn_ok(child(1, {"--crash"}));
    BOOST_REQUIRE(run_until_gone(1));
    auto const e = exit_of(1).value();
    BOOST_TEST(e.status.signaled);
    BOOST_TEST(e.status.code == SIGSEGV);
    BOOST_TEST(e.description.rfind("terminated by SIGSEGV", 0) == 0, e.description);
}

BOOST_AUTO_TEST_CASE(stdout_and_stderr_are_captured_separately)
{
    spawn_ok(child(2, {"--print", "2", "--stderr", "oops", "--exit", "0"}));
    BOOST_REQUIRE(run_until_gone(2));
    BOOST_TEST(output(2, output_stream::out) == "line 1\nline 2\n");
    BOOST_TEST(output(2, output_stream::err) == "oops\n");
}

BOOST_AUTO_TEST_CASE(redirect_stderr_shares_the_stdout_pipe)
{
    auto request = child(2, {"--stderr", "oops", "--print", "1", "--exit", "0"});
    request.redirect_stderr = true;
    spawn_ok(request);
    BOOST_REQUIRE(run_until_gone(2, true));
    BOOST_TEST(output(2, output_stream::out) == "oops\nline 1\n");
    BOOST_TEST(output(2, output_stream::err) == "");
    BOOST_TEST(!closed(2, output_stream::err)); // there never was a stderr pipe
}

BOOST_AUTO_TEST_CASE(output_is_read_to_the_end_after_the_exit)
{
    // 1 MiB does not fit in a pipe: the child exits while most of it is
    // still unread, and the rest must still arrive before output_closed.
    spawn_ok(child(3, {"--flood", "1048576", "--exit", "0"}));
    BOOST_REQUIRE(run_until_gone(3));
    BOOST_TEST(output(3, output_stream::out).size() == 1048576u);
}

BOOST_AUTO_TEST_CASE(a_missing_executable_fails_without_forking)
{
    sigchld_probe probe(io);
    auto request = child(1, {});
    request.argv[0] = "/nonexistent/warden-no-such-program";
    BOOST_TEST(spawn_fails(request) ==
               "cannot execute '/nonexistent/warden-no-such-program': No such file or directory");

    request.argv[0] = "warden-no-such-program";
    request.environment = {{"PATH", "/usr/bin:/bin"}};
    BOOST_TEST(spawn_fails(request) ==
               "cannot execute 'warden-no-such-program': No such file or directory (searched PATH=/usr/bin:/bin)");

    poll();
    BOOST_TEST(probe.count == 0);
    BOOST_TEST(no_children_left());
}

BOOST_AUTO_TEST_CASE(a_bad_directory_fails_and_leaves_no_zombie)
{
    sigchld_probe probe(io);
    auto request = child(1, {});
    request.directory = "/nonexistent-warden-dir";
    BOOST_TEST(spawn_fails(request) == "cannot chdir to '/nonexistent-warden-dir': No such file or directory");
    BOOST_TEST(no_children_left());
    poll();
    BOOST_TEST(probe.count == 1); // there was a fork, and its child is already reaped
    BOOST_TEST(exits.empty());
}

BOOST_AUTO_TEST_CASE(exec_permission_denied_is_reported)
{
    std::string const path = temp_path("not-executable");
    std::ofstream(path) << "#!/bin/sh\nexit 0\n";
    ::chmod(path.c_str(), 0644);
    auto request = child(1, {});
    request.argv = {path};
    BOOST_TEST(spawn_fails(request) == "cannot execute '" + path + "': Permission denied");
    BOOST_TEST(no_children_left());
    ::unlink(path.c_str());
}

BOOST_AUTO_TEST_CASE(an_unknown_user_fails_without_forking)
{
    sigchld_probe probe(io);
    auto request = child(1, {});
    request.user = "warden-no-such-user";
    BOOST_TEST(spawn_fails(request) == "cannot run as user 'warden-no-such-user': no such user");
    poll();
    BOOST_TEST(probe.count == 0);
}

BOOST_AUTO_TEST_CASE(an_empty_command_fails)
{
    spawn_request request;
    BOOST_TEST(spawn_fails(request) == "cannot execute an empty command");
}

BOOST_AUTO_TEST_CASE(signalling_a_reaped_pid_does_nothing)
{
    pid_t const pid = spawn_ok(child(1, {"--exit", "0"}));
    BOOST_REQUIRE(run_until_gone(1));
    // The pid may already belong to someone else: it must not be signalled.
    BOOST_TEST(host->send_signal(pid, config::signal_id::kill, true) == "");
    BOOST_TEST(logged("not a running child"));
}

BOOST_AUTO_TEST_CASE(break_is_refused_on_posix)
{
    pid_t const pid = spawn_ok(child(1, {}));
    BOOST_TEST(host->send_signal(pid, config::signal_id::break_, true) != "");
    BOOST_TEST(host->send_signal(pid, config::signal_id::term, true) == "");
    BOOST_REQUIRE(run_until_gone(1));
    BOOST_TEST(exit_of(1)->description == "terminated by SIGTERM");
}

BOOST_AUTO_TEST_SUITE_END()
