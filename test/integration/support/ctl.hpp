// Talking to the daemon's control socket in integration tests: running
// wardenctl (as ourselves or as `nobody`), a process whose output is read
// while it runs (tail -f), and a raw socket client for malformed input.
#pragma once

#include "support/config_text.hpp" // socket_path(dir): where warden_section puts the socket
#include "support/files.hpp"
#include "support/proc.hpp"

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace warden::it {

/// The wardenctl binary under test (WARDEN_IT_WARDENCTL, when set, names another).
std::string wardenctl_path();

/// Who runs the client.
enum class run_as {
    self,
    nobody, ///< through `setpriv --reuid=nobody --regid=nogroup --clear-groups`
};

/// A program started with stdout and stderr on pipes that the test reads
/// while it runs (never blocking: every read waits at most a given time).
/// The destructor SIGKILLs it if it still runs and reaps it.
class piped_process {
public:
    explicit piped_process(std::vector<std::string> argv);
    ~piped_process();
    piped_process(piped_process const&) = delete;
    piped_process& operator=(piped_process const&) = delete;

    pid_t pid() const { return pid_; }
    std::vector<std::string> const& argv() const { return argv_; }

    /// Waits up to `wait` for output, then takes everything available now.
    /// Returns true if anything was read.
    bool read_some(clock::duration wait);
    /// Everything read so far.
    std::string const& out() const { return out_; }
    std::string const& err() const { return err_; }

    /// Reaps it if it has exited; true once it has.
    bool exited();
    /// Its exit code (128 + signal), once exited() said so.
    std::optional<int> status() const { return status_; }
    /// Waits until it has exited and both pipes reached EOF (reading all the
    /// while); false when `timeout` passed first.
    bool finish(clock::duration timeout);
    /// Sends `sig` (if it still runs).
    void kill(int sig) const;

private:
    std::vector<std::string> argv_;
    pid_t pid_ = 0;
    int out_fd_ = -1, err_fd_ = -1;
    std::string out_, err_;
    std::optional<int> status_;
};

/// What a finished wardenctl did.
struct ctl_result {
    int status = -1; ///< exit code, or 128 + signal
    std::string out, err;
    /// stdout and stderr together (for "the message says ...").
    std::string both() const { return out + err; }
    /// "exit 1; stdout: ...; stderr: ..." for assertion messages.
    std::string describe() const;
};

/// Runs `wardenctl ARGS` (exactly these arguments) to completion; fails the
/// test (and kills it) when it has not ended within `timeout`.
ctl_result run_wardenctl(std::vector<std::string> const& args, clock::duration timeout = 30s,
                         run_as who = run_as::self);

/// `wardenctl -s <dir>/warden.sock ARGS`.
ctl_result ctl(temp_dir const& dir, std::vector<std::string> const& args, clock::duration timeout = 30s,
               run_as who = run_as::self);

/// The argv that runs `wardenctl -s <dir>/warden.sock ARGS` (for piped_process).
std::vector<std::string> ctl_argv(temp_dir const& dir, std::vector<std::string> const& args,
                                  run_as who = run_as::self);

/// One line of `wardenctl status`: `name  STATE  description`, with the
/// columns where the state and the description start.
struct status_row {
    std::string name, state, description;
    std::size_t state_column = 0, description_column = 0; ///< description_column 0: none
    std::string line;
};

/// Every line of a status table.
std::vector<status_row> parse_status(std::string const& table);
/// The row of `name`, or nullopt.
std::optional<status_row> row_of(std::vector<status_row> const& rows, std::string_view name);
/// N from a description "pid N, ..." (0 when there is none).
pid_t pid_in(std::string const& description);

/// The lines of `text` (without their '\n'; a last line without one included).
std::vector<std::string> lines_of(std::string const& text);

/// A raw client of the control socket, for what wardenctl never sends.
/// Never uses Boost.Test (safe in threads): failures are exceptions or
/// empty results.
class raw_client {
public:
    /// Connects (non-blocking socket); throws std::runtime_error on failure.
    explicit raw_client(fs::path const& socket);
    ~raw_client();
    raw_client(raw_client const&) = delete;
    raw_client& operator=(raw_client const&) = delete;

    /// Writes every byte of `bytes` before `timeout`; false if it could not.
    bool send(std::string_view bytes, clock::duration timeout = 10s);
    /// The next line (without its '\n'); nullopt on EOF, error or timeout.
    std::optional<std::string> read_line(clock::duration timeout);
    /// Sends `line` and a newline, then reads one reply line.
    std::optional<std::string> request(std::string_view line, clock::duration timeout = 10s);
    /// The socket reached EOF (the daemon closed it).
    bool eof() const { return eof_; }
    int fd() const { return fd_; }

private:
    int fd_ = -1;
    std::string buffer_;
    bool eof_ = false;
};

} // namespace warden::it
