// The daemon's only waitpid caller. One SIGCHLD signal_set; every delivery
// drains waitpid(-1, WNOHANG) and dispatches by pid: a child we spawned is
// reported as exited, anything else is an orphan re-parented to us (we are a
// child subreaper) and is reaped with a debug note. A per-child wait (pidfd,
// Boost.Process v2) would fight this loop for the same statuses.
#pragma once

#include "core/types.hpp"
#include "platform/process_host.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace warden::platform::posix {

/// Owned by the process host through a shared_ptr that every pending
/// completion also holds, so a late completion never touches freed memory.
class child_reaper : public std::enable_shared_from_this<child_reaper> {
public:
    using exited_fn = std::function<void(std::size_t owner, core::pid_type, core::exit_status, std::string)>;
    using log_fn = std::function<void(log_severity, std::string)>;

    /// Installs the SIGCHLD handler at once, so no exit is missed from here on.
    child_reaper(boost::asio::io_context& io, exited_fn on_exited, log_fn log);

    /// Start waiting for SIGCHLD; also reaps whatever exited before we existed.
    void start();

    /// From now on, `pid`'s exit is reported for `owner`. Called right after
    /// fork, before the io_context can run the reap loop, so no exit is lost.
    void track(pid_t pid, std::size_t owner);

    /// Is `pid` a child we spawned and have not reaped yet (so its pid, and
    /// its process group id, cannot have been recycled)?
    bool tracks(pid_t pid) const;

    /// SIGKILL every remaining child of ours, reap until none is left, then
    /// post `done`. After `limit`, log what is left and post `done` anyway.
    /// A second call while sweeping gets its `done` called at the same time.
    void finish(std::function<void(bool all_reaped)> done, std::chrono::steady_clock::duration limit);

    /// Stop: no callback runs after this.
    void close();

private:
    void do_wait();
    void on_signal(boost::system::error_code ec);
    void reap();
    void dispatch(pid_t pid, int status);
    void sweep();
    void on_finish_timeout(boost::system::error_code ec);
    void complete_finish(bool all_reaped);

    boost::asio::io_context& io_;
    boost::asio::signal_set sigchld_;
    boost::asio::steady_timer finish_timer_;
    exited_fn on_exited_;
    log_fn log_;
    std::unordered_map<pid_t, std::size_t> owners_;
    std::function<void(bool)> finished_; ///< set while finish() is in progress
    std::unordered_set<pid_t> killed_; ///< by the final sweep, so each is killed (and logged) once
    bool finishing_ = false;
    bool closed_ = false;
};

} // namespace warden::platform::posix
