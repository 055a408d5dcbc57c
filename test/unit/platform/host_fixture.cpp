#include "host_fixture.hpp"
#include "../run_until.hpp"

#include <boost/test/unit_test.hpp>

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace warden::platform::testing {

std::string test_child_path()
{
    if (char const* path = std::getenv("WARDEN_TEST_CHILD"))
        return path;
#ifdef TEST_CHILD_PATH
    return TEST_CHILD_PATH;
#else
    char self[4096];
    ssize_t const n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    BOOST_REQUIRE(n > 0);
    std::string dir(self, static_cast<std::size_t>(n));
    dir.resize(dir.rfind('/'));
    return dir + "/bin/warden-test-child";
#endif
}

std::string flood_pattern(std::size_t n)
{
    std::string bytes;
    bytes.reserve(n + 16);
    char record[24]; // 16 used; the rest keeps -Wformat-truncation quiet
    for (std::size_t offset = 0; offset < n; offset += 16) {
        std::snprintf(record, sizeof record, "%015zu\n", offset);
        bytes.append(record, 16);
    }
    bytes.resize(n);
    return bytes;
}

std::string proc_status_field(pid_t pid, std::string const& key)
{
    std::ifstream file("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(file, line))
        if (line.rfind(key, 0) == 0)
            return line;
    return {};
}

bool process_exists(pid_t pid)
{
    return ::access(("/proc/" + std::to_string(pid)).c_str(), F_OK) == 0;
}

void become_subreaper()
{
    BOOST_REQUIRE_EQUAL(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
}

std::string temp_path(std::string const& stem)
{
    static std::atomic<int> counter{0};
    char const* dir = std::getenv("TMPDIR");
    return std::string(dir ? dir : "/tmp") + "/warden-platform-" + std::to_string(::getpid()) + "-" +
           std::to_string(counter++) + "-" + stem;
}

std::string read_file(std::string const& path)
{
    std::ifstream file(path);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

bool no_children_left()
{
    int status = 0;
    return ::waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD;
}

host_fixture::host_fixture()
{
    process_callbacks callbacks;
    callbacks.exited = [this](std::size_t owner, core::pid_type pid, core::exit_status status, std::string text) {
        exits.push_back({owner, pid, status, std::move(text)});
    };
    callbacks.output = [this](std::size_t owner, output_stream stream, std::string_view bytes) {
        BOOST_TEST(!bytes.empty());
        outputs[{owner, stream}].append(bytes);
    };
    callbacks.output_closed = [this](std::size_t owner, output_stream stream) {
        BOOST_TEST(closed_streams.insert({owner, stream}).second, "output closed twice");
    };
    callbacks.log = [this](log_severity severity, std::string message) {
        BOOST_TEST_MESSAGE("host log: " << message);
        logs.emplace_back(severity, std::move(message));
    };
    host = make_process_host(io, std::move(callbacks));
}

host_fixture::~host_fixture()
{
    bool done = false;
    host->finish([&](bool) { done = true; });
    if (!run_until([&] { return done; }, 10s))
        BOOST_ERROR("finish() did not complete at teardown");
    host.reset();
}

bool host_fixture::run_until(std::function<bool()> const& done, std::chrono::milliseconds limit)
{
    return warden::test::run_until(io, done, limit);
}

void host_fixture::poll()
{
    for (int i = 0; i < 4; ++i) {
        if (io.stopped())
            io.restart();
        io.poll();
    }
}

spawn_request host_fixture::child(std::size_t owner, std::vector<std::string> args) const
{
    spawn_request request;
    request.owner = owner;
    request.argv.push_back(test_child_path());
    request.argv.insert(request.argv.end(), args.begin(), args.end());
    return request;
}

pid_t host_fixture::spawn_ok(spawn_request const& request)
{
    auto result = host->spawn(request);
    if (auto const* failure = std::get_if<spawn_failure>(&result))
        BOOST_FAIL("spawn failed: " << failure->message);
    auto const pid = std::get<core::pid_type>(result);
    BOOST_REQUIRE_GT(pid, 0);
    return static_cast<pid_t>(pid);
}

std::string host_fixture::spawn_fails(spawn_request const& request)
{
    auto result = host->spawn(request);
    if (auto const* pid = std::get_if<core::pid_type>(&result))
        BOOST_FAIL("spawn unexpectedly succeeded, pid " << *pid);
    return std::get<spawn_failure>(result).message;
}

std::optional<exit_event> host_fixture::exit_of(std::size_t owner) const
{
    for (auto const& e : exits)
        if (e.owner == owner)
            return e;
    return std::nullopt;
}

bool host_fixture::closed(std::size_t owner, output_stream stream) const
{
    return closed_streams.count({owner, stream}) != 0;
}

std::string const& host_fixture::output(std::size_t owner, output_stream stream)
{
    return outputs[{owner, stream}];
}

bool host_fixture::logged(std::string const& needle) const
{
    for (auto const& [severity, message] : logs)
        if (message.find(needle) != std::string::npos)
            return true;
    return false;
}

std::string host_fixture::all_logs() const
{
    std::string text;
    for (auto const& entry : logs)
        text += entry.second + "\n";
    return text;
}

bool host_fixture::run_until_gone(std::size_t owner, bool redirected, std::chrono::milliseconds limit)
{
    return run_until(
        [&] {
            return exit_of(owner) && closed(owner, output_stream::out) &&
                   (redirected || closed(owner, output_stream::err));
        },
        limit);
}

} // namespace warden::platform::testing
