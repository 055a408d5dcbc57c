// The daemon's command handler: maps control-protocol requests (SPEC §5,
// docs/protocol.md) onto driver operations. Runs on the io_context thread.
#pragma once

#include "control/protocol.hpp"
#include "runtime/driver.hpp"

#include <boost/asio/io_context.hpp>

#include <string>
#include <variant>
#include <vector>

namespace warden::runtime {

class control_commands final : public control::command_handler {
public:
    control_commands(boost::asio::io_context& io, driver& d, std::string version);

    void handle(control::request const& req, control::reply_fn send) override;

private:
    /// Names (`web`, `group:*`, `all`) -> process indices, or the error reply.
    std::variant<std::vector<std::size_t>, control::reply> resolve(std::vector<std::string> const& names) const;

    control::reply status(control::request const& req) const;
    void change_state(control::request const& req, control::reply_fn send);
    control::reply signal(control::request const& req);
    control::reply pid(control::request const& req) const;
    void tail(control::request const& req, control::reply_fn send);
    control::reply reload(control::request const& req);
    void shutdown(control::reply_fn send);

    boost::asio::io_context& io_;
    driver& driver_;
    std::string version_;
};

/// supervisorctl's last column: "pid 123, uptime 0:00:05", or why it is not running.
/// `waiting_for`: the dependencies a start still waits for ("db (FATAL)");
/// `notify_status`: the last STATUS= of a `ready = notify` process.
std::string describe(core::process_record const& record, std::string const& last_reason, core::time_point now,
                     std::string const& waiting_for = {}, std::string const& notify_status = {});

} // namespace warden::runtime
