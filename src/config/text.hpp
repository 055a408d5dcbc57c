// Small ASCII string helpers shared by the config reader and converters.
#pragma once

#include <string>
#include <string_view>

namespace warden::config {

/// Python's str.isspace() for the ASCII range: what configparser's strip()
/// and its "inline comment preceded by whitespace" test use.
bool is_space(char c);

/// Both ends stripped of is_space() characters.
std::string_view strip(std::string_view s);

/// ASCII case mapping (keys, booleans, signal names; never locale-dependent).
std::string lower(std::string_view s);
std::string upper(std::string_view s);

} // namespace warden::config
