// Python %-style expansion of `%(name)s` in config values, as supervisord
// applies it (`value % expansions`): `%(x)s`, `%(process_num)02d`, `%%`.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <variant>

namespace warden::config {

/// What a name expands to: text, or a number (so `%(process_num)02d` works).
using expansion_value = std::variant<std::string, long long>;

/// Names available while expanding one value: here, program_name, ENV_X...
using expansion_map = std::map<std::string, expansion_value, std::less<>>;

/// The expanded text, or why it could not be expanded.
struct expand_result {
    std::string value;
    std::string error; ///< empty on success
    bool ok() const { return error.empty(); }
};

/// Expands every `%(name)[flags][width][.precision]conversion` and `%%` in
/// `text`. Conversions: s, d, i, u, o, x, X. A bare `%` or `%s` (no name) is
/// malformed, as in Python with a mapping. A `d` of a text value that reads
/// as an integer is accepted (Python would refuse it; being lenient costs
/// nothing and makes `%(ENV_N)d` work).
expand_result expand(std::string_view text, expansion_map const& names);

} // namespace warden::config
