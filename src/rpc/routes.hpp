// supervisord's HTTP routes (SPEC §11) on an http::router: XML-RPC at
// /RPC2, live log tails at /logtail/NAME[/stderr] and /mainlogtail.
#pragma once

#include "http/router.hpp"
#include "rpc/dispatcher.hpp"
#include "runtime/operations.hpp"

#include <functional>
#include <string>

namespace warden::rpc {

/// Where the routes log ("XML-RPC request data is invalid: ...").
using log_fn = std::function<void(std::string const&)>;

/// Add /RPC2, /logtail and /mainlogtail to `routes`. `methods` and `ops`
/// must outlive the router.
void add_routes(http::router& routes, dispatcher const& methods, runtime::operations& ops, log_fn log);

} // namespace warden::rpc
