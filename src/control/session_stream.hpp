// The byte stream under one control session: a Unix socket on POSIX
// (unix_stream.cpp), a named-pipe instance on Windows
// (windows/pipe_stream.cpp). Only what differs between the two is behind
// this interface; the protocol rules live once, in session.cpp.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace warden::control {

class session_stream {
public:
    using io_handler = std::function<void(boost::system::error_code, std::size_t)>;

    virtual ~session_stream() = default;

    virtual boost::asio::any_io_executor get_executor() = 0;

    /// Who the peer is, for log lines (" (uid 0, pid 42)", or empty), and
    /// whether it may be served: the refusal's message, or nullopt. A
    /// transport whose access is decided before a client connects (a pipe's
    /// DACL) admits everyone it gets.
    virtual std::optional<std::string> admit(std::string& who) = 0;

    virtual void async_read_some(boost::asio::mutable_buffer buffer, io_handler handler) = 0;
    /// Writes every buffer, in order (asio::async_write).
    virtual void async_write(std::vector<boost::asio::const_buffer> const& buffers, io_handler handler) = 0;

    /// A routine way for a client to leave (EOF, reset, broken pipe).
    virtual bool is_disconnect(boost::system::error_code ec) const = 0;
    /// At EOF: the peer closed its whole end (true), or only shut down its
    /// sending side and still reads replies (false).
    virtual bool peer_gone_at_eof() = 0;
    /// Shut down the sending side and keep reading. False: the stream has
    /// no half-close (a pipe), so the session closes instead of lingering.
    virtual bool shutdown_send() = 0;
    /// Read and drop unread input without blocking, so that closing does
    /// not turn the peer's view of our last reply into a reset.
    virtual void drain_input() = 0;
    /// Close now; pending operations complete as aborted. Idempotent.
    virtual void close() = 0;
};

} // namespace warden::control
