// Shell-style wildcards for `[include] files`, as Python's glob/fnmatch
// (which supervisord uses) understand them: `*`, `?`, `[abc]`, `[a-z]`,
// `[!abc]`, matched one path component at a time.
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

namespace warden::config {

/// True if `pattern` holds a `*`, `?` or `[` (Python's glob.has_magic).
bool has_wildcards(std::string_view pattern);

/// fnmatch for one path component. An unclosed `[` matches itself.
bool wildcard_match(std::string_view pattern, std::string_view name, bool ignore_case);

/// Every existing path matching `pattern` (wildcards allowed in any
/// component), sorted. As in Python, `*` and `?` do not match a leading dot
/// unless the pattern component starts with one. Unreadable directories
/// simply match nothing.
std::vector<std::filesystem::path> glob(std::filesystem::path const& pattern, bool ignore_case);

} // namespace warden::config
