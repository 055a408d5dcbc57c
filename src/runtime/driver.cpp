#include "runtime/driver.hpp"

#include "config/load.hpp"
#include "runtime/logging.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace warden::runtime {

namespace asio = boost::asio;

namespace {

// A `ready = exec` check is spawned through the same process host as the
// programs (one reaper sees every child); its owner carries this bit so that
// its exit and output are told apart from the program's.
constexpr std::size_t check_owner = std::size_t{1} << (sizeof(std::size_t) * 8 - 1);

// How long after a failed `ready = exec` check the next one starts.
constexpr std::chrono::seconds exec_check_interval{1};

std::string state_counts(core::supervisor const& sup)
{
    std::array<int, core::process_state_count> counts{};
    for (std::size_t i = 0; i < sup.size(); ++i)
        if (sup.active(i))
            ++counts[static_cast<std::size_t>(sup.record(i).state)];
    // Most interesting first: what runs, then what is on its way, then trouble.
    constexpr std::array order{core::process_state::running, core::process_state::starting,
                               core::process_state::backoff, core::process_state::stopping,
                               core::process_state::fatal,   core::process_state::exited,
                               core::process_state::stopped};
    std::string out;
    for (auto s : order)
        if (int n = counts[static_cast<std::size_t>(s)]; n > 0) {
            std::string name(core::to_string(s));
            std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
            out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + name;
        }
    return out.empty() ? "no programs" : out;
}

} // namespace

driver::driver(asio::io_context& io, config::config cfg, config_loader loader,
               std::unique_ptr<platform::service_notifier> notifier)
    : io_(io), config_(std::move(cfg)), loader_(std::move(loader)), supervisor_(std::move(config_.processes)),
      reporter_(io, std::move(notifier), [this] { return summarize(); })
{
    for (std::size_t i = 0; i < supervisor_.size(); ++i)
        add_slot(i);
    platform::process_callbacks callbacks;
    callbacks.exited = [this](std::size_t i, core::pid_type pid, core::exit_status s, std::string d) {
        if (i & check_owner)
            on_check_exited(i & ~check_owner, pid, s, std::move(d));
        else
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
    slots_[index].check_timer = std::make_unique<asio::steady_timer>(io_);
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

service_reporter::summary driver::summarize() const
{
    return {supervisor_.startup_settled(), state_counts(supervisor_)};
}

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
    reporter_.reloading();
    auto const& wanted = loaded.cfg->processes;
    auto spec_named = [&](std::string const& name) -> config::process_spec const& {
        return *std::find_if(wanted.begin(), wanted.end(), [&](auto const& s) { return s.name == name; });
    };
    auto const now_ = now();
    // Added before changed: a changed program that now depends on an added
    // one must find it when it starts again.
    for (auto const& name : outcome.plan.removed)
        remove_process(*supervisor_.find(name));
    for (auto const& name : outcome.plan.added)
        add_process(spec_named(name));
    for (auto const& name : outcome.plan.changed)
        execute(supervisor_.replace(*supervisor_.find(name), spec_named(name), now_));
    if (!(loaded.cfg->daemon == config_.daemon))
        WARDEN_LOG(warning) << "reload: [warden] settings changed; they take effect when wardend restarts";
    reporter_.reloaded();
    return outcome;
}

void driver::add_process(config::process_spec spec, bool start)
{
    auto actions = supervisor_.add(std::move(spec), now(), start);
    add_slot(supervisor_.size() - 1);
    execute(actions);
}

void driver::remove_process(std::size_t index) { execute(supervisor_.remove(index, now())); }

void driver::start()
{
    requests_ = platform::make_request_source(io_, [this](platform::daemon_request r) { on_request(r); });
    WARDEN_LOG(info) << "warden started: " << supervisor_.size() << " processes from " << config_.file;
    execute(supervisor_.start(now()));
    reporter_.started();
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

platform::spawn_request driver::spawn_request_for(std::size_t index) const
{
    auto const& spec = supervisor_.spec(index);
    platform::spawn_request request;
    request.owner = index;
    request.argv = spec.command;
    request.environment = spec.environment;
    request.directory = spec.directory;
    request.user = spec.user;
    request.umask = spec.umask;
    request.redirect_stderr = spec.redirect_stderr;
    return request;
}

void driver::run_action(core::spawn const& a)
{
    auto const& spec = supervisor_.spec(a.process);
    auto& entry = slots_[a.process];
    ++entry.incarnation;
    entry.output->open();
    auto request = spawn_request_for(a.process);
    if (spec.ready.kind == config::ready_kind::notify) {
        auto error = open_notify_socket(a.process);
        if (!error.empty())
            return feed(a.process, core::spawn_failed{"cannot create its notify socket: " + error});
        request.environment.emplace_back("NOTIFY_SOCKET", entry.notify->address());
    }
    auto result = host_->spawn(request);
    if (auto const* pid = std::get_if<core::pid_type>(&result)) {
        WARDEN_LOG(debug) << spec.name << ": spawned pid " << *pid;
        if (entry.notify)
            entry.notify->accept_group(*pid); // the child leads its own process group
        feed(a.process, core::spawned{*pid});
    } else {
        entry.notify.reset();
        feed(a.process, core::spawn_failed{std::get<platform::spawn_failure>(result).message});
    }
}

// The socket must exist before the spawn (its address goes into the child's
// environment) and lives as long as the process, so that STATUS= keeps
// working after READY=1.
std::string driver::open_notify_socket(std::size_t index)
{
    auto& entry = slots_[index];
    auto const& name = supervisor_.spec(index).name;
    std::string error;
    auto on_message = [this, index, incarnation = entry.incarnation](platform::notify_fields const& fields) {
        for (auto const& [key, value] : fields) {
            if (key == "STATUS")
                slots_[index].notify_status = value;
            else if (key == "READY" && value == "1")
                deliver_ready(index, incarnation, "notify");
        }
    };
    auto log = [](platform::log_severity sev, std::string const& m) {
        if (sev == platform::log_severity::debug)
            WARDEN_LOG(debug) << m;
        else
            WARDEN_LOG(warning) << m;
    };
    entry.notify_status.clear();
    entry.notify = platform::make_notify_listener(io_, name, std::move(on_message), std::move(log), error);
    return entry.notify ? std::string{} : error;
}

// Readiness is fed to the core from a handler of its own: the probe that
// found it may be destroyed by the very state change it causes.
void driver::deliver_ready(std::size_t index, std::uint64_t incarnation, std::string how)
{
    asio::post(io_, [this, index, incarnation, how = std::move(how)] {
        if (finished_ || index >= slots_.size() || slots_[index].incarnation != incarnation)
            return; // a report about an earlier run of the process
        feed(index, core::became_ready{how});
    });
}

void driver::run_action(core::check_ready const& a)
{
    auto const& spec = supervisor_.spec(a.process);
    auto& entry = slots_[a.process];
    switch (spec.ready.kind) {
    case config::ready_kind::tcp:
        entry.tcp = std::make_unique<tcp_probe>(io_, spec.ready.host, spec.ready.port,
                                               [this, index = a.process, incarnation = entry.incarnation,
                                                how = "tcp " + spec.ready.host + ":" + std::to_string(spec.ready.port)] {
                                                   deliver_ready(index, incarnation, how);
                                               });
        return;
    case config::ready_kind::exec:
        do_exec_check(a.process);
        return;
    case config::ready_kind::notify:   // listening since the spawn
    case config::ready_kind::startsecs: // the core's own timer
        return;
    }
}

void driver::do_exec_check(std::size_t index)
{
    auto const& spec = supervisor_.spec(index);
    auto request = spawn_request_for(index);
    request.owner = index | check_owner;
    request.argv = spec.ready.command;
    request.redirect_stderr = true;
    auto result = host_->spawn(request);
    if (auto const* pid = std::get_if<core::pid_type>(&result)) {
        slots_[index].check_pid = *pid;
        return;
    }
    WARDEN_LOG(warning) << spec.name << ": ready check failed to start: "
                        << std::get<platform::spawn_failure>(result).message;
    auto& timer = *slots_[index].check_timer;
    timer.expires_after(exec_check_interval);
    timer.async_wait([this, index](boost::system::error_code ec) {
        if (!ec)
            do_exec_check(index);
    });
}

void driver::on_check_exited(std::size_t index, core::pid_type pid, core::exit_status status, std::string description)
{
    auto& entry = slots_[index];
    if (pid != entry.check_pid)
        return; // a check stopped by stop_ready_check: nobody waits for it any more
    entry.check_pid = 0;
    auto const& name = supervisor_.spec(index).name;
    if (!status.signaled && status.code == 0) {
        deliver_ready(index, entry.incarnation, "exec");
        return;
    }
    WARDEN_LOG(debug) << name << ": ready check " << description << "; next in " << exec_check_interval.count() << "s";
    entry.check_timer->expires_after(exec_check_interval);
    entry.check_timer->async_wait([this, index](boost::system::error_code ec) {
        if (!ec)
            do_exec_check(index);
    });
}

// The process left STARTING: whatever was checking its readiness stops.
void driver::stop_ready_check(std::size_t index)
{
    auto& entry = slots_[index];
    entry.tcp.reset();
    entry.check_timer->cancel();
    if (entry.check_pid != 0) {
        host_->send_signal(entry.check_pid, config::signal_id::kill, true);
        entry.check_pid = 0;
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
    auto& entry = slots_[a.process];
    entry.last_reason = a.reason;
    if (a.from == core::process_state::starting && a.to != core::process_state::starting)
        stop_ready_check(a.process);
    if (!core::has_process(a.to))
        entry.notify.reset();
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
    reporter_.changed();
}

void driver::run_action(core::report_waiting const& a)
{
    slots_[a.process].last_reason = "waiting for " + a.on;
    WARDEN_LOG(info) << supervisor_.spec(a.process).name << ": waiting for " << a.on;
}

void driver::run_action(core::fail_daemon const& a)
{
    exit_code_ = 1;
    WARDEN_LOG(error) << supervisor_.spec(a.process).name << ": essential program " << a.reason
                      << ": shutting down (exit status 1)";
    reporter_.stopping(supervisor_.shutdown_budget());
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
    slots_[a.process].notify.reset();
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
    if (index & check_owner)
        return; // a ready check's output: only its exit status counts
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
        reporter_.stopping(supervisor_.shutdown_budget());
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
    for (auto& s : slots_) {
        s.timer->cancel();
        s.check_timer->cancel();
        s.tcp.reset();
        s.notify.reset();
    }
    reporter_.close();
    if (requests_)
        requests_->close();
    for (auto& hook : finish_hooks_)
        hook();
    WARDEN_LOG(info) << "warden stopped";
    asio::post(io_, [this] { host_.reset(); });
}

} // namespace warden::runtime
