// What control::client needs from its platform: the connection itself (a
// Unix socket in client_unix.cpp, a named pipe in windows/client_win.cpp).
// The request/reply exchange on top of it is shared (client.cpp).
#pragma once

#include "control/client.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>

#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace warden::control {

struct client::transport {
    using io_handler = std::function<void(boost::system::error_code, std::size_t)>;
    /// Runs the client's io_context until `done` or the deadline; false on timeout.
    using run_fn = std::function<bool(bool const& done)>;

    virtual ~transport() = default;
    /// Connect to `path` (already normalized by client_path). The deadline
    /// is `run`'s; `timeout` only names it in the message.
    virtual std::optional<client_error> connect(std::string const& path, std::optional<duration> timeout,
                                                run_fn const& run) = 0;
    /// Write the whole buffer.
    virtual void async_write(boost::asio::const_buffer buffer, io_handler handler) = 0;
    virtual void async_read_some(boost::asio::mutable_buffer buffer, io_handler handler) = 0;
    /// The daemon is done with the connection (EOF, reset, broken pipe).
    virtual bool is_end(boost::system::error_code ec) const = 0;
    virtual void close() = 0;
};

/// This platform's transport on `io`.
std::unique_ptr<client::transport> make_client_transport(boost::asio::io_context& io);

/// The endpoint as this platform spells it (Windows: `\\.\pipe\NAME` for NAME).
std::string client_path(std::string path);

/// "2.5s", for messages.
inline std::string seconds_text(client::duration d)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%gs", std::chrono::duration<double>(d).count());
    return buf;
}

} // namespace warden::control
