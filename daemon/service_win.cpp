// wardend under the Windows Service Control Manager (SPEC §8).
//
//   --service             run as the service: stop and pre-shutdown requests
//                         enter the ordered shutdown, reported as STOP_PENDING
//                         with a rising checkpoint until every child is gone;
//                         a hidden console is allocated so that children can
//                         be sent CTRL_BREAK_EVENT; the log goes to a file.
//   --install-service     register "wardend --service --name N -c FILE"
//   --uninstall-service   stop (if running) and remove it
#include "service.hpp"

#include "control/socket_path.hpp"
#include "platform/windows/spawn_plan.hpp"
#include "platform/windows/stop_bridge.hpp"
#include "platform/windows/win_util.hpp"

#include <windows.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

namespace po = boost::program_options;
namespace fs = std::filesystem;
namespace win = warden::platform::windows;

namespace warden::service_host {

namespace {

constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

/// The wait hint of each STOP_PENDING report; a new report (with the
/// checkpoint raised) follows well within it while the shutdown runs.
constexpr DWORD stop_wait_hint_ms = 10000;
constexpr auto stop_report_every = std::chrono::seconds(2);
/// How long the system waits for the service in pre-shutdown.
constexpr DWORD preshutdown_timeout_ms = 180000;

struct service_state {
    std::wstring name;
    std::string config;
    std::string logfile;
    run_daemon_fn const* run = nullptr;
    SERVICE_STATUS_HANDLE handle = nullptr;
    std::mutex mutex;
    SERVICE_STATUS status{};
    std::atomic<bool> stop_requested{false};
    std::atomic<bool> finished{false};
    std::thread stop_reporter;
    int exit_code = exit_ok;
};

service_state* the_service = nullptr; // the SCM's callbacks take no context

void report(DWORD state, DWORD wait_hint = 0, int exit_code = 0)
{
    auto& s = *the_service;
    std::lock_guard lock(s.mutex);
    s.status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    s.status.dwCurrentState = state;
    s.status.dwControlsAccepted =
        state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_PRESHUTDOWN : 0;
    s.status.dwWin32ExitCode = exit_code == 0 ? NO_ERROR : ERROR_SERVICE_SPECIFIC_ERROR;
    s.status.dwServiceSpecificExitCode = static_cast<DWORD>(exit_code);
    s.status.dwWaitHint = wait_hint;
    bool const pending = state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING;
    s.status.dwCheckPoint = pending ? s.status.dwCheckPoint + 1 : 0;
    ::SetServiceStatus(s.handle, &s.status);
}

// From the SCM's thread: report STOP_PENDING, hand the stop to the daemon,
// and keep reporting progress until it has finished. Until the daemon
// listens (a stop during startup), the request is repeated.
void begin_stop()
{
    auto& s = *the_service;
    if (s.stop_requested.exchange(true))
        return;
    report(SERVICE_STOP_PENDING, stop_wait_hint_ms);
    s.stop_reporter = std::thread([&s] {
        bool delivered = false;
        auto next_report = std::chrono::steady_clock::now() + stop_report_every;
        while (!s.finished) {
            if (!delivered)
                delivered = win::request_shutdown_from_os(false, {});
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            if (std::chrono::steady_clock::now() >= next_report && !s.finished) {
                report(SERVICE_STOP_PENDING, stop_wait_hint_ms);
                next_report += stop_report_every;
            }
        }
    });
}

DWORD WINAPI control_handler(DWORD control, DWORD, void*, void*)
{
    switch (control) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_PRESHUTDOWN:
    case SERVICE_CONTROL_SHUTDOWN:
        begin_stop();
        return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE:
        return NO_ERROR;
    default:
        return ERROR_CALL_NOT_IMPLEMENTED;
    }
}

// A console of our own, never shown: GenerateConsoleCtrlEvent only reaches
// processes attached to the sender's console, and a service has none.
void allocate_hidden_console()
{
    if (::GetConsoleWindow() == nullptr && ::AllocConsole())
        if (HWND window = ::GetConsoleWindow())
            ::ShowWindow(window, SW_HIDE);
    win::install_console_handler();
}

void WINAPI service_main(DWORD, LPWSTR*)
{
    auto& s = *the_service;
    s.handle = ::RegisterServiceCtrlHandlerExW(s.name.c_str(), control_handler, nullptr);
    if (!s.handle) {
        s.exit_code = exit_failed;
        return;
    }
    report(SERVICE_START_PENDING, 30000);
    win::set_service_mode(true);
    allocate_hidden_console();
    report(SERVICE_RUNNING);
    try {
        s.exit_code = (*s.run)(s.config, s.logfile);
    } catch (...) {
        s.exit_code = exit_failed;
    }
    s.finished = true;
    if (s.stop_reporter.joinable())
        s.stop_reporter.join();
    report(SERVICE_STOPPED, 0, s.exit_code);
}

std::string resolve_config(std::string const& given)
{
    std::string file = given;
    if (file.empty())
        for (auto const& candidate : control::default_config_files())
            if (fs::exists(candidate)) {
                file = candidate;
                break;
            }
    if (file.empty())
        return {};
    std::error_code ec;
    auto absolute = fs::absolute(file, ec);
    return ec ? file : absolute.string();
}

int run_service(std::wstring const& name, std::string const& config, run_daemon_fn const& run_daemon)
{
    static service_state state;
    the_service = &state;
    state.name = name;
    state.config = resolve_config(config);
    state.run = &run_daemon;
    if (state.config.empty()) {
        std::cerr << "wardend: no config file: pass -c FILE\n";
        return exit_usage;
    }
    // The service has no stderr: unless the config names a logfile, the log
    // goes next to the config.
    state.logfile = (fs::path(state.config).parent_path() / "wardend.log").string();

    SERVICE_TABLE_ENTRYW table[] = {{const_cast<wchar_t*>(state.name.c_str()), service_main}, {nullptr, nullptr}};
    if (!::StartServiceCtrlDispatcherW(table)) {
        DWORD const err = ::GetLastError();
        if (err == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
            std::cerr << "wardend: --service is for the Service Control Manager; install the service with "
                         "--install-service, then start it (sc start "
                      << win::narrow(name) << ")\n";
            return exit_usage;
        }
        std::cerr << "wardend: cannot connect to the Service Control Manager: " << win::error_text(err) << "\n";
        return exit_failed;
    }
    return state.exit_code;
}

struct sc_handle {
    explicit sc_handle(SC_HANDLE h) : h_(h) {}
    ~sc_handle()
    {
        if (h_)
            ::CloseServiceHandle(h_);
    }
    sc_handle(sc_handle const&) = delete;
    sc_handle& operator=(sc_handle const&) = delete;
    SC_HANDLE get() const { return h_; }
    explicit operator bool() const { return h_ != nullptr; }

private:
    SC_HANDLE h_;
};

std::wstring own_executable()
{
    std::wstring path(MAX_PATH, L'\0');
    for (;;) {
        DWORD const n = ::GetModuleFileNameW(nullptr, path.data(), static_cast<DWORD>(path.size()));
        if (n < path.size()) {
            path.resize(n);
            return path;
        }
        path.resize(path.size() * 2);
    }
}

int install(std::wstring const& name, std::string const& config)
{
    auto const file = resolve_config(config);
    if (file.empty() || !fs::exists(file)) {
        std::cerr << "wardend: --install-service needs -c FILE (an existing config)\n";
        return exit_usage;
    }
    std::wstring const command = win::quote_command_line(
        {own_executable(), L"--service", L"--name", name, L"-c", win::widen(file)});
    sc_handle manager(::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CREATE_SERVICE));
    if (!manager) {
        std::cerr << "wardend: cannot open the Service Control Manager: " << win::last_error_text() << "\n";
        return exit_failed;
    }
    std::wstring const display = L"warden process supervisor (" + name + L")";
    sc_handle service(::CreateServiceW(manager.get(), name.c_str(), display.c_str(), SERVICE_ALL_ACCESS,
                                       SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START, SERVICE_ERROR_NORMAL,
                                       command.c_str(), nullptr, nullptr, nullptr, nullptr, nullptr));
    if (!service) {
        std::cerr << "wardend: cannot install the service '" << win::narrow(name)
                  << "': " << win::last_error_text() << "\n";
        return exit_failed;
    }
    SERVICE_DESCRIPTIONW description{const_cast<wchar_t*>(L"Starts, supervises and stops the programs of a warden config.")};
    ::ChangeServiceConfig2W(service.get(), SERVICE_CONFIG_DESCRIPTION, &description);
    // Pre-shutdown: the ordered shutdown runs before the system stops services.
    SERVICE_PRESHUTDOWN_INFO preshutdown{preshutdown_timeout_ms};
    ::ChangeServiceConfig2W(service.get(), SERVICE_CONFIG_PRESHUTDOWN_INFO, &preshutdown);
    std::cout << "installed service '" << win::narrow(name) << "': " << win::narrow(command) << "\n";
    return exit_ok;
}

int uninstall(std::wstring const& name)
{
    sc_handle manager(::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT));
    if (!manager) {
        std::cerr << "wardend: cannot open the Service Control Manager: " << win::last_error_text() << "\n";
        return exit_failed;
    }
    sc_handle service(::OpenServiceW(manager.get(), name.c_str(), DELETE | SERVICE_STOP | SERVICE_QUERY_STATUS));
    if (!service) {
        std::cerr << "wardend: cannot open the service '" << win::narrow(name) << "': " << win::last_error_text()
                  << "\n";
        return exit_failed;
    }
    SERVICE_STATUS status{};
    if (::QueryServiceStatus(service.get(), &status) && status.dwCurrentState != SERVICE_STOPPED) {
        ::ControlService(service.get(), SERVICE_CONTROL_STOP, &status);
        auto const deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
        while (::QueryServiceStatus(service.get(), &status) && status.dwCurrentState != SERVICE_STOPPED &&
               std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    if (!::DeleteService(service.get())) {
        std::cerr << "wardend: cannot remove the service '" << win::narrow(name) << "': " << win::last_error_text()
                  << "\n";
        return exit_failed;
    }
    std::cout << "removed service '" << win::narrow(name) << "'\n";
    return exit_ok;
}

} // namespace

void add_options(po::options_description& desc, options& o)
{
    desc.add_options()
        ("service", po::bool_switch(&o.run), "run under the Windows Service Control Manager")
        ("install-service", po::bool_switch(&o.install), "register wardend as a service (with -c FILE)")
        ("uninstall-service", po::bool_switch(&o.uninstall), "stop and remove the service")
        ("name", po::value(&o.name), "the service's name (default: warden)");
}

std::optional<int> run_action(options const& o, std::string const& config, run_daemon_fn const& run_daemon)
{
    int const actions = int(o.run) + int(o.install) + int(o.uninstall);
    if (actions == 0) {
        if (!o.name.empty()) {
            std::cerr << "wardend: --name goes with --service, --install-service or --uninstall-service\n";
            return exit_usage;
        }
        return std::nullopt;
    }
    if (actions > 1) {
        std::cerr << "wardend: --service, --install-service and --uninstall-service are exclusive\n";
        return exit_usage;
    }
    std::wstring const name = win::widen(o.name.empty() ? std::string("warden") : o.name);
    if (o.install)
        return install(name, config);
    if (o.uninstall)
        return uninstall(name);
    return run_service(name, config, run_daemon);
}

} // namespace warden::service_host
