// A control session on a named pipe; see pipe_session.hpp and, for the
// protocol rules it shares, session.cpp.
#include "control/windows/pipe_session.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <windows.h>

#include <exception>
#include <utility>

namespace asio = boost::asio;
using std::chrono::steady_clock;

namespace warden::control::windows {

namespace {

std::string seconds_text(steady_clock::duration d)
{
    auto const ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    if (ms % 1000 == 0)
        return std::to_string(ms / 1000) + "s";
    return std::to_string(ms) + "ms";
}

// A client closing its end is routine.
bool is_disconnect(boost::system::error_code ec)
{
    if (ec == asio::error::eof || ec == asio::error::broken_pipe || ec == asio::error::connection_reset)
        return true;
    return ec.category() == boost::system::system_category() &&
           (ec.value() == ERROR_BROKEN_PIPE || ec.value() == ERROR_PIPE_NOT_CONNECTED || ec.value() == ERROR_NO_DATA);
}

} // namespace

pipe_session::pipe_session(asio::windows::stream_handle pipe, std::uint64_t id, unsigned long client_pid,
                           session_settings settings, closed_fn on_closed)
    : pipe_(std::move(pipe)),
      idle_timer_(pipe_.get_executor()),
      id_(id),
      settings_(std::move(settings)),
      on_closed_(std::move(on_closed)),
      who_("client " + std::to_string(id) + (client_pid ? " (pid " + std::to_string(client_pid) + ")" : ""))
{
}

void pipe_session::log(severity level, std::string message) const
{
    if (settings_.log)
        settings_.log(level, who_ + ": " + std::move(message));
}

void pipe_session::fail(boost::system::error_code ec, char const* what)
{
    if (closed_)
        return;
    if (is_disconnect(ec))
        log(severity::debug, std::string(what) + ": " + ec.message() + " (client went away)");
    else
        log(severity::warning, std::string(what) + " failed: " + ec.message() + "; closing the connection");
    close();
}

void pipe_session::start()
{
    log(severity::debug, "connected");
    last_activity_ = steady_clock::now();
    if (settings_.idle_timeout > steady_clock::duration::zero())
        do_idle_wait(last_activity_ + settings_.idle_timeout);
    do_read();
}

void pipe_session::maybe_read()
{
    if (closed_ || reading_ || close_after_write_)
        return;
    if (busy_ && splitter_.buffered() >= max_line_bytes)
        return;
    do_read();
}

void pipe_session::do_read()
{
    reading_ = true;
    pipe_.async_read_some(asio::buffer(read_buffer_), [self = shared_from_this()](boost::system::error_code ec,
                                                                                   std::size_t n) {
        self->on_read(ec, n);
    });
}

void pipe_session::on_read(boost::system::error_code ec, std::size_t n)
{
    reading_ = false;
    if (closed_ || ec == asio::error::operation_aborted)
        return;
    if (ec) {
        // The client closed its end: nobody will read a reply.
        if (is_disconnect(ec))
            log(severity::debug, busy_ ? "disconnected during a request" : "disconnected");
        else
            log(severity::warning, "read failed: " + ec.message() + "; closing the connection");
        close();
        return;
    }
    last_activity_ = steady_clock::now();
    splitter_.feed(std::string_view(read_buffer_.data(), n));
    dispatch();
}

void pipe_session::dispatch()
{
    if (dispatching_ || closed_)
        return;
    dispatching_ = true;
    while (!closed_ && !busy_ && !close_after_write_) {
        auto l = splitter_.next();
        if (!l)
            break;
        if (l->too_long) {
            enqueue(encode(reply::failure(error_code::line_too_long, "request line longer than " +
                                                                         std::to_string(max_line_bytes) +
                                                                         " bytes; discarded")));
            continue;
        }
        auto decoded = decode_request(l->text);
        if (auto* error = std::get_if<reply>(&decoded)) {
            log(severity::debug, "bad request: " + error->message);
            enqueue(encode(*error));
            continue;
        }
        begin(std::move(std::get<request>(decoded)));
    }
    dispatching_ = false;
    if (!closed_)
        maybe_read();
}

void pipe_session::begin(request req)
{
    busy_ = true;
    std::uint64_t const seq = ++seq_;
    log(severity::debug, "request \"" + req.cmd + "\"");
    try {
        settings_.handler->handle(req, [weak = weak_from_this(), seq](reply r) {
            auto self = weak.lock();
            return self && self->deliver(seq, std::move(r));
        });
        return;
    } catch (std::exception const& e) {
        log(severity::error, "handler for \"" + req.cmd + "\" threw: " + e.what());
    } catch (...) {
        log(severity::error, "handler for \"" + req.cmd + "\" threw an unknown exception");
    }
    if (!closed_ && busy_ && seq_ == seq)
        deliver(seq, reply::failure(error_code::failed, "internal error while handling \"" + req.cmd + "\""));
}

bool pipe_session::deliver(std::uint64_t seq, reply r)
{
    if (closed_)
        return false;
    if (!busy_ || seq != seq_) {
        log(severity::error, "the handler replied after its last reply; reply dropped");
        return false;
    }
    bool const last = !r.more;
    enqueue(encode(r));
    if (closed_)
        return false;
    if (last) {
        busy_ = false;
        last_activity_ = steady_clock::now();
        if (!dispatching_)
            asio::post(pipe_.get_executor(), [self = shared_from_this()] { self->dispatch(); });
    }
    return true;
}

void pipe_session::enqueue(std::string line)
{
    if (closed_)
        return;
    if (queued_bytes_ > 0 && queued_bytes_ + line.size() > settings_.max_queued_bytes) {
        log(severity::warning, "not reading its replies (" + std::to_string(queued_bytes_) +
                                   " bytes queued); dropping the client");
        close();
        return;
    }
    queued_bytes_ += line.size();
    queue_.push_back(std::move(line));
    if (!writing_)
        do_write();
}

void pipe_session::do_write()
{
    writing_ = true;
    in_flight_.clear();
    buffers_.clear();
    while (!queue_.empty()) {
        in_flight_.push_back(std::move(queue_.front()));
        queue_.pop_front();
    }
    for (auto const& s : in_flight_)
        buffers_.push_back(asio::buffer(s));
    asio::async_write(pipe_, buffers_, [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
        self->on_write(ec, n);
    });
}

void pipe_session::on_write(boost::system::error_code ec, std::size_t n)
{
    writing_ = false;
    if (closed_ || ec == asio::error::operation_aborted)
        return;
    if (ec) {
        fail(ec, "write");
        return;
    }
    queued_bytes_ -= n;
    in_flight_.clear();
    buffers_.clear();
    if (!queue_.empty())
        do_write();
    else if (close_after_write_)
        close();
}

void pipe_session::close_after_write()
{
    if (closed_)
        return;
    close_after_write_ = true;
    if (!writing_ && queue_.empty())
        close();
}

void pipe_session::do_idle_wait(steady_clock::time_point deadline)
{
    idle_timer_.expires_at(deadline);
    idle_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) { self->on_idle(ec); });
}

void pipe_session::on_idle(boost::system::error_code ec)
{
    if (closed_ || ec == asio::error::operation_aborted)
        return;
    auto const now = steady_clock::now();
    if (busy_) {
        do_idle_wait(now + settings_.idle_timeout);
        return;
    }
    if (close_after_write_)
        return;
    auto const deadline = last_activity_ + settings_.idle_timeout;
    if (now < deadline) {
        do_idle_wait(deadline);
        return;
    }
    log(severity::info, "idle for " + seconds_text(settings_.idle_timeout) + "; closing the connection");
    enqueue(encode(reply::failure(error_code::idle_timeout, "no request for " + seconds_text(settings_.idle_timeout) +
                                                                "; closing the connection")));
    close_after_write();
}

void pipe_session::close()
{
    if (closed_)
        return;
    closed_ = true;
    auto self = shared_from_this(); // on_closed_ may drop the server's reference
    boost::system::error_code ignored;
    idle_timer_.cancel();
    // What we wrote stays readable for the client: FlushFileBuffers would
    // block on a client that does not read, so the last reply is left in the
    // pipe's buffer and the handle closed without DisconnectNamedPipe.
    pipe_.close(ignored);
    queue_.clear();
    if (busy_)
        log(severity::debug, "closed during a request");
    if (on_closed_) {
        auto on_closed = std::move(on_closed_);
        on_closed_ = nullptr;
        on_closed(this);
    }
}

} // namespace warden::control::windows
