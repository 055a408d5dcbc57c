// Integration: the control socket itself (SPEC §5): its mode and life cycle,
// who may use it, one daemon per socket, stale sockets, malformed input
// from a raw client, and hundreds of concurrent clients.
#include <boost/test/unit_test.hpp>

#include "support/child.hpp"
#include "support/config_text.hpp"
#include "support/ctl.hpp"
#include "support/daemon.hpp"

#include <boost/json.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <latch>
#include <optional>
#include <thread>

using namespace warden::it;
namespace json = boost::json;

namespace {

std::string const fast = "startsecs = 0\nstopwaitsecs = 2\n";

std::string base(temp_dir const& dir, std::string_view extra = {})
{
    return warden_section(dir, extra);
}

bool contains(std::string const& text, std::string_view part) { return text.find(part) != std::string::npos; }

// The mode bits of the socket file, or nullopt when there is none (or it is not a socket).
std::optional<unsigned> socket_mode(fs::path const& path)
{
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode))
        return std::nullopt;
    return st.st_mode & 07777;
}

// A reply line as JSON (null when it is not JSON at all).
json::value parsed(std::optional<std::string> const& line)
{
    if (!line)
        return nullptr;
    boost::system::error_code ec;
    auto v = json::parse(*line, ec);
    return ec ? json::value(nullptr) : v;
}

// The error code of a reply ("" when it is not an error reply).
std::string error_code_of(json::value const& v)
{
    auto const* o = v.if_object();
    if (!o || !o->contains("ok") || !o->at("ok").is_bool() || o->at("ok").as_bool())
        return "";
    auto const* e = o->if_contains("error");
    if (!e || !e->is_object() || !e->as_object().contains("code") || !e->as_object().at("code").is_string())
        return "(no error.code)";
    return std::string(e->as_object().at("code").as_string());
}

bool is_ok(json::value const& v)
{
    auto const* o = v.if_object();
    return o && o->contains("ok") && o->at("ok").is_bool() && o->at("ok").as_bool() && o->contains("result");
}

// The names in a status result.
std::vector<std::string> status_names(json::value const& v)
{
    std::vector<std::string> names;
    if (!is_ok(v))
        return names;
    auto const* processes = v.at("result").as_object().if_contains("processes");
    if (!processes || !processes->is_array())
        return names;
    for (auto const& p : processes->as_array())
        if (p.is_object() && p.as_object().contains("name") && p.as_object().at("name").is_string())
            names.emplace_back(p.as_object().at("name").as_string());
    return names;
}

bool running_as_root() { return ::geteuid() == 0; }

} // namespace

BOOST_AUTO_TEST_SUITE(ctl_socket)

// The socket is created 0600 (socket_mode's default), owned by the daemon's
// user, and removed on a clean exit.
BOOST_AUTO_TEST_CASE(socket_is_0600_and_removed_on_clean_exit)
{
    temp_dir dir;
    wardend d(dir, dir.write("warden.ini", base(dir) + program_section("a", child_command(dir, "a"), fast)));
    d.wait_state("a", "RUNNING", 15s);
    auto const mode = socket_mode(socket_path(dir));
    BOOST_REQUIRE_MESSAGE(mode, "no socket at " << socket_path(dir));
    BOOST_TEST(*mode == 0600u, "mode " << std::oct << *mode);
    struct stat st {};
    BOOST_REQUIRE(::lstat(socket_path(dir).c_str(), &st) == 0);
    BOOST_TEST(st.st_uid == ::geteuid());

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
    BOOST_TEST(!fs::exists(fs::symlink_status(socket_path(dir))), "the socket file outlived a clean exit");
}

// With the default 0600 socket, another user cannot even connect: the
// kernel refuses; wardenctl says so, and nothing happens to the programs.
BOOST_AUTO_TEST_CASE(nobody_cannot_connect_to_a_0600_socket)
{
    if (!running_as_root()) {
        BOOST_TEST_MESSAGE("skipped: needs root to run a client as nobody");
        return;
    }
    temp_dir dir;
    fs::permissions(dir.path(), fs::perms(0711)); // nobody may reach the socket's directory
    wardend d(dir, dir.write("warden.ini", base(dir) + program_section("a", child_command(dir, "a"), fast)));
    pid_t const a = d.wait_state("a", "RUNNING", 15s).pid;

    for (std::string const cmd : {"status", "stop", "shutdown"}) {
        std::vector<std::string> args{cmd};
        if (cmd == "stop")
            args.push_back("all");
        auto const r = ctl(dir, args, 30s, run_as::nobody);
        BOOST_TEST(r.status == 3, cmd << ": " << r.describe()); // cannot reach: connect(2) fails with EACCES
        BOOST_TEST(contains(r.err, "Permission denied"), cmd << ": " << r.describe());
    }
    BOOST_TEST(process_alive(a));
    BOOST_TEST(d.running());
    BOOST_TEST(d.states("a").size() == 2u);
    BOOST_TEST(ctl(dir, {"status"}).status == 0);

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// With a socket others may connect to (socket_mode = 0666), the daemon
// checks the peer's uid: nobody gets exit 1 and "permission denied", the
// daemon logs it, and no request of theirs does anything.
BOOST_AUTO_TEST_CASE(the_daemon_refuses_a_client_running_as_nobody)
{
    if (!running_as_root()) {
        BOOST_TEST_MESSAGE("skipped: needs root to run a client as nobody");
        return;
    }
    temp_dir dir;
    fs::permissions(dir.path(), fs::perms(0711));
    wardend d(dir, dir.write("warden.ini",
                             base(dir, "socket_mode = 0666\n") + program_section("a", child_command(dir, "a"), fast)));
    pid_t const a = d.wait_state("a", "RUNNING", 15s).pid;
    auto const mode = socket_mode(socket_path(dir));
    BOOST_REQUIRE(mode);
    BOOST_TEST(*mode == 0666u, "mode " << std::oct << *mode);

    // Several rounds of everything that could hurt the programs.
    std::vector<std::vector<std::string>> const attempts{
        {"status"}, {"stop", "all"}, {"signal", "KILL", "a"}, {"reload"}, {"shutdown"}};
    for (int round = 0; round < 4; ++round)
        for (auto const& args : attempts) {
            auto const r = ctl(dir, args, 30s, run_as::nobody);
            BOOST_TEST(r.status == 1, args.front() << ": " << r.describe());
            BOOST_TEST(contains(r.err, "permission denied"), args.front() << ": " << r.describe());
        }
    d.wait_for_log("permission denied: uid 65534 is not root or the daemon's user", 5s);

    BOOST_TEST(d.running());
    BOOST_TEST(process_alive(a));
    BOOST_TEST(d.states("a").size() == 2u, "a changed state");
    auto const mine = ctl(dir, {"status", "a"});
    BOOST_TEST(mine.status == 0, mine.describe());
    BOOST_TEST(pid_in(row_of(parse_status(mine.out), "a").value_or(status_row{}).description) == a);

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// The refusal reaches the client every time, even when the daemon's reply
// and close come before the client has written its request (the daemon
// shuts down only its sending side and lingers: docs/protocol.md). Without
// that, wardenctl's write fails with EPIPE and it says "cannot reach wardend
// ...: Broken pipe" (exit 3) in about two runs of three.
BOOST_AUTO_TEST_CASE(refusal_reaches_the_client_every_time)
{
    if (!running_as_root()) {
        BOOST_TEST_MESSAGE("skipped: needs root to run a client as nobody");
        return;
    }
    temp_dir dir;
    fs::permissions(dir.path(), fs::perms(0711));
    wardend d(dir, dir.write("warden.ini", base(dir, "socket_mode = 0666\n")));
    d.wait_for_log("control socket listening", 10s);
    int lost = 0;
    for (int i = 0; i < 50; ++i) {
        auto const r = ctl(dir, {"status"}, 30s, run_as::nobody);
        if (r.status != 1 || !contains(r.err, "permission denied"))
            ++lost;
        if (r.status != 1 && lost <= 3)
            BOOST_ERROR("attempt " << i << ": " << r.describe());
    }
    BOOST_TEST(lost == 0, lost << " of 50 refusals did not reach the client");
    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// A second wardend on the same socket refuses to start (exit 1, a clear
// message) and leaves the first one, and its socket, alone.
BOOST_AUTO_TEST_CASE(a_second_wardend_on_the_same_socket_refuses_to_start)
{
    temp_dir dir;
    auto const config = dir.write("warden.ini", base(dir) + program_section("a", child_command(dir, "a"), fast));
    wardend d(dir, config);
    pid_t const a = d.wait_state("a", "RUNNING", 15s).pid;

    auto const second = run_wardend(dir, {"-c", config.string()}, 15s);
    BOOST_TEST(second.status == 1, second.output);
    BOOST_TEST(contains(second.output, "another wardend is listening on " + socket_path(dir).string()),
               second.output);

    BOOST_TEST(d.running());
    BOOST_TEST(process_alive(a));
    BOOST_TEST(d.states("a").size() == 2u);
    BOOST_TEST(socket_mode(socket_path(dir)).has_value(), "the refused daemon removed the first one's socket");
    auto const r = ctl(dir, {"pid"});
    BOOST_TEST(r.status == 0, r.describe());
    BOOST_TEST(r.out == std::to_string(d.pid()) + "\n");
    // Only the first daemon and its child: the second started nothing.
    auto left = processes_with(dir.path().string());
    std::erase(left, d.pid());
    BOOST_TEST(left == std::vector<pid_t>{a}, "processes of this test besides the daemon: " << join(left));

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// A SIGKILLed wardend leaves its socket file; the next wardend replaces it.
BOOST_AUTO_TEST_CASE(a_stale_socket_is_replaced)
{
    temp_dir dir;
    auto const config = dir.write("warden.ini", base(dir) + program_section("a", child_command(dir, "a"), fast));
    std::optional<wardend> first(std::in_place, dir, config);
    pid_t const a = first->wait_state("a", "RUNNING", 15s).pid;
    first->signal(SIGKILL);
    BOOST_TEST(first->wait_exit(10s) == 128 + SIGKILL);
    BOOST_TEST(wait_until([&] { return !process_alive(a); }, 10s), "the child outlived its SIGKILLed daemon");
    BOOST_REQUIRE_MESSAGE(socket_mode(socket_path(dir)), "no stale socket file after SIGKILL");
    auto const dead = ctl(dir, {"status"});
    BOOST_TEST(dead.status == 3, dead.describe());
    BOOST_TEST(contains(dead.err, "cannot reach"), dead.describe());
    first.reset();

    wardend second(dir, config);
    second.wait_for_log("removed the stale control socket", 10s);
    pid_t const a2 = second.wait_state("a", "RUNNING", 15s).pid;
    auto const r = ctl(dir, {"status"});
    BOOST_TEST(r.status == 0, r.describe());
    BOOST_TEST(pid_in(row_of(parse_status(r.out), "a").value_or(status_row{}).description) == a2);
    BOOST_TEST(*socket_mode(socket_path(dir)) == 0600u);

    second.signal(SIGTERM);
    BOOST_TEST(second.wait_exit(15s) == 0);
    BOOST_TEST(!fs::exists(fs::symlink_status(socket_path(dir))));
}

// Malformed input through a raw client gets error replies, the connection
// stays usable, and the children are not disturbed.
BOOST_AUTO_TEST_CASE(malformed_requests_get_error_replies)
{
    temp_dir dir;
    wardend d(dir, dir.write("warden.ini", base(dir) + program_section("a", child_command(dir, "a"), fast)));
    pid_t const a = d.wait_state("a", "RUNNING", 15s).pid;

    raw_client c(socket_path(dir));
    auto expect_error = [&](std::string const& line, std::string const& code) {
        auto const reply = c.request(line);
        BOOST_TEST_CONTEXT("request " << line.substr(0, 80) << " -> " << reply.value_or("(no reply)"))
        {
            BOOST_REQUIRE(reply);
            auto const v = parsed(reply);
            BOOST_TEST(error_code_of(v) == code);
            BOOST_TEST(!v.at("error").at("message").as_string().empty());
        }
    };
    auto expect_status = [&] {
        auto const reply = c.request(R"({"cmd":"status"})");
        BOOST_TEST_CONTEXT("status -> " << reply.value_or("(no reply)"))
        {
            BOOST_TEST(is_ok(parsed(reply)));
            BOOST_TEST(status_names(parsed(reply)) == std::vector<std::string>{"a"});
        }
    };

    expect_error("this is not json", "bad_request");
    expect_status(); // the same connection still works
    expect_error(R"({"cmd":"status")", "bad_request"); // cut short
    expect_error(R"({"cmd":"frobnicate"})", "unknown_command");
    expect_error(R"({"cmd":"status","args":"a"})", "bad_request");
    expect_error(R"({"cmd":"status","args":[1,2]})", "bad_request");
    expect_error(R"({"cmd":42})", "bad_request");
    expect_error(R"({"args":["a"]})", "bad_request");
    expect_error(R"([1,2,3])", "bad_request");
    expect_error(R"("status")", "bad_request");
    expect_error(R"({"cmd":"tail","args":["a"],"options":{"lines":"many"}})", "bad_request");
    expect_error(R"({"cmd":"reload","options":{"dry_run":"yes"}})", "bad_request");
    expect_error(R"({"cmd":"stop","args":["a"],"options":[]})", "bad_request");
    expect_status();

    // Over 64 KiB: line_too_long, once, and the next line is served.
    expect_error(R"({"cmd":"status","args":[")" + std::string(70 * 1024, 'x') + R"("]})", "line_too_long");
    expect_error(std::string(300 * 1024, '{'), "line_too_long");
    {
        auto const reply = c.request(R"({"cmd":"pid"})");
        auto const v = parsed(reply);
        BOOST_TEST(is_ok(v), reply.value_or("(no reply)"));
        if (is_ok(v))
            BOOST_TEST(v.at("result").at("pid").to_number<long long>() == d.pid());
    }
    // Exactly 64 KiB is still a line (the limit is inclusive): an unknown command, not too long.
    {
        std::string const prefix = R"({"cmd":")", suffix = R"("})";
        expect_error(prefix + std::string(64 * 1024 - prefix.size() - suffix.size(), 'y') + suffix,
                     "unknown_command");
    }

    // A client that leaves in the middle of a line, and one that sends
    // garbage and leaves without reading: the daemon shrugs.
    {
        raw_client quitter(socket_path(dir));
        BOOST_TEST(quitter.send(R"({"cmd":"sta)"));
    }
    {
        raw_client rude(socket_path(dir));
        BOOST_TEST(rude.send(std::string(100 * 1024, 'z') + "\nnot json either\n"));
    }
    expect_status();

    BOOST_TEST(d.running());
    BOOST_TEST(process_alive(a));
    BOOST_TEST(d.states("a").size() == 2u, "a changed state");
    BOOST_TEST(ctl(dir, {"status"}).status == 0);

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// 200 clients at once, while a program restarts every ~100 ms: every one
// gets a complete, valid status reply in time, and the daemon keeps running.
BOOST_AUTO_TEST_CASE(two_hundred_concurrent_clients_while_children_restart)
{
    temp_dir dir;
    wardend d(dir, dir.write("warden.ini", base(dir) +
        program_section("flappy", child_command(dir, "flappy", "--exit-after-ms 100 --exit 0"),
                        fast + "autorestart = true\n") +
        program_section("stable", child_command(dir, "stable"), fast)));
    pid_t const stable = d.wait_state("stable", "RUNNING", 15s).pid;
    d.wait_state("flappy", "RUNNING", 15s, 3); // it is restarting

    constexpr int clients = 200;
    for (int round = 1; round <= 2; ++round) {
        std::size_t const flaps_before = d.states("flappy").size();
        std::vector<std::optional<std::string>> replies(clients);
        std::vector<std::string> errors(clients);
        std::latch connected(clients + 1);
        std::vector<std::thread> threads;
        auto const began = clock::now();
        for (int i = 0; i < clients; ++i)
            threads.emplace_back([&, i] {
                std::optional<raw_client> c;
                try {
                    c.emplace(socket_path(dir));
                } catch (std::exception const& e) {
                    errors[static_cast<std::size_t>(i)] = e.what();
                }
                connected.arrive_and_wait(); // all 200 connections open at once
                if (c)
                    replies[static_cast<std::size_t>(i)] = c->request(R"({"cmd":"status"})", 30s);
            });
        connected.arrive_and_wait();
        for (auto& t : threads)
            t.join();
        auto const took = ms_since(began);
        BOOST_TEST_MESSAGE("round " << round << ": " << clients << " clients served in " << took << " ms");
        BOOST_TEST(took < 30000);

        int good = 0, shown = 0;
        for (int i = 0; i < clients; ++i) {
            auto const& reply = replies[static_cast<std::size_t>(i)];
            auto const v = parsed(reply);
            auto names = status_names(v);
            std::sort(names.begin(), names.end());
            if (is_ok(v) && names == std::vector<std::string>{"flappy", "stable"})
                ++good;
            else if (shown++ < 5) // a few examples are enough
                BOOST_ERROR("client " << i << ": " << (errors[static_cast<std::size_t>(i)].empty()
                                                           ? reply.value_or("(no reply)")
                                                           : errors[static_cast<std::size_t>(i)]));
        }
        BOOST_TEST(good == clients);
        BOOST_TEST(d.running());
        BOOST_TEST((d.states("flappy").size() > flaps_before || took < 150),
                   "flappy did not restart during the round");
    }

    BOOST_TEST(process_alive(stable));
    BOOST_TEST(d.states("stable").size() == 2u);
    BOOST_TEST(ctl(dir, {"status", "stable"}).status == 0);

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
