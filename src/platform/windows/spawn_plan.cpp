#include "platform/windows/spawn_plan.hpp"

#include <algorithm>
#include <cwctype>
#include <map>

namespace warden::platform::windows {

namespace {

std::wstring upper(std::wstring s)
{
    for (auto& c : s)
        c = static_cast<wchar_t>(std::towupper(static_cast<wint_t>(c)));
    return s;
}

bool has_directory_part(std::wstring const& p)
{
    return p.find_first_of(L"\\/:") != std::wstring::npos;
}

bool has_extension(std::wstring const& p)
{
    auto const slash = p.find_last_of(L"\\/:");
    auto const dot = p.find_last_of(L'.');
    return dot != std::wstring::npos && (slash == std::wstring::npos || dot > slash);
}

bool is_absolute(std::wstring const& p)
{
    return (p.size() >= 2 && p[1] == L':') || (!p.empty() && (p[0] == L'\\' || p[0] == L'/'));
}

std::wstring join(std::wstring dir, std::wstring const& name)
{
    if (dir.empty())
        return name;
    if (dir.back() != L'\\' && dir.back() != L'/')
        dir += L'\\';
    return dir + name;
}

} // namespace

std::wstring quote_command_line(std::vector<std::wstring> const& argv)
{
    std::wstring line;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        auto const& arg = argv[i];
        if (i > 0)
            line += L' ';
        if (!arg.empty() && arg.find_first_of(L" \t\n\v\"") == std::wstring::npos) {
            line += arg;
            continue;
        }
        line += L'"';
        std::size_t backslashes = 0;
        for (wchar_t c : arg) {
            if (c == L'\\') {
                ++backslashes;
                continue;
            }
            if (c == L'"')
                line.append(backslashes * 2 + 1, L'\\');
            else
                line.append(backslashes, L'\\');
            backslashes = 0;
            line += c;
        }
        line.append(backslashes * 2, L'\\'); // before the closing quote
        line += L'"';
    }
    return line;
}

std::wstring environment_block(env_list const& base, env_list const& overrides)
{
    // Keyed by the upper-case name, keeping the spelling last given.
    std::map<std::wstring, std::pair<std::wstring, std::wstring>> merged;
    for (auto const& [name, value] : base)
        merged[upper(name)] = {name, value};
    for (auto const& [name, value] : overrides)
        merged[upper(name)] = {name, value};
    std::wstring block;
    for (auto const& [key, entry] : merged) {
        block += entry.first;
        block += L'=';
        block += entry.second;
        block += L'\0';
    }
    if (block.empty())
        block += L'\0';
    block += L'\0';
    return block;
}

std::optional<std::wstring> find_variable(env_list const& env, std::wstring const& name)
{
    std::optional<std::wstring> found;
    auto const key = upper(name);
    for (auto const& [n, v] : env)
        if (upper(n) == key)
            found = v;
    return found;
}

std::optional<std::wstring> find_program(std::wstring const& program, std::wstring const& directory,
                                         std::wstring const& path_value,
                                         std::vector<std::wstring> const& system_dirs,
                                         std::function<bool(std::wstring const&)> const& is_file)
{
    if (program.empty())
        return std::nullopt;
    auto const try_name = [&](std::wstring const& candidate) -> std::optional<std::wstring> {
        if (is_file(candidate))
            return candidate;
        if (!has_extension(candidate))
            for (wchar_t const* ext : {L".exe", L".com"})
                if (is_file(candidate + ext))
                    return candidate + ext;
        return std::nullopt;
    };
    if (has_directory_part(program))
        return try_name(is_absolute(program) ? program : join(directory, program));

    std::vector<std::wstring> dirs;
    std::size_t start = 0;
    while (start <= path_value.size()) {
        auto const end = std::min(path_value.find(L';', start), path_value.size());
        auto dir = path_value.substr(start, end - start);
        if (dir.size() >= 2 && dir.front() == L'"' && dir.back() == L'"')
            dir = dir.substr(1, dir.size() - 2);
        if (!dir.empty())
            dirs.push_back(dir);
        start = end + 1;
    }
    dirs.insert(dirs.end(), system_dirs.begin(), system_dirs.end());
    for (auto const& dir : dirs)
        if (auto found = try_name(join(dir, program)))
            return found;
    return std::nullopt;
}

} // namespace warden::platform::windows
