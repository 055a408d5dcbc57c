// The daemon's operations, shared by both front doors: the JSON-lines
// control socket (control_commands.cpp) and supervisord's XML-RPC
// (src/rpc/). Each front door only translates its wire format and error
// codes; naming processes, waiting for state changes, reading logs,
// re-reading the config and adding or removing groups live here, once.
// Runs on the io_context thread.
#pragma once

#include "runtime/driver.hpp"

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace warden::runtime {

/// How one process's start, stop or restart ended.
struct change_outcome {
    enum class result {
        done,          ///< reached the goal (RUNNING, or down)
        already,       ///< was there already: running for a start, down for a stop
        spawn_failed,  ///< could not be spawned (no executable, bad directory, ...)
        exited_early,  ///< died before counting as started (BACKOFF; only with fail_on_backoff)
        failed,        ///< FATAL, or stopped by someone else while starting
        blocked,       ///< waits for a dependency that will not run by itself
    };
    std::size_t index;
    result how;
    std::string message; ///< "started", "FATAL: exited too quickly", "waiting for db (FATAL)"
    bool ok() const { return how == result::done || how == result::already; }
};

/// What a caller asks of a state change.
struct change_request {
    enum class kind { start, stop, restart };
    kind what;
    std::vector<std::size_t> targets;
    /// supervisord's startProcess: a process that dies before startsecs
    /// fails the start at once (ABNORMAL_TERMINATION), although warden will
    /// retry it; wardenctl keeps waiting through the retries instead.
    bool fail_on_backoff = false;
    /// false: reply once the request is made, without waiting (supervisord's `wait=False`).
    bool wait = true;
};

/// supervisord's view of the configuration's groups, after `reread`.
struct group_diff {
    std::vector<std::string> added, changed, removed;
};

class operations {
public:
    operations(boost::asio::io_context& io, driver& d, std::string version);

    driver& daemon() { return driver_; }
    driver const& daemon() const { return driver_; }
    std::string const& version() const { return version_; }

    // --- names ------------------------------------------------------------------
    /// Processes named by `names`: a process (`web`, `grp:web_01`, and
    /// supervisord's `web:web`), `GROUP:*` (or `GROUP:`), and `all` when
    /// `allow_all`. In start order for groups and `all`. The first unknown
    /// name instead.
    std::variant<std::vector<std::size_t>, std::string> resolve(std::vector<std::string> const& names,
                                                                bool allow_all = true) const;
    /// One process by its supervisord namespec (`group:name`, or `name`).
    std::optional<std::size_t> find_process(std::string const& namespec) const;
    /// The active processes of a group, in start order (empty: no such group).
    std::vector<std::size_t> group_members(std::string const& group) const;
    /// Every active process, in start order.
    std::vector<std::size_t> all_processes() const;
    /// Every active process, by group then process name (supervisord's lexical order).
    std::vector<std::size_t> lexical_processes() const;

    // --- state changes ----------------------------------------------------------
    using change_done = std::function<void(std::vector<change_outcome>)>;
    /// Start, stop or restart; `done` gets one outcome per target, in order,
    /// once every target has settled (never from inside this call's state
    /// notifications). Not during a shutdown (the caller checks).
    void change_state(change_request request, change_done done);

    /// Empty, or why the signal could not be sent.
    std::string signal(std::size_t index, config::signal_id sig);

    // --- logs ---------------------------------------------------------------------
    /// The file a process's stream is captured to; empty for none (`NONE`,
    /// or stderr redirected to stdout).
    std::string log_file(std::size_t index, platform::output_stream stream) const;
    /// The daemon's own log file; empty when it logs to stderr.
    std::string main_log_file() const;
    /// Empty the process's log files (regular files only: a device, pipe or
    /// socket is never truncated); empty, or why not.
    std::string clear_logs(std::size_t index);
    /// Empty the daemon's own log file; empty, or why not.
    std::string clear_main_log();
    /// Follow a process's captured output (not its file: rotation neither
    /// loses nor repeats bytes); the listener returns false to stop.
    void follow_output(std::size_t index, platform::output_stream stream,
                       std::function<bool(std::string_view)> listener);
    /// Follow the daemon's own log lines as they are written.
    void follow_main_log(std::function<bool(std::string_view)> listener);

    // --- configuration ------------------------------------------------------------
    /// Re-read the file and apply the difference (wardenctl reload, SIGHUP).
    reload_outcome reload(bool dry_run);
    /// supervisord's reloadConfig: read the file and remember it, without
    /// applying anything; the group-level difference, or the file's errors.
    std::variant<group_diff, std::string> reread();
    enum class group_change { ok, no_such_group, already_active, still_running };
    /// The processes of the file as last read (reread(), else as started):
    /// what supervisord's getAllConfigInfo lists.
    std::vector<config::process_spec> configured_specs() const;
    /// supervisord's addProcessGroup: from the file last read by reread().
    group_change add_group(std::string const& group);
    /// supervisord's removeProcessGroup: only a group whose processes are all down.
    group_change remove_group(std::string const& group);
    /// supervisord's restart: stop every program, re-read the file, apply
    /// it, start every autostart program; the daemon keeps its pid.
    void restart_all();

    /// The ordered shutdown (posted: the caller's reply goes out first).
    void shutdown();
    bool shutting_down() const { return driver_.supervisor().shutting_down(); }

private:
    boost::asio::io_context& io_;
    driver& driver_;
    std::string version_;
    std::optional<config::config> reread_; ///< the file as reread() last found it
    bool restarting_ = false;
};

/// supervisorctl's last column: "pid 123, uptime 0:00:05", or why it is not running.
/// `waiting_for`: the dependencies a start still waits for ("db (FATAL)");
/// `notify_status`: the last STATUS= of a `ready = notify` process.
std::string describe(core::process_record const& record, std::string const& last_reason, core::time_point now,
                     std::string const& waiting_for = {}, std::string const& notify_status = {});

/// "0:00:05", supervisord's uptime format (hours unbounded).
std::string clock_text(core::duration d);

} // namespace warden::runtime
