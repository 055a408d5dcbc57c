#include "platform/posix/signals.hpp"

#include <sys/wait.h>

#include <csignal>
#include <cstring>
#include <utility>

namespace warden::platform::posix {

namespace {

using config::signal_id;

// Every portable signal that has a POSIX number. BREAK is a Windows console
// event and deliberately absent.
constexpr std::pair<signal_id, int> native_signals[] = {
    {signal_id::hup, SIGHUP},   {signal_id::int_, SIGINT},  {signal_id::quit, SIGQUIT},
    {signal_id::kill, SIGKILL}, {signal_id::usr1, SIGUSR1}, {signal_id::usr2, SIGUSR2},
    {signal_id::term, SIGTERM}, {signal_id::alrm, SIGALRM}, {signal_id::cont, SIGCONT},
    {signal_id::stop, SIGSTOP}, {signal_id::winch, SIGWINCH},
};

} // namespace

std::optional<int> to_native(signal_id sig)
{
    for (auto const& [id, number] : native_signals)
        if (id == sig)
            return number;
    return std::nullopt;
}

std::optional<signal_id> from_native(int signo)
{
    for (auto const& [id, number] : native_signals)
        if (number == signo)
            return id;
    return std::nullopt;
}

std::string signal_name(int signo)
{
    // sigabbrev_np (glibc >= 2.32) knows every classic signal; real-time
    // signals have no abbreviation and get a number instead.
    if (char const* abbrev = ::sigabbrev_np(signo))
        return std::string("SIG") + abbrev;
    return "signal " + std::to_string(signo);
}

core::exit_status to_exit_status(int wait_status)
{
    if (WIFSIGNALED(wait_status))
        return {true, WTERMSIG(wait_status)};
    return {false, WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1};
}

std::string describe_wait_status(int wait_status)
{
    if (WIFEXITED(wait_status))
        return "exit status " + std::to_string(WEXITSTATUS(wait_status));
    if (WIFSIGNALED(wait_status)) {
        std::string text = "terminated by " + signal_name(WTERMSIG(wait_status));
        if (WCOREDUMP(wait_status))
            text += " (core dumped)";
        return text;
    }
    return "unknown wait status " + std::to_string(wait_status);
}

} // namespace warden::platform::posix
