#include "core/types.hpp"

namespace warden::core {

std::string_view to_string(process_state s)
{
    switch (s) {
    case process_state::stopped: return "STOPPED";
    case process_state::starting: return "STARTING";
    case process_state::running: return "RUNNING";
    case process_state::backoff: return "BACKOFF";
    case process_state::stopping: return "STOPPING";
    case process_state::exited: return "EXITED";
    case process_state::fatal: return "FATAL";
    }
    return "UNKNOWN";
}

} // namespace warden::core
