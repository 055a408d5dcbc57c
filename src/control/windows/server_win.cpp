// control::server on Windows: the named pipe `\\.\pipe\warden` (or the
// `socket` key's pipe), one overlapped pipe instance always waiting in
// ConnectNamedPipe, one pipe_session per connected client. The first
// instance is created with FILE_FLAG_FIRST_PIPE_INSTANCE, and a new instance
// is always created before a connected one is handed to its session, so the
// name never becomes free for another process while the daemon runs.
#include "control/server.hpp"

#include "control/windows/pipe_security.hpp"
#include "control/windows/pipe_session.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/windows/overlapped_ptr.hpp>
#include <boost/asio/windows/stream_handle.hpp>

#include <windows.h>

#include <unordered_map>

namespace asio = boost::asio;

namespace warden::control {

namespace {

std::wstring widen(std::string const& s)
{
    if (s.empty())
        return {};
    int const n = ::MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), nullptr, 0);
    std::wstring out(static_cast<std::size_t>(n), L'\0');
    ::MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), out.data(), n);
    return out;
}

std::string win_error(DWORD code) { return boost::system::error_code(static_cast<int>(code), boost::system::system_category()).message(); }

} // namespace

struct server::state : std::enable_shared_from_this<server::state> {
    state(asio::io_context& io_, command_handler& handler, server_options o)
        : io(io_), options(std::move(o)), retry_timer(io_)
    {
        settings.handler = &handler;
        settings.idle_timeout = options.idle_timeout;
        settings.max_queued_bytes = options.max_queued_bytes;
        settings.log = options.log;
    }

    void log(severity level, std::string message) const
    {
        if (options.log)
            options.log(level, std::move(message));
    }

    std::optional<std::string> start();
    std::optional<std::string> create_instance(bool first);
    void stop();
    void do_accept();
    void on_connect(boost::system::error_code ec);

    asio::io_context& io;
    server_options options;
    session_settings settings;
    std::optional<windows::pipe_security> security;
    std::unique_ptr<asio::windows::stream_handle> pending; ///< the instance waiting for a client
    asio::steady_timer retry_timer;
    std::unordered_map<windows::pipe_session*, std::shared_ptr<windows::pipe_session>> sessions;
    std::uint64_t next_id = 0;
    bool running = false;
    bool accept_failing = false;
};

std::optional<std::string> server::state::create_instance(bool first)
{
    auto const name = widen(options.path);
    DWORD open_mode = PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED;
    if (first)
        open_mode |= FILE_FLAG_FIRST_PIPE_INSTANCE;
    HANDLE h = ::CreateNamedPipeW(name.c_str(), open_mode,
                                  PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS,
                                  PIPE_UNLIMITED_INSTANCES, 64 * 1024, 64 * 1024, 0, security->attributes());
    if (h == INVALID_HANDLE_VALUE) {
        DWORD const err = ::GetLastError();
        if (first && (err == ERROR_ACCESS_DENIED || err == ERROR_PIPE_BUSY))
            return "another wardend is listening on " + options.path;
        return "cannot create the control pipe " + options.path + ": " + win_error(err);
    }
    boost::system::error_code ec;
    pending = std::make_unique<asio::windows::stream_handle>(io);
    pending->assign(h, ec);
    if (ec) {
        ::CloseHandle(h);
        pending.reset();
        return "cannot use the control pipe " + options.path + ": " + ec.message();
    }
    return std::nullopt;
}

std::optional<std::string> server::state::start()
{
    if (running)
        return "the control server is already running on " + options.path;
    auto path = windows::pipe_path(options.path);
    if (!path)
        return "'" + options.path + "' is not a named pipe (use \\\\.\\pipe\\NAME, or just NAME)";
    options.path = *path;
    std::string error;
    security = windows::pipe_security::make(error);
    if (!security)
        return error;
    // FILE_FLAG_FIRST_PIPE_INSTANCE refuses a name that exists, atomically;
    // asking first as well gives the readable message, and covers Wine,
    // which does not enforce the flag.
    if (::WaitNamedPipeW(widen(options.path).c_str(), 1) || ::GetLastError() != ERROR_FILE_NOT_FOUND)
        return "another wardend is listening on " + options.path;
    if (auto problem = create_instance(true))
        return problem;
    running = true;
    log(severity::info, "control pipe listening on " + options.path + " (SYSTEM, Administrators and the daemon's user)");
    do_accept();
    return std::nullopt;
}

void server::state::do_accept()
{
    if (!pending)
        if (auto problem = create_instance(false)) {
            if (!accept_failing)
                log(severity::error, *problem + "; retrying in 100ms");
            accept_failing = true;
            retry_timer.expires_after(std::chrono::milliseconds(100));
            retry_timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
                if (!ec && self->running)
                    self->do_accept();
            });
            return;
        }
    asio::windows::overlapped_ptr op(pending->get_executor(), [self = shared_from_this()](
                                                                  boost::system::error_code ec, std::size_t) {
        self->on_connect(ec);
    });
    BOOL const ok = ::ConnectNamedPipe(pending->native_handle(), op.get());
    DWORD const err = ::GetLastError();
    if (!ok && err == ERROR_PIPE_CONNECTED) // connected between create and connect
        op.complete({}, 0);
    else if (!ok && err != ERROR_IO_PENDING)
        op.complete(boost::system::error_code(static_cast<int>(err), boost::system::system_category()), 0);
    else
        op.release(); // completes through the I/O completion port
}

void server::state::on_connect(boost::system::error_code ec)
{
    if (!running || ec == asio::error::operation_aborted)
        return;
    if (ec) {
        // A client that came and went before we saw it, and the like: start
        // over with a fresh instance.
        if (!accept_failing)
            log(severity::warning, "cannot accept a control client: " + ec.message());
        accept_failing = true;
        boost::system::error_code ignored;
        pending->close(ignored);
        pending.reset();
        do_accept();
        return;
    }
    accept_failing = false;
    auto connected = std::move(pending);
    ULONG client_pid = 0;
    ::GetNamedPipeClientProcessId(connected->native_handle(), &client_pid);
    // The next instance exists before this one leaves the server.
    do_accept();

    std::weak_ptr<state> weak = shared_from_this();
    auto s = std::make_shared<windows::pipe_session>(std::move(*connected), ++next_id, client_pid, settings,
                                                     [weak](windows::pipe_session* closed) {
                                                         if (auto self = weak.lock())
                                                             self->sessions.erase(closed);
                                                     });
    sessions.emplace(s.get(), s);
    s->start();
}

void server::state::stop()
{
    bool const was_running = running;
    running = false;
    retry_timer.cancel();
    if (pending) {
        boost::system::error_code ignored;
        pending->close(ignored);
        pending.reset();
    }
    auto open = std::move(sessions);
    sessions.clear();
    for (auto& [ptr, s] : open)
        s->close();
    if (was_running)
        log(severity::info, "control pipe " + options.path + " closed");
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
