#include "platform/posix/spawn.hpp"

#include "platform/posix/child_setup.hpp"
#include "platform/posix/spawn_plan.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace warden::platform::posix {

namespace {

// A daemon started with stdin/stdout/stderr closed gets new descriptors in
// 0..2, which the child's dup2 calls would clobber: move them above.
unique_fd above_stdio(int fd)
{
    if (fd < 0 || fd >= 3)
        return unique_fd(fd);
    int const moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    ::close(fd);
    return unique_fd(moved);
}

struct pipe_ends {
    unique_fd read;
    unique_fd write;
};

bool make_pipe(pipe_ends& ends)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return false;
    ends.read = above_stdio(fds[0]);
    ends.write = above_stdio(fds[1]);
    return ends.read && ends.write;
}

std::vector<char*> c_array(std::vector<std::string>& strings)
{
    std::vector<char*> pointers;
    pointers.reserve(strings.size() + 1);
    for (auto& s : strings)
        pointers.push_back(s.data());
    pointers.push_back(nullptr);
    return pointers;
}

spawn_failure system_failure(char const* what, int error)
{
    return spawn_failure{std::string("cannot ") + what + ": " + std::strerror(error)};
}

// End of file means the exec succeeded (the pipe is close-on-exec).
// After vfork() there is nothing to wait for: the child wrote its report
// before _exit(), or it got past exec's point of no return, which is what
// resumed us; waiting for the close-on-exec EOF would only cost another
// sleep and wake-up per spawn.
std::optional<setup_report> read_report(int fd, bool wait)
{
    if (!wait)
        ::fcntl(fd, F_SETFL, O_NONBLOCK);
    setup_report report{};
    for (;;) {
        ssize_t const n = ::read(fd, &report, sizeof report);
        if (n < 0 && errno == EINTR)
            continue;
        if (n == static_cast<ssize_t>(sizeof report))
            return report;
        return std::nullopt; // 0, EAGAIN, or an error that leaves nothing to read
    }
}

void reap_exactly(pid_t pid)
{
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
}

} // namespace

std::variant<spawned_child, spawn_failure> spawn_child(spawn_request const& request)
{
    auto planned = make_spawn_plan(request);
    if (auto* failure = std::get_if<spawn_failure>(&planned))
        return std::move(*failure);
    auto& plan = std::get<spawn_plan>(planned);

    unique_fd null_input = above_stdio(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!null_input)
        return system_failure("open /dev/null", errno);
    pipe_ends out, err, report;
    if (!make_pipe(out) || (!request.redirect_stderr && !make_pipe(err)) || !make_pipe(report))
        return system_failure("create a pipe", errno);

    auto argv = c_array(plan.argv);
    auto envp = c_array(plan.environment);
    child_context context;
    context.executable = plan.executable.c_str();
    context.argv = argv.data();
    context.envp = envp.data();
    context.directory = plan.directory.empty() ? nullptr : plan.directory.c_str();
    context.set_umask = plan.umask.has_value();
    context.umask = plan.umask.value_or(0);
    if (plan.switch_to) {
        context.switch_user = true;
        context.uid = plan.switch_to->uid;
        context.gid = plan.switch_to->gid;
        context.groups = plan.switch_to->groups.data();
        context.group_count = plan.switch_to->groups.size();
    }
    context.stdin_fd = null_input.get();
    context.stdout_fd = out.write.get();
    context.stderr_fd = request.redirect_stderr ? out.write.get() : err.write.get();
    context.report_fd = report.write.get();
    context.parent = ::getpid();

    // Block everything across fork so that no handler of ours (Asio's
    // self-pipe writer) runs in the child before it resets dispositions.
    sigset_t all, previous;
    sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &previous);
    // vfork: we wait for the exec anyway (the report pipe below), and
    // sharing the address space spares copying the daemon's page tables,
    // the copy-on-write faults after it, and the exec tearing the copy down
    // again (bench/RESULTS.md, W1). run_child only makes system calls and
    // never returns. A user switch keeps fork(): glibc's setuid() may signal
    // the other threads of the process, which a child sharing our memory
    // must never do.
    bool const shared_memory = !plan.switch_to;
    pid_t const pid = shared_memory ? ::vfork() : ::fork();
    if (pid == 0)
        run_child(context);
    int const fork_error = errno;
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    if (pid < 0)
        return system_failure("fork", fork_error);

    // The child does the same first thing; doing it here as well means the
    // group exists whichever of the two the scheduler ran first. EACCES
    // (the child already exec'd) and ESRCH are both fine.
    ::setpgid(pid, pid);

    // Our copies of the child's ends must go, or the reads below never see EOF.
    report.write.reset();
    out.write.reset();
    err.write.reset();
    null_input.reset();

    if (auto const failed = read_report(report.read.get(), !shared_memory)) {
        reap_exactly(pid);
        return spawn_failure{describe_setup_failure(*failed, plan)};
    }
    return spawned_child{pid, std::move(out.read), std::move(err.read)};
}

} // namespace warden::platform::posix
