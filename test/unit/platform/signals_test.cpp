// Signal numbers and names, and wait statuses in words.
#include "platform/posix/signals.hpp"

#include <boost/test/unit_test.hpp>

#include <csignal>

using namespace warden;
using namespace warden::platform::posix;

BOOST_AUTO_TEST_SUITE(platform_signals)

BOOST_AUTO_TEST_CASE(every_portable_signal_but_break_has_a_number_and_maps_back)
{
    using config::signal_id;
    for (auto sig : {signal_id::hup, signal_id::int_, signal_id::quit, signal_id::kill, signal_id::usr1,
                     signal_id::usr2, signal_id::term, signal_id::alrm, signal_id::cont, signal_id::stop,
                     signal_id::winch}) {
        auto const number = to_native(sig);
        BOOST_TEST_REQUIRE(number.has_value());
        BOOST_TEST((from_native(*number) == sig));
    }
    BOOST_TEST(to_native(signal_id::term).value() == SIGTERM);
    BOOST_TEST(to_native(signal_id::kill).value() == SIGKILL);
    BOOST_TEST(!to_native(signal_id::break_).has_value());
    BOOST_TEST(!from_native(SIGSEGV).has_value());
}

BOOST_AUTO_TEST_CASE(signal_names)
{
    BOOST_TEST(signal_name(SIGKILL) == "SIGKILL");
    BOOST_TEST(signal_name(SIGSEGV) == "SIGSEGV");
    BOOST_TEST(signal_name(SIGRTMIN + 3) == "signal " + std::to_string(SIGRTMIN + 3));
}

BOOST_AUTO_TEST_CASE(wait_statuses_in_words)
{
    int const exited_1 = 1 << 8;            // W_EXITCODE(1, 0)
    int const killed = SIGKILL;             // W_EXITCODE(0, SIGKILL)
    int const dumped = SIGSEGV | 0x80;      // WCOREFLAG
    BOOST_TEST(describe_wait_status(0) == "exit status 0");
    BOOST_TEST(describe_wait_status(exited_1) == "exit status 1");
    BOOST_TEST(describe_wait_status(killed) == "terminated by SIGKILL");
    BOOST_TEST(describe_wait_status(dumped) == "terminated by SIGSEGV (core dumped)");

    BOOST_TEST(!to_exit_status(exited_1).signaled);
    BOOST_TEST(to_exit_status(exited_1).code == 1);
    BOOST_TEST(to_exit_status(killed).signaled);
    BOOST_TEST(to_exit_status(killed).code == SIGKILL);
    BOOST_TEST(to_exit_status(dumped).code == SIGSEGV);
}

BOOST_AUTO_TEST_SUITE_END()
