#include "runtime/driver.hpp"

#include "config/load.hpp"
#include "runtime/logging.hpp"

#include <boost/asio/post.hpp>

namespace warden::runtime {

namespace asio = boost::asio;

driver::driver(asio::io_context& io, config::config cfg)
    : io_(io), config_(std::move(cfg)), supervisor_(config_.processes)
{
    slots_.resize(supervisor_.size());
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        slots_[i].timer = std::make_unique<asio::steady_timer>(io_);
        slots_[i].output = std::make_unique<output_capture>(
            supervisor_.spec(i), [](std::string const& m) { WARDEN_LOG(error) << m; });
    }
    platform::process_callbacks callbacks;
    callbacks.exited = [this](std::size_t i, core::pid_type pid, core::exit_status s, std::string d) {
        on_exited(i, pid, s, std::move(d));
    };
    callbacks.output = [this](std::size_t i, platform::output_stream s, std::string_view b) { on_output(i, s, b); };
    callbacks.output_closed = [](std::size_t, platform::output_stream) {};
    callbacks.log = [](platform::log_severity sev, std::string const& m) {
        switch (sev) {
        case platform::log_severity::debug: WARDEN_LOG(debug) << m; break;
        case platform::log_severity::info: WARDEN_LOG(info) << m; break;
        case platform::log_severity::warning: WARDEN_LOG(warning) << m; break;
        case platform::log_severity::error: WARDEN_LOG(error) << m; break;
        }
    };
    host_ = platform::make_process_host(io_, std::move(callbacks));
}

driver::~driver() = default;

void driver::start()
{
    requests_ = platform::make_request_source(io_, [this](platform::daemon_request r) { on_request(r); });
    WARDEN_LOG(info) << "warden started: " << supervisor_.size() << " processes from " << config_.file;
    execute(supervisor_.start(now()));
}

void driver::feed(std::size_t index, core::process_event const& event)
{
    execute(supervisor_.handle(index, event, now()));
}

void driver::execute(std::vector<core::action> const& actions)
{
    for (auto const& a : actions)
        std::visit([this](auto const& x) { run_action(x); }, a);
}

void driver::run_action(core::spawn const& a)
{
    auto const& spec = supervisor_.spec(a.process);
    slots_[a.process].output->open();
    platform::spawn_request request;
    request.owner = a.process;
    request.argv = spec.command;
    request.environment = spec.environment;
    request.directory = spec.directory;
    request.user = spec.user;
    request.umask = spec.umask;
    request.redirect_stderr = spec.redirect_stderr;
    auto result = host_->spawn(request);
    if (auto const* pid = std::get_if<core::pid_type>(&result)) {
        WARDEN_LOG(debug) << spec.name << ": spawned pid " << *pid;
        feed(a.process, core::spawned{*pid});
    } else {
        feed(a.process, core::spawn_failed{std::get<platform::spawn_failure>(result).message});
    }
}

void driver::run_action(core::send_signal const& a)
{
    auto const& name = supervisor_.spec(a.process).name;
    WARDEN_LOG(info) << name << ": sending SIG" << config::to_string(a.signal) << " to "
                     << (a.to_group ? "process group " : "pid ") << a.pid;
    auto error = host_->send_signal(a.pid, a.signal, a.to_group);
    if (!error.empty())
        WARDEN_LOG(warning) << name << ": sending SIG" << config::to_string(a.signal) << " failed: " << error;
}

void driver::run_action(core::arm_timer const& a)
{
    auto& timer = *slots_[a.process].timer;
    timer.expires_at(a.deadline); // cancels the previous wait, if any
    timer.async_wait([this, index = a.process, generation = a.generation](boost::system::error_code ec) {
        if (ec == asio::error::operation_aborted)
            return;
        feed(index, core::timer_fired{generation});
    });
}

void driver::run_action(core::report_state const& a)
{
    auto const& r = supervisor_.record(a.process);
    auto line = supervisor_.spec(a.process).name + ": " + std::string(core::to_string(a.from)) + " -> " +
                std::string(core::to_string(a.to)) + ": " + a.reason;
    if (r.pid != 0)
        line += " [pid " + std::to_string(r.pid) + "]";
    switch (a.to) {
    case core::process_state::fatal: WARDEN_LOG(error) << line; break;
    case core::process_state::backoff: WARDEN_LOG(warning) << line; break;
    default: WARDEN_LOG(info) << line; break;
    }
}

void driver::run_action(core::finish_shutdown const&)
{
    WARDEN_LOG(info) << "every program is stopped; reaping what is left";
    host_->finish([this](bool all_reaped) { on_finished(all_reaped); });
}

void driver::on_exited(std::size_t index, core::pid_type pid, core::exit_status status, std::string description)
{
    WARDEN_LOG(debug) << supervisor_.spec(index).name << ": pid " << pid << " " << description;
    feed(index, core::exited{status, std::move(description)});
}

void driver::on_output(std::size_t index, platform::output_stream stream, std::string_view bytes)
{
    slots_[index].output->write(stream, bytes);
}

void driver::on_request(platform::daemon_request request)
{
    switch (request) {
    case platform::daemon_request::shutdown:
        if (finished_)
            return;
        if (!supervisor_.shutting_down())
            WARDEN_LOG(info) << "shutdown requested: stopping programs, highest priority first";
        else
            WARDEN_LOG(warning) << "second shutdown request: killing every process now";
        execute(supervisor_.request_shutdown(now()));
        return;
    case platform::daemon_request::reopen_logs:
        WARDEN_LOG(info) << "reopening log files";
        reopen_logs();
        return;
    case platform::daemon_request::reload:
        // Reload with diff arrives with the control plane (issue 3).
        WARDEN_LOG(warning) << "SIGHUP: reload is not implemented in this version; ignored";
        return;
    }
}

void driver::reopen_logs()
{
    logging::reopen();
    for (auto& s : slots_)
        s.output->reopen();
}

// Everything is reaped: release every I/O object so that io_context::run()
// returns by itself (we never call io_context::stop()).
void driver::on_finished(bool all_reaped)
{
    finished_ = true;
    if (!all_reaped)
        exit_code_ = 1; // SPEC §4: exit 0 only when every child is reaped
    for (auto& s : slots_)
        s.timer->cancel();
    if (requests_)
        requests_->close();
    WARDEN_LOG(info) << "warden stopped";
    asio::post(io_, [this] { host_.reset(); });
}

} // namespace warden::runtime
