// `ready = tcp:HOST:PORT`: the process is ready once a TCP connect to
// HOST:PORT succeeds. There is no event for "someone started listening", so
// this is the one poll in warden: a connect attempt every `interval` until
// one succeeds or the probe is destroyed (the core's ready_timeout bounds it).
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace warden::runtime {

class tcp_probe {
public:
    /// Starts probing at once; `on_ready` runs at most once, on the io_context
    /// thread, and never after the probe is destroyed.
    tcp_probe(boost::asio::io_context& io, std::string host, std::uint16_t port, std::function<void()> on_ready,
              std::chrono::milliseconds interval = std::chrono::milliseconds(100));
    ~tcp_probe();
    tcp_probe(tcp_probe const&) = delete;
    tcp_probe& operator=(tcp_probe const&) = delete;

private:
    struct state;
    std::shared_ptr<state> state_;
};

} // namespace warden::runtime
