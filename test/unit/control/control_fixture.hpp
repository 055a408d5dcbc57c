// Shared by the control tests: a scriptable fake command_handler, a server
// on a temporary socket, and asynchronous raw clients on the same
// io_context. Every wait runs the io_context until a condition holds or a
// deadline passes; nothing sleeps.
#pragma once

#include "../run_until.hpp"
#include "control/codec.hpp"
#include "control/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace warden::control::testing {

using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace json = boost::json;
using stream_protocol = asio::local::stream_protocol;

/// A fresh directory (0755) with a short path: Unix socket paths are short.
struct temp_dir {
    temp_dir()
    {
        path = "/tmp/wct-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
        ::chmod(path.c_str(), 0755);
    }
    ~temp_dir()
    {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
    temp_dir(temp_dir const&) = delete;
    temp_dir& operator=(temp_dir const&) = delete;
    std::string file(std::string const& name) const { return path + "/" + name; }

    std::string path;
    static inline int counter = 0;
};

/// Commands:
///   echo ARGS...    -> {"cmd":..,"args":[..]} at once
///   later ARGS...   -> the same, from a posted completion
///   hold            -> kept in `held` until the test answers it
///   stream N        -> N replies {"data":"chunk i\n"} with more, then {"data":"end"}
///   fail            -> failure "failed", "it failed"
///   throw           -> throws std::runtime_error
///   flood           -> 16 KiB chunks with more (posted one by one) until send returns false
///   twice           -> replies, then replies again (the second must be refused)
struct fake_handler : command_handler {
    explicit fake_handler(asio::io_context& io) : io_(io) {}

    void handle(request const& req, reply_fn send) override
    {
        requests.push_back(req.cmd);
        json::array args;
        for (auto const& a : req.args)
            args.emplace_back(a);
        json::object echoed{{"cmd", req.cmd}, {"args", args}};
        if (!req.options.empty())
            echoed["options"] = req.options;
        if (req.cmd == "echo") {
            send(reply::success(echoed));
        } else if (req.cmd == "later") {
            asio::post(io_, [send, echoed] { send(reply::success(echoed)); });
        } else if (req.cmd == "hold") {
            held.push_back(send);
        } else if (req.cmd == "stream") {
            int const n = req.args.empty() ? 3 : std::stoi(req.args[0]);
            for (int i = 0; i < n; ++i)
                send(reply::success(json::object{{"data", "chunk " + std::to_string(i) + "\n"}}, true));
            send(reply::success(json::object{{"data", "end"}}));
        } else if (req.cmd == "fail") {
            send(reply::failure(error_code::failed, "it failed"));
        } else if (req.cmd == "throw") {
            throw std::runtime_error("boom");
        } else if (req.cmd == "flood") {
            flood(send);
        } else if (req.cmd == "twice") {
            send(reply::success(nullptr));
            second_reply_accepted = send(reply::success(nullptr));
        } else {
            send(reply::failure(error_code::unknown_command, "unknown command \"" + req.cmd + "\""));
        }
    }

    void flood(reply_fn send)
    {
        if (!send(reply::success(json::object{{"data", std::string(16 * 1024, 'f')}}, true))) {
            flood_refused = true;
            return;
        }
        ++flood_chunks;
        asio::post(io_, [this, send] { flood(send); });
    }

    asio::io_context& io_;
    std::vector<std::string> requests;
    std::vector<reply_fn> held;
    bool second_reply_accepted = true;
    bool flood_refused = false;
    int flood_chunks = 0;
};

/// Runs the io_context until `done()` or `limit`; returns done().
using warden::test::run_until;

/// A raw client on the test's io_context: connects synchronously (the
/// listen backlog takes it), writes synchronously (small), reads
/// asynchronously into `received`.
struct raw_client {
    explicit raw_client(asio::io_context& io) : socket(io) {}
    /// A read may still be queued: its handler must not touch this object.
    ~raw_client() { *alive = false; }
    raw_client(raw_client const&) = delete;
    raw_client& operator=(raw_client const&) = delete;

    boost::system::error_code connect(std::string const& path)
    {
        boost::system::error_code ec;
        socket.connect(stream_protocol::endpoint(path), ec);
        return ec;
    }

    void send(std::string const& bytes) { asio::write(socket, asio::buffer(bytes)); }

    void start_reading()
    {
        socket.async_read_some(asio::buffer(buffer), [this, alive = alive](boost::system::error_code ec, std::size_t n) {
            if (!*alive)
                return;
            if (ec) {
                closed = true;
                error = ec;
                return;
            }
            received.append(buffer.data(), n);
            start_reading();
        });
    }

    /// Complete lines received so far.
    std::vector<std::string> lines() const
    {
        std::vector<std::string> out;
        std::size_t start = 0;
        for (auto nl = received.find('\n'); nl != std::string::npos; nl = received.find('\n', start)) {
            out.push_back(received.substr(start, nl - start));
            start = nl + 1;
        }
        return out;
    }

    /// The decoded replies received so far.
    std::vector<reply> replies() const
    {
        std::vector<reply> out;
        for (auto const& l : lines()) {
            auto decoded = decode_reply(l);
            BOOST_TEST_REQUIRE(std::holds_alternative<reply>(decoded), "not a reply: " << l);
            out.push_back(std::get<reply>(decoded));
        }
        return out;
    }

    stream_protocol::socket socket;
    std::array<char, 8192> buffer{};
    std::string received;
    bool closed = false;
    boost::system::error_code error;
    std::shared_ptr<bool> alive = std::make_shared<bool>(true);
};

/// A server with a fake handler on a temporary socket, logging into `log`.
struct server_fixture {
    explicit server_fixture(server_options extra = {})
        : handler(io), path(dir.file("warden.sock"))
    {
        extra.path = path;
        if (extra.idle_timeout == std::chrono::seconds(60))
            extra.idle_timeout = 10s; // no test waits that long; idle tests set their own
        extra.log = [this](severity s, std::string line) { log.push_back({s, std::move(line)}); };
        srv = std::make_unique<server>(io, handler, extra);
    }

    ~server_fixture()
    {
        srv->stop();
        io.restart();
        io.poll(); // the cancelled completions
    }

    void start()
    {
        auto problem = srv->start();
        BOOST_TEST_REQUIRE(!problem.has_value(), "start failed: " << problem.value_or(""));
    }

    std::unique_ptr<raw_client> connect()
    {
        auto c = std::make_unique<raw_client>(io);
        auto ec = c->connect(path);
        BOOST_TEST_REQUIRE(!ec, "connect: " << ec.message());
        c->start_reading();
        return c;
    }

    bool logged(std::string const& part) const
    {
        for (auto const& [s, line] : log)
            if (line.find(part) != std::string::npos)
                return true;
        return false;
    }

    bool run_until(std::function<bool()> const& done, std::chrono::milliseconds limit = 10s)
    {
        return testing::run_until(io, done, limit);
    }

    asio::io_context io;
    temp_dir dir;
    fake_handler handler;
    std::string path;
    std::vector<std::pair<severity, std::string>> log;
    std::unique_ptr<server> srv;
};

} // namespace warden::control::testing
