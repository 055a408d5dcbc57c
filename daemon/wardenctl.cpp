// wardenctl: argument parsing and wiring only (SPEC §1, docs/protocol.md).
// The request shapes are in docs/protocol.md, the output in control/format.
#include "config/diagnostics.hpp"
#include "control/client.hpp"
#include "control/format.hpp"
#include "control/socket_path.hpp"

#include <boost/program_options.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace po = boost::program_options;
namespace json = boost::json;
using namespace warden;
using namespace warden::control;

namespace {

constexpr int exit_ok = 0;
constexpr int exit_failed = 1;      ///< the daemon refused, or the operation failed
constexpr int exit_usage = 2;       ///< usage or config error
constexpr int exit_unreachable = 3; ///< no daemon at the socket
constexpr int exit_not_running = 3; ///< status: a process is not RUNNING (supervisorctl 4's LSB code)

constexpr char const* usage_text = R"(Usage: wardenctl [-c FILE | -s SOCKET] [--json] [--timeout SECONDS] COMMAND [ARGS]

Commands:
  status [NAME...]              one line per process (exit 3 if one is not RUNNING)
  start NAME...                 NAME is a process, GROUP:*, or all; waits until RUNNING or failed
  stop NAME...                  waits until stopped
  restart NAME...               stop, then start
  signal SIG NAME...            send SIG (HUP, USR1, 15, ...) to each process's group
  pid [NAME]                    the daemon's pid, or a process's
  tail [-f] [-n N] NAME [stdout|stderr]
                                the last N lines (default 10) of a process's output; -f follows
  reload [--dry-run]            re-read the config and apply the difference
  shutdown                      stop everything in order; the daemon then exits
  version                       the daemon's and wardenctl's versions

Options:
  -c, --config FILE     take the socket path from this config file
                        (default: ./warden.ini, then /etc/warden/warden.ini)
  -s, --socket PATH     talk to the daemon at this socket, without any config
  --json                print each result as one line of JSON
  --timeout SECONDS     give up when the daemon has not answered by then (default: wait)
  -h, --help            this help
  --version             wardenctl's version

Exit status: 0 success; 1 the daemon refused or the operation failed;
2 usage or config error; 3 the daemon cannot be reached, or (status) a
process is not RUNNING.
)";

struct usage_error {
    std::string message;
};

struct config_error {
    std::string message;
};

struct options {
    std::string config;
    std::string socket;
    bool json = false;
    double timeout = 0;
    // tail
    bool follow = false;
    std::string lines = "10";
    // reload
    bool dry_run = false;
    std::vector<std::string> args;
};

/// How one command turns into a request, and its successful result into text.
struct command {
    std::string name;
    std::function<request(options const&)> make;         ///< throws usage_error
    std::function<int(json::value const&, options const&)> print; ///< returns the exit code
    bool streams = false;                                 ///< tail -f: print each reply as it comes
};

void need_args(options const& o, std::string const& cmd, std::size_t min, std::size_t max, char const* what)
{
    if (o.args.size() < min)
        throw usage_error{cmd + ": missing " + what};
    if (o.args.size() > max)
        throw usage_error{cmd + ": too many arguments (expected " + what + ")"};
}

int print_text(std::string const& text)
{
    std::cout << text << std::flush;
    return exit_ok;
}

std::vector<command> const& commands()
{
    auto const simple = [](std::string name, auto print) {
        return command{name, [name](options const& o) {
                           need_args(o, name, 0, 0, "no arguments");
                           return request{name, {}, {}};
                       },
                       print};
    };
    auto const per_process = [](std::string name, std::string done_word) {
        return command{name,
                       [name](options const& o) {
                           need_args(o, name, 1, SIZE_MAX, "NAME... (a process, GROUP:*, or all)");
                           return request{name, o.args, {}};
                       },
                       [done_word](json::value const& r, options const&) {
                           return print_text(format::process_results(r, done_word));
                       }};
    };
    static std::vector<command> const all = {
        {"status", [](options const& o) { return request{"status", o.args, {}}; },
         [](json::value const& r, options const&) {
             print_text(format::status_table(r));
             return format::all_running(r) ? exit_ok : exit_not_running;
         }},
        per_process("start", "started"),
        per_process("stop", "stopped"),
        per_process("restart", "restarted"),
        {"signal",
         [](options const& o) {
             need_args(o, "signal", 2, SIZE_MAX, "SIG NAME...");
             return request{"signal", o.args, {}};
         },
         [](json::value const& r, options const&) { return print_text(format::process_results(r, "signalled")); }},
        {"pid",
         [](options const& o) {
             need_args(o, "pid", 0, 1, "at most one NAME");
             return request{"pid", o.args, {}};
         },
         [](json::value const& r, options const&) { return print_text(format::pid(r)); }},
        {"tail",
         [](options const& o) {
             need_args(o, "tail", 1, 2, "NAME [stdout|stderr]");
             std::string const stream = o.args.size() > 1 ? o.args[1] : "stdout";
             if (stream != "stdout" && stream != "stderr")
                 throw usage_error{"tail: the stream is stdout or stderr, not '" + stream + "'"};
             std::size_t used = 0;
             long long lines = -1;
             try {
                 lines = std::stoll(o.lines, &used);
             } catch (std::exception const&) {
             }
             if (lines < 0 || used != o.lines.size())
                 throw usage_error{"tail: -n needs a number of lines (0 or more), not '" + o.lines + "'"};
             json::object opts{{"lines", lines}, {"follow", o.follow}};
             return request{"tail", {o.args[0], stream}, std::move(opts)};
         },
         [](json::value const& r, options const&) { return print_text(format::tail_data(r)); }, true},
        {"reload",
         [](options const& o) {
             need_args(o, "reload", 0, 0, "no arguments besides --dry-run");
             json::object opts;
             if (o.dry_run)
                 opts["dry_run"] = true;
             return request{"reload", {}, std::move(opts)};
         },
         [](json::value const& r, options const&) { return print_text(format::reload_summary(r)); }},
        simple("shutdown", [](json::value const&, options const&) { return print_text("Shut down\n"); }),
        simple("version", [](json::value const& r, options const&) {
            return print_text(format::versions(r, WARDEN_VERSION));
        }),
    };
    return all;
}

command const* find_command(std::string const& name)
{
    for (auto const& c : commands())
        if (c.name == name)
            return &c;
    return nullptr;
}

// The command is the first word that is neither an option nor an option's value.
std::optional<int> command_index(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        std::string const a = argv[i];
        if (a == "--")
            return i + 1 < argc ? std::optional<int>(i + 1) : std::nullopt;
        if (a.size() > 1 && a[0] == '-') {
            if (a == "-c" || a == "--config" || a == "-s" || a == "--socket" || a == "--timeout" || a == "-n"
                || a == "--lines")
                ++i;
            continue;
        }
        return i;
    }
    return std::nullopt;
}

po::options_description global_options(options& o)
{
    po::options_description desc;
    desc.add_options()
        ("config,c", po::value(&o.config))
        ("socket,s", po::value(&o.socket))
        ("json", po::bool_switch(&o.json))
        ("timeout", po::value(&o.timeout))
        ("help,h", "")
        ("version", "");
    return desc;
}

po::options_description command_options(std::string const& cmd, options& o)
{
    po::options_description desc = global_options(o);
    if (cmd == "tail")
        desc.add_options()("follow,f", po::bool_switch(&o.follow))("lines,n", po::value(&o.lines));
    if (cmd == "reload")
        desc.add_options()("dry-run", po::bool_switch(&o.dry_run));
    desc.add_options()("args", po::value(&o.args));
    return desc;
}

// -s, or -c's `socket`, or the first config found, or the default.
std::string socket_path(options const& o)
{
    if (!o.socket.empty())
        return o.socket;
    std::string file = o.config;
    if (file.empty())
        for (auto const& candidate : default_config_files())
            if (std::filesystem::exists(candidate)) {
                file = candidate;
                break;
            }
    if (file.empty())
        return default_socket_path();
    auto found = socket_path_from_config(file);
    if (!found.path) {
        for (auto const& d : found.errors)
            std::cerr << config::format(d) << "\n";
        throw config_error{file + " is invalid; cannot tell where the control socket is (use -s SOCKET)"};
    }
    return *found.path;
}

int run(command const& cmd, options const& o)
{
    request const req = cmd.make(o);
    std::string const path = socket_path(o);

    std::optional<client::duration> timeout;
    if (o.timeout > 0)
        timeout = std::chrono::duration_cast<client::duration>(std::chrono::duration<double>(o.timeout));
    client::duration connect_timeout = std::chrono::seconds(10);
    if (timeout && *timeout < connect_timeout)
        connect_timeout = *timeout;

    client c(path);
    if (auto err = c.connect(connect_timeout)) {
        if (cmd.name == "version")
            std::cout << "wardenctl " << WARDEN_VERSION << "\n";
        std::cerr << "wardenctl: " << err->message << "\n";
        return exit_unreachable;
    }

    int code = exit_ok;
    auto const on_reply = [&](reply const& r) {
        if (!r.ok) {
            code = exit_failed;
            if (o.json) {
                if (!r.result.is_null())
                    std::cout << format::json_line(r.result) << std::flush;
                std::cerr << format::json_line(json::object{{"code", r.code}, {"message", r.message}});
            } else if (!r.result.is_null() && !format::process_results(r.result, "").empty()) {
                // Per-process lines say it all ("web: ERROR (FATAL: ...)").
                cmd.print(r.result, o);
            } else {
                std::cerr << "wardenctl: " << r.message << "\n";
            }
            return true;
        }
        if (o.json) {
            std::cout << format::json_line(r.result) << std::flush;
            if (cmd.name == "status" && !format::all_running(r.result))
                code = exit_not_running;
            return true;
        }
        int const c2 = cmd.print(r.result, o);
        if (c2 != exit_ok)
            code = c2;
        return true;
    };
    if (auto err = c.call(req, on_reply, timeout)) {
        std::cerr << "wardenctl: " << err->message << "\n";
        return err->kind == client_error::unreachable ? exit_unreachable : exit_failed;
    }
    return code;
}

} // namespace

int main(int argc, char** argv)
{
    options o;
    try {
        auto const at = command_index(argc, argv);
        std::string const name = at ? argv[*at] : "";
        std::vector<std::string> rest; // argv without the program and the command word
        for (int i = 1; i < argc; ++i)
            if (!at || i != *at)
                rest.emplace_back(argv[i]);

        po::positional_options_description positional;
        positional.add("args", -1);
        command const* cmd = at ? find_command(name) : nullptr;
        auto const desc = cmd ? command_options(name, o) : global_options(o);
        po::variables_map vm;
        try {
            auto parser = po::command_line_parser(rest).options(desc);
            if (cmd)
                parser.positional(positional);
            po::store(parser.run(), vm);
            po::notify(vm);
        } catch (po::error const& e) {
            throw usage_error{e.what()};
        }
        if (vm.count("help")) {
            std::cout << usage_text;
            return exit_ok;
        }
        if (vm.count("version")) {
            std::cout << "wardenctl " << WARDEN_VERSION << "\n";
            return exit_ok;
        }
        if (!at)
            throw usage_error{"missing COMMAND"};
        if (!cmd)
            throw usage_error{"unknown command '" + name + "'"};
        if (!o.config.empty() && !o.socket.empty())
            throw usage_error{"-c and -s are exclusive: -s names the socket, -c a config that names it"};
        if (o.timeout < 0)
            throw usage_error{"--timeout needs a number of seconds (0: wait)"};
        return run(*cmd, o);
    } catch (usage_error const& e) {
        std::cerr << "wardenctl: " << e.message << "\nTry 'wardenctl --help'.\n";
        return exit_usage;
    } catch (config_error const& e) {
        std::cerr << "wardenctl: " << e.message << "\n";
        return exit_usage;
    } catch (std::exception const& e) {
        std::cerr << "wardenctl: " << e.what() << "\n";
        return exit_failed;
    }
}
