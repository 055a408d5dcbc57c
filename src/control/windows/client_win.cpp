// control::client's transport on Windows: the daemon's named pipe, opened
// overlapped so that reads and writes run on the client's io_context with
// deadlines like the POSIX socket's.
#include "control/client_transport.hpp"

#include "control/windows/pipe_security.hpp"
#include "control/windows/pipe_stream.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/windows/stream_handle.hpp>
#include <boost/asio/write.hpp>

#include <windows.h>

#include <thread>

namespace asio = boost::asio;
using std::chrono::steady_clock;

namespace warden::control {

namespace {

struct pipe_transport final : client::transport {
    explicit pipe_transport(asio::io_context& io) : pipe(io) {}

    // CreateFileW is not asynchronous: wait for a free instance, bounded by
    // the timeout, then hand the handle to the io_context.
    std::optional<client_error> connect(std::string const& path, std::optional<client::duration> timeout,
                                        run_fn const&) override
    {
        std::string const prefix = "cannot reach wardend at " + path + ": ";
        if (path.empty())
            return client_error{client_error::unreachable, "cannot reach wardend: no pipe name"};
        auto const deadline = timeout ? std::optional(steady_clock::now() + *timeout) : std::nullopt;
        auto const name = windows::pipe_name_w(path);
        for (;;) {
            HANDLE h = ::CreateFileW(name.c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr, OPEN_EXISTING,
                                     FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION, nullptr);
            if (h != INVALID_HANDLE_VALUE) {
                boost::system::error_code ec;
                pipe.assign(h, ec);
                if (ec) {
                    ::CloseHandle(h);
                    return client_error{client_error::unreachable, prefix + ec.message()};
                }
                return std::nullopt;
            }
            DWORD const err = ::GetLastError();
            auto const message =
                boost::system::error_code(static_cast<int>(err), boost::system::system_category()).message();
            if (err == ERROR_FILE_NOT_FOUND)
                return client_error{client_error::unreachable, prefix + message + " (is wardend running?)"};
            if (err != ERROR_PIPE_BUSY)
                return client_error{client_error::unreachable, prefix + message};
            // Every instance is taken for the moment: wait for one.
            DWORD wait_ms = 1000;
            if (deadline) {
                auto const left =
                    std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - steady_clock::now());
                if (left.count() <= 0)
                    return client_error{client_error::unreachable,
                                        prefix + "no answer within " + seconds_text(*timeout)};
                wait_ms = static_cast<DWORD>(std::min<long long>(left.count(), 1000));
            }
            if (!::WaitNamedPipeW(name.c_str(), wait_ms))
                std::this_thread::sleep_for(std::chrono::milliseconds(10)); // the instance vanished: try again
        }
    }

    void async_write(asio::const_buffer buffer, io_handler handler) override
    {
        asio::async_write(pipe, buffer, std::move(handler));
    }

    void async_read_some(asio::mutable_buffer buffer, io_handler handler) override
    {
        pipe.async_read_some(buffer, std::move(handler));
    }

    bool is_end(boost::system::error_code ec) const override { return windows::is_pipe_disconnect(ec); }

    void close() override
    {
        boost::system::error_code ignored;
        pipe.close(ignored);
    }

    asio::windows::stream_handle pipe;
};

} // namespace

std::unique_ptr<client::transport> make_client_transport(asio::io_context& io)
{
    return std::make_unique<pipe_transport>(io);
}

std::string client_path(std::string path) { return windows::pipe_path(path).value_or(path); }

} // namespace warden::control
