// process_host on POSIX: our own fork/exec (spawn.cpp), one SIGCHLD reaper
// (child_reaper.cpp) and the output pipes (pipe_reader.cpp) glued together.
#include "platform/process_host.hpp"

#include "platform/posix/child_reaper.hpp"
#include "platform/posix/pipe_reader.hpp"
#include "platform/posix/signals.hpp"
#include "platform/posix/spawn.hpp"

#include <signal.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

namespace warden::platform {

namespace {

using namespace posix;

// How long finish() waits for the last orphans before giving up on them.
constexpr std::chrono::seconds final_sweep_limit{5};

class posix_process_host final : public process_host {
public:
    posix_process_host(boost::asio::io_context& io, process_callbacks callbacks)
        : log_(callbacks.log),
          reaper_(std::make_shared<child_reaper>(io, std::move(callbacks.exited), callbacks.log)),
          pipes_(std::make_shared<pipe_reader>(io, std::move(callbacks.output),
                                               std::move(callbacks.output_closed), callbacks.log))
    {
        reaper_->start();
    }

    ~posix_process_host() override
    {
        reaper_->close();
        pipes_->close();
    }

    posix_process_host(posix_process_host const&) = delete;
    posix_process_host& operator=(posix_process_host const&) = delete;

    spawn_result spawn(spawn_request const& request) override
    {
        auto result = spawn_child(request);
        if (auto* failure = std::get_if<spawn_failure>(&result))
            return std::move(*failure);
        auto& child = std::get<spawned_child>(result);
        // No handler can run before we return, so the exit cannot be reaped
        // before the pid is tracked.
        reaper_->track(child.pid, request.owner);
        pipes_->add(std::move(child.stdout_pipe), request.owner, output_stream::out);
        if (child.stderr_pipe)
            pipes_->add(std::move(child.stderr_pipe), request.owner, output_stream::err);
        return core::pid_type{child.pid};
    }

    std::string send_signal(core::pid_type pid, config::signal_id sig, bool to_group) override
    {
        auto const signo = to_native(sig);
        if (!signo)
            return "this signal exists only on Windows";
        // Only a child not yet reaped: its pid (and group id) cannot have been
        // recycled, and kill(0) or kill(-1) can never be reached from here.
        auto const native_pid = static_cast<pid_t>(pid);
        if (!reaper_->tracks(native_pid)) {
            log_(log_severity::debug, "not sending " + signal_name(*signo) + " to pid " + std::to_string(pid) +
                                          ": not a running child");
            return {};
        }
        if (::kill(to_group ? -native_pid : native_pid, *signo) == 0)
            return {};
        if (errno == ESRCH) { // the group emptied; its leader's exit is on its way
            log_(log_severity::debug, "no process left to receive " + signal_name(*signo) + " in " +
                                          (to_group ? "group " : "pid ") + std::to_string(pid));
            return {};
        }
        return std::strerror(errno);
    }

    void finish(std::function<void(bool)> done) override
    {
        reaper_->finish(std::move(done), final_sweep_limit);
    }

private:
    std::function<void(log_severity, std::string)> log_;
    std::shared_ptr<child_reaper> reaper_;
    std::shared_ptr<pipe_reader> pipes_;
};

// Every callback may be left empty by a caller that does not care.
process_callbacks complete(process_callbacks callbacks)
{
    if (!callbacks.exited)
        callbacks.exited = [](std::size_t, core::pid_type, core::exit_status, std::string) {};
    if (!callbacks.output)
        callbacks.output = [](std::size_t, output_stream, std::string_view) {};
    if (!callbacks.output_closed)
        callbacks.output_closed = [](std::size_t, output_stream) {};
    if (!callbacks.log)
        callbacks.log = [](log_severity, std::string) {};
    return callbacks;
}

} // namespace

std::unique_ptr<process_host> make_process_host(boost::asio::io_context& io, process_callbacks callbacks)
{
    return std::make_unique<posix_process_host>(io, complete(std::move(callbacks)));
}

} // namespace warden::platform
