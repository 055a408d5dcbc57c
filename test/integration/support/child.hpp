// The scriptable test child (test/integration/child/child.cpp) seen from a test.
#pragma once

#include "support/files.hpp"
#include "support/proc.hpp"

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace warden::it {

/// A `command =` value running the test child as `name`, recording into the
/// test directory's `records` file, then `args`. The record path names the
/// test directory, which marks the process (and its forks) as this test's.
std::string child_command(temp_dir const& dir, std::string_view name, std::string_view args = {});

/// One line the child appends to its --record file: "<pid> <name> <event> <ns>".
struct record {
    pid_t pid = 0;
    std::string name;
    std::string event; ///< start, term, exit
    std::uint64_t ns = 0; ///< CLOCK_MONOTONIC
};

/// Every record of the test directory's `records` file, in file order.
std::vector<record> read_records(temp_dir const& dir);
/// Only the records with this event (and this name, when given).
std::vector<record> records_of(std::vector<record> const& all, std::string_view event, std::string_view name = {});

/// Waits until `name` has written at least `count` records of `event` (a
/// child writes "start" once its signal handlers are in place: wait for it
/// before signalling a process that was just spawned); returns them, fewer
/// when `timeout` passed first.
std::vector<record> wait_for_records(temp_dir const& dir, std::string_view event, std::string_view name,
                                     std::size_t count = 1, clock::duration timeout = 10s);

/// The bytes `--flood N` writes: 16-byte records, each its own offset as 15
/// zero-padded digits and '\n', the last one cut to fit.
std::string flood_pattern(std::size_t size);

} // namespace warden::it
