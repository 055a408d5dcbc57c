// supervisord's HTTP server (SPEC §11), with Boost.Beast: one listener on a
// Unix socket (`[unix_http_server]`) or a TCP port (`[inet_http_server]`),
// on the daemon's io_context, serving a router. Keep-alive, timeouts, a
// body limit and a connection cap keep a bad or slow client from disturbing
// anything else.
#pragma once

#include "http/auth.hpp"
#include "http/router.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace warden::http {

enum class severity { debug, info, warning, error };
using log_fn = std::function<void(severity, std::string)>;

struct limits {
    std::size_t body_bytes = 1024 * 1024;        ///< larger: 413
    std::size_t header_bytes = 16 * 1024;        ///< larger: 431
    std::size_t connections = 512;               ///< more at once: closed at accept
    std::size_t stream_queue_bytes = 1024 * 1024; ///< a log tail the client does not read: dropped
    /// Between requests of a keep-alive connection.
    std::chrono::steady_clock::duration idle = std::chrono::seconds(60);
    /// To receive a whole request once it has begun, and to write a response.
    std::chrono::steady_clock::duration io = std::chrono::seconds(30);
};

struct server_options {
    /// Unix socket: `unix_path` set (mode, owner as in unix_socket_file).
    std::string unix_path;
    unsigned unix_mode = 0700;
    std::string unix_owner; ///< user name or uid; empty: the daemon's
    std::string unix_group; ///< group name or gid; empty: the user's (or unchanged)
    /// TCP: `unix_path` empty; `host` empty means every interface.
    std::string host;
    unsigned short port = 0;
    credentials auth;
    limits limit;
    std::string name; ///< for log lines: "[unix_http_server]"
    log_fn log;
};

class server {
public:
    /// The router must outlive the server.
    server(boost::asio::io_context& io, router const& routes, server_options options);
    ~server();
    server(server const&) = delete;
    server& operator=(server const&) = delete;

    /// Bind and start accepting; why not, otherwise.
    std::optional<std::string> start();
    /// Stop accepting, close every connection, remove the socket file.
    /// Idempotent.
    void stop();

    /// "unix:///run/supervisor.sock" or "http://127.0.0.1:9001" (the port
    /// actually bound, so that port 0 names the one chosen).
    std::string url() const;
    std::size_t connection_count() const;

    struct state;

private:
    std::shared_ptr<state> state_;
};

} // namespace warden::http
