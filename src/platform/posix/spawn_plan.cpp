#include "platform/posix/spawn_plan.hpp"

#include "platform/posix/passwd.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <unordered_map>

extern char** environ;

namespace warden::platform::posix {

namespace {

// systemd's protocol variables address the daemon, not its children; a child
// that needs NOTIFY_SOCKET (ready = notify) gets its own through `extra`.
bool daemon_only(std::string_view name)
{
    return name == "NOTIFY_SOCKET" || name == "WATCHDOG_PID" || name == "WATCHDOG_USEC";
}

std::string_view name_of(std::string_view entry)
{
    return entry.substr(0, entry.find('='));
}

std::optional<std::string> lookup(std::vector<std::string> const& environment, std::string_view name)
{
    for (auto const& entry : environment)
        if (name_of(entry) == name)
            return entry.substr(name.size() + 1);
    return std::nullopt;
}

bool is_executable_file(std::string const& path)
{
    struct stat st{};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// A path relative to the child's working directory, as seen from ours.
std::string as_seen_here(std::string const& path, std::string const& directory)
{
    if (path.empty() || path.front() == '/' || directory.empty())
        return path;
    return directory + "/" + path;
}

// execvp's fallback when the child has no PATH at all.
std::string default_path()
{
    std::size_t const size = ::confstr(_CS_PATH, nullptr, 0);
    if (size == 0)
        return "/bin:/usr/bin";
    std::string path(size, '\0');
    ::confstr(_CS_PATH, path.data(), size);
    path.resize(size - 1);
    return path;
}

std::string search_path(std::vector<std::string> const& environment)
{
    auto path = lookup(environment, "PATH");
    return path ? *path : default_path();
}

} // namespace

std::vector<std::string> overlay_environment(
    char const* const* base, std::vector<std::pair<std::string, std::string>> const& extra)
{
    std::vector<std::string> result;
    std::unordered_map<std::string, std::size_t> index;
    auto set = [&](std::string name, std::string entry) {
        auto [it, inserted] = index.emplace(std::move(name), result.size());
        if (inserted)
            result.push_back(std::move(entry));
        else
            result[it->second] = std::move(entry);
    };
    for (; base && *base; ++base) {
        std::string_view const entry = *base;
        if (entry.find('=') == std::string_view::npos || daemon_only(name_of(entry)))
            continue;
        set(std::string(name_of(entry)), std::string(entry));
    }
    for (auto const& [name, value] : extra)
        set(name, name + "=" + value);
    return result;
}

std::optional<std::string> find_in_path(std::string const& name,
                                        std::vector<std::string> const& environment,
                                        std::string const& directory)
{
    std::string const path = search_path(environment);

    std::size_t begin = 0;
    for (;;) {
        std::size_t const end = path.find(':', begin);
        std::string dir = path.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
        if (dir.empty())
            dir = "."; // an empty PATH entry means the working directory
        std::string candidate = dir + "/" + name;
        if (is_executable_file(as_seen_here(candidate, directory)))
            return candidate;
        if (end == std::string::npos)
            return std::nullopt;
        begin = end + 1;
    }
}

std::variant<spawn_plan, spawn_failure> make_spawn_plan(spawn_request const& request)
{
    if (request.argv.empty() || request.argv.front().empty())
        return spawn_failure{"cannot execute an empty command"};

    spawn_plan plan;
    plan.argv = request.argv;
    plan.directory = request.directory;
    if (request.umask)
        plan.umask = static_cast<mode_t>(*request.umask);

    std::vector<std::pair<std::string, std::string>> extra;
    if (!request.user.empty()) {
        auto const user = lookup_user(request.user);
        if (!user)
            return spawn_failure{"cannot run as user '" + request.user + "': no such user"};
        // A non-root daemon cannot switch users; running as the same user is no switch.
        if (user->uid != ::geteuid() || user->gid != ::getegid()) {
            auto groups = supplementary_groups(*user);
            if (groups.empty())
                groups.push_back(user->gid);
            plan.switch_to = identity{user->name, user->uid, user->gid, std::move(groups)};
        }
        extra = {{"HOME", user->home},
                 {"USER", user->name},
                 {"LOGNAME", user->name},
                 {"SHELL", user->shell.empty() ? "/bin/sh" : user->shell}};
    }
    // The program's own environment comes last, so it wins over the user's variables.
    extra.insert(extra.end(), request.environment.begin(), request.environment.end());
    plan.environment = overlay_environment(environ, extra);

    std::string const& program = request.argv.front();
    if (program.find('/') == std::string::npos) {
        auto found = find_in_path(program, plan.environment, plan.directory);
        if (!found)
            return spawn_failure{"cannot execute '" + program + "': " + std::strerror(ENOENT) +
                                 " (searched PATH=" + search_path(plan.environment) + ")"};
        plan.executable = std::move(*found);
    } else {
        // Only "does not exist" is decided here: permissions are the exec's to
        // judge, as the child's user, and a path relative to a directory that
        // may be missing is left to the child, which reports the chdir.
        struct stat st{};
        bool const checkable = program.front() == '/' || plan.directory.empty();
        if (checkable && ::stat(program.c_str(), &st) != 0 && (errno == ENOENT || errno == ENOTDIR))
            return spawn_failure{"cannot execute '" + program + "': " + std::strerror(errno)};
        plan.executable = program;
    }
    return plan;
}

} // namespace warden::platform::posix
