// Socket path resolution shared by wardend and wardenctl.
#include "control/socket_path.hpp"

#include "config/load.hpp"

#include <cstdlib>
#include <string_view>
#include <unistd.h>

extern char** environ;

namespace warden::control {

std::string default_socket_path(unsigned euid, char const* xdg_runtime_dir)
{
    if (euid == 0)
        return "/run/warden/warden.sock";
    if (xdg_runtime_dir && *xdg_runtime_dir) {
        std::string dir = xdg_runtime_dir;
        while (dir.size() > 1 && dir.back() == '/')
            dir.pop_back();
        return dir + "/warden.sock";
    }
    return "/tmp/warden-" + std::to_string(euid) + "/warden.sock";
}

std::string default_socket_path()
{
    return default_socket_path(::geteuid(), std::getenv("XDG_RUNTIME_DIR"));
}

std::vector<std::string> default_config_files() { return {"warden.ini", "/etc/warden/warden.ini"}; }

config_socket socket_path_from_config(std::string const& file)
{
    // The same expansion inputs as wardend's, so `socket = %(ENV_X)s/...`
    // and `%(host_node_name)s` resolve the same way.
    config::load_options options;
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) == 0)
        options.host_node_name = host;
    for (char** e = environ; e && *e; ++e) {
        std::string_view const entry(*e);
        if (auto const eq = entry.find('='); eq != std::string_view::npos)
            options.environment.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
    }

    return socket_in_config(file, options);
}

} // namespace warden::control
