#include "config/paths.hpp"

namespace warden::config {

namespace {

bool is_separator(char c, target_platform platform)
{
    return c == '/' || (platform == target_platform::windows && c == '\\');
}

} // namespace

bool is_absolute_path(std::string_view path, target_platform platform)
{
    if (path.empty())
        return false;
    if (is_separator(path.front(), platform))
        return true;
    if (platform == target_platform::windows && path.size() >= 2 && path[1] == ':') {
        char const d = path[0];
        return (d >= 'A' && d <= 'Z') || (d >= 'a' && d <= 'z');
    }
    return false;
}

std::string join_path(std::string_view dir, std::string_view name, target_platform platform)
{
    if (is_absolute_path(name, platform) || dir.empty())
        return std::string(name);
    std::string out(dir);
    if (!is_separator(out.back(), platform))
        out += platform == target_platform::windows ? '\\' : '/';
    out += name;
    return out;
}

std::string resolve_path(std::string_view path, std::string_view base_dir, load_options const& options)
{
    std::string p(path);
    if (!p.empty() && p.front() == '~' && (p.size() == 1 || is_separator(p[1], options.platform))) {
        auto const home = options.environment.find(
            options.platform == target_platform::windows ? "USERPROFILE" : "HOME");
        if (home != options.environment.end() && !home->second.empty())
            p = home->second + p.substr(1);
    }
    return join_path(base_dir, p, options.platform);
}

} // namespace warden::config
