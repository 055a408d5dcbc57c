#include "config/validate.hpp"

#include "config/known_keys.hpp"
#include "config/paths.hpp"
#include "config/section_values.hpp"
#include "config/sources.hpp"

#include <limits>

namespace warden::config {

daemon_spec validate_daemon(ini_section const& main, ini_section const* defaults,
                            load_options const& options, std::vector<diagnostic>& diags)
{
    daemon_spec d;
    check_keys(main, daemon_keys(), diags);

    section_values v(main, defaults, diags);
    expansion_map names{{"host_node_name", options.host_node_name}};
    for (auto const& [k, val] : options.environment)
        names.emplace("ENV_" + k, val);
    v.set_names(std::move(names));

    auto path = [&](char const* key) -> std::string {
        auto const t = v.text(key);
        if (!t || t->empty())
            return {};
        return resolve_path(*t, here_of(v.entry(key)->where.file), options);
    };
    constexpr long long int_max = std::numeric_limits<int>::max();

    d.logfile = path("logfile");
    if (auto const n = v.get("logfile_maxbytes", parse_byte_size))
        d.logfile_maxbytes = *n;
    if (auto const n = v.integer("logfile_backups", 0, int_max))
        d.logfile_backups = static_cast<int>(*n);
    if (auto const l = v.get("loglevel", parse_log_level))
        d.loglevel = *l;
    d.pidfile = path("pidfile");
    d.childlogdir = path("childlogdir");
    d.umask = v.get("umask", parse_octal);
    if (auto const n = v.integer("minfds", 0, std::numeric_limits<long long>::max()))
        d.minfds = static_cast<std::uint64_t>(*n);
    if (auto const n = v.integer("minprocs", 0, std::numeric_limits<long long>::max()))
        d.minprocs = static_cast<std::uint64_t>(*n);
    if (auto const env = v.get("environment", parse_environment))
        d.environment = *env;
    // Not a file path on Windows (a pipe name), so it is not resolved.
    if (auto const s = v.text("socket"))
        d.socket = *s;
    if (auto const m = v.get("socket_mode", parse_octal))
        d.socket_mode = *m;

    // Accepted and ignored (check_keys said so), but a value that cannot
    // mean anything is still refused, as supervisord refuses it.
    for (char const* key : {"nodaemon", "nocleanup", "strip_ansi", "silent"})
        v.get(key, parse_bool);
    return d;
}

} // namespace warden::config
