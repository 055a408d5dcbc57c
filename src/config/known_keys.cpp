#include "config/known_keys.hpp"

#include <algorithm>

namespace warden::config {

namespace {

constexpr std::string_view not_supported = "not supported by warden, ignored";

} // namespace

std::vector<known_key> const& program_keys()
{
    static std::vector<known_key> const keys{
        {"command", key_support::used, {}},
        {"process_name", key_support::used, {}},
        {"numprocs", key_support::used, {}},
        {"numprocs_start", key_support::used, {}},
        {"priority", key_support::used, {}},
        {"autostart", key_support::used, {}},
        {"startsecs", key_support::used, {}},
        {"startretries", key_support::used, {}},
        {"autorestart", key_support::used, {}},
        {"exitcodes", key_support::used, {}},
        {"stopsignal", key_support::used, {}},
        {"stopwaitsecs", key_support::used, {}},
        {"stopasgroup", key_support::used, {}},
        {"killasgroup", key_support::used, {}},
        {"user", key_support::used, {}},
        {"directory", key_support::used, {}},
        {"umask", key_support::used, {}},
        {"environment", key_support::used, {}},
        {"redirect_stderr", key_support::used, {}},
        {"stdout_logfile", key_support::used, {}},
        {"stdout_logfile_maxbytes", key_support::used, {}},
        {"stdout_logfile_backups", key_support::used, {}},
        {"stderr_logfile", key_support::used, {}},
        {"stderr_logfile_maxbytes", key_support::used, {}},
        {"stderr_logfile_backups", key_support::used, {}},
        {"depends_on", key_support::used, {}},
        {"ready", key_support::used, {}},
        {"ready_timeout", key_support::used, {}},
        {"essential", key_support::used, {}},
        {"stdout_events_enabled", key_support::unsupported, not_supported},
        {"stderr_events_enabled", key_support::unsupported, not_supported},
        {"stdout_capture_maxbytes", key_support::unsupported, not_supported},
        {"stderr_capture_maxbytes", key_support::unsupported, not_supported},
        {"stdout_syslog", key_support::unsupported, not_supported},
        {"stderr_syslog", key_support::unsupported, not_supported},
        {"serverurl", key_support::unsupported, not_supported},
    };
    return keys;
}

std::vector<known_key> const& daemon_keys()
{
    static std::vector<known_key> const keys{
        {"logfile", key_support::used, {}},
        {"logfile_maxbytes", key_support::used, {}},
        {"logfile_backups", key_support::used, {}},
        {"loglevel", key_support::used, {}},
        {"pidfile", key_support::used, {}},
        {"childlogdir", key_support::used, {}},
        {"umask", key_support::used, {}},
        {"minfds", key_support::used, {}},
        {"minprocs", key_support::used, {}},
        {"environment", key_support::used, {}},
        {"socket", key_support::used, {}},
        {"socket_mode", key_support::used, {}},
        {"nodaemon", key_support::inert, "warden always runs in the foreground, ignored"},
        {"user", key_support::inert,
         "warden does not switch user, ignored (start it as that user, or set user= per program)"},
        {"directory", key_support::inert,
         "warden does not change its working directory, ignored (set directory= per program)"},
        {"nocleanup", key_support::inert, "warden does not clean up AUTO log files, ignored"},
        {"strip_ansi", key_support::inert, "warden does not strip ANSI escapes from logs, ignored"},
        {"identifier", key_support::inert, "warden has no RPC identifier, ignored"},
        {"silent", key_support::inert,
         "warden does not act on it (its log goes to stderr unless logfile is set), ignored"},
    };
    return keys;
}

std::vector<known_key> const& group_keys()
{
    static std::vector<known_key> const keys{
        {"programs", key_support::used, {}},
        {"priority", key_support::used, {}},
    };
    return keys;
}

known_key const* find_key(std::vector<known_key> const& keys, std::string_view key)
{
    for (auto const& k : keys)
        if (k.name == key)
            return &k;
    return nullptr;
}

std::size_t edit_distance(std::string_view a, std::string_view b)
{
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i)
        d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j)
        d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t const cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

std::optional<std::string> closest(std::string_view word, std::vector<std::string_view> const& candidates)
{
    // Close enough to be a typo: one edit per four characters, at least one.
    // "autorestrat" -> "autorestart" (1), "comand" -> "command" (1), but
    // "foo" suggests nothing.
    std::size_t const budget = std::max<std::size_t>(1, word.size() / 4);
    std::optional<std::string> best;
    std::size_t best_distance = budget + 1;
    for (std::string_view c : candidates) {
        std::size_t const d = edit_distance(word, c);
        if (d < best_distance) {
            best_distance = d;
            best = std::string(c);
        }
    }
    return best;
}

} // namespace warden::config
