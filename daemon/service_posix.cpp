// POSIX has no service-host mode: systemd (Type=notify) and container
// runtimes run wardend in the foreground as it is.
#include "service.hpp"

namespace warden::service_host {

void add_options(boost::program_options::options_description&, options&) {}

std::optional<int> run_action(options const&, std::string const&, run_daemon_fn const&) { return std::nullopt; }

} // namespace warden::service_host
