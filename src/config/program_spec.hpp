// Typed, defaulted, validated configuration: what the rest of warden sees.
//
// Nothing here is raw text any more: every value has been expanded, converted
// and checked by validate.hpp. The core and the runtime only ever receive a
// `config` that validated without errors.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace warden::config {

/// Where a key (or section) came from, for `FILE:LINE: message`.
struct source_location {
    std::string file;
    int line = 0;
    bool operator==(source_location const&) const = default;
};

/// A portable signal name. The platform layer maps it to a number (POSIX) or
/// to a console event / job kill (Windows).
enum class signal_id {
    hup, int_, quit, kill, usr1, usr2, term, alrm, cont, stop, winch, break_,
};

/// supervisord's `autorestart`.
enum class autorestart_mode { never, unexpected, always };

/// How a log destination was configured.
enum class log_target_kind { automatic, none, file };

/// `stdout_logfile` / `stderr_logfile` and their rotation settings.
struct log_target {
    log_target_kind kind = log_target_kind::automatic;
    std::string path;           ///< the file to write: resolved for `file`, `<childlogdir>/<name>-stdout.log` for `automatic`; empty for `none`
    std::uint64_t max_bytes = 50ull * 1024 * 1024; ///< 0: never rotate
    int backups = 10;
    bool operator==(log_target const&) const = default;
};

/// `ready =` (warden's own key): when a STARTING process counts as RUNNING.
/// `notify` is a config error on Windows.
enum class ready_kind { startsecs, tcp, notify, exec };

struct ready_check {
    ready_kind kind = ready_kind::startsecs;
    std::string host;                 ///< tcp
    std::uint16_t port = 0;           ///< tcp
    std::vector<std::string> command; ///< exec
    bool operator==(ready_check const&) const = default;
};

/// One process to supervise (a `[program:x]` with numprocs N gives N of them).
struct process_spec {
    std::string name;          ///< full name: `prog`, or `group:prog_01` in an explicit group
    std::string process_name;  ///< expanded `process_name`
    std::string program;       ///< the `[program:x]` it came from
    std::string group;         ///< group name (the program name unless in a [group:x])
    int process_num = 0;
    source_location where;     ///< the `[program:x]` header

    std::vector<std::string> command; ///< argv, already split; argv[0] not yet PATH-resolved
    int priority = 999;
    /// The `[group:g]`'s priority, or `priority` for a program in no group.
    /// supervisord starts groups in ascending group priority and, within a
    /// group, processes in ascending priority (stopping in reverse): the
    /// order key is (group_priority, priority).
    int group_priority = 999;
    bool autostart = true;
    std::chrono::seconds startsecs{1};
    int startretries = 3;
    autorestart_mode autorestart = autorestart_mode::unexpected;
    std::vector<int> exitcodes{0};
    signal_id stopsignal = signal_id::term;
    std::chrono::seconds stopwaitsecs{10};
    bool stopasgroup = true;   ///< warden's default differs from supervisord on purpose
    bool killasgroup = true;
    std::string user;          ///< empty: the daemon's user
    std::string directory;     ///< empty: the daemon's working directory
    std::optional<unsigned> umask;
    /// `[warden] environment` merged with the program's own (program wins).
    std::vector<std::pair<std::string, std::string>> environment;
    bool redirect_stderr = false;
    log_target stdout_log;
    log_target stderr_log;

    // warden's own keys (the supervisor acts on them; see core/supervisor.hpp).
    std::vector<std::string> depends_on; ///< program names
    ready_check ready;
    std::chrono::seconds ready_timeout{60};
    bool essential = false;

    bool operator==(process_spec const&) const = default;
};

/// Daemon log level, from `loglevel` or `--log-level`.
enum class log_level { trace, debug, info, warning, error, critical };

/// `[unix_http_server]` or `[inet_http_server]` (SPEC §11): where wardend
/// serves supervisord's HTTP interface (XML-RPC, log tails).
struct http_server_spec {
    enum class family_t { unix_socket, inet };
    family_t family = family_t::unix_socket;
    std::string file;               ///< unix: the socket path (resolved)
    unsigned chmod = 0700;          ///< unix
    std::string chown_user;         ///< unix `chown = USER[:GROUP]`; empty: the daemon's
    std::string chown_group;
    std::string host;               ///< inet: empty for every interface (`*:9001`, `:9001`, `9001`)
    std::uint16_t port = 0;         ///< inet
    std::string username;           ///< empty: no authentication
    std::string password;           ///< as written: plain, or `{SHA}` + hex SHA-1
    source_location where;          ///< the section header
    bool operator==(http_server_spec const&) const = default;
};

/// `[warden]` (or `[supervisord]`).
struct daemon_spec {
    std::string logfile;                 ///< empty: stderr
    std::uint64_t logfile_maxbytes = 50ull * 1024 * 1024;
    int logfile_backups = 10;
    log_level loglevel = log_level::info;
    std::string pidfile;                 ///< empty: none
    std::string childlogdir;             ///< empty: the system temp directory
    std::optional<unsigned> umask;
    std::optional<std::uint64_t> minfds;
    std::optional<std::uint64_t> minprocs;
    std::vector<std::pair<std::string, std::string>> environment;
    std::string socket;                  ///< empty: platform default (SPEC §2)
    unsigned socket_mode = 0600;
    std::vector<http_server_spec> http_servers; ///< [unix_http_server], [inet_http_server]
    /// `[rpcinterface:supervisor]` is configured: the XML-RPC `supervisor`
    /// namespace is served (without it, only `system`, as supervisord does).
    bool rpc_supervisor = false;

    bool operator==(daemon_spec const&) const = default;
};

/// A whole validated configuration.
struct config {
    std::string file;                    ///< the main file, as given
    daemon_spec daemon;
    std::vector<process_spec> processes; ///< in declaration order; ordering is the core's job
};

} // namespace warden::config
