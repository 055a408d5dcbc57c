// process_host on Windows (SPEC §6): CreateProcessW into a Job Object
// (spawn.cpp), exit seen by waiting on the process handle in the io_context
// (asio::windows::object_handle), output through overlapped named pipes
// (pipe_reader.cpp). Stop is CTRL_BREAK_EVENT to the group the child leads;
// kill is TerminateJobObject, which takes the whole tree.
#include "platform/process_host.hpp"

#include "config/load.hpp"

#include "platform/windows/pipe_reader.hpp"
#include "platform/windows/spawn.hpp"
#include "platform/windows/win_util.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/windows/object_handle.hpp>

#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

namespace warden::platform {

namespace {

using namespace windows;

/// The exit code TerminateJobObject gives the processes warden kills.
constexpr DWORD killed_exit_code = 1;

/// How the core hears of a child warden killed: as SIGKILL on POSIX, never
/// an expected exit.
constexpr int kill_signal_number = 9;

struct child_record {
    std::size_t owner = 0;
    DWORD pid = 0;
    unique_handle job;
    std::unique_ptr<boost::asio::windows::object_handle> process;
    bool killed = false;
    bool stopped = false; ///< sent CTRL_BREAK: what is left of its tree goes with it
};

/// Shared with the pending waits, so a completion that runs after the host
/// is gone finds live state (and the closed flag).
class child_table : public std::enable_shared_from_this<child_table> {
public:
    using exited_fn = std::function<void(std::size_t, core::pid_type, core::exit_status, std::string)>;
    using log_fn = std::function<void(log_severity, std::string)>;

    child_table(boost::asio::io_context& io, exited_fn exited, log_fn log)
        : io_(io), exited_(std::move(exited)), log_(std::move(log)) {}

    void track(std::size_t owner, started_child&& c)
    {
        auto rec = std::make_shared<child_record>();
        rec->owner = owner;
        rec->pid = c.pid;
        rec->job = std::move(c.job);
        rec->process = std::make_unique<boost::asio::windows::object_handle>(io_, c.process.release());
        children_[c.pid] = rec;
        rec->process->async_wait([self = shared_from_this(), rec](boost::system::error_code ec) {
            self->on_exit(rec, ec);
        });
    }

    child_record* find(DWORD pid)
    {
        auto it = children_.find(pid);
        return it == children_.end() ? nullptr : it->second.get();
    }

    /// Kill every job still open (children, and jobs whose leader exited
    /// with descendants left); the processes are gone when this returns
    /// true, or not all of them could be killed.
    bool kill_all()
    {
        bool all = true;
        for (auto& [pid, rec] : children_)
            all = terminate(*rec) && all;
        for (auto& job : orphan_jobs_) {
            if (!::TerminateJobObject(job.get(), killed_exit_code)) {
                log_(log_severity::warning, "cannot kill the processes left in a Job Object: " + last_error_text());
                all = false;
            }
        }
        orphan_jobs_.clear(); // closing the handles kills anything left (KILL_ON_JOB_CLOSE)
        return all;
    }

    bool terminate(child_record& rec)
    {
        rec.killed = true;
        if (::TerminateJobObject(rec.job.get(), killed_exit_code))
            return true;
        auto const why = last_error_text();
        // The job is the tree; the process alone is better than nothing.
        if (::TerminateProcess(rec.process->native_handle(), killed_exit_code)) {
            log_(log_severity::warning, "pid " + std::to_string(rec.pid) + ": cannot terminate its Job Object (" +
                                            why + "); terminated the process alone");
            return true;
        }
        log_(log_severity::error, "pid " + std::to_string(rec.pid) + ": cannot terminate its Job Object (" + why +
                                      ") nor the process (" + last_error_text() + ")");
        return false;
    }

    void close()
    {
        closed_ = true;
        for (auto& [pid, rec] : children_) {
            boost::system::error_code ignored;
            rec->process->close(ignored);
        }
        children_.clear();
        orphan_jobs_.clear();
    }

    bool empty() const { return children_.empty(); }

private:
    void on_exit(std::shared_ptr<child_record> const& rec, boost::system::error_code ec)
    {
        if (closed_ || ec == boost::asio::error::operation_aborted)
            return;
        DWORD code = 0;
        core::exit_status status;
        std::string description;
        if (ec) {
            log_(log_severity::error, "pid " + std::to_string(rec->pid) + ": waiting for its exit failed: " +
                                          ec.message() + "; treating it as killed");
            terminate(*rec);
            status = {true, kill_signal_number};
            description = "lost (waiting for its exit failed)";
        } else if (!::GetExitCodeProcess(rec->process->native_handle(), &code)) {
            status = {false, -1};
            description = "exit code unknown (" + last_error_text() + ")";
        } else if (rec->killed && code == killed_exit_code) {
            status = {true, kill_signal_number};
            description = "killed with its Job Object";
        } else {
            status = {false, static_cast<int>(code)};
            description = describe_exit_code(code);
        }
        keep_or_close_job(*rec);
        children_.erase(rec->pid);
        exited_(rec->owner, rec->pid, status, std::move(description));
    }

    // Descendants that outlive their leader stay in the job, as orphans do in
    // a POSIX subreaper, and are killed at shutdown (finish). A stopped or
    // killed child's job is killed now: nothing of it survives a stop.
    void keep_or_close_job(child_record& rec)
    {
        if (!rec.job)
            return;
        JOBOBJECT_BASIC_ACCOUNTING_INFORMATION info{};
        bool const known = ::QueryInformationJobObject(rec.job.get(), JobObjectBasicAccountingInformation, &info,
                                                       sizeof info, nullptr);
        if (known && info.ActiveProcesses > 0 && !rec.killed && !rec.stopped) {
            log_(log_severity::info, "pid " + std::to_string(rec.pid) + " exited; " +
                                         std::to_string(info.ActiveProcesses) +
                                         " process(es) of its job remain and will be killed at shutdown");
            orphan_jobs_.push_back(std::move(rec.job));
            return;
        }
        rec.job.reset(); // KILL_ON_JOB_CLOSE takes whatever is left
    }

    boost::asio::io_context& io_;
    exited_fn exited_;
    log_fn log_;
    std::unordered_map<DWORD, std::shared_ptr<child_record>> children_;
    std::vector<unique_handle> orphan_jobs_;
    bool closed_ = false;
};

class windows_process_host final : public process_host {
public:
    windows_process_host(boost::asio::io_context& io, process_callbacks callbacks)
        : io_(io),
          log_(callbacks.log),
          children_(std::make_shared<child_table>(io, std::move(callbacks.exited), callbacks.log)),
          pipes_(std::make_shared<pipe_reader>(io, std::move(callbacks.output), std::move(callbacks.output_closed),
                                               callbacks.log))
    {
    }

    ~windows_process_host() override
    {
        children_->close(); // closing the job handles kills every tree (KILL_ON_JOB_CLOSE)
        pipes_->close();
    }

    windows_process_host(windows_process_host const&) = delete;
    windows_process_host& operator=(windows_process_host const&) = delete;

    spawn_result spawn(spawn_request const& request) override
    {
        auto result = spawn_child(request);
        if (auto* failure = std::get_if<spawn_failure>(&result))
            return std::move(*failure);
        auto& child = std::get<started_child>(result);
        DWORD const pid = child.pid;
        auto out = std::move(child.stdout_read);
        auto err = std::move(child.stderr_read);
        children_->track(request.owner, std::move(child));
        pipes_->add(std::move(out), request.owner, output_stream::out);
        if (err)
            pipes_->add(std::move(err), request.owner, output_stream::err);
        return core::pid_type{pid};
    }

    std::string send_signal(core::pid_type pid, config::signal_id sig, bool /*to_group*/) override
    {
        // Only a child we created and have not seen exit: its pid is the id of
        // the group it leads, and cannot have been recycled. Never group 0.
        auto* rec = pid > 0 ? children_->find(static_cast<DWORD>(pid)) : nullptr;
        if (!rec) {
            log_(log_severity::debug, "not sending " + std::string(config::to_string(sig)) + " to pid " +
                                          std::to_string(pid) + ": not a running child");
            return {};
        }
        switch (sig) {
        case config::signal_id::kill:
            return children_->terminate(*rec) ? std::string() : std::string("cannot terminate its Job Object");
        case config::signal_id::break_:
        case config::signal_id::term:
        case config::signal_id::int_:
        case config::signal_id::quit:
            // Ctrl+C is disabled in a new process group and CTRL_C_EVENT to a
            // group is documented as never delivered: BREAK is the one event.
            rec->stopped = true;
            if (::GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, rec->pid))
                return {};
            return "GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, " + std::to_string(rec->pid) +
                   ") failed: " + last_error_text() + "; its Job Object is killed after stopwaitsecs";
        default:
            return "SIG" + std::string(config::to_string(sig)) +
                   " cannot be sent on Windows (only BREAK, which TERM, INT and QUIT mean, and KILL)";
        }
    }

    void finish(std::function<void(bool)> done) override
    {
        bool const all = children_->kill_all();
        boost::asio::post(io_, [done = std::move(done), all] { done(all); });
    }

private:
    boost::asio::io_context& io_;
    std::function<void(log_severity, std::string)> log_;
    std::shared_ptr<child_table> children_;
    std::shared_ptr<pipe_reader> pipes_;
};

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
    return std::make_unique<windows_process_host>(io, complete(std::move(callbacks)));
}

} // namespace warden::platform
