// systemd's notify protocol, both ways: the datagram socket a `ready = notify`
// child reports READY=1 to, and the daemon's own channel to its service
// manager (SPEC §2 `ready`, §8). The protocol is sd_notify(3)'s: one datagram
// of newline-separated KEY=VALUE lines sent to the address in NOTIFY_SOCKET.
// Portable header; the implementations live in posix/ and windows/.
#pragma once

#include "core/types.hpp"
#include "platform/process_host.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace boost::asio { class io_context; }

namespace warden::platform {

/// One datagram socket per `ready = notify` child: systemd's notify protocol.
/// Destroying it closes the socket; no handler runs after that.
class notify_listener {
public:
    virtual ~notify_listener() = default;
    /// The value to give the child as NOTIFY_SOCKET (e.g. "@warden/1234/7" for an abstract socket).
    virtual std::string const& address() const = 0;
    /// Accept messages only from processes whose process group is `pgid` (the child leads its own group).
    /// Before this is called, nothing is accepted; a `pgid` <= 0 goes back to accepting nothing.
    virtual void accept_group(core::pid_type pgid) = 0;
};

/// KEY=VALUE fields of one accepted message, in order ("READY"->"1", "STATUS"->"...").
using notify_fields = std::vector<std::pair<std::string, std::string>>;
/// Called on the io_context's thread with each accepted, non-empty message.
using notify_handler = std::function<void(notify_fields const&)>;

/// Create a listener; on failure returns null and sets `error`. `name` only labels log lines.
std::unique_ptr<notify_listener> make_notify_listener(boost::asio::io_context& io, std::string const& name,
                                                      notify_handler on_message,
                                                      std::function<void(log_severity, std::string)> log,
                                                      std::string& error);

/// The daemon's own channel to its service manager (sd_notify under systemd).
class service_notifier {
public:
    virtual ~service_notifier() = default;
    /// Send one notification, e.g. "READY=1\nSTATUS=3 running". Never blocks; a failure is logged once, not thrown.
    virtual void send(std::string_view message) = 0;
    /// Half of this is how often WATCHDOG=1 must be sent; zero when no watchdog is asked for.
    virtual std::chrono::microseconds watchdog_usec() const = 0;
};

/// Reads NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID and REMOVES them from the environment (children must never
/// inherit them, SPEC §8). Returns null when NOTIFY_SOCKET is unset/empty (or unusable, with a warning logged).
/// WATCHDOG_USEC applies only when WATCHDOG_PID is unset or equals our pid. Call it once, early in main: before
/// any thread starts (it edits the environment) and before the environment is read for %(ENV_X)s.
std::unique_ptr<service_notifier> make_service_notifier(std::function<void(log_severity, std::string)> log);

} // namespace warden::platform
