#include "runtime/tcp_probe.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

namespace warden::runtime {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Shared with the pending handlers, so that destroying the probe only has to
// cancel them: a handler that still runs sees `closed` and does nothing.
struct tcp_probe::state : std::enable_shared_from_this<tcp_probe::state> {
    state(asio::io_context& io, std::string h, std::uint16_t p, std::function<void()> ready,
          std::chrono::milliseconds every)
        : resolver(io), socket(io), timer(io), host(std::move(h)), port(p), on_ready(std::move(ready)), interval(every)
    {
    }

    void do_resolve()
    {
        resolver.async_resolve(host, std::to_string(port), tcp::resolver::numeric_service,
                               [self = shared_from_this()](boost::system::error_code ec,
                                                           tcp::resolver::results_type results) {
                                   self->on_resolve(ec, std::move(results));
                               });
    }

    void on_resolve(boost::system::error_code ec, tcp::resolver::results_type results)
    {
        if (closed)
            return;
        if (ec)
            return do_wait(); // a name that does not resolve yet may later (DNS, /etc/hosts)
        endpoints = std::move(results);
        do_connect();
    }

    void do_connect()
    {
        asio::async_connect(socket, endpoints,
                            [self = shared_from_this()](boost::system::error_code ec, tcp::endpoint const&) {
                                self->on_connect(ec);
                            });
    }

    void on_connect(boost::system::error_code ec)
    {
        if (closed)
            return;
        boost::system::error_code ignored;
        socket.close(ignored);
        if (ec)
            return do_wait();
        closed = true;
        on_ready();
    }

    void do_wait()
    {
        timer.expires_after(interval);
        timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (ec || self->closed)
                return;
            if (self->endpoints.empty())
                self->do_resolve();
            else
                self->do_connect();
        });
    }

    void close()
    {
        closed = true;
        resolver.cancel();
        boost::system::error_code ignored;
        socket.close(ignored);
        timer.cancel();
    }

    tcp::resolver resolver;
    tcp::socket socket;
    asio::steady_timer timer;
    tcp::resolver::results_type endpoints;
    std::string host;
    std::uint16_t port;
    std::function<void()> on_ready;
    std::chrono::milliseconds interval;
    bool closed = false;
};

tcp_probe::tcp_probe(asio::io_context& io, std::string host, std::uint16_t port, std::function<void()> on_ready,
                     std::chrono::milliseconds interval)
    : state_(std::make_shared<state>(io, std::move(host), port, std::move(on_ready), interval))
{
    state_->do_resolve();
}

tcp_probe::~tcp_probe() { state_->close(); }

} // namespace warden::runtime
