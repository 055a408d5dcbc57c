// Severity classes and the FILE:LINE format every message is printed in.
#include "config_test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace warden::config;
using namespace warden::config::test;

namespace {

struct case_ {
    char const* name;
    std::string text;
    severity level;
    int line;
    char const* message_part;
};

// One row per kind of problem: where it is reported and how serious it is.
std::vector<case_> const cases{
    // --- errors: the file is refused
    {"bad boolean", "[program:x]\ncommand=a\nautostart = maybe\n", severity::error, 3,
     "autostart: 'maybe' is not a boolean"},
    {"bad integer", "[program:x]\ncommand=a\nstartsecs = soon\n", severity::error, 3,
     "startsecs: 'soon' is not an integer"},
    {"negative integer", "[program:x]\ncommand=a\nstartretries = -1\n", severity::error, 3,
     "startretries: -1 must be at least 0"},
    {"bad size", "[program:x]\ncommand=a\nstdout_logfile_maxbytes = 5XB\n", severity::error, 3,
     "stdout_logfile_maxbytes: '5XB' is not a size"},
    {"bad octal", "[program:x]\ncommand=a\numask = 099\n", severity::error, 3,
     "umask: '099' is not an octal number"},
    {"bad signal", "[program:x]\ncommand=a\nstopsignal = TERMINATE\n", severity::error, 3,
     "stopsignal: 'TERMINATE' is not a signal name"},
    {"bad autorestart", "[program:x]\ncommand=a\nautorestart = sometimes\n", severity::error, 3,
     "autorestart: 'sometimes' is not one of unexpected, true or false"},
    {"bad exitcodes", "[program:x]\ncommand=a\nexitcodes = 0,300\n", severity::error, 3,
     "exitcodes: '0,300' is not a list of exit codes"},
    {"missing command", "[program:x]\npriority = 1\n", severity::error, 1,
     "[program:x] has no command"},
    {"empty command", "[program:x]\ncommand =\n", severity::error, 2, "command: is empty"},
    {"unclosed quote in command", "[program:x]\ncommand = sh -c 'a\n", severity::error, 2,
     "command: has no closing ' quote"},
    {"'; ' cuts a quoted command, as in supervisord", "[program:x]\ncommand = bash -c 'a ; b'\n",
     severity::error, 2, "command: has no closing ' quote"},
    {"bad environment", "[program:x]\ncommand=a\nenvironment = A=1,JUNK\n", severity::error, 3,
     "environment: 'JUNK' is not KEY=value"},
    {"numprocs without process_num", "[program:x]\ncommand=a\nnumprocs = 2\n", severity::error, 3,
     "numprocs = 2 needs %(process_num) in process_name"},
    {"numprocs with a process_name lacking process_num",
     "[program:x]\ncommand=a\nprocess_name = x\nnumprocs = 2\n", severity::error, 3,
     "numprocs = 2 needs %(process_num) in process_name"},
    {"numprocs zero", "[program:x]\ncommand=a\nnumprocs = 0\n", severity::error, 3,
     "numprocs: 0 must be at least 1"},
    {"duplicate process names",
     "[group:g]\nprograms=a,b\n[program:a]\ncommand=a\nprocess_name=same\n[program:b]\ncommand=b\n"
     "process_name=same\n",
     severity::error, 6, "duplicate process name 'g:same' (also from [program:a] at /etc/warden/t.conf:3)"},
    {"process name with ':'", "[program:x]\ncommand=a\nprocess_name = a:b\n", severity::error, 3,
     "process_name: 'a:b' may not contain ':'"},
    {"program name with a space", "[program:a b]\ncommand=a\n", severity::error, 1,
     "the name 'a b' may not contain ' '"},
    {"program without a name", "[program:]\ncommand=a\n", severity::error, 1,
     "[program:] has no name after ':'"},
    {"unknown name in an expansion", "[program:x]\ncommand = %(nope)s/bin\n", severity::error, 2,
     "command: cannot expand '%(nope)s/bin': unknown name 'nope'"},
    {"unknown ENV_ in an expansion", "[program:x]\ncommand = %(ENV_NOPE)s\n", severity::error, 2,
     "unknown name 'ENV_NOPE'"},
    {"malformed expansion", "[program:x]\ncommand = echo 100%\n", severity::error, 2,
     "command: cannot expand 'echo 100%'"},
    {"process_num in numprocs", "[program:x]\ncommand=a\nnumprocs = %(process_num)s\n",
     severity::error, 3, "unknown name 'process_num'"},
    {"depends_on unknown program", "[program:a]\ncommand=a\ndepends_on = db\n", severity::error, 3,
     "depends_on: unknown program 'db'"},
    {"depends_on cycle",
     "[program:a]\ncommand=a\ndepends_on = b\n[program:b]\ncommand=b\ndepends_on = a\n",
     severity::error, 3, "depends_on cycle: a -> b -> a"},
    {"depends_on itself", "[program:a]\ncommand=a\ndepends_on = a\n", severity::error, 3,
     "depends_on cycle: a -> a"},
    {"bad ready", "[program:x]\ncommand=a\nready = tcp:8080\n", severity::error, 3,
     "ready: 'tcp:8080' is not tcp:HOST:PORT"},
    {"bad ready_timeout", "[program:x]\ncommand=a\nready_timeout = 0\n", severity::error, 3,
     "ready_timeout: 0 must be at least 1"},
    {"bad essential", "[program:x]\ncommand=a\nessential = very\n", severity::error, 3,
     "essential: 'very' is not a boolean"},
    {"stopasgroup without killasgroup",
     "[program:x]\ncommand=a\nstopasgroup = true\nkillasgroup = false\n", severity::error, 4,
     "killasgroup: cannot be false when stopasgroup is true"},
    {"group names an undefined program", "[group:g]\nprograms = a, ghost\n[program:a]\ncommand=a\n",
     severity::error, 2, "no [program:ghost]"},
    {"program in two groups",
     "[group:g]\nprograms = a\n[group:h]\nprograms = a\n[program:a]\ncommand=a\n", severity::error, 4,
     "'a' is already in [group:g]"},
    {"bad group priority", "[group:g]\nprograms = a\npriority = high\n[program:a]\ncommand=a\n",
     severity::error, 3, "priority: 'high' is not an integer"},
    {"bad loglevel", "[warden]\nloglevel = loud\n", severity::error, 2,
     "loglevel: 'loud' is not a log level"},
    {"bad socket_mode", "[warden]\nsocket_mode = rw\n", severity::error, 2,
     "socket_mode: 'rw' is not an octal number"},
    {"bad logfile_maxbytes", "[supervisord]\nlogfile_maxbytes = lots\n", severity::error, 2,
     "logfile_maxbytes: 'lots' is not a size"},
    {"bad minfds", "[supervisord]\nminfds = many\n", severity::error, 2,
     "minfds: 'many' is not an integer"},
    {"ignored key with a bad boolean", "[supervisord]\nnodaemon = perhaps\n", severity::error, 2,
     "nodaemon: 'perhaps' is not a boolean"},
    {"syntax error", "[program:x]\ncommand=a\nthis is not ini\n", severity::error, 3,
     "cannot parse 'this is not ini'"},
    {"key before any section", "command = a\n", severity::error, 1, "before any [section] header"},

    // --- warnings: loaded, refused by --strict
    {"unknown key with a suggestion", "[program:x]\ncommand=a\nautorestrat = true\n",
     severity::warning, 3, "unknown key 'autorestrat', did you mean 'autorestart'?"},
    {"unknown key, a typo of a warden key", "[program:x]\ncommand=a\ndepend_on = y\n",
     severity::warning, 3, "did you mean 'depends_on'?"},
    {"unknown key without a suggestion", "[program:x]\ncommand=a\nzzz = 1\n", severity::warning, 3,
     "unknown key 'zzz' in [program:x], ignored"},
    {"unknown key in [warden]", "[warden]\nlogfil = /x\n", severity::warning, 2,
     "unknown key 'logfil', did you mean 'logfile'?"},
    {"unknown key in [group:g]", "[group:g]\nprogram = a\n[program:a]\ncommand=a\n",
     severity::warning, 2, "did you mean 'programs'?"},
    {"events not supported", "[program:x]\ncommand=a\nstdout_events_enabled = true\n",
     severity::warning, 3, "stdout_events_enabled: not supported by warden, ignored"},
    {"capture not supported", "[program:x]\ncommand=a\nstderr_capture_maxbytes = 1MB\n",
     severity::warning, 3, "stderr_capture_maxbytes: not supported by warden, ignored"},
    {"syslog not supported", "[program:x]\ncommand=a\nstdout_syslog = true\n", severity::warning, 3,
     "stdout_syslog: not supported by warden, ignored"},
    {"serverurl not supported", "[program:x]\ncommand=a\nserverurl = AUTO\n", severity::warning, 3,
     "serverurl: not supported by warden, ignored"},
    {"nodaemon", "[supervisord]\nnodaemon = true\n", severity::warning, 2,
     "nodaemon: warden always runs in the foreground"},
    {"supervisord user", "[supervisord]\nuser = root\n", severity::warning, 2,
     "user: warden does not switch user"},
    {"supervisord directory", "[supervisord]\ndirectory = /tmp\n", severity::warning, 2,
     "directory: warden does not change its working directory"},
    {"nocleanup", "[supervisord]\nnocleanup = true\n", severity::warning, 2, "nocleanup: "},
    {"strip_ansi", "[supervisord]\nstrip_ansi = true\n", severity::warning, 2, "strip_ansi: "},
    {"identifier", "[supervisord]\nidentifier = sup\n", severity::warning, 2, "identifier: "},
    {"silent", "[supervisord]\nsilent = true\n", severity::warning, 2, "silent: "},
    {"eventlistener", "[program:x]\ncommand=a\n[eventlistener:crash]\ncommand=c\nevents=PROCESS_STATE_FATAL\n",
     severity::warning, 3, "[eventlistener:crash] is not supported by warden, ignored; if it stops "
                           "supervisord when a program goes FATAL, set `essential = true`"},
    {"fcgi-program", "[fcgi-program:php]\ncommand=php-cgi\nsocket=tcp://localhost:9000\n",
     severity::warning, 1, "[fcgi-program:php] is not supported by warden, ignored"},
    {"fcgi-program in a group is no error",
     "[group:g]\nprograms = php\n[fcgi-program:php]\ncommand=php-cgi\n", severity::warning, 3,
     "[fcgi-program:php] is not supported"},
    {"unknown section", "[frobnicate]\nx = 1\n", severity::warning, 1,
     "unknown section [frobnicate], ignored"},
    {"misspelt section type", "[programs:web]\ncommand = a\n", severity::warning, 1,
     "did you mean [program:web]?"},
    {"syslog log target", "[program:x]\ncommand=a\nstdout_logfile = syslog\n", severity::warning, 3,
     "stdout_logfile = syslog is not supported by warden"},
    {"AUTO without rotation", "[program:x]\ncommand=a\nstdout_logfile = AUTO\nstdout_logfile_maxbytes = 0\n",
     severity::warning, 3, "AUTO without rotation"},
    {"text after a header", "[program:x] extra\ncommand=a\n", severity::warning, 1,
     "text after the section header"},

    // --- notes: never affect --strict
    // --- supervisord's HTTP front door (SPEC §11)
    {"unix_http_server without file", "[unix_http_server]\nchmod=0700\n", severity::error, 1,
     "[unix_http_server] has no file"},
    {"unix_http_server bad chmod", "[unix_http_server]\nfile=/tmp/s.sock\nchmod=0999\n", severity::error, 3,
     "chmod:"},
    {"unix_http_server half the credentials", "[unix_http_server]\nfile=/tmp/s.sock\nusername=u\n",
     severity::error, 1, "has a username but no password"},
    {"inet_http_server without port", "[inet_http_server]\nusername=u\npassword=p\n", severity::error, 1,
     "[inet_http_server] has no port"},
    {"inet_http_server bad port", "[inet_http_server]\nport=127.0.0.1:99999\n", severity::error, 2,
     "port: '99999' is not a port number (1-65535)"},
    {"inet_http_server open to all", "[inet_http_server]\nport=9001\n", severity::warning, 2,
     "[inet_http_server] on every interface without a password"},
    {"inet_http_server open on an address", "[inet_http_server]\nport = 10.0.0.5:9001\n", severity::warning, 2,
     "[inet_http_server] on 10.0.0.5 without a password"},
    {"rpcinterface other factory", "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = x\n",
     severity::warning, 2, "the rpcinterface factory 'x' is not supported by warden"},
    {"stderr_logfile with redirect_stderr",
     "[program:x]\ncommand=a\nredirect_stderr = true\nstderr_logfile = /tmp/e.log\n", severity::note,
     4, "stderr_logfile is ignored: redirect_stderr = true"},
    {"wildcard include matching nothing", "[include]\nfiles = /nonexistent-dir-*/x.conf\n",
     severity::note, 2, "no file matches"},
};

} // namespace

BOOST_AUTO_TEST_SUITE(config_diagnostics)

BOOST_AUTO_TEST_CASE(format_of_each_severity)
{
    BOOST_TEST(format({severity::error, {"a.conf", 3}, "bad"}) == "a.conf:3: error: bad");
    BOOST_TEST(format({severity::warning, {"a.conf", 4}, "hm"}) == "a.conf:4: warning: hm");
    BOOST_TEST(format({severity::note, {"a.conf", 5}, "fyi"}) == "a.conf:5: note: fyi");
    BOOST_TEST(format({severity::error, {"a.conf", 0}, "gone"}) == "a.conf: error: gone");
    std::vector<diagnostic> ds{{severity::note, {}, "n"}};
    BOOST_TEST(!has_errors(ds));
    BOOST_TEST(!has_warnings(ds));
    ds.push_back({severity::warning, {}, "w"});
    BOOST_TEST(has_warnings(ds));
    BOOST_TEST(!has_errors(ds));
    ds.push_back({severity::error, {}, "e"});
    BOOST_TEST(has_errors(ds));
}

BOOST_AUTO_TEST_CASE(each_problem_has_its_severity_and_line)
{
    for (auto const& c : cases) {
        BOOST_TEST_CONTEXT("case: " << c.name)
        {
            load_result const r = load(c.text);
            auto const hits = find(r.diagnostics, c.level, c.message_part);
            BOOST_TEST(hits.size() == 1u, "expected one match for \"" << c.message_part
                                                                        << "\" in:\n"
                                                                        << dump(r.diagnostics));
            if (hits.size() == 1u) {
                BOOST_TEST(hits[0].where.file == "/etc/warden/t.conf");
                BOOST_TEST(hits[0].where.line == c.line, dump(r.diagnostics));
            }
            // Only errors refuse the file.
            BOOST_TEST(r.cfg.has_value() == !has_errors(r.diagnostics));
            if (c.level != severity::error)
                BOOST_TEST(!has_errors(r.diagnostics), dump(r.diagnostics));
        }
    }
}

BOOST_AUTO_TEST_CASE(all_errors_are_collected_in_file_order)
{
    load_result const r = load("[warden]\n"
                               "loglevel = loud\n"          // 2
                               "[program:a]\n"
                               "autostart = maybe\n"        // 4: and no command (3)
                               "startsecs = soon\n"         // 5
                               "depends_on = nobody\n"      // 6
                               "[program:b]\n"
                               "command = %(nope)s\n"       // 8
                               "stopsignal = NOPE\n"        // 9
                               "autorestrat = true\n");     // 10: a warning
    BOOST_TEST(!r.cfg.has_value());
    std::vector<int> lines;
    for (auto const& d : r.diagnostics)
        lines.push_back(d.where.line);
    BOOST_TEST((lines == std::vector<int>{2, 3, 4, 5, 6, 8, 9, 10}), dump(r.diagnostics));
    BOOST_TEST(count(r.diagnostics, severity::error) == 7u);
}

BOOST_AUTO_TEST_CASE(repeated_problems_are_reported_once)
{
    load_result const r = load("[program:x]\ncommand=a\nprocess_name=x%(process_num)d\n"
                               "numprocs=5\nautostart=maybe\n");
    BOOST_TEST(find(r.diagnostics, severity::error, "autostart").size() == 1u, dump(r.diagnostics));
}

BOOST_AUTO_TEST_CASE(numprocs_error_is_not_repeated_as_duplicate_names)
{
    load_result const r = load("[program:x]\ncommand=a\nnumprocs=3\n");
    BOOST_TEST(count(r.diagnostics, severity::error) == 1u, dump(r.diagnostics));
}

BOOST_AUTO_TEST_CASE(http_servers_are_typed)
{
    load_options o = test_options();
    o.user_exists = [](std::string const& u) { return u == "www-data"; };
    load_result const r = load("[unix_http_server]\nfile = /run/s.sock\nchmod = 0770\nchown = www-data:adm\n"
                               "username = u\npassword = {SHA}abc\n"
                               "[inet_http_server]\nport = 127.0.0.1:9001\n"
                               "[rpcinterface:supervisor]\n"
                               "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n"
                               "[supervisorctl]\nserverurl = unix:///run/s.sock\n",
                               o);
    BOOST_TEST_REQUIRE(r.cfg.has_value(), dump(r.diagnostics));
    BOOST_TEST(r.diagnostics.empty(), dump(r.diagnostics)); // loopback without a password is fine
    auto const& d = r.cfg->daemon;
    BOOST_TEST(d.rpc_supervisor);
    BOOST_TEST_REQUIRE(d.http_servers.size() == 2u);
    auto const& u = d.http_servers[0];
    BOOST_TEST((u.family == http_server_spec::family_t::unix_socket));
    BOOST_TEST(u.file == "/run/s.sock");
    BOOST_TEST(u.chmod == 0770u);
    BOOST_TEST(u.chown_user == "www-data");
    BOOST_TEST(u.chown_group == "adm");
    BOOST_TEST(u.username == "u");
    BOOST_TEST(u.password == "{SHA}abc");
    auto const& i = d.http_servers[1];
    BOOST_TEST((i.family == http_server_spec::family_t::inet));
    BOOST_TEST(i.host == "127.0.0.1");
    BOOST_TEST(i.port == 9001);
    BOOST_TEST(u.where.line == 1);

    load_result const bad = load("[unix_http_server]\nfile = /run/s.sock\nchown = nobody-here\n", o);
    auto const e = find(bad.diagnostics, severity::error, "chown: unknown user 'nobody-here'");
    BOOST_TEST_REQUIRE(e.size() == 1u, dump(bad.diagnostics));
    BOOST_TEST(e[0].where.line == 3);
    BOOST_TEST(!load("[unix_http_server]\nfile = /s\n").cfg->daemon.rpc_supervisor);
}

BOOST_AUTO_TEST_CASE(unknown_user)
{
    load_options o = test_options();
    o.user_exists = [](std::string const& u) { return u == "www-data"; };
    load_result const ok = load("[program:x]\ncommand=a\nuser = www-data\n", o);
    BOOST_TEST(ok.cfg.has_value(), dump(ok.diagnostics));
    BOOST_TEST(process(ok, "x").user == "www-data");
    load_result const bad = load("[program:x]\ncommand=a\nuser = nobody-here\n", o);
    auto const e = find(bad.diagnostics, severity::error, "user: unknown user 'nobody-here'");
    BOOST_TEST_REQUIRE(e.size() == 1u, dump(bad.diagnostics));
    BOOST_TEST(e[0].where.line == 3);
    // Without a callback, users are not checked.
    BOOST_TEST(load("[program:x]\ncommand=a\nuser = anyone\n").cfg.has_value());
}

BOOST_AUTO_TEST_CASE(errors_name_the_included_file)
{
    load_result const r =
        load_file((data_dir() / "bad" / "main.conf").string(), test_options());
    BOOST_TEST(!r.cfg.has_value());
    BOOST_TEST_REQUIRE(r.diagnostics.size() == 2u, dump(r.diagnostics));
    BOOST_TEST(r.diagnostics[0].where.file.find("main.conf") != std::string::npos);
    BOOST_TEST(r.diagnostics[0].where.line == 3);
    BOOST_TEST(r.diagnostics[1].where.file.find("included.conf") != std::string::npos);
    BOOST_TEST(r.diagnostics[1].where.line == 2);
}

BOOST_AUTO_TEST_SUITE_END()
