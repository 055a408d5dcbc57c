#include "runtime/operations.hpp"

#include "runtime/logging.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <filesystem>
#include <list>
#include <map>
#include <set>

namespace warden::runtime {

namespace asio = boost::asio;
using core::process_state;

namespace {

std::string two_digits(long long v) { return (v < 10 ? "0" : "") + std::to_string(v); }

bool is_down(process_state s)
{
    return s == process_state::stopped || s == process_state::exited || s == process_state::fatal;
}

using result = change_outcome::result;

// One start/stop/restart request in flight: every target is watched until it
// reaches its goal or fails, then `done` hears how each ended.
class state_operation : public std::enable_shared_from_this<state_operation> {
public:
    using kind = change_request::kind;

    state_operation(asio::io_context& io, driver& d, change_request req, operations::change_done done)
        : io_(io), driver_(d), kind_(req.what), fail_on_backoff_(req.fail_on_backoff), wait_(req.wait),
          done_(std::move(done))
    {
        for (auto i : req.targets)
            items_.push_back(target{i, kind_ == kind::start ? phase::starting : phase::stopping, {}});
    }

    void begin()
    {
        // Listen first: a start with startsecs = 0 reaches RUNNING inside start_process().
        driver_.listen_states([self = shared_from_this()](core::report_state const& r) { return self->on_state(r); });
        for (auto& item : items_)
            act(item);
        if (!wait_)
            for (auto& item : items_)
                if (item.step != phase::done)
                    settle(item, result::done, kind_ == kind::stop ? "stopping" : "starting");
        // Never from inside the caller's own call: it may still be setting up.
        asio::post(io_, [self = shared_from_this()] { self->finish_if_done(); });
    }

private:
    enum class phase { stopping, starting, done };
    struct target {
        std::size_t index;
        phase step;
        change_outcome outcome;
    };

    core::process_record const& record(target const& it) const { return driver_.supervisor().record(it.index); }

    void settle(target& it, result how, std::string message)
    {
        it.step = phase::done;
        it.outcome = change_outcome{it.index, how, std::move(message)};
    }

    // Take the next step for one target, from the state it is in now.
    void act(target& it)
    {
        auto const s = record(it).state;
        if (it.step == phase::stopping) {
            if (is_down(s)) {
                if (kind_ == kind::stop)
                    return settle(it, result::already, s == process_state::stopped ? "stopped" : "not running");
                it.step = phase::starting;
                return act(it);
            }
            // Reaching STOPPED (at once from BACKOFF) is handled by on_state.
            if (s != process_state::stopping)
                driver_.stop_process(it.index);
            return;
        }
        if (it.step == phase::starting) {
            if (s == process_state::running)
                return settle(it, kind_ == kind::start ? result::already : result::done,
                              kind_ == kind::start ? "already running" : "started");
            if (is_down(s))
                driver_.start_process(it.index);
            auto const& r = record(it);
            if (it.step != phase::starting)
                return; // settled by a state notification inside start_process()
            if (r.state == process_state::running)
                settle(it, result::done, "started");
            else if (driver_.supervisor().start_blocked(it.index))
                settle(it, result::blocked, "waiting for " + driver_.supervisor().waiting_for(it.index));
        }
    }

    bool on_state(core::report_state const& r)
    {
        settle_blocked();
        for (auto& it : items_) {
            if (it.index != r.process || it.step == phase::done)
                continue;
            if (it.step == phase::stopping && is_down(r.to)) {
                if (kind_ == kind::stop) {
                    settle(it, result::done, "stopped");
                } else {
                    // Starting again from inside a state notification would
                    // re-enter the driver: do it as the next step instead.
                    it.step = phase::starting;
                    asio::post(io_, [self = shared_from_this(), &it] {
                        self->act(it);
                        self->finish_if_done();
                    });
                }
            } else if (it.step == phase::starting) {
                if (r.to == process_state::running)
                    settle(it, result::done, "started");
                else if (fail_on_backoff_ && r.from == process_state::starting
                         && (r.to == process_state::backoff || r.to == process_state::fatal))
                    settle(it, r.reason.starts_with("spawn failed") ? result::spawn_failed : result::exited_early,
                           r.reason);
                else if (r.to == process_state::fatal || r.to == process_state::stopped
                         || r.to == process_state::exited)
                    settle(it, result::failed, std::string(core::to_string(r.to)) + ": " + r.reason);
            }
        }
        return !finish_if_done();
    }

    // A start waiting on a dependency that went FATAL (or was stopped) will
    // not finish by itself: say so instead of waiting for ever.
    void settle_blocked()
    {
        auto const& sup = driver_.supervisor();
        for (auto& it : items_)
            if (it.step == phase::starting && sup.start_blocked(it.index))
                settle(it, result::blocked, "waiting for " + sup.waiting_for(it.index));
    }

    // Returns true once every target is settled (and `done` was called).
    bool finish_if_done()
    {
        if (replied_)
            return true;
        if (std::any_of(items_.begin(), items_.end(), [](target const& it) { return it.step != phase::done; }))
            return false;
        replied_ = true;
        std::vector<change_outcome> out;
        for (auto const& it : items_)
            out.push_back(it.outcome);
        done_(std::move(out));
        return true;
    }

    asio::io_context& io_;
    driver& driver_;
    kind kind_;
    bool fail_on_backoff_;
    bool wait_;
    operations::change_done done_;
    std::list<target> items_; // stable addresses: posted steps refer to their target
    bool replied_ = false;
};

// Daemon log lines for /mainlogtail: the logging sink calls the observer on
// whatever thread logged, so each line is posted to the io_context first.
struct main_log_followers {
    std::list<std::function<bool(std::string_view)>> listeners;
    bool observing = false;
};

main_log_followers& followers()
{
    static main_log_followers f;
    return f;
}

} // namespace

std::string clock_text(core::duration d)
{
    auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
    if (s < 0)
        s = 0;
    return std::to_string(s / 3600) + ":" + two_digits(s / 60 % 60) + ":" + two_digits(s % 60);
}

std::string describe(core::process_record const& record, std::string const& last_reason, core::time_point now,
                     std::string const& waiting_for, std::string const& notify_status)
{
    auto const status = notify_status.empty() ? std::string{} : ", " + notify_status;
    switch (record.state) {
    case process_state::running:
        return "pid " + std::to_string(record.pid) + ", uptime " + clock_text(now - record.started_at) + status;
    case process_state::starting:
        return (record.pid ? "pid " + std::to_string(record.pid) : std::string("starting")) + status;
    case process_state::stopping:
        return "pid " + std::to_string(record.pid) + ", stopping";
    default:
        return waiting_for.empty() ? last_reason : "waiting for " + waiting_for;
    }
}

operations::operations(asio::io_context& io, driver& d, std::string version)
    : io_(io), driver_(d), version_(std::move(version))
{
}

// --- names ------------------------------------------------------------------------

std::vector<std::size_t> operations::all_processes() const
{
    std::vector<std::size_t> out;
    for (auto i : driver_.supervisor().start_order())
        if (driver_.supervisor().active(i))
            out.push_back(i);
    return out;
}

std::vector<std::size_t> operations::lexical_processes() const
{
    auto const& sup = driver_.supervisor();
    auto out = all_processes();
    std::sort(out.begin(), out.end(), [&](std::size_t a, std::size_t b) {
        auto const& x = sup.spec(a);
        auto const& y = sup.spec(b);
        return std::tie(x.group, x.process_name) < std::tie(y.group, y.process_name);
    });
    return out;
}

std::vector<std::size_t> operations::group_members(std::string const& group) const
{
    std::vector<std::size_t> out;
    for (auto i : all_processes())
        if (driver_.supervisor().spec(i).group == group)
            out.push_back(i);
    return out;
}

std::optional<std::size_t> operations::find_process(std::string const& namespec) const
{
    auto const& sup = driver_.supervisor();
    if (auto i = sup.find(namespec))
        return i;
    auto const colon = namespec.find(':');
    if (colon == std::string::npos)
        return std::nullopt;
    auto const group = namespec.substr(0, colon);
    auto const name = namespec.substr(colon + 1);
    for (auto i : all_processes())
        if (sup.spec(i).group == group && sup.spec(i).process_name == name)
            return i;
    return std::nullopt;
}

std::variant<std::vector<std::size_t>, std::string> operations::resolve(std::vector<std::string> const& names,
                                                                        bool allow_all) const
{
    std::vector<std::size_t> out;
    auto add = [&](std::size_t i) {
        if (std::find(out.begin(), out.end(), i) == out.end())
            out.push_back(i);
    };
    for (auto const& name : names) {
        if (allow_all && name == "all") {
            for (auto i : all_processes())
                add(i);
            continue;
        }
        if (auto i = find_process(name)) {
            add(*i);
            continue;
        }
        bool const group = name.size() > 1 && (name.ends_with(":*") || name.ends_with(":"));
        auto const members = group ? group_members(name.substr(0, name.rfind(':'))) : std::vector<std::size_t>{};
        if (members.empty())
            return name;
        for (auto i : members)
            add(i);
    }
    return out;
}

// --- state changes ------------------------------------------------------------------

void operations::change_state(change_request request, change_done done)
{
    std::make_shared<state_operation>(io_, driver_, std::move(request), std::move(done))->begin();
}

std::string operations::signal(std::size_t index, config::signal_id sig) { return driver_.signal_process(index, sig); }

// --- logs ---------------------------------------------------------------------------

std::string operations::log_file(std::size_t index, platform::output_stream stream) const
{
    auto const& spec = driver_.supervisor().spec(index);
    if (stream == platform::output_stream::err && spec.redirect_stderr)
        return {};
    auto const& target = stream == platform::output_stream::err ? spec.stderr_log : spec.stdout_log;
    return target.kind == config::log_target_kind::none ? std::string{} : target.path;
}

std::string operations::main_log_file() const { return driver_.daemon_settings().logfile; }

namespace {

std::string truncate_regular(std::string const& path)
{
    std::error_code ec;
    auto const st = std::filesystem::symlink_status(path, ec);
    if (ec || !std::filesystem::exists(st))
        return {};
    if (!std::filesystem::is_regular_file(st))
        return path + " is not a regular file; not truncated";
    std::filesystem::resize_file(path, 0, ec);
    return ec ? "cannot truncate " + path + ": " + ec.message() : std::string();
}

} // namespace

std::string operations::clear_logs(std::size_t index)
{
    std::string error;
    for (auto stream : {platform::output_stream::out, platform::output_stream::err})
        if (auto const file = log_file(index, stream); !file.empty())
            if (auto e = truncate_regular(file); !e.empty())
                error += (error.empty() ? "" : "; ") + e;
    return error;
}

std::string operations::clear_main_log()
{
    auto const file = main_log_file();
    return file.empty() ? std::string("no log file") : truncate_regular(file);
}

void operations::follow_output(std::size_t index, platform::output_stream stream,
                               std::function<bool(std::string_view)> listener)
{
    driver_.listen_output([index, stream, listener = std::move(listener)](std::size_t i, platform::output_stream s,
                                                                         std::string_view bytes) {
        if (i != index || s != stream)
            return true;
        return listener(bytes);
    });
}

void operations::follow_main_log(std::function<bool(std::string_view)> listener)
{
    auto& f = followers();
    f.listeners.push_back(std::move(listener));
    if (f.observing)
        return;
    f.observing = true;
    logging::observe_lines([&io = io_](std::string_view line) {
        asio::post(io, [text = std::string(line)] {
            auto& f = followers();
            for (auto it = f.listeners.begin(); it != f.listeners.end();)
                it = (*it)(text) ? std::next(it) : f.listeners.erase(it);
            if (f.listeners.empty() && f.observing) { // nobody follows: stop copying every line
                f.observing = false;
                logging::observe_lines({});
            }
        });
    });
}

// --- configuration ------------------------------------------------------------------

reload_outcome operations::reload(bool dry_run)
{
    auto outcome = driver_.reload(dry_run);
    driver_.log_reload(outcome);
    return outcome;
}

std::variant<group_diff, std::string> operations::reread()
{
    auto loaded = driver_.read_config();
    if (!loaded.cfg) {
        std::string message;
        for (auto const& d : loaded.diagnostics)
            if (d.level == config::severity::error)
                message += (message.empty() ? "" : "\n") + config::format(d);
        return message;
    }
    auto const& sup = driver_.supervisor();
    std::map<std::string, std::vector<config::process_spec>> running, wanted;
    for (auto const& spec : sup.active_specs())
        running[spec.group].push_back(spec);
    for (auto const& spec : loaded.cfg->processes)
        wanted[spec.group].push_back(spec);
    group_diff diff;
    for (auto const& [group, specs] : wanted) {
        auto it = running.find(group);
        if (it == running.end()) {
            diff.added.push_back(group);
            continue;
        }
        auto const plan = core::plan_reload(it->second, specs);
        if (!plan.added.empty() || !plan.changed.empty() || !plan.removed.empty())
            diff.changed.push_back(group);
    }
    for (auto const& [group, specs] : running)
        if (!wanted.count(group))
            diff.removed.push_back(group);
    reread_ = std::move(*loaded.cfg);
    return diff;
}

std::vector<config::process_spec> operations::configured_specs() const
{
    return reread_ ? reread_->processes : driver_.supervisor().active_specs();
}

operations::group_change operations::add_group(std::string const& group)
{
    if (!group_members(group).empty())
        return group_change::already_active;
    if (!reread_)
        return group_change::no_such_group;
    bool found = false;
    for (auto const& spec : reread_->processes)
        if (spec.group == group) {
            found = true;
            driver_.add_process(spec);
        }
    if (found)
        WARDEN_LOG(info) << "added process group " << group;
    return found ? group_change::ok : group_change::no_such_group;
}

operations::group_change operations::remove_group(std::string const& group)
{
    auto const members = group_members(group);
    if (members.empty())
        return group_change::no_such_group;
    for (auto i : members)
        if (!is_down(driver_.supervisor().record(i).state))
            return group_change::still_running;
    for (auto i : members)
        driver_.remove_process(i);
    WARDEN_LOG(info) << "removed process group " << group;
    return group_change::ok;
}

void operations::restart_all()
{
    if (restarting_ || shutting_down())
        return;
    restarting_ = true;
    WARDEN_LOG(info) << "restart requested: stopping every program, then re-reading " << driver_.config_file();
    change_state({change_request::kind::stop, all_processes()}, [this](std::vector<change_outcome>) {
        // Not from inside the last stop's state notification.
        asio::post(io_, [this] {
            restarting_ = false;
            if (shutting_down())
                return;
            // As supervisord does: every process is made afresh from the
            // file (a FATAL one is "Not started" again), then the autostart
            // ones start in start order.
            auto loaded = driver_.read_config();
            std::vector<config::process_spec> specs;
            if (loaded.cfg) {
                specs = std::move(loaded.cfg->processes);
            } else {
                for (auto const& d : loaded.diagnostics)
                    if (d.level == config::severity::error)
                        WARDEN_LOG(error) << "restart: " << config::format(d);
                WARDEN_LOG(error) << "restart: " << driver_.config_file()
                                  << " is invalid; restarting the running configuration";
                specs = driver_.supervisor().active_specs();
            }
            for (auto i : all_processes())
                driver_.remove_process(i);
            reread_.reset();
            for (auto& spec : specs)
                driver_.add_process(std::move(spec), false);
            for (auto i : all_processes())
                if (driver_.supervisor().spec(i).autostart)
                    driver_.start_process(i);
            WARDEN_LOG(info) << "restart: " << all_processes().size() << " processes from " << driver_.config_file();
        });
    });
}

void operations::shutdown()
{
    // After the caller's reply is on its way: the shutdown may finish at once.
    asio::post(io_, [this] { driver_.request_shutdown(); });
}

} // namespace warden::runtime
