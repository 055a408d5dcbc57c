// The `ready = notify` socket on POSIX: an AF_UNIX datagram socket bound to
// an abstract address, read on the io_context. Abstract sockets need no file
// to create or clean up, but anyone in our network namespace can send to one,
// so every datagram is judged by the sender's kernel-attached credentials
// (SO_PASSCRED): only the supervised child's process group is listened to.
#include "platform/notify.hpp"

#include "platform/posix/notify_socket.hpp"
#include "platform/posix/unique_fd.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/system/error_code.hpp>

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <optional>
#include <utility>

namespace warden::platform {

namespace {

using namespace posix;
using log_fn = std::function<void(log_severity, std::string)>;

// Datagrams drained per readiness: a burst costs one wake-up, yet a child
// flooding its socket cannot keep the daemon from its other work.
constexpr int datagrams_per_wakeup = 16;

// The kernel's SCM_MAX_FD: room for every descriptor one datagram can carry,
// so none is left half-received.
constexpr std::size_t max_passed_fds = 253;

// Bind attempts before giving up: another warden that has our pid (a container
// PID 1 sharing our network namespace) may already hold a name.
constexpr int bind_attempts = 64;

// Numbers this process's listeners, so each address is unique among them.
std::atomic<unsigned> listener_counter{0};

/// Shared with its pending wait (as pipe_reader and child_reaper are), so a
/// completion that runs after close() finds live memory and does nothing.
class notify_socket : public std::enable_shared_from_this<notify_socket> {
public:
    notify_socket(boost::asio::io_context& io, unique_fd fd, std::string name, notify_handler on_message, log_fn log)
        : socket_(io, fd.release()), name_(std::move(name)), on_message_(std::move(on_message)), log_(std::move(log))
    {
    }

    void start() { do_wait(); }

    void accept_group(pid_t pgid) { group_ = pgid > 0 ? pgid : 0; }

    /// No handler runs after this.
    void close()
    {
        closed_ = true;
        boost::system::error_code ignored;
        socket_.close(ignored); // the pending wait completes with operation_aborted
    }

private:
    enum class receive_result { received, drained, failed };

    void do_wait()
    {
        socket_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                           [self = shared_from_this()](boost::system::error_code ec) { self->on_readable(ec); });
    }

    void on_readable(boost::system::error_code ec)
    {
        if (closed_)
            return;
        if (ec) {
            log_(log_severity::error,
                 name_ + ": waiting on the notify socket failed: " + ec.message() + " (notifications are ignored)");
            return;
        }
        for (int i = 0; i < datagrams_per_wakeup; ++i) {
            if (receive_one() != receive_result::received)
                break;
            if (closed_) // the handler destroyed the listener
                return;
        }
        if (!closed_)
            do_wait(); // re-arms the reactor even if datagrams are still queued
    }

    receive_result receive_one()
    {
        char data[notify_datagram_max];
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred)) + CMSG_SPACE(sizeof(int) * max_passed_fds)];
        iovec iov{data, sizeof data};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;

        ssize_t n;
        do {
            // CLOEXEC: a passed descriptor must not slip into a child spawned before we close it.
            n = ::recvmsg(socket_.native_handle(), &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        } while (n < 0 && errno == EINTR);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return receive_result::drained;
            log_(log_severity::warning, name_ + ": receiving a notify message failed: " + std::strerror(errno) +
                                            " (waiting for the next one)");
            return receive_result::failed;
        }

        auto const sender = take_control_data(msg);
        try {
            judge(std::string_view(data, static_cast<std::size_t>(n)), msg.msg_flags, sender);
        } catch (std::exception const& e) {
            // Nothing may escape into io_context::run(): the daemon would die of one bad message.
            log_(log_severity::error, name_ + ": handling a notify message failed: " + e.what() + " (message dropped)");
        }
        return receive_result::received;
    }

    /// Close every passed descriptor (we keep no descriptor store, and must
    /// never leak them) and return the sender's pid, if the kernel gave one.
    std::optional<pid_t> take_control_data(msghdr& msg)
    {
        std::optional<pid_t> sender;
        std::size_t closed = 0;
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level != SOL_SOCKET)
                continue;
            if (c->cmsg_type == SCM_RIGHTS) {
                std::size_t const count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (std::size_t i = 0; i < count; ++i) {
                    int fd;
                    std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
                    ::close(fd);
                    ++closed;
                }
            } else if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len >= CMSG_LEN(sizeof(ucred))) {
                ucred cred;
                std::memcpy(&cred, CMSG_DATA(c), sizeof cred);
                // pid 0: a sender in a pid namespace that cannot be mapped into ours.
                if (cred.pid > 0)
                    sender = cred.pid;
            }
        }
        if (closed > 0)
            log_(log_severity::debug, name_ + ": closed " + std::to_string(closed) +
                                          " descriptor(s) passed with a notify message (warden keeps none)");
        return sender;
    }

    void judge(std::string_view datagram, int flags, std::optional<pid_t> sender)
    {
        std::string const from = sender ? "from pid " + std::to_string(*sender) : "from an unknown sender";
        auto const ignore = [&](std::string const& why) {
            log_(log_severity::warning, name_ + ": ignored notify message " + from + ": " + why);
        };
        if (flags & MSG_TRUNC)
            return ignore("larger than " + std::to_string(notify_datagram_max) + " bytes");
        if (!sender)
            return ignore("it carries no sender credentials");
        if (auto why = refusal(*sender))
            return ignore(*why);
        if (datagram.find('\0') != std::string_view::npos)
            return ignore("it contains a NUL byte");
        auto const fields = parse_notify_datagram(datagram);
        if (!fields.empty())
            on_message_(fields);
    }

    /// Why `pid` may not speak for the child, or nothing when it may.
    std::optional<std::string> refusal(pid_t pid) const
    {
        if (group_ == 0)
            return "no process group is accepted yet";
        // The group leader is the supervised child itself, and its pid cannot
        // be recycled while it is unreaped: accept it without a lookup that
        // would fail once it has exited (READY=1 then exit is legal).
        if (pid == group_)
            return std::nullopt;
        pid_t const pgid = ::getpgid(pid);
        if (pgid == group_)
            return std::nullopt;
        // A helper such as systemd-notify may be gone (and reaped) before we
        // read its message; systemd has the same race.
        std::string const group = "not in process group " + std::to_string(group_);
        return pgid < 0 ? group + " (it exited before it could be checked)" : group;
    }

    boost::asio::posix::stream_descriptor socket_;
    std::string name_;
    notify_handler on_message_;
    log_fn log_;
    pid_t group_ = 0; ///< 0: nothing is accepted
    bool closed_ = false;
};

class posix_notify_listener final : public notify_listener {
public:
    posix_notify_listener(std::shared_ptr<notify_socket> socket, std::string address)
        : socket_(std::move(socket)), address_(std::move(address))
    {
        socket_->start();
    }

    ~posix_notify_listener() override { socket_->close(); }

    posix_notify_listener(posix_notify_listener const&) = delete;
    posix_notify_listener& operator=(posix_notify_listener const&) = delete;

    std::string const& address() const override { return address_; }

    void accept_group(core::pid_type pgid) override { socket_->accept_group(static_cast<pid_t>(pgid)); }

private:
    std::shared_ptr<notify_socket> socket_;
    std::string address_;
};

/// Bind `fd` to a fresh abstract name; returns it in NOTIFY_SOCKET syntax, or
/// an empty string with `error` set.
std::string bind_abstract(int fd, std::string& error)
{
    for (int attempt = 0; attempt < bind_attempts; ++attempt) {
        std::string const text = "@warden/" + std::to_string(::getpid()) + "/" + std::to_string(listener_counter++);
        auto const address = to_unix_address(text);
        if (::bind(fd, address->get(), address->length) == 0)
            return text;
        if (errno != EADDRINUSE)
            break;
    }
    error = std::string("cannot bind the notify socket: ") + std::strerror(errno);
    return {};
}

} // namespace

std::unique_ptr<notify_listener> make_notify_listener(boost::asio::io_context& io, std::string const& name,
                                                      notify_handler on_message,
                                                      std::function<void(log_severity, std::string)> log,
                                                      std::string& error)
{
    if (!on_message)
        on_message = [](notify_fields const&) {};
    if (!log)
        log = [](log_severity, std::string) {};

    unique_fd fd{::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)};
    if (!fd) {
        error = std::string("cannot create the notify socket: ") + std::strerror(errno);
        return nullptr;
    }
    // Before bind, so that no datagram can arrive without credentials.
    int const on = 1;
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_PASSCRED, &on, sizeof on) != 0) {
        error = std::string("cannot ask for sender credentials on the notify socket: ") + std::strerror(errno);
        return nullptr;
    }
    auto address = bind_abstract(fd.get(), error);
    if (address.empty())
        return nullptr;

    auto socket = std::make_shared<notify_socket>(io, std::move(fd), name, std::move(on_message), std::move(log));
    return std::make_unique<posix_notify_listener>(std::move(socket), std::move(address));
}

} // namespace warden::platform
