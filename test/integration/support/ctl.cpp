#include "support/ctl.hpp"

#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace warden::it {

namespace {

int remaining_ms(clock::time_point deadline)
{
    auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
    return left < 0 ? 0 : static_cast<int>(left);
}

// Reads what is there now from a non-blocking fd; closes it (-1) at EOF.
bool drain(int& fd, std::string& into)
{
    bool any = false;
    char buffer[65536];
    while (fd >= 0) {
        ssize_t const n = ::read(fd, buffer, sizeof buffer);
        if (n > 0) {
            into.append(buffer, static_cast<std::size_t>(n));
            any = true;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        ::close(fd); // EOF or error
        fd = -1;
    }
    return any;
}

std::string joined(std::vector<std::string> const& argv)
{
    std::string text;
    for (auto const& a : argv)
        text += (text.empty() ? "" : " ") + a;
    return text;
}

} // namespace

std::string wardenctl_path()
{
    char const* other = std::getenv("WARDEN_IT_WARDENCTL");
    return other && *other ? other : WARDENCTL_PATH;
}

// --- piped_process ---------------------------------------------------------------

piped_process::piped_process(std::vector<std::string> argv) : argv_(std::move(argv))
{
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0)
        throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
    if (::pipe2(err, O_CLOEXEC) != 0) {
        ::close(out[0]);
        ::close(out[1]);
        throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
    }

    std::vector<char*> args;
    for (auto const& a : argv_)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    ::posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    ::posix_spawn_file_actions_adddup2(&actions, err[1], 2);

    clean_signals attr;
    int const error = ::posix_spawn(&pid_, args[0], &actions, attr.get(), args.data(), environ);
    ::posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    ::close(err[1]);
    if (error != 0) {
        ::close(out[0]);
        ::close(err[0]);
        throw std::runtime_error("cannot start " + argv_.front() + ": " + std::strerror(error));
    }
    out_fd_ = out[0];
    err_fd_ = err[0];
    ::fcntl(out_fd_, F_SETFL, O_NONBLOCK);
    ::fcntl(err_fd_, F_SETFL, O_NONBLOCK);
}

piped_process::~piped_process()
{
    if (!exited()) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    if (out_fd_ >= 0)
        ::close(out_fd_);
    if (err_fd_ >= 0)
        ::close(err_fd_);
}

bool piped_process::read_some(clock::duration wait)
{
    pollfd fds[2];
    nfds_t n = 0;
    if (out_fd_ >= 0)
        fds[n++] = pollfd{out_fd_, POLLIN, 0};
    if (err_fd_ >= 0)
        fds[n++] = pollfd{err_fd_, POLLIN, 0};
    if (n == 0)
        return false;
    auto const ms = std::chrono::duration_cast<std::chrono::milliseconds>(wait).count();
    while (::poll(fds, n, static_cast<int>(ms)) < 0 && errno == EINTR) {
    }
    bool const a = drain(out_fd_, out_);
    bool const b = drain(err_fd_, err_);
    return a || b;
}

bool piped_process::exited()
{
    if (status_)
        return true;
    status_ = try_reap(pid_);
    return status_.has_value();
}

bool piped_process::finish(clock::duration timeout)
{
    auto const deadline = clock::now() + timeout;
    for (;;) {
        read_some(std::chrono::milliseconds(std::min(remaining_ms(deadline), 20)));
        if (out_fd_ < 0 && err_fd_ < 0 && exited())
            return true;
        if (clock::now() >= deadline)
            return false;
    }
}

void piped_process::kill(int sig) const
{
    if (!status_)
        ::kill(pid_, sig);
}

// --- wardenctl ---------------------------------------------------------------------

std::string ctl_result::describe() const
{
    return "exit " + std::to_string(status) + "; stdout: [" + out + "]; stderr: [" + err + "]";
}

namespace {

std::vector<std::string> full_argv(std::vector<std::string> const& args, run_as who)
{
    std::vector<std::string> argv;
    if (who == run_as::nobody)
        argv = {"/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"};
    argv.push_back(wardenctl_path());
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

} // namespace

ctl_result run_wardenctl(std::vector<std::string> const& args, clock::duration timeout, run_as who)
{
    piped_process p(full_argv(args, who));
    if (!p.finish(timeout)) {
        p.kill(SIGKILL);
        p.finish(5s);
        BOOST_FAIL(joined(p.argv()) << ": still running after "
                                    << std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count()
                                    << " ms; stdout so far: [" << p.out() << "]; stderr: [" << p.err() << "]");
    }
    return ctl_result{*p.status(), p.out(), p.err()};
}

std::vector<std::string> ctl_argv(temp_dir const& dir, std::vector<std::string> const& args, run_as who)
{
    std::vector<std::string> with_socket{"-s", socket_path(dir).string()};
    with_socket.insert(with_socket.end(), args.begin(), args.end());
    return full_argv(with_socket, who);
}

ctl_result ctl(temp_dir const& dir, std::vector<std::string> const& args, clock::duration timeout, run_as who)
{
    std::vector<std::string> with_socket{"-s", socket_path(dir).string()};
    with_socket.insert(with_socket.end(), args.begin(), args.end());
    return run_wardenctl(with_socket, timeout, who);
}

// --- status tables -----------------------------------------------------------------

std::vector<std::string> lines_of(std::string const& text)
{
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        auto const nl = text.find('\n', start);
        if (nl == std::string::npos) {
            lines.push_back(text.substr(start));
            break;
        }
        lines.push_back(text.substr(start, nl - start));
        start = nl + 1;
    }
    return lines;
}

std::vector<status_row> parse_status(std::string const& table)
{
    std::vector<status_row> rows;
    for (auto const& line : lines_of(table)) {
        status_row r;
        r.line = line;
        auto const name_end = line.find(' ');
        r.name = line.substr(0, name_end);
        if (name_end != std::string::npos) {
            r.state_column = line.find_first_not_of(' ', name_end);
            if (r.state_column != std::string::npos) {
                auto const state_end = line.find(' ', r.state_column);
                r.state = line.substr(r.state_column, state_end - r.state_column);
                if (state_end != std::string::npos) {
                    auto const d = line.find_first_not_of(' ', state_end);
                    if (d != std::string::npos) {
                        r.description_column = d;
                        r.description = line.substr(d);
                    }
                }
            } else {
                r.state_column = 0;
            }
        }
        rows.push_back(std::move(r));
    }
    return rows;
}

std::optional<status_row> row_of(std::vector<status_row> const& rows, std::string_view name)
{
    for (auto const& r : rows)
        if (r.name == name)
            return r;
    return std::nullopt;
}

pid_t pid_in(std::string const& description)
{
    if (description.rfind("pid ", 0) != 0)
        return 0;
    return static_cast<pid_t>(std::strtol(description.c_str() + 4, nullptr, 10));
}

// --- raw_client ----------------------------------------------------------------------

raw_client::raw_client(fs::path const& socket)
{
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::string const path = socket.string();
    if (path.size() >= sizeof addr.sun_path)
        throw std::runtime_error("socket path too long: " + path);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0)
        throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    // A blocking connect: a Unix socket connect completes at once (or fails
    // with EAGAIN when the backlog is full, which the caller sees as an error).
    if (::connect(fd_, reinterpret_cast<sockaddr const*>(&addr), sizeof addr) != 0) {
        int const err = errno;
        ::close(fd_);
        fd_ = -1;
        throw std::runtime_error("connect " + path + ": " + std::strerror(err));
    }
    ::fcntl(fd_, F_SETFL, O_NONBLOCK);
}

raw_client::~raw_client()
{
    if (fd_ >= 0)
        ::close(fd_);
}

bool raw_client::send(std::string_view bytes, clock::duration timeout)
{
    auto const deadline = clock::now() + timeout;
    while (!bytes.empty()) {
        ssize_t const n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n > 0) {
            bytes.remove_prefix(static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
            return false;
        if (clock::now() >= deadline)
            return false;
        pollfd p{fd_, POLLOUT, 0};
        ::poll(&p, 1, std::min(remaining_ms(deadline), 50));
    }
    return true;
}

std::optional<std::string> raw_client::read_line(clock::duration timeout)
{
    auto const deadline = clock::now() + timeout;
    for (;;) {
        if (auto const nl = buffer_.find('\n'); nl != std::string::npos) {
            std::string line = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            return line;
        }
        if (eof_)
            return std::nullopt;
        char chunk[65536];
        ssize_t const n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n > 0) {
            buffer_.append(chunk, static_cast<std::size_t>(n));
            continue;
        }
        if (n == 0) {
            eof_ = true;
            continue;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            eof_ = true; // ECONNRESET and the like: nothing more will come
            continue;
        }
        if (clock::now() >= deadline)
            return std::nullopt;
        pollfd p{fd_, POLLIN, 0};
        ::poll(&p, 1, std::min(remaining_ms(deadline), 50));
    }
}

std::optional<std::string> raw_client::request(std::string_view line, clock::duration timeout)
{
    if (!send(std::string(line) + "\n", timeout))
        return std::nullopt;
    return read_line(timeout);
}

} // namespace warden::it
