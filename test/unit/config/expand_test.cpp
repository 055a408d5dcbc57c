// %(name)s expansion: Python's %-formatting with a mapping, as supervisord uses it.
#include "config/expand.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace warden::config;

namespace {

expansion_map const names{
    {"program_name", std::string("web")},
    {"process_num", 7LL},
    {"numprocs", 12LL},
    {"here", std::string("/etc/warden")},
    {"ENV_N", std::string("42")},
    {"ENV_WORD", std::string("abc")},
};

struct expand_case {
    char const* text;
    char const* expected;
};

std::vector<expand_case> const good{
    {"plain text", "plain text"},
    {"%(program_name)s", "web"},
    {"%(here)s/log", "/etc/warden/log"},
    {"%(process_num)s", "7"},
    {"%(process_num)d", "7"},
    {"%(process_num)i", "7"},
    {"%(process_num)02d", "07"},
    {"%(process_num)03d", "007"},
    {"%(numprocs)02d", "12"},
    {"%(process_num)-3d|", "7  |"},
    {"%(process_num)3d", "  7"},
    {"%(process_num)+d", "+7"},
    {"%(process_num).3d", "007"},
    {"%(process_num)x %(numprocs)X %(numprocs)o %(numprocs)#x", "7 C 14 0xc"},
    {"%(program_name)5s|", "  web|"},
    {"%(program_name)-5s|", "web  |"},
    {"%(program_name).1s", "w"},
    {"%(process_num)ld", "7"},
    {"%%", "%"},
    {"100%% of %(program_name)s", "100% of web"},
    {"%%(program_name)s", "%(program_name)s"},
    {"%(ENV_WORD)s-%(ENV_N)s", "abc-42"},
    {"%(ENV_N)d", "42"}, // lenient: Python would want a number here
    {"%(ENV_N)03d", "042"},
    {"", ""},
};

struct bad_case {
    char const* text;
    char const* error_part;
};

std::vector<bad_case> const bad{
    {"%(nope)s", "unknown name 'nope'"},
    {"%(ENV_MISSING)s", "unknown name 'ENV_MISSING'"},
    {"50%", "must be '%(name)s' or '%%'"},
    {"%s", "must be '%(name)s' or '%%'"},
    {"%d", "must be '%(name)s' or '%%'"},
    {"%(program_name", "unclosed '%('"},
    {"%(program_name)", "has no conversion"},
    {"%(program_name)d", "needs a number"},
    {"%(process_num)f", "unsupported conversion 'f'"},
};

} // namespace

BOOST_AUTO_TEST_SUITE(config_expand)

BOOST_AUTO_TEST_CASE(expands)
{
    for (auto const& c : good) {
        BOOST_TEST_CONTEXT("text: " << c.text)
        {
            auto const r = expand(c.text, names);
            BOOST_TEST(r.ok(), r.error);
            BOOST_TEST(r.value == c.expected);
        }
    }
}

BOOST_AUTO_TEST_CASE(refuses)
{
    for (auto const& c : bad) {
        BOOST_TEST_CONTEXT("text: " << c.text)
        {
            auto const r = expand(c.text, names);
            BOOST_TEST(!r.ok());
            BOOST_TEST(r.error.find(c.error_part) != std::string::npos, r.error);
        }
    }
}

BOOST_AUTO_TEST_CASE(unknown_name_lists_the_known_ones)
{
    auto const r = expand("%(progam_name)s", names);
    BOOST_TEST(r.error.find("program_name") != std::string::npos, r.error);
    BOOST_TEST(r.error.find("ENV_<VAR>") != std::string::npos, r.error);
    BOOST_TEST(r.error.find("ENV_WORD") == std::string::npos, r.error);
}

BOOST_AUTO_TEST_SUITE_END()
