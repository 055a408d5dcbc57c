// Text -> typed value conversions, as supervisord's datatypes.py does them
// (where warden is stricter or more lenient, the function says so). Each
// returns the value or a reason; the caller adds the key and FILE:LINE.
#pragma once

#include "config/load.hpp"
#include "config/program_spec.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warden::config {

/// A converted value, or why the text does not mean one.
template <class T>
struct parsed {
    std::optional<T> value;
    std::string error; ///< set when `value` is empty

    static parsed fail(std::string why) { return {std::nullopt, std::move(why)}; }
};

/// true/false, yes/no, on/off, 1/0, any case.
parsed<bool> parse_bool(std::string_view text);
/// A decimal integer, optionally signed (Python's int(): `1_000` too).
parsed<long long> parse_integer(std::string_view text);
/// `123`, `1KB`, `50MB`, `1GB` (multiples of 1024, any case); never negative.
parsed<std::uint64_t> parse_byte_size(std::string_view text);
/// An octal file mode such as `022` or `0o600`; at most 07777.
parsed<unsigned> parse_octal(std::string_view text);
/// `TERM`, `SIGTERM`, `sigterm`, or a Linux signal number. On Windows only
/// BREAK (TERM, INT and QUIT mean the same) and KILL exist.
parsed<signal_id> parse_signal(std::string_view text, target_platform platform);
/// `unexpected`, or a boolean (true = always, false = never).
parsed<autorestart_mode> parse_autorestart(std::string_view text);
/// `0,2`: exit codes 0..255. Empty text is an empty list, as in supervisord.
parsed<std::vector<int>> parse_exitcodes(std::string_view text);
/// critical, error, warn, warning, info, debug, trace, blather (= trace).
parsed<log_level> parse_log_level(std::string_view text);

/// Splits a command line into argv. POSIX: Python's shlex.split (quotes
/// group, a backslash escapes; inside "..." it escapes only `\` and `"`).
/// Windows: quotes group, a backslash is an ordinary character.
parsed<std::vector<std::string>> split_command(std::string_view text, target_platform platform);

/// `KEY=val,KEY2="a,b"` -> pairs, in order (a repeated key keeps its first
/// position and takes the last value, like a Python dict).
///
/// supervisord runs this through a non-POSIX shlex, which rejects or
/// mis-pairs unquoted values holding characters outside `[A-Za-z0-9_/.+-():]`
/// (`$`, `@`, `,`-less spaces, `#` which it takes for a comment). warden is
/// lenient instead: items are separated by commas or newlines outside
/// quotes, whitespace around items and keys is ignored, quotes (single or
/// double) group and are removed, everything else is literal. So every
/// environment supervisord accepts means the same here, and values like
/// `PATH=/usr/bin:$PATH` or `URL=redis://h:6379/0` work as written.
parsed<std::vector<std::pair<std::string, std::string>>> parse_environment(std::string_view text);

/// `a, b ,c` -> {a, b, c}; empty items are dropped.
std::vector<std::string> parse_name_list(std::string_view text);

/// `startsecs`, `notify`, `tcp:HOST:PORT` (`[::1]` for IPv6) or `exec:COMMAND`.
parsed<ready_check> parse_ready(std::string_view text, target_platform platform);

} // namespace warden::config
