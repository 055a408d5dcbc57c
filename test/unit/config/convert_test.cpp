// Value conversions, each as supervisord's datatypes.py does it.
#include "config/convert.hpp"

#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>
#include <vector>

using namespace warden::config;

namespace {

template <class T>
struct conv_case {
    char const* text;
    std::optional<T> expected; // nothing: refused
};

template <class T, class F>
void check(std::vector<conv_case<T>> const& cases, F convert)
{
    for (auto const& c : cases) {
        BOOST_TEST_CONTEXT("text: '" << c.text << "'")
        {
            auto const r = convert(c.text);
            BOOST_TEST(r.value.has_value() == c.expected.has_value(), r.error);
            if (r.value && c.expected)
                BOOST_TEST((*r.value == *c.expected));
            if (!r.value)
                BOOST_TEST(!r.error.empty());
        }
    }
}

using strings = std::vector<std::string>;
using env = std::vector<std::pair<std::string, std::string>>;

} // namespace

BOOST_AUTO_TEST_SUITE(config_convert)

BOOST_AUTO_TEST_CASE(booleans)
{
    check<bool>({{"true", true}, {"TRUE", true}, {"yes", true}, {"On", true}, {"1", true},
                 {"false", false}, {"No", false}, {"off", false}, {"0", false},
                 {" true ", true}, {"maybe", {}}, {"", {}}, {"2", {}}, {"y", {}}},
                parse_bool);
}

BOOST_AUTO_TEST_CASE(integers)
{
    check<long long>({{"0", 0}, {"42", 42}, {"-5", -5}, {"+5", 5}, {" 7 ", 7}, {"\n7", 7},
                      {"1_000", 1000}, {"1__0", {}}, {"_1", {}}, {"1.5", {}}, {"", {}},
                      {"ten", {}}, {"0x10", {}}, {"99999999999999999999", {}}},
                     parse_integer);
}

BOOST_AUTO_TEST_CASE(byte_sizes)
{
    check<std::uint64_t>({{"123", 123}, {"0", 0}, {"1KB", 1024}, {"1kb", 1024},
                          {"50MB", 50ull << 20}, {"50mb", 50ull << 20}, {"1GB", 1ull << 30},
                          {"2 MB", 2ull << 20}, {"1K", {}}, {"MB", {}}, {"-1", {}},
                          {"1.5MB", {}}, {"1TB", {}}, {"", {}}},
                         parse_byte_size);
}

BOOST_AUTO_TEST_CASE(octal_modes)
{
    check<unsigned>({{"022", 022u}, {"0", 0u}, {"777", 0777u}, {"0o600", 0600u}, {"0600", 0600u},
                     {"8", {}}, {"099", {}}, {"rw", {}}, {"", {}}, {"17777", {}}},
                    parse_octal);
}

BOOST_AUTO_TEST_CASE(posix_signals)
{
    auto posix = [](std::string_view t) { return parse_signal(t, target_platform::posix); };
    check<signal_id>({{"TERM", signal_id::term}, {"SIGTERM", signal_id::term},
                      {"sigterm", signal_id::term}, {"term", signal_id::term},
                      {"Hup", signal_id::hup}, {"INT", signal_id::int_},
                      {"QUIT", signal_id::quit}, {"KILL", signal_id::kill},
                      {"USR1", signal_id::usr1}, {"USR2", signal_id::usr2},
                      {"WINCH", signal_id::winch}, {"ALRM", signal_id::alrm},
                      {"CONT", signal_id::cont}, {"STOP", signal_id::stop},
                      {"15", signal_id::term}, {"9", signal_id::kill}, {"1", signal_id::hup},
                      {"TERMINATE", {}}, {"BREAK", {}}, {"0", {}}, {"99", {}}, {"", {}}},
                     posix);
}

BOOST_AUTO_TEST_CASE(windows_signals)
{
    auto windows = [](std::string_view t) { return parse_signal(t, target_platform::windows); };
    check<signal_id>({{"BREAK", signal_id::break_}, {"SIGBREAK", signal_id::break_},
                      {"TERM", signal_id::break_}, {"INT", signal_id::break_},
                      {"quit", signal_id::break_}, {"KILL", signal_id::kill},
                      {"15", signal_id::break_}, {"9", signal_id::kill},
                      {"HUP", {}}, {"USR1", {}}, {"WINCH", {}}, {"NOPE", {}}},
                     windows);
}

BOOST_AUTO_TEST_CASE(autorestart)
{
    check<autorestart_mode>({{"unexpected", autorestart_mode::unexpected},
                             {"UNEXPECTED", autorestart_mode::unexpected},
                             {"true", autorestart_mode::always}, {"1", autorestart_mode::always},
                             {"false", autorestart_mode::never}, {"off", autorestart_mode::never},
                             {"always", {}}, {"", {}}},
                            parse_autorestart);
}

BOOST_AUTO_TEST_CASE(exitcodes)
{
    check<std::vector<int>>({{"0", std::vector<int>{0}}, {"0,2", std::vector<int>{0, 2}},
                             {" 0 , 1 ,2 ", std::vector<int>{0, 1, 2}},
                             {"", std::vector<int>{}}, {"0,", {}}, {"256", {}}, {"-1", {}},
                             {"a", {}}, {"0 1", {}}},
                            parse_exitcodes);
}

BOOST_AUTO_TEST_CASE(log_levels)
{
    check<log_level>({{"critical", log_level::critical}, {"error", log_level::error},
                      {"warn", log_level::warning}, {"WARNING", log_level::warning},
                      {"info", log_level::info}, {"Debug", log_level::debug},
                      {"trace", log_level::trace}, {"blather", log_level::trace},
                      {"verbose", {}}, {"", {}}},
                     parse_log_level);
}

BOOST_AUTO_TEST_CASE(posix_command_split_like_shlex)
{
    auto posix = [](std::string_view t) { return split_command(t, target_platform::posix); };
    check<strings>({{"a b  c", strings{"a", "b", "c"}},
                    {"  lead\ttrail\n", strings{"lead", "trail"}},
                    {"sh -c 'a; b'", strings{"sh", "-c", "a; b"}},
                    {"echo \"hi there\"", strings{"echo", "hi there"}},
                    {"a\\ b", strings{"a b"}},
                    {"\"a\\\"b\"", strings{"a\"b"}},
                    {"\"a\\\\b\"", strings{"a\\b"}},
                    {"\"c\\d\"", strings{"c\\d"}},       // \ escapes only \ and " in "..."
                    {"'e\\f'", strings{"e\\f"}},         // nothing in '...'
                    {"\"\" ''", strings{"", ""}},
                    {"x\"\"y pre'mid'post", strings{"xy", "premidpost"}},
                    {"it\\'s", strings{"it's"}},
                    {"a#b # c", strings{"a#b", "#", "c"}}, // no comments in shlex.split
                    {"", strings{}},
                    {"'unclosed", {}},
                    {"\"unclosed", {}},
                    {"trailing\\", {}}},
                   posix);
}

BOOST_AUTO_TEST_CASE(windows_command_split)
{
    auto windows = [](std::string_view t) { return split_command(t, target_platform::windows); };
    check<strings>({{"C:\\app\\run.exe --dir C:\\data", strings{"C:\\app\\run.exe", "--dir", "C:\\data"}},
                    {"\"C:\\Program Files\\app.exe\" -x", strings{"C:\\Program Files\\app.exe", "-x"}},
                    {"cmd /c 'a b'", strings{"cmd", "/c", "a b"}},
                    {"a\\ b", strings{"a\\", "b"}},
                    {"\"unclosed", {}}},
                   windows);
}

BOOST_AUTO_TEST_CASE(environment)
{
    check<env>({{"A=1", env{{"A", "1"}}},
                {"A=1,B=2", env{{"A", "1"}, {"B", "2"}}},
                {"A=\"x,y\",B='p q'", env{{"A", "x,y"}, {"B", "p q"}}},
                {"\n  A=\"1\",\n  B=\"2\"\n", env{{"A", "1"}, {"B", "2"}}},
                {"A=1\nB=2", env{{"A", "1"}, {"B", "2"}}},
                {"A=1,", env{{"A", "1"}}},
                {" A = 1 , B = 2 ", env{{"A", "1"}, {"B", "2"}}},
                {"A=1,B=2,A=3", env{{"A", "3"}, {"B", "2"}}},
                {"PATH=/usr/bin:$PATH", env{{"PATH", "/usr/bin:$PATH"}}},
                {"URL=redis://h:6379/0,X=a=b", env{{"URL", "redis://h:6379/0"}, {"X", "a=b"}}},
                {"EMPTY=", env{{"EMPTY", ""}}},
                {"EMPTY=\"\"", env{{"EMPTY", ""}}},
                {"COLOR=#fff", env{{"COLOR", "#fff"}}},
                {"", env{}},
                {"NOEQUALS", {}},
                {"=1", {}},
                {"A B=1", {}},
                {"A=\"unclosed", {}}},
               parse_environment);
}

BOOST_AUTO_TEST_CASE(name_lists)
{
    BOOST_TEST((parse_name_list("a, b ,c") == strings{"a", "b", "c"}));
    BOOST_TEST((parse_name_list("a,,b,") == strings{"a", "b"}));
    BOOST_TEST(parse_name_list("").empty());
}

BOOST_AUTO_TEST_CASE(ready_checks)
{
    auto ready = [](std::string_view t) { return parse_ready(t, target_platform::posix); };
    BOOST_TEST((ready("startsecs").value->kind == ready_kind::startsecs));
    BOOST_TEST((ready("notify").value->kind == ready_kind::notify));
    auto const tcp = ready("tcp:localhost:8080").value;
    BOOST_TEST_REQUIRE(tcp.has_value());
    BOOST_TEST((tcp->kind == ready_kind::tcp));
    BOOST_TEST(tcp->host == "localhost");
    BOOST_TEST(tcp->port == 8080);
    auto const v6 = ready("tcp:[::1]:5432").value;
    BOOST_TEST_REQUIRE(v6.has_value());
    BOOST_TEST(v6->host == "::1");
    auto const ex = ready("exec:pg_isready -h 'db host'").value;
    BOOST_TEST_REQUIRE(ex.has_value());
    BOOST_TEST((ex->command == strings{"pg_isready", "-h", "db host"}));
    for (char const* bad : {"tcp:8080", "tcp:host:0", "tcp:host:70000", "tcp:host:http", "exec:",
                            "exec:'x", "sometimes", ""})
        BOOST_TEST(!ready(bad).value.has_value(), bad);
}

BOOST_AUTO_TEST_CASE(ready_notify_is_refused_on_windows)
{
    auto const r = parse_ready("notify", target_platform::windows);
    BOOST_TEST(!r.value.has_value());
    BOOST_TEST(r.error.find("not supported on Windows") != std::string::npos);
    BOOST_TEST(parse_ready("tcp:127.0.0.1:80", target_platform::windows).value.has_value());
}

BOOST_AUTO_TEST_CASE(names_of_enums)
{
    BOOST_TEST(to_string(signal_id::term) == "TERM");
    BOOST_TEST(to_string(signal_id::int_) == "INT");
    BOOST_TEST(to_string(signal_id::break_) == "BREAK");
    BOOST_TEST(to_string(log_level::warning) == "warning");
}

BOOST_AUTO_TEST_SUITE_END()
