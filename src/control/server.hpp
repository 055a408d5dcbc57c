// The control socket's server (SPEC §5, docs/protocol.md), shaped like the
// `server` of Asio's HTTP server examples: an acceptor on a Unix socket, one
// session per client, every request handed to a command_handler.
#pragma once

#include "control/protocol.hpp"
#include "control/session.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace warden::control {

struct server_options {
    std::string path;                 ///< the socket file (see socket_path.hpp for the default)
    unsigned mode = 0600;             ///< `socket_mode`
    /// A client with no request in progress that sends nothing for this long
    /// gets an `idle_timeout` error and is closed. Zero: never.
    std::chrono::steady_clock::duration idle_timeout = std::chrono::seconds(60);
    log_fn log;                       ///< may be empty
    /// Replies a client leaves unread beyond this are not buffered: it is dropped.
    std::size_t max_queued_bytes = 1024 * 1024;
};

/// Serves the control protocol on the daemon's io_context. Single-threaded:
/// the io_context must be run by one thread (the daemon's). The handler must
/// outlive the server.
class server {
public:
    server(boost::asio::io_context& io, command_handler& handler, server_options options);
    /// Calls stop().
    ~server();
    server(server const&) = delete;
    server& operator=(server const&) = delete;

    /// Create the socket and start accepting. Returns why it could not
    /// (nothing is left behind then): the parent directory is missing and
    /// cannot be created (it is created 0755 when missing), is not a
    /// directory, belongs to another user than root or the daemon's, or is
    /// world-writable without the sticky bit; the path is too long for a
    /// Unix socket; something that is not a socket is in the way; "another
    /// wardend is listening on PATH"; bind/chmod/listen failed. A stale
    /// socket file (nobody listening) is replaced. Call from the daemon's
    /// thread before other threads exist: it changes the umask briefly.
    std::optional<std::string> start();

    /// Stop accepting, close every session (their reply_fn then returns
    /// false), and unlink the socket file if it is still the one we created.
    /// Pending operations complete as cancelled; `io_context::run()` is not
    /// kept busy by the server afterwards. Idempotent.
    void stop();

    /// Sessions open now (tests, diagnostics).
    std::size_t session_count() const;

    std::string const& path() const;

private:
    struct state;
    std::shared_ptr<state> state_;
};

} // namespace warden::control
