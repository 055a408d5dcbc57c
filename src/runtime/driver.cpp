#include "runtime/driver.hpp"

#include "config/load.hpp"
#include "runtime/logging.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

namespace warden::runtime {

namespace asio = boost::asio;

driver::driver(asio::io_context& io, config::config cfg, config_loader loader)
    : io_(io), config_(std::move(cfg)), loader_(std::move(loader)), supervisor_(config_.processes)
{
    for (std::size_t i = 0; i < supervisor_.size(); ++i)
        add_slot(i);
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

void driver::add_slot(std::size_t index)
{
    if (slots_.size() <= index)
        slots_.resize(index + 1);
    slots_[index].timer = std::make_unique<asio::steady_timer>(io_);
    slots_[index].output = std::make_unique<output_capture>(supervisor_.spec(index),
                                                            [](std::string const& m) { WARDEN_LOG(error) << m; });
}

template <class Listener, class... Args>
void driver::notify(std::list<Listener>& listeners, Args const&... args)
{
    for (auto it = listeners.begin(); it != listeners.end();)
        it = (*it)(args...) ? std::next(it) : listeners.erase(it);
}

void driver::listen_states(state_listener listener) { state_listeners_.push_back(std::move(listener)); }
void driver::listen_output(output_listener listener) { output_listeners_.push_back(std::move(listener)); }

void driver::start_process(std::size_t index) { feed(index, core::start_requested{}); }
void driver::stop_process(std::size_t index) { feed(index, core::stop_requested{}); }

std::string driver::signal_process(std::size_t index, config::signal_id signal)
{
    auto const& r = supervisor_.record(index);
    if (r.pid == 0)
        return "not running";
    auto const& spec = supervisor_.spec(index);
    WARDEN_LOG(info) << spec.name << ": sending SIG" << config::to_string(signal) << " to process group " << r.pid
                     << " (requested)";
    return host_->send_signal(r.pid, signal, spec.stopasgroup);
}

void driver::request_shutdown() { on_request(platform::daemon_request::shutdown); }

reload_outcome driver::reload(bool dry_run)
{
    reload_outcome outcome;
    auto loaded = loader_(config_.file);
    outcome.diagnostics = std::move(loaded.diagnostics);
    if (!loaded.cfg)
        return outcome;
    outcome.valid = true;
    outcome.plan = core::plan_reload(supervisor_.active_specs(), loaded.cfg->processes);
    if (dry_run || supervisor_.shutting_down())
        return outcome;
    outcome.applied = true;
    auto const& wanted = loaded.cfg->processes;
    auto spec_named = [&](std::string const& name) -> config::process_spec const& {
        return *std::find_if(wanted.begin(), wanted.end(), [&](auto const& s) { return s.name == name; });
    };
    auto const now_ = now();
    for (auto const& name : outcome.plan.removed)
        execute(supervisor_.remove(*supervisor_.find(name), now_));
    for (auto const& name : outcome.plan.changed)
        execute(supervisor_.replace(*supervisor_.find(name), spec_named(name), now_));
    for (auto const& name : outcome.plan.added) {
        auto actions = supervisor_.add(spec_named(name), now_);
        add_slot(supervisor_.size() - 1);
        execute(actions);
    }
    if (!(loaded.cfg->daemon == config_.daemon))
        WARDEN_LOG(warning) << "reload: [warden] settings changed; they take effect when wardend restarts";
    config_.processes = supervisor_.active_specs();
    return outcome;
}

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
    slots_[a.process].last_reason = a.reason;
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
    notify(state_listeners_, a);
}

void driver::run_action(core::reconfigure const& a)
{
    WARDEN_LOG(info) << supervisor_.spec(a.process).name << ": configuration changed";
    add_slot(a.process);
}

void driver::run_action(core::release const& a)
{
    WARDEN_LOG(info) << supervisor_.spec(a.process).name << ": removed from the configuration";
    slots_[a.process].timer->cancel();
    slots_[a.process].output.reset();
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
    if (auto& output = slots_[index].output)
        output->write(stream, bytes);
    notify(output_listeners_, index, stream, bytes);
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
        reload_on_signal();
        return;
    }
}

void driver::reopen_logs()
{
    logging::reopen();
    for (auto& s : slots_)
        if (s.output)
            s.output->reopen();
}

void driver::reload_on_signal()
{
    if (supervisor_.shutting_down())
        return;
    WARDEN_LOG(info) << "SIGHUP: reloading " << config_.file;
    auto outcome = reload(false);
    log_reload(outcome);
}

void driver::log_reload(reload_outcome const& outcome)
{
    if (!outcome.valid) {
        for (auto const& d : outcome.diagnostics)
            if (d.level == config::severity::error)
                WARDEN_LOG(error) << "reload: " << config::format(d);
        WARDEN_LOG(error) << "reload: " << config_.file << " is invalid; the running configuration stays";
        return;
    }
    auto list = [](std::vector<std::string> const& names) {
        std::string out;
        for (auto const& n : names)
            out += (out.empty() ? "" : ", ") + n;
        return out.empty() ? std::string("-") : out;
    };
    WARDEN_LOG(info) << "reload" << (outcome.applied ? "" : " (not applied)") << ": added " << list(outcome.plan.added)
                     << "; changed " << list(outcome.plan.changed) << "; removed " << list(outcome.plan.removed)
                     << "; unchanged " << outcome.plan.unchanged.size();
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
    for (auto& hook : finish_hooks_)
        hook();
    WARDEN_LOG(info) << "warden stopped";
    asio::post(io_, [this] { host_.reset(); });
}

} // namespace warden::runtime
