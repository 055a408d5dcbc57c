// The control protocol over the Windows named pipe: the server and the
// blocking client, with a stub handler; the pipe's DACL; pipe names.
#include "control/client.hpp"
#include "control/server.hpp"
#include "control/windows/pipe_security.hpp"

#include "fixture.hpp"

#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <thread>

using namespace warden;
using namespace warden::control;

namespace {

struct echo_handler : command_handler {
    void handle(request const& req, reply_fn send) override
    {
        if (req.cmd == "stream") {
            send(reply::success("one", true));
            send(reply::success("two"));
            return;
        }
        send(reply::success(boost::json::value(req.cmd + ":" + (req.args.empty() ? "" : req.args[0]))));
    }
};

std::string unique_pipe()
{
    return "\\\\.\\pipe\\warden-test-" + std::to_string(::GetCurrentProcessId()) + "-" +
           std::to_string(::GetTickCount64());
}

} // namespace

BOOST_AUTO_TEST_SUITE(windows_control_pipe)

BOOST_AUTO_TEST_CASE(pipe_names)
{
    BOOST_TEST(windows::pipe_path("warden").value_or("-") == "\\\\.\\pipe\\warden");
    BOOST_TEST(windows::pipe_path("\\\\.\\pipe\\other").value_or("-") == "\\\\.\\pipe\\other");
    BOOST_TEST(!windows::pipe_path("C:\\x\\warden.sock").has_value());
    BOOST_TEST(!windows::pipe_path("").has_value());
}

BOOST_AUTO_TEST_CASE(dacl_admits_system_administrators_and_the_user_only)
{
    auto const sddl = windows::control_pipe_sddl(L"S-1-5-21-1-2-3-1000");
    BOOST_TEST((sddl == L"D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;GA;;;S-1-5-21-1-2-3-1000)"));
    std::string error;
    auto security = windows::pipe_security::make(error);
    BOOST_TEST_REQUIRE(security.has_value(), error);
    BOOST_TEST(security->sddl().find("D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;GA;;;S-") == 0u);
}

BOOST_AUTO_TEST_CASE(requests_and_streamed_replies_round_trip)
{
    boost::asio::io_context io;
    echo_handler handler;
    server_options o;
    o.path = unique_pipe();
    server srv(io, handler, o);
    auto const problem = srv.start();
    BOOST_TEST_REQUIRE(!problem, problem.value_or(""));

    // A second server on the same pipe is refused.
    server second(io, handler, o);
    auto const refused = second.start();
    BOOST_TEST_REQUIRE(refused.has_value());
    BOOST_TEST(refused->find("another wardend is listening") != std::string::npos);

    std::vector<std::string> got;
    std::string client_error;
    std::atomic<bool> done{false};
    std::thread t([&] {
        for (int i = 0; i < 3; ++i) { // several clients, one after another
            client c(o.path);
            if (auto e = c.connect(std::chrono::seconds(5))) {
                client_error = e->message;
                break;
            }
            auto e = c.call(request{i == 2 ? "stream" : "status", {"web" + std::to_string(i)}, {}},
                            [&](reply const& r) {
                                got.push_back(boost::json::serialize(r.result));
                                return true;
                            },
                            std::chrono::seconds(5));
            if (e) {
                client_error = e->message;
                break;
            }
        }
        done = true;
    });
    BOOST_TEST(test::run_until(io, [&] { return done.load(); }));
    t.join();
    BOOST_TEST(client_error == "");
    std::vector<std::string> const want{"\"status:web0\"", "\"status:web1\"", "\"one\"", "\"two\""};
    BOOST_TEST(got == want, boost::test_tools::per_element());
    srv.stop();
}

BOOST_AUTO_TEST_CASE(no_daemon_is_unreachable)
{
    client c(unique_pipe());
    auto e = c.connect(std::chrono::seconds(2));
    BOOST_TEST_REQUIRE(e.has_value());
    BOOST_TEST(e->kind == client_error::unreachable);
    BOOST_TEST(e->message.find("is wardend running?") != std::string::npos, e->message);
}

BOOST_AUTO_TEST_SUITE_END()
