// The console/service stop bridge: a request from a foreign OS thread lands
// on the io_context thread; a waiting request returns once the daemon
// finished (its request_source closed), and never blocks past its bound.
#include "platform/process_host.hpp"
#include "platform/windows/stop_bridge.hpp"

#include "fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <thread>

using namespace warden;
using namespace warden::platform;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(windows_request_source)

BOOST_AUTO_TEST_CASE(no_listener_no_request)
{
    BOOST_TEST(!windows::request_shutdown_from_os(false, {}));
}

BOOST_AUTO_TEST_CASE(requests_from_an_os_thread_run_on_the_io_thread)
{
    boost::asio::io_context io;
    auto const io_thread = std::this_thread::get_id();
    int shutdowns = 0;
    bool on_io_thread = true;
    auto source = make_request_source(io, [&](daemon_request r) {
        on_io_thread = on_io_thread && std::this_thread::get_id() == io_thread;
        shutdowns += r == daemon_request::shutdown;
    });
    std::thread os([] {
        windows::request_shutdown_from_os(false, {});
        windows::request_shutdown_from_os(false, {}); // the second one: kill
    });
    os.join();
    BOOST_TEST(test::run_until(io, [&] { return shutdowns == 2; }));
    BOOST_TEST(on_io_thread);
    source->close();
    BOOST_TEST(!windows::request_shutdown_from_os(false, {}));
}

BOOST_AUTO_TEST_CASE(a_waiting_request_returns_when_the_daemon_finished)
{
    boost::asio::io_context io;
    std::unique_ptr<request_source> source;
    source = make_request_source(io, [&](daemon_request) { source->close(); }); // "the shutdown finished"
    std::atomic<bool> returned{false};
    std::thread os([&] {
        windows::request_shutdown_from_os(true, 20s);
        returned = true;
    });
    BOOST_TEST(test::run_until(io, [&] { return returned.load(); }, 10s));
    os.join();
}

BOOST_AUTO_TEST_CASE(a_waiting_request_is_bounded)
{
    boost::asio::io_context io; // never run: the shutdown never finishes
    auto source = make_request_source(io, [](daemon_request) {});
    auto const start = std::chrono::steady_clock::now();
    BOOST_TEST(windows::request_shutdown_from_os(true, 300ms));
    BOOST_TEST((std::chrono::steady_clock::now() - start >= 250ms));
    source->close();
}

BOOST_AUTO_TEST_SUITE_END()
