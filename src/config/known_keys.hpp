// Which keys each section knows, and what warden does with the ones it
// knows but does not act on. One table, so the unknown-key warning, the
// "did you mean" suggestion and the validators never disagree.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace warden::config {

/// What warden does with a key supervisord (or warden) defines.
enum class key_support {
    used,        ///< converted into the typed config
    unsupported, ///< supervisord feature warden lacks: warning, value ignored
    inert,       ///< [supervisord] key warden accepts but does not act on: warning
};

/// One key a section knows.
struct known_key {
    std::string_view name;
    key_support support;
    std::string_view why; ///< for unsupported/inert: the warning's explanation
};

/// Keys of `[program:x]` (supervisord's and warden's own).
std::vector<known_key> const& program_keys();
/// Keys of `[warden]` / `[supervisord]`.
std::vector<known_key> const& daemon_keys();
/// Keys of `[group:x]`.
std::vector<known_key> const& group_keys();

/// The entry for `key` in `keys`, or nullptr.
known_key const* find_key(std::vector<known_key> const& keys, std::string_view key);

/// Optimal-string-alignment distance (a transposition costs 1).
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word`, if it is close enough to be a typo.
std::optional<std::string> closest(std::string_view word, std::vector<std::string_view> const& candidates);

} // namespace warden::config
