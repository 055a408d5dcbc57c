// prepare_daemon, host_node_name, user_exists.
#include "platform/process_host.hpp"

#include <boost/test/unit_test.hpp>

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <fstream>

using namespace warden;
using namespace warden::platform;

BOOST_AUTO_TEST_SUITE(platform_daemon_setup)

BOOST_AUTO_TEST_CASE(becomes_a_subreaper_and_ignores_sigpipe)
{
    config::daemon_spec spec;
    BOOST_TEST(prepare_daemon(spec).empty());
    int reaper = 0;
    BOOST_REQUIRE_EQUAL(::prctl(PR_GET_CHILD_SUBREAPER, &reaper), 0);
    BOOST_TEST(reaper == 1);
    struct sigaction current{};
    ::sigaction(SIGPIPE, nullptr, &current);
    BOOST_TEST((current.sa_handler == SIG_IGN));
}

BOOST_AUTO_TEST_CASE(applies_the_umask)
{
    mode_t const before = ::umask(022);
    config::daemon_spec spec;
    spec.umask = 077;
    BOOST_TEST(prepare_daemon(spec).empty());
    BOOST_TEST(::umask(before) == 077u);
}

BOOST_AUTO_TEST_CASE(raises_the_soft_descriptor_limit)
{
    rlimit before{};
    ::getrlimit(RLIMIT_NOFILE, &before);
    BOOST_REQUIRE(before.rlim_cur > 64);
    rlimit lowered{64, before.rlim_max};
    BOOST_REQUIRE_EQUAL(::setrlimit(RLIMIT_NOFILE, &lowered), 0);

    config::daemon_spec spec;
    spec.minfds = 128;
    BOOST_TEST(prepare_daemon(spec).empty());
    rlimit after{};
    ::getrlimit(RLIMIT_NOFILE, &after);
    BOOST_TEST(after.rlim_cur == 128u);
    ::setrlimit(RLIMIT_NOFILE, &before);
}

BOOST_AUTO_TEST_CASE(warns_when_the_hard_limit_cannot_be_raised)
{
    rlimit before{};
    ::getrlimit(RLIMIT_NOFILE, &before);
    // Above fs.nr_open nobody, root included, can raise RLIMIT_NOFILE.
    std::uint64_t nr_open = 0;
    std::ifstream("/proc/sys/fs/nr_open") >> nr_open;
    BOOST_REQUIRE_GT(nr_open, 0u);

    config::daemon_spec spec;
    spec.minfds = nr_open + 1;
    auto const warnings = prepare_daemon(spec);
    BOOST_REQUIRE_EQUAL(warnings.size(), 1u);
    BOOST_TEST(warnings.front().rfind("minfds = " + std::to_string(nr_open + 1) + " is above the hard limit", 0) == 0,
               warnings.front());
    rlimit after{};
    ::getrlimit(RLIMIT_NOFILE, &after);
    BOOST_TEST(after.rlim_cur == before.rlim_max); // settled for the hard limit
    ::setrlimit(RLIMIT_NOFILE, &before);
}

BOOST_AUTO_TEST_CASE(host_name_and_users)
{
    BOOST_TEST(!host_node_name().empty());
    BOOST_TEST(user_exists("root"));
    BOOST_TEST(user_exists("0"));
    BOOST_TEST(user_exists("nobody"));
    BOOST_TEST(!user_exists("warden-no-such-user"));
    BOOST_TEST(!user_exists("4000000000"));
    BOOST_TEST(!user_exists(""));
}

BOOST_AUTO_TEST_SUITE_END()
