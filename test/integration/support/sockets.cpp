#include "support/sockets.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace warden::it {

namespace {

sockaddr_in loopback(std::uint16_t port)
{
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

} // namespace

std::uint16_t free_tcp_port()
{
    int const fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    sockaddr_in address = loopback(0);
    socklen_t size = sizeof address;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
        int const error = errno;
        ::close(fd);
        throw std::runtime_error(std::string("bind 127.0.0.1:0: ") + std::strerror(error));
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

bool tcp_port_accepts(std::uint16_t port)
{
    int const fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    sockaddr_in const address = loopback(port);
    bool const ok = ::connect(fd, reinterpret_cast<sockaddr const*>(&address), sizeof address) == 0;
    ::close(fd);
    return ok;
}

std::string notify_message::get(std::string_view key) const
{
    auto const found = fields.find(std::string(key));
    return found == fields.end() ? std::string() : found->second;
}

notify_listener::notify_listener(fs::path path) : path_(std::move(path))
{
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path_.string().size() >= sizeof address.sun_path)
        throw std::runtime_error("notify socket path too long: " + path_.string());
    std::strcpy(address.sun_path, path_.c_str());
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd_ < 0)
        throw std::runtime_error(std::string("socket(AF_UNIX, SOCK_DGRAM): ") + std::strerror(errno));
    int const on = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        int const error = errno;
        ::close(fd_);
        throw std::runtime_error("bind " + path_.string() + ": " + std::strerror(error));
    }
}

notify_listener::~notify_listener()
{
    ::close(fd_);
    std::error_code ignored;
    fs::remove(path_, ignored);
}

std::size_t notify_listener::poll()
{
    std::size_t count = 0;
    for (;;) {
        char buffer[4096];
        iovec iov{buffer, sizeof buffer};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
        msghdr header{};
        header.msg_iov = &iov;
        header.msg_iovlen = 1;
        header.msg_control = control;
        header.msg_controllen = sizeof control;
        ssize_t const n = ::recvmsg(fd_, &header, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return count; // EAGAIN: nothing more now
        }
        notify_message m;
        m.at = clock::now();
        m.text.assign(buffer, static_cast<std::size_t>(n));
        for (cmsghdr* c = CMSG_FIRSTHDR(&header); c; c = CMSG_NXTHDR(&header, c))
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
                ucred credentials{};
                std::memcpy(&credentials, CMSG_DATA(c), sizeof credentials);
                m.sender = credentials.pid;
            }
        std::istringstream lines(m.text);
        std::string line;
        while (std::getline(lines, line)) {
            auto const eq = line.find('=');
            if (eq != std::string::npos)
                m.fields[line.substr(0, eq)] = line.substr(eq + 1);
        }
        messages_.push_back(std::move(m));
        ++count;
    }
}

std::vector<notify_message> notify_listener::with(std::string_view key)
{
    poll();
    std::vector<notify_message> found;
    for (auto const& m : messages_)
        if (m.has(key))
            found.push_back(m);
    return found;
}

bool notify_listener::wait_for(std::string_view key, clock::duration timeout, std::size_t count)
{
    return wait_until([&] { return with(key).size() >= count; }, timeout);
}

std::string notify_listener::describe() const
{
    std::string text;
    for (auto const& m : messages_) {
        std::string shown = m.text;
        for (char& c : shown)
            if (c == '\n')
                c = '|';
        text += "  [pid " + std::to_string(m.sender) + "] " + shown + "\n";
    }
    return text.empty() ? "  (no message)\n" : text;
}

} // namespace warden::it
