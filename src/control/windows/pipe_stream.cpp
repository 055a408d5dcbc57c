#include "control/windows/pipe_stream.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/write.hpp>

#include <windows.h>

namespace asio = boost::asio;

namespace warden::control::windows {

bool is_pipe_disconnect(boost::system::error_code ec)
{
    if (ec == asio::error::eof || ec == asio::error::broken_pipe || ec == asio::error::connection_reset)
        return true;
    return ec.category() == boost::system::system_category() &&
           (ec.value() == ERROR_BROKEN_PIPE || ec.value() == ERROR_PIPE_NOT_CONNECTED || ec.value() == ERROR_NO_DATA);
}

namespace {

class pipe_stream final : public session_stream {
public:
    pipe_stream(asio::windows::stream_handle pipe, unsigned long client_pid)
        : pipe_(std::move(pipe)), client_pid_(client_pid)
    {
    }

    asio::any_io_executor get_executor() override { return pipe_.get_executor(); }

    std::optional<std::string> admit(std::string& who) override
    {
        if (client_pid_ != 0)
            who = " (pid " + std::to_string(client_pid_) + ")";
        return std::nullopt;
    }

    void async_read_some(asio::mutable_buffer buffer, io_handler handler) override
    {
        pipe_.async_read_some(buffer, std::move(handler));
    }

    void async_write(std::vector<asio::const_buffer> const& buffers, io_handler handler) override
    {
        asio::async_write(pipe_, buffers, std::move(handler));
    }

    bool is_disconnect(boost::system::error_code ec) const override { return is_pipe_disconnect(ec); }
    bool peer_gone_at_eof() override { return true; }
    bool shutdown_send() override { return false; }
    void drain_input() override {}

    // What we wrote stays readable for the client: FlushFileBuffers would
    // block on a client that does not read, so the last reply is left in the
    // pipe's buffer and the handle closed without DisconnectNamedPipe.
    void close() override
    {
        boost::system::error_code ignored;
        pipe_.close(ignored);
    }

private:
    asio::windows::stream_handle pipe_;
    unsigned long client_pid_;
};

} // namespace

std::unique_ptr<session_stream> make_pipe_stream(asio::windows::stream_handle pipe, unsigned long client_pid)
{
    return std::make_unique<pipe_stream>(std::move(pipe), client_pid);
}

} // namespace warden::control::windows
