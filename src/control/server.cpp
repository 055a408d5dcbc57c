// The control server: socket file lifecycle, accept loop, session set.
#include "control/server.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <unordered_map>
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
std::optional<std::string> prepare_directory(std::filesystem::path const& dir)
{
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return dir.string() + " is not a directory; cannot create the control socket there";
        if (st.st_uid != 0 && st.st_uid != ::geteuid())
            return "refusing to create the control socket in " + dir.string() + ": it belongs to uid "
                + std::to_string(st.st_uid) + ", neither root nor the daemon's user";
        if ((st.st_mode & S_IWOTH) != 0 && (st.st_mode & S_ISVTX) == 0)
            return "refusing to create the control socket in " + dir.string()
                + ": it is writable by every user and not sticky";
        return std::nullopt;
    }
    if (errno != ENOENT)
        return "cannot use the directory " + dir.string() + " for the control socket: " + errno_text(errno);

    std::vector<std::filesystem::path> missing; // innermost first
    for (auto d = dir; !d.empty() && d != d.root_path(); d = d.parent_path()) {
        if (::stat(d.c_str(), &st) == 0)
            break;
        missing.push_back(d);
    }
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
        if (::mkdir(it->c_str(), 0755) != 0 && errno != EEXIST)
            return "cannot create the directory " + it->string() + " for the control socket: " + errno_text(errno);
        ::chmod(it->c_str(), 0755); // whatever the umask
    }
    return std::nullopt;
}

// Something at `path` already: a live daemon -> refuse; a stale socket ->
// remove it; anything else -> refuse (never delete a file we did not make).
std::optional<std::string> clear_stale(std::string const& path, log_fn const& log)
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
        log(severity::info, "removed the stale control socket " + path + " (nobody was listening)");
    return std::nullopt;
}

} // namespace

struct server::state : std::enable_shared_from_this<server::state> {
    state(asio::io_context& io, command_handler& handler, server_options o)
        : options(std::move(o)), acceptor(io), retry_timer(io)
    {
        settings.handler = &handler;
        settings.idle_timeout = options.idle_timeout;
        settings.max_queued_bytes = options.max_queued_bytes;
        settings.daemon_uid = ::geteuid();
        settings.log = options.log;
    }

    void log(severity level, std::string message) const
    {
        if (options.log)
            options.log(level, std::move(message));
    }

    std::optional<std::string> start();
    std::optional<std::string> bind_socket();
    void stop();
    void do_accept();
    void on_accept(boost::system::error_code ec, stream_protocol::socket socket);

    server_options options;
    session_settings settings;
    stream_protocol::acceptor acceptor;
    asio::steady_timer retry_timer; ///< accept paused after EMFILE and the like
    std::unordered_map<session*, std::shared_ptr<session>> sessions;
    std::uint64_t next_id = 0;
    bool running = false;
    bool accept_failing = false;    ///< log a streak of accept failures once
    bool own_file = false;          ///< we created the file at options.path
    dev_t file_dev = 0;
    ino_t file_ino = 0;
};

std::optional<std::string> server::state::start()
{
    if (running)
        return "the control server is already running on " + options.path;
    std::string const& path = options.path;
    if (path.empty())
        return std::string("no control socket path given");
    if (path.size() >= sizeof(sockaddr_un::sun_path))
        return "control socket path too long (" + std::to_string(path.size()) + " bytes; a Unix socket allows "
            + std::to_string(sizeof(sockaddr_un::sun_path) - 1) + "): " + path;

    auto dir = std::filesystem::path(path).parent_path();
    if (dir.empty())
        dir = ".";
    if (auto problem = prepare_directory(dir))
        return problem;
    if (auto problem = clear_stale(path, options.log))
        return problem;
    if (auto problem = bind_socket()) {
        boost::system::error_code ignored;
        acceptor.close(ignored);
        if (own_file)
            ::unlink(path.c_str());
        own_file = false;
        return problem;
    }
    running = true;
    log(severity::info, "control socket listening on " + path + " (mode " + octal(options.mode) + ")");
    do_accept();
    return std::nullopt;
}

std::optional<std::string> server::state::bind_socket()
{
    std::string const& path = options.path;
    boost::system::error_code ec;
    acceptor.open(stream_protocol(), ec);
    if (ec)
        return "cannot create the control socket: " + ec.message();
    ::fcntl(acceptor.native_handle(), F_SETFD, FD_CLOEXEC);
    {
        umask_guard mask(0177);
        acceptor.bind(stream_protocol::endpoint(path), ec);
    }
    if (ec)
        return "cannot create the control socket " + path + ": " + ec.message();
    own_file = true;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return "cannot stat the control socket " + path + ": " + errno_text(errno);
    file_dev = st.st_dev;
    file_ino = st.st_ino;
    if (::chmod(path.c_str(), options.mode & 07777) != 0)
        return "cannot set mode " + octal(options.mode) + " on the control socket " + path + ": " + errno_text(errno);
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        return "cannot listen on the control socket " + path + ": " + ec.message();
    return std::nullopt;
}

void server::state::do_accept()
{
    acceptor.async_accept([self = shared_from_this()](boost::system::error_code ec, stream_protocol::socket socket) {
        self->on_accept(ec, std::move(socket));
    });
}

void server::state::on_accept(boost::system::error_code ec, stream_protocol::socket socket)
{
    if (!running || ec == asio::error::operation_aborted)
        return;
    if (ec) {
        // Out of descriptors or memory: pause instead of spinning; the
        // clients already connected keep being served meanwhile.
        bool const exhausted = ec == asio::error::no_descriptors || ec.value() == ENFILE
            || ec == asio::error::no_buffer_space || ec == asio::error::no_memory;
        if (!accept_failing)
            log(exhausted ? severity::error : severity::warning,
                "cannot accept a control client: " + ec.message() + (exhausted ? "; retrying in 100ms" : ""));
        accept_failing = true;
        if (!exhausted) {
            do_accept();
            return;
        }
        retry_timer.expires_after(std::chrono::milliseconds(100));
        retry_timer.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
            if (!wait_ec && self->running)
                self->do_accept();
        });
        return;
    }
    if (accept_failing)
        log(severity::info, "accepting control clients again");
    accept_failing = false;

    std::weak_ptr<state> weak = shared_from_this();
    auto s = std::make_shared<session>(std::move(socket), ++next_id, settings, [weak](session* closed) {
        if (auto self = weak.lock())
            self->sessions.erase(closed);
    });
    sessions.emplace(s.get(), s);
    s->start();
    do_accept();
}

void server::state::stop()
{
    bool const was_running = running;
    running = false;
    boost::system::error_code ignored;
    retry_timer.cancel();
    acceptor.close(ignored);
    auto open = std::move(sessions);
    sessions.clear();
    for (auto& [ptr, s] : open)
        s->close();
    if (own_file) {
        // Only our own socket: another daemon may have replaced it since.
        struct stat st {};
        if (::stat(options.path.c_str(), &st) == 0 && st.st_dev == file_dev && st.st_ino == file_ino)
            ::unlink(options.path.c_str());
        own_file = false;
    }
    if (was_running)
        log(severity::info, "control socket " + options.path + " closed");
}

server::server(asio::io_context& io, command_handler& handler, server_options options)
    : state_(std::make_shared<state>(io, handler, std::move(options)))
{
}

server::~server() { stop(); }

std::optional<std::string> server::start() { return state_->start(); }

void server::stop() { state_->stop(); }

std::size_t server::session_count() const { return state_->sessions.size(); }

std::string const& server::path() const { return state_->options.path; }

} // namespace warden::control
