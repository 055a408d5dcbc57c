// The reply factories of protocol.hpp.
#include "control/protocol.hpp"

namespace warden::control {

reply reply::success(boost::json::value result, bool more)
{
    reply r;
    r.ok = true;
    r.result = std::move(result);
    r.more = more;
    return r;
}

reply reply::failure(std::string code, std::string message, boost::json::value result)
{
    reply r;
    r.ok = false;
    r.code = std::move(code);
    r.message = std::move(message);
    r.result = std::move(result);
    return r;
}

} // namespace warden::control
