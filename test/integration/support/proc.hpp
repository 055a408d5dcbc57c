// Processes seen through /proc, and waiting with a deadline.
#pragma once

#include <spawn.h>
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace warden::it {

/// A wait status as a shell shows it: the exit code, or 128 + the signal.
int decode_wait_status(int wait_status);

/// Reap `pid` if it has exited, without blocking: its decoded status, -1 if it
/// was already reaped elsewhere (nothing more to learn), nothing while it runs.
std::optional<int> try_reap(pid_t pid);

/// posix_spawn attributes that give the new program default signal
/// dispositions and an empty mask: Boost.Test installs handlers of its own,
/// and the programs under test must start with a clean slate.
class clean_signals {
public:
    clean_signals();
    ~clean_signals();
    clean_signals(clean_signals const&) = delete;
    clean_signals& operator=(clean_signals const&) = delete;
    posix_spawnattr_t const* get() const { return &attr_; }

private:
    posix_spawnattr_t attr_;
};

using clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

/// Calls `done()` every `poll` until it returns true (-> true) or `timeout`
/// has passed (-> false; `done()` is asked one last time at the deadline).
/// Polling a condition with a deadline, never sleeping a guessed time.
template <class Predicate>
bool wait_until(Predicate done, clock::duration timeout, clock::duration poll = 10ms)
{
    auto const deadline = clock::now() + timeout;
    for (;;) {
        if (done())
            return true;
        if (clock::now() >= deadline)
            return done();
        std::this_thread::sleep_for(poll);
    }
}

/// Milliseconds from `start` until now (printable, unlike durations, in test messages).
inline long long ms_since(clock::time_point start)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start).count();
}

/// The state letter of /proc/PID/stat ('R', 'S', 'Z', ...), or nullopt when there is no such process.
std::optional<char> process_state(pid_t pid);
/// The process exists and is not a zombie.
bool process_alive(pid_t pid);
/// /proc/PID exists at all (a zombie included).
bool process_exists(pid_t pid);
/// Its parent, from /proc/PID/stat; 0 when it is gone.
pid_t parent_of(pid_t pid);
/// Its process group, from /proc/PID/stat; 0 when it is gone.
pid_t process_group_of(pid_t pid);
/// Its command line, NULs turned into spaces ("" when gone).
std::string command_line(pid_t pid);
/// Live (non-zombie) processes whose parent is `parent`.
std::vector<pid_t> children_of(pid_t parent);
/// Live (non-zombie) processes whose command line contains `marker`, never this process.
std::vector<pid_t> processes_with(std::string_view marker);
/// SIGKILLs every live process whose command line contains `marker` until none
/// is left or `timeout` passes; returns those still alive.
std::vector<pid_t> kill_processes_with(std::string_view marker, clock::duration timeout);

/// "1 2 3" for messages.
std::string join(std::vector<pid_t> const& pids);

/// The pid of `pid` in each PID namespace it belongs to, outermost first
/// (the `NSpid:` line of /proc/PID/status); empty when it is gone.
std::vector<pid_t> namespace_pids(pid_t pid);
/// The pid, as we see it, of the process numbered `inner` inside the PID
/// namespace of `member` (a process we see, e.g. that namespace's init);
/// 0 when there is none.
pid_t outer_pid(pid_t member, pid_t inner);

} // namespace warden::it
