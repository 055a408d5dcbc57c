// session_stream over a connected Unix socket (POSIX): the peer's
// credentials decide whether it is served (SPEC §5), and the socket has a
// half-close, so a session can linger for the client's EOF.
#pragma once

#include "control/session_stream.hpp"

#include <boost/asio/local/stream_protocol.hpp>

#include <memory>

namespace warden::control {

/// `daemon_uid`: served, with root; anyone else is refused.
std::unique_ptr<session_stream> make_unix_stream(boost::asio::local::stream_protocol::socket socket,
                                                 unsigned daemon_uid);

} // namespace warden::control
