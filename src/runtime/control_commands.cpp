#include "runtime/control_commands.hpp"

#include "config/convert.hpp"
#include "platform/host.hpp"
#include "runtime/logging.hpp"

#include <boost/asio/post.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>

namespace warden::runtime {

namespace json = boost::json;
namespace asio = boost::asio;
using control::reply;
namespace code = control::error_code;
using core::process_state;

namespace {

std::string two_digits(long long v) { return (v < 10 ? "0" : "") + std::to_string(v); }

std::string clock_text(core::duration d)
{
    auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
    return std::to_string(s / 3600) + ":" + two_digits(s / 60 % 60) + ":" + two_digits(s % 60);
}

json::array to_json(std::vector<std::string> const& names)
{
    json::array a;
    for (auto const& n : names)
        a.emplace_back(n);
    return a;
}

bool is_down(process_state s)
{
    return s == process_state::stopped || s == process_state::exited || s == process_state::fatal;
}

// The last `lines` lines of a file, reading at most its last 1 MiB.
std::string last_lines(std::string const& path, long long lines)
{
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in || lines <= 0)
        return {};
    std::streamoff const size = in.tellg();
    std::streamoff const start = std::max<std::streamoff>(0, size - (1 << 20));
    std::string data(static_cast<std::size_t>(size - start), '\0');
    in.seekg(start);
    in.read(data.data(), static_cast<std::streamsize>(data.size()));
    data.resize(static_cast<std::size_t>(in.gcount()));
    std::size_t pos = data.size();
    if (pos > 0 && data[pos - 1] == '\n')
        --pos; // the final newline ends the last line; it does not start one
    for (long long n = 0; n < lines && pos > 0; ++n) {
        auto nl = data.rfind('\n', pos - 1);
        pos = nl == std::string::npos ? 0 : nl;
        if (nl == std::string::npos)
            break;
    }
    return data.substr(pos == 0 ? 0 : pos + 1);
}

// One start/stop/restart request in flight: every target is watched until it
// reaches its goal or fails, then one reply says how each ended.
class state_operation : public std::enable_shared_from_this<state_operation> {
public:
    enum class kind { start, stop, restart };

    state_operation(asio::io_context& io, driver& d, kind k, std::vector<std::size_t> targets, control::reply_fn send)
        : io_(io), driver_(d), kind_(k), send_(std::move(send))
    {
        for (auto i : targets)
            items_.push_back(target{i, k == kind::start ? phase::starting : phase::stopping, false, {}});
    }

    void begin()
    {
        // Listen first: a start with startsecs = 0 reaches RUNNING inside start_process().
        driver_.listen_states([self = shared_from_this()](core::report_state const& r) { return self->on_state(r); });
        for (auto& item : items_)
            act(item);
        finish_if_done();
    }

private:
    enum class phase { stopping, starting, done };
    struct target {
        std::size_t index;
        phase step;
        bool ok = false;
        std::string message;
    };

    core::process_record const& record(target const& it) const { return driver_.supervisor().record(it.index); }
    std::string const& name(target const& it) const { return driver_.supervisor().spec(it.index).name; }

    void settle(target& it, bool ok, std::string message)
    {
        it.step = phase::done;
        it.ok = ok;
        it.message = std::move(message);
    }

    // Take the next step for one target, from the state it is in now.
    void act(target& it)
    {
        auto const s = record(it).state;
        if (it.step == phase::stopping) {
            if (is_down(s)) {
                if (kind_ == kind::stop)
                    return settle(it, true, s == process_state::stopped ? "stopped" : "not running");
                it.step = phase::starting;
                return act(it);
            }
            // Reaching STOPPED (at once from BACKOFF) is handled by on_state.
            if (s != process_state::stopping)
                driver_.stop_process(it.index);
            return;
        }
        if (it.step == phase::starting) {
            if (s == process_state::running)
                return settle(it, true, kind_ == kind::start ? "already running" : "started");
            if (is_down(s))
                driver_.start_process(it.index);
            if (record(it).state == process_state::running)
                settle(it, true, "started");
            else if (driver_.supervisor().start_blocked(it.index))
                settle(it, false, "waiting for " + driver_.supervisor().waiting_for(it.index));
        }
    }

    bool on_state(core::report_state const& r)
    {
        settle_blocked();
        for (auto& it : items_) {
            if (it.index != r.process || it.step == phase::done)
                continue;
            if (it.step == phase::stopping && is_down(r.to)) {
                if (kind_ == kind::stop) {
                    settle(it, true, "stopped");
                } else {
                    // Starting again from inside a state notification would
                    // re-enter the driver: do it as the next step instead.
                    it.step = phase::starting;
                    asio::post(io_, [self = shared_from_this(), &it] {
                        self->act(it);
                        self->finish_if_done();
                    });
                }
            } else if (it.step == phase::starting) {
                if (r.to == process_state::running)
                    settle(it, true, "started");
                else if (r.to == process_state::fatal || r.to == process_state::stopped ||
                         r.to == process_state::exited)
                    settle(it, false, std::string(core::to_string(r.to)) + ": " + r.reason);
            }
        }
        return !finish_if_done();
    }

    // A start waiting on a dependency that went FATAL (or was stopped) will
    // not finish by itself: say so instead of waiting for ever.
    void settle_blocked()
    {
        auto const& sup = driver_.supervisor();
        for (auto& it : items_)
            if (it.step == phase::starting && sup.start_blocked(it.index))
                settle(it, false, "waiting for " + sup.waiting_for(it.index));
    }

    // Returns true once every target is settled (and the reply was sent).
    bool finish_if_done()
    {
        if (replied_)
            return true;
        if (std::any_of(items_.begin(), items_.end(), [](target const& it) { return it.step != phase::done; }))
            return false;
        replied_ = true;
        json::array processes;
        std::string failures;
        for (auto const& it : items_) {
            processes.emplace_back(json::object{{"name", name(it)},
                                                {"ok", it.ok},
                                                {"state", std::string(core::to_string(record(it).state))},
                                                {"message", it.message}});
            if (!it.ok)
                failures += (failures.empty() ? "" : "\n") + name(it) + ": " + it.message;
        }
        json::object result{{"processes", std::move(processes)}};
        send_(failures.empty() ? reply::success(std::move(result))
                               : reply::failure(code::failed, failures, std::move(result)));
        return true;
    }

    asio::io_context& io_;
    driver& driver_;
    kind kind_;
    control::reply_fn send_;
    std::vector<target> items_;
    bool replied_ = false;
};

} // namespace

std::string describe(core::process_record const& record, std::string const& last_reason, core::time_point now,
                     std::string const& waiting_for, std::string const& notify_status)
{
    auto const status = notify_status.empty() ? std::string{} : ", " + notify_status;
    switch (record.state) {
    case process_state::running:
        return "pid " + std::to_string(record.pid) + ", uptime " + clock_text(now - record.started_at) + status;
    case process_state::starting:
        return (record.pid ? "pid " + std::to_string(record.pid) : std::string("starting")) + status;
    case process_state::stopping:
        return "pid " + std::to_string(record.pid) + ", stopping";
    default:
        return waiting_for.empty() ? last_reason : "waiting for " + waiting_for;
    }
}

control_commands::control_commands(asio::io_context& io, driver& d, std::string version)
    : io_(io), driver_(d), version_(std::move(version))
{
}

std::variant<std::vector<std::size_t>, reply> control_commands::resolve(std::vector<std::string> const& names) const
{
    auto const& sup = driver_.supervisor();
    std::vector<std::size_t> out;
    auto add = [&](std::size_t i) {
        if (std::find(out.begin(), out.end(), i) == out.end())
            out.push_back(i);
    };
    for (auto const& name : names) {
        bool found = false;
        bool const all = name == "all";
        bool const group = name.size() > 2 && name.ends_with(":*");
        for (std::size_t i = 0; i < sup.size(); ++i) {
            if (!sup.active(i))
                continue;
            if (all || (group && sup.spec(i).group == name.substr(0, name.size() - 2)) || sup.spec(i).name == name) {
                add(i);
                found = true;
            }
        }
        if (!found)
            return reply::failure(code::no_such_process, "no such process: " + name);
    }
    return out;
}

void control_commands::handle(control::request const& req, control::reply_fn send)
{
    auto const& cmd = req.cmd;
    if (cmd == "status")
        send(status(req));
    else if (cmd == "start" || cmd == "stop" || cmd == "restart")
        change_state(req, std::move(send));
    else if (cmd == "signal")
        send(signal(req));
    else if (cmd == "pid")
        send(pid(req));
    else if (cmd == "tail")
        tail(req, std::move(send));
    else if (cmd == "reload")
        send(reload(req));
    else if (cmd == "shutdown")
        shutdown(std::move(send));
    else if (cmd == "version")
        send(reply::success(json::object{{"daemon", version_}, {"protocol", control::protocol_version}}));
    else
        send(reply::failure(code::unknown_command, "unknown command: " + cmd));
}

reply control_commands::status(control::request const& req) const
{
    auto const& sup = driver_.supervisor();
    std::vector<std::size_t> targets;
    if (req.args.empty()) {
        for (std::size_t i = 0; i < sup.size(); ++i)
            if (sup.active(i))
                targets.push_back(i);
    } else {
        auto resolved = resolve(req.args);
        if (auto* error = std::get_if<reply>(&resolved))
            return std::move(*error);
        targets = std::get<std::vector<std::size_t>>(resolved);
    }
    std::sort(targets.begin(), targets.end(),
              [&](std::size_t a, std::size_t b) { return sup.spec(a).name < sup.spec(b).name; });
    auto const now = core::clock::now();
    json::array processes;
    for (auto i : targets) {
        auto const& r = sup.record(i);
        json::object p{{"name", sup.spec(i).name},
                       {"group", sup.spec(i).group},
                       {"state", std::string(core::to_string(r.state))},
                       {"pid", r.pid},
                       {"description", describe(r, driver_.last_reason(i), now, sup.waiting_for(i),
                                                driver_.notify_status(i))}};
        if (r.state == process_state::running)
            p["uptime"] = std::chrono::duration<double>(now - r.started_at).count();
        processes.emplace_back(std::move(p));
    }
    return reply::success(json::object{{"processes", std::move(processes)}});
}

void control_commands::change_state(control::request const& req, control::reply_fn send)
{
    if (req.args.empty()) {
        send(reply::failure(code::bad_arguments, req.cmd + ": name a process, GROUP:*, or all"));
        return;
    }
    if (driver_.supervisor().shutting_down()) {
        send(reply::failure(code::shutting_down, "wardend is shutting down"));
        return;
    }
    auto resolved = resolve(req.args);
    if (auto* error = std::get_if<reply>(&resolved)) {
        send(std::move(*error));
        return;
    }
    auto k = req.cmd == "start" ? state_operation::kind::start
             : req.cmd == "stop" ? state_operation::kind::stop
                                 : state_operation::kind::restart;
    std::make_shared<state_operation>(io_, driver_, k, std::get<std::vector<std::size_t>>(resolved), std::move(send))
        ->begin();
}

reply control_commands::signal(control::request const& req)
{
    if (req.args.size() < 2)
        return reply::failure(code::bad_arguments, "signal: give a signal and at least one process");
    auto sig = config::parse_signal(req.args[0], platform::config_platform());
    if (!sig.value)
        return reply::failure(code::bad_arguments, "signal: " + sig.error);
    auto resolved = resolve(std::vector<std::string>(req.args.begin() + 1, req.args.end()));
    if (auto* error = std::get_if<reply>(&resolved))
        return std::move(*error);
    json::array processes;
    std::string failures;
    for (auto i : std::get<std::vector<std::size_t>>(resolved)) {
        auto const& name = driver_.supervisor().spec(i).name;
        auto error = driver_.signal_process(i, *sig.value);
        processes.emplace_back(
            json::object{{"name", name}, {"ok", error.empty()}, {"message", error.empty() ? "signalled" : error}});
        if (!error.empty())
            failures += (failures.empty() ? "" : "\n") + name + ": " + error;
    }
    json::object result{{"processes", std::move(processes)}};
    return failures.empty() ? reply::success(std::move(result)) : reply::failure(code::failed, failures, std::move(result));
}

reply control_commands::pid(control::request const& req) const
{
    if (req.args.empty())
        return reply::success(json::object{{"pid", platform::current_pid()}});
    if (req.args.size() > 1)
        return reply::failure(code::bad_arguments, "pid: at most one process");
    auto i = driver_.supervisor().find(req.args[0]);
    if (!i)
        return reply::failure(code::no_such_process, "no such process: " + req.args[0]);
    auto const pid = driver_.supervisor().record(*i).pid;
    if (pid == 0)
        return reply::failure(code::not_running, req.args[0] + " is not running");
    return reply::success(json::object{{"name", req.args[0]}, {"pid", pid}});
}

void control_commands::tail(control::request const& req, control::reply_fn send)
{
    if (req.args.empty() || req.args.size() > 2) {
        send(reply::failure(code::bad_arguments, "tail: NAME [stdout|stderr]"));
        return;
    }
    auto const stream_name = req.args.size() == 2 ? req.args[1] : std::string("stdout");
    if (stream_name != "stdout" && stream_name != "stderr") {
        send(reply::failure(code::bad_arguments, "tail: the stream is stdout or stderr, not '" + stream_name + "'"));
        return;
    }
    long long lines = 10;
    bool follow = false;
    if (auto const* v = req.options.if_contains("lines")) {
        if (!v->is_int64() || v->as_int64() < 0) {
            send(reply::failure(code::bad_request, "tail: options.lines must be a non-negative integer"));
            return;
        }
        lines = v->as_int64();
    }
    if (auto const* v = req.options.if_contains("follow")) {
        if (!v->is_bool()) {
            send(reply::failure(code::bad_request, "tail: options.follow must be a boolean"));
            return;
        }
        follow = v->as_bool();
    }
    auto index = driver_.supervisor().find(req.args[0]);
    if (!index) {
        send(reply::failure(code::no_such_process, "no such process: " + req.args[0]));
        return;
    }
    auto const& spec = driver_.supervisor().spec(*index);
    auto const stream = stream_name == "stderr" ? platform::output_stream::err : platform::output_stream::out;
    if (stream == platform::output_stream::err && spec.redirect_stderr) {
        send(reply::failure(code::bad_arguments, spec.name + ": stderr is redirected to stdout (redirect_stderr)"));
        return;
    }
    auto const& target = stream == platform::output_stream::err ? spec.stderr_log : spec.stdout_log;
    std::string data = target.kind == config::log_target_kind::none ? "" : last_lines(target.path, lines);
    if (!send(reply::success(json::object{{"data", data}}, follow)) || !follow)
        return;
    // Follow the output itself, not the file: rotation cannot lose or repeat anything.
    driver_.listen_output([index = *index, stream, send = std::move(send)](std::size_t i, platform::output_stream s,
                                                                           std::string_view bytes) {
        if (i != index || s != stream)
            return true;
        return send(reply::success(json::object{{"data", bytes}}, true));
    });
}

reply control_commands::reload(control::request const& req)
{
    bool dry_run = false;
    if (auto const* v = req.options.if_contains("dry_run")) {
        if (!v->is_bool())
            return reply::failure(code::bad_request, "reload: options.dry_run must be a boolean");
        dry_run = v->as_bool();
    }
    if (driver_.supervisor().shutting_down())
        return reply::failure(code::shutting_down, "wardend is shutting down");
    auto outcome = driver_.reload(dry_run);
    driver_.log_reload(outcome);
    if (!outcome.valid) {
        std::string message;
        for (auto const& d : outcome.diagnostics)
            if (d.level == config::severity::error)
                message += (message.empty() ? "" : "\n") + config::format(d);
        return reply::failure(code::invalid_config, message);
    }
    return reply::success(json::object{{"applied", outcome.applied},
                                       {"added", to_json(outcome.plan.added)},
                                       {"changed", to_json(outcome.plan.changed)},
                                       {"removed", to_json(outcome.plan.removed)},
                                       {"unchanged", to_json(outcome.plan.unchanged)}});
}

void control_commands::shutdown(control::reply_fn send)
{
    send(reply::success(json::object{{"shutting_down", true}}));
    // After the reply is on its way: the shutdown may finish at once.
    asio::post(io_, [this] { driver_.request_shutdown(); });
}

} // namespace warden::runtime
