// The platform seam: start, signal and watch child processes; learn that the
// daemon was asked to stop. One implementation per OS, in its own folder
// (posix/, windows/), chosen at link time; the driver sees only this header.
#pragma once

#include "config/program_spec.hpp"
#include "core/types.hpp"

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace boost::asio { class io_context; }

namespace warden::platform {

enum class log_severity { debug, info, warning, error };

/// Which captured stream a chunk of output came from.
enum class output_stream { out, err };

/// Everything needed to start one child.
struct spawn_request {
    std::size_t owner = 0;                  ///< the driver's process index; echoed in every callback
    std::vector<std::string> argv;          ///< argv[0] is searched in PATH when it has no '/'
    std::vector<std::pair<std::string, std::string>> environment; ///< on top of the daemon's
    std::string directory;                  ///< empty: inherit
    std::string user;                       ///< empty: no change
    std::optional<unsigned> umask;
    bool redirect_stderr = false;           ///< stderr goes into the stdout pipe
};

struct spawn_failure {
    std::string message; ///< e.g. "cannot execute 'foo': No such file or directory"
};

using spawn_result = std::variant<core::pid_type, spawn_failure>;

/// Callbacks, always invoked on the io_context's thread.
struct process_callbacks {
    /// A child we spawned has exited and has been reaped.
    std::function<void(std::size_t owner, core::pid_type, core::exit_status, std::string description)> exited;
    /// A chunk of a child's captured output (never empty).
    std::function<void(std::size_t owner, output_stream, std::string_view bytes)> output;
    /// End of a child's output stream (every writer, grandchildren included, closed it).
    std::function<void(std::size_t owner, output_stream)> output_closed;
    /// Something the daemon log should say (an orphan reaped, a failed kill...).
    std::function<void(log_severity, std::string message)> log;
};

class process_host {
public:
    virtual ~process_host() = default;

    /// Start a child in its own process group with its output captured.
    /// A failure (no such file, bad directory, unknown user, exec error) is a
    /// returned value, never an exception; no zombie is left behind.
    virtual spawn_result spawn(spawn_request const& request) = 0;

    /// Send `sig` to the child's process group (to_group) or to its pid only.
    /// Returns an empty string or the reason it failed.
    virtual std::string send_signal(core::pid_type pid, config::signal_id sig, bool to_group) = 0;

    /// After every supervised child is gone: kill whatever descendants are
    /// still ours (re-parented orphans), reap them, then call `done` with
    /// whether every one was reaped (false: it gave up on some, and said so).
    virtual void finish(std::function<void(bool all_reaped)> done) = 0;
};

/// Why the daemon was asked to act by its environment (signals, console events).
enum class daemon_request { shutdown, reload, reopen_logs };

/// Delivers daemon_requests (SIGTERM/SIGINT/SIGHUP/SIGUSR2 on POSIX; console
/// control events on Windows) on the io_context thread.
class request_source {
public:
    virtual ~request_source() = default;
    /// Stop listening (the daemon is exiting).
    virtual void close() = 0;
};

std::unique_ptr<process_host> make_process_host(boost::asio::io_context& io, process_callbacks callbacks);
std::unique_ptr<request_source> make_request_source(boost::asio::io_context& io,
                                                    std::function<void(daemon_request)> on_request);

/// Prepare the daemon process itself (POSIX: become a child subreaper, ignore
/// SIGPIPE, raise RLIMIT_NOFILE/NPROC to minfds/minprocs). Returns warnings to log.
std::vector<std::string> prepare_daemon(config::daemon_spec const& spec);

/// The host name for %(host_node_name)s, and whether a user exists.
std::string host_node_name();
/// The daemon's own process id.
core::pid_type current_pid();
/// The daemon's environment, for %(ENV_X)s.
std::map<std::string, std::string> environment_variables();
bool user_exists(std::string const& name);

} // namespace warden::platform
