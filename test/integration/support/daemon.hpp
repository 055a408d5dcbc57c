// Running the real wardend in integration tests, and reading its log.
#pragma once

#include "support/files.hpp"
#include "support/proc.hpp"

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace warden::it {

/// The wardend and warden-test-child binaries under test (the environment
/// variable WARDEN_IT_WARDEND, when set, names another wardend).
std::string wardend_path();
std::string child_path();

/// One state line of the daemon log:
/// `2026-11-22 00:14:15.351 INFO web: STARTING -> RUNNING: stayed up for 1s (startsecs) [pid 8570]`.
struct state_change {
    std::string line;
    std::int64_t wall_ms = 0; ///< the line's timestamp, in ms since the epoch
    std::string name, from, to, reason;
    pid_t pid = 0; ///< 0 when the line names no pid
};

/// Every state line of `log`, in order; only those of `name` when it is not empty.
std::vector<state_change> state_changes(std::string const& log, std::string_view name = {});

/// Starts a program with stdin from /dev/null and stdout+stderr to `output`,
/// in this process's environment (without systemd's JOURNAL_STREAM and
/// NOTIFY_SOCKET) plus `extra_env`: "NAME=value" sets NAME, a bare "NAME" unsets it.
pid_t spawn_process(std::vector<std::string> const& argv, fs::path const& output,
                    std::vector<std::string> const& extra_env = {});

/// What a program run to completion did.
struct run_result {
    int status = -1; ///< exit code, or 128 + signal
    std::string output; ///< stdout and stderr together
};

/// Runs `wardend ARGS` to completion (its output into a file in `dir`) and
/// fails the test if it has not ended within `timeout`.
run_result run_wardend(temp_dir const& dir, std::vector<std::string> const& args,
                       clock::duration timeout = 10s);

/// A running daemon, `wardend -c CONFIG` (the class is not called `daemon`:
/// glibc has a function of that name): its stdout and stderr go to `daemon.log`
/// in the test's directory. Every wait has a deadline, and a wait that times
/// out fails the test with the whole log. The destructor SIGKILLs the daemon
/// if it still runs, reaps it, then SIGKILLs every process whose command
/// line names the test's directory (children, grandchildren, orphans), so a
/// failing test leaves nothing behind; when the test has failed it also
/// prints the log.
class wardend {
public:
    /// `launcher`, when not empty, is a command that runs wardend (e.g.
    /// `unshare --pid --fork --mount-proc`): argv is launcher + wardend argv,
    /// and pid() is then the launcher's pid.
    wardend(temp_dir const& dir, fs::path const& config, std::vector<std::string> extra_args = {},
            std::vector<std::string> extra_env = {}, std::vector<std::string> launcher = {});
    ~wardend();
    wardend(wardend const&) = delete;
    wardend& operator=(wardend const&) = delete;

    /// The process started: wardend itself, or the launcher when there is one.
    pid_t pid() const { return pid_; }
    fs::path const& log_path() const { return log_path_; }
    /// The daemon log so far.
    std::string log() const;
    /// Every state line so far (of `name` only, when given).
    std::vector<state_change> states(std::string_view name = {}) const { return state_changes(log(), name); }

    /// Waits until the log contains `text`.
    void wait_for_log(std::string_view text, clock::duration timeout) const;
    /// Waits until the log matches `pattern` (std::regex_search, first match);
    /// returns the match: [0] the whole, [1]... the groups.
    std::vector<std::string> wait_for_log(std::regex const& pattern, clock::duration timeout) const;
    /// Waits until `name` has entered `state` `nth` times; returns the nth such line.
    state_change wait_state(std::string_view name, std::string_view state, clock::duration timeout,
                            std::size_t nth = 1) const;
    /// The pid of `name` from its last `-> RUNNING ... [pid N]` line (0 if none).
    pid_t pid_of(std::string_view name) const;

    /// Sends `sig` to the daemon.
    void signal(int sig) const;
    /// Waits until the daemon exits; returns its exit code (128 + signal if a signal ended it).
    int wait_exit(clock::duration timeout);
    /// The daemon has not exited yet (reaps it if it has).
    bool running() const;

    /// Fails the test now, with `why` and the whole log.
    [[noreturn]] void fail(std::string const& why) const;

private:
    bool poll_exit() const;
    // Polls `found` until it holds (-> true), the daemon exits (-> one last
    // look), or `timeout` passes (-> false).
    bool poll_log(std::function<bool()> const& found, clock::duration timeout) const;
    std::string exit_note() const;

    std::string marker_;
    fs::path log_path_;
    pid_t pid_ = 0;
    mutable std::optional<int> status_;
    mutable bool log_printed_ = false;
};

} // namespace warden::it
