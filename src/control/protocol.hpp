// The control protocol's vocabulary (SPEC §5, docs/protocol.md): one JSON
// object per line each way. Shared by the daemon's server, its command
// handler and wardenctl.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace warden::control {

/// Protocol version reported by `version`.
inline constexpr int protocol_version = 1;

/// Longest request line the daemon accepts (bytes, without the newline).
inline constexpr std::size_t max_line_bytes = 64 * 1024;

/// A decoded request: {"cmd": "status", "args": ["web"], "options": {...}}.
struct request {
    std::string cmd;
    std::vector<std::string> args;
    boost::json::object options;
};

/// Error codes, as they appear in {"ok": false, "error": {"code": ...}}.
namespace error_code {
inline constexpr char const* bad_request = "bad_request";         ///< not JSON, not an object, wrong types
inline constexpr char const* line_too_long = "line_too_long";     ///< over max_line_bytes
inline constexpr char const* unknown_command = "unknown_command";
inline constexpr char const* bad_arguments = "bad_arguments";     ///< right types, wrong meaning
inline constexpr char const* no_such_process = "no_such_process";
inline constexpr char const* not_running = "not_running";
inline constexpr char const* failed = "failed";                   ///< the operation failed; message says why
inline constexpr char const* invalid_config = "invalid_config";   ///< reload: the file has errors
inline constexpr char const* shutting_down = "shutting_down";
inline constexpr char const* permission_denied = "permission_denied";
inline constexpr char const* idle_timeout = "idle_timeout";
} // namespace error_code

/// One reply line. `more`: further replies to the same request follow
/// (`tail -f`); the session reads the next request only after the last one.
struct reply {
    bool ok = true;
    boost::json::value result;     ///< when ok (and also when !ok, for partial results)
    std::string code;              ///< when !ok
    std::string message;           ///< when !ok
    bool more = false;

    static reply success(boost::json::value result, bool more = false);
    static reply failure(std::string code, std::string message, boost::json::value result = nullptr);
};

/// Called by a handler with each reply; returns false once the client is gone
/// (a streaming handler then stops).
using reply_fn = std::function<bool(reply)>;

/// Maps requests to daemon operations. Runs on the daemon's io_context thread.
class command_handler {
public:
    virtual ~command_handler() = default;
    /// Handle `req`, calling `send` once (or, with `more`, several times),
    /// now or later. Never throws.
    virtual void handle(request const& req, reply_fn send) = 0;
};

} // namespace warden::control
