// wardend: argument parsing and wiring only (SPEC §1).
#include "config/load.hpp"
#include "http/server.hpp"
#include "control/server.hpp"
#include "control/socket_path.hpp"
#include "platform/host.hpp"
#include "platform/notify.hpp"
#include "platform/process_host.hpp"
#include "runtime/control_commands.hpp"
#include "runtime/driver.hpp"
#include "runtime/operations.hpp"
#include "rpc/routes.hpp"
#include "rpc/supervisor_namespace.hpp"
#include "runtime/logging.hpp"
#include "service.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/program_options.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace po = boost::program_options;
namespace fs = std::filesystem;
using namespace warden;

namespace {

constexpr int exit_ok = 0;
constexpr int exit_runtime_error = 1;
constexpr int exit_usage = 2;

struct options {
    std::string config;
    bool check = false;
    bool strict = false;
    std::optional<config::log_level> log_level;
};

// SPEC §1: ./warden.ini, then /etc/warden/warden.ini (Windows: %PROGRAMDATA%).
std::optional<std::string> find_config()
{
    for (auto const& candidate : control::default_config_files())
        if (fs::exists(candidate))
            return candidate;
    return std::nullopt;
}

config::load_result load(std::string const& path)
{
    config::load_options o;
    o.host_node_name = platform::host_node_name();
    o.environment = platform::environment_variables();
    o.user_exists = platform::user_exists;
    o.platform = platform::config_platform();
    o.default_childlogdir = fs::temp_directory_path().string();
    return config::load_file(path, o);
}

int check(std::string const& path, bool strict)
{
    auto result = load(path);
    int errors = 0, warnings = 0;
    for (auto const& d : result.diagnostics) {
        std::cout << config::format(d) << "\n";
        errors += d.level == config::severity::error;
        warnings += d.level == config::severity::warning;
    }
    bool ok = errors == 0 && !(strict && warnings > 0);
    std::cout << path << ": " << (ok ? "valid" : "invalid") << " (" << errors << " errors, " << warnings
              << " warnings";
    if (result.cfg)
        std::cout << ", " << result.cfg->processes.size() << " processes";
    std::cout << ")\n";
    return ok ? exit_ok : exit_usage;
}

void log_diagnostics(std::vector<config::diagnostic> const& ds)
{
    for (auto const& d : ds) {
        if (d.level == config::severity::warning)
            WARDEN_LOG(warning) << config::format(d);
        else
            WARDEN_LOG(info) << config::format(d);
    }
}

control::server_options control_options(config::daemon_spec const& spec)
{
    control::server_options o;
    o.path = spec.socket.empty() ? control::default_socket_path() : spec.socket;
    o.mode = spec.socket_mode;
    o.log = [](control::severity s, std::string const& m) {
        switch (s) {
        case control::severity::debug: WARDEN_LOG(debug) << m; break;
        case control::severity::info: WARDEN_LOG(info) << m; break;
        case control::severity::warning: WARDEN_LOG(warning) << m; break;
        case control::severity::error: WARDEN_LOG(error) << m; break;
        }
    };
    return o;
}

http::server_options http_options(config::http_server_spec const& spec)
{
    http::server_options o;
    bool const is_unix = spec.family == config::http_server_spec::family_t::unix_socket;
    o.name = is_unix ? "[unix_http_server]" : "[inet_http_server]";
    o.unix_path = is_unix ? spec.file : std::string();
    o.unix_mode = spec.chmod;
    o.unix_owner = spec.chown_user;
    o.unix_group = spec.chown_group;
    o.host = spec.host;
    o.port = spec.port;
    o.auth = {spec.username, spec.password};
    o.log = [](http::severity s, std::string const& m) {
        switch (s) {
        case http::severity::debug: WARDEN_LOG(debug) << m; break;
        case http::severity::info: WARDEN_LOG(info) << m; break;
        case http::severity::warning: WARDEN_LOG(warning) << m; break;
        case http::severity::error: WARDEN_LOG(error) << m; break;
        }
    };
    return o;
}

class pidfile {
public:
    explicit pidfile(std::string path) : path_(std::move(path))
    {
        if (path_.empty())
            return;
        std::ofstream(path_) << platform::current_pid() << "\n";
    }
    ~pidfile()
    {
        if (!path_.empty())
            std::remove(path_.c_str());
    }

private:
    std::string path_;
};

// `default_logfile`: the log's file when the config names none (a Windows
// service has no stderr); empty: stderr.
int run(std::string const& path, std::optional<config::log_level> level, std::string const& default_logfile = {})
{
    runtime::logging::start(level.value_or(config::log_level::info));
    // First, before anything reads the environment: it takes NOTIFY_SOCKET
    // and WATCHDOG_* out, so that no child inherits them (SPEC §8).
    auto notifier = platform::make_service_notifier([](platform::log_severity sev, std::string const& m) {
        if (sev == platform::log_severity::warning || sev == platform::log_severity::error)
            WARDEN_LOG(warning) << m;
        else
            WARDEN_LOG(debug) << m;
    });
    auto result = load(path);
    if (!result.cfg) {
        for (auto const& d : result.diagnostics)
            std::cerr << config::format(d) << "\n";
        std::cerr << "wardend: " << path << " is invalid; not starting\n";
        return exit_usage;
    }
    auto log_spec = result.cfg->daemon;
    if (log_spec.logfile.empty())
        log_spec.logfile = default_logfile;
    if (auto problem = runtime::logging::configure(log_spec, level))
        WARDEN_LOG(error) << *problem;
    log_diagnostics(result.diagnostics);
    for (auto const& warning : platform::prepare_daemon(result.cfg->daemon))
        WARDEN_LOG(warning) << warning;

    auto const daemon_spec = result.cfg->daemon;
    boost::asio::io_context io(1);
    runtime::driver driver(io, std::move(*result.cfg), load, std::move(notifier));
    runtime::operations operations(io, driver, WARDEN_VERSION);
    runtime::control_commands commands(operations);
    control::server server(io, commands, control_options(daemon_spec));
    if (auto problem = server.start()) {
        WARDEN_LOG(error) << "control socket: " << *problem << "; not starting";
        return exit_runtime_error;
    }
    WARDEN_LOG(info) << "control socket: " << server.path();
    driver.at_finish([&server] { server.stop(); });

    // supervisord's front door (SPEC §11): the same operations over XML-RPC.
    rpc::dispatcher methods;
    if (daemon_spec.rpc_supervisor)
        rpc::add_supervisor_namespace(methods, operations);
    http::router routes;
    rpc::add_routes(routes, methods, operations, [](std::string const& m) { WARDEN_LOG(warning) << m; });
    std::vector<std::unique_ptr<http::server>> http_servers;
    for (auto const& spec : daemon_spec.http_servers) {
        auto s = std::make_unique<http::server>(io, routes, http_options(spec));
        if (auto problem = s->start()) {
            WARDEN_LOG(error) << config::format({config::severity::error, spec.where, *problem}) << "; not starting";
            return exit_runtime_error;
        }
        http_servers.push_back(std::move(s));
    }
    driver.at_finish([&http_servers] {
        for (auto& s : http_servers)
            s->stop();
    });

    pidfile pid(daemon_spec.pidfile);
    driver.start();
    io.run();
    return driver.exit_code();
}

} // namespace

int main(int argc, char** argv)
{
    options opt;
    service_host::options service;
    std::string level;
    po::options_description desc("Usage: wardend [-c FILE] [--check [--strict]] [--log-level LEVEL]\nOptions");
    desc.add_options()
        ("config,c", po::value(&opt.config), "config file (default: ./warden.ini, then /etc/warden/warden.ini)")
        ("check", po::bool_switch(&opt.check), "validate the config, print every problem, exit 0 or 2")
        ("strict", po::bool_switch(&opt.strict), "with --check: any warning makes the file invalid")
        ("log-level", po::value(&level), "trace, debug, info, warning, error (overrides the file)")
        ("version", "print the version")
        ("help,h", "print this help");
    service_host::add_options(desc, service);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
        po::notify(vm);
    } catch (po::error const& e) {
        std::cerr << "wardend: " << e.what() << "\n" << desc;
        return exit_usage;
    }
    if (vm.count("help")) {
        std::cout << desc;
        return exit_ok;
    }
    if (vm.count("version")) {
        std::cout << "wardend " << WARDEN_VERSION << "\n";
        return exit_ok;
    }
    if (!level.empty()) {
        opt.log_level = runtime::logging::parse_level(level);
        if (!opt.log_level) {
            std::cerr << "wardend: unknown log level '" << level << "'\n";
            return exit_usage;
        }
    }
    if (opt.strict && !opt.check) {
        std::cerr << "wardend: --strict only makes sense with --check\n";
        return exit_usage;
    }
    try {
        auto const run_daemon = [&](std::string const& path, std::string const& default_logfile) {
            return run(path, opt.log_level, default_logfile);
        };
        if (auto code = service_host::run_action(service, opt.config, run_daemon))
            return *code;
    } catch (std::exception const& e) {
        std::cerr << "wardend: fatal: " << e.what() << "\n";
        return exit_runtime_error;
    }
    if (opt.config.empty()) {
        auto found = find_config();
        if (!found) {
            std::cerr << "wardend: no config file: pass -c FILE, or create ./warden.ini or /etc/warden/warden.ini\n";
            return exit_usage;
        }
        opt.config = *found;
    }
    try {
        if (opt.check)
            return check(opt.config, opt.strict);
        return run(opt.config, opt.log_level);
    } catch (std::exception const& e) {
        std::cerr << "wardend: fatal: " << e.what() << "\n";
        return exit_runtime_error;
    }
}
