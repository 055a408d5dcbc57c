// Signals and wait statuses as POSIX numbers and as words for the log.
#pragma once

#include "config/program_spec.hpp"
#include "core/types.hpp"

#include <optional>
#include <string>

namespace warden::platform::posix {

/// The POSIX number of a portable signal; nullopt for Windows-only ones (BREAK).
std::optional<int> to_native(config::signal_id sig);

/// The portable name of a POSIX signal number, if it has one.
std::optional<config::signal_id> from_native(int signo);

/// "SIGTERM", or "signal 42" for a number without a name.
std::string signal_name(int signo);

/// A waitpid() status as the core sees it.
core::exit_status to_exit_status(int wait_status);

/// A waitpid() status in words: "exit status 1", "terminated by SIGKILL",
/// "terminated by SIGSEGV (core dumped)".
std::string describe_wait_status(int wait_status);

} // namespace warden::platform::posix
