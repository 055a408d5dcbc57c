// Reading typed values out of one section: look the key up (falling back to
// [DEFAULT], as configparser does), expand it, convert it, and report any
// problem at the key's own FILE:LINE. Shared by the section validators.
#pragma once

#include "config/convert.hpp"
#include "config/diagnostics.hpp"
#include "config/expand.hpp"
#include "config/ini_reader.hpp"
#include "config/known_keys.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace warden::config {

/// The typed view of one section, for its validator.
class section_values {
public:
    /// `defaults` is the [DEFAULT] section, if any.
    section_values(ini_section const& section, ini_section const* defaults,
                   std::vector<diagnostic>& diags);

    /// The names %(...)s may use from now on; `here` is added per key.
    void set_names(expansion_map names) { names_ = std::move(names); }

    /// The raw entry (own, else from [DEFAULT]), or nullptr.
    ini_entry const* entry(std::string_view key) const;

    /// The expanded value; nothing when absent or not expandable (reported).
    std::optional<std::string> text(std::string_view key);

    /// The expanded, converted value; nothing when absent or invalid (reported).
    /// `convert` is one of convert.hpp's parse_* functions (or a lambda).
    template <class Convert>
    auto get(std::string_view key, Convert convert)
        -> decltype(convert(std::string_view{}).value)
    {
        ini_entry const* e = entry(key);
        if (!e)
            return std::nullopt;
        auto const t = expanded(*e);
        if (!t)
            return std::nullopt;
        auto p = convert(std::string_view(*t));
        if (!p.value)
            error(*e, std::string(key) + ": " + p.error);
        return std::move(p.value);
    }

    /// An integer in [min, max]; nothing when absent or invalid (reported).
    std::optional<long long> integer(std::string_view key, long long min, long long max);

    /// Reports at the entry's FILE:LINE.
    void error(ini_entry const& e, std::string message) { report(severity::error, e.where, std::move(message)); }
    void warning(ini_entry const& e, std::string message) { report(severity::warning, e.where, std::move(message)); }
    void note(ini_entry const& e, std::string message) { report(severity::note, e.where, std::move(message)); }
    void report(severity level, source_location const& where, std::string message);

private:
    std::optional<std::string> expanded(ini_entry const& e);

    ini_section const& section_;
    ini_section const* defaults_;
    std::vector<diagnostic>& diags_;
    expansion_map names_;
    std::map<std::string, std::string> here_by_file_;
};

/// `unknown key 'x' in [s]` warnings (with a "did you mean") for every key
/// of `section` not in `known`; inert/unsupported keys get their own warning.
void check_keys(ini_section const& section, std::vector<known_key> const& known,
                std::vector<diagnostic>& diags);

/// "[program:x]" as written in messages.
std::string bracketed(ini_section const& section);

} // namespace warden::config
