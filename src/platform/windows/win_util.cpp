#include "platform/windows/win_util.hpp"

#include <cstdio>

namespace warden::platform::windows {

std::wstring widen(std::string_view utf8)
{
    if (utf8.empty())
        return {};
    int const n = ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
    std::wstring out(static_cast<std::size_t>(n > 0 ? n : 0), L'\0');
    if (n > 0)
        ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), out.data(), n);
    return out;
}

std::string narrow(std::wstring_view utf16)
{
    if (utf16.empty())
        return {};
    int const n = ::WideCharToMultiByte(CP_UTF8, 0, utf16.data(), static_cast<int>(utf16.size()), nullptr, 0,
                                        nullptr, nullptr);
    std::string out(static_cast<std::size_t>(n > 0 ? n : 0), '\0');
    if (n > 0)
        ::WideCharToMultiByte(CP_UTF8, 0, utf16.data(), static_cast<int>(utf16.size()), out.data(), n, nullptr,
                              nullptr);
    return out;
}

std::string error_text(DWORD code)
{
    wchar_t* buffer = nullptr;
    DWORD const n = ::FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                                         FORMAT_MESSAGE_IGNORE_INSERTS,
                                     nullptr, code, 0, reinterpret_cast<wchar_t*>(&buffer), 0, nullptr);
    std::string text;
    if (n > 0 && buffer)
        text = narrow(std::wstring_view(buffer, n));
    if (buffer)
        ::LocalFree(buffer);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '.'))
        text.pop_back();
    if (text.empty())
        text = "Windows error";
    return text + " (error " + std::to_string(code) + ")";
}

std::string last_error_text() { return error_text(::GetLastError()); }

std::string describe_exit_code(DWORD code)
{
    if (code < 0xC0000000u)
        return "exit code " + std::to_string(code);
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08lX", static_cast<unsigned long>(code));
    std::string out = std::string("exit code ") + hex;
    switch (code) {
    case 0xC000013Au: return out + " (STATUS_CONTROL_C_EXIT)";
    case 0xC0000005u: return out + " (STATUS_ACCESS_VIOLATION)";
    case 0xC0000409u: return out + " (STATUS_STACK_BUFFER_OVERRUN)";
    case 0xC00000FDu: return out + " (STATUS_STACK_OVERFLOW)";
    case 0xC0000094u: return out + " (STATUS_INTEGER_DIVIDE_BY_ZERO)";
    case 0xC000001Du: return out + " (STATUS_ILLEGAL_INSTRUCTION)";
    case 0xC0000135u: return out + " (STATUS_DLL_NOT_FOUND)";
    case 0xC0000142u: return out + " (STATUS_DLL_INIT_FAILED)";
    default: return out;
    }
}

} // namespace warden::platform::windows
