// control::client's transport on POSIX: a Unix stream socket.
#include "control/client_transport.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/write.hpp>

#include <cerrno>
#include <sys/un.h>

namespace asio = boost::asio;

namespace warden::control {

namespace {

struct unix_transport final : client::transport {
    explicit unix_transport(asio::io_context& io) : socket(io) {}

    std::optional<client_error> connect(std::string const& path, std::optional<client::duration> timeout,
                                        run_fn const& run) override
    {
        std::string const prefix = "cannot reach wardend at " + path + ": ";
        if (path.empty())
            return client_error{client_error::unreachable, "cannot reach wardend: no socket path"};
        if (path.size() >= sizeof(sockaddr_un::sun_path))
            return client_error{client_error::unreachable, prefix + "the path is too long for a Unix socket"};

        bool done = false;
        boost::system::error_code result;
        socket.async_connect(asio::local::stream_protocol::endpoint(path), [&](boost::system::error_code ec) {
            result = ec;
            done = true;
        });
        if (!run(done))
            return client_error{client_error::unreachable, prefix + "no answer within " + seconds_text(*timeout)};
        if (result) {
            std::string message = prefix + result.message();
            if (result == asio::error::not_found || result.value() == ENOENT
                || result == asio::error::connection_refused)
                message += " (is wardend running?)";
            return client_error{client_error::unreachable, message};
        }
        return std::nullopt;
    }

    void async_write(asio::const_buffer buffer, io_handler handler) override
    {
        asio::async_write(socket, buffer, std::move(handler));
    }

    void async_read_some(asio::mutable_buffer buffer, io_handler handler) override
    {
        socket.async_read_some(buffer, std::move(handler));
    }

    // A broken pipe means the socket is finished: the same as EOF.
    bool is_end(boost::system::error_code ec) const override
    {
        return ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::broken_pipe;
    }

    void close() override
    {
        boost::system::error_code ignored;
        socket.close(ignored);
    }

    asio::local::stream_protocol::socket socket;
};

} // namespace

std::unique_ptr<client::transport> make_client_transport(asio::io_context& io)
{
    return std::make_unique<unix_transport>(io);
}

std::string client_path(std::string path) { return path; }

} // namespace warden::control
