#include "control/unix_stream.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/write.hpp>

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>

namespace asio = boost::asio;

namespace warden::control {

namespace {

class unix_stream final : public session_stream {
public:
    unix_stream(asio::local::stream_protocol::socket socket, unsigned daemon_uid)
        : socket_(std::move(socket)), daemon_uid_(daemon_uid)
    {
    }

    asio::any_io_executor get_executor() override { return socket_.get_executor(); }

    std::optional<std::string> admit(std::string& who) override
    {
        int const fd = socket_.native_handle();
        ::fcntl(fd, F_SETFD, FD_CLOEXEC); // children close everything anyway; this is hygiene
        ucred cred{};
        socklen_t len = sizeof cred;
        if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
            return "cannot read the peer's credentials: "
                + boost::system::error_code(errno, boost::system::system_category()).message();
        who = " (uid " + std::to_string(cred.uid) + ", pid " + std::to_string(cred.pid) + ")";
        if (cred.uid != 0 && cred.uid != daemon_uid_)
            return "permission denied: uid " + std::to_string(cred.uid) + " is not root or the daemon's user";
        return std::nullopt;
    }

    void async_read_some(asio::mutable_buffer buffer, io_handler handler) override
    {
        socket_.async_read_some(buffer, std::move(handler));
    }

    void async_write(std::vector<asio::const_buffer> const& buffers, io_handler handler) override
    {
        asio::async_write(socket_, buffers, std::move(handler));
    }

    bool is_disconnect(boost::system::error_code ec) const override
    {
        return ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::broken_pipe
            || ec == asio::error::connection_aborted;
    }

    // Whether the peer closed its whole socket (POLLHUP) or only shut down
    // its sending side (POLLRDHUP alone, e.g. `socat` after its stdin ends).
    bool peer_gone_at_eof() override
    {
        pollfd p{socket_.native_handle(), POLLRDHUP, 0};
        return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR)) != 0;
    }

    bool shutdown_send() override
    {
        boost::system::error_code ignored;
        socket_.shutdown(asio::socket_base::shutdown_send, ignored);
        return true;
    }

    // Closing a Unix socket with unread input makes the peer's next read
    // fail with ECONNRESET instead of showing our last reply and then EOF.
    void drain_input() override
    {
        if (!socket_.is_open())
            return;
        char sink[4096];
        for (int i = 0; i < 16; ++i)
            if (::recv(socket_.native_handle(), sink, sizeof sink, MSG_DONTWAIT) <= 0)
                break;
    }

    void close() override
    {
        boost::system::error_code ignored;
        socket_.shutdown(asio::socket_base::shutdown_both, ignored);
        socket_.close(ignored);
    }

private:
    asio::local::stream_protocol::socket socket_;
    unsigned daemon_uid_;
};

} // namespace

std::unique_ptr<session_stream> make_unix_stream(asio::local::stream_protocol::socket socket, unsigned daemon_uid)
{
    return std::make_unique<unix_stream>(std::move(socket), daemon_uid);
}

} // namespace warden::control
