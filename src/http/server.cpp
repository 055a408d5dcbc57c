#include "http/server.hpp"

#include "http/listen.hpp"

#include <boost/asio/ip/tcp.hpp>

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace warden::http {

struct server::state {
    asio::io_context& io;
    std::shared_ptr<detail::shared> common = std::make_shared<detail::shared>();
    std::optional<detail::started> running;

    explicit state(asio::io_context& io_) : io(io_) {}

    std::variant<detail::started, std::string> listen_tcp()
    {
        auto const& o = common->options;
        boost::system::error_code ec;
        auto const address = o.host.empty() ? asio::ip::address(asio::ip::address_v4::any())
                                            : asio::ip::make_address(o.host == "localhost" ? "127.0.0.1" : o.host, ec);
        if (ec)
            return "'" + o.host + "' is not an IP address: " + ec.message();
        tcp::endpoint const endpoint(address, o.port);
        tcp::acceptor acceptor(io);
        acceptor.open(endpoint.protocol(), ec);
        if (!ec)
            acceptor.set_option(asio::socket_base::reuse_address(true), ec);
        if (!ec)
            acceptor.bind(endpoint, ec);
        if (!ec)
            acceptor.listen(asio::socket_base::max_listen_connections, ec);
        std::string const where = (o.host.empty() ? std::string("*") : o.host) + ":" + std::to_string(o.port);
        if (ec)
            return "cannot listen on " + where + ": " + ec.message();
        auto const bound = acceptor.local_endpoint(ec);
        auto loop = std::make_shared<detail::accept_loop<tcp>>(std::move(acceptor), common);
        loop->start();
        std::string host = o.host.empty() ? "127.0.0.1" : o.host;
        if (host.find(':') != std::string::npos)
            host = "[" + host + "]";
        return detail::started{[loop] { loop->stop(); }, "http://" + host + ":" + std::to_string(bound.port())};
    }
};

server::server(asio::io_context& io, router const& routes, server_options options)
    : state_(std::make_shared<state>(io))
{
    state_->common->routes = &routes;
    state_->common->options = std::move(options);
}

server::~server() { stop(); }

std::optional<std::string> server::start()
{
    if (state_->running)
        return std::string("already running");
    auto result = state_->common->options.unix_path.empty() ? state_->listen_tcp()
                                                            : detail::listen_unix(state_->io, state_->common);
    if (auto const* why = std::get_if<std::string>(&result))
        return *why;
    state_->running = std::get<detail::started>(std::move(result));
    state_->common->log(severity::info, "serving on " + state_->running->url
                                            + (state_->common->options.auth.required() ? "" : " (no authentication)"));
    return std::nullopt;
}

void server::stop()
{
    if (!state_->running)
        return;
    state_->running->stop();
    state_->common->log(severity::info, "closed " + state_->running->url);
    state_->running.reset();
    auto open = std::move(state_->common->open);
    state_->common->open.clear();
    for (auto& [ptr, close] : open)
        close();
}

std::string server::url() const { return state_->running ? state_->running->url : std::string(); }

std::size_t server::connection_count() const { return state_->common->open.size(); }

} // namespace warden::http
