// What the notify listener and the service notifier share: NOTIFY_SOCKET's
// address syntax and the datagram's KEY=VALUE syntax, as sd_notify(3) and
// systemd's own receiver define them.
#pragma once

#include "platform/notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace warden::platform::posix {

/// Datagrams larger than this are dropped: systemd's own limit (NOTIFY_BUFFER_MAX, PIPE_BUF).
inline constexpr std::size_t notify_datagram_max = 4096;

/// A sockaddr_un with the length that bind/sendto must be given.
struct unix_address {
    sockaddr_un address{};
    socklen_t length = 0;

    sockaddr const* get() const noexcept { return reinterpret_cast<sockaddr const*>(&address); }
};

/// NOTIFY_SOCKET's value as a socket address: "/path" for a file system socket,
/// "@name" for an abstract one. Nothing for anything else (relative paths,
/// "vsock:...", embedded NUL, too long for sun_path).
inline std::optional<unix_address> to_unix_address(std::string_view text)
{
    unix_address result;
    result.address.sun_family = AF_UNIX;
    // An abstract name has no terminating NUL, a path needs one: both leave
    // at most sizeof(sun_path) - 1 bytes of text.
    if (text.size() < 2 || text.size() >= sizeof(result.address.sun_path) ||
        text.find('\0') != std::string_view::npos || (text[0] != '/' && text[0] != '@'))
        return std::nullopt;
    std::memcpy(result.address.sun_path, text.data(), text.size());
    if (text[0] == '@') {
        // Abstract names are length-delimited, not NUL-terminated: the length
        // must be exact, or the name differs from the one that was bound.
        result.address.sun_path[0] = '\0';
        result.length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + text.size());
    } else {
        result.address.sun_path[text.size()] = '\0';
        result.length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + text.size() + 1);
    }
    return result;
}

/// The fields of one datagram as systemd reads them: newline-separated
/// KEY=VALUE lines; empty lines, lines without '=' and lines with an empty key
/// are ignored. The caller has already refused datagrams with a NUL byte.
inline notify_fields parse_notify_datagram(std::string_view text)
{
    notify_fields fields;
    while (!text.empty()) {
        auto const end = text.find('\n');
        auto const line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        auto const eq = line.find('=');
        if (eq == std::string_view::npos || eq == 0)
            continue;
        fields.emplace_back(std::string(line.substr(0, eq)), std::string(line.substr(eq + 1)));
    }
    return fields;
}

} // namespace warden::platform::posix
