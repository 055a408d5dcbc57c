#include "core/reload_plan.hpp"

#include <algorithm>

namespace warden::core {

bool same_behaviour(config::process_spec const& a, config::process_spec const& b)
{
    auto b_here = b;
    b_here.where = a.where;
    return a == b_here;
}

reload_plan plan_reload(std::vector<config::process_spec> const& running,
                        std::vector<config::process_spec> const& wanted)
{
    auto find = [](std::vector<config::process_spec> const& specs, std::string const& name) {
        return std::find_if(specs.begin(), specs.end(), [&](auto const& s) { return s.name == name; });
    };
    reload_plan plan;
    for (auto const& old_spec : running) {
        auto it = find(wanted, old_spec.name);
        if (it == wanted.end())
            plan.removed.push_back(old_spec.name);
        else if (same_behaviour(old_spec, *it))
            plan.unchanged.push_back(old_spec.name);
        else
            plan.changed.push_back(old_spec.name);
    }
    for (auto const& new_spec : wanted)
        if (find(running, new_spec.name) == running.end())
            plan.added.push_back(new_spec.name);
    return plan;
}

} // namespace warden::core
