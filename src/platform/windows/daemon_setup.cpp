// The daemon process itself on Windows, and the questions config validation
// asks the OS.
#include "platform/host.hpp"
#include "platform/process_host.hpp"

#include "platform/windows/spawn.hpp"
#include "platform/windows/win_util.hpp"

#include <windows.h>

namespace warden::platform {

config::target_platform config_platform() { return config::target_platform::windows; }

std::vector<std::string> prepare_daemon(config::daemon_spec const& spec)
{
    std::vector<std::string> warnings;
    // No error dialogs for the daemon or (inherited) its children: a crash
    // must end the process so that warden sees the exit.
    ::SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
    if (spec.umask)
        warnings.push_back("umask has no meaning on Windows; ignored");
    if (spec.minfds)
        warnings.push_back("minfds has no meaning on Windows; ignored");
    if (spec.minprocs)
        warnings.push_back("minprocs has no meaning on Windows; ignored");
    return warnings;
}

std::string host_node_name()
{
    wchar_t name[256];
    DWORD size = 256;
    if (::GetComputerNameExW(ComputerNameDnsHostname, name, &size))
        return windows::narrow(std::wstring_view(name, size));
    size = 256;
    if (::GetComputerNameW(name, &size))
        return windows::narrow(std::wstring_view(name, size));
    return {};
}

core::pid_type current_pid() { return ::GetCurrentProcessId(); }

std::map<std::string, std::string> environment_variables()
{
    std::map<std::string, std::string> env;
    for (auto const& [name, value] : windows::current_environment())
        env.emplace(windows::narrow(name), windows::narrow(value));
    return env;
}

bool user_exists(std::string const& name)
{
    auto const wide = windows::widen(name);
    DWORD sid_size = 0, domain_size = 0;
    SID_NAME_USE use;
    ::LookupAccountNameW(nullptr, wide.c_str(), nullptr, &sid_size, nullptr, &domain_size, &use);
    return ::GetLastError() == ERROR_INSUFFICIENT_BUFFER;
}

} // namespace warden::platform
