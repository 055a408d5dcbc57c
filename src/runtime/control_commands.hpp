// The JSON-lines front door's command handler: translates control-protocol
// requests (SPEC §5, docs/protocol.md) into the shared operations
// (operations.hpp) and their outcomes into replies. Runs on the io_context
// thread.
#pragma once

#include "control/protocol.hpp"
#include "runtime/operations.hpp"

#include <string>
#include <variant>
#include <vector>

namespace warden::runtime {

class control_commands final : public control::command_handler {
public:
    explicit control_commands(operations& ops);

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

    operations& ops_;
    driver& driver_;
};

} // namespace warden::runtime
