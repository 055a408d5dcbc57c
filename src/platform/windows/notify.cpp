// systemd's notify protocol has no Windows counterpart: `ready = notify` is
// refused when the child starts (BACKOFF with this reason), and the daemon's
// own readiness goes to the SCM through the service host, not through here.
#include "platform/notify.hpp"

namespace warden::platform {

std::unique_ptr<notify_listener> make_notify_listener(boost::asio::io_context&, std::string const&, notify_handler,
                                                      std::function<void(log_severity, std::string)>,
                                                      std::string& error)
{
    error = "ready = notify is not supported on Windows";
    return nullptr;
}

std::unique_ptr<service_notifier> make_service_notifier(std::function<void(log_severity, std::string)>)
{
    return nullptr;
}

} // namespace warden::platform
