// The driver: the edge around the pure core. It owns the timers, the platform
// objects and the output files; it executes the core's actions and turns
// completions (exits, timers, signals) into core events. Everything runs on
// one io_context thread, so there is no locking anywhere.
#pragma once

#include "config/program_spec.hpp"
#include "core/supervisor.hpp"
#include "platform/process_host.hpp"
#include "runtime/output_capture.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <vector>

namespace warden::runtime {

class driver {
public:
    driver(boost::asio::io_context& io, config::config cfg);
    ~driver();

    /// Listen for stop requests and start the autostart programs. The daemon
    /// is done when io_context::run() returns; then read exit_code().
    void start();

    int exit_code() const { return exit_code_; }

private:
    struct slot {
        std::unique_ptr<boost::asio::steady_timer> timer;
        std::unique_ptr<output_capture> output;
    };

    void feed(std::size_t index, core::process_event const& event);
    void execute(std::vector<core::action> const& actions);
    void run_action(core::spawn const& a);
    void run_action(core::send_signal const& a);
    void run_action(core::arm_timer const& a);
    void run_action(core::report_state const& a);
    void run_action(core::finish_shutdown const& a);

    void on_exited(std::size_t index, core::pid_type pid, core::exit_status status, std::string description);
    void on_output(std::size_t index, platform::output_stream stream, std::string_view bytes);
    void on_request(platform::daemon_request request);
    void on_finished(bool all_reaped);
    void reopen_logs();

    static core::time_point now() { return core::clock::now(); }

    boost::asio::io_context& io_;
    config::config config_;
    core::supervisor supervisor_;
    std::vector<slot> slots_;
    std::unique_ptr<platform::process_host> host_;
    std::unique_ptr<platform::request_source> requests_;
    bool finished_ = false;
    int exit_code_ = 0;
};

} // namespace warden::runtime
