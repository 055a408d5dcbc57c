// Reads children's stdout/stderr pipes on the io_context and hands every
// chunk to the driver. Each pipe waits for readability, then does one
// non-blocking read into a buffer shared by all pipes: no memory per pipe
// beyond its descriptor (1000 programs do not cost 128 MB of buffers), and
// one read per readiness keeps Asio's queue fair, so a child that floods its
// pipe cannot starve the others.
#pragma once

#include "platform/posix/unique_fd.hpp"
#include "platform/process_host.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace warden::platform::posix {

/// Shared with its pending reads (see child_reaper for why).
class pipe_reader : public std::enable_shared_from_this<pipe_reader> {
public:
    using output_fn = std::function<void(std::size_t owner, output_stream, std::string_view bytes)>;
    using closed_fn = std::function<void(std::size_t owner, output_stream)>;
    using log_fn = std::function<void(log_severity, std::string)>;

    /// Bytes asked for per read: large enough that a flood costs few wake-ups.
    static constexpr std::size_t chunk_size = 64 * 1024;

    /// The callbacks run on `io`'s thread; none may be empty.
    pipe_reader(boost::asio::io_context& io, output_fn on_output, closed_fn on_closed, log_fn log);

    /// Read `pipe` until end of file (every writer, grandchildren included,
    /// closed it), reporting what comes as `owner`'s `stream`.
    void add(unique_fd pipe, std::size_t owner, output_stream stream);

    /// Stop reading every pipe; no callback runs after this.
    void close();

private:
    struct channel {
        channel(boost::asio::io_context& io, int fd, std::size_t owner_, output_stream stream_)
            : pipe(io, fd), owner(owner_), stream(stream_) {}
        boost::asio::posix::stream_descriptor pipe;
        std::size_t owner;
        output_stream stream;
    };

    void do_wait(std::shared_ptr<channel> ch);
    void on_readable(std::shared_ptr<channel> const& ch, boost::system::error_code ec);
    void end(std::shared_ptr<channel> const& ch, boost::system::error_code ec);

    boost::asio::io_context& io_;
    output_fn on_output_;
    closed_fn on_closed_;
    log_fn log_;
    std::unordered_map<channel*, std::shared_ptr<channel>> channels_;
    std::vector<char> buffer_ = std::vector<char>(chunk_size); ///< shared: reads never overlap
    bool closed_ = false;
};

} // namespace warden::platform::posix
