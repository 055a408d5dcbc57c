// The driver: the edge around the pure core. It owns the timers, the platform
// objects and the output files; it executes the core's actions and turns
// completions (exits, timers, signals) into core events. Everything runs on
// one io_context thread, so there is no locking anywhere.
#pragma once

#include "config/load.hpp"
#include "config/program_spec.hpp"
#include "core/reload_plan.hpp"
#include "core/supervisor.hpp"
#include "platform/notify.hpp"
#include "platform/process_host.hpp"
#include "runtime/output_capture.hpp"
#include "runtime/service_reporter.hpp"
#include "runtime/tcp_probe.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <list>
#include <memory>
#include <string>
#include <vector>

namespace warden::runtime {

/// Reads and validates a config file (the daemon's own load options).
using config_loader = std::function<config::load_result(std::string const& path)>;

/// What a reload found and did.
struct reload_outcome {
    std::vector<config::diagnostic> diagnostics; ///< every error/warning of the new file
    bool valid = false;                           ///< no error: the plan is meaningful
    bool applied = false;
    core::reload_plan plan;
};

class driver {
public:
    /// `notifier`: the service manager to report to (sd_notify), or null.
    driver(boost::asio::io_context& io, config::config cfg, config_loader loader,
           std::unique_ptr<platform::service_notifier> notifier = nullptr);
    ~driver();

    /// Listen for stop requests and start the autostart programs. The daemon
    /// is done when io_context::run() returns; then read exit_code().
    void start();

    int exit_code() const { return exit_code_; }

    // --- operations for the control plane ------------------------------------

    core::supervisor const& supervisor() const { return supervisor_; }
    /// The reason given with the process's last state change ("exit status 1").
    std::string const& last_reason(std::size_t index) const { return slots_.at(index).last_reason; }
    /// The last STATUS= a `ready = notify` process sent (empty if none).
    std::string const& notify_status(std::size_t index) const { return slots_.at(index).notify_status; }
    void start_process(std::size_t index);
    void stop_process(std::size_t index);
    /// Empty, or why the signal could not be sent.
    std::string signal_process(std::size_t index, config::signal_id signal);
    /// Re-read the config file and apply the difference (unless dry_run).
    reload_outcome reload(bool dry_run);
    /// Read and validate the config file again, changing nothing.
    config::load_result read_config() const { return loader_(config_.file); }
    /// Add one process (started when `autostart` and `start`); its index is supervisor().size() - 1.
    void add_process(config::process_spec spec, bool start = true);
    /// Remove one process (stopped first if it runs).
    void remove_process(std::size_t index);
    /// The config file, as given.
    std::string const& config_file() const { return config_.file; }
    /// `[warden]` as the daemon started with it.
    config::daemon_spec const& daemon_settings() const { return config_.daemon; }
    /// One log summary of a reload (SIGHUP or wardenctl).
    void log_reload(reload_outcome const& outcome);
    /// The same ordered shutdown as SIGTERM.
    void request_shutdown();

    /// Run when the daemon has finished (every child reaped), before run() returns.
    void at_finish(std::function<void()> hook) { finish_hooks_.push_back(std::move(hook)); }

    /// Called on every state change; return false to stop listening. A
    /// listener must not call back into the driver: post instead.
    using state_listener = std::function<bool(core::report_state const&)>;
    void listen_states(state_listener listener);
    /// Called with every chunk of captured output; return false to stop listening.
    using output_listener = std::function<bool(std::size_t index, platform::output_stream, std::string_view)>;
    void listen_output(output_listener listener);

private:
    struct slot {
        std::unique_ptr<boost::asio::steady_timer> timer;
        std::unique_ptr<output_capture> output; ///< null once released
        std::string last_reason = "not started";
        /// Counts spawns, so that a readiness report from an earlier run of the process is dropped.
        std::uint64_t incarnation = 0;
        std::unique_ptr<platform::notify_listener> notify; ///< ready = notify, while the process lives
        std::string notify_status;
        std::unique_ptr<tcp_probe> tcp;                    ///< ready = tcp, while STARTING
        std::unique_ptr<boost::asio::steady_timer> check_timer; ///< ready = exec: the next attempt
        core::pid_type check_pid = 0;                      ///< ready = exec: the check running now
    };

    void add_slot(std::size_t index);
    platform::spawn_request spawn_request_for(std::size_t index) const;
    std::string open_notify_socket(std::size_t index);
    void deliver_ready(std::size_t index, std::uint64_t incarnation, std::string how);
    void do_exec_check(std::size_t index);
    void on_check_exited(std::size_t index, core::pid_type pid, core::exit_status status, std::string description);
    void stop_ready_check(std::size_t index);
    service_reporter::summary summarize() const;

    void feed(std::size_t index, core::process_event const& event);
    void execute(std::vector<core::action> const& actions);
    void run_action(core::spawn const& a);
    void run_action(core::send_signal const& a);
    void run_action(core::arm_timer const& a);
    void run_action(core::report_state const& a);
    void run_action(core::finish_shutdown const& a);
    void run_action(core::reconfigure const& a);
    void run_action(core::release const& a);
    void run_action(core::check_ready const& a);
    void run_action(core::report_waiting const& a);
    void run_action(core::fail_daemon const& a);

    void on_exited(std::size_t index, core::pid_type pid, core::exit_status status, std::string description);
    void on_output(std::size_t index, platform::output_stream stream, std::string_view bytes);
    void on_request(platform::daemon_request request);
    void on_finished(bool all_reaped);
    void reopen_logs();
    void reload_on_signal();

    static core::time_point now() { return core::clock::now(); }

    template <class Listener, class... Args>
    static void notify(std::list<Listener>& listeners, Args const&... args);

    boost::asio::io_context& io_;
    config::config config_; ///< its processes moved into supervisor_, which owns the specs from then on
    config_loader loader_;
    std::list<state_listener> state_listeners_;
    std::list<output_listener> output_listeners_;
    std::vector<std::function<void()>> finish_hooks_;
    core::supervisor supervisor_;
    std::vector<slot> slots_;
    std::unique_ptr<platform::process_host> host_;
    std::unique_ptr<platform::request_source> requests_;
    service_reporter reporter_;
    bool finished_ = false;
    int exit_code_ = 0;
};

} // namespace warden::runtime
