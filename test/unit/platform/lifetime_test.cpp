// The host's edges: destroyed while work is pending, and a daemon started
// with its standard descriptors closed.
#include "host_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

using namespace warden;
using namespace warden::platform;
using namespace warden::platform::testing;

BOOST_AUTO_TEST_SUITE(platform_lifetime)

BOOST_AUTO_TEST_CASE(no_callback_after_the_host_is_destroyed)
{
    boost::asio::io_context io;
    int calls = 0;
    process_callbacks callbacks;
    callbacks.exited = [&](std::size_t, core::pid_type, core::exit_status, std::string) { ++calls; };
    callbacks.output = [&](std::size_t, output_stream, std::string_view) { ++calls; };
    callbacks.output_closed = [&](std::size_t, output_stream) { ++calls; };
    auto host = make_process_host(io, std::move(callbacks));

    spawn_request request;
    request.argv = {test_child_path(), "--print", "3"};
    auto const result = host->spawn(request);
    BOOST_REQUIRE(std::holds_alternative<core::pid_type>(result));
    auto const pid = static_cast<pid_t>(std::get<core::pid_type>(result));

    host.reset(); // reads and the SIGCHLD wait are still pending
    ::kill(pid, SIGKILL);
    BOOST_REQUIRE_EQUAL(::waitpid(pid, nullptr, 0), pid);
    for (int i = 0; i < 8; ++i) {
        io.restart();
        io.run_for(std::chrono::milliseconds(10)); // the aborted completions run here
    }
    BOOST_TEST(calls == 0);
}

// Run in a forked process (before any io_context exists in this one) that
// closes 0, 1 and 2, so the descriptors spawn creates land there: the child
// must still get /dev/null and two working pipes, nothing clobbered.
BOOST_AUTO_TEST_CASE(a_daemon_without_stdio_still_wires_the_child)
{
    std::string const child_path = test_child_path();
    pid_t const helper = ::fork();
    BOOST_REQUIRE_GE(helper, 0);
    if (helper == 0) {
        bool ok = false;
        try {
            boost::asio::io_context io;
            std::string out, err;
            int closed = 0;
            process_callbacks callbacks;
            callbacks.output = [&](std::size_t, output_stream s, std::string_view b) {
                (s == output_stream::out ? out : err).append(b);
            };
            callbacks.output_closed = [&](std::size_t, output_stream) { ++closed; };
            auto host = make_process_host(io, std::move(callbacks));
            // After Asio has its descriptors, so that ours are the ones that
            // land on 0..2.
            ::close(0);
            ::close(1);
            ::close(2);
            spawn_request request;
            request.argv = {child_path, "--fds", "--stderr", "e", "--exit", "0"};
            ok = std::holds_alternative<core::pid_type>(host->spawn(request));
            auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            while (ok && closed < 2 && std::chrono::steady_clock::now() < deadline)
                io.run_one_for(std::chrono::milliseconds(100));
            ok = ok && out == "fds=0,1,2\n" && err == "e\n";
        } catch (...) {
            ok = false;
        }
        ::_exit(ok ? 0 : 1);
    }
    int status = 0;
    BOOST_REQUIRE_EQUAL(::waitpid(helper, &status, 0), helper);
    BOOST_TEST(WIFEXITED(status));
    BOOST_TEST(WEXITSTATUS(status) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
