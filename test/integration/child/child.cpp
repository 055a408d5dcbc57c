// warden-test-child: a scriptable child process for warden's tests.
// Standard C++ and POSIX only; every signal handler is async-signal-safe.
//
//   --name N            name used in --record lines (default: basename of argv[0])
//   --record FILE       append "<pid> <name> start <ns>\n" at start, with one
//                       O_APPEND write; on SIGTERM append "<pid> <name> term <ns>\n"
//                       and exit 0. <ns> is CLOCK_MONOTONIC in nanoseconds.
//                       Without --record, SIGTERM keeps its default action.
//   --term-delay-ms MS  with --record: on SIGTERM, after the "term" record, wait MS
//                       milliseconds, append "<pid> <name> exit <ns>\n", then exit 0
//   --ignore-term       ignore SIGTERM (wins over --record's handler)
//   --record-signals    with --record: on SIGHUP, SIGUSR1, SIGUSR2 append
//                       "<pid> <name> hup|usr1|usr2 <ns>\n" and carry on
//   --stderr TEXT       write TEXT and a newline to stderr
//   --env NAME          print "NAME=value", or "NAME unset"
//   --pwd               print "cwd=DIR"
//   --whoami            print "uid=U gid=G groups=A,B HOME=H USER=U"
//   --umask             print "umask=0022" (octal)
//   --fds               print "fds=0,1,2": our open descriptors, from /proc/self/fd
//   --print N           print "line 1" ... "line N"
//   --pipe-size BYTES   set the capacity of the stdout pipe (fcntl F_SETPIPE_SZ; the
//                       kernel rounds it up to a page), so that a reader never gets
//                       more than that in one read; exit 2 if stdout is not a pipe
//   --flood BYTES       write exactly BYTES to stdout as fast as the pipe takes
//                       them: 16-byte records, each the record's own offset as 15
//                       zero-padded digits and '\n', the last one cut to fit
//   --grandchild        fork a grandchild that stays in our process group, records
//                       (start, and term on SIGTERM) as "<name>.gc" and sleeps
//                       forever; once it is ready, print "grandchild <pid>"
//   --orphan FILE       fork a grandchild that leaves our group and session
//                       (setsid), points its stdio at /dev/null like a daemon,
//                       writes its pid to FILE (complete before we go on: written
//                       to FILE.tmp, renamed, then we are told over a pipe), and
//                       exits 0 after --orphan-ms. When we exit first (add --exit 0)
//                       it is re-parented to the nearest child subreaper: this is
//                       how a test makes an escaped orphan for the daemon to reap.
//   --orphan-ms MS      the orphan's lifetime (default 200; -1: until killed)
//   --check-file FILE   exit 0 if FILE exists, 1 if not (a `ready = exec:` probe
//                       that records each attempt as "start")
//   --notify-foreign    fork a process that leaves our group (setsid), sends
//                       "READY=1\nSTATUS=foreign" to $NOTIFY_SOCKET, stays 1 s and
//                       exits; we go on once it has sent (exit 3 if NOTIFY_SOCKET
//                       is unset)
//   --listen-tcp PORT   bind 127.0.0.1:PORT and listen (never accepting: the backlog
//                       completes connects), append "<pid> <name> listen <ns>"
//   --listen-after-ms MS  ... MS milliseconds after our start (default 0)
//   --notify-ready-after-ms MS  MS milliseconds after our start, send
//                       "READY=1\nSTATUS=ready" to $NOTIFY_SOCKET (a path, or an
//                       abstract address "@name"), append "<pid> <name> notify <ns>"
//                       (exit 3 at once if NOTIFY_SOCKET is unset; exit 4 if the
//                       send fails). With --listen-tcp, the two happen in time order.
//   --exit CODE         when the steps above are done, exit with CODE
//   --exit-after-ms MS  ... but only after MS milliseconds (code from --exit, or 0)
//   --crash             when the steps above are done, die by SIGSEGV (RLIMIT_CORE
//                       is set to 0 first, so no core file is written)
//   --print-every-ms MS instead of sleeping at the end, print "tick 1", "tick 2", ...
//                       one line every MS milliseconds until a signal ends us
//   (nothing to end)    sleep until a signal ends us
//
// The steps run in the order of this list, whatever the order of the flags.

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

namespace {

struct options {
    std::string name;
    std::string record;
    long term_delay_ms = 0;
    bool ignore_term = false;
    bool record_signals = false;
    std::string stderr_text;
    bool has_stderr = false;
    std::vector<std::string> env;
    bool pwd = false;
    bool whoami = false;
    bool show_umask = false;
    bool fds = false;
    long print = 0;
    long pipe_size = 0;
    long long flood = -1;
    bool grandchild = false;
    std::string orphan_file;
    long orphan_ms = 200;
    std::optional<int> exit_code;
    long exit_after_ms = -1;
    bool crash = false;
    long print_every_ms = 0;
    std::string check_file;
    bool notify_foreign = false;
    long listen_port = -1;
    long listen_after_ms = 0;
    long notify_ready_after_ms = -1;
};

// --- async-signal-safe record writing ----------------------------------------

char record_path[4096];
char record_prefix[512]; // "<pid> <name> "
std::size_t record_prefix_length = 0;

std::size_t append_number(char* out, std::uint64_t value)
{
    char digits[24];
    std::size_t n = 0;
    do {
        digits[n++] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value != 0);
    for (std::size_t i = 0; i < n; ++i)
        out[i] = digits[n - 1 - i];
    return n;
}

std::uint64_t monotonic_ns()
{
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000u + static_cast<std::uint64_t>(ts.tv_nsec);
}

void set_record_prefix(char const* name)
{
    std::size_t n = append_number(record_prefix, static_cast<std::uint64_t>(::getpid()));
    record_prefix[n++] = ' ';
    for (; *name && n < sizeof record_prefix - 2; ++name)
        record_prefix[n++] = *name;
    record_prefix[n++] = ' ';
    record_prefix_length = n;
}

// One write with O_APPEND: lines from several processes never interleave.
void write_record(char const* event)
{
    if (record_path[0] == '\0')
        return;
    char line[700];
    std::memcpy(line, record_prefix, record_prefix_length);
    std::size_t n = record_prefix_length;
    for (; *event; ++event)
        line[n++] = *event;
    line[n++] = ' ';
    n += append_number(line + n, monotonic_ns());
    line[n++] = '\n';
    int const fd = ::open(record_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    while (::write(fd, line, n) < 0 && errno == EINTR) {
    }
    ::close(fd);
}

long term_delay_ms = 0;

extern "C" void on_term(int)
{
    write_record("term");
    if (term_delay_ms > 0) {
        timespec delay{term_delay_ms / 1000, (term_delay_ms % 1000) * 1000000L};
        while (::nanosleep(&delay, &delay) != 0 && errno == EINTR) {
        }
        write_record("exit");
    }
    ::_exit(0);
}

extern "C" void on_recorded_signal(int sig)
{
    int const saved = errno;
    write_record(sig == SIGHUP ? "hup" : sig == SIGUSR1 ? "usr1" : "usr2");
    errno = saved;
}

void setup_term(options const& opt)
{
    if (opt.record_signals && !opt.record.empty()) {
        struct sigaction action {};
        action.sa_handler = on_recorded_signal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        for (int sig : {SIGHUP, SIGUSR1, SIGUSR2})
            ::sigaction(sig, &action, nullptr);
    }
    if (opt.ignore_term)
        ::signal(SIGTERM, SIG_IGN);
    else if (!opt.record.empty())
        ::signal(SIGTERM, on_term);
}

// --- ordinary output -----------------------------------------------------------

void write_all(int fd, char const* data, std::size_t size)
{
    while (size > 0) {
        ssize_t const n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            ::_exit(3); // the reader is gone; nothing sensible left to do
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
}

void print_line(std::string const& line)
{
    std::string const text = line + "\n";
    write_all(1, text.data(), text.size());
}

[[noreturn]] void usage(char const* what)
{
    std::fprintf(stderr, "warden-test-child: %s (see the comment at the top of child.cpp)\n", what);
    std::exit(2);
}

options parse(int argc, char** argv)
{
    options opt;
    char const* base = std::strrchr(argv[0], '/');
    opt.name = base ? base + 1 : argv[0];
    for (int i = 1; i < argc; ++i) {
        std::string const flag = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                usage(("missing value after " + flag).c_str());
            return argv[++i];
        };
        auto number = [&]() -> long long {
            std::string const text = value();
            char* end = nullptr;
            long long const n = std::strtoll(text.c_str(), &end, 10);
            if (text.empty() || *end != '\0')
                usage(("not a number after " + flag + ": " + text).c_str());
            return n;
        };
        if (flag == "--name") opt.name = value();
        else if (flag == "--record") opt.record = value();
        else if (flag == "--ignore-term") opt.ignore_term = true;
        else if (flag == "--record-signals") opt.record_signals = true;
        else if (flag == "--term-delay-ms") opt.term_delay_ms = static_cast<long>(number());
        else if (flag == "--stderr") { opt.stderr_text = value(); opt.has_stderr = true; }
        else if (flag == "--env") opt.env.push_back(value());
        else if (flag == "--pwd") opt.pwd = true;
        else if (flag == "--whoami") opt.whoami = true;
        else if (flag == "--umask") opt.show_umask = true;
        else if (flag == "--fds") opt.fds = true;
        else if (flag == "--print") opt.print = static_cast<long>(number());
        else if (flag == "--pipe-size") opt.pipe_size = static_cast<long>(number());
        else if (flag == "--flood") opt.flood = number();
        else if (flag == "--grandchild") opt.grandchild = true;
        else if (flag == "--orphan") opt.orphan_file = value();
        else if (flag == "--orphan-ms") opt.orphan_ms = static_cast<long>(number());
        else if (flag == "--exit") opt.exit_code = static_cast<int>(number());
        else if (flag == "--exit-after-ms") opt.exit_after_ms = static_cast<long>(number());
        else if (flag == "--crash") opt.crash = true;
        else if (flag == "--print-every-ms") opt.print_every_ms = static_cast<long>(number());
        else if (flag == "--check-file") opt.check_file = value();
        else if (flag == "--notify-foreign") opt.notify_foreign = true;
        else if (flag == "--listen-tcp") opt.listen_port = static_cast<long>(number());
        else if (flag == "--listen-after-ms") opt.listen_after_ms = static_cast<long>(number());
        else if (flag == "--notify-ready-after-ms") opt.notify_ready_after_ms = static_cast<long>(number());
        else usage(("unknown flag " + flag).c_str());
    }
    if (opt.record.size() >= sizeof record_path)
        usage("--record path too long");
    return opt;
}

[[noreturn]] void sleep_forever()
{
    for (;;)
        ::pause();
}

void sleep_ms(long ms)
{
    timespec deadline{};
    ::clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += ms / 1000;
    deadline.tv_nsec += (ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec += 1;
        deadline.tv_nsec -= 1000000000L;
    }
    while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nullptr) == EINTR) {
    }
}

// --- the steps -------------------------------------------------------------------

void print_env(std::string const& name)
{
    char const* value = std::getenv(name.c_str());
    print_line(value ? name + "=" + value : name + " unset");
}

void print_cwd()
{
    char buffer[4096];
    print_line(std::string("cwd=") + (::getcwd(buffer, sizeof buffer) ? buffer : "?"));
}

void print_identity()
{
    std::vector<gid_t> groups(static_cast<std::size_t>(std::max(::getgroups(0, nullptr), 0)));
    int const count = ::getgroups(static_cast<int>(groups.size()), groups.data());
    std::string list;
    for (int i = 0; i < count; ++i)
        list += (i ? "," : "") + std::to_string(groups[static_cast<std::size_t>(i)]);
    char const* home = std::getenv("HOME");
    char const* user = std::getenv("USER");
    print_line("uid=" + std::to_string(::getuid()) + " gid=" + std::to_string(::getgid()) + " groups=" + list +
               " HOME=" + (home ? home : "(unset)") + " USER=" + (user ? user : "(unset)"));
}

void print_umask()
{
    mode_t const mask = ::umask(0);
    ::umask(mask);
    char text[16];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mask));
    print_line(std::string("umask=") + text);
}

void print_fds()
{
    std::vector<int> fds;
    if (DIR* dir = ::opendir("/proc/self/fd")) {
        while (dirent const* entry = ::readdir(dir))
            if (entry->d_name[0] != '.' && std::atoi(entry->d_name) != ::dirfd(dir))
                fds.push_back(std::atoi(entry->d_name));
        ::closedir(dir);
    }
    std::sort(fds.begin(), fds.end());
    std::string list;
    for (std::size_t i = 0; i < fds.size(); ++i)
        list += (i ? "," : "") + std::to_string(fds[i]);
    print_line("fds=" + list);
}

void flood(long long total)
{
    std::vector<char> block(64 * 1024);
    long long offset = 0;
    while (offset < total) {
        std::size_t n = 0;
        while (n < block.size() && offset + static_cast<long long>(n) < total) {
            char record[24]; // 15 digits and a newline, with room the compiler can prove
            std::snprintf(record, sizeof record, "%015lld\n", offset + static_cast<long long>(n));
            std::size_t const take =
                std::min<std::size_t>({16, block.size() - n, static_cast<std::size_t>(total - offset) - n});
            std::memcpy(block.data() + n, record, take);
            n += take;
        }
        write_all(1, block.data(), n);
        offset += static_cast<long long>(n);
    }
}

// Fork, run `body` in the child (which never returns), and wait until the
// child says it is ready by closing its end of a pipe.
template <class Body>
pid_t fork_and_wait_ready(Body body)
{
    int ready[2];
    if (::pipe(ready) != 0)
        usage("pipe failed");
    pid_t const pid = ::fork();
    if (pid < 0)
        usage("fork failed");
    if (pid == 0) {
        ::close(ready[0]);
        body(ready[1]);
        sleep_forever();
    }
    ::close(ready[1]);
    char byte;
    while (::read(ready[0], &byte, 1) < 0 && errno == EINTR) {
    }
    ::close(ready[0]);
    return pid;
}

void start_grandchild(options const& opt)
{
    pid_t const pid = fork_and_wait_ready([&](int ready) {
        set_record_prefix((opt.name + ".gc").c_str());
        setup_term(opt);
        write_record("start");
        ::close(ready);
        sleep_forever();
    });
    print_line("grandchild " + std::to_string(pid));
}

void start_orphan(options const& opt)
{
    fork_and_wait_ready([&](int ready) {
        ::setsid();
        int const null = ::open("/dev/null", O_RDWR);
        for (int fd = 0; fd < 3; ++fd)
            ::dup2(null, fd);
        std::string const tmp = opt.orphan_file + ".tmp";
        if (FILE* file = std::fopen(tmp.c_str(), "w")) {
            std::fprintf(file, "%ld\n", static_cast<long>(::getpid()));
            std::fclose(file);
            std::rename(tmp.c_str(), opt.orphan_file.c_str());
        }
        ::close(ready);
        if (opt.orphan_ms < 0)
            sleep_forever();
        sleep_ms(opt.orphan_ms);
        ::_exit(0);
    });
}

// --- readiness ----------------------------------------------------------------------

std::uint64_t started_ns = 0; // CLOCK_MONOTONIC at our start

// Sleeps until `ms` milliseconds after our start (not at all when that has passed).
void sleep_until_since_start(long ms)
{
    std::uint64_t const at = started_ns + static_cast<std::uint64_t>(ms) * 1000000u;
    timespec deadline{static_cast<time_t>(at / 1000000000u), static_cast<long>(at % 1000000000u)};
    while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nullptr) == EINTR) {
    }
}

// $NOTIFY_SOCKET, or exit 3 when it is unset.
std::string notify_socket_or_exit()
{
    char const* value = std::getenv("NOTIFY_SOCKET");
    if (!value || !*value) {
        std::fprintf(stderr, "warden-test-child: NOTIFY_SOCKET unset\n");
        std::exit(3);
    }
    return value;
}

// sd_notify(3)'s protocol: one datagram to the path (or, with a leading '@',
// the abstract address) in NOTIFY_SOCKET. Returns false when it failed.
bool send_notify(std::string const& socket_name, std::string const& message)
{
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (socket_name.size() >= sizeof address.sun_path)
        return false;
    std::memcpy(address.sun_path, socket_name.data(), socket_name.size());
    socklen_t size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_name.size());
    if (socket_name[0] == '@')
        address.sun_path[0] = '\0'; // abstract: no terminating NUL counted
    else
        size += 1;
    int const fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    ssize_t n;
    do
        n = ::sendto(fd, message.data(), message.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&address), size);
    while (n < 0 && errno == EINTR);
    ::close(fd);
    return n == static_cast<ssize_t>(message.size());
}

// A process outside our group sends READY=1: the daemon must ignore it. It
// lingers a second so that its pid still exists when the daemon looks it up.
void notify_foreign(std::string const& socket_name)
{
    int done[2];
    if (::pipe(done) != 0)
        usage("pipe failed");
    pid_t const pid = ::fork();
    if (pid < 0)
        usage("fork failed");
    if (pid == 0) {
        ::close(done[0]);
        ::setsid();
        send_notify(socket_name, "READY=1\nSTATUS=foreign");
        ::close(done[1]);
        sleep_ms(1000);
        ::_exit(0);
    }
    ::close(done[1]);
    char byte;
    while (::read(done[0], &byte, 1) < 0 && errno == EINTR) {
    }
    ::close(done[0]);
}

int listen_fd = -1; // kept open until we exit

void listen_tcp(long port)
{
    listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int const on = 1;
    ::setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (listen_fd < 0 || ::bind(listen_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listen_fd, 64) != 0) {
        std::fprintf(stderr, "warden-test-child: cannot listen on 127.0.0.1:%ld: %s\n", port, std::strerror(errno));
        std::exit(4);
    }
    write_record("listen");
}

void become_ready(options const& opt)
{
    std::string socket_name;
    if (opt.notify_foreign || opt.notify_ready_after_ms >= 0)
        socket_name = notify_socket_or_exit();
    if (opt.notify_foreign)
        notify_foreign(socket_name);
    bool const listen = opt.listen_port >= 0;
    bool const notify = opt.notify_ready_after_ms >= 0;
    bool const listen_first = !notify || (listen && opt.listen_after_ms <= opt.notify_ready_after_ms);
    auto do_listen = [&] {
        sleep_until_since_start(opt.listen_after_ms);
        listen_tcp(opt.listen_port);
    };
    auto do_notify = [&] {
        sleep_until_since_start(opt.notify_ready_after_ms);
        if (!send_notify(socket_name, "READY=1\nSTATUS=ready")) {
            std::fprintf(stderr, "warden-test-child: cannot send to NOTIFY_SOCKET %s: %s\n", socket_name.c_str(),
                         std::strerror(errno));
            std::exit(4);
        }
        write_record("notify");
    };
    if (listen && listen_first)
        do_listen();
    if (notify)
        do_notify();
    if (listen && !listen_first)
        do_listen();
}

} // namespace

int main(int argc, char** argv)
{
    started_ns = monotonic_ns();
    options const opt = parse(argc, argv);

    std::strcpy(record_path, opt.record.c_str());
    term_delay_ms = opt.term_delay_ms;
    set_record_prefix(opt.name.c_str());
    setup_term(opt);
    write_record("start");

    if (opt.has_stderr) {
        std::string const text = opt.stderr_text + "\n";
        write_all(2, text.data(), text.size());
    }
    for (auto const& name : opt.env)
        print_env(name);
    if (opt.pwd)
        print_cwd();
    if (opt.whoami)
        print_identity();
    if (opt.show_umask)
        print_umask();
    if (opt.fds)
        print_fds();
    for (long i = 1; i <= opt.print; ++i)
        print_line("line " + std::to_string(i));
    if (opt.pipe_size > 0 && ::fcntl(1, F_SETPIPE_SZ, static_cast<int>(opt.pipe_size)) < 0)
        usage("--pipe-size: F_SETPIPE_SZ on stdout failed");
    if (opt.flood >= 0)
        flood(opt.flood);
    if (opt.grandchild)
        start_grandchild(opt);
    if (!opt.orphan_file.empty())
        start_orphan(opt);
    if (!opt.check_file.empty())
        return ::access(opt.check_file.c_str(), F_OK) == 0 ? 0 : 1;
    become_ready(opt);

    if (opt.exit_after_ms >= 0) {
        sleep_ms(opt.exit_after_ms);
        return opt.exit_code.value_or(0);
    }
    if (opt.exit_code)
        return *opt.exit_code;
    if (opt.crash) {
        rlimit const no_core{0, 0};
        ::setrlimit(RLIMIT_CORE, &no_core);
        ::signal(SIGSEGV, SIG_DFL);
        ::raise(SIGSEGV);
    }
    if (opt.print_every_ms > 0)
        for (long tick = 1;; ++tick) {
            print_line("tick " + std::to_string(tick));
            sleep_ms(opt.print_every_ms);
        }
    sleep_forever();
}
