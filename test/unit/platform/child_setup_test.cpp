// What a child finds when it starts: environment, directory, umask, user,
// descriptors, signal state.
#include "host_fixture.hpp"

#include "platform/posix/child_setup.hpp"
#include "platform/posix/passwd.hpp"

#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>

using namespace warden;
using namespace warden::platform;
using namespace warden::platform::testing;

BOOST_FIXTURE_TEST_SUITE(platform_child_setup, host_fixture)

BOOST_AUTO_TEST_CASE(environment_is_the_daemons_overlaid_with_the_programs)
{
    ::setenv("WARDEN_INHERITED", "from-daemon", 1);
    ::setenv("WARDEN_OVERRIDDEN", "from-daemon", 1);
    ::setenv("NOTIFY_SOCKET", "/run/daemon-only", 1);
    auto request = child(1, {"--env", "WARDEN_INHERITED", "--env", "WARDEN_OVERRIDDEN", "--env", "WARDEN_ADDED",
                             "--env", "NOTIFY_SOCKET", "--exit", "0"});
    request.environment = {{"WARDEN_OVERRIDDEN", "from-program"}, {"WARDEN_ADDED", "a=b c"}};
    spawn_ok(request);
    ::unsetenv("WARDEN_INHERITED");
    ::unsetenv("WARDEN_OVERRIDDEN");
    ::unsetenv("NOTIFY_SOCKET");
    BOOST_REQUIRE(run_until_gone(1));
    BOOST_TEST(output(1, output_stream::out) ==
               "WARDEN_INHERITED=from-daemon\nWARDEN_OVERRIDDEN=from-program\nWARDEN_ADDED=a=b c\n"
               "NOTIFY_SOCKET unset\n");
}

BOOST_AUTO_TEST_CASE(argv0_is_searched_in_the_childs_path)
{
    std::string const full = test_child_path();
    std::string const dir = full.substr(0, full.rfind('/'));
    auto request = child(1, {"--exit", "4"});
    request.argv[0] = "warden-test-child";
    request.environment = {{"PATH", "/nonexistent:" + dir}};
    spawn_ok(request);
    BOOST_REQUIRE(run_until_gone(1));
    BOOST_TEST(exit_of(1)->status.code == 4);
}

BOOST_AUTO_TEST_CASE(directory_and_umask_are_applied)
{
    auto request = child(1, {"--pwd", "--umask", "--exit", "0"});
    request.directory = "/tmp";
    request.umask = 027;
    spawn_ok(request);
    BOOST_REQUIRE(run_until_gone(1));
    BOOST_TEST(output(1, output_stream::out) == "cwd=/tmp\numask=0027\n");
}

BOOST_AUTO_TEST_CASE(user_switch_sets_ids_groups_and_login_variables)
{
    if (::geteuid() != 0) {
        BOOST_TEST_MESSAGE("not root: user switching is not tested");
        return;
    }
    auto const nobody = posix::lookup_user("nobody");
    BOOST_REQUIRE(nobody.has_value());
    std::string groups;
    for (gid_t g : posix::supplementary_groups(*nobody))
        groups += (groups.empty() ? "" : ",") + std::to_string(g);

    auto request = child(1, {"--whoami", "--env", "LOGNAME", "--env", "SHELL", "--exit", "0"});
    request.user = "nobody";
    spawn_ok(request);
    BOOST_REQUIRE(run_until_gone(1));
    BOOST_TEST(output(1, output_stream::out) ==
               "LOGNAME=nobody\nSHELL=" + nobody->shell + "\nuid=" + std::to_string(nobody->uid) +
                   " gid=" + std::to_string(nobody->gid) + " groups=" + groups + " HOME=" + nobody->home +
                   " USER=nobody\n");
    BOOST_TEST(("," + groups + ",").find(",0,") == std::string::npos); // root's group is gone
}

BOOST_AUTO_TEST_CASE(directory_is_entered_as_the_target_user)
{
    if (::geteuid() != 0) {
        BOOST_TEST_MESSAGE("skipped: switching users needs root");
        return;
    }
    // Root may enter a 0700 root-owned directory; nobody may not. supervisord
    // changes directory after the user switch too.
    std::string const dir = temp_path("root-only");
    BOOST_REQUIRE(::mkdir(dir.c_str(), 0700) == 0);
    auto request = child(1, {"--pwd", "--exit", "0"});
    request.directory = dir;
    request.user = "nobody";
    BOOST_TEST(spawn_fails(request) == "cannot chdir to '" + dir + "': Permission denied");
    ::rmdir(dir.c_str());
}

BOOST_AUTO_TEST_CASE(numeric_user_is_accepted)
{
    if (::geteuid() != 0)
        return;
    auto const nobody = posix::lookup_user("nobody").value();
    auto request = child(1, {"--whoami", "--exit", "0"});
    request.user = std::to_string(nobody.uid);
    spawn_ok(request);
    BOOST_REQUIRE(run_until_gone(1));
    BOOST_TEST(output(1, output_stream::out).rfind("uid=" + std::to_string(nobody.uid) + " ", 0) == 0);
}

BOOST_AUTO_TEST_CASE(only_stdin_stdout_stderr_are_inherited)
{
    int const leaked = ::open("/dev/null", O_RDONLY); // deliberately not close-on-exec
    BOOST_REQUIRE_GE(leaked, 3);
    spawn_ok(child(1, {"--fds", "--exit", "0"}));
    ::close(leaked);
    BOOST_REQUIRE(run_until_gone(1));
    BOOST_TEST(output(1, output_stream::out) == "fds=0,1,2\n");
}

BOOST_AUTO_TEST_CASE(stdin_is_dev_null)
{
    pid_t const pid = spawn_ok(child(1, {}));
    char target[256] = {};
    ssize_t const n = ::readlink(("/proc/" + std::to_string(pid) + "/fd/0").c_str(), target, sizeof target - 1);
    BOOST_TEST(n > 0);
    BOOST_TEST(std::string(target) == "/dev/null");
    BOOST_TEST(::getpgid(pid) == pid); // its own process group
    host->send_signal(pid, config::signal_id::kill, true);
    BOOST_REQUIRE(run_until_gone(1));
}

BOOST_AUTO_TEST_CASE(signal_mask_and_dispositions_are_reset)
{
    struct sigaction ignore{}, previous_int{};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGINT, &ignore, &previous_int);
    sigset_t usr1, previous_mask;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    ::sigprocmask(SIG_BLOCK, &usr1, &previous_mask);

    pid_t const pid = spawn_ok(child(1, {}));

    ::sigprocmask(SIG_SETMASK, &previous_mask, nullptr);
    ::sigaction(SIGINT, &previous_int, nullptr);
    // spawn() returns after the exec, so /proc shows the new program's state.
    BOOST_TEST(proc_status_field(pid, "SigBlk:") == "SigBlk:\t0000000000000000");
    BOOST_TEST(proc_status_field(pid, "SigIgn:") == "SigIgn:\t0000000000000000");
    host->send_signal(pid, config::signal_id::kill, true);
    BOOST_REQUIRE(run_until_gone(1));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(platform_close_on_exec)

// The fallback for kernels without close_range(CLOSE_RANGE_CLOEXEC), run in a
// forked process so the marks do not leak into the test runner.
BOOST_AUTO_TEST_CASE(scan_fallback_marks_every_descriptor_above_the_limit)
{
    pid_t const pid = ::fork();
    BOOST_REQUIRE_GE(pid, 0);
    if (pid == 0) {
        int fds[2];
        if (::pipe(fds) != 0 || fds[0] < 3)
            ::_exit(2);
        int const high = ::dup2(fds[0], 200);
        bool ok = posix::mark_close_on_exec_by_scan(3);
        for (int fd : {fds[0], fds[1], high})
            ok = ok && (::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0;
        ok = ok && (::fcntl(2, F_GETFD) & FD_CLOEXEC) == 0; // below the limit: untouched
        ::_exit(ok ? 0 : 1);
    }
    int status = 0;
    BOOST_REQUIRE_EQUAL(::waitpid(pid, &status, 0), pid);
    BOOST_TEST(WIFEXITED(status));
    BOOST_TEST(WEXITSTATUS(status) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
