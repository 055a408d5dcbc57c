#include "config/validate.hpp"
#include "config/text.hpp"

#include "config/known_keys.hpp"
#include "config/paths.hpp"
#include "config/section_values.hpp"
#include "config/sources.hpp"

#include <limits>

namespace warden::config {

namespace {

constexpr long long int_min = std::numeric_limits<int>::min();
constexpr long long int_max = std::numeric_limits<int>::max();
// More processes than this from one section is a typo, not a plan; the
// bound also keeps `--check` from allocating without end.
constexpr long long max_numprocs = 100000;

// supervisord's process_or_group_name(): these characters break its
// namespec (`group:name`) and log file names, and warden's too.
std::optional<char> bad_name_char(std::string_view name)
{
    for (char c : {' ', ':', '/'})
        if (name.find(c) != std::string_view::npos)
            return c;
    return std::nullopt;
}

std::string automatic_log_name(std::string const& full_name, std::string_view stream)
{
    std::string name = full_name;
    for (char& c : name)
        if (c == ':')
            c = '_';
    return name + "-" + std::string(stream) + ".log";
}

log_target read_log(section_values& v, std::string_view stream, std::string const& full_name,
                    program_context const& ctx)
{
    log_target t;
    std::string const key = std::string(stream) + "_logfile";
    if (auto const m = v.get(key + "_maxbytes", parse_byte_size))
        t.max_bytes = *m;
    if (auto const b = v.integer(key + "_backups", 0, int_max))
        t.backups = static_cast<int>(*b);

    ini_entry const* e = v.entry(key);
    auto const value = v.text(key);
    std::string const word = value ? lower(*value) : "auto";
    if (word == "auto") {
        t.kind = log_target_kind::automatic;
        t.path = join_path(ctx.childlogdir, automatic_log_name(full_name, stream),
                           ctx.options->platform);
        if (t.max_bytes == 0 && e)
            v.warning(*e, key + " = AUTO without rotation (" + key +
                              "_maxbytes = 0) can fill the disk");
    } else if (word == "none" || word == "off" || word.empty()) {
        t.kind = log_target_kind::none;
    } else if (word == "syslog") {
        t.kind = log_target_kind::none;
        v.warning(*e, key + " = syslog is not supported by warden, output is discarded "
                            "(name a file, or AUTO)");
    } else {
        t.kind = log_target_kind::file;
        t.path = resolve_path(*value, here_of(e->where.file), *ctx.options);
    }
    return t;
}

} // namespace

program_result validate_program(ini_section const& section, program_context const& ctx,
                                std::vector<diagnostic>& diags)
{
    program_result out;
    load_options const& options = *ctx.options;
    bool const windows = options.platform == target_platform::windows;
    check_keys(section, program_keys(), diags);
    section_values v(section, ctx.defaults, diags);

    // numprocs (and its start) come first and cannot use %(process_num)s.
    expansion_map base{{"program_name", ctx.program},
                       {"group_name", ctx.group},
                       {"host_node_name", options.host_node_name}};
    for (auto const& [k, val] : options.environment)
        base.insert_or_assign("ENV_" + k, val);
    for (auto const& [k, val] : ctx.daemon->environment)
        base.insert_or_assign("ENV_" + k, val);
    v.set_names(base);
    long long const numprocs = v.integer("numprocs", 1, max_numprocs).value_or(1);
    long long const first = v.integer("numprocs_start", 0, int_max - numprocs).value_or(0);

    ini_entry const* name_entry = v.entry("process_name");
    if (numprocs > 1 && (!name_entry || name_entry->value.find("%(process_num)") == std::string::npos)) {
        v.error(name_entry ? *name_entry : *v.entry("numprocs"),
                "numprocs = " + std::to_string(numprocs) +
                    " needs %(process_num) in process_name, so that each process has its own "
                    "name (such as process_name = %(program_name)s_%(process_num)02d)");
        out.same_names_reported = true;
    }

    for (long long num = first; num < first + numprocs; ++num) {
        expansion_map names = base;
        names.insert_or_assign("process_num", num);
        names.insert_or_assign("numprocs", numprocs);
        v.set_names(names);

        process_spec p;
        p.program = ctx.program;
        p.group = ctx.group;
        p.process_num = static_cast<int>(num);
        p.where = section.where;

        // The program's environment first: as in supervisord, its variables
        // are then %(ENV_X)s for every other key of the program.
        std::vector<std::pair<std::string, std::string>> own_env;
        if (auto const env = v.get("environment", parse_environment))
            own_env = *env;
        for (auto const& [k, val] : own_env)
            names.insert_or_assign("ENV_" + k, val);
        v.set_names(names);

        p.process_name = ctx.program;
        if (name_entry) {
            if (auto const n = v.text("process_name")) {
                if (n->empty())
                    v.error(*name_entry, "process_name: is empty");
                else if (auto const c = bad_name_char(*n))
                    v.error(*name_entry, "process_name: '" + *n + "' may not contain '" +
                                             std::string(1, *c) + "'");
                else
                    p.process_name = *n;
            }
        }
        // supervisorctl's namespec: `group:process`, shortened to `process`
        // when both are the same (a lone program with numprocs = 1).
        p.name = ctx.group == p.process_name ? p.process_name : ctx.group + ":" + p.process_name;

        if (ini_entry const* e = v.entry("command")) {
            if (auto const cmd = v.text("command")) {
                auto argv = split_command(*cmd, options.platform);
                if (!argv.value)
                    v.error(*e, "command: " + argv.error);
                else if (argv.value->empty())
                    v.error(*e, "command: is empty");
                else
                    p.command = std::move(*argv.value);
            }
        } else {
            v.report(severity::error, section.where, bracketed(section) + " has no command");
        }

        if (auto const n = v.integer("priority", int_min, int_max))
            p.priority = static_cast<int>(*n);
        // supervisord orders groups by the group's priority and processes
        // within a group by their own: a [group:g] priority does not become
        // its programs' priority.
        p.group_priority = ctx.group_priority.value_or(p.priority);
        if (auto const b = v.get("autostart", parse_bool))
            p.autostart = *b;
        if (auto const n = v.integer("startsecs", 0, int_max))
            p.startsecs = std::chrono::seconds(*n);
        if (auto const n = v.integer("startretries", 0, int_max))
            p.startretries = static_cast<int>(*n);
        if (auto const a = v.get("autorestart", parse_autorestart))
            p.autorestart = *a;
        if (auto const codes = v.get("exitcodes", parse_exitcodes))
            p.exitcodes = *codes;
        p.stopsignal = windows ? signal_id::break_ : signal_id::term;
        if (auto const s = v.get("stopsignal", [&](std::string_view t) { return parse_signal(t, options.platform); }))
            p.stopsignal = *s;
        if (auto const n = v.integer("stopwaitsecs", 0, int_max))
            p.stopwaitsecs = std::chrono::seconds(*n);

        // warden signals the whole group by default. A file that only says
        // killasgroup = false means supervisord's "leader only", so stopping
        // follows it; saying both true and false is refused, as supervisord does.
        auto const stop_group = v.get("stopasgroup", parse_bool);
        auto const kill_group = v.get("killasgroup", parse_bool);
        p.killasgroup = kill_group.value_or(true);
        p.stopasgroup = stop_group.value_or(p.killasgroup);
        if (p.stopasgroup && !p.killasgroup)
            v.error(*v.entry("killasgroup"),
                    "killasgroup: cannot be false when stopasgroup is true");

        if (ini_entry const* e = v.entry("user")) {
            auto const user = v.text("user");
            if (windows)
                v.error(*e, "user: switching user is not supported on Windows (run the "
                            "service under that account instead)");
            else if (user && !user->empty() && options.user_exists && !options.user_exists(*user))
                v.error(*e, "user: unknown user '" + *user + "'");
            else if (user)
                p.user = *user;
        }
        if (auto const d = v.text("directory"))
            p.directory = *d;
        p.umask = v.get("umask", parse_octal);

        // [warden] environment, then the program's: a dict update, so a key
        // set in both keeps its place and takes the program's value.
        p.environment = ctx.daemon->environment;
        for (auto& [k, val] : own_env) {
            auto it = p.environment.begin();
            while (it != p.environment.end() && it->first != k)
                ++it;
            if (it != p.environment.end())
                it->second = val;
            else
                p.environment.emplace_back(k, val);
        }

        if (auto const b = v.get("redirect_stderr", parse_bool))
            p.redirect_stderr = *b;
        p.stdout_log = read_log(v, "stdout", p.name, ctx);
        p.stderr_log = read_log(v, "stderr", p.name, ctx);
        if (p.redirect_stderr) {
            p.stderr_log.kind = log_target_kind::none;
            p.stderr_log.path.clear();
            if (ini_entry const* e = v.entry("stderr_logfile")) {
                std::string const word = lower(e->value);
                if (word != "none" && word != "off" && !word.empty())
                    v.note(*e, "stderr_logfile is ignored: redirect_stderr = true sends "
                               "stderr to stdout_logfile");
            }
        }

        if (ini_entry const* e = v.entry("depends_on")) {
            if (auto const deps = v.text("depends_on")) {
                for (auto& d : parse_name_list(*deps)) {
                    bool seen = false;
                    for (auto const& have : p.depends_on)
                        seen = seen || have == d;
                    if (!seen)
                        p.depends_on.push_back(std::move(d));
                }
            }
            if (num == first) {
                out.depends_on = p.depends_on;
                out.depends_on_where = e->where;
            }
        }
        if (auto const r = v.get("ready", [&](std::string_view t) { return parse_ready(t, options.platform); }))
            p.ready = *r;
        if (auto const n = v.integer("ready_timeout", 1, int_max))
            p.ready_timeout = std::chrono::seconds(*n);
        if (auto const b = v.get("essential", parse_bool))
            p.essential = *b;

        // Keys warden ignores (check_keys warned) are still type-checked, as
        // supervisord refuses a bad value in them.
        for (char const* key : {"stdout_events_enabled", "stderr_events_enabled",
                                "stdout_syslog", "stderr_syslog"})
            v.get(key, parse_bool);
        for (char const* key : {"stdout_capture_maxbytes", "stderr_capture_maxbytes"})
            v.get(key, parse_byte_size);

        out.processes.push_back(std::move(p));
    }
    return out;
}

} // namespace warden::config
