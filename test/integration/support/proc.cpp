#include "support/proc.hpp"

#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cctype>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace warden::it {

int decode_wait_status(int wait_status)
{
    if (WIFEXITED(wait_status))
        return WEXITSTATUS(wait_status);
    if (WIFSIGNALED(wait_status))
        return 128 + WTERMSIG(wait_status);
    return -1;
}

std::optional<int> try_reap(pid_t pid)
{
    int status = 0;
    pid_t const r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid)
        return decode_wait_status(status);
    if (r < 0 && errno == ECHILD)
        return -1;
    return std::nullopt;
}

clean_signals::clean_signals()
{
    ::posix_spawnattr_init(&attr_);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    ::posix_spawnattr_setsigmask(&attr_, &none);
    ::posix_spawnattr_setsigdefault(&attr_, &all);
    ::posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
}

clean_signals::~clean_signals() { ::posix_spawnattr_destroy(&attr_); }

namespace {

struct stat_fields {
    char state = 0;
    pid_t ppid = 0;
    pid_t pgrp = 0;
};

// /proc/PID/stat is "pid (comm) state ppid pgrp ..."; comm may hold spaces
// and parentheses, so parse from the last ')'.
std::optional<stat_fields> read_stat(pid_t pid)
{
    std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(file, line))
        return std::nullopt;
    auto const close = line.rfind(')');
    if (close == std::string::npos)
        return std::nullopt;
    std::istringstream rest(line.substr(close + 1));
    stat_fields f;
    long ppid = 0, pgrp = 0;
    if (!(rest >> f.state >> ppid >> pgrp))
        return std::nullopt;
    f.ppid = static_cast<pid_t>(ppid);
    f.pgrp = static_cast<pid_t>(pgrp);
    return f;
}

std::vector<pid_t> all_pids()
{
    std::vector<pid_t> pids;
    DIR* proc = ::opendir("/proc");
    if (!proc)
        return pids;
    while (dirent const* entry = ::readdir(proc)) {
        std::string const name = entry->d_name;
        if (!name.empty() && std::all_of(name.begin(), name.end(),
                                         [](unsigned char c) { return std::isdigit(c) != 0; }))
            pids.push_back(static_cast<pid_t>(std::stol(name)));
    }
    ::closedir(proc);
    return pids;
}

} // namespace

std::optional<char> process_state(pid_t pid)
{
    if (auto f = read_stat(pid))
        return f->state;
    return std::nullopt;
}

bool process_alive(pid_t pid)
{
    auto const state = process_state(pid);
    return state && *state != 'Z' && *state != 'X';
}

bool process_exists(pid_t pid)
{
    return ::access(("/proc/" + std::to_string(pid)).c_str(), F_OK) == 0;
}

pid_t parent_of(pid_t pid)
{
    auto f = read_stat(pid);
    return f ? f->ppid : 0;
}

pid_t process_group_of(pid_t pid)
{
    auto f = read_stat(pid);
    return f ? f->pgrp : 0;
}

std::string command_line(pid_t pid)
{
    std::ifstream file("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
    std::string text;
    try {
        text.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    } catch (std::exception const&) {
        // The process exited while we read: read(2) fails with ESRCH, and
        // libstdc++'s filebuf throws from istreambuf_iterator. Gone: "".
        return {};
    }
    for (char& c : text)
        if (c == '\0')
            c = ' ';
    return text;
}

std::vector<pid_t> children_of(pid_t parent)
{
    std::vector<pid_t> children;
    for (pid_t pid : all_pids()) {
        auto f = read_stat(pid);
        if (f && f->ppid == parent && f->state != 'Z' && f->state != 'X')
            children.push_back(pid);
    }
    return children;
}

std::vector<pid_t> processes_with(std::string_view marker)
{
    std::vector<pid_t> found;
    pid_t const self = ::getpid();
    for (pid_t pid : all_pids())
        if (pid != self && command_line(pid).find(marker) != std::string::npos && process_alive(pid))
            found.push_back(pid);
    return found;
}

std::vector<pid_t> kill_processes_with(std::string_view marker, clock::duration timeout)
{
    std::vector<pid_t> left;
    wait_until(
        [&] {
            left = processes_with(marker);
            for (pid_t pid : left)
                ::kill(pid, SIGKILL);
            return left.empty();
        },
        timeout);
    return left;
}

std::string join(std::vector<pid_t> const& pids)
{
    std::string text;
    for (pid_t pid : pids)
        text += (text.empty() ? "" : " ") + std::to_string(pid);
    return text;
}

std::vector<pid_t> namespace_pids(pid_t pid)
{
    std::ifstream file("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    std::vector<pid_t> pids;
    while (std::getline(file, line))
        if (line.rfind("NSpid:", 0) == 0) {
            std::istringstream fields(line.substr(6));
            long n = 0;
            while (fields >> n)
                pids.push_back(static_cast<pid_t>(n));
        }
    return pids;
}

namespace {

// The identity of `pid`'s PID namespace ("pid:[4026532]"), "" when gone.
std::string pid_namespace_of(pid_t pid)
{
    std::error_code ec;
    auto const target = std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/ns/pid", ec);
    return ec ? std::string() : target.string();
}

} // namespace

pid_t outer_pid(pid_t member, pid_t inner)
{
    std::string const ns = pid_namespace_of(member);
    if (ns.empty())
        return 0;
    for (pid_t pid : all_pids()) {
        auto const nested = namespace_pids(pid);
        if (!nested.empty() && nested.back() == inner && pid_namespace_of(pid) == ns)
            return pid;
    }
    return 0;
}

} // namespace warden::it
