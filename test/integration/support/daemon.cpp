#include "support/daemon.hpp"

#include <boost/test/results_collector.hpp>
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <iomanip>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace warden::it {

namespace {

std::string seconds_text(clock::duration d)
{
    std::ostringstream out;
    out << std::chrono::duration<double>(d).count() << " s";
    return out.str();
}

std::string name_of(std::string_view entry)
{
    return std::string(entry.substr(0, entry.find('=')));
}

// "2026-11-22 00:14:15.351" (local time) -> ms since the epoch.
std::int64_t parse_timestamp(std::string const& text)
{
    std::tm tm{};
    std::istringstream in(text);
    in >> std::get_time(&tm, "%Y-%m-%d %H:%M:%S");
    if (in.fail())
        return 0;
    int ms = 0;
    if (in.get() == '.')
        in >> ms;
    tm.tm_isdst = -1;
    return static_cast<std::int64_t>(std::mktime(&tm)) * 1000 + ms;
}

bool current_test_failed()
{
    namespace ut = boost::unit_test;
    auto const& results = ut::results_collector.results(ut::framework::current_test_case().p_id);
    return results.p_assertions_failed > 0;
}

} // namespace

std::string wardend_path()
{
    // WARDEN_IT_WARDEND runs the suite against another build (an installed
    // wardend, or a deliberately broken one to check that the tests notice).
    char const* other = std::getenv("WARDEN_IT_WARDEND");
    return other && *other ? other : WARDEND_PATH;
}

std::string child_path() { return TEST_CHILD_PATH; }

std::vector<state_change> state_changes(std::string const& log, std::string_view name)
{
    static std::regex const pattern(
        R"(^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) +\S+ (.+?): ([A-Z]+) -> ([A-Z]+): (.*?)(?: \[pid (\d+)\])?$)");
    std::vector<state_change> changes;
    std::istringstream in(log);
    std::string line;
    while (std::getline(in, line)) {
        std::smatch m;
        if (!std::regex_match(line, m, pattern))
            continue;
        if (!name.empty() && m[2].str() != name)
            continue;
        state_change c;
        c.line = line;
        c.wall_ms = parse_timestamp(m[1]);
        c.name = m[2];
        c.from = m[3];
        c.to = m[4];
        c.reason = m[5];
        c.pid = m[6].matched ? static_cast<pid_t>(std::stol(m[6])) : 0;
        changes.push_back(std::move(c));
    }
    return changes;
}

pid_t spawn_process(std::vector<std::string> const& argv, fs::path const& output,
                    std::vector<std::string> const& extra_env)
{
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string const entry = *e;
        std::string const name = name_of(entry);
        if (name == "JOURNAL_STREAM" || name == "NOTIFY_SOCKET")
            continue;
        bool const replaced = std::any_of(extra_env.begin(), extra_env.end(),
                                          [&](std::string const& x) { return name_of(x) == name; });
        if (!replaced)
            env.push_back(entry);
    }
    for (auto const& x : extra_env)
        if (x.find('=') != std::string::npos) // a bare NAME only removes NAME
            env.push_back(x);

    auto pointers = [](std::vector<std::string> const& strings) {
        std::vector<char*> p;
        for (auto const& s : strings)
            p.push_back(const_cast<char*>(s.c_str()));
        p.push_back(nullptr);
        return p;
    };
    auto argv_p = pointers(argv);
    auto env_p = pointers(env);

    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    ::posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::posix_spawn_file_actions_adddup2(&actions, 1, 2);

    clean_signals attr;
    pid_t pid = 0;
    int const error = ::posix_spawn(&pid, argv_p[0], &actions, attr.get(), argv_p.data(), env_p.data());
    ::posix_spawn_file_actions_destroy(&actions);
    if (error != 0)
        throw std::runtime_error("cannot start " + argv.front() + ": " + std::strerror(error));
    return pid;
}

run_result run_wardend(temp_dir const& dir, std::vector<std::string> const& args, clock::duration timeout)
{
    static std::atomic<int> runs{0};
    auto const output = dir / ("wardend-run-" + std::to_string(++runs) + ".out");
    std::vector<std::string> argv{wardend_path()};
    argv.insert(argv.end(), args.begin(), args.end());
    pid_t const pid = spawn_process(argv, output);

    int status = 0;
    bool const ended = wait_until([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, timeout);
    if (!ended) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        std::string command;
        for (auto const& a : argv)
            command += " " + a;
        BOOST_FAIL("wardend" + command + " still running after " + seconds_text(timeout) + "; output:\n" +
                   read_file(output));
    }
    return run_result{decode_wait_status(status), read_file(output)};
}

// --- daemon ----------------------------------------------------------------------

wardend::wardend(temp_dir const& dir, fs::path const& config, std::vector<std::string> extra_args,
               std::vector<std::string> extra_env, std::vector<std::string> launcher)
    : marker_(dir.path().string()), log_path_(dir / "daemon.log")
{
    std::vector<std::string> argv = std::move(launcher);
    for (auto const& a : {wardend_path(), std::string("-c"), config.string()})
        argv.push_back(a);
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    pid_ = spawn_process(argv, log_path_, extra_env);
}

wardend::~wardend()
{
    if (!poll_exit()) {
        ::kill(pid_, SIGKILL);
        wait_until([this] { return poll_exit(); }, 10s);
    }
    auto const left = kill_processes_with(marker_, 10s);
    if (current_test_failed() && !log_printed_)
        BOOST_TEST_MESSAGE("--- daemon log (" << log_path_.string() << ") ---\n" << log());
    if (!left.empty())
        BOOST_ERROR("cleanup: processes of this test still alive after SIGKILL: " << join(left));
}

std::string wardend::log() const
{
    return read_file(log_path_);
}

void wardend::fail(std::string const& why) const
{
    log_printed_ = true;
    BOOST_FAIL(why << "\n--- daemon log (" << log_path_.string() << ") ---\n" << log());
    throw std::logic_error(why); // not reached: BOOST_FAIL throws
}

bool wardend::poll_exit() const
{
    if (status_)
        return true;
    status_ = try_reap(pid_);
    return status_.has_value();
}

bool wardend::running() const
{
    return !poll_exit();
}

bool wardend::poll_log(std::function<bool()> const& found, clock::duration timeout) const
{
    bool ok = false;
    wait_until(
        [&] {
            if (found())
                return ok = true;
            if (poll_exit()) { // nothing more will be written: one last look
                ok = found();
                return true;
            }
            return false;
        },
        timeout, 15ms);
    return ok;
}

std::string wardend::exit_note() const
{
    return status_ ? " (the daemon exited with " + std::to_string(*status_) + ")" : std::string();
}

void wardend::wait_for_log(std::string_view text, clock::duration timeout) const
{
    if (!poll_log([&] { return log().find(text) != std::string::npos; }, timeout))
        fail("waited " + seconds_text(timeout) + " for '" + std::string(text) + "' in the daemon log" + exit_note());
}

std::vector<std::string> wardend::wait_for_log(std::regex const& pattern, clock::duration timeout) const
{
    std::vector<std::string> groups;
    auto matches = [&] {
        std::string const text = log();
        std::smatch m;
        if (!std::regex_search(text, m, pattern))
            return false;
        groups.clear();
        for (auto const& g : m)
            groups.push_back(g.str());
        return true;
    };
    if (!poll_log(matches, timeout))
        fail("waited " + seconds_text(timeout) + " for a match of a regex in the daemon log" + exit_note());
    return groups;
}

state_change wardend::wait_state(std::string_view name, std::string_view state, clock::duration timeout,
                                std::size_t nth) const
{
    std::optional<state_change> found;
    auto look = [&] {
        std::size_t seen = 0;
        for (auto& c : states(name))
            if (c.to == state && ++seen == nth) {
                found = std::move(c);
                return true;
            }
        return false;
    };
    if (!poll_log(look, timeout))
        fail("waited " + seconds_text(timeout) + " for " + std::string(name) + " to enter " + std::string(state) +
             (nth > 1 ? " for the " + std::to_string(nth) + "th time" : std::string()) + exit_note());
    return *found;
}

pid_t wardend::pid_of(std::string_view name) const
{
    pid_t pid = 0;
    for (auto const& c : states(name))
        if (c.to == "RUNNING" && c.pid != 0)
            pid = c.pid;
    return pid;
}

void wardend::signal(int sig) const
{
    if (poll_exit())
        fail("cannot send signal " + std::to_string(sig) + ": the daemon has exited with " +
             std::to_string(*status_));
    BOOST_REQUIRE_MESSAGE(::kill(pid_, sig) == 0, "kill(" << pid_ << ", " << sig << "): " << std::strerror(errno));
}

int wardend::wait_exit(clock::duration timeout)
{
    if (!wait_until([this] { return poll_exit(); }, timeout))
        fail("the daemon is still running after " + seconds_text(timeout));
    return *status_;
}

} // namespace warden::it
