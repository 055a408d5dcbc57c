// The control server and its sessions, against a fake handler on a real
// io_context and a real socket: framing, ordering, streaming, errors, the
// idle timeout, peer credentials, the socket file's lifecycle, load.
#include "control_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <grp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

using namespace warden::control;
using namespace warden::control::testing;

namespace {

std::string request_line(std::string const& cmd, std::vector<std::string> const& args = {})
{
    return encode(request{cmd, args, {}});
}

std::string arg0(reply const& r)
{
    auto const& args = r.result.as_object().at("args").as_array();
    return args.empty() ? "" : std::string(args[0].as_string());
}

// A socket file nobody listens on: bound, then closed without unlink.
void make_stale_socket(std::string const& path)
{
    int const fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, path.c_str());
    BOOST_TEST_REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    ::close(fd);
}

} // namespace

BOOST_AUTO_TEST_SUITE(server_sessions)

BOOST_AUTO_TEST_CASE(answers_a_request)
{
    server_fixture f;
    f.start();
    auto c = f.connect();
    c->send(request_line("echo", {"web"}));
    BOOST_TEST_REQUIRE(f.run_until([&] { return c->lines().size() == 1; }));
    BOOST_TEST(c->lines()[0] == R"({"ok":true,"result":{"cmd":"echo","args":["web"]}})");
}

BOOST_AUTO_TEST_CASE(pipelined_requests_wait_for_the_previous_last_reply_and_answer_in_order)
{
    server_fixture f;
    f.start();
    auto c = f.connect();
    c->send(request_line("hold") + request_line("later", {"a"}) + request_line("echo", {"b"}));
    BOOST_TEST_REQUIRE(f.run_until([&] { return f.handler.held.size() == 1; }));
    // Run everything that is ready: the other two must still wait.
    f.run_until([] { return false; }, 100ms);
    BOOST_TEST(f.handler.requests.size() == 1u);
    BOOST_TEST(c->lines().empty());

    BOOST_TEST(f.handler.held[0](reply::success(json::object{{"cmd", "hold"}, {"args", json::array{"first"}}})));
    BOOST_TEST_REQUIRE(f.run_until([&] { return c->lines().size() == 3; }));
    auto const r = c->replies();
    BOOST_TEST(arg0(r[0]) == "first");
    BOOST_TEST(arg0(r[1]) == "a");
    BOOST_TEST(arg0(r[2]) == "b");
    // The held reply_fn is spent: its request is finished.
    BOOST_TEST(!f.handler.held[0](reply::success(nullptr)));
}

BOOST_AUTO_TEST_CASE(streams_replies_then_serves_the_next_request)
{
    server_fixture f;
    f.start();
    auto c = f.connect();
    c->send(request_line("stream", {"3"}) + request_line("echo", {"after"}));
    BOOST_TEST_REQUIRE(f.run_until([&] { return c->lines().size() == 5; }));
    auto const r = c->replies();
    for (int i = 0; i < 3; ++i) {
        BOOST_TEST_CONTEXT("chunk " << i)
        {
            BOOST_TEST(r[i].more);
            BOOST_TEST(r[i].result.as_object().at("data").as_string() == "chunk " + std::to_string(i) + "\n");
        }
    }
    BOOST_TEST(!r[3].more);
    BOOST_TEST(arg0(r[4]) == "after");
}

BOOST_AUTO_TEST_CASE(malformed_and_oversized_lines_get_error_replies_and_the_session_goes_on)
{
    server_fixture f;
    f.start();
    auto c = f.connect();
    std::string const huge(max_line_bytes + 10, 'x');
    // Sent in pieces, as a real client would, so the splitter sees it grow.
    c->send("garbage\n");
    c->send(R"({"cmd":1})" "\n");
    c->send("[1,2]\r\n");
    c->send("\n\n");
    c->send(huge.substr(0, 30000));
    c->send(huge.substr(30000));
    c->send("\n");
    c->send(request_line("echo", {"still here"}));
    c->send(request_line("nope"));
    BOOST_TEST_REQUIRE(f.run_until([&] { return c->lines().size() == 6; }));
    auto const r = c->replies();
    struct expected {
        char const* name;
        char const* code;
    };
    std::vector<expected> const table = {
        {"not JSON", error_code::bad_request},       {"cmd not a string", error_code::bad_request},
        {"not an object", error_code::bad_request},  {"over the limit", error_code::line_too_long},
        {"good request", ""},                        {"unknown command (from the handler)", error_code::unknown_command},
    };
    for (std::size_t i = 0; i < table.size(); ++i) {
        BOOST_TEST_CONTEXT(table[i].name)
        {
            BOOST_TEST(r[i].ok == (std::string(table[i].code).empty()));
            BOOST_TEST(r[i].code == table[i].code);
        }
    }
    BOOST_TEST(r[0].message == "invalid JSON at column 1: syntax error");
    BOOST_TEST(arg0(r[4]) == "still here");
    BOOST_TEST(f.srv->session_count() == 1u);
}

BOOST_AUTO_TEST_CASE(a_throwing_handler_becomes_an_error_reply)
{
    server_fixture f;
    f.start();
    auto c = f.connect();
    c->send(request_line("throw") + request_line("echo", {"ok"}));
    BOOST_TEST_REQUIRE(f.run_until([&] { return c->lines().size() == 2; }));
    auto const r = c->replies();
    BOOST_TEST(!r[0].ok);
    BOOST_TEST(r[0].code == error_code::failed);
    BOOST_TEST(r[0].message == "internal error while handling \"throw\"");
    BOOST_TEST(arg0(r[1]) == "ok");
    BOOST_TEST(f.logged("threw: boom"));
}

BOOST_AUTO_TEST_CASE(a_reply_after_the_last_one_is_refused)
{
    server_fixture f;
    f.start();
    auto c = f.connect();
    c->send(request_line("twice") + request_line("echo"));
    BOOST_TEST_REQUIRE(f.run_until([&] { return c->lines().size() == 2; }));
    BOOST_TEST(!f.handler.second_reply_accepted);
    BOOST_TEST(c->replies()[1].ok);
    BOOST_TEST(f.logged("replied after its last reply"));
}

BOOST_AUTO_TEST_CASE(a_half_closed_client_still_gets_its_replies)
{
    server_fixture f;
    f.start();
    auto c = f.connect();
    c->send(request_line("later", {"x"}) + R"({"cmd":"echo","args":["no newline"]})");
    c->socket.shutdown(stream_protocol::socket::shutdown_send);
    BOOST_TEST_REQUIRE(f.run_until([&] { return c->closed; }));
    BOOST_TEST(c->error == asio::error::eof);
    auto const r = c->replies();
    BOOST_TEST_REQUIRE(r.size() == 2u);
    BOOST_TEST(arg0(r[0]) == "x");
    BOOST_TEST(arg0(r[1]) == "no newline");
    BOOST_TEST(f.run_until([&] { return f.srv->session_count() == 0; }));
}

BOOST_AUTO_TEST_CASE(a_client_that_vanishes_mid_stream_makes_reply_fn_return_false)
{
    server_fixture f;
    f.start();
    auto c = f.connect();
    c->send(request_line("hold"));
    BOOST_TEST_REQUIRE(f.run_until([&] { return f.handler.held.size() == 1; }));
    auto send = f.handler.held[0];
    BOOST_TEST(send(reply::success(json::object{{"data", "first\n"}}, true)));
    BOOST_TEST_REQUIRE(f.run_until([&] { return c->lines().size() == 1; }));

    c->socket.close(); // gone, without a word
    BOOST_TEST_REQUIRE(f.run_until([&] { return f.srv->session_count() == 0; }));
    BOOST_TEST(!send(reply::success(json::object{{"data", "second\n"}}, true)));
}

BOOST_AUTO_TEST_CASE(a_client_that_does_not_read_is_dropped_not_buffered)
{
    server_options o;
    o.max_queued_bytes = 256 * 1024;
    server_fixture f(o);
    f.start();
    raw_client c(f.io); // never reads
    BOOST_TEST_REQUIRE(!c.connect(f.path));
    c.send(request_line("flood"));
    BOOST_TEST_REQUIRE(f.run_until([&] { return f.handler.flood_refused; }));
    BOOST_TEST(f.srv->session_count() == 0u);
    BOOST_TEST(f.logged("not reading its replies"));
    // Socket buffers plus the queue limit: far below "unbounded".
    BOOST_TEST(f.handler.flood_chunks * 16 * 1024 < 8 * 1024 * 1024);
}

BOOST_AUTO_TEST_CASE(an_idle_client_gets_idle_timeout_and_is_closed)
{
    server_options o;
    o.idle_timeout = 200ms;
    server_fixture f(o);
    f.start();
    auto c = f.connect();
    auto const t0 = std::chrono::steady_clock::now();
    BOOST_TEST_REQUIRE(f.run_until([&] { return c->closed; }, 5s));
    auto const waited = std::chrono::steady_clock::now() - t0;
    BOOST_TEST(waited >= 200ms);
    auto const r = c->replies();
    BOOST_TEST_REQUIRE(r.size() == 1u);
    BOOST_TEST(r[0].code == error_code::idle_timeout);
    BOOST_TEST(r[0].message == "no request for 200ms; closing the connection");
    BOOST_TEST(c->error == asio::error::eof); // a clean close after the reply
}

BOOST_AUTO_TEST_CASE(a_running_request_is_not_idleness)
{
    server_options o;
    o.idle_timeout = 200ms;
    server_fixture f(o);
    f.start();
    auto c = f.connect();
    c->send(request_line("hold"));
    BOOST_TEST_REQUIRE(f.run_until([&] { return f.handler.held.size() == 1; }));
    // Three idle periods pass while the request is in progress.
    asio::steady_timer t(f.io, 600ms);
    bool answered = false;
    t.async_wait([&](boost::system::error_code) { answered = f.handler.held[0](reply::success(json::object{{"args", json::array{"late"}}})); });
    BOOST_TEST_REQUIRE(f.run_until([&] { return c->lines().size() >= 1; }));
    BOOST_TEST(answered);
    BOOST_TEST(arg0(c->replies()[0]) == "late");
    // Then the idle clock starts again from the reply.
    BOOST_TEST_REQUIRE(f.run_until([&] { return c->closed; }, 5s));
    BOOST_TEST(c->replies().back().code == error_code::idle_timeout);
}

BOOST_AUTO_TEST_CASE(two_hundred_concurrent_clients_each_get_their_answer)
{
    server_fixture f;
    f.start();
    constexpr int n = 200;
    std::vector<std::unique_ptr<raw_client>> clients;
    for (int i = 0; i < n; ++i)
        clients.push_back(f.connect()); // all connected before any is served
    for (int i = 0; i < n; ++i) // half answered at once, half from a later completion
        clients[i]->send(request_line(i % 2 ? "later" : "echo", {std::to_string(i)}));
    BOOST_TEST_REQUIRE(f.run_until([&] {
        for (auto const& c : clients)
            if (c->lines().size() < 1)
                return false;
        return true;
    }));
    BOOST_TEST(f.srv->session_count() == std::size_t(n));
    for (int i = 0; i < n; ++i) {
        BOOST_TEST_CONTEXT("client " << i)
        {
            auto const r = clients[i]->replies();
            BOOST_TEST_REQUIRE(r.size() == 1u);
            BOOST_TEST(arg0(r[0]) == std::to_string(i));
        }
    }
    clients.clear();
    BOOST_TEST(f.run_until([&] { return f.srv->session_count() == 0; }));
}

BOOST_AUTO_TEST_CASE(a_foreign_uid_is_refused_with_permission_denied)
{
    server_options o;
    o.mode = 0666; // so that the kernel lets `nobody` connect; the uid check must refuse it
    server_fixture f(o);
    f.start();
    BOOST_TEST_REQUIRE(::geteuid() == 0u, "this test needs root (to become nobody)");

    int out[2];
    BOOST_TEST_REQUIRE(::pipe(out) == 0);
    pid_t const child = ::fork();
    BOOST_TEST_REQUIRE(child >= 0);
    if (child == 0) { // become nobody, ask for a stop, report what came back
        ::close(out[0]);
        if (::setgroups(0, nullptr) != 0 || ::setresgid(65534, 65534, 65534) != 0
            || ::setresuid(65534, 65534, 65534) != 0)
            ::_exit(10);
        int const fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strcpy(addr.sun_path, f.path.c_str());
        if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
            ::_exit(11);
        char const req[] = "{\"cmd\":\"stop\",\"args\":[\"all\"]}\n";
        if (::write(fd, req, sizeof req - 1) < 0)
            ::_exit(12);
        char buf[4096];
        ssize_t n;
        while ((n = ::read(fd, buf, sizeof buf)) > 0)
            if (::write(out[1], buf, n) != n)
                ::_exit(13);
        ::_exit(n == 0 ? 0 : 14); // 0: a clean EOF after the reply
    }
    ::close(out[1]);
    BOOST_TEST_REQUIRE(f.run_until([&] { return f.logged("permission denied") && f.srv->session_count() == 0; }));
    int status = 0;
    BOOST_TEST_REQUIRE(::waitpid(child, &status, 0) == child);
    std::string received;
    char buf[4096];
    for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) > 0;)
        received.append(buf, n);
    ::close(out[0]);

    BOOST_TEST(WIFEXITED(status));
    BOOST_TEST(WEXITSTATUS(status) == 0);
    BOOST_TEST(received
               == R"({"ok":false,"error":{"code":"permission_denied","message":"permission denied: uid 65534 is not root or the daemon's user"}})"
                  "\n");
    BOOST_TEST(f.handler.requests.empty()); // the request never reached the handler
    bool warned = false;
    for (auto const& [s, line] : f.log)
        warned |= s == severity::warning && line.find("uid 65534") != std::string::npos;
    BOOST_TEST(warned);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(server_socket_file)

BOOST_AUTO_TEST_CASE(the_socket_has_mode_0600_by_default_and_stop_removes_it)
{
    server_fixture f;
    f.start();
    struct stat st {};
    BOOST_TEST_REQUIRE(::stat(f.path.c_str(), &st) == 0);
    BOOST_TEST(S_ISSOCK(st.st_mode));
    BOOST_TEST((st.st_mode & 07777) == 0600u);
    f.srv->stop();
    BOOST_TEST(!std::filesystem::exists(f.path));
    f.srv->stop(); // idempotent
}

BOOST_AUTO_TEST_CASE(socket_mode_is_applied)
{
    server_options o;
    o.mode = 0660;
    server_fixture f(o);
    f.start();
    struct stat st {};
    BOOST_TEST_REQUIRE(::stat(f.path.c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 07777) == 0660u);
}

BOOST_AUTO_TEST_CASE(a_stale_socket_file_is_replaced)
{
    server_fixture f;
    make_stale_socket(f.path);
    f.start();
    BOOST_TEST(f.logged("removed the stale control socket"));
    auto c = f.connect();
    c->send(request_line("echo"));
    BOOST_TEST(f.run_until([&] { return c->lines().size() == 1; }));
}

BOOST_AUTO_TEST_CASE(a_live_daemon_makes_start_refuse)
{
    server_fixture first;
    first.start();
    fake_handler other_handler(first.io);
    server second(first.io, other_handler, server_options{first.path, 0600, 10s, {}, 1 << 20});
    auto const problem = second.start();
    BOOST_TEST_REQUIRE(problem.has_value());
    BOOST_TEST(*problem == "another wardend is listening on " + first.path);
    second.stop(); // must not remove the first one's socket
    BOOST_TEST(std::filesystem::exists(first.path));
    auto c = first.connect();
    c->send(request_line("echo"));
    BOOST_TEST(first.run_until([&] { return c->lines().size() == 1; }));
}

BOOST_AUTO_TEST_CASE(stop_leaves_a_socket_that_is_no_longer_ours)
{
    server_fixture f;
    f.start();
    std::filesystem::remove(f.path);
    make_stale_socket(f.path); // someone else's now
    f.srv->stop();
    BOOST_TEST(std::filesystem::exists(f.path));
}

BOOST_AUTO_TEST_CASE(refuses_to_replace_something_that_is_not_a_socket)
{
    server_fixture f;
    std::ofstream(f.path) << "precious\n";
    auto const problem = f.srv->start();
    BOOST_TEST_REQUIRE(problem.has_value());
    BOOST_TEST(*problem == f.path + " exists and is not a socket; not replacing it");
    std::ifstream in(f.path);
    std::string content;
    std::getline(in, content);
    BOOST_TEST(content == "precious");
}

BOOST_AUTO_TEST_CASE(creates_a_missing_parent_directory_0755)
{
    temp_dir dir;
    asio::io_context io;
    fake_handler h(io);
    std::string const path = dir.file("run/warden/warden.sock");
    server s(io, h, server_options{path, 0600, 10s, {}, 1 << 20});
    auto problem = s.start();
    BOOST_TEST_REQUIRE(!problem.has_value(), problem.value_or(""));
    for (auto const* d : {"run", "run/warden"}) {
        BOOST_TEST_CONTEXT(d)
        {
            struct stat st {};
            BOOST_TEST_REQUIRE(::stat(dir.file(d).c_str(), &st) == 0);
            BOOST_TEST((st.st_mode & 07777) == 0755u);
        }
    }
    s.stop();
}

BOOST_AUTO_TEST_CASE(start_reports_what_is_wrong)
{
    temp_dir dir;
    std::ofstream(dir.file("file")) << "x";
    std::filesystem::create_directories(dir.file("open"));
    ::chmod(dir.file("open").c_str(), 0777);
    std::filesystem::create_directories(dir.file("theirs"));
    BOOST_TEST_REQUIRE(::chown(dir.file("theirs").c_str(), 65534, 65534) == 0);
    struct row {
        char const* name;
        std::string path;
        std::string message;
    };
    std::string const long_path = dir.path + "/" + std::string(120, 'l') + ".sock";
    std::vector<row> const table = {
        {"parent is a file", dir.file("file/warden.sock"),
         dir.file("file") + " is not a directory; cannot create the control socket there"},
        {"grandparent is a file", dir.file("file/sub/warden.sock"),
         "cannot use the directory " + dir.file("file/sub") + " for the control socket: Not a directory"},
        {"world-writable parent", dir.file("open/warden.sock"),
         "refusing to create the control socket in " + dir.file("open") + ": it is writable by every user and not sticky"},
        {"parent owned by someone else", dir.file("theirs/warden.sock"),
         "refusing to create the control socket in " + dir.file("theirs")
             + ": it belongs to uid 65534, neither root nor the daemon's user"},
        {"path too long", long_path,
         "control socket path too long (" + std::to_string(long_path.size()) + " bytes; a Unix socket allows 107): "
             + long_path},
        {"empty path", "", "no control socket path given"},
    };
    for (auto const& r : table) {
        BOOST_TEST_CONTEXT(r.name)
        {
            asio::io_context io;
            fake_handler h(io);
            server s(io, h, server_options{r.path, 0600, 10s, {}, 1 << 20});
            auto const problem = s.start();
            BOOST_TEST_REQUIRE(problem.has_value());
            BOOST_TEST(*problem == r.message);
        }
    }
}

BOOST_AUTO_TEST_CASE(stop_closes_sessions_and_lets_run_return)
{
    server_fixture f;
    f.start();
    auto c = f.connect();
    c->send(request_line("hold"));
    BOOST_TEST_REQUIRE(f.run_until([&] { return f.handler.held.size() == 1; }));
    f.srv->stop();
    BOOST_TEST(!f.handler.held[0](reply::success(nullptr)));
    // Nothing of the server keeps the io_context busy any more.
    c->socket.close();
    f.io.restart();
    auto const t0 = std::chrono::steady_clock::now();
    f.io.run_for(5s);
    BOOST_TEST((std::chrono::steady_clock::now() - t0) < 2s);
    BOOST_TEST(f.srv->session_count() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
