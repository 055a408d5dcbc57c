// A control session: peer check, request lines in, replies out, in order.
//
//   accept -> admit (peer uid) -- refused --> permission_denied, close
//                  |
//                  v
//   read -> splitter -> line -> decode -- bad --> error reply ----+
//     ^                           |                               |
//     |                           v                               v
//     +---- last reply (more == false) <--- handler ------> write queue -> socket
//
// One request at a time: while a request awaits its last reply, further
// lines stay in the splitter (reading pauses once a full line limit of them
// is buffered), so a pipelining client gets its answers in order and cannot
// make the daemon buffer without bound.
#include "control/session.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include <exception>
#include <utility>

namespace asio = boost::asio;
using std::chrono::steady_clock;

namespace warden::control {

namespace {

std::string seconds_text(steady_clock::duration d)
{
    auto const ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    if (ms % 1000 == 0)
        return std::to_string(ms / 1000) + "s";
    return std::to_string(ms) + "ms";
}

/// How long a session waits for the client's EOF after its last reply.
constexpr auto linger_time = std::chrono::seconds(2);

} // namespace

session::session(std::unique_ptr<session_stream> stream, std::uint64_t id, session_settings settings,
                 closed_fn on_closed)
    : stream_(std::move(stream)),
      idle_timer_(stream_->get_executor()),
      id_(id),
      settings_(std::move(settings)),
      on_closed_(std::move(on_closed)),
      who_("client " + std::to_string(id))
{
}

void session::log(severity level, std::string message) const
{
    if (settings_.log)
        settings_.log(level, who_ + ": " + std::move(message));
}

// The one error reporter: log once (a client leaving, however abruptly, is
// routine: debug level), then close this session only.
void session::fail(boost::system::error_code ec, char const* what)
{
    if (closed_)
        return;
    if (stream_->is_disconnect(ec))
        log(severity::debug, std::string(what) + ": " + ec.message() + " (client went away)");
    else
        log(severity::warning, std::string(what) + " failed: " + ec.message() + "; closing the connection");
    close();
}

void session::start()
{
    std::string peer;
    auto const refusal = stream_->admit(peer);
    who_ += peer;
    if (refusal) {
        log(severity::warning, *refusal + "; closing the connection");
        enqueue(encode(reply::failure(error_code::permission_denied, *refusal)));
        close_after_write();
        return;
    }

    log(severity::debug, "connected");
    last_activity_ = steady_clock::now();
    if (settings_.idle_timeout > steady_clock::duration::zero())
        do_idle_wait(last_activity_ + settings_.idle_timeout);
    do_read();
}

// --- reading -------------------------------------------------------------------

void session::maybe_read()
{
    if (closed_ || reading_ || eof_ || close_after_write_)
        return;
    // While a request runs, keep reading (so a vanished client is noticed)
    // but hold at most about one line limit of pipelined input.
    if (busy_ && splitter_.buffered() >= max_line_bytes)
        return;
    do_read();
}

void session::do_read()
{
    reading_ = true;
    stream_->async_read_some(asio::buffer(read_buffer_),
        [self = shared_from_this()](boost::system::error_code ec, std::size_t n) { self->on_read(ec, n); });
}

void session::on_read(boost::system::error_code ec, std::size_t n)
{
    reading_ = false;
    if (closed_ || ec == asio::error::operation_aborted)
        return;
    if (lingering_) { // input after our last reply is dropped
        lingered_bytes_ += n;
        if (ec || lingered_bytes_ > max_line_bytes)
            close();
        else
            do_read();
        return;
    }
    if (ec == asio::error::eof || (ec && stream_->is_disconnect(ec))) {
        eof_ = true;
        if (ec != asio::error::eof || stream_->peer_gone_at_eof()) { // nobody will read a reply
            log(severity::debug, busy_ ? "disconnected during a request" : "disconnected");
            close();
            return;
        }
        splitter_.end(); // a half-closed client still gets its replies
        dispatch();
        return;
    }
    if (ec) {
        fail(ec, "read");
        return;
    }
    last_activity_ = steady_clock::now();
    splitter_.feed(std::string_view(read_buffer_.data(), n));
    dispatch();
}


// --- requests ------------------------------------------------------------------

// Take lines until one starts a request that does not finish at once.
void session::dispatch()
{
    if (dispatching_ || closed_)
        return;
    dispatching_ = true;
    while (!closed_ && !busy_ && !close_after_write_) {
        auto l = splitter_.next();
        if (!l)
            break;
        if (l->too_long) {
            log(severity::debug, "request line over " + std::to_string(max_line_bytes) + " bytes; discarded");
            enqueue(encode(reply::failure(error_code::line_too_long,
                "request line longer than " + std::to_string(max_line_bytes) + " bytes; discarded")));
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
    if (closed_)
        return;
    finish_if_done();
    maybe_read();
}

void session::begin(request req)
{
    busy_ = true;
    std::uint64_t const seq = ++seq_;
    log(severity::debug, "request \"" + req.cmd + "\"");
    try {
        settings_.handler->handle(req, make_reply_fn(seq));
        return;
    } catch (std::exception const& e) {
        log(severity::error, "handler for \"" + req.cmd + "\" threw: " + e.what());
    } catch (...) {
        log(severity::error, "handler for \"" + req.cmd + "\" threw an unknown exception");
    }
    if (!closed_ && busy_ && seq_ == seq)
        deliver(seq, reply::failure(error_code::failed, "internal error while handling \"" + req.cmd + "\""));
}

// The reply_fn handed to the handler: it names its request, so a stray call
// (after the last reply, or after the client left) is refused, not misrouted.
reply_fn session::make_reply_fn(std::uint64_t seq)
{
    return [weak = weak_from_this(), seq](reply r) {
        auto self = weak.lock();
        return self && self->deliver(seq, std::move(r));
    };
}

bool session::deliver(std::uint64_t seq, reply r)
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
        // Not from inside the handler's own call stack: the next request
        // starts from a fresh completion.
        if (!dispatching_)
            asio::post(stream_->get_executor(), [self = shared_from_this()] { self->dispatch(); });
    }
    return true;
}

// After the client half-closed: once every request is answered, close.
void session::finish_if_done()
{
    if (eof_ && !busy_)
        close_after_write();
}

// --- writing -------------------------------------------------------------------

void session::enqueue(std::string line)
{
    if (closed_)
        return;
    if (queued_bytes_ > 0 && queued_bytes_ + line.size() > settings_.max_queued_bytes) {
        log(severity::warning, "not reading its replies (" + std::to_string(queued_bytes_)
            + " bytes queued); dropping the client");
        close();
        return;
    }
    queued_bytes_ += line.size();
    queue_.push_back(std::move(line));
    if (!writing_)
        do_write();
}

void session::do_write()
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
    stream_->async_write(buffers_,
        [self = shared_from_this()](boost::system::error_code ec, std::size_t n) { self->on_write(ec, n); });
}

void session::on_write(boost::system::error_code ec, std::size_t n)
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
        linger();
}

// Stop taking requests; close once the queued replies are written.
void session::close_after_write()
{
    if (closed_)
        return;
    close_after_write_ = true;
    if (!writing_ && queue_.empty())
        linger();
}

// After the last reply: shut down our sending side, then read and drop what
// the client still sends until its EOF (or a short while). Closing at once
// would make a client that is still writing its request get EPIPE, or see
// ECONNRESET, instead of our last reply (permission_denied, idle_timeout).
void session::linger()
{
    if (lingering_)
        return;
    if (eof_ || !stream_->shutdown_send()) {
        close();
        return;
    }
    lingering_ = true;
    do_idle_wait(steady_clock::now() + linger_time);
    if (!reading_)
        do_read();
}

// --- idle timeout --------------------------------------------------------------

void session::do_idle_wait(steady_clock::time_point deadline)
{
    idle_timer_.expires_at(deadline);
    idle_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) { self->on_idle(ec); });
}

// The deadline moves with each received chunk and each finished request;
// the timer re-checks it instead of being re-armed on every read.
void session::on_idle(boost::system::error_code ec)
{
    if (closed_ || ec == asio::error::operation_aborted)
        return;
    if (lingering_) { // the client did not close its side in time
        close();
        return;
    }
    auto const now = steady_clock::now();
    if (busy_) { // a running request (e.g. tail -f) is not idleness
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
    if (writing_ || !queue_.empty()) {
        log(severity::info, "idle for " + seconds_text(settings_.idle_timeout)
            + " without reading its replies; closing the connection");
        close();
        return;
    }
    log(severity::info, "idle for " + seconds_text(settings_.idle_timeout) + "; closing the connection");
    enqueue(encode(reply::failure(error_code::idle_timeout,
        "no request for " + seconds_text(settings_.idle_timeout) + "; closing the connection")));
    close_after_write();
}

// --- closing -------------------------------------------------------------------


void session::close()
{
    if (closed_)
        return;
    closed_ = true;
    auto self = shared_from_this(); // on_closed_ may drop the server's reference
    if (!eof_)
        stream_->drain_input();
    idle_timer_.cancel();
    stream_->close();
    queue_.clear();
    if (busy_)
        log(severity::debug, "closed during a request");
    if (on_closed_) {
        auto on_closed = std::move(on_closed_);
        on_closed_ = nullptr;
        on_closed(this);
    }
}

} // namespace warden::control
