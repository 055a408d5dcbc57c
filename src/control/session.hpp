// One control client's connection (docs/protocol.md), in the manner of the
// `connection` of Asio's HTTP server examples: reads request lines, hands
// them to the command_handler one at a time, writes the replies in order.
// The same code serves a Unix socket and a Windows named pipe: what differs
// is behind session_stream.
#pragma once

#include "control/codec.hpp"
#include "control/protocol.hpp"
#include "control/session_stream.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace warden::control {

/// How bad a control-plane log line is (the daemon maps it to its logger).
enum class severity { debug, info, warning, error };

/// Where the control plane logs: one line, no trailing newline.
using log_fn = std::function<void(severity, std::string)>;

/// What a session needs from its server (each session keeps a copy).
struct session_settings {
    command_handler* handler = nullptr;
    /// No request in progress and nothing received for this long: the client
    /// gets `idle_timeout` and is closed. Zero or less: never.
    std::chrono::steady_clock::duration idle_timeout = std::chrono::seconds(60);
    /// Replies queued for a client that does not read them; past this the
    /// client is dropped (a single reply larger than this still goes out).
    std::size_t max_queued_bytes = 1024 * 1024;
    log_fn log;
};

/// One client. Owned by the server (and by its own pending operations);
/// everything runs on the io_context's single thread.
class session : public std::enable_shared_from_this<session> {
public:
    /// Called once, from close(), so the server forgets the session.
    using closed_fn = std::function<void(session*)>;

    /// `id` names the client in log lines ("client 7").
    session(std::unique_ptr<session_stream> stream, std::uint64_t id, session_settings settings,
            closed_fn on_closed);

    /// Check the peer, then serve requests until the client leaves, stalls
    /// or misbehaves.
    void start();

    /// Close the connection now (pending replies are dropped); the handler's
    /// reply_fn returns false from then on. Idempotent.
    void close();

    std::uint64_t id() const { return id_; }

private:
    void do_read();
    void on_read(boost::system::error_code ec, std::size_t n);
    void maybe_read();

    void dispatch();
    void begin(request req);
    reply_fn make_reply_fn(std::uint64_t seq);
    bool deliver(std::uint64_t seq, reply r);
    void finish_if_done();

    void enqueue(std::string line);
    void do_write();
    void on_write(boost::system::error_code ec, std::size_t n);
    void close_after_write();
    void linger();

    void do_idle_wait(std::chrono::steady_clock::time_point deadline);
    void on_idle(boost::system::error_code ec);

    void fail(boost::system::error_code ec, char const* what);
    void log(severity level, std::string message) const;

    std::unique_ptr<session_stream> stream_;
    boost::asio::steady_timer idle_timer_;
    std::uint64_t id_;
    session_settings settings_;
    closed_fn on_closed_;
    std::string who_; ///< "client 7 (uid 0, pid 4242)"

    line_splitter splitter_;
    std::array<char, 4096> read_buffer_{};

    std::deque<std::string> queue_;           ///< encoded replies not yet handed to the stream
    std::vector<std::string> in_flight_;      ///< being written
    std::vector<boost::asio::const_buffer> buffers_;
    std::size_t queued_bytes_ = 0;            ///< queue_ + in_flight_

    std::uint64_t seq_ = 0;                   ///< the current (or last) request's number
    std::chrono::steady_clock::time_point last_activity_;
    bool reading_ = false;
    bool writing_ = false;
    bool eof_ = false;                        ///< the client half-closed (or closed) its side
    bool busy_ = false;                       ///< a request awaits its last reply
    bool dispatching_ = false;
    bool close_after_write_ = false;
    bool lingering_ = false;                  ///< last reply sent; waiting for the client's EOF
    std::size_t lingered_bytes_ = 0;
    bool closed_ = false;
};

} // namespace warden::control
