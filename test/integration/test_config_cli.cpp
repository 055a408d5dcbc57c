// Integration: wardend's command line (SPEC §1): --check, --strict, exit
// codes, FILE:LINE diagnostics, and refusing to run an invalid file.
#include <boost/test/unit_test.hpp>

#include "support/child.hpp"
#include "support/config_text.hpp"
#include "support/daemon.hpp"

#include <regex>

using namespace warden::it;

BOOST_AUTO_TEST_SUITE(config_cli)

namespace {

bool contains(std::string const& text, std::string const& part)
{
    return text.find(part) != std::string::npos;
}

// Line numbers matter below: the file is written line by line.
std::string bad_config(temp_dir const& dir)
{
    return "[program:bad]\n"                                   // 1
           "command = " + child_command(dir, "bad") + "\n"     // 2
           "autostart = maybe\n"                               // 3
           "startsecs = soon\n"                                // 4
           "\n"                                                // 5
           "[program:fine]\n"                                  // 6
           "command = " + child_command(dir, "fine") + "\n";   // 7
}

} // namespace

BOOST_AUTO_TEST_CASE(check_accepts_a_good_file)
{
    temp_dir dir;
    auto const good = dir.write("good.ini", warden_section(dir) + program_section("web", child_command(dir, "web")));
    auto const r = run_wardend(dir, {"--check", "-c", good.string()});
    BOOST_TEST(r.status == 0, r.output);
    BOOST_TEST(contains(r.output, "valid"), r.output);
    BOOST_TEST(!contains(r.output, "invalid"), r.output);
    BOOST_TEST(!fs::exists(dir / "records")); // --check starts nothing
}

// Every error, each as FILE:LINE:, and exit 2.
BOOST_AUTO_TEST_CASE(check_reports_every_error_with_file_and_line)
{
    temp_dir dir;
    auto const bad = dir.write("bad.ini", bad_config(dir));
    auto const r = run_wardend(dir, {"--check", "-c", bad.string()});
    BOOST_TEST(r.status == 2, r.output);
    BOOST_TEST(contains(r.output, "bad.ini:3:"), r.output);
    BOOST_TEST(contains(r.output, "maybe"), r.output);
    BOOST_TEST(contains(r.output, "bad.ini:4:"), r.output); // not only the first error
    BOOST_TEST(contains(r.output, "soon"), r.output);
    BOOST_TEST(!fs::exists(dir / "records"));
}

// An unknown key is a warning (exit 0) with a suggestion; --strict makes it an error.
BOOST_AUTO_TEST_CASE(warnings_pass_check_but_not_strict)
{
    temp_dir dir;
    auto const warn = dir.write("warn.ini", "[program:web]\n"                                    // 1
                                            "command = " + child_command(dir, "web") + "\n"      // 2
                                            "autorestrat = true\n");                             // 3
    auto const lenient = run_wardend(dir, {"--check", "-c", warn.string()});
    BOOST_TEST(lenient.status == 0, lenient.output);
    BOOST_TEST(contains(lenient.output, "warn.ini:3:"), lenient.output);
    BOOST_TEST(contains(lenient.output, "did you mean 'autorestart'"), lenient.output);

    auto const strict = run_wardend(dir, {"--check", "--strict", "-c", warn.string()});
    BOOST_TEST(strict.status == 2, strict.output);
    BOOST_TEST(contains(strict.output, "warn.ini:3:"), strict.output);
}

// The daemon itself refuses an invalid file: exit 2, the errors, no child.
BOOST_AUTO_TEST_CASE(the_daemon_refuses_to_start_on_an_invalid_file)
{
    temp_dir dir;
    auto const bad = dir.write("bad.ini", bad_config(dir));
    auto const r = run_wardend(dir, {"-c", bad.string()});
    BOOST_TEST(r.status == 2, r.output);
    BOOST_TEST(contains(r.output, "bad.ini:3:"), r.output);
    BOOST_TEST(contains(r.output, "bad.ini:4:"), r.output);
    BOOST_TEST(!fs::exists(dir / "records"), "a child was started"); // "fine" would have recorded its start
    BOOST_TEST(processes_with(dir.path().string()).empty());
}

BOOST_AUTO_TEST_CASE(a_missing_config_file_is_a_config_error)
{
    temp_dir dir;
    auto const missing = (dir / "missing.ini").string();
    auto const check = run_wardend(dir, {"--check", "-c", missing});
    BOOST_TEST(check.status == 2, check.output);
    BOOST_TEST(contains(check.output, "missing.ini"), check.output);
    auto const run = run_wardend(dir, {"-c", missing});
    BOOST_TEST(run.status == 2, run.output);
}

BOOST_AUTO_TEST_CASE(version_and_help_exit_0)
{
    temp_dir dir;
    auto const version = run_wardend(dir, {"--version"});
    BOOST_TEST(version.status == 0, version.output);
    BOOST_TEST(std::regex_search(version.output, std::regex(R"(wardend \d+\.\d+\.\d+)")), version.output);

    auto const help = run_wardend(dir, {"--help"});
    BOOST_TEST(help.status == 0, help.output);
    for (char const* option : {"--config", "--check", "--strict", "--log-level", "--version"})
        BOOST_TEST(contains(help.output, option), option);
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_2)
{
    temp_dir dir;
    auto const good = dir.write("good.ini", program_section("web", child_command(dir, "web"))).string();
    for (auto const& args : std::vector<std::vector<std::string>>{
             {"--bogus"},
             {"-c"},
             {"--log-level", "chatty", "-c", good},
             {"--strict", "-c", good},
         }) {
        std::string joined;
        for (auto const& a : args)
            joined += " " + a;
        auto const r = run_wardend(dir, args);
        BOOST_TEST(r.status == 2, "wardend" << joined << ":\n" << r.output);
    }
    BOOST_TEST(!fs::exists(dir / "records"));
}

BOOST_AUTO_TEST_SUITE_END()
