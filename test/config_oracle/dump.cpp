// warden-config-dump: load a config with warden's config module and print
// one line per fact, in the canonical form supervisord_dump.py prints for
// supervisord's own parser, so compare.py can diff the two.
//
//   warden-config-dump [--host NAME] FILE
//
// Diagnostics go to stderr; exit 2 if the file has errors. Linux-only tool
// (it reads `environ`), built only outside WARDEN_PORTABLE_ONLY.
#include "config/load.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

extern char** environ;

namespace {

using namespace warden::config;

// json.dumps(s, ensure_ascii=False) of a Python str.
std::string json(std::string const& s)
{
    std::string out = "\"";
    for (char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
                out += buf;
            } else {
                out += c;
            }
        }
    }
    return out + "\"";
}

std::string json(std::vector<std::string> const& v)
{
    std::string out = "[";
    for (std::size_t i = 0; i < v.size(); ++i)
        out += (i ? "," : "") + json(v[i]);
    return out + "]";
}

std::string json(std::vector<std::pair<std::string, std::string>> const& env)
{
    std::string out = "[";
    for (std::size_t i = 0; i < env.size(); ++i)
        out += std::string(i ? "," : "") + "[" + json(env[i].first) + "," + json(env[i].second) + "]";
    return out + "]";
}

char const* boolean(bool b) { return b ? "true" : "false"; }

std::string log_name(log_target const& t)
{
    // AUTO compares as "AUTO": supervisord names the file only when it opens
    // it (NAME-stdout---supervisor-XXXX.log), warden at load time
    // (NAME-stdout.log) -- a deliberate difference, not compared.
    switch (t.kind) {
    case log_target_kind::automatic: return json("AUTO");
    case log_target_kind::none: return json("NONE");
    case log_target_kind::file: return json(t.path);
    }
    return {};
}

} // namespace

int main(int argc, char** argv)
{
    load_options options;
    std::string file;
    for (int i = 1; i < argc; ++i) {
        std::string const arg = argv[i];
        if (arg == "--host" && i + 1 < argc)
            options.host_node_name = argv[++i];
        else
            file = arg;
    }
    if (file.empty()) {
        std::cerr << "usage: warden-config-dump [--host NAME] FILE\n";
        return 2;
    }
    for (char** e = environ; *e; ++e) {
        std::string const kv = *e;
        auto const eq = kv.find('=');
        if (eq != std::string::npos)
            options.environment.emplace(kv.substr(0, eq), kv.substr(eq + 1));
    }

    load_result r = load_file(file, options);
    for (auto const& d : r.diagnostics)
        std::cerr << format(d) << '\n';
    if (!r.cfg)
        return 2;

    auto const& d = r.cfg->daemon;
    std::cout << "daemon loglevel " << to_string(d.loglevel) << '\n'
              << "daemon logfile_maxbytes " << d.logfile_maxbytes << '\n'
              << "daemon logfile_backups " << d.logfile_backups << '\n'
              << "daemon environment " << json(d.environment) << '\n';

    std::vector<process_spec> procs = r.cfg->processes;
    std::sort(procs.begin(), procs.end(),
              [](process_spec const& a, process_spec const& b) { return a.name < b.name; });
    for (auto const& p : procs) {
        std::string const pre = "process " + p.name + " ";
        std::string exitcodes;
        for (std::size_t i = 0; i < p.exitcodes.size(); ++i)
            exitcodes += (i ? "," : "") + std::to_string(p.exitcodes[i]);
        char umask[16] = "none";
        if (p.umask)
            std::snprintf(umask, sizeof umask, "%o", *p.umask);
        char const* autorestart = p.autorestart == autorestart_mode::always ? "true"
                                  : p.autorestart == autorestart_mode::never ? "false"
                                                                            : "unexpected";
        // stopasgroup/killasgroup are left out: warden defaults them to true
        // on purpose (SPEC §2), supervisord to false.
        std::cout << pre << "group " << p.group << '\n'
                  << pre << "command " << json(p.command) << '\n'
                  << pre << "priority " << p.priority << '\n'
                  << pre << "group_priority " << p.group_priority << '\n'
                  << pre << "autostart " << boolean(p.autostart) << '\n'
                  << pre << "startsecs " << p.startsecs.count() << '\n'
                  << pre << "startretries " << p.startretries << '\n'
                  << pre << "autorestart " << autorestart << '\n'
                  << pre << "exitcodes " << exitcodes << '\n'
                  << pre << "stopsignal " << to_string(p.stopsignal) << '\n'
                  << pre << "stopwaitsecs " << p.stopwaitsecs.count() << '\n'
                  << pre << "user " << json(p.user) << '\n'
                  << pre << "directory " << json(p.directory) << '\n'
                  << pre << "umask " << umask << '\n'
                  << pre << "environment " << json(p.environment) << '\n'
                  << pre << "redirect_stderr " << boolean(p.redirect_stderr) << '\n'
                  << pre << "stdout_logfile " << log_name(p.stdout_log) << '\n'
                  << pre << "stdout_logfile_maxbytes " << p.stdout_log.max_bytes << '\n'
                  << pre << "stdout_logfile_backups " << p.stdout_log.backups << '\n'
                  << pre << "stderr_logfile " << log_name(p.stderr_log) << '\n'
                  << pre << "stderr_logfile_maxbytes " << p.stderr_log.max_bytes << '\n'
                  << pre << "stderr_logfile_backups " << p.stderr_log.backups << '\n';
    }
    return 0;
}
