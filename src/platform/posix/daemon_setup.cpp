// The daemon process itself: subreaper, SIGPIPE, umask, resource limits;
// and the two small questions config validation asks the OS.
#include "platform/process_host.hpp"

#include "platform/posix/passwd.hpp"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <cerrno>
#include <csignal>
#include <cstring>

namespace warden::platform {

namespace {

std::string limit_text(rlim_t value)
{
    return value == RLIM_INFINITY ? std::string("unlimited") : std::to_string(value);
}

// supervisord's minfds/minprocs: raise the soft limit to `wanted`. If the hard
// limit is lower, try to raise it too (root may); failing that, settle for
// the hard limit and say so.
void raise_limit(int resource, char const* key, std::uint64_t wanted, std::vector<std::string>& warnings)
{
    rlimit current{};
    if (::getrlimit(resource, &current) != 0) {
        warnings.push_back(std::string("cannot read the limit for ") + key + ": " + std::strerror(errno));
        return;
    }
    auto const target = static_cast<rlim_t>(wanted);
    if (current.rlim_cur == RLIM_INFINITY || current.rlim_cur >= target)
        return;

    rlimit raised{target, current.rlim_max};
    if (current.rlim_max != RLIM_INFINITY && current.rlim_max < target)
        raised.rlim_max = target;
    if (::setrlimit(resource, &raised) == 0)
        return;

    int const error = errno;
    rlimit capped{current.rlim_max, current.rlim_max};
    bool const capped_ok = ::setrlimit(resource, &capped) == 0;
    warnings.push_back(std::string(key) + " = " + std::to_string(wanted) + " is above the hard limit " +
                       limit_text(current.rlim_max) + " (" + std::strerror(error) + "); the soft limit is " +
                       limit_text(capped_ok ? capped.rlim_cur : current.rlim_cur));
}

} // namespace

std::vector<std::string> prepare_daemon(config::daemon_spec const& spec)
{
    std::vector<std::string> warnings;

    // Orphans of our children are re-parented to us, not to PID 1, so we can
    // reap them and kill them at shutdown.
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
        warnings.push_back(std::string("cannot become a child subreaper: ") + std::strerror(errno) +
                           " (orphans of children will be reaped by init)");

    // A child that closes its output pipe must not kill the daemon; children
    // get SIGPIPE back to its default in spawn.
    ::signal(SIGPIPE, SIG_IGN);

    if (spec.umask)
        ::umask(static_cast<mode_t>(*spec.umask));
    if (spec.minfds)
        raise_limit(RLIMIT_NOFILE, "minfds", *spec.minfds, warnings);
    if (spec.minprocs)
        raise_limit(RLIMIT_NPROC, "minprocs", *spec.minprocs, warnings);
    return warnings;
}

std::string host_node_name()
{
    utsname name{};
    if (::uname(&name) != 0)
        return {};
    return name.nodename;
}

bool user_exists(std::string const& name)
{
    return posix::lookup_user(name).has_value();
}

} // namespace warden::platform
