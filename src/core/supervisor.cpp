#include "core/supervisor.hpp"

#include <algorithm>
#include <map>
#include <numeric>

namespace warden::core {

order_key start_order_key(config::process_spec const& spec)
{
    return {spec.group_priority, spec.priority};
}

bool has_process(process_state s)
{
    return s == process_state::starting || s == process_state::running || s == process_state::stopping;
}

namespace {

// Down, and nothing will start it again unless someone asks.
bool at_rest(process_state s)
{
    return s == process_state::stopped || s == process_state::exited || s == process_state::fatal;
}

} // namespace

supervisor::supervisor(std::vector<config::process_spec> specs)
    : specs_(std::move(specs)), records_(specs_.size()), members_(specs_.size()), waiting_(specs_.size(), 0)
{
    rebuild_graph();
}

// Dependencies and effective keys are derived from the specs; a reload that
// adds, removes or swaps a spec recomputes them. Config validation guarantees
// no cycle; the depth bound only keeps a bug from recursing forever.
void supervisor::rebuild_graph()
{
    std::map<std::string, std::vector<std::size_t>, std::less<>> by_program;
    for (std::size_t j = 0; j < specs_.size(); ++j)
        if (active(j))
            by_program[specs_[j].program].push_back(j);
    deps_.assign(specs_.size(), {});
    for (std::size_t i = 0; i < specs_.size(); ++i) {
        if (!active(i))
            continue;
        for (auto const& program : specs_[i].depends_on)
            if (auto found = by_program.find(program); found != by_program.end())
                for (std::size_t j : found->second)
                    if (j != i)
                        deps_[i].push_back(j);
    }
    keys_.assign(specs_.size(), {});
    std::vector<char> done(specs_.size(), 0);
    auto key_of = [&](auto& self, std::size_t i, std::size_t depth) -> order_key {
        if (done[i] || depth > specs_.size())
            return keys_[i];
        order_key key = start_order_key(specs_[i]);
        for (std::size_t d : deps_[i]) {
            auto const dep = self(self, d, depth + 1);
            key = std::max(key, order_key{dep.first, dep.second + 1});
        }
        keys_[i] = key;
        done[i] = 1;
        return key;
    };
    for (std::size_t i = 0; i < specs_.size(); ++i)
        key_of(key_of, i, 0);
}

std::vector<std::size_t> supervisor::start_order() const
{
    std::vector<std::size_t> order(specs_.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) { return keys_[a] < keys_[b]; });
    return order;
}

std::optional<std::size_t> supervisor::find(std::string_view name) const
{
    for (std::size_t i = 0; i < specs_.size(); ++i)
        if (specs_[i].name == name && active(i))
            return i;
    return std::nullopt;
}

void supervisor::dispatch(std::size_t index, process_event const& event, time_point now,
                          std::vector<action>& out)
{
    transition_context ctx{index, specs_.at(index), records_.at(index), now, shutting_down_, out};
    transition(ctx, event);
    settle(index, now, out);
    after_transition(index, now, out);
}

// Once a process that a reload removed or replaced has no OS process left,
// finish what the reload asked for.
void supervisor::settle(std::size_t index, time_point now, std::vector<action>& out)
{
    auto& m = members_[index];
    if (has_process(records_[index].state) || m.retired)
        return;
    if (m.retiring) {
        m.retiring = false;
        m.retired = true;
        waiting_[index] = 0;
        rebuild_graph();
        out.push_back(release{index});
        start_unblocked(now, out);
        return;
    }
    if (!m.replacement)
        return;
    specs_[index] = std::move(*m.replacement);
    m.replacement.reset();
    rebuild_graph();
    out.push_back(reconfigure{index});
    if (specs_[index].autostart && !shutting_down_)
        request_start(index, now, out);
}

// What one process's new state means for the others: dependents that were
// waiting for it may start; an essential process that is gone ends it all.
void supervisor::after_transition(std::size_t index, time_point now, std::vector<action>& out)
{
    if (records_[index].state == process_state::running)
        start_unblocked(now, out);
    check_essential(index, now, out);
}

bool supervisor::dependencies_running(std::size_t index) const
{
    return std::all_of(deps_[index].begin(), deps_[index].end(),
                       [this](std::size_t d) { return records_[d].state == process_state::running; });
}

// Start `index` once its dependencies run; start those that are down first.
void supervisor::request_start(std::size_t index, time_point now, std::vector<action>& out, std::size_t depth)
{
    if (shutting_down_ || !active(index) || depth > specs_.size())
        return;
    if (!at_rest(records_[index].state)) {
        dispatch(index, start_requested{}, now, out); // the table says what a start means here
        return;
    }
    for (std::size_t d : deps_[index])
        if (at_rest(records_[d].state))
            request_start(d, now, out, depth + 1);
    if (dependencies_running(index)) {
        waiting_[index] = 0;
        dispatch(index, start_requested{}, now, out);
        return;
    }
    if (!waiting_[index]) {
        waiting_[index] = 1;
        out.push_back(report_waiting{index, waiting_for(index)});
    }
}

void supervisor::start_unblocked(time_point now, std::vector<action>& out)
{
    for (std::size_t i = 0; i < waiting_.size(); ++i)
        if (waiting_[i] && dependencies_running(i)) {
            waiting_[i] = 0;
            dispatch(i, start_requested{}, now, out);
        }
}

void supervisor::check_essential(std::size_t index, time_point now, std::vector<action>& out)
{
    auto const s = records_[index].state;
    if (!specs_[index].essential || shutting_down_ || !active(index))
        return;
    if (s != process_state::fatal && s != process_state::exited)
        return; // EXITED here means no restart follows: a restart leaves it STARTING
    out.push_back(fail_daemon{index, s == process_state::fatal ? "went FATAL" : "exited and will not be restarted"});
    begin_shutdown(now, out);
}

std::string supervisor::waiting_for(std::size_t index) const
{
    std::string out;
    if (!waiting_.at(index))
        return out;
    for (std::size_t d : deps_[index]) {
        if (records_[d].state == process_state::running)
            continue;
        if (!out.empty())
            out += ", ";
        out += specs_[d].name + " (" + std::string(to_string(records_[d].state)) + ")";
    }
    return out;
}

bool supervisor::blocked(std::size_t index, std::size_t depth) const
{
    if (!waiting_[index] || depth > specs_.size())
        return false;
    return std::any_of(deps_[index].begin(), deps_[index].end(), [&](std::size_t d) {
        auto const s = records_[d].state;
        return s == process_state::fatal || (at_rest(s) && !waiting_[d]) || blocked(d, depth + 1);
    });
}

bool supervisor::start_blocked(std::size_t index) const { return blocked(index, 0); }

bool supervisor::startup_settled() const
{
    for (std::size_t i = 0; i < records_.size(); ++i) {
        auto const s = records_[i].state;
        if (active(i) && (s == process_state::starting || s == process_state::backoff))
            return false;
    }
    return true;
}

duration supervisor::shutdown_budget() const
{
    std::map<order_key, duration> tiers;
    for (std::size_t i = 0; i < records_.size(); ++i)
        if (has_process(records_[i].state)) {
            auto& longest = tiers[keys_[i]];
            longest = std::max<duration>(longest, specs_[i].stopwaitsecs);
        }
    duration total{};
    for (auto const& [key, longest] : tiers)
        total += longest;
    return total;
}

std::vector<action> supervisor::add(config::process_spec spec, time_point now, bool start)
{
    specs_.push_back(std::move(spec));
    records_.emplace_back();
    members_.emplace_back();
    waiting_.push_back(0);
    rebuild_graph();
    std::vector<action> out;
    if (start && specs_.back().autostart && !shutting_down_)
        request_start(specs_.size() - 1, now, out);
    return out;
}

std::vector<action> supervisor::remove(std::size_t index, time_point now)
{
    std::vector<action> out;
    members_.at(index).retiring = true;
    members_[index].replacement.reset();
    waiting_[index] = 0;
    dispatch(index, stop_requested{}, now, out);
    return out;
}

std::vector<action> supervisor::replace(std::size_t index, config::process_spec spec, time_point now)
{
    std::vector<action> out;
    members_.at(index).replacement = std::move(spec);
    waiting_[index] = 0;
    dispatch(index, stop_requested{}, now, out);
    return out;
}

std::vector<config::process_spec> supervisor::active_specs() const
{
    std::vector<config::process_spec> out;
    // A replacement still waiting for its process to stop is already the
    // configuration: a second reload must not see it as a change again.
    for (std::size_t i = 0; i < specs_.size(); ++i)
        if (active(i))
            out.push_back(members_[i].replacement ? *members_[i].replacement : specs_[i]);
    return out;
}

std::vector<action> supervisor::start(time_point now)
{
    std::vector<action> out;
    for (std::size_t i : start_order())
        if (specs_[i].autostart)
            request_start(i, now, out);
    return out;
}

std::vector<action> supervisor::handle(std::size_t index, process_event const& event, time_point now)
{
    std::vector<action> out;
    if (std::holds_alternative<start_requested>(event)) {
        request_start(index, now, out);
    } else {
        if (std::holds_alternative<stop_requested>(event) || std::holds_alternative<kill_requested>(event))
            waiting_.at(index) = 0; // a stop cancels a start still waiting for dependencies
        dispatch(index, event, now, out);
    }
    if (shutting_down_)
        advance_shutdown(now, out);
    return out;
}

// The first shutdown request (or a lost essential process): no more starts,
// no more retries, then the tiers in reverse order.
void supervisor::begin_shutdown(time_point now, std::vector<action>& out)
{
    shutting_down_ = true;
    std::fill(waiting_.begin(), waiting_.end(), 0);
    // Processes waiting to retry have nothing to stop: settle them now so
    // their timers cannot start anything during the shutdown.
    for (std::size_t i = 0; i < records_.size(); ++i)
        if (records_[i].state == process_state::backoff)
            dispatch(i, stop_requested{}, now, out);
    advance_shutdown(now, out);
}

std::vector<action> supervisor::request_shutdown(time_point now)
{
    std::vector<action> out;
    if (!shutting_down_) {
        begin_shutdown(now, out);
        return out;
    }
    for (std::size_t i = 0; i < records_.size(); ++i)
        if (has_process(records_[i].state))
            dispatch(i, kill_requested{}, now, out);
    advance_shutdown(now, out);
    return out;
}

// The tier being stopped is the highest effective key that still has a
// process; lower tiers keep running until it is down (SPEC §4: reverse start
// order, dependents before their dependencies).
void supervisor::advance_shutdown(time_point now, std::vector<action>& out)
{
    if (shutdown_finished_)
        return;
    std::optional<order_key> tier;
    for (std::size_t i = 0; i < records_.size(); ++i)
        if (has_process(records_[i].state))
            tier = std::max(tier.value_or(keys_[i]), keys_[i]);
    if (!tier) {
        shutdown_finished_ = true;
        out.push_back(finish_shutdown{});
        return;
    }
    for (std::size_t i = 0; i < records_.size(); ++i) {
        auto s = records_[i].state;
        if (keys_[i] == *tier && (s == process_state::starting || s == process_state::running))
            dispatch(i, stop_requested{}, now, out);
    }
}

} // namespace warden::core
