// Sockets for integration tests: a free TCP port, and a fake systemd
// NOTIFY_SOCKET listener that records what the daemon tells its manager.
#pragma once

#include "support/files.hpp"
#include "support/proc.hpp"

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace warden::it {

/// A TCP port on 127.0.0.1 that was free a moment ago (bound with port 0,
/// then closed). Nothing listens on it until a test's child does.
std::uint16_t free_tcp_port();

/// A TCP connect to 127.0.0.1:port succeeds now.
bool tcp_port_accepts(std::uint16_t port);

/// One datagram received on a notify socket.
struct notify_message {
    std::string text;                          ///< the raw datagram
    std::map<std::string, std::string> fields; ///< KEY=VALUE lines (the last wins)
    pid_t sender = 0;                          ///< from SCM_CREDENTIALS (0 when none came)
    clock::time_point at;                      ///< when the test read it
    bool has(std::string_view key) const { return fields.count(std::string(key)) != 0; }
    std::string get(std::string_view key) const;
};

/// An AF_UNIX SOCK_DGRAM socket bound to `path` (inside a test directory),
/// as systemd's NOTIFY_SOCKET would be, with SO_PASSCRED so every message
/// carries its sender's pid. Reads never block: poll() reads what is there.
/// No Boost.Test inside.
class notify_listener {
public:
    explicit notify_listener(fs::path path);
    ~notify_listener();
    notify_listener(notify_listener const&) = delete;
    notify_listener& operator=(notify_listener const&) = delete;

    fs::path const& path() const { return path_; }
    /// "NOTIFY_SOCKET=<path>", for wardend's extra_env.
    std::string env() const { return "NOTIFY_SOCKET=" + path_.string(); }

    /// Reads every datagram waiting now; returns how many.
    std::size_t poll();
    /// Every message read so far, in order of arrival.
    std::vector<notify_message> const& messages() const { return messages_; }
    /// The messages so far that hold `key` (polls first).
    std::vector<notify_message> with(std::string_view key);
    /// Polls until at least `count` messages hold `key` (true) or `timeout` passes (false).
    bool wait_for(std::string_view key, clock::duration timeout, std::size_t count = 1);
    /// Every message so far, one per line with '\n' shown as '|', for assertion messages.
    std::string describe() const;

private:
    fs::path path_;
    int fd_ = -1;
    std::vector<notify_message> messages_;
};

} // namespace warden::it
