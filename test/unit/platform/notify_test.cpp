// systemd's notify protocol: the per-child listener (who may speak, what is
// parsed, what is dropped) and the daemon's own notifier (where it sends,
// what it removes from the environment). Every wait runs the io_context
// until a condition holds, with a deadline.
#include "platform/notify.hpp"
#include "platform/posix/notify_socket.hpp"
#include "platform/posix/unique_fd.hpp"

#include "../run_until.hpp"
#include "host_fixture.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

using namespace warden;
using namespace warden::platform;
using namespace std::chrono_literals;
using warden::platform::posix::unique_fd;

namespace {

/// Send one datagram to a NOTIFY_SOCKET-style address, optionally passing
/// `fd` with it. Async-signal-safe enough for a forked child.
bool send_datagram(posix::unix_address const& to, std::string_view data, int fd = -1)
{
    unique_fd sock{::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
    if (!sock)
        return false;
    iovec iov{const_cast<char*>(data.data()), data.size()};
    msghdr msg{};
    msg.msg_name = const_cast<sockaddr*>(to.get());
    msg.msg_namelen = to.length;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    if (fd >= 0) {
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        cmsghdr* c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
    }
    return ::sendmsg(sock.get(), &msg, MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
}

bool send_datagram(std::string const& address, std::string_view data, int fd = -1)
{
    auto const to = posix::to_unix_address(address);
    return to && send_datagram(*to, data, fd);
}

struct listener_fixture {
    listener_fixture()
    {
        std::string error;
        listener = make_notify_listener(
            io, "web", [this](notify_fields const& f) { messages.push_back(f); },
            [this](log_severity s, std::string line) { logs.emplace_back(s, std::move(line)); }, error);
        BOOST_REQUIRE_MESSAGE(listener, error);
    }

    /// Log lines that contain `text`.
    std::size_t logged(std::string const& text) const
    {
        std::size_t n = 0;
        for (auto const& [severity, line] : logs)
            n += line.find(text) != std::string::npos;
        return n;
    }

    bool run_until_messages(std::size_t n)
    {
        return test::run_until(io, [&] { return messages.size() >= n; }, 10s);
    }

    boost::asio::io_context io;
    std::vector<notify_fields> messages;
    std::vector<std::pair<log_severity, std::string>> logs;
    std::unique_ptr<notify_listener> listener;
};

notify_fields fields(std::initializer_list<std::pair<char const*, char const*>> list)
{
    notify_fields result;
    for (auto const& [k, v] : list)
        result.emplace_back(k, v);
    return result;
}

/// Reap `pid`, failing the test if it did not exit 0.
void expect_clean_exit(pid_t pid)
{
    int status = 0;
    BOOST_REQUIRE_EQUAL(::waitpid(pid, &status, 0), pid);
    BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
}

/// Reads and removes a variable: the notifier tests leave none behind.
struct scoped_environment {
    ~scoped_environment()
    {
        for (char const* name : {"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"})
            ::unsetenv(name);
    }
};

/// A datagram socket the tests bind to play the service manager.
struct manager_socket {
    explicit manager_socket(std::string address_) : address(std::move(address_))
    {
        fd.reset(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        auto const to = posix::to_unix_address(address);
        BOOST_REQUIRE(to);
        BOOST_REQUIRE_EQUAL(::bind(fd.get(), to->get(), to->length), 0);
    }
    ~manager_socket()
    {
        if (address[0] == '/')
            ::unlink(address.c_str());
    }

    /// The next queued datagram (AF_UNIX delivery is done when sendto returns).
    std::string take()
    {
        char buffer[8192];
        ssize_t const n = ::recv(fd.get(), buffer, sizeof buffer, MSG_DONTWAIT);
        return n < 0 ? std::string("<nothing: ") + std::strerror(errno) + ">" : std::string(buffer, n);
    }

    std::string address;
    unique_fd fd;
};

} // namespace

BOOST_AUTO_TEST_SUITE(platform_notify)

BOOST_AUTO_TEST_CASE(datagrams_parse_as_systemd_reads_them)
{
    using posix::parse_notify_datagram;
    BOOST_TEST((parse_notify_datagram("READY=1") == fields({{"READY", "1"}})));
    BOOST_TEST((parse_notify_datagram("READY=1\nSTATUS=up: a=b\n") == fields({{"READY", "1"}, {"STATUS", "up: a=b"}})));
    BOOST_TEST((parse_notify_datagram("\n\njunk\n=nokey\nSTATUS=\n\nREADY=1") ==
                fields({{"STATUS", ""}, {"READY", "1"}})));
    BOOST_TEST(parse_notify_datagram("").empty());
    BOOST_TEST(parse_notify_datagram("\n\n\n").empty());
}

BOOST_AUTO_TEST_CASE(addresses_are_paths_or_abstract_names)
{
    auto const path = posix::to_unix_address("/run/x.sock");
    BOOST_REQUIRE(path);
    BOOST_TEST(std::string(path->address.sun_path) == "/run/x.sock");
    BOOST_TEST(path->length == offsetof(sockaddr_un, sun_path) + 12);

    auto const abstract = posix::to_unix_address("@a/b");
    BOOST_REQUIRE(abstract);
    BOOST_TEST(abstract->address.sun_path[0] == '\0');
    BOOST_TEST(std::string(abstract->address.sun_path + 1, 3) == "a/b");
    BOOST_TEST(abstract->length == offsetof(sockaddr_un, sun_path) + 4); // no terminating NUL

    BOOST_TEST(!posix::to_unix_address(""));
    BOOST_TEST(!posix::to_unix_address("@"));
    BOOST_TEST(!posix::to_unix_address("relative.sock"));
    BOOST_TEST(!posix::to_unix_address("vsock:2:1234"));
    BOOST_TEST(!posix::to_unix_address("/" + std::string(200, 'x')));
}

BOOST_FIXTURE_TEST_CASE(each_listener_has_its_own_abstract_address, listener_fixture)
{
    std::string error;
    auto other = make_notify_listener(io, "db", {}, {}, error);
    BOOST_REQUIRE_MESSAGE(other, error);
    std::string const prefix = "@warden/" + std::to_string(::getpid()) + "/";
    BOOST_TEST(listener->address().rfind(prefix, 0) == 0);
    BOOST_TEST(other->address().rfind(prefix, 0) == 0);
    BOOST_TEST(listener->address() != other->address());
}

BOOST_FIXTURE_TEST_CASE(the_group_leader_is_heard, listener_fixture)
{
    auto const to = *posix::to_unix_address(listener->address());
    pid_t const child = ::fork();
    BOOST_REQUIRE_GE(child, 0);
    if (child == 0) {
        ::setpgid(0, 0);
        ::_exit(send_datagram(to, "READY=1\nSTATUS=serving") ? 0 : 1);
    }
    ::setpgid(child, child); // both sides set it, so the group exists whoever runs first
    listener->accept_group(child);
    BOOST_REQUIRE(run_until_messages(1));
    expect_clean_exit(child);
    BOOST_TEST((messages[0] == fields({{"READY", "1"}, {"STATUS", "serving"}})));
    BOOST_TEST(logs.empty());
}

// A member that is not the leader is looked up with getpgid; it stays alive
// (blocked on `gate`) until its message has been judged.
BOOST_FIXTURE_TEST_CASE(another_member_of_the_group_is_heard, listener_fixture)
{
    auto const to = *posix::to_unix_address(listener->address());
    int gate[2];
    BOOST_REQUIRE_EQUAL(::pipe2(gate, O_CLOEXEC), 0);
    pid_t const leader = ::fork();
    BOOST_REQUIRE_GE(leader, 0);
    if (leader == 0) {
        ::setpgid(0, 0);
        pid_t const member = ::fork();
        if (member == 0) {
            ::close(gate[1]);
            bool const sent = send_datagram(to, "READY=1");
            char c;
            (void)!::read(gate[0], &c, 1); // until the test closes its end
            ::_exit(sent ? 0 : 1);
        }
        ::close(gate[0]);
        ::close(gate[1]);
        int status = 1;
        ::waitpid(member, &status, 0);
        ::_exit(member > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : 1);
    }
    ::close(gate[0]);
    ::setpgid(leader, leader);
    listener->accept_group(leader);
    bool const heard = run_until_messages(1);
    ::close(gate[1]);
    expect_clean_exit(leader);
    BOOST_REQUIRE(heard);
    BOOST_TEST((messages[0] == fields({{"READY", "1"}})));
    BOOST_TEST(logs.empty());
}

BOOST_FIXTURE_TEST_CASE(a_sender_from_another_group_is_ignored_with_one_log_line, listener_fixture)
{
    listener->accept_group(::getpgrp());
    auto const to = *posix::to_unix_address(listener->address());
    pid_t const child = ::fork();
    BOOST_REQUIRE_GE(child, 0);
    if (child == 0) {
        ::setpgid(0, 0);
        ::_exit(send_datagram(to, "READY=1") ? 0 : 1);
    }
    expect_clean_exit(child); // its datagram is queued before it exits
    // Then one from our own group: once it arrives, the intruder's has been judged.
    BOOST_REQUIRE(send_datagram(to, "STATUS=ours"));
    BOOST_REQUIRE(run_until_messages(1));
    BOOST_TEST(messages.size() == 1u);
    BOOST_TEST((messages[0] == fields({{"STATUS", "ours"}})));
    BOOST_TEST(logs.size() == 1u);
    BOOST_TEST(logged("web: ignored notify message from pid " + std::to_string(child) + ": not in process group " +
                      std::to_string(::getpgrp())) == 1u);
    BOOST_TEST((logs.at(0).first == log_severity::warning));
}

BOOST_FIXTURE_TEST_CASE(nothing_is_accepted_before_a_group_is_named, listener_fixture)
{
    BOOST_REQUIRE(send_datagram(listener->address(), "READY=1"));
    BOOST_REQUIRE(test::run_until(io, [&] { return !logs.empty(); }, 10s));
    BOOST_TEST(logged("ignored notify message") == 1u);
    listener->accept_group(::getpgrp());
    BOOST_REQUIRE(send_datagram(listener->address(), "READY=1"));
    BOOST_REQUIRE(run_until_messages(1));
    listener->accept_group(0); // the child is gone: back to accepting nothing
    BOOST_REQUIRE(send_datagram(listener->address(), "READY=1"));
    BOOST_REQUIRE(test::run_until(io, [&] { return logs.size() == 2; }, 10s));
    BOOST_TEST(messages.size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(junk_lines_are_ignored_and_an_all_junk_message_is_not_delivered, listener_fixture)
{
    listener->accept_group(::getpgrp());
    BOOST_REQUIRE(send_datagram(listener->address(), "junk\n\n=x\n"));
    BOOST_REQUIRE(send_datagram(listener->address(), "\nnoise\nREADY=1\n\nSTATUS=3 of 4 up\nmore noise"));
    BOOST_REQUIRE(run_until_messages(1));
    BOOST_TEST(messages.size() == 1u);
    BOOST_TEST((messages[0] == fields({{"READY", "1"}, {"STATUS", "3 of 4 up"}})));
    BOOST_TEST(logs.empty());
}

BOOST_FIXTURE_TEST_CASE(a_message_with_a_nul_byte_is_dropped, listener_fixture)
{
    listener->accept_group(::getpgrp());
    BOOST_REQUIRE(send_datagram(listener->address(), std::string_view("READY=1\0STATUS=x", 16)));
    BOOST_REQUIRE(send_datagram(listener->address(), "STATUS=next"));
    BOOST_REQUIRE(run_until_messages(1));
    BOOST_TEST((messages[0] == fields({{"STATUS", "next"}})));
    BOOST_TEST(logged("ignored notify message") == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_64_kib_datagram_is_dropped_and_the_next_one_is_heard, listener_fixture)
{
    listener->accept_group(::getpgrp());
    std::string const huge = "STATUS=" + std::string(64 * 1024, 'x');
    BOOST_REQUIRE(send_datagram(listener->address(), huge));
    BOOST_REQUIRE(send_datagram(listener->address(), "READY=1"));
    BOOST_REQUIRE(run_until_messages(1));
    BOOST_TEST(messages.size() == 1u);
    BOOST_TEST((messages[0] == fields({{"READY", "1"}})));
    BOOST_TEST(logs.size() == 1u);
    BOOST_TEST(logged("ignored notify message from pid " + std::to_string(::getpid()) + ": larger than 4096 bytes") ==
               1u);
}

BOOST_FIXTURE_TEST_CASE(a_datagram_of_exactly_the_limit_is_heard, listener_fixture)
{
    listener->accept_group(::getpgrp());
    std::string const status = "STATUS=" + std::string(posix::notify_datagram_max - 7, 'y');
    BOOST_REQUIRE(send_datagram(listener->address(), status));
    BOOST_REQUIRE(run_until_messages(1));
    BOOST_TEST(messages[0].at(0).second.size() == posix::notify_datagram_max - 7);
}

// The read end of a pipe travels with each message; once the listener has
// handled them, nobody holds it, which the write end reports as POLLERR.
BOOST_FIXTURE_TEST_CASE(passed_descriptors_are_closed_accepted_or_not, listener_fixture)
{
    for (bool const accepted : {false, true}) {
        BOOST_TEST_CONTEXT("accepted " << accepted)
        {
            listener->accept_group(accepted ? ::getpgrp() : 0);
            int p[2];
            BOOST_REQUIRE_EQUAL(::pipe2(p, O_CLOEXEC), 0);
            unique_fd read_end{p[0]}, write_end{p[1]};
            BOOST_REQUIRE(send_datagram(listener->address(), "FDSTORE=1\nREADY=1", read_end.get()));
            read_end.reset();
            std::size_t const before = messages.size() + logs.size();
            BOOST_REQUIRE(test::run_until(io, [&] { return messages.size() + logs.size() > before; }, 10s));
            pollfd pfd{write_end.get(), POLLOUT, 0};
            BOOST_REQUIRE_EQUAL(::poll(&pfd, 1, 0), 1);
            BOOST_TEST((pfd.revents & POLLERR) != 0);
            BOOST_TEST(logged("closed 1 descriptor(s)") == (accepted ? 2u : 1u));
        }
    }
    BOOST_TEST(messages.size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(no_handler_runs_after_the_listener_is_destroyed, listener_fixture)
{
    listener->accept_group(::getpgrp());
    BOOST_REQUIRE(send_datagram(listener->address(), "READY=1"));
    listener.reset();
    for (int i = 0; i < 4; ++i) {
        io.restart();
        io.run_for(10ms); // the aborted wait completes here
    }
    BOOST_TEST(messages.empty());
    BOOST_TEST(logs.empty());
}

BOOST_FIXTURE_TEST_CASE(a_handler_may_destroy_its_listener, listener_fixture)
{
    std::string error;
    int calls = 0;
    listener = make_notify_listener(
        io, "web",
        [&](notify_fields const&) {
            ++calls;
            listener.reset(); // READY=1 seen: the driver drops the socket at once
        },
        {}, error);
    BOOST_REQUIRE(listener);
    listener->accept_group(::getpgrp());
    auto const address = listener->address();
    for (int i = 0; i < 3; ++i)
        BOOST_REQUIRE(send_datagram(address, "READY=1"));
    BOOST_REQUIRE(test::run_until(io, [&] { return calls > 0; }, 10s));
    for (int i = 0; i < 4; ++i) {
        io.restart();
        io.run_for(10ms);
    }
    BOOST_TEST(calls == 1);
    BOOST_TEST(!listener);
    // The name is released with the socket.
    BOOST_TEST(!send_datagram(address, "READY=1"));
}

BOOST_AUTO_TEST_CASE(the_notifier_is_absent_without_notify_socket_and_still_clears_the_watchdog)
{
    scoped_environment restore;
    ::unsetenv("NOTIFY_SOCKET");
    ::setenv("WATCHDOG_USEC", "1000000", 1);
    ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
    BOOST_TEST(!make_service_notifier({}));
    BOOST_TEST(!std::getenv("WATCHDOG_USEC"));
    BOOST_TEST(!std::getenv("WATCHDOG_PID"));

    ::setenv("NOTIFY_SOCKET", "", 1);
    BOOST_TEST(!make_service_notifier({}));
    BOOST_TEST(!std::getenv("NOTIFY_SOCKET"));
}

BOOST_AUTO_TEST_CASE(the_notifier_sends_to_a_path_and_removes_the_variables)
{
    scoped_environment restore;
    manager_socket manager(testing::temp_path("notify.sock"));
    ::setenv("NOTIFY_SOCKET", manager.address.c_str(), 1);
    ::setenv("WATCHDOG_USEC", "3000000", 1);
    ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
    auto notifier = make_service_notifier({});
    BOOST_REQUIRE(notifier);
    BOOST_TEST(!std::getenv("NOTIFY_SOCKET"));
    BOOST_TEST(!std::getenv("WATCHDOG_USEC"));
    BOOST_TEST(!std::getenv("WATCHDOG_PID"));
    BOOST_TEST(notifier->watchdog_usec().count() == 3000000);

    notifier->send("READY=1\nSTATUS=3 running");
    notifier->send("WATCHDOG=1");
    BOOST_TEST(manager.take() == "READY=1\nSTATUS=3 running");
    BOOST_TEST(manager.take() == "WATCHDOG=1");
}

BOOST_AUTO_TEST_CASE(the_notifier_sends_to_an_abstract_name)
{
    scoped_environment restore;
    manager_socket manager("@warden-test/" + std::to_string(::getpid()) + "/manager");
    ::setenv("NOTIFY_SOCKET", manager.address.c_str(), 1);
    auto notifier = make_service_notifier({});
    BOOST_REQUIRE(notifier);
    BOOST_TEST(notifier->watchdog_usec().count() == 0);
    notifier->send("STOPPING=1");
    BOOST_TEST(manager.take() == "STOPPING=1");
}

// The manager receives from our pid, in our group: the listener accepts it.
BOOST_FIXTURE_TEST_CASE(the_notifier_and_the_listener_speak_the_same_protocol, listener_fixture)
{
    scoped_environment restore;
    listener->accept_group(::getpgrp());
    ::setenv("NOTIFY_SOCKET", listener->address().c_str(), 1);
    auto notifier = make_service_notifier({});
    BOOST_REQUIRE(notifier);
    notifier->send("READY=1\nSTATUS=all up");
    BOOST_REQUIRE(run_until_messages(1));
    BOOST_TEST((messages[0] == fields({{"READY", "1"}, {"STATUS", "all up"}})));
}

BOOST_AUTO_TEST_CASE(the_watchdog_applies_only_to_its_pid_and_to_valid_values)
{
    struct cell {
        char const* name;
        char const* usec;
        char const* pid; // "self" for our pid, null for unset
        long long expected;
        bool warns;
    };
    cell const cells[] = {
        {"no pid", "2000000", nullptr, 2000000, false},
        {"our pid", "2000000", "self", 2000000, false},
        {"another pid", "2000000", "1", 0, false},
        {"zero", "0", "self", 0, false},
        {"not a number", "2s", "self", 0, true},
        {"negative", "-5", "self", 0, true},
        {"bad pid", "2000000", "me", 0, true},
        {"too large", "99999999999999999999", nullptr, 0, true},
    };
    for (auto const& c : cells) {
        BOOST_TEST_CONTEXT(c.name)
        {
            scoped_environment restore;
            manager_socket manager("@warden-test/" + std::to_string(::getpid()) + "/watchdog");
            ::setenv("NOTIFY_SOCKET", manager.address.c_str(), 1);
            ::setenv("WATCHDOG_USEC", c.usec, 1);
            if (c.pid)
                ::setenv("WATCHDOG_PID", std::string(c.pid) == "self" ? std::to_string(::getpid()).c_str() : c.pid, 1);
            std::size_t warnings = 0;
            auto notifier = make_service_notifier([&](log_severity s, std::string) {
                warnings += s == log_severity::warning;
            });
            BOOST_REQUIRE(notifier);
            BOOST_TEST(notifier->watchdog_usec().count() == c.expected);
            BOOST_TEST((warnings > 0) == c.warns);
            BOOST_TEST(!std::getenv("WATCHDOG_USEC"));
            BOOST_TEST(!std::getenv("WATCHDOG_PID"));
        }
    }
}

BOOST_AUTO_TEST_CASE(a_bad_address_is_a_warning_and_no_notifier)
{
    scoped_environment restore;
    ::setenv("NOTIFY_SOCKET", "vsock:2:1234", 1);
    std::vector<std::string> lines;
    BOOST_TEST(!make_service_notifier([&](log_severity, std::string line) { lines.push_back(std::move(line)); }));
    BOOST_TEST(lines.size() == 1u);
    BOOST_TEST(!std::getenv("NOTIFY_SOCKET"));
}

BOOST_AUTO_TEST_CASE(a_failing_manager_is_logged_once_per_run_of_failures)
{
    scoped_environment restore;
    auto manager = std::make_unique<manager_socket>("@warden-test/" + std::to_string(::getpid()) + "/gone");
    ::setenv("NOTIFY_SOCKET", manager->address.c_str(), 1);
    std::vector<std::string> lines;
    auto notifier =
        make_service_notifier([&](log_severity, std::string line) { lines.push_back(std::move(line)); });
    BOOST_REQUIRE(notifier);
    manager.reset(); // the name is gone: sendto fails with ECONNREFUSED
    notifier->send("WATCHDOG=1");
    notifier->send("WATCHDOG=1");
    notifier->send("WATCHDOG=1");
    BOOST_TEST(lines.size() == 1u);
    manager = std::make_unique<manager_socket>("@warden-test/" + std::to_string(::getpid()) + "/gone");
    notifier->send("WATCHDOG=1"); // recovers quietly
    BOOST_TEST(manager->take() == "WATCHDOG=1");
    manager.reset();
    notifier->send("WATCHDOG=1"); // a new failure is worth a line again
    BOOST_TEST(lines.size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
