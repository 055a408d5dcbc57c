// Signals to the daemon become daemon_requests on the io_context thread.
#include "platform/process_host.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <csignal>
#include <vector>

using namespace warden::platform;
using namespace std::chrono_literals;

namespace {

struct request_fixture {
    request_fixture() : source(make_request_source(io, [this](daemon_request r) { requests.push_back(r); })) {}

    // raise() runs Asio's handler before it returns; the io_context then
    // delivers the request.
    bool deliver(int signo, std::size_t expected)
    {
        ::raise(signo);
        auto const deadline = std::chrono::steady_clock::now() + 5s;
        while (requests.size() < expected && std::chrono::steady_clock::now() < deadline)
            io.run_one_for(100ms);
        return requests.size() == expected;
    }

    boost::asio::io_context io;
    std::vector<daemon_request> requests;
    std::unique_ptr<request_source> source;
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(platform_request_source, request_fixture)

BOOST_AUTO_TEST_CASE(signals_map_to_requests)
{
    BOOST_REQUIRE(deliver(SIGTERM, 1));
    BOOST_REQUIRE(deliver(SIGINT, 2));
    BOOST_REQUIRE(deliver(SIGHUP, 3));
    BOOST_REQUIRE(deliver(SIGUSR2, 4));
    BOOST_TEST((requests == std::vector<daemon_request>{daemon_request::shutdown, daemon_request::shutdown,
                                                        daemon_request::reload, daemon_request::reopen_logs}));
}

BOOST_AUTO_TEST_CASE(close_stops_delivery)
{
    source->close();
    ::raise(SIGHUP); // still caught (the handler stays until the source is gone), never delivered
    for (int i = 0; i < 4; ++i)
        io.poll();
    BOOST_TEST(requests.empty());
}

BOOST_AUTO_TEST_SUITE_END()
