// The wardenctl binary against the real server and a fake daemon handler
// that answers each command as docs/protocol.md says: arguments, the
// requests sent, the output and the exit codes (SPEC §1). Skipped when the
// binary is not built next to this test (bin/wardenctl).
#include "control_fixture.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <future>
#include <sstream>
#include <sys/wait.h>
#include <thread>

using namespace warden::control;
using namespace warden::control::testing;

namespace {

std::string wardenctl_path()
{
    std::error_code ec;
    auto const self = std::filesystem::read_symlink("/proc/self/exe", ec);
    auto const path = self.parent_path() / "bin" / "wardenctl";
    return std::filesystem::exists(path) ? path.string() : std::string();
}

std::string verb(std::string const& cmd)
{
    return cmd == "signal" ? "signalled" : cmd == "stop" ? "stopped" : cmd == "start" ? "started" : "restarted";
}

json::object process(char const* name, char const* state, char const* description)
{
    return json::object{{"name", name}, {"group", name}, {"state", state}, {"description", description}};
}

// Answers like the daemon; records each request as one JSON line.
struct daemon_fake : command_handler {
    void handle(request const& req, reply_fn send) override
    {
        json::object seen{{"cmd", req.cmd}};
        json::array args;
        for (auto const& a : req.args)
            args.emplace_back(a);
        seen["args"] = args;
        if (!req.options.empty())
            seen["options"] = req.options;
        requests.push_back(json::serialize(seen));

        auto const& a = req.args;
        if (req.cmd == "status") {
            json::array all{process("web", "RUNNING", "pid 123, uptime 0:00:05"),
                            process("worker", "FATAL", "spawn failed: cannot execute /x")};
            if (a.empty())
                return (void)send(reply::success(json::object{{"processes", all}}));
            json::array some;
            for (auto const& n : a) {
                if (n == "web")
                    some.push_back(all[0]);
                else if (n == "worker")
                    some.push_back(all[1]);
                else
                    return (void)send(reply::failure(error_code::no_such_process, "no such process: " + n));
            }
            return (void)send(reply::success(json::object{{"processes", some}}));
        }
        if (req.cmd == "start" || req.cmd == "stop" || req.cmd == "restart" || req.cmd == "signal") {
            json::array results;
            std::string failures;
            for (std::size_t i = req.cmd == "signal" ? 1 : 0; i < a.size(); ++i) {
                bool const ok = a[i] != "bad";
                results.push_back(json::object{{"name", a[i]}, {"ok", ok}, {"state", ok ? "RUNNING" : "FATAL"},
                                               {"message", ok ? verb(req.cmd)
                                                              : "spawn failed: No such file or directory"}});
                if (!ok)
                    failures += a[i] + ": FATAL: spawn failed: No such file or directory\n";
            }
            json::object result{{"processes", results}};
            if (!failures.empty())
                return (void)send(reply::failure(error_code::failed, failures, result));
            return (void)send(reply::success(result));
        }
        if (req.cmd == "pid") {
            if (a.empty())
                return (void)send(reply::success(json::object{{"pid", 4242}}));
            if (a[0] == "web")
                return (void)send(reply::success(json::object{{"name", "web"}, {"pid", 123}}));
            return (void)send(reply::failure(error_code::not_running, a[0] + " is not running"));
        }
        if (req.cmd == "tail") {
            bool const follow = req.options.at("follow").as_bool();
            send(reply::success(json::object{{"data", "last lines\n"}}, follow));
            if (follow) {
                send(reply::success(json::object{{"data", "more\n"}}, true));
                send(reply::success(json::object{{"data", "end\n"}})); // a real daemon would go on
            }
            return;
        }
        if (req.cmd == "reload") {
            bool const dry = req.options.contains("dry_run");
            return (void)send(reply::success(json::object{{"applied", !dry}, {"added", json::array{"a", "b"}},
                                                          {"changed", json::array{"c"}}, {"removed", json::array{}},
                                                          {"unchanged", json::array{"x", "y", "z"}}}));
        }
        if (req.cmd == "shutdown")
            return (void)send(reply::success(json::object{{"shutting_down", true}}));
        if (req.cmd == "version")
            return (void)send(reply::success(json::object{{"daemon", "9.9.9"}, {"protocol", 1}}));
        send(reply::failure(error_code::unknown_command, "unknown command " + req.cmd));
    }

    std::vector<std::string> requests;
};

struct run_result {
    int code = -1;
    std::string out, err;
};

std::string slurp(std::string const& path)
{
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct ctl_fixture {
    ctl_fixture() : path(dir.file("w.sock")), srv(io, handler, server_options{path, 0600, 10s, {}, 1 << 20})
    {
        auto problem = srv.start();
        BOOST_TEST_REQUIRE(!problem.has_value());
        thread = std::thread([this] { io.run(); });
    }
    ~ctl_fixture()
    {
        asio::post(io, [this] {
            srv.stop();
            guard.reset();
        });
        thread.join();
    }

    // Runs `wardenctl ARGS` (a shell word list); the handler is only read
    // after the run, when the server thread is idle again.
    run_result run(std::string const& args)
    {
        std::string const out = dir.file("out"), err = dir.file("err");
        std::string const cmd = "cd " + dir.path + " && " + ctl + " " + args + " >" + out + " 2>" + err;
        int const status = std::system(cmd.c_str());
        return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
    }

    std::string last_request()
    {
        std::string r;
        std::promise<void> done;
        asio::post(io, [&] {
            r = handler.requests.empty() ? "" : handler.requests.back();
            done.set_value();
        });
        done.get_future().wait();
        return r;
    }

    std::string ctl = wardenctl_path();
    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> guard = asio::make_work_guard(io);
    temp_dir dir;
    std::string path;
    daemon_fake handler;
    server srv;
    std::thread thread;
};

} // namespace

BOOST_AUTO_TEST_SUITE(wardenctl_tests)

BOOST_AUTO_TEST_CASE(commands_requests_output_and_exit_codes)
{
    if (wardenctl_path().empty()) {
        BOOST_TEST_MESSAGE("bin/wardenctl not built next to the test; skipped");
        return;
    }
    ctl_fixture f;
    std::string const s = "-s " + f.path + " ";
    struct row {
        char const* name;
        std::string args;
        int code;
        std::string out;
        std::string err;     // a substring of stderr ("" : stderr empty)
        std::string request; // the request the daemon got ("" : not checked)
    };
    std::vector<row> const table = {
        {"status", s + "status", 3,
         "web                  RUNNING   pid 123, uptime 0:00:05\n"
         "worker               FATAL     spawn failed: cannot execute /x\n",
         "", R"({"cmd":"status","args":[]})"},
        {"status of a running process", s + "status web", 0, "web                  RUNNING   pid 123, uptime 0:00:05\n",
         "", R"({"cmd":"status","args":["web"]})"},
        {"status of a fatal process", s + "status worker", 3,
         "worker               FATAL     spawn failed: cannot execute /x\n", "", ""},
        {"status of nobody", s + "status nosuch", 1, "", "wardenctl: no such process: nosuch\n", ""},
        {"status --json", s + "status web --json", 0,
         R"({"processes":[{"name":"web","group":"web","state":"RUNNING","description":"pid 123, uptime 0:00:05"}]})" "\n",
         "", ""},
        {"status --json, not running", "--json " + s + "status", 3, "", "", ""},
        {"start", s + "start web 'g:*'", 0, "web: started\ng:*: started\n", "",
         R"({"cmd":"start","args":["web","g:*"]})"},
        {"start all", s + "start all", 0, "all: started\n", "", R"({"cmd":"start","args":["all"]})"},
        {"start fails", s + "start web bad", 1,
         "web: started\nbad: ERROR (FATAL: spawn failed: No such file or directory)\n", "", ""},
        {"stop", s + "stop web", 0, "web: stopped\n", "", R"({"cmd":"stop","args":["web"]})"},
        {"restart", s + "restart web", 0, "web: restarted\n", "", R"({"cmd":"restart","args":["web"]})"},
        {"signal", s + "signal HUP web", 0, "web: signalled\n", "", R"({"cmd":"signal","args":["HUP","web"]})"},
        {"pid of the daemon", s + "pid", 0, "4242\n", "", R"({"cmd":"pid","args":[]})"},
        {"pid of a process", s + "pid web", 0, "123\n", "", R"({"cmd":"pid","args":["web"]})"},
        {"pid of a stopped process", s + "pid idle", 1, "", "wardenctl: idle is not running\n", ""},
        {"tail", s + "tail web", 0, "last lines\n", "",
         R"({"cmd":"tail","args":["web","stdout"],"options":{"lines":10,"follow":false}})"},
        {"tail -f -n 5 stderr", s + "tail -f -n 5 web stderr", 0, "last lines\nmore\nend\n", "",
         R"({"cmd":"tail","args":["web","stderr"],"options":{"lines":5,"follow":true}})"},
        {"tail --json", s + "tail -n0 web --json", 0, R"({"data":"last lines\n"})" "\n", "",
         R"({"cmd":"tail","args":["web","stdout"],"options":{"lines":0,"follow":false}})"},
        {"reload", s + "reload", 0, "added: a, b\nchanged: c\nunchanged: 3 programs\n", "", R"({"cmd":"reload","args":[]})"},
        {"reload --dry-run", s + "reload --dry-run", 0,
         "added: a, b\nchanged: c\nunchanged: 3 programs\n(dry run: nothing applied)\n", "",
         R"({"cmd":"reload","args":[],"options":{"dry_run":true}})"},
        {"shutdown", s + "shutdown", 0, "Shut down\n", "", R"({"cmd":"shutdown","args":[]})"},
        {"version", s + "version", 0, "wardend 9.9.9\nwardenctl " + std::string("0.1.0") + "\n", "", ""},
        // usage errors: exit 2, nothing sent
        {"no command", s, 2, "", "wardenctl: missing COMMAND\n", ""},
        {"unknown command", s + "frobnicate", 2, "", "wardenctl: unknown command 'frobnicate'\n", ""},
        {"start without a name", s + "start", 2, "", "start: missing NAME", ""},
        {"signal without a name", s + "signal HUP", 2, "", "signal: missing SIG NAME", ""},
        {"pid with two names", s + "pid a b", 2, "", "pid: too many arguments", ""},
        {"tail bad -n", s + "tail -n x web", 2, "", "tail: -n needs a number of lines (0 or more), not 'x'", ""},
        {"tail negative -n", s + "tail -n -3 web", 2, "", "tail: -n needs a number of lines (0 or more), not '-3'", ""},
        {"tail bad stream", s + "tail web stdin", 2, "", "tail: the stream is stdout or stderr, not 'stdin'", ""},
        {"unknown option", s + "status --bogus", 2, "", "unrecognised option '--bogus'", ""},
        {"-c and -s", "-c x.ini " + s + "status", 2, "", "-c and -s are exclusive", ""},
        {"help", "--help", 0, "", "", ""},
        // unreachable: exit 3, naming the path
        {"no daemon", "-s " + f.dir.file("none.sock") + " status", 3, "",
         "wardenctl: cannot reach wardend at " + f.dir.file("none.sock") + ": No such file or directory", ""},
    };
    for (auto const& r : table) {
        BOOST_TEST_CONTEXT(r.name << ": wardenctl " << r.args)
        {
            auto const got = f.run(r.args);
            BOOST_TEST(got.code == r.code);
            if (r.name != std::string("help") && r.name != std::string("status --json, not running"))
                BOOST_TEST(got.out == r.out);
            if (r.err.empty())
                BOOST_TEST(got.err == "");
            else
                BOOST_TEST(got.err.find(r.err) != std::string::npos, "stderr: " << got.err);
            if (!r.request.empty())
                BOOST_TEST(f.last_request() == r.request);
        }
    }
}

BOOST_AUTO_TEST_CASE(socket_from_a_config_file)
{
    if (wardenctl_path().empty())
        return;
    ctl_fixture f;
    std::ofstream(f.dir.file("good.ini")) << "[warden]\nsocket = " << f.path << "\n";
    std::ofstream(f.dir.file("bad.ini")) << "[warden]\nsocket = " << f.path << "\nsocket_mode = 9x\n";
    auto const good = f.run("-c " + f.dir.file("good.ini") + " pid");
    BOOST_TEST(good.code == 0);
    BOOST_TEST(good.out == "4242\n");

    auto const bad = f.run("-c " + f.dir.file("bad.ini") + " pid");
    BOOST_TEST(bad.code == 2);
    BOOST_TEST(bad.err.find(f.dir.file("bad.ini") + ":3:") == 0u, bad.err);
    BOOST_TEST(bad.err.find("is invalid; cannot tell where the control socket is") != std::string::npos, bad.err);

    // Without -c/-s, ./warden.ini is used (the fixture runs in its directory).
    std::filesystem::copy_file(f.dir.file("good.ini"), f.dir.file("warden.ini"));
    auto const found = f.run("pid");
    BOOST_TEST(found.code == 0);
    BOOST_TEST(found.out == "4242\n");
}

BOOST_AUTO_TEST_SUITE_END()
