// Integration: start and stop order by priority; one tier stops in parallel (SPEC §4.1).
#include <boost/test/unit_test.hpp>

#include "support/child.hpp"
#include "support/config_text.hpp"
#include "support/daemon.hpp"

#include <algorithm>
#include <csignal>
#include <cstdio>

using namespace warden::it;

BOOST_AUTO_TEST_SUITE(ordering)

namespace {

std::uint64_t earliest(std::vector<record> const& rs)
{
    return std::min_element(rs.begin(), rs.end(), [](auto const& a, auto const& b) { return a.ns < b.ns; })->ns;
}

std::uint64_t latest(std::vector<record> const& rs)
{
    return std::max_element(rs.begin(), rs.end(), [](auto const& a, auto const& b) { return a.ns < b.ns; })->ns;
}

} // namespace

// Three tiers of two processes each, declared out of order. Start: ascending
// priority (the daemon spawns in that order; its STARTING lines show it).
// Stop: descending, and a tier is down before the next one is signalled, so
// every "term" of tier 30 precedes every "term" of tier 20, and so on.
BOOST_AUTO_TEST_CASE(start_ascending_stop_descending_tier_by_tier)
{
    temp_dir dir;
    std::string config = warden_section(dir);
    for (int priority : {20, 30, 10}) {
        std::string const name = "p" + std::to_string(priority);
        config += program_section(name, child_command(dir, name),
                                  "priority = " + std::to_string(priority) +
                                      "\nnumprocs = 2\nprocess_name = %(program_name)s_%(process_num)d\n"
                                      "startsecs = 1\nstopwaitsecs = 5\n");
    }
    wardend d(dir, dir.write("warden.ini", config));
    // Names are namespecs, group:process (each program is its own group).
    std::vector<std::string> const expected{"p10:p10_0", "p10:p10_1", "p20:p20_0",
                                            "p20:p20_1", "p30:p30_0", "p30:p30_1"};
    for (auto const& name : expected)
        d.wait_state(name, "RUNNING", 15s);

    // Spawn order, from the daemon's own STARTING lines.
    std::vector<std::string> started;
    for (auto const& c : d.states())
        if (c.to == "STARTING")
            started.push_back(c.name);
    BOOST_TEST(started == expected, boost::test_tools::per_element());
    BOOST_TEST(records_of(read_records(dir), "start").size() == 6u);

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(20s) == 0);

    auto const records = read_records(dir);
    auto const t10 = records_of(records, "term", "p10");
    auto const t20 = records_of(records, "term", "p20");
    auto const t30 = records_of(records, "term", "p30");
    BOOST_TEST_REQUIRE(t10.size() == 2u);
    BOOST_TEST_REQUIRE(t20.size() == 2u);
    BOOST_TEST_REQUIRE(t30.size() == 2u);
    BOOST_TEST(latest(t30) < earliest(t20));
    BOOST_TEST(latest(t20) < earliest(t10));

    // The log agrees: the SIGTERM lines come tier by tier, highest first.
    auto const log = d.log();
    auto const at = [&](std::string const& text) { return log.find(text); };
    BOOST_TEST(at("p30:p30_1: sending SIGTERM") < at("p20:p20_0: sending SIGTERM"));
    BOOST_TEST(at("p20:p20_1: sending SIGTERM") < at("p10:p10_0: sending SIGTERM"));
    BOOST_TEST(at("p10:p10_1: sending SIGTERM") != std::string::npos);
}

// 20 programs in one tier: each, on SIGTERM, records "term", waits a second,
// records "exit" and exits. Stopping them in parallel means every "term"
// comes before the first "exit"; one after the other would take 20 s.
BOOST_AUTO_TEST_CASE(one_tier_stops_in_parallel)
{
    constexpr int count = 20;
    temp_dir dir;
    std::string config = warden_section(dir);
    for (int i = 0; i < count; ++i) {
        char name[16];
        std::snprintf(name, sizeof name, "par%02d", i);
        config += program_section(name, child_command(dir, "par", "--term-delay-ms 1000"),
                                  "priority = 50\nstartsecs = 1\nstopwaitsecs = 10\n");
    }
    wardend d(dir, dir.write("warden.ini", config));
    for (int i = 0; i < count; ++i) {
        char name[16];
        std::snprintf(name, sizeof name, "par%02d", i);
        d.wait_state(name, "RUNNING", 30s);
    }

    auto const signalled = clock::now();
    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
    BOOST_TEST(ms_since(signalled) < 15000);

    auto const records = read_records(dir);
    auto const terms = records_of(records, "term", "par");
    auto const exits = records_of(records, "exit", "par");
    BOOST_TEST_REQUIRE(terms.size() == std::size_t{count});
    BOOST_TEST_REQUIRE(exits.size() == std::size_t{count});
    BOOST_TEST(latest(terms) < earliest(exits));
}

BOOST_AUTO_TEST_SUITE_END()
