#include "platform/process_host.hpp"

#include <unistd.h>

extern char** environ;

namespace warden::platform {

core::pid_type current_pid() { return ::getpid(); }

std::map<std::string, std::string> environment_variables()
{
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string_view entry(*e);
        auto eq = entry.find('=');
        if (eq != std::string_view::npos)
            env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
    }
    return env;
}

} // namespace warden::platform
