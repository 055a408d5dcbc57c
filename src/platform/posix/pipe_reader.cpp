#include "platform/posix/pipe_reader.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>

#include <utility>

namespace warden::platform::posix {

namespace {
constexpr int max_reads_per_wake = 16;
} // namespace

pipe_reader::pipe_reader(boost::asio::io_context& io, output_fn on_output, closed_fn on_closed,
                               log_fn log)
    : io_(io), on_output_(std::move(on_output)), on_closed_(std::move(on_closed)), log_(std::move(log))
{
}

void pipe_reader::add(unique_fd pipe, std::size_t owner, output_stream stream)
{
    auto ch = std::make_shared<channel>(io_, pipe.release(), owner, stream);
    boost::system::error_code ec;
    ch->pipe.non_blocking(true, ec); // read_some must never block the daemon
    if (ec) {
        log_(log_severity::warning, "cannot make a child's output pipe non-blocking: " + ec.message());
        ch->pipe.close(ec);
        on_closed_(owner, stream);
        return;
    }
    channels_.emplace(ch.get(), ch);
    do_wait(std::move(ch));
}

void pipe_reader::close()
{
    closed_ = true;
    for (auto& [key, ch] : channels_) {
        boost::system::error_code ignored;
        ch->pipe.close(ignored); // pending waits complete with operation_aborted
    }
    channels_.clear();
}

void pipe_reader::do_wait(std::shared_ptr<channel> ch)
{
    auto* raw = ch.get();
    raw->pipe.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                         [self = shared_from_this(), ch = std::move(ch)](boost::system::error_code ec) {
                             self->on_readable(ch, ec);
                         });
}

void pipe_reader::on_readable(std::shared_ptr<channel> const& ch, boost::system::error_code ec)
{
    if (closed_)
        return;
    if (ec) {
        end(ch, ec);
        return;
    }
    // A writer that floods us refills the pipe while we write out what we
    // read: read again before going back to the reactor, which spares an
    // epoll round trip per chunk (bench W5). Bounded, so that one flooding
    // child cannot starve the others.
    for (int reads = 0; reads < max_reads_per_wake; ++reads) {
        std::size_t const n = ch->pipe.read_some(boost::asio::buffer(buffer_), ec);
        if (n > 0)
            on_output_(ch->owner, ch->stream, std::string_view(buffer_.data(), n));
        // The callback may have closed us (the daemon is tearing down).
        if (closed_)
            return;
        if (ec || n < buffer_.size())
            break; // a short read left the pipe empty: the next read would be EAGAIN
    }
    if (!ec || ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) {
        do_wait(ch);
        return;
    }
    end(ch, ec);
}

void pipe_reader::end(std::shared_ptr<channel> const& ch, boost::system::error_code ec)
{
    if (ec != boost::asio::error::eof)
        log_(log_severity::warning, "reading a child's output failed: " + ec.message() + " (stream closed)");
    channels_.erase(ch.get());
    on_closed_(ch->owner, ch->stream);
}

} // namespace warden::platform::posix
