#include "config/validate.hpp"
#include "config/text.hpp"

#include "config/known_keys.hpp"
#include "config/paths.hpp"
#include "config/section_values.hpp"
#include "config/sources.hpp"

#include <limits>
#include <map>

namespace warden::config {

namespace {

bool starts_with(std::string_view s, std::string_view prefix)
{
    return s.substr(0, prefix.size()) == prefix;
}

// The x of [type:x], stripped as supervisord strips it.
std::string name_after_colon(ini_section const& s)
{
    return std::string(strip(std::string_view(s.name).substr(s.name.find(':') + 1)));
}

struct program_entry {
    ini_section const* section = nullptr;
    std::string name;
    std::string group;                 // explicit group, if any
    std::optional<int> group_priority;
    source_location group_where;
};

// Checks a program or group name the way supervisord's
// process_or_group_name() does; reports at the section header.
bool valid_name(ini_section const& s, std::string const& name, std::vector<diagnostic>& diags)
{
    if (name.empty()) {
        diags.push_back({severity::error, s.where, "[" + s.name + "] has no name after ':'"});
        return false;
    }
    for (char c : {' ', ':', '/'}) {
        if (name.find(c) != std::string::npos) {
            diags.push_back({severity::error, s.where,
                             "[" + s.name + "]: the name '" + name + "' may not contain '" +
                                 std::string(1, c) + "'"});
            return false;
        }
    }
    return true;
}

class document_validator {
public:
    document_validator(ini_document const& doc, load_options const& options,
                       std::vector<diagnostic>& diags)
        : doc_(doc), options_(options), diags_(diags)
    {
    }

    config run(std::string const& main_file)
    {
        config cfg;
        cfg.file = main_file;
        defaults_ = doc_.find("DEFAULT");
        cfg.daemon = daemon();
        daemon_env_ = &cfg.daemon.environment;
        classify();
        groups();
        std::string const childlogdir =
            cfg.daemon.childlogdir.empty() ? options_.default_childlogdir : cfg.daemon.childlogdir;

        std::vector<dependency_node> nodes;
        std::map<std::string, std::pair<source_location, std::string>> names; // name -> where, program
        for (auto const& prog : programs_) {
            program_context ctx;
            ctx.program = prog.name;
            ctx.group = prog.group.empty() ? prog.name : prog.group;
            ctx.explicit_group = !prog.group.empty();
            ctx.group_priority = prog.group_priority;
            ctx.daemon = &cfg.daemon;
            ctx.childlogdir = childlogdir;
            ctx.options = &options_;
            ctx.defaults = defaults_;
            program_result r = validate_program(*prog.section, ctx, diags_);
            nodes.push_back({prog.name, r.depends_on,
                             r.depends_on_where.value_or(prog.section->where)});
            for (auto& p : r.processes) {
                auto const [it, fresh] = names.emplace(p.name, std::make_pair(p.where, p.program));
                if (!fresh && !(r.same_names_reported && it->second.second == p.program)) {
                    diags_.push_back({severity::error, p.where,
                                      "duplicate process name '" + p.name + "' (also from [program:" +
                                          it->second.second + "] at " + it->second.first.file + ":" +
                                          std::to_string(it->second.first.line) + ")"});
                }
                cfg.processes.push_back(std::move(p));
            }
        }
        check_dependencies(nodes, diags_);
        return cfg;
    }

    config run_daemon_only(std::string const& main_file)
    {
        config cfg;
        cfg.file = main_file;
        defaults_ = doc_.find("DEFAULT");
        cfg.daemon = daemon();
        return cfg;
    }

private:
    // [supervisord] and [warden] are one section; where both set a key,
    // [warden] (warden's own name for it) wins.
    daemon_spec daemon()
    {
        ini_section main;
        main.name = "warden";
        for (char const* name : {"supervisord", "warden"}) {
            if (ini_section const* s = doc_.find(name)) {
                if (main.where.file.empty())
                    main.where = s->where;
                for (auto const& e : s->entries)
                    main.set(e);
            }
        }
        auto d = validate_daemon(main, defaults_, options_, diags_);
        validate_http(doc_, defaults_, options_, d, diags_);
        return d;
    }

    void classify()
    {
        for (auto const& s : doc_.sections) {
            std::string_view const n = s.name;
            if (n == "warden" || n == "supervisord" || n == "include" || n == "DEFAULT" ||
                starts_with(n, "group:")) {
                continue;
            } else if (starts_with(n, "program:")) {
                std::string name = name_after_colon(s);
                if (valid_name(s, name, diags_))
                    programs_.push_back({&s, std::move(name), {}, {}, {}});
            } else if (starts_with(n, "eventlistener:")) {
                report(severity::warning, s,
                             "[" + s.name + "] is not supported by warden, ignored; if it stops "
                             "supervisord when a program goes FATAL, set `essential = true` in "
                             "that [program:x] instead");
            } else if (starts_with(n, "fcgi-program:")) {
                fcgi_.push_back(name_after_colon(s));
                report(severity::warning, s,
                             "[" + s.name + "] is not supported by warden, ignored");
            } else if (n == "unix_http_server" || n == "inet_http_server" || starts_with(n, "rpcinterface:")) {
                continue; // validate_http.cpp
            } else if (n == "supervisorctl" || starts_with(n, "ctlplugin:")) {
                continue; // read by supervisorctl, not by the daemon
            } else {
                unknown_section(s);
            }
        }
    }

    void unknown_section(ini_section const& s)
    {
        std::string_view const type = std::string_view(s.name).substr(0, s.name.find(':'));
        bool const has_name = s.name.find(':') != std::string::npos;
        static std::vector<std::string_view> const with_name{
            "program", "group", "eventlistener", "fcgi-program", "rpcinterface", "ctlplugin"};
        static std::vector<std::string_view> const without_name{
            "warden", "supervisord", "include", "unix_http_server", "inet_http_server",
            "supervisorctl"};
        auto const hint = closest(type, has_name ? with_name : without_name);
        std::string message = "unknown section [" + s.name + "], ignored";
        if (hint)
            message += "; did you mean [" + *hint +
                       (has_name ? s.name.substr(s.name.find(':')) : std::string()) + "]?";
        report(severity::warning, s, std::move(message));
    }

    void report(severity level, ini_section const& s, std::string message)
    {
        diags_.push_back({level, s.where, std::move(message)});
    }

    void groups()
    {
        for (auto const& s : doc_.sections) {
            if (!starts_with(s.name, "group:"))
                continue;
            std::string const group = name_after_colon(s);
            if (!valid_name(s, group, diags_))
                continue;
            check_keys(s, group_keys(), diags_);
            section_values v(s, defaults_, diags_);
            expansion_map names{{"host_node_name", options_.host_node_name}};
            for (auto const& [k, val] : options_.environment)
                names.insert_or_assign("ENV_" + k, val);
            for (auto const& [k, val] : *daemon_env_)
                names.insert_or_assign("ENV_" + k, val);
            v.set_names(std::move(names));
            auto const priority = v.integer("priority", std::numeric_limits<int>::min(),
                                            std::numeric_limits<int>::max());
            auto const list = v.text("programs");
            if (!list)
                continue;
            for (auto const& member : parse_name_list(*list))
                join(s, *v.entry("programs"), group,
                     static_cast<int>(priority.value_or(999)), member);
        }
    }

    void join(ini_section const& s, ini_entry const& e, std::string const& group, int priority,
              std::string const& member)
    {
        for (auto& prog : programs_) {
            if (prog.name != member)
                continue;
            if (!prog.group.empty() && prog.group != group) {
                diags_.push_back({severity::error, e.where,
                                  "programs: '" + member + "' is already in [group:" + prog.group +
                                      "] (" + prog.group_where.file + ":" +
                                      std::to_string(prog.group_where.line) + ")"});
                return;
            }
            prog.group = group;
            prog.group_priority = priority;
            prog.group_where = e.where;
            return;
        }
        for (auto const& f : fcgi_)
            if (f == member)
                return; // an [fcgi-program:x], already reported as unsupported
        diags_.push_back({severity::error, e.where,
                          "programs: [" + s.name + "] names '" + member +
                              "', but there is no [program:" + member + "]"});
    }

    ini_document const& doc_;
    load_options const& options_;
    std::vector<diagnostic>& diags_;
    ini_section const* defaults_ = nullptr;
    std::vector<std::pair<std::string, std::string>> const* daemon_env_ = nullptr;
    std::vector<program_entry> programs_;
    std::vector<std::string> fcgi_;
};

} // namespace

config validate(ini_document const& doc, std::string const& main_file,
                load_options const& options, std::vector<diagnostic>& diags)
{
    return document_validator(doc, options, diags).run(main_file);
}

config validate_daemon_section(ini_document const& doc, std::string const& main_file,
                               load_options const& options, std::vector<diagnostic>& diags)
{
    return document_validator(doc, options, diags).run_daemon_only(main_file);
}

} // namespace warden::config
