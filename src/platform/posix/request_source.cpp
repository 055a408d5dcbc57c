// request_source on POSIX: SIGTERM/SIGINT (shutdown), SIGHUP (reload) and
// SIGUSR2 (reopen logs) through one Asio signal_set, so the handlers run on
// the io_context thread like everything else.
#include "platform/process_host.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <memory>
#include <optional>
#include <utility>

namespace warden::platform {

namespace {

std::optional<daemon_request> request_for(int signo)
{
    switch (signo) {
    case SIGTERM:
    case SIGINT: return daemon_request::shutdown;
    case SIGHUP: return daemon_request::reload;
    case SIGUSR2: return daemon_request::reopen_logs;
    default: return std::nullopt;
    }
}

// Shared with the pending wait, so a completion that runs after the
// request_source is gone finds live state (and the closed flag).
struct signal_listener : std::enable_shared_from_this<signal_listener> {
    signal_listener(boost::asio::io_context& io, std::function<void(daemon_request)> on_request_)
        : signals(io, SIGTERM, SIGINT, SIGHUP), on_request(std::move(on_request_))
    {
        signals.add(SIGUSR2);
    }

    void do_wait()
    {
        signals.async_wait([self = shared_from_this()](boost::system::error_code ec, int signo) {
            self->on_signal(ec, signo);
        });
    }

    void on_signal(boost::system::error_code ec, int signo)
    {
        if (closed || ec == boost::asio::error::operation_aborted)
            return;
        if (!ec)
            if (auto const request = request_for(signo))
                on_request(*request);
        if (!closed)
            do_wait();
    }

    void close()
    {
        closed = true;
        boost::system::error_code ignored;
        // Only cancel: the handlers stay installed until the set is destroyed,
        // so a late SIGTERM while the daemon winds down is absorbed, not fatal.
        signals.cancel(ignored);
    }

    boost::asio::signal_set signals;
    std::function<void(daemon_request)> on_request;
    bool closed = false;
};

class posix_request_source final : public request_source {
public:
    posix_request_source(boost::asio::io_context& io, std::function<void(daemon_request)> on_request)
        : listener_(std::make_shared<signal_listener>(io, std::move(on_request)))
    {
        listener_->do_wait();
    }
    ~posix_request_source() override { listener_->close(); }
    posix_request_source(posix_request_source const&) = delete;
    posix_request_source& operator=(posix_request_source const&) = delete;

    void close() override { listener_->close(); }

private:
    std::shared_ptr<signal_listener> listener_;
};

} // namespace

std::unique_ptr<request_source> make_request_source(boost::asio::io_context& io,
                                                    std::function<void(daemon_request)> on_request)
{
    return std::make_unique<posix_request_source>(io, std::move(on_request));
}

} // namespace warden::platform
