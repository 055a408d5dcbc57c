// The control server: a platform listener plus the set of open sessions.
#include "control/server.hpp"

#include "control/listener.hpp"

#include <unordered_map>

namespace asio = boost::asio;

namespace warden::control {

struct server::state : std::enable_shared_from_this<server::state> {
    state(command_handler& handler, server_options const& options)
    {
        settings.handler = &handler;
        settings.idle_timeout = options.idle_timeout;
        settings.max_queued_bytes = options.max_queued_bytes;
        settings.log = options.log;
    }

    void add(std::unique_ptr<session_stream> stream)
    {
        std::weak_ptr<state> weak = shared_from_this();
        auto s = std::make_shared<session>(std::move(stream), ++next_id, settings, [weak](session* closed) {
            if (auto self = weak.lock())
                self->sessions.erase(closed);
        });
        sessions.emplace(s.get(), s);
        s->start();
    }

    void close_all()
    {
        auto open = std::move(sessions);
        sessions.clear();
        for (auto& [ptr, s] : open)
            s->close();
    }

    session_settings settings;
    std::shared_ptr<listener> transport;
    std::unordered_map<session*, std::shared_ptr<session>> sessions;
    std::uint64_t next_id = 0;
};

server::server(asio::io_context& io, command_handler& handler, server_options options)
    : state_(std::make_shared<state>(handler, options))
{
    std::weak_ptr<state> weak = state_;
    state_->transport = make_listener(io, options, [weak](std::unique_ptr<session_stream> stream) {
        if (auto self = weak.lock())
            self->add(std::move(stream));
    });
}

server::~server() { stop(); }

std::optional<std::string> server::start() { return state_->transport->start(); }

void server::stop()
{
    state_->transport->stop();
    state_->close_all();
}

std::size_t server::session_count() const { return state_->sessions.size(); }

std::string const& server::path() const { return state_->transport->path(); }

} // namespace warden::control
