// The part of socket_path_from_config that does not depend on the OS: what
// the loaded [warden] section says. The OS files gather the load options.
#include "control/socket_path.hpp"

namespace warden::control {

config_socket socket_in_config(std::string const& file, config::load_options const& options)
{
    // Only [warden]: a client should not pay for validating every program
    // (about 50 ms for 1000 of them) to learn one path.
    auto result = config::load_daemon_file(file, options);
    config_socket out;
    if (!result.cfg) {
        for (auto& d : result.diagnostics)
            if (d.level == config::severity::error)
                out.errors.push_back(std::move(d));
        return out;
    }
    out.path = result.cfg->daemon.socket.empty() ? default_socket_path() : result.cfg->daemon.socket;
    return out;
}

} // namespace warden::control
