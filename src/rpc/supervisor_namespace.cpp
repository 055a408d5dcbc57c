#include "rpc/supervisor_namespace.hpp"

#include "config/convert.hpp"
#include "platform/host.hpp"
#include "rpc/faults.hpp"
#include "rpc/log_files.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>

namespace warden::rpc {

using core::process_state;
using runtime::change_outcome;
using runtime::change_request;
using xmlrpc::array;
using xmlrpc::structure;
using xmlrpc::value;

int state_code(process_state s)
{
    switch (s) {
    case process_state::stopped: return 0;
    case process_state::starting: return 10;
    case process_state::running: return 20;
    case process_state::backoff: return 30;
    case process_state::stopping: return 40;
    case process_state::exited: return 100;
    case process_state::fatal: return 200;
    }
    return 1000;
}

std::string timedelta_text(long long seconds)
{
    if (seconds < 0)
        seconds = 0;
    long long const days = seconds / 86400;
    long long const rest = seconds % 86400;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", rest / 3600, rest / 60 % 60, rest % 60);
    if (days == 0)
        return buf;
    return std::to_string(days) + (days == 1 ? " day, " : " days, ") + buf;
}

namespace {

// supervisord's state groups (states.py).
bool running_state(process_state s)
{
    return s == process_state::running || s == process_state::backoff || s == process_state::starting;
}
bool signallable(process_state s)
{
    return s == process_state::running || s == process_state::starting || s == process_state::stopping;
}

// Linux signal numbers, for getAllConfigInfo's `stopsignal` (an int there).
int signal_number(config::signal_id s)
{
    using config::signal_id;
    switch (s) {
    case signal_id::hup: return 1;
    case signal_id::int_: return 2;
    case signal_id::quit: return 3;
    case signal_id::kill: return 9;
    case signal_id::usr1: return 10;
    case signal_id::usr2: return 12;
    case signal_id::alrm: return 14;
    case signal_id::term: return 15;
    case signal_id::cont: return 18;
    case signal_id::stop: return 19;
    case signal_id::winch: return 28;
    case signal_id::break_: return 21; // CTRL_BREAK has no POSIX number; SIGBREAK is 21 on Windows
    }
    return 15;
}

class supervisor_api {
public:
    explicit supervisor_api(runtime::operations& ops) : ops_(ops) {}

    // --- helpers ------------------------------------------------------------------

    runtime::operations& ops() { return ops_; }
    core::supervisor const& sup() const { return ops_.daemon().supervisor(); }
    config::process_spec const& spec(std::size_t i) const { return sup().spec(i); }

    std::string namespec(std::size_t i) const { return spec(i).name; }

    /// A core time point as Unix seconds (0 for "never").
    static int wall(core::time_point t)
    {
        if (t == core::time_point{})
            return 0;
        auto const ago = core::clock::now() - t;
        auto const when = std::chrono::system_clock::now() - std::chrono::duration_cast<std::chrono::system_clock::duration>(ago);
        return static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch()).count());
    }

    // supervisord's spawnerr: why the last start failed.
    std::string spawnerr(std::size_t i) const
    {
        auto const& r = sup().record(i);
        if (r.state != process_state::backoff && r.state != process_state::fatal)
            return {};
        auto const& reason = ops_.daemon().last_reason(i);
        if (reason.starts_with("exited too quickly"))
            return "Exited too quickly (process log may have details)";
        return reason;
    }

    value process_info(std::size_t i) const
    {
        auto const& s = spec(i);
        auto const& r = sup().record(i);
        bool const down = r.state == process_state::stopped || r.state == process_state::exited
            || r.state == process_state::fatal || r.state == process_state::backoff;
        int const start = wall(r.started_at);
        int const stop = down && r.started_at != core::time_point{} ? wall(r.since) : 0;
        int const now = static_cast<int>(std::time(nullptr));
        int exitstatus = 0;
        if (r.last_exit)
            exitstatus = r.last_exit->signaled ? -1 : r.last_exit->code;
        auto const out = ops_.log_file(i, platform::output_stream::out);
        auto const err = ops_.log_file(i, platform::output_stream::err);
        std::string description;
        switch (r.state) {
        case process_state::running:
            description = "pid " + std::to_string(r.pid) + ", uptime " + timedelta_text(now - start);
            break;
        case process_state::fatal:
        case process_state::backoff:
            description = spawnerr(i);
            if (description.empty())
                description = "unknown error (try \"tail " + s.process_name + "\")";
            break;
        case process_state::stopped:
        case process_state::exited:
            if (start) {
                std::time_t t = stop;
                std::tm tm{};
                localtime_r(&t, &tm);
                char buf[64];
                std::strftime(buf, sizeof buf, "%b %d %I:%M %p", &tm);
                description = buf;
            } else {
                description = "Not started";
            }
            break;
        default:
            break;
        }
        return structure{{"name", s.process_name},
                         {"group", s.group},
                         {"start", start},
                         {"stop", stop},
                         {"now", now},
                         {"state", state_code(r.state)},
                         {"statename", std::string(core::to_string(r.state))},
                         {"spawnerr", spawnerr(i)},
                         {"exitstatus", exitstatus},
                         {"logfile", out},
                         {"stdout_logfile", out},
                         {"stderr_logfile", err},
                         {"pid", static_cast<int>(r.pid)},
                         {"description", description}};
    }

    static value status(config::process_spec const& s, int code, std::string description)
    {
        return structure{{"name", s.process_name}, {"group", s.group}, {"status", code}, {"description", description}};
    }

    // One outcome of a start as supervisord's startProcess reports it.
    static std::optional<xmlrpc::fault> start_fault(change_outcome const& o, std::string const& name)
    {
        using R = change_outcome::result;
        switch (o.how) {
        case R::done:
        case R::already: return std::nullopt;
        case R::spawn_failed: {
            // supervisord checks the command before spawning: a missing one
            // is NO_FILE, one that cannot be executed NOT_EXECUTABLE, each
            // with the reason; any other failure to spawn is SPAWN_ERROR.
            std::string why = o.message;
            if (why.starts_with("spawn failed: "))
                why.erase(0, std::string_view("spawn failed: ").size());
            why = why.substr(0, why.find("; "));
            if (why.starts_with("cannot execute")) {
                if (why.find("No such file") != std::string::npos)
                    return make_fault(faults::no_file, why);
                return make_fault(faults::not_executable, why);
            }
            return make_fault(faults::spawn_error, name);
        }
        // supervisord: a process that dies before startsecs has a spawnerr
        // ("Exited too quickly"), hence SPAWN_ERROR; one that ends up in
        // any other state than STARTING or RUNNING is ABNORMAL_TERMINATION.
        case R::exited_early: return make_fault(faults::spawn_error, name);
        case R::failed: return make_fault(faults::abnormal_termination, name);
        case R::blocked: return make_fault(faults::failed, name + ": " + o.message);
        }
        return std::nullopt;
    }

    // startProcessGroup / startAllProcesses / stop...: one status struct per
    // process the predicate picked.
    void change_many(change_request::kind what, std::vector<std::size_t> targets, bool wait, result_fn done)
    {
        std::vector<std::size_t> picked;
        for (auto i : targets) {
            bool const up = running_state(sup().record(i).state);
            if (what == change_request::kind::start ? !up : up)
                picked.push_back(i);
        }
        if (picked.empty())
            return done(value(array{}));
        change_request req{what, picked, what == change_request::kind::start, wait};
        ops_.change_state(std::move(req), [this, what, done = std::move(done)](std::vector<change_outcome> outcomes) {
            array results;
            for (auto const& o : outcomes) {
                auto const& s = spec(o.index);
                std::optional<xmlrpc::fault> f;
                if (what == change_request::kind::start)
                    f = start_fault(o, s.name);
                else if (!o.ok())
                    f = make_fault(faults::failed, s.name + ": " + o.message);
                results.push_back(f ? status(s, f->code, f->text) : status(s, faults::success, "OK"));
            }
            done(value(std::move(results)));
        });
    }

    // "grp:*" and "grp:" name a group; BAD_NAME unless it exists.
    static std::optional<std::string> group_of(std::string const& name)
    {
        auto const colon = name.find(':');
        if (colon == std::string::npos)
            return std::nullopt;
        auto const rest = name.substr(colon + 1);
        if (rest.empty() || rest == "*")
            return name.substr(0, colon);
        return std::nullopt;
    }

    void signal_many(std::vector<std::size_t> targets, std::string const& sig, result_fn done)
    {
        array results;
        for (auto i : targets) {
            if (!signallable(sup().record(i).state))
                continue;
            results.push_back(signal_one(i, sig));
        }
        done(value(std::move(results)));
    }

    value signal_one(std::size_t i, std::string const& sig)
    {
        auto const& s = spec(i);
        auto parsed = config::parse_signal(sig, platform::config_platform());
        if (!parsed.value)
            return status(s, faults::bad_signal, make_fault(faults::bad_signal, sig).text);
        auto const error = ops_.signal(i, *parsed.value);
        if (!error.empty())
            return status(s, faults::failed, make_fault(faults::failed, error).text);
        return status(s, faults::success, "OK");
    }

    void read_log(std::string const& file, params const& p, result_fn done)
    {
        auto const offset = p.integer(p.size() - 2);
        auto const length = p.integer(p.size() - 1);
        if (!offset || !length)
            return done(make_fault(faults::incorrect_parameters));
        if (file.empty() || !std::filesystem::exists(file))
            return done(make_fault(faults::no_file, file.empty() ? "None" : file));
        auto r = read_file(file, *offset, *length);
        if (auto const* code = std::get_if<int>(&r))
            return done(make_fault(*code));
        done(value(std::get<std::string>(std::move(r))));
    }

    value config_info(config::process_spec const& s, bool inuse) const
    {
        std::string command;
        for (auto const& w : s.command)
            command += (command.empty() ? "" : " ") + w;
        array exitcodes;
        for (int c : s.exitcodes)
            exitcodes.emplace_back(c);
        auto log = [](config::log_target const& t) {
            return t.kind == config::log_target_kind::none ? std::string("none") : t.path;
        };
        return structure{{"autostart", s.autostart},
                         {"directory", s.directory.empty() ? std::string("none") : s.directory},
                         {"uid", s.user.empty() ? std::string("none") : s.user},
                         {"command", command},
                         {"exitcodes", std::move(exitcodes)},
                         {"group", s.group},
                         {"group_prio", s.group_priority},
                         {"inuse", inuse},
                         {"killasgroup", s.killasgroup},
                         {"name", s.process_name},
                         {"process_prio", s.priority},
                         {"redirect_stderr", s.redirect_stderr},
                         {"startretries", s.startretries},
                         {"startsecs", static_cast<int>(s.startsecs.count())},
                         {"stdout_capture_maxbytes", 0},
                         {"stdout_events_enabled", false},
                         {"stdout_logfile", log(s.stdout_log)},
                         {"stdout_logfile_backups", s.stdout_log.backups},
                         {"stdout_logfile_maxbytes", static_cast<int>(std::min<std::uint64_t>(s.stdout_log.max_bytes, 0x7fffffff))},
                         {"stdout_syslog", false},
                         {"stopsignal", signal_number(s.stopsignal)},
                         {"stopwaitsecs", static_cast<int>(s.stopwaitsecs.count())},
                         {"stderr_capture_maxbytes", 0},
                         {"stderr_events_enabled", false},
                         {"stderr_logfile", s.redirect_stderr ? std::string("none") : log(s.stderr_log)},
                         {"stderr_logfile_backups", s.stderr_log.backups},
                         {"stderr_logfile_maxbytes", static_cast<int>(std::min<std::uint64_t>(s.stderr_log.max_bytes, 0x7fffffff))},
                         {"stderr_syslog", false},
                         {"serverurl", std::string("AUTO")}};
    }

private:
    runtime::operations& ops_;
};

} // namespace

void add_supervisor_namespace(dispatcher& d, runtime::operations& ops)
{
    auto api = std::make_shared<supervisor_api>(ops);
    using fn = std::function<void(params const&, result_fn)>;
    // Every supervisor.* method refuses to run during a shutdown (supervisord's _update).
    auto add = [&d, api](std::string name, std::vector<std::string> signature, std::string help, std::size_t min,
                         std::size_t max, fn body) {
        d.add({"supervisor." + name, std::move(signature), std::move(help), min, max,
               [api, body = std::move(body)](params const& p, result_fn done) {
                   if (api->ops().shutting_down())
                       return done(make_fault(faults::shutdown_state));
                   body(p, std::move(done));
               }});
    };
    auto name_param = [](params const& p, result_fn& done) -> std::optional<std::string> {
        auto n = p.string(0);
        if (!n)
            done(make_fault(faults::incorrect_parameters));
        return n;
    };

    // --- status and control of the daemon --------------------------------------------
    auto api_version = [](params const&, result_fn done) { done(value("3.0")); };
    add("getAPIVersion", {"string"}, "Return the version of the RPC API used by supervisord", 0, 0, api_version);
    add("getVersion", {"string"}, "Return the version of the RPC API used by supervisord", 0, 0, api_version);
    add("getSupervisorVersion", {"string"}, "Return the version of the supervisor package in use by supervisord "
        "(here: warden's version)", 0, 0, [api](params const&, result_fn done) { done(value(api->ops().version())); });
    add("getIdentification", {"string"}, "Return identifying string of supervisord", 0, 0,
        [](params const&, result_fn done) { done(value("supervisor")); });
    add("getState", {"struct"}, "Return current state of supervisord as a struct", 0, 0,
        [](params const&, result_fn done) { done(value(structure{{"statecode", 1}, {"statename", "RUNNING"}})); });
    add("getPID", {"int"}, "Return the PID of supervisord", 0, 0, [](params const&, result_fn done) {
        done(value(static_cast<int>(platform::current_pid())));
    });
    auto read_main = [api](params const& p, result_fn done) { api->read_log(api->ops().main_log_file(), p, std::move(done)); };
    add("readLog", {"string", "int", "int"}, "Read length bytes from the main log starting at offset", 2, 2, read_main);
    add("readMainLog", {"string", "int", "int"}, "Read length bytes from the main log starting at offset", 2, 2, read_main);
    add("clearLog", {"boolean"}, "Clear the main log.", 0, 0, [api](params const&, result_fn done) {
        auto const file = api->ops().main_log_file();
        if (file.empty() || !std::filesystem::exists(file))
            return done(make_fault(faults::no_file));
        if (!api->ops().clear_main_log().empty())
            return done(make_fault(faults::failed));
        done(value(true));
    });
    add("shutdown", {"boolean"}, "Shut down the supervisor process", 0, 0, [api](params const&, result_fn done) {
        done(value(true));
        api->ops().shutdown();
    });
    add("restart", {"boolean"}, "Restart the supervisor process: every program is stopped, the configuration "
        "re-read and applied, and the autostart programs started; wardend keeps its pid", 0, 0,
        [api](params const&, result_fn done) {
            done(value(true));
            api->ops().restart_all();
        });

    // --- configuration -------------------------------------------------------------------
    add("reloadConfig", {"array"}, "Reload the configuration: [[added, changed, removed]] process group names", 0, 0,
        [api](params const&, result_fn done) {
            auto diff = api->ops().reread();
            if (auto const* why = std::get_if<std::string>(&diff))
                return done(make_fault(faults::cant_reread, *why));
            auto const& g = std::get<runtime::group_diff>(diff);
            auto list = [](std::vector<std::string> const& names) {
                array a;
                for (auto const& n : names)
                    a.emplace_back(n);
                return a;
            };
            done(value(array{array{list(g.added), list(g.changed), list(g.removed)}}));
        });
    // addProcessGroup and removeProcessGroup: true, or the group change's Fault.
    using group_change = runtime::operations::group_change;
    for (bool const adding : {true, false}) {
        add(adding ? "addProcessGroup" : "removeProcessGroup", {"boolean", "string"},
            adding ? "Update the config for a running process from config file."
                   : "Remove a stopped process from the active configuration.",
            1, 1, [api, name_param, adding](params const& p, result_fn done) {
                auto n = name_param(p, done);
                if (!n)
                    return;
                switch (adding ? api->ops().add_group(*n) : api->ops().remove_group(*n)) {
                case group_change::ok: return done(value(true));
                case group_change::already_active: return done(make_fault(faults::already_added, *n));
                case group_change::still_running: return done(make_fault(faults::still_running, *n));
                case group_change::no_such_group: break;
                }
                done(make_fault(faults::bad_name, *n));
            });
    }
    add("getAllConfigInfo", {"array"}, "Get info about all available process configurations.", 0, 0,
        [api](params const&, result_fn done) {
            auto specs = api->ops().configured_specs();
            std::sort(specs.begin(), specs.end(), [](auto const& a, auto const& b) { return a.process_name < b.process_name; });
            array out;
            for (auto const& s : specs)
                out.push_back(api->config_info(s, !api->ops().group_members(s.group).empty()));
            done(value(std::move(out)));
        });

    // --- starting and stopping -----------------------------------------------------------
    // start* and stop*: the same three methods each, as in supervisord.
    for (auto const what : {change_request::kind::start, change_request::kind::stop}) {
        bool const start = what == change_request::kind::start;
        std::string const verb = start ? "start" : "stop";
        auto group = [api, what](std::string const& group, std::string const& shown, bool wait, result_fn done) {
            auto members = api->ops().group_members(group);
            if (members.empty())
                return done(make_fault(faults::bad_name, shown));
            api->change_many(what, std::move(members), wait, std::move(done));
        };
        add(verb + "Process", {"boolean", "string", "boolean"},
            start ? "Start a process (name, or group:name, or group:*); with wait, answer once it is RUNNING"
                  : "Stop a process named by name (or group:name, group:*); with wait, answer once it is stopped",
            1, 2, [api, name_param, group, start](params const& p, result_fn done) {
                auto n = name_param(p, done);
                if (!n)
                    return;
                auto const wait = p.boolean(1, true);
                if (!wait)
                    return done(make_fault(faults::incorrect_parameters));
                if (auto g = supervisor_api::group_of(*n))
                    return group(*g, *n, *wait, std::move(done));
                auto i = api->ops().find_process(*n);
                if (!i)
                    return done(make_fault(faults::bad_name, *n));
                if (running_state(api->sup().record(*i).state) == start)
                    return done(make_fault(start ? faults::already_started : faults::not_running, *n));
                auto const what = start ? change_request::kind::start : change_request::kind::stop;
                api->ops().change_state({what, {*i}, start, *wait},
                                        [n = *n, start, done = std::move(done)](std::vector<change_outcome> o) {
                                            if (start) {
                                                if (auto f = supervisor_api::start_fault(o.at(0), n))
                                                    return done(*f);
                                            } else if (!o.at(0).ok()) {
                                                return done(make_fault(faults::failed, n + ": " + o[0].message));
                                            }
                                            done(value(true));
                                        });
            });
        add(verb + "ProcessGroup", {"array", "string", "boolean"},
            (start ? "Start" : "Stop") + std::string(" all processes in the group named 'name'"), 1, 2,
            [name_param, group](params const& p, result_fn done) {
                auto n = name_param(p, done);
                if (!n)
                    return;
                auto const wait = p.boolean(1, true);
                if (!wait)
                    return done(make_fault(faults::incorrect_parameters));
                group(*n, *n, *wait, std::move(done));
            });
        add(verb + "AllProcesses", {"array", "boolean"},
            (start ? "Start" : "Stop") + std::string(" all processes listed in the configuration file"), 0, 1,
            [api, what, start](params const& p, result_fn done) {
                auto const wait = p.boolean(0, true);
                if (!wait)
                    return done(make_fault(faults::incorrect_parameters));
                auto all = api->ops().all_processes();
                if (!start)
                    std::reverse(all.begin(), all.end()); // dependents first
                api->change_many(what, std::move(all), *wait, std::move(done));
            });
    }

    // --- signals ---------------------------------------------------------------------------
    auto signal_param = [](params const& p, std::size_t i) -> std::optional<std::string> {
        if (auto s = p.string(i))
            return s;
        if (auto n = p.integer(i))
            return std::to_string(*n);
        return std::nullopt;
    };
    add("signalProcess", {"boolean", "string", "string"}, "Send an arbitrary UNIX signal to the process named by name", 2, 2,
        [api, name_param, signal_param](params const& p, result_fn done) {
            auto n = name_param(p, done);
            if (!n)
                return;
            auto sig = signal_param(p, 1);
            if (!sig)
                return done(make_fault(faults::incorrect_parameters));
            if (auto g = supervisor_api::group_of(*n)) {
                auto members = api->ops().group_members(*g);
                if (members.empty())
                    return done(make_fault(faults::bad_name, *n));
                return api->signal_many(members, *sig, std::move(done));
            }
            auto i = api->ops().find_process(*n);
            if (!i)
                return done(make_fault(faults::bad_name, *n));
            auto parsed = config::parse_signal(*sig, platform::config_platform());
            if (!parsed.value)
                return done(make_fault(faults::bad_signal, *sig));
            if (!signallable(api->sup().record(*i).state))
                return done(make_fault(faults::not_running, *n));
            if (auto error = api->ops().signal(*i, *parsed.value); !error.empty())
                return done(make_fault(faults::failed, error));
            done(value(true));
        });
    add("signalProcessGroup", {"array", "string", "string"}, "Send a signal to all processes in the group named 'name'", 2, 2,
        [api, name_param, signal_param](params const& p, result_fn done) {
            auto n = name_param(p, done);
            if (!n)
                return;
            auto sig = signal_param(p, 1);
            if (!sig)
                return done(make_fault(faults::incorrect_parameters));
            auto members = api->ops().group_members(*n);
            if (members.empty())
                return done(make_fault(faults::bad_name, *n));
            api->signal_many(members, *sig, std::move(done));
        });
    add("signalAllProcesses", {"array", "string"}, "Send a signal to all processes in the process list", 1, 1,
        [api, signal_param](params const& p, result_fn done) {
            auto sig = signal_param(p, 0);
            if (!sig)
                return done(make_fault(faults::incorrect_parameters));
            api->signal_many(api->ops().all_processes(), *sig, std::move(done));
        });
    add("sendRemoteCommEvent", {"boolean", "string", "string"}, "Send an event that will be received by event "
        "listener subprocesses subscribing to the RemoteCommunicationEvent.", 2, 2,
        [](params const& p, result_fn done) {
            if (!p.string(0) || !p.string(1))
                return done(make_fault(faults::incorrect_parameters));
            done(value(true)); // no event listeners run yet (SPEC §12)
        });
    add("sendProcessStdin", {"boolean", "string", "string"}, "Send a string of chars to the stdin of the process "
        "name. Under warden a child's stdin is /dev/null, never a pipe: NOT_RUNNING when the process does not "
        "run, NO_FILE when it does.", 2, 2, [api, name_param](params const& p, result_fn done) {
            auto n = name_param(p, done);
            if (!n)
                return;
            if (!p.string(1) && !p.at(1).is<xmlrpc::binary>())
                return done(make_fault(faults::incorrect_parameters));
            auto i = api->ops().find_process(*n);
            if (!i)
                return done(make_fault(faults::bad_name, *n));
            if (api->sup().record(*i).pid == 0 || api->sup().record(*i).state == process_state::stopping)
                return done(make_fault(faults::not_running, *n));
            done(make_fault(faults::no_file, *n));
        });

    // --- process information ----------------------------------------------------------------
    add("getProcessInfo", {"struct", "string"}, "Get info about a process named name", 1, 1,
        [api, name_param](params const& p, result_fn done) {
            auto n = name_param(p, done);
            if (!n)
                return;
            auto i = api->ops().find_process(*n);
            if (!i)
                return done(make_fault(faults::bad_name, *n));
            done(api->process_info(*i));
        });
    add("getAllProcessInfo", {"array"}, "Get info about all processes", 0, 0, [api](params const&, result_fn done) {
        array out;
        for (auto i : api->ops().lexical_processes())
            out.push_back(api->process_info(i));
        done(value(std::move(out)));
    });

    // --- process logs -------------------------------------------------------------------------
    for (auto [method, stream] : {std::pair{"readProcessStdoutLog", platform::output_stream::out},
                                  std::pair{"readProcessLog", platform::output_stream::out},
                                  std::pair{"readProcessStderrLog", platform::output_stream::err}}) {
        add(method, {"string", "string", "int", "int"}, "Read length bytes from name's log starting at offset", 3, 3,
            [api, name_param, stream](params const& p, result_fn done) {
                auto n = name_param(p, done);
                if (!n)
                    return;
                auto i = api->ops().find_process(*n);
                if (!i)
                    return done(make_fault(faults::bad_name, *n));
                api->read_log(api->ops().log_file(*i, stream), p, std::move(done));
            });
    }
    for (auto [method, stream] : {std::pair{"tailProcessStdoutLog", platform::output_stream::out},
                                  std::pair{"tailProcessLog", platform::output_stream::out},
                                  std::pair{"tailProcessStderrLog", platform::output_stream::err}}) {
        add(method, {"array", "string", "int", "int"}, "Tail the log: [string bytes, int offset, bool overflow]", 3, 3,
            [api, name_param, stream](params const& p, result_fn done) {
                auto n = name_param(p, done);
                if (!n)
                    return;
                auto const offset = p.integer(1);
                auto const length = p.integer(2);
                if (!offset || !length)
                    return done(make_fault(faults::incorrect_parameters));
                auto i = api->ops().find_process(*n);
                if (!i)
                    return done(make_fault(faults::bad_name, *n));
                auto const file = api->ops().log_file(*i, stream);
                if (file.empty() || !std::filesystem::exists(file))
                    return done(value(array{"", 0, false}));
                auto t = tail_file(file, *offset, *length);
                done(value(array{t.bytes, static_cast<int>(std::min<long long>(t.offset, 0x7fffffff)), t.overflow}));
            });
    }
    auto clear_one = [api, name_param](params const& p, result_fn done) {
        auto n = name_param(p, done);
        if (!n)
            return;
        auto i = api->ops().find_process(*n);
        if (!i)
            return done(make_fault(faults::bad_name, *n));
        if (!api->ops().clear_logs(*i).empty())
            return done(make_fault(faults::failed, *n));
        done(value(true));
    };
    add("clearProcessLogs", {"boolean", "string"}, "Clear the stdout and stderr logs for the named process", 1, 1, clear_one);
    add("clearProcessLog", {"boolean", "string"}, "Clear the stdout and stderr logs for the named process", 1, 1, clear_one);
    add("clearAllProcessLogs", {"array"}, "Clear all process log files", 0, 0, [api](params const&, result_fn done) {
        array results;
        for (auto i : api->ops().all_processes()) {
            auto const& s = api->spec(i);
            results.push_back(api->ops().clear_logs(i).empty()
                                  ? supervisor_api::status(s, faults::success, "OK")
                                  : supervisor_api::status(s, faults::failed, make_fault(faults::failed, s.name).text));
        }
        done(value(std::move(results)));
    });
}

} // namespace warden::rpc
