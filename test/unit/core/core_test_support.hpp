// Helpers shared by the core tests: specs, a fixed epoch, and a readable
// rendering of actions so that a failure shows what the core decided.
#pragma once

#include "core/supervisor.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace warden::core::test {

inline time_point t0() { return time_point{} + std::chrono::hours(1); }
inline time_point at(double seconds)
{
    return t0() + std::chrono::duration_cast<duration>(std::chrono::duration<double>(seconds));
}

inline config::process_spec make_spec(std::string name, int priority = 999, int group_priority = 999)
{
    config::process_spec s;
    s.name = name;
    s.process_name = name;
    s.program = name;
    s.group = name;
    s.command = {"/bin/true"};
    s.priority = priority;
    s.group_priority = group_priority;
    return s;
}

inline std::string signal_text(config::signal_id s)
{
    return s == config::signal_id::kill ? "KILL" : s == config::signal_id::term ? "TERM" : "other";
}

/// "report(RUNNING->STOPPING) signal(#0 TERM group) timer(#0 +10s)"
inline std::string describe(std::vector<action> const& actions)
{
    std::string out;
    for (auto const& a : actions) {
        if (!out.empty())
            out += ' ';
        if (auto const* r = std::get_if<report_state>(&a))
            out += "report(" + std::string(to_string(r->from)) + "->" + std::string(to_string(r->to)) + ")";
        else if (auto const* s = std::get_if<spawn>(&a))
            out += "spawn(#" + std::to_string(s->process) + ")";
        else if (auto const* g = std::get_if<send_signal>(&a))
            out += "signal(#" + std::to_string(g->process) + " " + signal_text(g->signal) +
                   (g->to_group ? " group" : " pid") + ")";
        else if (auto const* t = std::get_if<arm_timer>(&a))
            out += "timer(#" + std::to_string(t->process) + " +" +
                   std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(t->deadline - t0()).count()) +
                   "ms)";
        else if (std::holds_alternative<finish_shutdown>(a))
            out += "finish";
        else if (auto const* c = std::get_if<reconfigure>(&a))
            out += "reconfigure(#" + std::to_string(c->process) + ")";
        else if (auto const* rel = std::get_if<release>(&a))
            out += "release(#" + std::to_string(rel->process) + ")";
        else if (auto const* k = std::get_if<check_ready>(&a))
            out += "check_ready(#" + std::to_string(k->process) + ")";
        else if (auto const* w = std::get_if<report_waiting>(&a))
            out += "waiting(#" + std::to_string(w->process) + " on " + w->on + ")";
        else if (auto const* f = std::get_if<fail_daemon>(&a))
            out += "fail(#" + std::to_string(f->process) + " " + f->reason + ")";
    }
    return out;
}

template <class T>
std::vector<T> only(std::vector<action> const& actions)
{
    std::vector<T> out;
    for (auto const& a : actions)
        if (auto const* x = std::get_if<T>(&a))
            out.push_back(*x);
    return out;
}

} // namespace warden::core::test

namespace warden::core {
// Boost.Test prints values of failed comparisons.
inline std::ostream& operator<<(std::ostream& os, process_state s) { return os << to_string(s); }
} // namespace warden::core
