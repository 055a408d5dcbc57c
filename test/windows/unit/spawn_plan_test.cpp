// The pure parts of a Windows spawn: command-line quoting (checked against
// Windows' own CommandLineToArgvW), the environment block, the program search.
#include "platform/windows/spawn_plan.hpp"
#include "platform/windows/win_util.hpp"

#include <boost/test/unit_test.hpp>

#include <shellapi.h>

#include <set>

using namespace warden::platform::windows;

namespace {

std::vector<std::wstring> split_like_windows(std::wstring const& line)
{
    int argc = 0;
    wchar_t** argv = ::CommandLineToArgvW(line.c_str(), &argc);
    std::vector<std::wstring> out(argv, argv + argc);
    ::LocalFree(argv);
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(windows_spawn_plan)

BOOST_AUTO_TEST_CASE(quoting_round_trips_through_CommandLineToArgvW)
{
    std::vector<std::vector<std::wstring>> cases = {
        {L"prog.exe", L"plain"},
        {L"C:\\Program Files\\x\\prog.exe", L"with space", L""},
        {L"prog", L"quote\"inside", L"trailing\\", L"trailing space\\", L"back\\\\\"slash"},
        {L"prog", L"C:\\path\\", L"tab\there", L"a\\b\\c"},
    };
    for (auto const& argv : cases) {
        auto const line = quote_command_line(argv);
        BOOST_TEST((split_like_windows(line) == argv), "round trip of " << narrow(line));
    }
}

BOOST_AUTO_TEST_CASE(plain_arguments_stay_unquoted)
{
    BOOST_TEST(narrow(quote_command_line({L"a.exe", L"b", L"c\\d"})) == "a.exe b c\\d");
}

BOOST_AUTO_TEST_CASE(environment_overrides_ignore_case_and_block_is_terminated)
{
    env_list base{{L"Path", L"C:\\old"}, {L"A", L"1"}};
    env_list overrides{{L"PATH", L"C:\\new"}, {L"B", L"2"}};
    auto const block = environment_block(base, overrides);
    BOOST_TEST(block.size() >= 2);
    BOOST_TEST((block.substr(block.size() - 2) == std::wstring(L"\0\0", 2)));
    std::set<std::wstring> entries;
    for (std::size_t i = 0; i < block.size() && block[i];) {
        std::wstring e(block.c_str() + i);
        entries.insert(e);
        i += e.size() + 1;
    }
    BOOST_TEST(entries.size() == 3u);
    BOOST_TEST(entries.count(L"PATH=C:\\new") == 1u);
    BOOST_TEST(entries.count(L"A=1") == 1u);
    BOOST_TEST(entries.count(L"B=2") == 1u);
}

BOOST_AUTO_TEST_CASE(program_search_order_and_extensions)
{
    std::set<std::wstring> files{L"C:\\bin\\tool.exe", L"D:\\x\\other.com", L"C:\\w\\rel\\r.exe"};
    auto const is_file = [&](std::wstring const& p) { return files.count(p) > 0; };
    BOOST_TEST(narrow(find_program(L"tool", L"", L"C:\\nothing;C:\\bin", {}, is_file).value_or(L"-")) ==
               "C:\\bin\\tool.exe");
    BOOST_TEST(narrow(find_program(L"other", L"", L"", {L"D:\\x"}, is_file).value_or(L"-")) == "D:\\x\\other.com");
    BOOST_TEST(narrow(find_program(L"rel\\r", L"C:\\w", L"", {}, is_file).value_or(L"-")) == "C:\\w\\rel\\r.exe");
    BOOST_TEST(!find_program(L"missing", L"", L"C:\\bin", {}, is_file).has_value());
}

BOOST_AUTO_TEST_CASE(exit_codes_read_as_windows_users_expect)
{
    BOOST_TEST(describe_exit_code(0) == "exit code 0");
    BOOST_TEST(describe_exit_code(3) == "exit code 3");
    BOOST_TEST(describe_exit_code(0xC000013Au) == "exit code 0xC000013A (STATUS_CONTROL_C_EXIT)");
    BOOST_TEST(describe_exit_code(0xC0000005u) == "exit code 0xC0000005 (STATUS_ACCESS_VIOLATION)");
}

BOOST_AUTO_TEST_SUITE_END()
