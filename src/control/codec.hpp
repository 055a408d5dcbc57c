// The control protocol's codec (docs/protocol.md): JSON lines, both ways.
// Pure: no I/O, no clock. The session feeds it bytes as they arrive and
// takes out complete lines; the client does the same with replies.
#pragma once

#include "control/protocol.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace warden::control {

/// One unit taken out of a line_splitter.
struct line {
    std::string text;      ///< without the '\n' (and without a '\r' before it)
    bool too_long = false; ///< the line exceeded the limit; `text` is empty, the rest of it is discarded
};

/// Splits an incrementally fed byte stream into lines.
///
/// - `\n` ends a line; a `\r` right before it is dropped (CRLF clients).
/// - Blank lines (empty, or only spaces and tabs) are skipped.
/// - A line longer than `max_bytes` (not counting its terminator) is
///   reported once as `too_long`, then discarded up to and including its
///   `\n`; the line after it is served normally. Memory stays bounded by
///   about `max_bytes` plus one fed chunk.
class line_splitter {
public:
    /// `max_bytes`: the longest accepted line.
    explicit line_splitter(std::size_t max_bytes = max_line_bytes);

    /// Append bytes received from the peer.
    void feed(std::string_view bytes);

    /// The input has ended: a final line without '\n' is served by next().
    void end();

    /// The next complete line (or too-long marker), if there is one yet.
    std::optional<line> next();

    /// Bytes held (complete lines not yet taken plus a partial line).
    std::size_t buffered() const { return buffer_.size() - start_; }

private:
    void compact();

    std::string buffer_;
    std::size_t start_ = 0;     ///< first byte not yet consumed
    std::size_t scanned_ = 0;   ///< bytes from start_ already known to hold no '\n'
    std::size_t max_;
    bool discarding_ = false;   ///< inside an over-long line: drop until '\n'
    bool ended_ = false;
};

/// Decode one request line. Returns the request, or the error reply to send
/// (`bad_request`, with a message naming the problem and, for syntax
/// errors, the column).
std::variant<request, reply> decode_request(std::string_view line);

/// Decode one reply line (the client side). Returns the reply, or a
/// message saying why the line is not a valid reply.
std::variant<reply, std::string> decode_reply(std::string_view line);

/// One line, ending in '\n':
/// `{"ok":true,"result":R}` or
/// `{"ok":false,"error":{"code":C,"message":M},"result":R}` (result only
/// when not null), plus `"more":true` when set. Strings are made valid
/// UTF-8 (invalid bytes become U+FFFD), so the line is always valid JSON.
std::string encode(reply const& r);

/// One line, ending in '\n': `{"cmd":C,"args":[...],"options":{...}}`
/// (`args`/`options` only when not empty).
std::string encode(request const& r);

/// `text` with every invalid UTF-8 sequence replaced by U+FFFD.
std::string to_valid_utf8(std::string_view text);

/// Offset of the first invalid UTF-8 byte of `text`, if any.
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

} // namespace warden::control
