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

json::array to_json(std::vector<std::string> const& names)
{
    json::array a;
    for (auto const& n : names)
        a.emplace_back(n);
    return a;
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

} // namespace

control_commands::control_commands(operations& ops) : ops_(ops), driver_(ops.daemon()) {}

std::variant<std::vector<std::size_t>, reply> control_commands::resolve(std::vector<std::string> const& names) const
{
    auto resolved = ops_.resolve(names);
    if (auto const* unknown = std::get_if<std::string>(&resolved))
        return reply::failure(code::no_such_process, "no such process: " + *unknown);
    return std::get<std::vector<std::size_t>>(std::move(resolved));
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
        send(reply::success(json::object{{"daemon", ops_.version()}, {"protocol", control::protocol_version}}));
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
    if (ops_.shutting_down()) {
        send(reply::failure(code::shutting_down, "wardend is shutting down"));
        return;
    }
    auto resolved = resolve(req.args);
    if (auto* error = std::get_if<reply>(&resolved)) {
        send(std::move(*error));
        return;
    }
    using kind = change_request::kind;
    auto const k = req.cmd == "start" ? kind::start : req.cmd == "stop" ? kind::stop : kind::restart;
    auto const& sup = driver_.supervisor();
    ops_.change_state({k, std::get<std::vector<std::size_t>>(resolved)},
                      [&sup, send = std::move(send)](std::vector<change_outcome> outcomes) {
                          json::array processes;
                          std::string failures;
                          for (auto const& o : outcomes) {
                              auto const& name = sup.spec(o.index).name;
                              processes.emplace_back(
                                  json::object{{"name", name},
                                               {"ok", o.ok()},
                                               {"state", std::string(core::to_string(sup.record(o.index).state))},
                                               {"message", o.message}});
                              if (!o.ok())
                                  failures += (failures.empty() ? "" : "\n") + name + ": " + o.message;
                          }
                          json::object result{{"processes", std::move(processes)}};
                          send(failures.empty() ? reply::success(std::move(result))
                                                : reply::failure(code::failed, failures, std::move(result)));
                      });
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
        auto error = ops_.signal(i, *sig.value);
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
    auto i = ops_.find_process(req.args[0]);
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
    auto index = ops_.find_process(req.args[0]);
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
    auto const file = ops_.log_file(*index, stream);
    std::string data = file.empty() ? "" : last_lines(file, lines);
    if (!send(reply::success(json::object{{"data", data}}, follow)) || !follow)
        return;
    ops_.follow_output(*index, stream, [send = std::move(send)](std::string_view bytes) {
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
    if (ops_.shutting_down())
        return reply::failure(code::shutting_down, "wardend is shutting down");
    auto outcome = ops_.reload(dry_run);
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
    ops_.shutdown();
}

} // namespace warden::runtime
