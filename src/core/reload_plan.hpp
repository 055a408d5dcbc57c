// What a reload changes (SPEC §1 `reload`): pure comparison of the running
// process specs with a freshly validated config.
#pragma once

#include "config/program_spec.hpp"

#include <string>
#include <vector>

namespace warden::core {

struct reload_plan {
    std::vector<std::string> added;     ///< in the new config only: start them (if autostart)
    std::vector<std::string> changed;   ///< any difference in the effective spec: restart them
    std::vector<std::string> removed;   ///< in the old config only: stop them
    std::vector<std::string> unchanged; ///< left alone: same pid, no blip
};

/// Compare by process name. Where a section sits in the file (`where`) is not
/// part of a process's behaviour and does not make it "changed".
reload_plan plan_reload(std::vector<config::process_spec> const& running,
                        std::vector<config::process_spec> const& wanted);

/// Whether two specs would run the same process the same way.
bool same_behaviour(config::process_spec const& a, config::process_spec const& b);

} // namespace warden::core
