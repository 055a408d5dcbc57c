// [program:x] -> process_spec: defaults, every key, numprocs, groups,
// expansions, log targets, [warden], and the Windows rules.
#include "config_test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace warden::config;
using namespace warden::config::test;
using namespace std::chrono_literals;

namespace {

using strings = std::vector<std::string>;
using env = std::vector<std::pair<std::string, std::string>>;

strings names_of(load_result const& r)
{
    strings out;
    BOOST_TEST_REQUIRE(r.cfg.has_value(), dump(r.diagnostics));
    for (auto const& p : r.cfg->processes)
        out.push_back(p.name);
    return out;
}

load_options windows_options()
{
    load_options o = test_options();
    o.platform = target_platform::windows;
    o.default_childlogdir = "C:\\ProgramData\\warden\\logs";
    return o;
}

} // namespace

BOOST_AUTO_TEST_SUITE(config_program)

BOOST_AUTO_TEST_CASE(defaults_as_in_the_spec)
{
    load_result const r = load("[program:web]\ncommand = /usr/bin/web --port 80\n");
    BOOST_TEST(r.diagnostics.empty(), dump(r.diagnostics));
    process_spec const& p = process(r, "web");
    BOOST_TEST(p.name == "web");
    BOOST_TEST(p.process_name == "web");
    BOOST_TEST(p.program == "web");
    BOOST_TEST(p.group == "web");
    BOOST_TEST(p.process_num == 0);
    BOOST_TEST(p.where.line == 1);
    BOOST_TEST((p.command == strings{"/usr/bin/web", "--port", "80"}));
    BOOST_TEST(p.priority == 999);
    BOOST_TEST(p.group_priority == 999);
    BOOST_TEST(p.autostart);
    BOOST_TEST(p.startsecs.count() == 1);
    BOOST_TEST(p.startretries == 3);
    BOOST_TEST((p.autorestart == autorestart_mode::unexpected));
    BOOST_TEST((p.exitcodes == std::vector<int>{0}));
    BOOST_TEST((p.stopsignal == signal_id::term));
    BOOST_TEST(p.stopwaitsecs.count() == 10);
    BOOST_TEST(p.stopasgroup);
    BOOST_TEST(p.killasgroup);
    BOOST_TEST(p.user.empty());
    BOOST_TEST(p.directory.empty());
    BOOST_TEST(!p.umask.has_value());
    BOOST_TEST(p.environment.empty());
    BOOST_TEST(!p.redirect_stderr);
    BOOST_TEST((p.stdout_log.kind == log_target_kind::automatic));
    BOOST_TEST(p.stdout_log.path == "/var/log/warden/web-stdout.log");
    BOOST_TEST(p.stdout_log.max_bytes == 50ull * 1024 * 1024);
    BOOST_TEST(p.stdout_log.backups == 10);
    BOOST_TEST((p.stderr_log.kind == log_target_kind::automatic));
    BOOST_TEST(p.stderr_log.path == "/var/log/warden/web-stderr.log");
    BOOST_TEST(p.depends_on.empty());
    BOOST_TEST((p.ready.kind == ready_kind::startsecs));
    BOOST_TEST(p.ready_timeout.count() == 60);
    BOOST_TEST(!p.essential);
    BOOST_TEST(r.cfg->file == test_file);
}

BOOST_AUTO_TEST_CASE(every_key)
{
    load_result const r = load(
        "[program:api]\n"
        "command = /srv/api/bin/server --bind 0.0.0.0:8000\n"
        "priority = 50\n"
        "autostart = false\n"
        "startsecs = 5\n"
        "startretries = 7\n"
        "autorestart = true\n"
        "exitcodes = 0,3\n"
        "stopsignal = QUIT\n"
        "stopwaitsecs = 30\n"
        "stopasgroup = false\n"
        "killasgroup = false\n"
        "user = api\n"
        "directory = /srv/api\n"
        "umask = 027\n"
        "environment = PORT=\"8000\",MODE=prod\n"
        "redirect_stderr = true\n"
        "stdout_logfile = /var/log/api.log\n"
        "stdout_logfile_maxbytes = 10MB\n"
        "stdout_logfile_backups = 3\n"
        "stderr_logfile_maxbytes = 1KB\n"
        "stderr_logfile_backups = 1\n"
        "depends_on = db, cache\n"
        "ready = tcp:127.0.0.1:8000\n"
        "ready_timeout = 20\n"
        "essential = true\n"
        "[program:db]\ncommand = /usr/bin/db\n"
        "[program:cache]\ncommand = /usr/bin/cache\n");
    BOOST_TEST(r.diagnostics.empty(), dump(r.diagnostics));
    process_spec const& p = process(r, "api");
    BOOST_TEST((p.command == strings{"/srv/api/bin/server", "--bind", "0.0.0.0:8000"}));
    BOOST_TEST(p.priority == 50);
    BOOST_TEST(p.group_priority == 50);
    BOOST_TEST(!p.autostart);
    BOOST_TEST(p.startsecs.count() == 5);
    BOOST_TEST(p.startretries == 7);
    BOOST_TEST((p.autorestart == autorestart_mode::always));
    BOOST_TEST((p.exitcodes == std::vector<int>{0, 3}));
    BOOST_TEST((p.stopsignal == signal_id::quit));
    BOOST_TEST(p.stopwaitsecs.count() == 30);
    BOOST_TEST(!p.stopasgroup);
    BOOST_TEST(!p.killasgroup);
    BOOST_TEST(p.user == "api");
    BOOST_TEST(p.directory == "/srv/api");
    BOOST_TEST(p.umask.value_or(0) == 027u);
    BOOST_TEST((p.environment == env{{"PORT", "8000"}, {"MODE", "prod"}}));
    BOOST_TEST(p.redirect_stderr);
    BOOST_TEST((p.stdout_log.kind == log_target_kind::file));
    BOOST_TEST(p.stdout_log.path == "/var/log/api.log");
    BOOST_TEST(p.stdout_log.max_bytes == 10ull * 1024 * 1024);
    BOOST_TEST(p.stdout_log.backups == 3);
    BOOST_TEST((p.stderr_log.kind == log_target_kind::none));
    BOOST_TEST(p.stderr_log.path.empty());
    BOOST_TEST(p.stderr_log.max_bytes == 1024u);
    BOOST_TEST(p.stderr_log.backups == 1);
    BOOST_TEST((p.depends_on == strings{"db", "cache"}));
    BOOST_TEST((p.ready.kind == ready_kind::tcp));
    BOOST_TEST(p.ready.host == "127.0.0.1");
    BOOST_TEST(p.ready.port == 8000);
    BOOST_TEST(p.ready_timeout.count() == 20);
    BOOST_TEST(p.essential);
}

BOOST_AUTO_TEST_CASE(killasgroup_false_alone_means_leader_only)
{
    process_spec const p = process(load("[program:x]\ncommand=a\nkillasgroup = false\n"), "x");
    BOOST_TEST(!p.stopasgroup);
    BOOST_TEST(!p.killasgroup);
}

BOOST_AUTO_TEST_CASE(numprocs_naming)
{
    load_result const r = load("[program:worker]\n"
                               "command = /bin/worker --slot %(process_num)02d --of %(numprocs)d\n"
                               "process_name = %(program_name)s_%(process_num)02d\n"
                               "numprocs = 3\n"
                               "numprocs_start = 8\n"
                               "stdout_logfile = /var/log/w-%(process_num)d.log\n"
                               "environment = SLOT=%(process_num)s\n");
    BOOST_TEST((names_of(r) == strings{"worker:worker_08", "worker:worker_09", "worker:worker_10"}));
    process_spec const& p = process(r, "worker:worker_10");
    BOOST_TEST(p.process_num == 10);
    BOOST_TEST(p.program == "worker");
    BOOST_TEST(p.group == "worker");
    BOOST_TEST((p.command == strings{"/bin/worker", "--slot", "10", "--of", "3"}));
    BOOST_TEST(p.stdout_log.path == "/var/log/w-10.log");
    BOOST_TEST((p.environment == env{{"SLOT", "10"}}));
    BOOST_TEST(p.stderr_log.path == "/var/log/warden/worker_worker_10-stderr.log");
}

BOOST_AUTO_TEST_CASE(numprocs_from_the_environment)
{
    load_result const r = load("[program:w]\ncommand = /bin/w\nprocess_name = w%(process_num)d\n"
                               "numprocs = %(ENV_WORKERS)s\n");
    BOOST_TEST((names_of(r) == strings{"w:w0", "w:w1", "w:w2"}));
}

BOOST_AUTO_TEST_CASE(every_expansion)
{
    load_result const r = load("[warden]\nenvironment = FROM_WARDEN=w\n"
                               "[group:grp]\nprograms = prog\n"
                               "[program:prog]\n"
                               "command = /bin/x %(here)s %(program_name)s %(group_name)s "
                               "%(host_node_name)s %(process_num)s %(numprocs)s %(ENV_APP_ENV)s "
                               "%(ENV_FROM_WARDEN)s %(ENV_OWN)s 100%%\n"
                               "environment = OWN=o\n",
                               host_options());
    process_spec const& p = process(r, "grp:prog");
    BOOST_TEST((p.command == strings{"/bin/x", test_here(), "prog", "grp", "testhost", "0", "1",
                                     "production", "w", "o", "100%"}));
}

BOOST_AUTO_TEST_CASE(groups)
{
    // supervisord: a [group:g] priority orders the group; each program keeps
    // its own priority (999 unless set) for the order inside the group.
    load_result const r = load("[group:backend]\nprograms = api,worker\npriority = 100\n"
                               "[program:api]\ncommand = /bin/api\npriority = 10\n"
                               "[program:worker]\ncommand = /bin/worker\n"
                               "process_name = %(program_name)s-%(process_num)d\nnumprocs = 2\n"
                               "[program:alone]\ncommand = /bin/alone\npriority = 5\n");
    BOOST_TEST((names_of(r) == strings{"backend:api", "backend:worker-0", "backend:worker-1", "alone"}));
    process_spec const& api = process(r, "backend:api");
    BOOST_TEST(api.group == "backend");
    BOOST_TEST(api.program == "api");
    BOOST_TEST(api.process_name == "api");
    BOOST_TEST(api.priority == 10);
    BOOST_TEST(api.group_priority == 100);
    process_spec const& worker = process(r, "backend:worker-1");
    BOOST_TEST(worker.priority == 999);
    BOOST_TEST(worker.group_priority == 100);
    BOOST_TEST(worker.stdout_log.path == "/var/log/warden/backend_worker-1-stdout.log");
    process_spec const& alone = process(r, "alone");
    BOOST_TEST(alone.group == "alone");
    BOOST_TEST(alone.group_priority == 5);
    // A group without a priority has supervisord's default, 999.
    BOOST_TEST(process(load("[group:g]\nprograms=a\n[program:a]\ncommand=a\npriority=1\n"), "g:a")
                   .group_priority == 999);
}

BOOST_AUTO_TEST_CASE(depends_on_is_checked_by_program_name)
{
    load_result const r = load("[group:g]\nprograms = db\n"
                               "[program:db]\ncommand = /bin/db\n"
                               "[program:web]\ncommand = /bin/web\ndepends_on = db, db\n");
    BOOST_TEST((process(r, "web").depends_on == strings{"db"}));
    // A longer cycle is reported once, with its whole path.
    load_result const c = load("[program:a]\ncommand=a\ndepends_on=b\n"
                               "[program:b]\ncommand=b\ndepends_on=c\n"
                               "[program:c]\ncommand=c\ndepends_on=a\n");
    auto const cycles = find(c.diagnostics, severity::error, "depends_on cycle");
    BOOST_TEST_REQUIRE(cycles.size() == 1u, dump(c.diagnostics));
    BOOST_TEST(cycles[0].message == "depends_on cycle: a -> b -> c -> a");
    BOOST_TEST(cycles[0].where.line == 3);
}

BOOST_AUTO_TEST_CASE(environment_merge)
{
    load_result const r = load("[warden]\nenvironment = A=\"1\",B=\"2\"\n"
                               "[program:x]\ncommand = a\nenvironment = C=3,\n  A=override\n"
                               "[program:y]\ncommand = b\n");
    BOOST_TEST((process(r, "x").environment == env{{"A", "override"}, {"B", "2"}, {"C", "3"}}));
    BOOST_TEST((process(r, "y").environment == env{{"A", "1"}, {"B", "2"}}));
    BOOST_TEST((r.cfg->daemon.environment == env{{"A", "1"}, {"B", "2"}}));
}

BOOST_AUTO_TEST_CASE(log_targets)
{
    load_result const r = load("[warden]\nchildlogdir = logs\n"
                               "[group:g]\nprograms = x\n"
                               "[program:x]\ncommand = a\nstdout_logfile = auto\n"
                               "stderr_logfile = rel/err.log\n"
                               "[program:y]\ncommand = b\nstdout_logfile = NONE\nstderr_logfile = off\n"
                               "[program:z]\ncommand = c\nstdout_logfile = ~/z.log\n");
    process_spec const& x = process(r, "g:x");
    // childlogdir and relative paths are relative to the config file's directory.
    BOOST_TEST((x.stdout_log.kind == log_target_kind::automatic));
    BOOST_TEST(x.stdout_log.path == test_here() + "/logs/g_x-stdout.log");
    BOOST_TEST((x.stderr_log.kind == log_target_kind::file));
    BOOST_TEST(x.stderr_log.path == test_here() + "/rel/err.log");
    BOOST_TEST((process(r, "y").stdout_log.kind == log_target_kind::none));
    BOOST_TEST((process(r, "y").stderr_log.kind == log_target_kind::none));
    BOOST_TEST(process(r, "z").stdout_log.path == "/home/tester/z.log");
}

BOOST_AUTO_TEST_CASE(daemon_section)
{
    load_result const r = load("[supervisord]\n"
                               "logfile = /var/log/supervisord.log\n"
                               "loglevel = debug\n"
                               "pidfile = run/warden.pid\n"
                               "minfds = 4096\n"
                               "[warden]\n"
                               "loglevel = warn\n"
                               "logfile_maxbytes = 1MB\n"
                               "logfile_backups = 2\n"
                               "childlogdir = /var/log/children\n"
                               "umask = 022\n"
                               "minprocs = 100\n"
                               "environment = TZ=UTC\n"
                               "socket = /run/w.sock\n"
                               "socket_mode = 0660\n");
    BOOST_TEST_REQUIRE(r.cfg.has_value(), dump(r.diagnostics));
    BOOST_TEST(r.diagnostics.empty(), dump(r.diagnostics));
    daemon_spec const& d = r.cfg->daemon;
    BOOST_TEST(d.logfile == "/var/log/supervisord.log");
    BOOST_TEST((d.loglevel == log_level::warning)); // [warden] wins over [supervisord]
    BOOST_TEST(d.pidfile == test_here() + "/run/warden.pid");
    BOOST_TEST(d.logfile_maxbytes == 1024u * 1024);
    BOOST_TEST(d.logfile_backups == 2);
    BOOST_TEST(d.childlogdir == "/var/log/children");
    BOOST_TEST(d.umask.value_or(0) == 022u);
    BOOST_TEST(d.minfds.value_or(0) == 4096u);
    BOOST_TEST(d.minprocs.value_or(0) == 100u);
    BOOST_TEST((d.environment == env{{"TZ", "UTC"}}));
    BOOST_TEST(d.socket == "/run/w.sock");
    BOOST_TEST(d.socket_mode == 0660u);

    load_result const empty = load("");
    BOOST_TEST_REQUIRE(empty.cfg.has_value());
    daemon_spec const& e = empty.cfg->daemon;
    BOOST_TEST(e.logfile.empty());
    BOOST_TEST(e.logfile_maxbytes == 50u * 1024 * 1024);
    BOOST_TEST(e.logfile_backups == 10);
    BOOST_TEST((e.loglevel == log_level::info));
    BOOST_TEST(e.socket_mode == 0600u);
    BOOST_TEST(!e.umask.has_value());
    BOOST_TEST(empty.cfg->processes.empty());
}

BOOST_AUTO_TEST_CASE(default_section_fills_in)
{
    load_result const r = load("[DEFAULT]\nautostart = false\nstartsecs = 3\n"
                               "[program:x]\ncommand = a\nstartsecs = 5\n");
    process_spec const& p = process(r, "x");
    BOOST_TEST(!p.autostart);
    BOOST_TEST(p.startsecs.count() == 5);
}

BOOST_AUTO_TEST_CASE(here_is_the_directory_of_the_config)
{
    load_result const r = load_text("relative/dir/app.conf",
                                    "[program:x]\ncommand = %(here)s/run\n", host_options());
    std::string const arg = process(r, "x").command.at(0);
    BOOST_TEST(arg.find("relative") != std::string::npos);
    BOOST_TEST(std::filesystem::path(arg).is_absolute(), arg);
}

BOOST_AUTO_TEST_CASE(windows_rules)
{
    load_options const o = windows_options();
    load_result const r = load("[program:svc]\n"
                               "command = C:\\apps\\svc.exe --data \"C:\\Program Files\\data\"\n"
                               "[program:term]\ncommand = a.exe\nstopsignal = TERM\n"
                               "[program:int]\ncommand = a.exe\nstopsignal = SIGINT\n"
                               "[program:kill]\ncommand = a.exe\nstopsignal = KILL\n"
                               "[program:brk]\ncommand = a.exe\nstopsignal = break\n",
                               o);
    BOOST_TEST(r.diagnostics.empty(), dump(r.diagnostics));
    process_spec const& svc = process(r, "svc");
    BOOST_TEST((svc.command == strings{"C:\\apps\\svc.exe", "--data", "C:\\Program Files\\data"}));
    BOOST_TEST((svc.stopsignal == signal_id::break_));
    BOOST_TEST(svc.stdout_log.path == "C:\\ProgramData\\warden\\logs\\svc-stdout.log");
    BOOST_TEST((process(r, "term").stopsignal == signal_id::break_));
    BOOST_TEST((process(r, "int").stopsignal == signal_id::break_));
    BOOST_TEST((process(r, "kill").stopsignal == signal_id::kill));
    BOOST_TEST((process(r, "brk").stopsignal == signal_id::break_));

    load_result const bad = load("[program:x]\ncommand = a.exe\nstopsignal = HUP\nuser = bob\n", o);
    BOOST_TEST(!bad.cfg.has_value());
    auto const sig = find(bad.diagnostics, severity::error, "stopsignal: 'HUP' cannot be sent on Windows");
    BOOST_TEST_REQUIRE(sig.size() == 1u, dump(bad.diagnostics));
    BOOST_TEST(sig[0].where.line == 3);
    auto const user = find(bad.diagnostics, severity::error, "user: switching user is not supported on Windows");
    BOOST_TEST_REQUIRE(user.size() == 1u, dump(bad.diagnostics));
    BOOST_TEST(user[0].where.line == 4);

    // On POSIX, BREAK is no signal.
    BOOST_TEST(!load("[program:x]\ncommand=a\nstopsignal=BREAK\n").cfg.has_value());
}

BOOST_AUTO_TEST_SUITE_END()
