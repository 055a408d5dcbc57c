#include "runtime/service_reporter.hpp"

#include <boost/asio/post.hpp>

namespace warden::runtime {

namespace asio = boost::asio;
using std::chrono::duration_cast;
using std::chrono::microseconds;

service_reporter::service_reporter(asio::io_context& io, std::unique_ptr<platform::service_notifier> notifier,
                                   std::function<summary()> read_summary)
    : io_(io), notifier_(std::move(notifier)), read_summary_(std::move(read_summary)), watchdog_timer_(io),
      extend_timer_(io)
{
    if (notifier_ && notifier_->watchdog_usec().count() > 0)
        do_watchdog();
}

void service_reporter::send(std::string const& message)
{
    if (notifier_ && !closed_)
        notifier_->send(message);
}

void service_reporter::started()
{
    started_ = true;
    changed();
}

// Many processes change state in one turn of the io_context (a start of 1000
// programs): report once, after the burst.
void service_reporter::changed()
{
    if (!notifier_ || flush_pending_ || closed_)
        return;
    flush_pending_ = true;
    asio::post(io_, [this] { flush(); });
}

void service_reporter::flush()
{
    flush_pending_ = false;
    if (closed_)
        return;
    auto const now = read_summary_();
    std::string message;
    if (started_ && !ready_sent_ && !stopping_ && now.settled) {
        ready_sent_ = true;
        message = "READY=1\n";
    }
    if (now.status != last_status_ && !stopping_) {
        last_status_ = now.status;
        message += "STATUS=" + now.status + "\n";
    }
    if (!message.empty())
        send(message);
}

void service_reporter::reloading()
{
    // MONOTONIC_USEC lets systemd (Type=notify-reload) match this reload to its request.
    auto const now = duration_cast<microseconds>(core::clock::now().time_since_epoch()).count();
    send("RELOADING=1\nSTATUS=reloading\nMONOTONIC_USEC=" + std::to_string(now) + "\n");
}

void service_reporter::reloaded()
{
    last_status_.clear(); // say where we stand again after "reloading"
    send("READY=1\n");
    changed();
}

void service_reporter::stopping(core::duration budget)
{
    if (stopping_ || !notifier_)
        return;
    stopping_ = true;
    // Extend systemd's stop timeout only as long as the shutdown can
    // legitimately take, plus one step: a shutdown stuck past its own budget
    // is left to TimeoutStopSec and the final SIGKILL.
    extend_until_ = core::clock::now() + budget + extend_step;
    send("STOPPING=1\nSTATUS=stopping\n");
    do_extend();
}

void service_reporter::do_extend()
{
    if (closed_ || core::clock::now() >= extend_until_)
        return;
    send("EXTEND_TIMEOUT_USEC=" + std::to_string(duration_cast<microseconds>(extend_step).count()) + "\n");
    extend_timer_.expires_after(extend_every);
    extend_timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec)
            do_extend();
    });
}

void service_reporter::do_watchdog()
{
    send("WATCHDOG=1\n");
    watchdog_timer_.expires_after(notifier_->watchdog_usec() / 2);
    watchdog_timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec && !closed_)
            do_watchdog();
    });
}

void service_reporter::close()
{
    closed_ = true;
    watchdog_timer_.cancel();
    extend_timer_.cancel();
}

} // namespace warden::runtime
