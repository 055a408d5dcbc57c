#include "config/glob.hpp"

#include <algorithm>
#include <optional>
#include <system_error>

namespace warden::config {

namespace {

char fold(char c, bool ignore_case)
{
    if (ignore_case && c >= 'A' && c <= 'Z')
        return static_cast<char>(c - 'A' + 'a');
    return c;
}

// Matches the set starting at pattern[i] == '[' against c. Returns the index
// just past the closing ']', or nothing when the set is unclosed (then the
// '[' is an ordinary character, as in Python's fnmatch.translate).
std::optional<std::size_t> match_set(std::string_view pattern, std::size_t i, char c,
                                     bool ignore_case, bool& matched)
{
    std::size_t j = i + 1;
    bool negate = false;
    if (j < pattern.size() && pattern[j] == '!') {
        negate = true;
        ++j;
    }
    std::size_t const first = j;
    bool hit = false;
    char const fc = fold(c, ignore_case);
    while (j < pattern.size() && (pattern[j] != ']' || j == first)) {
        char lo = fold(pattern[j], ignore_case);
        char hi = lo;
        if (j + 2 < pattern.size() && pattern[j + 1] == '-' && pattern[j + 2] != ']') {
            hi = fold(pattern[j + 2], ignore_case);
            j += 2;
        }
        if (lo <= fc && fc <= hi)
            hit = true;
        ++j;
    }
    if (j >= pattern.size())
        return std::nullopt;
    matched = hit != negate;
    return j + 1;
}

bool match_from(std::string_view p, std::size_t pi, std::string_view n, std::size_t ni,
                bool ignore_case)
{
    while (pi < p.size()) {
        char const pc = p[pi];
        if (pc == '*') {
            while (pi < p.size() && p[pi] == '*')
                ++pi;
            if (pi == p.size())
                return true;
            for (std::size_t k = ni; k <= n.size(); ++k)
                if (match_from(p, pi, n, k, ignore_case))
                    return true;
            return false;
        }
        if (ni == n.size())
            return false;
        if (pc == '?') {
            ++pi;
            ++ni;
            continue;
        }
        if (pc == '[') {
            bool matched = false;
            if (auto next = match_set(p, pi, n[ni], ignore_case, matched)) {
                if (!matched)
                    return false;
                pi = *next;
                ++ni;
                continue;
            }
        }
        if (fold(pc, ignore_case) != fold(n[ni], ignore_case))
            return false;
        ++pi;
        ++ni;
    }
    return ni == n.size();
}

bool path_exists(std::filesystem::path const& p)
{
    std::error_code ec;
    return std::filesystem::exists(std::filesystem::symlink_status(p, ec));
}

} // namespace

bool has_wildcards(std::string_view pattern)
{
    return pattern.find_first_of("*?[") != std::string_view::npos;
}

bool wildcard_match(std::string_view pattern, std::string_view name, bool ignore_case)
{
    return match_from(pattern, 0, name, 0, ignore_case);
}

std::vector<std::filesystem::path> glob(std::filesystem::path const& pattern, bool ignore_case)
{
    namespace fs = std::filesystem;
    std::vector<fs::path> candidates{pattern.root_path()};
    for (fs::path const& component : pattern.relative_path()) {
        std::string const part = component.string();
        std::vector<fs::path> next;
        if (part.empty())
            continue;
        if (!has_wildcards(part)) {
            for (auto const& c : candidates)
                next.push_back(c / component);
        } else {
            bool const dot_ok = part.front() == '.';
            for (auto const& c : candidates) {
                std::error_code ec;
                fs::path const dir = c.empty() ? fs::path(".") : c;
                for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
                    std::string const name = it->path().filename().string();
                    if (name.front() == '.' && !dot_ok)
                        continue;
                    if (wildcard_match(part, name, ignore_case))
                        next.push_back(c / name);
                }
            }
        }
        candidates = std::move(next);
    }
    candidates.erase(std::remove_if(candidates.begin(), candidates.end(),
                                    [](fs::path const& p) { return !path_exists(p); }),
                     candidates.end());
    std::sort(candidates.begin(), candidates.end(),
              [](fs::path const& a, fs::path const& b) { return a.string() < b.string(); });
    return candidates;
}

} // namespace warden::config
