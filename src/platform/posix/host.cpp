#include "platform/host.hpp"

namespace warden::platform {

config::target_platform config_platform() { return config::target_platform::posix; }

} // namespace warden::platform
