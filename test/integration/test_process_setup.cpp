// Integration: what a child is started with (environment, directory, umask,
// user), and programs from [include] files.
#include <boost/test/unit_test.hpp>

#include "support/child.hpp"
#include "support/config_text.hpp"
#include "support/daemon.hpp"

#include <pwd.h>
#include <unistd.h>

#include <csignal>
#include <sstream>

using namespace warden::it;

BOOST_AUTO_TEST_SUITE(process_setup)

namespace {

// Waits until `file` contains `last` (the child's last line), returns it all.
std::string wait_output(wardend const& d, fs::path const& file, std::string const& last)
{
    std::string text;
    if (!wait_until([&] { return (text = read_file(file)).find(last) != std::string::npos; }, 15s))
        d.fail("no '" + last + "' in " + file.string() + ", which holds:\n" + text);
    return text;
}

bool has_line(std::string const& text, std::string const& line)
{
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

} // namespace

// environment (program over [warden] over the daemon's own), directory, umask.
BOOST_AUTO_TEST_CASE(environment_directory_and_umask_reach_the_child)
{
    temp_dir dir;
    fs::create_directories(dir / "work");
    auto const out = dir / "setup.log";
    auto const config =
        warden_section(dir, "environment = GLOBAL_ONE=\"from warden\",SHARED=warden\n") +
        program_section("setup",
                        child_command(dir, "setup",
                                      "--env GREETING --env GLOBAL_ONE --env SHARED --env WIT_INHERITED "
                                      "--env WIT_UNSET --pwd --umask"),
                        "startsecs = 1\nstopwaitsecs = 2\n"
                        "environment = GREETING=\"hello, world\",SHARED=program\n"
                        "directory = " + (dir / "work").string() + "\n"
                        "umask = 027\n"
                        "stdout_logfile = " + out.string() + "\n");
    wardend d(dir, dir.write("warden.ini", config), {}, {"WIT_INHERITED=from the daemon", "WIT_UNSET"});
    auto const text = wait_output(d, out, "umask=");

    BOOST_TEST(has_line(text, "GREETING=hello, world"), text);
    BOOST_TEST(has_line(text, "GLOBAL_ONE=from warden"), text);
    BOOST_TEST(has_line(text, "SHARED=program"), text); // the program's value wins
    BOOST_TEST(has_line(text, "WIT_INHERITED=from the daemon"), text);
    BOOST_TEST(has_line(text, "WIT_UNSET unset"), text);
    BOOST_TEST(has_line(text, "cwd=" + fs::canonical(dir / "work").string()), text);
    BOOST_TEST(has_line(text, "umask=0027"), text);

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// SPEC §6: stdin from /dev/null, stdout and stderr through (separate) pipes,
// and no other descriptor of the daemon's leaks into the child.
BOOST_AUTO_TEST_CASE(the_child_gets_dev_null_two_pipes_and_nothing_else)
{
    temp_dir dir;
    auto const out = dir / "fds.log";
    wardend d(dir, dir.write("warden.ini", warden_section(dir) +
                                              program_section("fds", child_command(dir, "fds", "--fds"),
                                                              "startsecs = 1\nstopwaitsecs = 2\n"
                                                              "stdout_logfile = " + out.string() + "\n")));
    auto const text = wait_output(d, out, "fds=");
    BOOST_TEST(has_line(text, "fds=0,1,2"), text);

    pid_t const pid = d.wait_state("fds", "RUNNING", 15s).pid;
    auto const target = [pid](int fd) {
        std::error_code ec;
        return fs::read_symlink("/proc/" + std::to_string(pid) + "/fd/" + std::to_string(fd), ec).string();
    };
    BOOST_TEST(target(0) == "/dev/null");
    BOOST_TEST(target(1).rfind("pipe:", 0) == 0u, target(1));
    BOOST_TEST(target(2).rfind("pipe:", 0) == 0u, target(2));
    BOOST_TEST(target(1) != target(2));

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// user = nobody (the tests run as root): uid, gid, supplementary groups,
// HOME and USER are nobody's; [warden] environment still reaches it.
BOOST_AUTO_TEST_CASE(user_switches_identity_and_sets_home_and_user)
{
    BOOST_TEST_REQUIRE(::geteuid() == 0u, "this test needs root");
    passwd const* pw = ::getpwnam("nobody");
    BOOST_TEST_REQUIRE(pw != nullptr, "no user 'nobody' on this machine");
    uid_t const uid = pw->pw_uid;
    gid_t const gid = pw->pw_gid;
    std::string const home = pw->pw_dir;

    temp_dir dir;
    fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    fs::create_directories(dir / "public");
    auto const out = dir / "nobody.log";
    auto const config =
        warden_section(dir, "environment = GLOBAL_ONE=everyone\n") +
        program_section("unprivileged", child_command(dir, "unprivileged", "--env GLOBAL_ONE --env LOGNAME --pwd --whoami"),
                        "startsecs = 1\nstopwaitsecs = 2\nuser = nobody\n"
                        "directory = " + (dir / "public").string() + "\n"
                        "stdout_logfile = " + out.string() + "\n");
    wardend d(dir, dir.write("warden.ini", config));
    auto const text = wait_output(d, out, "uid=");
    pid_t const pid = d.wait_state("unprivileged", "RUNNING", 15s).pid;

    std::string const expected_prefix = "uid=" + std::to_string(uid) + " gid=" + std::to_string(gid) + " groups=";
    BOOST_TEST(text.find(expected_prefix) != std::string::npos, text);
    BOOST_TEST(text.find(" HOME=" + home + " USER=nobody\n") != std::string::npos, text);
    BOOST_TEST(has_line(text, "GLOBAL_ONE=everyone"), text);
    BOOST_TEST(has_line(text, "LOGNAME=nobody"), text);
    BOOST_TEST(has_line(text, "cwd=" + fs::canonical(dir / "public").string()), text);

    // No group of root's is left: the supplementary groups are nobody's.
    auto const at = text.find("groups=");
    std::istringstream groups(text.substr(at + 7, text.find(' ', at) - at - 7));
    for (std::string g; std::getline(groups, g, ',');)
        BOOST_TEST(g != "0", text);

    // And the kernel agrees: the process runs as nobody.
    std::string status = read_file("/proc/" + std::to_string(pid) + "/status");
    BOOST_TEST(status.find("\nUid:\t" + std::to_string(uid) + "\t") != std::string::npos, status);

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// [include] files = conf.d/*.ini, relative to the including file (not to the
// daemon's working directory); %(here)s in an included file is its own folder.
BOOST_AUTO_TEST_CASE(programs_from_included_files_run)
{
    temp_dir dir;
    auto const keys = "startsecs = 1\nstopwaitsecs = 2\n";
    dir.write("conf.d/a.ini", program_section("included_a", child_command(dir, "included_a", "--pwd"),
                                              std::string(keys) + "directory = %(here)s\n"
                                              "stdout_logfile = %(here)s/a.out\n"));
    dir.write("conf.d/b.ini", program_section("included_b", child_command(dir, "included_b"), keys));
    dir.write("conf.d/ignored.txt", program_section("not_included", child_command(dir, "not_included"), keys));
    auto const config = warden_section(dir) + "[include]\nfiles = conf.d/*.ini\n\n" +
                        program_section("main", child_command(dir, "main"), keys);
    BOOST_TEST_REQUIRE(fs::current_path() != dir.path());
    wardend d(dir, dir.write("warden.ini", config));

    for (char const* name : {"main", "included_a", "included_b"})
        BOOST_TEST(process_alive(d.wait_state(name, "RUNNING", 15s).pid), name);
    auto const text = wait_output(d, dir / "conf.d" / "a.out", "cwd=");
    BOOST_TEST(has_line(text, "cwd=" + fs::canonical(dir / "conf.d").string()), text);
    BOOST_TEST(d.states("not_included").empty());

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
