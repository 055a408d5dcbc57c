// Creating and removing a listening Unix socket file safely.
#include "control/unix_socket_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

namespace asio = boost::asio;
using stream_protocol = asio::local::stream_protocol;

namespace warden::control {

namespace {

std::string errno_text(int err) { return std::strerror(err); }

std::string octal(unsigned mode)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04o", mode & 07777);
    return buf;
}

// The umask for the bind: the socket appears owner-only (at most), and only
// then gets its configured mode, so it is never reachable by others too early.
class umask_guard {
public:
    explicit umask_guard(mode_t mask) : old_(::umask(mask)) {}
    ~umask_guard() { ::umask(old_); }
    umask_guard(umask_guard const&) = delete;
    umask_guard& operator=(umask_guard const&) = delete;

private:
    mode_t old_;
};

// The socket's directory: created 0755 when missing (e.g. /run/warden); an
// existing one must be a directory that nobody else can swap the socket in.
std::optional<std::string> prepare_directory(std::filesystem::path const& dir, std::string const& what)
{
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return dir.string() + " is not a directory; cannot create the " + what + " there";
        if (st.st_uid != 0 && st.st_uid != ::geteuid())
            return "refusing to create the " + what + " in " + dir.string() + ": it belongs to uid "
                + std::to_string(st.st_uid) + ", neither root nor the daemon's user";
        if ((st.st_mode & S_IWOTH) != 0 && (st.st_mode & S_ISVTX) == 0)
            return "refusing to create the " + what + " in " + dir.string()
                + ": it is writable by every user and not sticky";
        return std::nullopt;
    }
    if (errno != ENOENT)
        return "cannot use the directory " + dir.string() + " for the " + what + ": " + errno_text(errno);

    std::vector<std::filesystem::path> missing; // innermost first
    for (auto d = dir; !d.empty() && d != d.root_path(); d = d.parent_path()) {
        if (::stat(d.c_str(), &st) == 0)
            break;
        missing.push_back(d);
    }
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
        if (::mkdir(it->c_str(), 0755) != 0 && errno != EEXIST)
            return "cannot create the directory " + it->string() + " for the " + what + ": " + errno_text(errno);
        ::chmod(it->c_str(), 0755); // whatever the umask
    }
    return std::nullopt;
}

// Something at `path` already: a live daemon -> refuse; a stale socket ->
// remove it; anything else -> refuse (never delete a file we did not make).
std::optional<std::string> clear_stale(std::string const& path, std::string const& what, log_fn const& log)
{
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT)
            return std::nullopt;
        return "cannot check " + path + ": " + errno_text(errno);
    }
    if (!S_ISSOCK(st.st_mode))
        return path + " exists and is not a socket; not replacing it";

    int const fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return "cannot create a socket: " + errno_text(errno);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    int const rc = ::connect(fd, reinterpret_cast<sockaddr const*>(&addr), sizeof addr);
    int const err = errno;
    ::close(fd);
    if (rc == 0 || err == EAGAIN) // EAGAIN: listening, with a full backlog
        return "another wardend is listening on " + path;
    if (err != ECONNREFUSED && err != ENOENT)
        return "cannot check whether a wardend is listening on " + path + ": " + errno_text(err);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        return "cannot remove the stale socket " + path + ": " + errno_text(errno);
    if (log)
        log(severity::info, "removed the stale " + what + " " + path + " (nobody was listening)");
    return std::nullopt;
}

} // namespace

std::optional<std::string> unix_socket_file::open(stream_protocol::acceptor& acceptor, unix_socket_options const& o,
                                                  log_fn const& log)
{
    std::string const& path = o.path;
    if (path.empty())
        return "no " + o.what + " path given";
    if (path.size() >= sizeof(sockaddr_un::sun_path))
        return o.what + " path too long (" + std::to_string(path.size()) + " bytes; a Unix socket allows "
            + std::to_string(sizeof(sockaddr_un::sun_path) - 1) + "): " + path;

    auto dir = std::filesystem::path(path).parent_path();
    if (dir.empty())
        dir = ".";
    if (auto problem = prepare_directory(dir, o.what))
        return problem;
    if (auto problem = clear_stale(path, o.what, log))
        return problem;
    if (auto problem = bind(acceptor, o)) {
        boost::system::error_code ignored;
        acceptor.close(ignored);
        remove();
        return problem;
    }
    return std::nullopt;
}

std::optional<std::string> unix_socket_file::bind(stream_protocol::acceptor& acceptor, unix_socket_options const& o)
{
    std::string const& path = o.path;
    boost::system::error_code ec;
    acceptor.open(stream_protocol(), ec);
    if (ec)
        return "cannot create the " + o.what + ": " + ec.message();
    ::fcntl(acceptor.native_handle(), F_SETFD, FD_CLOEXEC);
    {
        umask_guard mask(0177);
        acceptor.bind(stream_protocol::endpoint(path), ec);
    }
    if (ec)
        return "cannot create the " + o.what + " " + path + ": " + ec.message();
    path_ = path;
    own_ = true;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return "cannot stat the " + o.what + " " + path + ": " + errno_text(errno);
    dev_ = st.st_dev;
    ino_ = st.st_ino;
    if (o.owner || o.group) {
        if (::chown(path.c_str(), o.owner.value_or(static_cast<uid_t>(-1)), o.group.value_or(static_cast<gid_t>(-1)))
            != 0)
            return "cannot change the owner of the " + o.what + " " + path + ": " + errno_text(errno);
    }
    if (::chmod(path.c_str(), o.mode & 07777) != 0)
        return "cannot set mode " + octal(o.mode) + " on the " + o.what + " " + path + ": " + errno_text(errno);
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        return "cannot listen on the " + o.what + " " + path + ": " + ec.message();
    return std::nullopt;
}

void unix_socket_file::remove()
{
    if (!own_)
        return;
    own_ = false;
    // Only our own socket: another daemon may have replaced it since.
    struct stat st {};
    if (::stat(path_.c_str(), &st) == 0 && st.st_dev == dev_ && st.st_ino == ino_)
        ::unlink(path_.c_str());
}

} // namespace warden::control
