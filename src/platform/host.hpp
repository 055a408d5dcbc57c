// What the daemon's wiring needs to know about the OS it runs on, beyond
// process_host.hpp. One implementation per OS (posix/host.cpp, windows/host.cpp).
#pragma once

#include "config/load.hpp"

namespace warden::platform {

/// The config rules of this OS (command splitting, stopsignal names, `user=`).
config::target_platform config_platform();

} // namespace warden::platform
