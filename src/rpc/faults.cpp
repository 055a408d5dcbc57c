#include "rpc/faults.hpp"

namespace warden::rpc {

char const* fault_name(int code)
{
    switch (code) {
    case faults::unknown_method: return "UNKNOWN_METHOD";
    case faults::incorrect_parameters: return "INCORRECT_PARAMETERS";
    case faults::bad_arguments: return "BAD_ARGUMENTS";
    case faults::signature_unsupported: return "SIGNATURE_UNSUPPORTED";
    case faults::shutdown_state: return "SHUTDOWN_STATE";
    case faults::bad_name: return "BAD_NAME";
    case faults::bad_signal: return "BAD_SIGNAL";
    case faults::no_file: return "NO_FILE";
    case faults::not_executable: return "NOT_EXECUTABLE";
    case faults::failed: return "FAILED";
    case faults::abnormal_termination: return "ABNORMAL_TERMINATION";
    case faults::spawn_error: return "SPAWN_ERROR";
    case faults::already_started: return "ALREADY_STARTED";
    case faults::not_running: return "NOT_RUNNING";
    case faults::success: return "SUCCESS";
    case faults::already_added: return "ALREADY_ADDED";
    case faults::still_running: return "STILL_RUNNING";
    case faults::cant_reread: return "CANT_REREAD";
    }
    return "UNKNOWN";
}

xmlrpc::fault make_fault(int code, std::string const& extra)
{
    std::string text = fault_name(code);
    if (!extra.empty())
        text += ": " + extra;
    return {code, text};
}

} // namespace warden::rpc
