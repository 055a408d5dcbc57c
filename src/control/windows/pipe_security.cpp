#include "control/windows/pipe_security.hpp"

#include <sddl.h>

#include <cctype>
#include <vector>

namespace warden::control::windows {

namespace {

std::string narrow(std::wstring const& w)
{
    std::string out;
    for (wchar_t c : w)
        out += static_cast<char>(c < 128 ? c : '?'); // SDDL is ASCII
    return out;
}

std::optional<std::wstring> current_user_sid(std::string& error)
{
    HANDLE token = nullptr;
    if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &token)) {
        error = "cannot open the process token (error " + std::to_string(::GetLastError()) + ")";
        return std::nullopt;
    }
    DWORD size = 0;
    ::GetTokenInformation(token, TokenUser, nullptr, 0, &size);
    std::vector<char> buffer(size ? size : 1);
    bool const ok = ::GetTokenInformation(token, TokenUser, buffer.data(), size, &size);
    ::CloseHandle(token);
    if (!ok) {
        error = "cannot read the daemon's user (error " + std::to_string(::GetLastError()) + ")";
        return std::nullopt;
    }
    wchar_t* text = nullptr;
    if (!::ConvertSidToStringSidW(reinterpret_cast<TOKEN_USER*>(buffer.data())->User.Sid, &text)) {
        error = "cannot convert the daemon's SID (error " + std::to_string(::GetLastError()) + ")";
        return std::nullopt;
    }
    std::wstring sid(text);
    ::LocalFree(text);
    return sid;
}

} // namespace

std::wstring control_pipe_sddl(std::wstring const& user_sid)
{
    // D:P = protected DACL (nothing inherited); GA = generic all.
    return L"D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;GA;;;" + user_sid + L")";
}

std::optional<pipe_security> pipe_security::make(std::string& error)
{
    auto sid = current_user_sid(error);
    if (!sid)
        return std::nullopt;
    auto const sddl = control_pipe_sddl(*sid);
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    if (!::ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl.c_str(), SDDL_REVISION_1, &descriptor,
                                                                nullptr)) {
        error = "cannot build the control pipe's security descriptor (error " + std::to_string(::GetLastError()) +
                ")";
        return std::nullopt;
    }
    pipe_security s;
    s.descriptor_.reset(descriptor);
    s.attributes_.nLength = sizeof s.attributes_;
    s.attributes_.lpSecurityDescriptor = descriptor;
    s.attributes_.bInheritHandle = FALSE;
    s.sddl_ = narrow(sddl);
    return s;
}

std::optional<std::string> pipe_path(std::string const& socket)
{
    static std::string const prefix = "\\\\.\\pipe\\";
    if (socket.size() > prefix.size()) {
        bool same = true;
        for (std::size_t i = 0; i < prefix.size(); ++i)
            same = same && std::tolower(static_cast<unsigned char>(socket[i])) == prefix[i];
        if (same)
            return socket;
    }
    if (socket.empty() || socket.find_first_of("\\/:") != std::string::npos)
        return std::nullopt;
    return prefix + socket;
}

std::wstring pipe_name_w(std::string const& path)
{
    if (path.empty())
        return {};
    int const n = ::MultiByteToWideChar(CP_UTF8, 0, path.data(), static_cast<int>(path.size()), nullptr, 0);
    std::wstring out(static_cast<std::size_t>(n), L'\0');
    ::MultiByteToWideChar(CP_UTF8, 0, path.data(), static_cast<int>(path.size()), out.data(), n);
    return out;
}

} // namespace warden::control::windows
