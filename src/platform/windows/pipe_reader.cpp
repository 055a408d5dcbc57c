#include "platform/windows/pipe_reader.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>

#include <atomic>
#include <utility>

namespace warden::platform::windows {

std::optional<output_pipe> make_output_pipe(std::string& error)
{
    static std::atomic<unsigned long> counter{0};
    std::wstring const name = L"\\\\.\\pipe\\warden-output-" + std::to_wstring(::GetCurrentProcessId()) + L"-" +
                              std::to_wstring(++counter);
    output_pipe p;
    // One instance, inbound only, refusing remote clients; FIRST_PIPE_INSTANCE
    // so nobody can have created the name before us.
    p.read_end.reset(::CreateNamedPipeW(name.c_str(),
                                        PIPE_ACCESS_INBOUND | FILE_FLAG_OVERLAPPED | FILE_FLAG_FIRST_PIPE_INSTANCE,
                                        PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS,
                                        1, 64 * 1024, 64 * 1024, 0, nullptr));
    if (!p.read_end) {
        error = "cannot create an output pipe: " + last_error_text();
        return std::nullopt;
    }
    SECURITY_ATTRIBUTES inherit{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
    p.write_end.reset(::CreateFileW(name.c_str(), GENERIC_WRITE, 0, &inherit, OPEN_EXISTING, 0, nullptr));
    if (!p.write_end) {
        error = "cannot open an output pipe: " + last_error_text();
        return std::nullopt;
    }
    return p;
}

pipe_reader::pipe_reader(boost::asio::io_context& io, output_fn on_output, closed_fn on_closed, log_fn log)
    : io_(io), on_output_(std::move(on_output)), on_closed_(std::move(on_closed)), log_(std::move(log))
{
}

void pipe_reader::add(unique_handle read_end, std::size_t owner, output_stream stream)
{
    auto ch = std::make_shared<channel>(io_, read_end.release(), owner, stream);
    channels_.emplace(ch.get(), ch);
    do_read(std::move(ch));
}

void pipe_reader::close()
{
    closed_ = true;
    for (auto& [key, ch] : channels_) {
        boost::system::error_code ignored;
        ch->pipe.close(ignored); // pending reads complete with operation_aborted
    }
    channels_.clear();
}

void pipe_reader::do_read(std::shared_ptr<channel> ch)
{
    auto* raw = ch.get();
    raw->pipe.async_read_some(boost::asio::buffer(raw->buffer),
                              [self = shared_from_this(), ch = std::move(ch)](boost::system::error_code ec,
                                                                              std::size_t n) {
                                  self->on_read(ch, ec, n);
                              });
}

void pipe_reader::on_read(std::shared_ptr<channel> const& ch, boost::system::error_code ec, std::size_t n)
{
    if (closed_)
        return;
    if (n > 0)
        on_output_(ch->owner, ch->stream, std::string_view(ch->buffer.data(), n));
    if (closed_) // the callback may have closed us (the daemon is tearing down)
        return;
    if (!ec) {
        do_read(ch);
        return;
    }
    // Every writer closed the pipe: ERROR_BROKEN_PIPE is a pipe's end of file.
    bool const eof = ec == boost::asio::error::eof || ec == boost::asio::error::broken_pipe ||
                     (ec.category() == boost::system::system_category() &&
                      (ec.value() == ERROR_BROKEN_PIPE || ec.value() == ERROR_PIPE_NOT_CONNECTED ||
                       ec.value() == ERROR_HANDLE_EOF));
    if (!eof)
        log_(log_severity::warning, "reading a child's output failed: " + ec.message() + " (stream closed)");
    boost::system::error_code ignored;
    ch->pipe.close(ignored);
    channels_.erase(ch.get());
    on_closed_(ch->owner, ch->stream);
}

} // namespace warden::platform::windows
