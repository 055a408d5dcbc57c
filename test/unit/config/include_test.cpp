// [include] files = glob ...: relative globs, several of them, nesting,
// cycles, and what a missing file means.
#include "config/glob.hpp"

#include "config_test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace warden::config;
using namespace warden::config::test;
namespace fs = std::filesystem;

namespace {

struct match_case {
    char const* pattern;
    char const* name;
    bool matches;
};

std::vector<match_case> const match_cases{
    {"*.conf", "web.conf", true},
    {"*.conf", "web.ini", false},
    {"*", "", true},
    {"?.conf", "a.conf", true},
    {"?.conf", "ab.conf", false},
    {"[ab].conf", "b.conf", true},
    {"[ab].conf", "c.conf", false},
    {"[a-c]x", "bx", true},
    {"[a-c]x", "dx", false},
    {"[!a]x", "bx", true},
    {"[!a]x", "ax", false},
    {"[]]", "]", true},
    {"[x", "[x", true}, // an unclosed '[' is literal
    {"a*b*c", "aXXbYYc", true},
    {"a*b*c", "aXXbYY", false},
    {"**", "anything", true},
    {"exact", "exact", true},
    {"exact", "Exact", false},
};

std::vector<std::string> names_of(load_result const& r)
{
    std::vector<std::string> out;
    if (r.cfg)
        for (auto const& p : r.cfg->processes)
            out.push_back(p.name);
    return out;
}

std::string dir(char const* sub)
{
    return std::filesystem::absolute(data_dir() / "includes" / sub).lexically_normal().string();
}

} // namespace

BOOST_AUTO_TEST_SUITE(config_include)

BOOST_AUTO_TEST_CASE(wildcard_matching)
{
    for (auto const& c : match_cases)
        BOOST_TEST(wildcard_match(c.pattern, c.name, false) == c.matches,
                   "pattern " << c.pattern << " name " << c.name);
    BOOST_TEST(wildcard_match("exact", "EXACT", true));
    BOOST_TEST(wildcard_match("*.CONF", "a.conf", true));
    BOOST_TEST(has_wildcards("a/*.conf"));
    BOOST_TEST(has_wildcards("a?"));
    BOOST_TEST(has_wildcards("[ab]"));
    BOOST_TEST(!has_wildcards("a/b.conf"));
}

BOOST_AUTO_TEST_CASE(glob_sorts_and_skips_hidden_files)
{
    auto const found = glob(data_dir() / "includes" / "a" / "*.conf", false);
    std::vector<std::string> names;
    for (auto const& p : found)
        names.push_back(p.filename().string());
    BOOST_TEST((names == std::vector<std::string>{"1.conf", "2.conf", "dir.conf"}));
    auto const dotted = glob(data_dir() / "includes" / "a" / ".*.conf", false);
    BOOST_TEST(dotted.size() == 1u);
    auto const in_dirs = glob(data_dir() / "includes" / "*" / "*.ini", false);
    BOOST_TEST(in_dirs.size() == 2u); // b/literal.ini, c/z.ini
}

BOOST_AUTO_TEST_CASE(several_relative_globs_nested_and_merged)
{
    auto const path = (data_dir() / "includes" / "main.conf").string();
    load_result const r = load_file(path, host_options());
    BOOST_TEST_REQUIRE(r.cfg.has_value(), dump(r.diagnostics));
    // Read order: main, a/1, a/2, what a/2 includes, b/literal, c/z.
    BOOST_TEST((names_of(r) ==
                std::vector<std::string>{"main", "one", "two", "nested", "literal", "zed"}));
    // Sections repeated in included files are merged, later files win.
    BOOST_TEST(process(r, "main").priority == 10);
    BOOST_TEST((r.cfg->daemon.loglevel == log_level::debug));
    // %(here)s is the directory of the file holding the key.
    BOOST_TEST(process(r, "one").command.back() == dir("a"));
    BOOST_TEST(process(r, "nested").command.back() == dir("nested"));
    // A directory matched by a/*.conf is skipped with a note; dot files are not matched.
    BOOST_TEST(find(r.diagnostics, severity::note, "skipping directory").size() == 1u,
               dump(r.diagnostics));
    BOOST_TEST(count(r.diagnostics, severity::warning) == 0u, dump(r.diagnostics));
}

BOOST_AUTO_TEST_CASE(missing_literal_is_an_error_empty_glob_a_note)
{
    auto const path = (data_dir() / "includes" / "missing.conf").string();
    load_result const r = load_file(path, test_options());
    BOOST_TEST(!r.cfg.has_value());
    auto const errors = find(r.diagnostics, severity::error, "cannot read include file");
    BOOST_TEST_REQUIRE(errors.size() == 1u, dump(r.diagnostics));
    BOOST_TEST(errors[0].where.file == path);
    BOOST_TEST(errors[0].where.line == 5);
    BOOST_TEST(errors[0].message.find("not-there.conf': not found") != std::string::npos);
    auto const notes = find(r.diagnostics, severity::note, "no file matches");
    BOOST_TEST_REQUIRE(notes.size() == 1u, dump(r.diagnostics));
    BOOST_TEST(notes[0].where.line == 5);
    // The glob after the failing one is still read.
    BOOST_TEST(find(r.diagnostics, severity::error, "literal").empty());
}

BOOST_AUTO_TEST_CASE(cycle_is_an_error)
{
    auto const path = (data_dir() / "includes" / "cycle" / "x.conf").string();
    load_result const r = load_file(path, test_options());
    BOOST_TEST(!r.cfg.has_value());
    auto const errors = find(r.diagnostics, severity::error, "include cycle: ");
    BOOST_TEST_REQUIRE(errors.size() == 1u, dump(r.diagnostics));
    BOOST_TEST(errors[0].where.line == 5);
    BOOST_TEST(errors[0].where.file.find("y.conf") != std::string::npos);
    BOOST_TEST(errors[0].message.find("x.conf -> ") != std::string::npos, errors[0].message);
}

BOOST_AUTO_TEST_CASE(include_section_rules)
{
    {
        load_result const r = load("[include]\nfiels = x.conf\n");
        BOOST_TEST(find(r.diagnostics, severity::error, "[include] has no 'files' key").size() == 1u,
                   dump(r.diagnostics));
        BOOST_TEST(find(r.diagnostics, severity::warning, "did you mean 'files'?").size() == 1u,
                   dump(r.diagnostics));
    }
    {
        load_result const r = load("[include]\nfiles = %(nope)s/*.conf\n");
        BOOST_TEST(find(r.diagnostics, severity::error, "unknown name 'nope'").size() == 1u,
                   dump(r.diagnostics));
    }
}

BOOST_AUTO_TEST_CASE(unreadable_main_file)
{
    load_result const r = load_file((data_dir() / "no-such-file.conf").string(), test_options());
    BOOST_TEST(!r.cfg.has_value());
    BOOST_TEST_REQUIRE(r.diagnostics.size() == 1u);
    BOOST_TEST(r.diagnostics[0].where.line == 0);
    BOOST_TEST(format(r.diagnostics[0]).find("no-such-file.conf: error: cannot read config file") !=
               std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(daemon_only_load_follows_includes_and_skips_programs)
{
    auto const file = (data_dir() / "daemon_only" / "main.conf").string();
    auto const full = load_file(file, test_options());
    BOOST_TEST(!full.cfg.has_value()); // [program:broken] has no command and a bad boolean

    auto const daemon = load_daemon_file(file, test_options());
    BOOST_TEST_REQUIRE(daemon.cfg.has_value(), dump(daemon.diagnostics));
    BOOST_TEST(daemon.cfg->daemon.socket == "/run/elsewhere.sock");
    BOOST_TEST(daemon.cfg->processes.empty());
    BOOST_TEST(count(daemon.diagnostics, severity::error) == 0u);
}
