// wardend's service-manager modes that only some platforms have. Windows
// (service_win.cpp): --service runs under the Service Control Manager,
// --install-service / --uninstall-service [--name N] register it. POSIX
// (service_posix.cpp) has none: systemd and containers run wardend as is.
#pragma once

#include <boost/program_options/options_description.hpp>

#include <functional>
#include <optional>
#include <string>

namespace warden::service_host {

struct options {
    bool run = false;        ///< --service
    bool install = false;    ///< --install-service
    bool uninstall = false;  ///< --uninstall-service
    std::string name;        ///< --name (default "warden")
};

/// Add this platform's service options to wardend's.
void add_options(boost::program_options::options_description& desc, options& o);

/// Runs the daemon with `config`; `default_logfile` is where the log goes
/// when the config names no logfile (empty: stderr). Returns the exit code.
using run_daemon_fn = std::function<int(std::string const& config, std::string const& default_logfile)>;

/// When `o` asks for a service action, do it and return wardend's exit
/// code; otherwise nullopt (run in the foreground as usual).
std::optional<int> run_action(options const& o, std::string const& config, run_daemon_fn const& run_daemon);

} // namespace warden::service_host
