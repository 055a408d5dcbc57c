// warden's own sd_notify on POSIX. We speak the protocol ourselves rather than
// link libsystemd: a notification is one sendto of a datagram whose format and
// addressing sd_notify(3) documents as a stable interface, which does not
// justify a new runtime dependency (a container image has no libsystemd at
// all, and the daemon must run there too).
#include "platform/notify.hpp"

#include "platform/posix/notify_socket.hpp"
#include "platform/posix/unique_fd.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <utility>

namespace warden::platform {

namespace {

using namespace posix;
using log_fn = std::function<void(log_severity, std::string)>;

class posix_service_notifier final : public service_notifier {
public:
    posix_service_notifier(unique_fd fd, unix_address to, std::string address, std::chrono::microseconds watchdog,
                           log_fn log)
        : fd_(std::move(fd)), to_(to), address_(std::move(address)), watchdog_(watchdog), log_(std::move(log))
    {
    }

    void send(std::string_view message) override
    {
        ssize_t n;
        do {
            // DONTWAIT: a service manager that does not read its queue must not stall the daemon;
            // NOSIGNAL: nor kill it.
            n = ::sendto(fd_.get(), message.data(), message.size(), MSG_NOSIGNAL | MSG_DONTWAIT, to_.get(),
                         to_.length);
        } while (n < 0 && errno == EINTR);
        if (n >= 0) {
            failing_ = false;
            return;
        }
        // Once per run of failures: a gone manager would otherwise fill the log every watchdog period.
        if (failing_)
            return;
        failing_ = true;
        log_(log_severity::warning, "cannot notify the service manager at " + address_ + ": " + std::strerror(errno) +
                                        " (notification lost; further failures are not logged until one succeeds)");
    }

    std::chrono::microseconds watchdog_usec() const override { return watchdog_; }

private:
    unique_fd fd_;
    unix_address to_;
    std::string address_;
    std::chrono::microseconds watchdog_;
    log_fn log_;
    bool failing_ = false;
};

/// The variable's value (if set), removed from the environment either way.
std::optional<std::string> take_variable(char const* name)
{
    std::optional<std::string> value;
    if (char const* v = std::getenv(name))
        value = v;
    ::unsetenv(name);
    return value;
}

/// A whole-string decimal number no larger than `max`.
std::optional<std::uint64_t> parse_number(std::string const& text, std::uint64_t max)
{
    std::uint64_t value = 0;
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value > max)
        return std::nullopt;
    return value;
}

/// What sd_watchdog_enabled(3) would say: the period, when it is meant for us.
std::chrono::microseconds watchdog_period(std::optional<std::string> const& usec,
                                          std::optional<std::string> const& pid, log_fn const& log)
{
    if (!usec)
        return {};
    auto const period = parse_number(*usec, std::numeric_limits<std::chrono::microseconds::rep>::max());
    if (!period) {
        log(log_severity::warning, "ignoring WATCHDOG_USEC=" + *usec + ": not a number of microseconds (no watchdog)");
        return {};
    }
    if (pid) {
        auto const target = parse_number(*pid, std::numeric_limits<pid_t>::max());
        if (!target || *target == 0) {
            log(log_severity::warning, "ignoring WATCHDOG_PID=" + *pid + ": not a process id (no watchdog)");
            return {};
        }
        // The watchdog was meant for another process (we were started by it).
        if (static_cast<pid_t>(*target) != ::getpid()) {
            log(log_severity::debug, "WATCHDOG_USEC is meant for pid " + *pid + ", not for us (no watchdog)");
            return {};
        }
    }
    return std::chrono::microseconds(static_cast<std::chrono::microseconds::rep>(*period));
}

} // namespace

std::unique_ptr<service_notifier> make_service_notifier(std::function<void(log_severity, std::string)> log)
{
    if (!log)
        log = [](log_severity, std::string) {};
    // Take all three first: they must leave the environment even when unused.
    auto const socket = take_variable("NOTIFY_SOCKET");
    auto const usec = take_variable("WATCHDOG_USEC");
    auto const pid = take_variable("WATCHDOG_PID");
    if (!socket || socket->empty())
        return nullptr;

    auto const to = to_unix_address(*socket);
    if (!to) {
        log(log_severity::warning, "ignoring NOTIFY_SOCKET=" + *socket +
                                       ": not an absolute path or @abstract name that fits a socket address"
                                       " (the service manager will not be notified)");
        return nullptr;
    }
    unique_fd fd{::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
    if (!fd) {
        log(log_severity::warning, std::string("cannot create a socket to notify the service manager: ") +
                                       std::strerror(errno) + " (the service manager will not be notified)");
        return nullptr;
    }
    return std::make_unique<posix_service_notifier>(std::move(fd), *to, *socket, watchdog_period(usec, pid, log),
                                                    std::move(log));
}

} // namespace warden::platform
