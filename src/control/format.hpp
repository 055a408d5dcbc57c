// wardenctl's human output: each function turns one command's `result`
// (docs/protocol.md) into the text it prints. Pure; tolerant of missing
// fields (a newer or older daemon must not make wardenctl crash).
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace warden::control::format {

/// `status`: supervisorctl's table, one line per process:
/// name (padded to the longest name, at least 20), state (padded to 10),
/// description ("pid 123, uptime 0:00:05", "exit status 1", ...).
std::string status_table(boost::json::value const& result);

/// `status`: whether every process in the result is RUNNING (wardenctl
/// exits 3 otherwise, like supervisorctl 4).
bool all_running(boost::json::value const& result);

/// `start`/`stop`/`restart`/`signal`: one line per process, like
/// supervisorctl: "web: started", "web: ERROR (FATAL: spawn failed: ...)".
/// `done_word` stands in for an empty message of a process that succeeded.
std::string process_results(boost::json::value const& result, std::string_view done_word);

/// `reload`: "added: a, b" / "changed: c" / "removed: d" (each only when
/// not empty, "no changes" when none is), "unchanged: 3 programs", and
/// "(dry run: nothing applied)" when `applied` is false.
std::string reload_summary(boost::json::value const& result);

/// `version`: "wardend 0.1.0\nwardenctl 0.1.0\n" (plus a note when the
/// protocol versions differ).
std::string versions(boost::json::value const& result, std::string_view client_version);

/// `pid`: the number and a newline.
std::string pid(boost::json::value const& result);

/// `tail`: the `data` string, as is.
std::string tail_data(boost::json::value const& result);

/// `--json`: the result as one line of JSON (valid UTF-8), with a newline.
std::string json_line(boost::json::value const& result);

} // namespace warden::control::format
