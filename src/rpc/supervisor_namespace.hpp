// supervisord's `supervisor` XML-RPC namespace (rpcinterface.py, API 3.0)
// on top of the daemon's operations: the same method names, argument
// types, return shapes and Fault codes, so supervisorctl and the tools that
// speak it work unchanged. Every method answers SHUTDOWN_STATE once the
// daemon is shutting down, as supervisord's do.
#pragma once

#include "rpc/dispatcher.hpp"
#include "runtime/operations.hpp"

namespace warden::rpc {

/// Register supervisor.* on `d`; `ops` must outlive it.
void add_supervisor_namespace(dispatcher& d, runtime::operations& ops);

/// supervisord's process state codes: STOPPED 0, STARTING 10, RUNNING 20,
/// BACKOFF 30, STOPPING 40, EXITED 100, FATAL 200.
int state_code(core::process_state s);

/// Python's str(timedelta) for whole seconds: "0:00:05", "1 day, 2:03:04".
std::string timedelta_text(long long seconds);

} // namespace warden::rpc
