// A process_host on its own io_context that records every callback, plus the
// helpers the platform tests share. Every wait has a deadline; the io_context
// is run until a condition holds, never slept on.
#pragma once

#include "platform/process_host.hpp"

#include <boost/asio/io_context.hpp>

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace warden::platform::testing {

using namespace std::chrono_literals;

/// The scriptable child: $WARDEN_TEST_CHILD, else TEST_CHILD_PATH, else
/// `bin/warden-test-child` next to this test executable.
std::string test_child_path();

/// The exact bytes `warden-test-child --flood n` writes.
std::string flood_pattern(std::size_t n);

/// The first line of /proc/<pid>/status that starts with `key` ("SigIgn:").
std::string proc_status_field(pid_t pid, std::string const& key);

bool process_exists(pid_t pid);

/// Become a child subreaper (orphans of our children are re-parented to us).
void become_subreaper();

/// A fresh path under the temporary directory (the file is not created).
std::string temp_path(std::string const& stem);

std::string read_file(std::string const& path);

/// Does waitpid(-1, WNOHANG) say we have no child at all (no zombie either)?
bool no_children_left();

struct exit_event {
    std::size_t owner;
    core::pid_type pid;
    core::exit_status status;
    std::string description;
};

struct host_fixture {
    host_fixture();
    /// Runs finish() so no test leaves a process behind for the next one.
    ~host_fixture();
    host_fixture(host_fixture const&) = delete;
    host_fixture& operator=(host_fixture const&) = delete;

    /// Run the io_context until `done()` holds or `limit` passes; returns done().
    bool run_until(std::function<bool()> const& done, std::chrono::milliseconds limit = 10s);

    /// Run whatever is ready now, without waiting.
    void poll();

    /// A request for the test child with `args`.
    spawn_request child(std::size_t owner, std::vector<std::string> args) const;

    /// Spawn and require success.
    pid_t spawn_ok(spawn_request const& request);

    /// Spawn and require failure; returns its message.
    std::string spawn_fails(spawn_request const& request);

    std::optional<exit_event> exit_of(std::size_t owner) const;
    bool closed(std::size_t owner, output_stream stream) const;
    std::string const& output(std::size_t owner, output_stream stream);
    bool logged(std::string const& needle) const;
    std::string all_logs() const;

    /// Wait until `owner` exited and both its streams (one when redirected) closed.
    bool run_until_gone(std::size_t owner, bool redirected = false, std::chrono::milliseconds limit = 10s);

    boost::asio::io_context io;
    std::vector<exit_event> exits;
    std::map<std::pair<std::size_t, output_stream>, std::string> outputs;
    std::set<std::pair<std::size_t, output_stream>> closed_streams;
    std::vector<std::pair<log_severity, std::string>> logs;
    std::unique_ptr<process_host> host;
};

} // namespace warden::platform::testing
