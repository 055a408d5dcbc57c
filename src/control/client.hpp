// A blocking control client (wardenctl's side of docs/protocol.md): connect
// to the daemon's socket, send one request, read its replies.
#pragma once

#include "control/codec.hpp"
#include "control/protocol.hpp"

#include <boost/asio/io_context.hpp>

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace warden::control {

/// Why a client call failed.
struct client_error {
    enum kind_t {
        unreachable, ///< no daemon answers at the path (connect failed, or it hung up before replying)
        timeout,     ///< no (last) reply within the timeout
        protocol,    ///< the daemon sent something that is not a reply, or the connection broke mid-stream
    };
    kind_t kind;
    std::string message; ///< complete sentence naming the socket path
};

/// One connection to the daemon. Blocking; each call takes an optional
/// timeout, implemented with `io_context::run_until` as in Asio's blocking
/// client examples.
class client {
public:
    using duration = std::chrono::steady_clock::duration;

    explicit client(std::string socket_path);
    ~client();
    client(client const&) = delete;
    client& operator=(client const&) = delete;

    /// Connect. Error: "cannot reach wardend at PATH: <reason>".
    std::optional<client_error> connect(std::optional<duration> timeout = std::nullopt);

    /// Send `req`, then call `on_reply` for each reply until one has
    /// `more == false` (or until `on_reply` returns false: the connection is
    /// then closed, which ends a stream such as `tail -f`). The timeout
    /// covers the whole exchange.
    std::optional<client_error> call(request const& req, std::function<bool(reply const&)> const& on_reply,
                                     std::optional<duration> timeout = std::nullopt);

    /// Close the connection (also done by the destructor).
    void close();

    std::string const& path() const { return path_; }

    /// The connection on io_ (client_transport.hpp): a Unix socket
    /// (client_unix.cpp) or, on Windows, a named pipe (windows/client_win.cpp).
    struct transport;

private:
    // Run the io_context until `done` or the deadline; false on timeout
    // (the socket is then closed and the pending operation drained).
    bool run_until(bool const& done, std::optional<std::chrono::steady_clock::time_point> deadline);

    std::string path_;
    boost::asio::io_context io_;
    std::unique_ptr<transport> transport_;
    line_splitter splitter_;
    std::array<char, 64 * 1024> buffer_{};
};

/// The longest reply line the client accepts (a status of thousands of
/// processes is far below it).
inline constexpr std::size_t max_reply_bytes = 64 * 1024 * 1024;

} // namespace warden::control
