// One control client on a named pipe: the Windows transport of
// control::session (session.hpp). Same protocol and the same rules — one
// request at a time, replies in order, bounded buffering, idle timeout — on
// an overlapped pipe instance instead of a Unix socket. Access is decided by
// the pipe's DACL before a client ever connects (pipe_security.hpp), so there
// is no peer-credential step; and a pipe has no half-close, so a client ends
// by closing its handle once it has read its last reply.
#pragma once

#include "control/codec.hpp"
#include "control/protocol.hpp"
#include "control/session.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/windows/stream_handle.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace warden::control::windows {

class pipe_session : public std::enable_shared_from_this<pipe_session> {
public:
    using closed_fn = std::function<void(pipe_session*)>;

    /// `pipe` is a connected server instance; `client_pid` names the client in the log.
    pipe_session(boost::asio::windows::stream_handle pipe, std::uint64_t id, unsigned long client_pid,
                 session_settings settings, closed_fn on_closed);

    void start();
    /// Close now; the handler's reply_fn returns false from then on. Idempotent.
    void close();

private:
    void do_read();
    void on_read(boost::system::error_code ec, std::size_t n);
    void maybe_read();
    void dispatch();
    void begin(request req);
    bool deliver(std::uint64_t seq, reply r);
    void enqueue(std::string line);
    void do_write();
    void on_write(boost::system::error_code ec, std::size_t n);
    void close_after_write();
    void do_idle_wait(std::chrono::steady_clock::time_point deadline);
    void on_idle(boost::system::error_code ec);
    void fail(boost::system::error_code ec, char const* what);
    void log(severity level, std::string message) const;

    boost::asio::windows::stream_handle pipe_;
    boost::asio::steady_timer idle_timer_;
    std::uint64_t id_;
    session_settings settings_;
    closed_fn on_closed_;
    std::string who_;

    line_splitter splitter_;
    std::array<char, 4096> read_buffer_{};
    std::deque<std::string> queue_;
    std::vector<std::string> in_flight_;
    std::vector<boost::asio::const_buffer> buffers_;
    std::size_t queued_bytes_ = 0;
    std::uint64_t seq_ = 0;
    std::chrono::steady_clock::time_point last_activity_;
    bool reading_ = false;
    bool writing_ = false;
    bool busy_ = false;
    bool dispatching_ = false;
    bool close_after_write_ = false;
    bool closed_ = false;
};

} // namespace warden::control::windows
