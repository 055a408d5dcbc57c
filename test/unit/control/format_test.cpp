// wardenctl's output: each command's result -> text. Table-driven.
#include "control/format.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

namespace json = boost::json;
using namespace warden::control;

BOOST_AUTO_TEST_SUITE(format_tests)

BOOST_AUTO_TEST_CASE(status_table_is_aligned_like_supervisorctl)
{
    struct row {
        char const* name;
        std::string result;
        std::string text;
        bool all_running;
    };
    std::vector<row> const table = {
        {"names padded to 20",
         R"({"processes":[
             {"name":"web","group":"web","state":"RUNNING","pid":123,"uptime":5.2,"description":"pid 123, uptime 0:00:05"},
             {"name":"worker:worker_00","state":"FATAL","description":"spawn failed: cannot execute /x"},
             {"name":"cron","state":"STOPPED","description":"not started"}]})",
         "web                  RUNNING   pid 123, uptime 0:00:05\n"
         "worker:worker_00     FATAL     spawn failed: cannot execute /x\n"
         "cron                 STOPPED   not started\n",
         false},
        {"padded to the longest name",
         R"({"processes":[
             {"name":"a-rather-long-group:process_name","state":"STOPPING","description":"pid 9"},
             {"name":"b","state":"RUNNING","description":"pid 10, uptime 1 day, 2:03:04"}]})",
         "a-rather-long-group:process_name STOPPING  pid 9\n"
         "b                                RUNNING   pid 10, uptime 1 day, 2:03:04\n",
         false},
        {"all running", R"({"processes":[{"name":"x","state":"RUNNING","description":"pid 1, uptime 0:00:01"}]})",
         "x                    RUNNING   pid 1, uptime 0:00:01\n", true},
        {"no description: pid and uptime from the fields",
         R"({"processes":[{"name":"x","state":"RUNNING","pid":7,"uptime":3725.9}]})",
         "x                    RUNNING   pid 7, uptime 1:02:05\n", true},
        {"no description and not running: no trailing blanks",
         R"({"processes":[{"name":"x","state":"EXITED"}]})", "x                    EXITED\n", false},
        {"no processes", R"({"processes":[]})", "", true},
        {"garbage is tolerated", R"({"processes":[1,{"name":"y","state":"BACKOFF","description":"exit status 1"}]})",
         "y                    BACKOFF   exit status 1\n", false},
        {"not even an object", "null", "", true},
    };
    for (auto const& r : table) {
        BOOST_TEST_CONTEXT(r.name)
        {
            auto const v = json::parse(r.result);
            BOOST_TEST(format::status_table(v) == r.text);
            BOOST_TEST(format::all_running(v) == r.all_running);
        }
    }
}

BOOST_AUTO_TEST_CASE(process_results_one_line_each)
{
    struct row {
        char const* name;
        std::string result;
        char const* done_word;
        std::string text;
    };
    std::vector<row> const table = {
        {"started", R"({"processes":[{"name":"web","ok":true,"state":"RUNNING","message":"started"}]})", "started",
         "web: started\n"},
        {"empty message uses the verb", R"({"processes":[{"name":"web","ok":true,"state":"STOPPED"}]})", "stopped",
         "web: stopped\n"},
        {"failure gets the state", R"({"processes":[
             {"name":"a","ok":true,"state":"RUNNING","message":"started"},
             {"name":"web","ok":false,"state":"FATAL","message":"spawn failed: No such file or directory"}]})",
         "started", "a: started\nweb: ERROR (FATAL: spawn failed: No such file or directory)\n"},
        {"failure message already naming the state",
         R"({"processes":[{"name":"web","ok":false,"state":"FATAL","message":"FATAL: exited too quickly"}]})", "started",
         "web: ERROR (FATAL: exited too quickly)\n"},
        {"failure without a message", R"({"processes":[{"name":"web","ok":false,"state":"BACKOFF"}]})", "started",
         "web: ERROR (BACKOFF)\n"},
        {"failure without anything", R"({"processes":[{"name":"web","ok":false}]})", "started",
         "web: ERROR (failed)\n"},
        {"signalled", R"({"processes":[{"name":"g:a","ok":true,"state":"RUNNING","message":""}]})", "signalled",
         "g:a: signalled\n"},
        {"no processes key", R"({})", "started", ""},
    };
    for (auto const& r : table) {
        BOOST_TEST_CONTEXT(r.name)
        {
            BOOST_TEST(format::process_results(json::parse(r.result), r.done_word) == r.text);
        }
    }
}

BOOST_AUTO_TEST_CASE(reload_summary)
{
    struct row {
        char const* name;
        std::string result;
        std::string text;
    };
    std::vector<row> const table = {
        {"everything",
         R"({"applied":true,"added":["a","b"],"changed":["c"],"removed":["d"],"unchanged":["e","f","g"]})",
         "added: a, b\nchanged: c\nremoved: d\nunchanged: 3 programs\n"},
        {"dry run", R"({"applied":false,"added":["a"],"changed":[],"removed":[],"unchanged":["e"]})",
         "added: a\nunchanged: 1 program\n(dry run: nothing applied)\n"},
        {"no changes", R"({"applied":true,"added":[],"changed":[],"removed":[],"unchanged":["x","y"]})",
         "no changes\nunchanged: 2 programs\n"},
        {"empty config", R"({"applied":true,"added":[],"changed":[],"removed":[],"unchanged":[]})", "no changes\n"},
    };
    for (auto const& r : table) {
        BOOST_TEST_CONTEXT(r.name)
        {
            BOOST_TEST(format::reload_summary(json::parse(r.result)) == r.text);
        }
    }
}

BOOST_AUTO_TEST_CASE(small_results)
{
    struct row {
        char const* name;
        std::string text;
        std::string expected;
    };
    std::vector<row> const table = {
        {"version", format::versions(json::parse(R"({"daemon":"0.1.0","protocol":1})"), "0.1.0"),
         "wardend 0.1.0\nwardenctl 0.1.0\n"},
        {"version, other protocol", format::versions(json::parse(R"({"daemon":"0.3.0","protocol":2})"), "0.1.0"),
         "wardend 0.3.0\nwardenctl 0.1.0\n(protocol versions differ: wardend 2, wardenctl 1)\n"},
        {"pid of the daemon", format::pid(json::parse(R"({"pid":4242})")), "4242\n"},
        {"pid of a process", format::pid(json::parse(R"({"name":"web","pid":77})")), "77\n"},
        {"tail data as is", format::tail_data(json::parse(R"({"data":"a\nb"})")), "a\nb"},
        {"tail without data", format::tail_data(json::parse(R"({})")), ""},
        {"json line", format::json_line(json::parse(R"({"a":[1,"x"]})")), "{\"a\":[1,\"x\"]}\n"},
    };
    for (auto const& r : table) {
        BOOST_TEST_CONTEXT(r.name)
        {
            BOOST_TEST(r.text == r.expected);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
