// Who are our children right now? Read from /proc, for the final sweep.
#pragma once

#include <sys/types.h>

#include <vector>

namespace warden::platform::posix {

/// Every process whose parent is `parent`, from /proc/<pid>/stat. Zombies
/// included; processes that vanish during the scan are skipped.
std::vector<pid_t> children_of(pid_t parent);

} // namespace warden::platform::posix
