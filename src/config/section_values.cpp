#include "config/section_values.hpp"

#include "config/sources.hpp"

namespace warden::config {

section_values::section_values(ini_section const& section, ini_section const* defaults,
                               std::vector<diagnostic>& diags)
    : section_(section), defaults_(defaults), diags_(diags)
{
}

ini_entry const* section_values::entry(std::string_view key) const
{
    if (ini_entry const* e = section_.find(key))
        return e;
    return defaults_ ? defaults_->find(key) : nullptr;
}

std::optional<std::string> section_values::text(std::string_view key)
{
    ini_entry const* e = entry(key);
    if (!e)
        return std::nullopt;
    return expanded(*e);
}

std::optional<long long> section_values::integer(std::string_view key, long long min, long long max)
{
    auto const n = get(key, parse_integer);
    if (!n)
        return std::nullopt;
    if (*n < min || *n > max) {
        std::string const range = *n < min ? "at least " + std::to_string(min)
                                           : "at most " + std::to_string(max);
        error(*entry(key), std::string(key) + ": " + std::to_string(*n) + " must be " + range);
        return std::nullopt;
    }
    return n;
}

void section_values::report(severity level, source_location const& where, std::string message)
{
    diags_.push_back({level, where, std::move(message)});
}

std::optional<std::string> section_values::expanded(ini_entry const& e)
{
    // %(here)s is the directory of the file that holds this very key, which
    // differs from key to key once sections are merged across includes.
    auto here = here_by_file_.find(e.where.file);
    if (here == here_by_file_.end())
        here = here_by_file_.emplace(e.where.file, here_of(e.where.file)).first;
    names_.insert_or_assign("here", here->second);
    auto r = expand(e.value, names_);
    if (!r.ok()) {
        error(e, e.key + ": cannot expand '" + e.value + "': " + r.error);
        return std::nullopt;
    }
    return std::move(r.value);
}

void check_keys(ini_section const& section, std::vector<known_key> const& known,
                std::vector<diagnostic>& diags)
{
    std::vector<std::string_view> names;
    for (auto const& k : known)
        names.push_back(k.name);
    for (auto const& e : section.entries) {
        known_key const* k = find_key(known, e.key);
        if (!k) {
            auto const hint = closest(e.key, names);
            diags.push_back({severity::warning, e.where,
                             hint ? "unknown key '" + e.key + "', did you mean '" + *hint + "'?"
                                  : "unknown key '" + e.key + "' in " + bracketed(section) +
                                        ", ignored"});
        } else if (k->support != key_support::used) {
            diags.push_back({severity::warning, e.where, e.key + ": " + std::string(k->why)});
        }
    }
}

std::string bracketed(ini_section const& section)
{
    return "[" + section.name + "]";
}

} // namespace warden::config
