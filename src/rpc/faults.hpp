// supervisord's XML-RPC fault codes (supervisor/xmlrpc.py, API 3.0), with
// its strings: "NAME" or "NAME: detail". Clients match on both.
#pragma once

#include "xmlrpc/value.hpp"

#include <string>

namespace warden::rpc {

namespace faults {
inline constexpr int unknown_method = 1;
inline constexpr int incorrect_parameters = 2;
inline constexpr int bad_arguments = 3;
inline constexpr int signature_unsupported = 4;
inline constexpr int shutdown_state = 6;
inline constexpr int bad_name = 10;
inline constexpr int bad_signal = 11;
inline constexpr int no_file = 20;
inline constexpr int not_executable = 21;
inline constexpr int failed = 30;
inline constexpr int abnormal_termination = 40;
inline constexpr int spawn_error = 50;
inline constexpr int already_started = 60;
inline constexpr int not_running = 70;
inline constexpr int success = 80;
inline constexpr int already_added = 90;
inline constexpr int still_running = 91;
inline constexpr int cant_reread = 92;
} // namespace faults

/// "BAD_NAME" for 10, ...; "UNKNOWN" for a code supervisord does not have.
char const* fault_name(int code);

/// supervisord's RPCError: the code, and "NAME" or "NAME: extra".
xmlrpc::fault make_fault(int code, std::string const& extra = {});

} // namespace warden::rpc
