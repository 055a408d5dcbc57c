// Small Windows helpers shared by the platform files: UTF-8 <-> UTF-16,
// readable error messages, an owning HANDLE.
#pragma once

#include <windows.h>

#include <string>
#include <string_view>
#include <utility>

namespace warden::platform::windows {

/// UTF-8 (the config's encoding) to the UTF-16 of the W functions.
std::wstring widen(std::string_view utf8);
/// UTF-16 back to UTF-8.
std::string narrow(std::wstring_view utf16);

/// FormatMessage text of a Win32 error, without the trailing newline:
/// "The system cannot find the file specified (error 2)".
std::string error_text(DWORD code);
/// error_text(GetLastError()).
std::string last_error_text();

/// An exit code as Windows users read it: decimal for ordinary codes,
/// hexadecimal NTSTATUS for the 0xC0000000 range, with its name when well
/// known: "exit code 3", "exit code 0xC000013A (STATUS_CONTROL_C_EXIT)".
std::string describe_exit_code(DWORD code);

/// Owns one HANDLE (null and INVALID_HANDLE_VALUE both mean "none").
class unique_handle {
public:
    unique_handle() = default;
    explicit unique_handle(HANDLE h) : h_(h == INVALID_HANDLE_VALUE ? nullptr : h) {}
    unique_handle(unique_handle&& o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
    unique_handle& operator=(unique_handle&& o) noexcept
    {
        if (this != &o) {
            reset();
            h_ = std::exchange(o.h_, nullptr);
        }
        return *this;
    }
    unique_handle(unique_handle const&) = delete;
    unique_handle& operator=(unique_handle const&) = delete;
    ~unique_handle() { reset(); }

    HANDLE get() const { return h_; }
    HANDLE release() { return std::exchange(h_, nullptr); }
    explicit operator bool() const { return h_ != nullptr; }
    void reset(HANDLE h = nullptr)
    {
        if (h_)
            ::CloseHandle(h_);
        h_ = h == INVALID_HANDLE_VALUE ? nullptr : h;
    }

private:
    HANDLE h_ = nullptr;
};

} // namespace warden::platform::windows
