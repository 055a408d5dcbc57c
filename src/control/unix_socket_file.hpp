// A listening Unix socket file that the daemon creates and removes: the
// control socket (SPEC §5) and the `[unix_http_server] file` (SPEC §11)
// follow the same rules, so they share this.
#pragma once

#include "control/session.hpp"

#include <boost/asio/local/stream_protocol.hpp>

#include <optional>
#include <string>
#include <sys/types.h>

namespace warden::control {

struct unix_socket_options {
    std::string path;
    unsigned mode = 0600;
    /// What the socket is, in messages: "control socket", "HTTP socket".
    std::string what = "control socket";
    /// `chown`: the owner (and group) to give the file; nullopt: the daemon's.
    std::optional<uid_t> owner;
    std::optional<gid_t> group;
};

/// The file behind an acceptor. Not copyable; remove() (or the destructor)
/// unlinks it only while it is still the one we created.
class unix_socket_file {
public:
    unix_socket_file() = default;
    ~unix_socket_file() { remove(); }
    unix_socket_file(unix_socket_file const&) = delete;
    unix_socket_file& operator=(unix_socket_file const&) = delete;

    /// Open `acceptor` listening on `o.path`. Returns why it could not
    /// (nothing is left behind then): the parent directory is missing and
    /// cannot be created (it is created 0755 when missing), is not a
    /// directory, belongs to another user than root or the daemon's, or is
    /// world-writable without the sticky bit; the path is too long for a
    /// Unix socket; something that is not a socket is in the way; "another
    /// wardend is listening on PATH"; bind/chmod/chown/listen failed. A stale
    /// socket file (nobody listening) is replaced. The file is created
    /// owner-only and gets its mode (and owner) before listen(), so it is
    /// never reachable by others too early. Changes the umask briefly: call
    /// before other threads exist.
    std::optional<std::string> open(boost::asio::local::stream_protocol::acceptor& acceptor,
                                    unix_socket_options const& o, log_fn const& log);

    /// Unlink the file if it is still ours. Idempotent.
    void remove();

private:
    std::optional<std::string> bind(boost::asio::local::stream_protocol::acceptor& acceptor,
                                    unix_socket_options const& o);

    std::string path_;
    bool own_ = false;
    dev_t dev_ = 0;
    ino_t ino_ = 0;
};

} // namespace warden::control
