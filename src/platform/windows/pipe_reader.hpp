// Reads children's stdout/stderr on the io_context. Anonymous pipes cannot
// be overlapped, so each stream is a one-instance named pipe whose server
// end (opened FILE_FLAG_OVERLAPPED) is read through an
// asio::windows::stream_handle on the I/O completion port, and whose client
// end is the child's inherited handle. An IOCP read needs its own buffer
// while pending, so each pipe has one (16 KiB: a flood costs few wake-ups,
// 1000 programs cost 32 MB at most), and one read per completion keeps Asio's
// queue fair between pipes.
#pragma once

#include "platform/process_host.hpp"
#include "platform/windows/win_util.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/windows/stream_handle.hpp>
#include <boost/system/error_code.hpp>

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

namespace warden::platform::windows {

/// Both ends of one output pipe.
struct output_pipe {
    unique_handle read_end;   ///< overlapped, not inheritable: ours
    unique_handle write_end;  ///< inheritable: the child's stdout or stderr
};

/// A fresh pipe, or the reason it could not be made.
std::optional<output_pipe> make_output_pipe(std::string& error);

class pipe_reader : public std::enable_shared_from_this<pipe_reader> {
public:
    using output_fn = std::function<void(std::size_t owner, output_stream, std::string_view bytes)>;
    using closed_fn = std::function<void(std::size_t owner, output_stream)>;
    using log_fn = std::function<void(log_severity, std::string)>;

    static constexpr std::size_t chunk_size = 16 * 1024;

    pipe_reader(boost::asio::io_context& io, output_fn on_output, closed_fn on_closed, log_fn log);

    /// Read `read_end` until every writer closed it, reporting as `owner`'s `stream`.
    void add(unique_handle read_end, std::size_t owner, output_stream stream);

    /// Stop reading every pipe; no callback runs after this.
    void close();

private:
    struct channel {
        channel(boost::asio::io_context& io, HANDLE h, std::size_t owner_, output_stream stream_)
            : pipe(io, h), owner(owner_), stream(stream_) {}
        boost::asio::windows::stream_handle pipe;
        std::size_t owner;
        output_stream stream;
        std::array<char, chunk_size> buffer;
    };

    void do_read(std::shared_ptr<channel> ch);
    void on_read(std::shared_ptr<channel> const& ch, boost::system::error_code ec, std::size_t n);

    boost::asio::io_context& io_;
    output_fn on_output_;
    closed_fn on_closed_;
    log_fn log_;
    std::unordered_map<channel*, std::shared_ptr<channel>> channels_;
    bool closed_ = false;
};

} // namespace warden::platform::windows
