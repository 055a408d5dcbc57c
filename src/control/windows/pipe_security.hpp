// Who may open warden's control pipe (SPEC §5 on Windows): a DACL granting
// access to SYSTEM, the Administrators group and the daemon's own user, and
// to no one else — the counterpart of the Unix socket's mode plus peer-uid
// check, enforced by Windows before a client connects.
#pragma once

#include <windows.h>

#include <memory>
#include <optional>
#include <string>

namespace warden::control::windows {

class pipe_security {
public:
    /// The descriptor, or nullopt with `error` set.
    static std::optional<pipe_security> make(std::string& error);

    SECURITY_ATTRIBUTES* attributes() { return &attributes_; }
    /// The SDDL it was built from (for the log and tests).
    std::string const& sddl() const { return sddl_; }

private:
    struct local_free {
        void operator()(void* p) const { ::LocalFree(p); }
    };
    std::unique_ptr<void, local_free> descriptor_;
    SECURITY_ATTRIBUTES attributes_{};
    std::string sddl_;
};

/// The SDDL string for a user SID (pure, for tests): protected DACL, full
/// access for SYSTEM, Administrators and `user_sid`.
std::wstring control_pipe_sddl(std::wstring const& user_sid);

/// The named pipe path for a `socket` value: `\\.\pipe\NAME` as given, or a
/// bare NAME (no slash or backslash) prefixed with `\\.\pipe\`; nullopt for
/// anything else (a file path cannot be a named pipe).
std::optional<std::string> pipe_path(std::string const& socket);

/// A pipe path (UTF-8) as the wide string the W functions take.
std::wstring pipe_name_w(std::string const& path);

} // namespace warden::control::windows
