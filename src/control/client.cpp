// The blocking control client. Each step is an async operation run on a
// private io_context until it completes or the deadline passes (Asio's
// blocking-client-with-timeout pattern), so no step can hang forever.
#include "control/client.hpp"

#include "control/client_transport.hpp"

#include <boost/asio/buffer.hpp>

namespace asio = boost::asio;
using std::chrono::steady_clock;

namespace warden::control {

namespace {

std::optional<steady_clock::time_point> deadline_after(std::optional<client::duration> timeout)
{
    if (!timeout)
        return std::nullopt;
    return steady_clock::now() + *timeout;
}

} // namespace

client::client(std::string socket_path)
    : path_(client_path(std::move(socket_path))), transport_(make_client_transport(io_)), splitter_(max_reply_bytes)
{
}

client::~client() = default;

void client::close() { transport_->close(); }

bool client::run_until(bool const& done, std::optional<steady_clock::time_point> deadline)
{
    io_.restart();
    if (deadline)
        io_.run_until(*deadline);
    else
        io_.run();
    if (done)
        return true;
    close(); // the pending operation completes as aborted
    io_.restart();
    io_.run();
    return false;
}

std::optional<client_error> client::connect(std::optional<duration> timeout)
{
    auto const deadline = deadline_after(timeout);
    return transport_->connect(path_, timeout, [this, deadline](bool const& done) { return run_until(done, deadline); });
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
    transport_->async_write(asio::buffer(line), [&](boost::system::error_code e, std::size_t) {
        ec = e;
        done = true;
    });
    if (!run_until(done, deadline))
        return timed_out();
    // A failed send is not the end yet: the daemon may have answered (and
    // closed) before reading the request, e.g. with permission_denied.
    boost::system::error_code const send_error = ec;

    bool replied = false;
    bool eof = false;
    for (;;) {
        while (auto l = splitter_.next()) {
            if (l->too_long)
                return client_error{client_error::protocol, "wardend at " + path_ + " sent a reply longer than "
                                                                + std::to_string(max_reply_bytes) + " bytes"};
            auto decoded = decode_reply(l->text);
            if (auto const* why = std::get_if<std::string>(&decoded))
                return client_error{client_error::protocol,
                                    "wardend at " + path_ + " sent an invalid reply: " + *why};
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
                return client_error{client_error::unreachable, "cannot reach wardend at " + path_
                                                                   + ": sending the request failed: "
                                                                   + send_error.message()};
            if (!replied)
                return client_error{client_error::unreachable,
                                    "wardend at " + path_ + " closed the connection without replying"};
            return client_error{client_error::protocol,
                                "wardend at " + path_ + " closed the connection before the last reply"};
        }

        done = false;
        std::size_t n = 0;
        transport_->async_read_some(asio::buffer(buffer_), [&](boost::system::error_code e, std::size_t k) {
            ec = e;
            n = k;
            done = true;
        });
        if (!run_until(done, deadline))
            return timed_out();
        if (n > 0)
            splitter_.feed(std::string_view(buffer_.data(), n));
        if (ec && transport_->is_end(ec)) {
            eof = true; // serve what was received, then report
            splitter_.end();
            continue;
        }
        if (ec)
            return client_error{replied ? client_error::protocol : client_error::unreachable,
                                "reading from wardend at " + path_ + " failed: " + ec.message()};
    }
}

} // namespace warden::control
