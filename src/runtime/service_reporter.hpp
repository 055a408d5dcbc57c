// What the daemon tells its service manager (SPEC §8): READY=1 once the
// start has played out, STATUS= summaries, RELOADING=1 ... READY=1 around a
// reload, STOPPING=1 and EXTEND_TIMEOUT_USEC= during the ordered shutdown,
// WATCHDOG=1 at half of WATCHDOG_USEC. With no service manager (no
// NOTIFY_SOCKET, or Windows without the SCM) every call does nothing and no
// timer is ever armed.
#pragma once

#include "core/types.hpp"
#include "platform/notify.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <string>

namespace warden::runtime {

class service_reporter {
public:
    /// Where the daemon stands, read when a report is due.
    struct summary {
        bool settled = false; ///< every start has played out (supervisor::startup_settled)
        std::string status;   ///< "3 running, 1 fatal"
    };

    /// `notifier` may be null: then nothing is ever sent.
    service_reporter(boost::asio::io_context& io, std::unique_ptr<platform::service_notifier> notifier,
                     std::function<summary()> read_summary);

    /// The autostart programs were asked to start; READY=1 follows once settled.
    void started();
    /// Something changed state: one STATUS= (and READY=1 when due) per burst of changes.
    void changed();
    /// A reload is being applied / has been applied.
    void reloading();
    void reloaded();
    /// The ordered shutdown began; it may take up to `budget` (the stopwaitsecs of each remaining tier).
    void stopping(core::duration budget);
    /// The daemon is done: cancel every timer.
    void close();

    /// How long each EXTEND_TIMEOUT_USEC= lasts, and how often it is renewed.
    static constexpr std::chrono::seconds extend_step{10};
    static constexpr std::chrono::seconds extend_every{5};

private:
    void flush();
    void send(std::string const& message);
    void do_watchdog();
    void do_extend();

    boost::asio::io_context& io_;
    std::unique_ptr<platform::service_notifier> notifier_;
    std::function<summary()> read_summary_;
    boost::asio::steady_timer watchdog_timer_;
    boost::asio::steady_timer extend_timer_;
    core::time_point extend_until_{};
    std::string last_status_;
    bool started_ = false;
    bool ready_sent_ = false;
    bool flush_pending_ = false;
    bool stopping_ = false;
    bool closed_ = false;
};

} // namespace warden::runtime
