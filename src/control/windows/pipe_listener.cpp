// The control listener on Windows: the named pipe `\\.\pipe\warden` (or the
// `socket` key's pipe), one overlapped pipe instance always waiting in
// ConnectNamedPipe; each connected instance becomes a pipe_stream. The
// first instance is created with FILE_FLAG_FIRST_PIPE_INSTANCE, and a new
// instance is always created before a connected one is handed over, so the
// name never becomes free for another process while the daemon runs.
#include "control/listener.hpp"

#include "control/windows/pipe_security.hpp"
#include "control/windows/pipe_stream.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/windows/overlapped_ptr.hpp>
#include <boost/asio/windows/stream_handle.hpp>

#include <windows.h>

namespace asio = boost::asio;

namespace warden::control {

namespace {

std::string win_error(DWORD code) { return boost::system::error_code(static_cast<int>(code), boost::system::system_category()).message(); }

class pipe_listener final : public listener, public std::enable_shared_from_this<pipe_listener> {
public:
    pipe_listener(asio::io_context& io, server_options const& options, accept_fn on_accept)
        : io_(io), options_(options), on_accept_(std::move(on_accept)), retry_timer_(io)
    {
    }

    std::optional<std::string> start() override
    {
        if (running_)
            return "the control server is already running on " + options_.path;
        auto path = windows::pipe_path(options_.path);
        if (!path)
            return "'" + options_.path + "' is not a named pipe (use \\\\.\\pipe\\NAME, or just NAME)";
        options_.path = *path;
        std::string error;
        security_ = windows::pipe_security::make(error);
        if (!security_)
            return error;
        // FILE_FLAG_FIRST_PIPE_INSTANCE refuses a name that exists, atomically;
        // asking first as well gives the readable message, and covers Wine,
        // which does not enforce the flag.
        if (::WaitNamedPipeW(windows::pipe_name_w(options_.path).c_str(), 1) || ::GetLastError() != ERROR_FILE_NOT_FOUND)
            return "another wardend is listening on " + options_.path;
        if (auto problem = create_instance(true))
            return problem;
        running_ = true;
        log(severity::info, "control pipe listening on " + options_.path + " (SYSTEM, Administrators and the daemon's user)");
        do_accept();
        return std::nullopt;
    }

    void stop() override
    {
        bool const was_running = running_;
        running_ = false;
        retry_timer_.cancel();
        if (pending_) {
            boost::system::error_code ignored;
            pending_->close(ignored);
            pending_.reset();
        }
        if (was_running)
            log(severity::info, "control pipe " + options_.path + " closed");
    }

    std::string const& path() const override { return options_.path; }

private:
    void log(severity level, std::string message) const
    {
        if (options_.log)
            options_.log(level, std::move(message));
    }

    std::optional<std::string> create_instance(bool first)
    {
        auto const name = windows::pipe_name_w(options_.path);
        DWORD open_mode = PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED;
        if (first)
            open_mode |= FILE_FLAG_FIRST_PIPE_INSTANCE;
        HANDLE h = ::CreateNamedPipeW(name.c_str(), open_mode,
                                      PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS,
                                      PIPE_UNLIMITED_INSTANCES, 64 * 1024, 64 * 1024, 0, security_->attributes());
        if (h == INVALID_HANDLE_VALUE) {
            DWORD const err = ::GetLastError();
            if (first && (err == ERROR_ACCESS_DENIED || err == ERROR_PIPE_BUSY))
                return "another wardend is listening on " + options_.path;
            return "cannot create the control pipe " + options_.path + ": " + win_error(err);
        }
        boost::system::error_code ec;
        pending_ = std::make_unique<asio::windows::stream_handle>(io_);
        pending_->assign(h, ec);
        if (ec) {
            ::CloseHandle(h);
            pending_.reset();
            return "cannot use the control pipe " + options_.path + ": " + ec.message();
        }
        return std::nullopt;
    }

    void do_accept()
    {
        if (!pending_)
            if (auto problem = create_instance(false)) {
                if (!accept_failing_)
                    log(severity::error, *problem + "; retrying in 100ms");
                accept_failing_ = true;
                retry_timer_.expires_after(std::chrono::milliseconds(100));
                retry_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
                    if (!ec && self->running_)
                        self->do_accept();
                });
                return;
            }
        asio::windows::overlapped_ptr op(pending_->get_executor(), [self = shared_from_this()](
                                                                       boost::system::error_code ec, std::size_t) {
            self->on_connect(ec);
        });
        BOOL const ok = ::ConnectNamedPipe(pending_->native_handle(), op.get());
        DWORD const err = ::GetLastError();
        if (!ok && err == ERROR_PIPE_CONNECTED) // connected between create and connect
            op.complete({}, 0);
        else if (!ok && err != ERROR_IO_PENDING)
            op.complete(boost::system::error_code(static_cast<int>(err), boost::system::system_category()), 0);
        else
            op.release(); // completes through the I/O completion port
    }

    void on_connect(boost::system::error_code ec)
    {
        if (!running_ || ec == asio::error::operation_aborted)
            return;
        if (ec) {
            // A client that came and went before we saw it, and the like:
            // start over with a fresh instance.
            if (!accept_failing_)
                log(severity::warning, "cannot accept a control client: " + ec.message());
            accept_failing_ = true;
            boost::system::error_code ignored;
            pending_->close(ignored);
            pending_.reset();
            do_accept();
            return;
        }
        accept_failing_ = false;
        auto connected = std::move(pending_);
        ULONG client_pid = 0;
        ::GetNamedPipeClientProcessId(connected->native_handle(), &client_pid);
        // The next instance exists before this one leaves the listener.
        do_accept();
        on_accept_(windows::make_pipe_stream(std::move(*connected), client_pid));
    }

    asio::io_context& io_;
    server_options options_;
    accept_fn on_accept_;
    std::optional<windows::pipe_security> security_;
    std::unique_ptr<asio::windows::stream_handle> pending_; ///< the instance waiting for a client
    asio::steady_timer retry_timer_;
    bool running_ = false;
    bool accept_failing_ = false;
};

} // namespace

std::shared_ptr<listener> make_listener(asio::io_context& io, server_options const& options, listener::accept_fn on_accept)
{
    return std::make_shared<pipe_listener>(io, options, std::move(on_accept));
}

} // namespace warden::control
