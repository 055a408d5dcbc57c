// request_source on Windows: console control events (and service stops,
// through the same bridge) become daemon_requests on the io_context thread.
//
// SetConsoleCtrlHandler's handler runs on a new OS thread, so it never
// touches the daemon: it posts onto the io_context. CTRL_C and CTRL_BREAK
// start the ordered shutdown (a second one kills). For CTRL_CLOSE, LOGOFF and
// SHUTDOWN Windows ends the process when the handler returns, so the handler
// waits, bounded, until the shutdown has finished.
#include "platform/process_host.hpp"

#include "platform/windows/stop_bridge.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <windows.h>

#include <condition_variable>
#include <memory>
#include <mutex>

namespace warden::platform {

namespace windows {

namespace {

/// How long a CTRL_CLOSE/LOGOFF/SHUTDOWN handler keeps the process alive
/// for the shutdown (Windows itself allows about 5 s for CLOSE and up to 20 s
/// for SHUTDOWN before it ends the process anyway).
constexpr std::chrono::seconds os_exit_bound{20};

struct listener {
    boost::asio::io_context* io = nullptr;
    std::shared_ptr<std::function<void(daemon_request)>> on_request;
};

struct bridge_state {
    std::mutex mutex;
    std::condition_variable finished_cv;
    listener current;          ///< io == nullptr: nobody listens
    bool finished = false;     ///< the listening daemon has finished
    bool service_mode = false;
};

bridge_state& bridge()
{
    static bridge_state* state = new bridge_state; // never destroyed: handlers may run during exit
    return *state;
}

BOOL WINAPI on_console_event(DWORD type)
{
    switch (type) {
    case CTRL_C_EVENT:
    case CTRL_BREAK_EVENT:
        // Handled (TRUE) whenever warden is running, so Windows does not end
        // it; before the daemon listens, the default handler ends it.
        if (request_shutdown_from_os(false, {}))
            return TRUE;
        {
            std::lock_guard lock(bridge().mutex);
            return bridge().finished ? TRUE : FALSE;
        }
    case CTRL_LOGOFF_EVENT: {
        bool service;
        {
            std::lock_guard lock(bridge().mutex);
            service = bridge().service_mode;
        }
        if (service)
            return TRUE;
        [[fallthrough]];
    }
    case CTRL_CLOSE_EVENT:
    case CTRL_SHUTDOWN_EVENT:
        request_shutdown_from_os(true, os_exit_bound);
        return TRUE;
    default:
        return FALSE;
    }
}

} // namespace

bool request_shutdown_from_os(bool wait, std::chrono::milliseconds bound)
{
    auto& b = bridge();
    std::unique_lock lock(b.mutex);
    if (!b.current.io)
        return false;
    auto on_request = b.current.on_request;
    boost::asio::post(*b.current.io, [on_request] { (*on_request)(daemon_request::shutdown); });
    if (wait)
        b.finished_cv.wait_for(lock, bound, [&] { return b.finished; });
    return true;
}

void set_service_mode(bool on)
{
    std::lock_guard lock(bridge().mutex);
    bridge().service_mode = on;
}

void install_console_handler()
{
    static bool installed = false; // only ever called from the daemon's main threads, in order
    if (!installed)
        installed = ::SetConsoleCtrlHandler(on_console_event, TRUE) != 0;
}

namespace {

class console_request_source final : public request_source {
public:
    console_request_source(boost::asio::io_context& io, std::function<void(daemon_request)> on_request)
    {
        auto& b = bridge();
        {
            std::lock_guard lock(b.mutex);
            b.current.io = &io;
            b.current.on_request = std::make_shared<std::function<void(daemon_request)>>(std::move(on_request));
            b.finished = false;
        }
        install_console_handler();
    }
    ~console_request_source() override { close(); }
    console_request_source(console_request_source const&) = delete;
    console_request_source& operator=(console_request_source const&) = delete;

    // The handler stays installed: a late event while the daemon winds down
    // is absorbed, not fatal.
    void close() override
    {
        auto& b = bridge();
        std::lock_guard lock(b.mutex);
        if (b.current.io == nullptr)
            return;
        b.current = {};
        b.finished = true;
        b.finished_cv.notify_all();
    }
};

} // namespace

} // namespace windows

std::unique_ptr<request_source> make_request_source(boost::asio::io_context& io,
                                                    std::function<void(daemon_request)> on_request)
{
    return std::make_unique<windows::console_request_source>(io, std::move(on_request));
}

} // namespace warden::platform
