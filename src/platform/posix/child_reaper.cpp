#include "platform/posix/child_reaper.hpp"

#include "platform/posix/proc_children.hpp"
#include "platform/posix/signals.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <utility>

namespace warden::platform::posix {

child_reaper::child_reaper(boost::asio::io_context& io, exited_fn on_exited, log_fn log)
    : io_(io), sigchld_(io, SIGCHLD), finish_timer_(io), on_exited_(std::move(on_exited)), log_(std::move(log))
{
}

void child_reaper::start()
{
    do_wait();
    boost::asio::post(io_, [self = shared_from_this()] {
        if (!self->closed_)
            self->reap();
    });
}

void child_reaper::track(pid_t pid, std::size_t owner)
{
    owners_[pid] = owner;
}

bool child_reaper::tracks(pid_t pid) const
{
    return owners_.count(pid) != 0;
}

void child_reaper::do_wait()
{
    sigchld_.async_wait([self = shared_from_this()](boost::system::error_code ec, int) { self->on_signal(ec); });
}

void child_reaper::on_signal(boost::system::error_code ec)
{
    if (closed_ || ec == boost::asio::error::operation_aborted)
        return;
    if (ec)
        log_(log_severity::error, "waiting for SIGCHLD failed: " + ec.message() + " (waiting again)");
    // SIGCHLD is not queued: one delivery can stand for many exits, hence the loop.
    reap();
    if (!closed_)
        do_wait();
}

void child_reaper::reap()
{
    while (!closed_) {
        int status = 0;
        pid_t const pid = ::waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            dispatch(pid, status);
            continue;
        }
        if (pid == 0) {
            // Children remain. During finish, new orphans may have appeared
            // (a killed process's children are re-parented to us): kill them too.
            if (finishing_)
                sweep();
            return;
        }
        if (errno == EINTR)
            continue;
        if (errno == ECHILD) {
            if (finishing_)
                complete_finish(true);
            return;
        }
        log_(log_severity::error, std::string("waitpid failed: ") + std::strerror(errno));
        return;
    }
}

void child_reaper::dispatch(pid_t pid, int status)
{
    killed_.erase(pid); // reaped: the number may be reused
    auto const found = owners_.find(pid);
    if (found == owners_.end()) {
        log_(log_severity::debug,
             "reaped orphan pid " + std::to_string(pid) + " (" + describe_wait_status(status) + ")");
        return;
    }
    std::size_t const owner = found->second;
    owners_.erase(found); // before the callback: the driver may spawn again from it
    on_exited_(owner, pid, to_exit_status(status), describe_wait_status(status));
}

void child_reaper::sweep()
{
    for (pid_t const pid : children_of(::getpid())) {
        if (!killed_.insert(pid).second)
            continue;
        if (::kill(pid, SIGKILL) == 0)
            log_(log_severity::info, "killed leftover process " + std::to_string(pid) + " (SIGKILL)");
        else if (errno != ESRCH)
            log_(log_severity::warning, "cannot kill leftover process " + std::to_string(pid) + ": " +
                                            std::strerror(errno));
    }
}

void child_reaper::finish(std::function<void(bool)> done, std::chrono::steady_clock::duration limit)
{
    if (closed_)
        return;
    if (finishing_) {
        // Already sweeping: answer both callers when it ends.
        finished_ = [first = std::move(finished_), second = std::move(done)](bool all_reaped) {
            if (first)
                first(all_reaped);
            if (second)
                second(all_reaped);
        };
        return;
    }
    finished_ = std::move(done);
    finishing_ = true;
    killed_.clear();
    finish_timer_.expires_after(limit);
    finish_timer_.async_wait(
        [self = shared_from_this()](boost::system::error_code ec) { self->on_finish_timeout(ec); });
    sweep();
    reap();
}

void child_reaper::on_finish_timeout(boost::system::error_code ec)
{
    if (closed_ || !finishing_ || ec == boost::asio::error::operation_aborted)
        return;
    std::string pids;
    for (pid_t const pid : children_of(::getpid()))
        pids += " " + std::to_string(pid);
    log_(log_severity::error, "processes still not reaped after the final sweep:" + pids +
                                  " (giving up on them)");
    complete_finish(false);
}

void child_reaper::complete_finish(bool all_reaped)
{
    finishing_ = false;
    finish_timer_.cancel();
    if (finished_)
        boost::asio::post(io_, [done = std::exchange(finished_, nullptr), all_reaped] { done(all_reaped); });
}

void child_reaper::close()
{
    closed_ = true;
    finishing_ = false;
    finished_ = nullptr;
    boost::system::error_code ignored;
    sigchld_.cancel(ignored);
    finish_timer_.cancel();
}

} // namespace warden::platform::posix
