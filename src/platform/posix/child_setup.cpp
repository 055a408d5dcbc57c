#include "platform/posix/child_setup.hpp"

#include "platform/posix/spawn_plan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

namespace warden::platform::posix {

namespace {

[[noreturn]] void fail(int report_fd, setup_stage stage) noexcept
{
    setup_report const report{stage, errno};
    // If the parent is gone there is nobody to tell; exit either way.
    while (::write(report_fd, &report, sizeof report) < 0 && errno == EINTR) {
    }
    ::_exit(127);
}

bool set_close_on_exec(int fd) noexcept
{
    int const flags = ::fcntl(fd, F_GETFD);
    return flags >= 0 && (flags & FD_CLOEXEC || ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC) == 0);
}

// Parse a /proc/self/fd entry name without strtol (locale, errno games).
int parse_fd(char const* name) noexcept
{
    if (*name == '\0')
        return -1;
    int value = 0;
    for (; *name; ++name) {
        if (*name < '0' || *name > '9' || value > 100000000)
            return -1;
        value = value * 10 + (*name - '0');
    }
    return value;
}

bool mark_by_proc(int lowest) noexcept
{
    int const dir = ::open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return false;
    alignas(dirent64) char buffer[4096];
    bool ok = true;
    for (;;) {
        ssize_t const n = ::getdents64(dir, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            ok = n == 0;
            break;
        }
        for (ssize_t offset = 0; offset < n;) {
            auto const* entry = reinterpret_cast<dirent64 const*>(buffer + offset);
            offset += entry->d_reclen;
            int const fd = parse_fd(entry->d_name);
            if (fd >= lowest && fd != dir && !set_close_on_exec(fd))
                ok = false;
        }
    }
    ::close(dir);
    return ok;
}

bool mark_by_rlimit(int lowest) noexcept
{
    rlimit limit{};
    rlim_t highest = 65536;
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
        highest = limit.rlim_cur;
    for (rlim_t fd = static_cast<rlim_t>(lowest); fd < highest; ++fd)
        set_close_on_exec(static_cast<int>(fd)); // EBADF for the unused numbers
    return true;
}

void reset_signals() noexcept
{
    // Ignored signals survive exec, and handlers (Asio's, Boost.Test's) would
    // too until exec replaces the image: give the program a clean slate.
    struct sigaction dfl{};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    for (int signo = 1; signo < NSIG; ++signo)
        if (signo != SIGKILL && signo != SIGSTOP)
            ::sigaction(signo, &dfl, nullptr); // EINVAL for glibc's reserved ones
}

} // namespace

bool mark_close_on_exec_by_scan(int lowest) noexcept
{
    return mark_by_proc(lowest) || mark_by_rlimit(lowest);
}

bool mark_close_on_exec(int lowest) noexcept
{
    if (::close_range(static_cast<unsigned>(lowest), ~0U, CLOSE_RANGE_CLOEXEC) == 0)
        return true;
    return mark_close_on_exec_by_scan(lowest); // kernel < 5.11: EINVAL or ENOSYS
}

void run_child(child_context const& c) noexcept
{
    int const report = c.report_fd;

    // Own group first, so a signal to the daemon's group no longer reaches us.
    if (::setpgid(0, 0) != 0)
        fail(report, setup_stage::process_group);

    // The parent blocked every signal around fork(); dispositions go to
    // default before the mask opens, so no inherited handler ever runs here.
    reset_signals();
    sigset_t none;
    sigemptyset(&none);
    if (::sigprocmask(SIG_SETMASK, &none, nullptr) != 0)
        fail(report, setup_stage::signals);

    if (c.set_umask)
        ::umask(c.umask);

    if (c.switch_user) {
        if (::setgroups(c.group_count, c.groups) != 0)
            fail(report, setup_stage::groups);
        if (::setgid(c.gid) != 0)
            fail(report, setup_stage::gid);
        if (::setuid(c.uid) != 0)
            fail(report, setup_stage::uid);
    }
    // After the user change, as supervisord does: `directory` must be
    // reachable by the user the program runs as, not only by root.
    if (c.directory && ::chdir(c.directory) != 0)
        fail(report, setup_stage::directory);

    // After setuid, which clears it. If the daemon died before this line the
    // signal will never come: check that our parent is still the daemon.
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
        fail(report, setup_stage::death_signal);
    if (::getppid() != c.parent)
        ::_exit(127); // nobody is left to read a report

    if (::dup2(c.stdin_fd, 0) < 0 || ::dup2(c.stdout_fd, 1) < 0 || ::dup2(c.stderr_fd, 2) < 0)
        fail(report, setup_stage::stdio);
    if (!mark_close_on_exec(3))
        fail(report, setup_stage::close_on_exec);

    ::execve(c.executable, c.argv, c.envp);
    fail(report, setup_stage::exec);
}

std::string describe_setup_failure(setup_report report, spawn_plan const& plan)
{
    std::string const reason = std::strerror(report.error);
    std::string const user = plan.switch_to ? plan.switch_to->user : std::string();
    switch (report.stage) {
    case setup_stage::process_group: return "cannot create a process group: " + reason;
    case setup_stage::signals: return "cannot reset the signal mask: " + reason;
    case setup_stage::directory: return "cannot chdir to '" + plan.directory + "': " + reason;
    case setup_stage::groups: return "cannot set the groups of user '" + user + "': " + reason;
    case setup_stage::gid: return "cannot set the group id of user '" + user + "': " + reason;
    case setup_stage::uid: return "cannot set the user id of user '" + user + "': " + reason;
    case setup_stage::death_signal: return "cannot set the parent-death signal: " + reason;
    case setup_stage::stdio: return "cannot attach stdin/stdout/stderr: " + reason;
    case setup_stage::close_on_exec: return "cannot mark descriptors close-on-exec: " + reason;
    case setup_stage::exec: return "cannot execute '" + plan.executable + "': " + reason;
    }
    return "child setup failed: " + reason;
}

} // namespace warden::platform::posix
