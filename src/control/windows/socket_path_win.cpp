// Where the control pipe and the config are on Windows (SPEC §1, §9).
#include "control/socket_path.hpp"

#include "config/load.hpp"

#include <windows.h>

#include <cwchar>

namespace warden::control {

namespace {

std::string narrow(std::wstring_view w)
{
    if (w.empty())
        return {};
    int const n = ::WideCharToMultiByte(CP_UTF8, 0, w.data(), static_cast<int>(w.size()), nullptr, 0, nullptr, nullptr);
    std::string out(static_cast<std::size_t>(n), '\0');
    ::WideCharToMultiByte(CP_UTF8, 0, w.data(), static_cast<int>(w.size()), out.data(), n, nullptr, nullptr);
    return out;
}

std::map<std::string, std::string> environment()
{
    std::map<std::string, std::string> env;
    wchar_t* block = ::GetEnvironmentStringsW();
    if (!block)
        return env;
    for (wchar_t const* p = block; *p; p += std::wcslen(p) + 1) {
        std::wstring_view entry(p);
        auto const eq = entry.find(L'=', 1);
        if (eq != std::wstring_view::npos)
            env.emplace(narrow(entry.substr(0, eq)), narrow(entry.substr(eq + 1)));
    }
    ::FreeEnvironmentStringsW(block);
    return env;
}

} // namespace

std::string default_socket_path() { return "\\\\.\\pipe\\warden"; }

std::vector<std::string> default_config_files()
{
    std::vector<std::string> files{"warden.ini"};
    wchar_t buf[MAX_PATH];
    DWORD const n = ::GetEnvironmentVariableW(L"PROGRAMDATA", buf, MAX_PATH);
    if (n > 0 && n < MAX_PATH)
        files.push_back(narrow(std::wstring_view(buf, n)) + "\\warden\\warden.ini");
    return files;
}

config_socket socket_path_from_config(std::string const& file)
{
    config::load_options options;
    options.platform = config::target_platform::windows;
    options.environment = environment();
    wchar_t host[256];
    DWORD size = 256;
    if (::GetComputerNameExW(ComputerNameDnsHostname, host, &size))
        options.host_node_name = narrow(std::wstring_view(host, size));

    return socket_in_config(file, options);
}

} // namespace warden::control
