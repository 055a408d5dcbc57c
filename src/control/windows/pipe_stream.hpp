// session_stream over a connected named-pipe instance (Windows). Access is
// decided by the pipe's DACL before a client ever connects
// (pipe_security.hpp), so there is no peer-credential step; and a pipe has
// no half-close, so a client ends by closing its handle once it has read
// its last reply, and the session closes instead of lingering.
#pragma once

#include "control/session_stream.hpp"

#include <boost/asio/windows/stream_handle.hpp>

#include <memory>

namespace warden::control::windows {

/// `client_pid` names the client in the log (0: unknown).
std::unique_ptr<session_stream> make_pipe_stream(boost::asio::windows::stream_handle pipe, unsigned long client_pid);

/// A client closing its end of a pipe, in any of the ways Windows reports it.
bool is_pipe_disconnect(boost::system::error_code ec);

} // namespace warden::control::windows
