// The control socket's listener on POSIX: the socket file (unix_socket_file)
// and the accept loop; each client becomes a unix_stream.
#include "control/listener.hpp"
#include "control/unix_socket_file.hpp"
#include "control/unix_stream.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cerrno>
#include <cstdio>
#include <unistd.h>

namespace asio = boost::asio;
using stream_protocol = asio::local::stream_protocol;

namespace warden::control {

namespace {

std::string octal(unsigned mode)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04o", mode & 07777);
    return buf;
}

class unix_listener final : public listener, public std::enable_shared_from_this<unix_listener> {
public:
    unix_listener(asio::io_context& io, server_options const& options, accept_fn on_accept)
        : options_(options), on_accept_(std::move(on_accept)), acceptor_(io), retry_timer_(io)
    {
    }

    std::optional<std::string> start() override
    {
        if (running_)
            return "the control server is already running on " + options_.path;
        unix_socket_options o;
        o.path = options_.path;
        o.mode = options_.mode;
        if (auto problem = file_.open(acceptor_, o, options_.log))
            return problem;
        running_ = true;
        log(severity::info, "control socket listening on " + options_.path + " (mode " + octal(options_.mode) + ")");
        do_accept();
        return std::nullopt;
    }

    void stop() override
    {
        bool const was_running = running_;
        running_ = false;
        boost::system::error_code ignored;
        retry_timer_.cancel();
        acceptor_.close(ignored);
        file_.remove();
        if (was_running)
            log(severity::info, "control socket " + options_.path + " closed");
    }

    std::string const& path() const override { return options_.path; }

private:
    void log(severity level, std::string message) const
    {
        if (options_.log)
            options_.log(level, std::move(message));
    }

    void do_accept()
    {
        acceptor_.async_accept([self = shared_from_this()](boost::system::error_code ec, stream_protocol::socket s) {
            self->on_accept(ec, std::move(s));
        });
    }

    void on_accept(boost::system::error_code ec, stream_protocol::socket socket)
    {
        if (!running_ || ec == asio::error::operation_aborted)
            return;
        if (ec) {
            // Out of descriptors or memory: pause instead of spinning; the
            // clients already connected keep being served meanwhile.
            bool const exhausted = ec == asio::error::no_descriptors || ec.value() == ENFILE
                || ec == asio::error::no_buffer_space || ec == asio::error::no_memory;
            if (!accept_failing_)
                log(exhausted ? severity::error : severity::warning,
                    "cannot accept a control client: " + ec.message() + (exhausted ? "; retrying in 100ms" : ""));
            accept_failing_ = true;
            if (!exhausted) {
                do_accept();
                return;
            }
            retry_timer_.expires_after(std::chrono::milliseconds(100));
            retry_timer_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
                if (!wait_ec && self->running_)
                    self->do_accept();
            });
            return;
        }
        if (accept_failing_)
            log(severity::info, "accepting control clients again");
        accept_failing_ = false;
        on_accept_(make_unix_stream(std::move(socket), ::geteuid()));
        do_accept();
    }

    server_options options_;
    accept_fn on_accept_;
    stream_protocol::acceptor acceptor_;
    asio::steady_timer retry_timer_; ///< accept paused after EMFILE and the like
    unix_socket_file file_;
    bool running_ = false;
    bool accept_failing_ = false;    ///< log a streak of accept failures once
};

} // namespace

std::shared_ptr<listener> make_listener(asio::io_context& io, server_options const& options, listener::accept_fn on_accept)
{
    return std::make_shared<unix_listener>(io, options, std::move(on_accept));
}

} // namespace warden::control
