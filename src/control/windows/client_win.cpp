// control::client on Windows: the daemon's named pipe, opened overlapped and
// driven by a private io_context like the POSIX client (client.cpp), so each
// step has a deadline.
#include "control/client.hpp"

#include "control/windows/pipe_security.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/windows/stream_handle.hpp>
#include <boost/asio/write.hpp>

#include <windows.h>

#include <cstdio>
#include <thread>

namespace asio = boost::asio;
using std::chrono::steady_clock;

namespace warden::control {

namespace {

std::string seconds_text(client::duration d)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%gs", std::chrono::duration<double>(d).count());
    return buf;
}

std::optional<steady_clock::time_point> deadline_after(std::optional<client::duration> timeout)
{
    if (!timeout)
        return std::nullopt;
    return steady_clock::now() + *timeout;
}

std::wstring widen(std::string const& s)
{
    if (s.empty())
        return {};
    int const n = ::MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), nullptr, 0);
    std::wstring out(static_cast<std::size_t>(n), L'\0');
    ::MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), out.data(), n);
    return out;
}

bool is_end(boost::system::error_code ec)
{
    if (ec == asio::error::eof || ec == asio::error::broken_pipe || ec == asio::error::connection_reset)
        return true;
    return ec.category() == boost::system::system_category() &&
           (ec.value() == ERROR_BROKEN_PIPE || ec.value() == ERROR_PIPE_NOT_CONNECTED || ec.value() == ERROR_NO_DATA);
}

} // namespace

struct client::transport {
    explicit transport(asio::io_context& io) : pipe(io) {}
    asio::windows::stream_handle pipe;
};

client::client(std::string socket_path)
    : path_(windows::pipe_path(socket_path).value_or(socket_path)),
      transport_(std::make_unique<transport>(io_)),
      splitter_(max_reply_bytes)
{
}

client::~client() = default;

void client::close()
{
    boost::system::error_code ignored;
    transport_->pipe.close(ignored);
}

bool client::run_until(bool const& done, std::optional<steady_clock::time_point> deadline)
{
    io_.restart();
    if (deadline)
        io_.run_until(*deadline);
    else
        io_.run();
    if (done)
        return true;
    close();
    io_.restart();
    io_.run();
    return false;
}

std::optional<client_error> client::connect(std::optional<duration> timeout)
{
    std::string const prefix = "cannot reach wardend at " + path_ + ": ";
    if (path_.empty())
        return client_error{client_error::unreachable, "cannot reach wardend: no pipe name"};
    auto const deadline = deadline_after(timeout);
    auto const name = widen(path_);
    for (;;) {
        HANDLE h = ::CreateFileW(name.c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr, OPEN_EXISTING,
                                 FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION, nullptr);
        if (h != INVALID_HANDLE_VALUE) {
            boost::system::error_code ec;
            transport_->pipe.assign(h, ec);
            if (ec) {
                ::CloseHandle(h);
                return client_error{client_error::unreachable, prefix + ec.message()};
            }
            return std::nullopt;
        }
        DWORD const err = ::GetLastError();
        auto const message = boost::system::error_code(static_cast<int>(err), boost::system::system_category()).message();
        if (err == ERROR_FILE_NOT_FOUND)
            return client_error{client_error::unreachable, prefix + message + " (is wardend running?)"};
        if (err != ERROR_PIPE_BUSY)
            return client_error{client_error::unreachable, prefix + message};
        // Every instance is taken for the moment: wait for one.
        DWORD wait_ms = 1000;
        if (deadline) {
            auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - steady_clock::now());
            if (left.count() <= 0)
                return client_error{client_error::unreachable, prefix + "no answer within " + seconds_text(*timeout)};
            wait_ms = static_cast<DWORD>(std::min<long long>(left.count(), 1000));
        }
        if (!::WaitNamedPipeW(name.c_str(), wait_ms))
            std::this_thread::sleep_for(std::chrono::milliseconds(10)); // the instance vanished: try again
    }
}

std::optional<client_error> client::call(request const& req, std::function<bool(reply const&)> const& on_reply,
                                         std::optional<duration> timeout)
{
    auto const deadline = deadline_after(timeout);
    auto const timed_out = [&] {
        return client_error{client_error::timeout,
                            "no reply from wardend at " + path_ + " within " + seconds_text(*timeout)};
    };

    std::string const line = encode(req);
    bool done = false;
    boost::system::error_code ec;
    asio::async_write(transport_->pipe, asio::buffer(line), [&](boost::system::error_code e, std::size_t) {
        ec = e;
        done = true;
    });
    if (!run_until(done, deadline))
        return timed_out();
    boost::system::error_code const send_error = ec;

    bool replied = false;
    bool eof = false;
    for (;;) {
        while (auto l = splitter_.next()) {
            if (l->too_long)
                return client_error{client_error::protocol, "wardend at " + path_ + " sent a reply longer than " +
                                                                std::to_string(max_reply_bytes) + " bytes"};
            auto decoded = decode_reply(l->text);
            if (auto const* why = std::get_if<std::string>(&decoded))
                return client_error{client_error::protocol, "wardend at " + path_ + " sent an invalid reply: " + *why};
            reply const& r = std::get<reply>(decoded);
            replied = true;
            bool const last = !r.more;
            if (!on_reply(r)) {
                close();
                return std::nullopt;
            }
            if (last)
                return std::nullopt;
        }
        if (eof) {
            if (!replied && send_error)
                return client_error{client_error::unreachable, "cannot reach wardend at " + path_ +
                                                                   ": sending the request failed: " +
                                                                   send_error.message()};
            if (!replied)
                return client_error{client_error::unreachable,
                                    "wardend at " + path_ + " closed the connection without replying"};
            return client_error{client_error::protocol,
                                "wardend at " + path_ + " closed the connection before the last reply"};
        }
        done = false;
        std::size_t n = 0;
        transport_->pipe.async_read_some(asio::buffer(buffer_), [&](boost::system::error_code e, std::size_t k) {
            ec = e;
            n = k;
            done = true;
        });
        if (!run_until(done, deadline))
            return timed_out();
        if (n > 0)
            splitter_.feed(std::string_view(buffer_.data(), n));
        if (ec && is_end(ec)) {
            eof = true;
            splitter_.end();
            continue;
        }
        if (ec)
            return client_error{replied ? client_error::protocol : client_error::unreachable,
                                "reading from wardend at " + path_ + " failed: " + ec.message()};
    }
}

} // namespace warden::control
