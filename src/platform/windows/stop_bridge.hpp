// The one way OS threads (the console control handler, the service control
// handler) hand a stop request to the daemon: post it into the io_context
// that the request_source listens on, and, when Windows ends the process as
// soon as the handler returns, wait (bounded) until the shutdown finished.
#pragma once

#include <chrono>

namespace warden::platform::windows {

/// Ask for the ordered shutdown (a second call: kill now). Callable from any
/// thread. With `wait`, return only when the daemon has finished (its
/// request_source was closed) or after `bound`. False when no request_source
/// is listening (not started yet, or already finished).
bool request_shutdown_from_os(bool wait, std::chrono::milliseconds bound);

/// Under the SCM, CTRL_LOGOFF_EVENT is about a user's session, not the
/// service: it is ignored then.
void set_service_mode(bool on);

/// Install warden's console control handler (idempotent). Done by
/// make_request_source; exposed for the service host, which installs it
/// after AllocConsole.
void install_console_handler();

} // namespace warden::platform::windows
