// What control::server needs from its transport: accept clients and hand
// each one over as a session_stream. The Unix-socket listener is
// unix_listener.cpp, the named-pipe one windows/pipe_listener.cpp; the
// session set and the server's interface are shared (server.cpp).
#pragma once

#include "control/server.hpp"
#include "control/session_stream.hpp"

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace warden::control {

class listener {
public:
    using accept_fn = std::function<void(std::unique_ptr<session_stream>)>;

    virtual ~listener() = default;
    /// Create the endpoint and start accepting (see server::start).
    virtual std::optional<std::string> start() = 0;
    /// Stop accepting and remove what start() created. Idempotent.
    virtual void stop() = 0;
    /// The endpoint, as the platform spells it (normalized by start()).
    virtual std::string const& path() const = 0;
};

/// This platform's listener; `on_accept` gets each connected client.
std::shared_ptr<listener> make_listener(boost::asio::io_context& io, server_options const& options,
                                        listener::accept_fn on_accept);

} // namespace warden::control
