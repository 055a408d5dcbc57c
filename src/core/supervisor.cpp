#include "core/supervisor.hpp"

#include <algorithm>
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

supervisor::supervisor(std::vector<config::process_spec> specs)
    : specs_(std::move(specs)), records_(specs_.size()), members_(specs_.size())
{
}

std::vector<std::size_t> supervisor::start_order() const
{
    std::vector<std::size_t> order(specs_.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) {
        return start_order_key(specs_[a]) < start_order_key(specs_[b]);
    });
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
        out.push_back(release{index});
        return;
    }
    if (!m.replacement)
        return;
    specs_[index] = std::move(*m.replacement);
    m.replacement.reset();
    out.push_back(reconfigure{index});
    if (specs_[index].autostart && !shutting_down_)
        dispatch(index, start_requested{}, now, out);
}

std::vector<action> supervisor::add(config::process_spec spec, time_point now)
{
    specs_.push_back(std::move(spec));
    records_.emplace_back();
    members_.emplace_back();
    std::vector<action> out;
    if (specs_.back().autostart && !shutting_down_)
        dispatch(specs_.size() - 1, start_requested{}, now, out);
    return out;
}

std::vector<action> supervisor::remove(std::size_t index, time_point now)
{
    std::vector<action> out;
    members_.at(index).retiring = true;
    members_[index].replacement.reset();
    dispatch(index, stop_requested{}, now, out);
    return out;
}

std::vector<action> supervisor::replace(std::size_t index, config::process_spec spec, time_point now)
{
    std::vector<action> out;
    members_.at(index).replacement = std::move(spec);
    dispatch(index, stop_requested{}, now, out);
    return out;
}

std::vector<config::process_spec> supervisor::active_specs() const
{
    std::vector<config::process_spec> out;
    for (std::size_t i = 0; i < specs_.size(); ++i)
        if (active(i))
            out.push_back(specs_[i]);
    return out;
}

std::vector<action> supervisor::start(time_point now)
{
    std::vector<action> out;
    if (shutting_down_)
        return out;
    for (std::size_t i : start_order())
        if (specs_[i].autostart && !members_[i].retired)
            dispatch(i, start_requested{}, now, out);
    return out;
}

std::vector<action> supervisor::handle(std::size_t index, process_event const& event, time_point now)
{
    std::vector<action> out;
    dispatch(index, event, now, out);
    if (shutting_down_)
        advance_shutdown(now, out);
    return out;
}

std::vector<action> supervisor::request_shutdown(time_point now)
{
    std::vector<action> out;
    if (!shutting_down_) {
        shutting_down_ = true;
        // Processes waiting to retry have nothing to stop: settle them now so
        // their timers cannot start anything during the shutdown.
        for (std::size_t i = 0; i < records_.size(); ++i)
            if (records_[i].state == process_state::backoff)
                dispatch(i, stop_requested{}, now, out);
    } else {
        for (std::size_t i = 0; i < records_.size(); ++i)
            if (has_process(records_[i].state))
                dispatch(i, kill_requested{}, now, out);
    }
    advance_shutdown(now, out);
    return out;
}

// The tier being stopped is the highest order key that still has a process;
// lower tiers keep running until it is down (SPEC §4: reverse start order).
void supervisor::advance_shutdown(time_point now, std::vector<action>& out)
{
    if (shutdown_finished_)
        return;
    std::optional<order_key> tier;
    for (std::size_t i = 0; i < records_.size(); ++i)
        if (has_process(records_[i].state))
            tier = std::max(tier.value_or(start_order_key(specs_[i])), start_order_key(specs_[i]));
    if (!tier) {
        shutdown_finished_ = true;
        out.push_back(finish_shutdown{});
        return;
    }
    for (std::size_t i = 0; i < records_.size(); ++i) {
        auto s = records_[i].state;
        if (start_order_key(specs_[i]) == *tier && (s == process_state::starting || s == process_state::running))
            dispatch(i, stop_requested{}, now, out);
    }
}

} // namespace warden::core
