// The blocking client against the real server with a fake handler, the
// server's io_context running on its own thread (the client blocks).
#include "control/client.hpp"
#include "control_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <thread>

using namespace warden::control;
using namespace warden::control::testing;

namespace {

// The server side on a thread of its own; everything that touches the
// server or the handler is posted to that thread.
struct threaded_server {
    threaded_server() : guard(asio::make_work_guard(f.io))
    {
        f.start();
        thread = std::thread([this] { f.io.run(); });
    }
    ~threaded_server()
    {
        asio::post(f.io, [this] {
            f.srv->stop();
            guard.reset();
        });
        thread.join();
    }
    server_fixture f;
    asio::executor_work_guard<asio::io_context::executor_type> guard;
    std::thread thread;
};

} // namespace

BOOST_AUTO_TEST_SUITE(client_tests)

BOOST_AUTO_TEST_CASE(calls_and_gets_the_reply)
{
    threaded_server s;
    client c(s.f.path);
    BOOST_TEST_REQUIRE(!c.connect(1s).has_value());
    std::vector<reply> got;
    auto err = c.call(request{"echo", {"a", "b"}, json::object{{"x", 1}}}, [&](reply const& r) {
        got.push_back(r);
        return true;
    }, 5s);
    BOOST_TEST_REQUIRE(!err.has_value(), err->message);
    BOOST_TEST_REQUIRE(got.size() == 1u);
    BOOST_TEST(json::serialize(got[0].result) == R"({"cmd":"echo","args":["a","b"],"options":{"x":1}})");

    // The same connection serves a second call.
    got.clear();
    err = c.call(request{"fail", {}, {}}, [&](reply const& r) {
        got.push_back(r);
        return true;
    });
    BOOST_TEST_REQUIRE(!err.has_value());
    BOOST_TEST(!got.at(0).ok);
    BOOST_TEST(got[0].code == error_code::failed);
    BOOST_TEST(got[0].message == "it failed");
}

BOOST_AUTO_TEST_CASE(reads_a_stream_until_the_last_reply)
{
    threaded_server s;
    client c(s.f.path);
    BOOST_TEST_REQUIRE(!c.connect().has_value());
    std::string data;
    int calls = 0;
    auto err = c.call(request{"stream", {"50"}, {}}, [&](reply const& r) {
        ++calls;
        data += r.result.as_object().at("data").as_string();
        return true;
    }, 5s);
    BOOST_TEST_REQUIRE(!err.has_value());
    BOOST_TEST(calls == 51);
    BOOST_TEST(data.find("chunk 49\nend") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(stops_early_when_the_callback_says_so)
{
    threaded_server s;
    client c(s.f.path);
    BOOST_TEST_REQUIRE(!c.connect().has_value());
    int calls = 0;
    auto err = c.call(request{"stream", {"10"}, {}}, [&](reply const&) { return ++calls < 2; }, 5s);
    BOOST_TEST(!err.has_value());
    BOOST_TEST(calls == 2);
}

BOOST_AUTO_TEST_CASE(times_out_when_no_reply_comes)
{
    threaded_server s;
    client c(s.f.path);
    BOOST_TEST_REQUIRE(!c.connect().has_value());
    auto const t0 = std::chrono::steady_clock::now();
    auto err = c.call(request{"hold", {}, {}}, [](reply const&) { return true; }, 200ms);
    BOOST_TEST_REQUIRE(err.has_value());
    BOOST_TEST(err->kind == client_error::timeout);
    BOOST_TEST(err->message == "no reply from wardend at " + s.f.path + " within 0.2s");
    BOOST_TEST((std::chrono::steady_clock::now() - t0) < 3s);
}

BOOST_AUTO_TEST_CASE(an_absent_daemon_is_unreachable)
{
    temp_dir dir;
    struct row {
        char const* name;
        std::string path;
        std::string message;
    };
    std::vector<row> const table = {
        {"no file", dir.file("none.sock"),
         "cannot reach wardend at " + dir.file("none.sock") + ": No such file or directory (is wardend running?)"},
        {"not a socket", dir.path, "cannot reach wardend at " + dir.path + ": Connection refused (is wardend running?)"},
    };
    for (auto const& r : table) {
        BOOST_TEST_CONTEXT(r.name)
        {
            client c(r.path);
            auto err = c.connect(1s);
            BOOST_TEST_REQUIRE(err.has_value());
            BOOST_TEST(err->kind == client_error::unreachable);
            BOOST_TEST(err->message == r.message);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_daemon_that_hangs_up_without_replying_is_unreachable)
{
    temp_dir dir;
    asio::io_context io;
    stream_protocol::acceptor acceptor(io, stream_protocol::endpoint(dir.file("s.sock")));
    std::thread t([&] {
        auto peer = acceptor.accept();
        char buf[256];
        boost::system::error_code ec;
        peer.read_some(asio::buffer(buf), ec); // take the request, then hang up
    });
    client c(dir.file("s.sock"));
    BOOST_TEST_REQUIRE(!c.connect(1s).has_value());
    auto err = c.call(request{"status", {}, {}}, [](reply const&) { return true; }, 5s);
    t.join();
    BOOST_TEST_REQUIRE(err.has_value());
    BOOST_TEST(err->kind == client_error::unreachable);
    BOOST_TEST(err->message == "wardend at " + dir.file("s.sock") + " closed the connection without replying");
}

BOOST_AUTO_TEST_CASE(garbage_from_the_daemon_is_a_protocol_error)
{
    temp_dir dir;
    asio::io_context io;
    stream_protocol::acceptor acceptor(io, stream_protocol::endpoint(dir.file("s.sock")));
    std::thread t([&] {
        auto peer = acceptor.accept();
        char buf[256];
        peer.read_some(asio::buffer(buf)); // the request, then nonsense
        asio::write(peer, asio::buffer(std::string("HTTP/1.0 200 OK\n")));
    });
    client c(dir.file("s.sock"));
    BOOST_TEST_REQUIRE(!c.connect(1s).has_value());
    auto err = c.call(request{"status", {}, {}}, [](reply const&) { return true; }, 5s);
    t.join();
    BOOST_TEST_REQUIRE(err.has_value());
    BOOST_TEST(err->kind == client_error::protocol);
    BOOST_TEST(err->message.find("sent an invalid reply: invalid JSON at column 1") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
