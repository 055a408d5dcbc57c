// Run an io_context until a condition holds or a deadline passes: the only
// way the unit tests wait (no sleep as synchronisation).
#pragma once

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <functional>

namespace warden::test {

/// Returns whether `done()` became true before `limit` elapsed.
inline bool run_until(boost::asio::io_context& io, std::function<bool()> const& done,
                      std::chrono::milliseconds limit = std::chrono::seconds(10))
{
    using std::chrono::steady_clock;
    auto const deadline = steady_clock::now() + limit;
    while (!done()) {
        auto const now = steady_clock::now();
        if (now >= deadline)
            return false;
        if (io.stopped())
            io.restart();
        // Wake at least every 50 ms so a condition set outside the io_context is seen.
        io.run_one_for(std::min<steady_clock::duration>(deadline - now, std::chrono::milliseconds(50)));
    }
    return true;
}

} // namespace warden::test
