// Helpers shared by the config unit tests.
#pragma once

#include "config/load.hpp"
#include "config/sources.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace warden::config::test {

/// test/data/config in the source tree. The full build defines
/// WARDEN_TEST_DATA; the portable (mingw) build does not, so fall back to
/// this header's own location.
inline std::filesystem::path data_dir()
{
#ifdef WARDEN_TEST_DATA
    return std::filesystem::path(WARDEN_TEST_DATA) / "config";
#else
    return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "data" /
           "config";
#endif
}

/// Options with a fixed host and environment, so tests never depend on the machine.
inline load_options test_options()
{
    load_options o;
    o.host_node_name = "testhost";
    o.environment = {{"HOME", "/home/tester"}, {"WORKERS", "3"}, {"APP_ENV", "production"}};
    o.default_childlogdir = "/var/log/warden";
    return o;
}

/// test_options() with the platform the tests run on, for tests whose
/// commands hold host paths (%(here)s): on Windows those have backslashes,
/// which a POSIX command split would take for escapes.
inline load_options host_options()
{
    load_options o = test_options();
#ifdef _WIN32
    o.platform = target_platform::windows;
#endif
    return o;
}

/// The name `load` gives its text.
inline std::string const test_file = "/etc/warden/t.conf";

/// %(here)s of `test_file` on this host ("/etc/warden" on POSIX; on Windows
/// the same path on the current drive).
inline std::string test_here()
{
    return here_of(test_file);
}

/// `load_text` of a file named "/etc/warden/t.conf".
inline load_result load(std::string const& text, load_options const& o = test_options())
{
    return load_text(test_file, text, o);
}

/// Every diagnostic, formatted, one per line: for failure messages.
inline std::string dump(std::vector<diagnostic> const& ds)
{
    std::string out;
    for (auto const& d : ds)
        out += format(d) + "\n";
    return out;
}

/// The diagnostics of `level` whose message contains `text`.
inline std::vector<diagnostic> find(std::vector<diagnostic> const& ds, severity level,
                                    std::string const& text)
{
    std::vector<diagnostic> out;
    for (auto const& d : ds)
        if (d.level == level && d.message.find(text) != std::string::npos)
            out.push_back(d);
    return out;
}

inline std::size_t count(std::vector<diagnostic> const& ds, severity level)
{
    return static_cast<std::size_t>(std::count_if(
        ds.begin(), ds.end(), [&](diagnostic const& d) { return d.level == level; }));
}

/// The process called `name`, or a test failure.
inline process_spec const& process(load_result const& r, std::string const& name)
{
    BOOST_TEST_REQUIRE(r.cfg.has_value(), dump(r.diagnostics));
    for (auto const& p : r.cfg->processes)
        if (p.name == name)
            return p;
    BOOST_FAIL("no process named " + name + "\n" + dump(r.diagnostics));
    throw 0; // unreachable
}

} // namespace warden::config::test
