// Realistic supervisord.conf files (test/data/config/real/) load without
// errors; a few facts per file show they were read the way supervisord
// reads them (config.oracle compares every fact with supervisord itself).
#include "config_test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace warden::config;
using namespace warden::config::test;

namespace {

using strings = std::vector<std::string>;

// The variables the samples expand, as compare.py sets them.
load_options sample_options()
{
    load_options o = test_options();
    o.environment["VIRTUAL_ENV"] = "/srv/app/venv";
    o.environment["WEB_CONCURRENCY"] = "4";
    o.environment["CELERY_WORKERS"] = "3";
    o.environment["CELERY_CONCURRENCY"] = "2";
    return o;
}

load_result load_sample(char const* name)
{
    return load_file((data_dir() / "real" / name).string(), sample_options());
}

} // namespace

BOOST_AUTO_TEST_SUITE(config_real_world)

BOOST_AUTO_TEST_CASE(every_sample_loads_without_errors)
{
    std::size_t samples = 0;
    for (auto const& entry : std::filesystem::directory_iterator(data_dir() / "real")) {
        if (entry.path().extension() != ".conf")
            continue;
        ++samples;
        BOOST_TEST_CONTEXT("sample: " << entry.path().filename().string())
        {
            load_result const r = load_file(entry.path().string(), sample_options());
            BOOST_TEST(!has_errors(r.diagnostics), dump(r.diagnostics));
            BOOST_TEST(r.cfg.has_value());
        }
    }
    BOOST_TEST(samples >= 5u);
}

BOOST_AUTO_TEST_CASE(docker_nginx_php)
{
    load_result const r = load_sample("docker-nginx-php.conf");
    BOOST_TEST((process(r, "nginx").command == strings{"nginx", "-g", "daemon off;"}));
    BOOST_TEST(process(r, "nginx").stdout_log.path == "/dev/stdout");
    BOOST_TEST(process(r, "nginx").stdout_log.max_bytes == 0u);
    BOOST_TEST((process(r, "cron").stdout_log.kind == log_target_kind::none));
    BOOST_TEST(find(r.diagnostics, severity::warning, "warden always runs in the foreground").size() == 1u);
    BOOST_TEST(find(r.diagnostics, severity::warning, "essential = true").size() == 1u);
}

BOOST_AUTO_TEST_CASE(django_celery_gunicorn)
{
    load_result const r = load_sample("django-celery-gunicorn.conf");
    process_spec const& g = process(r, "app:gunicorn");
    BOOST_TEST((g.command == strings{"/srv/app/venv/bin/gunicorn", "mysite.wsgi:application",
                                     "--bind", "127.0.0.1:8000", "--workers", "4", "--timeout",
                                     "120"}));
    BOOST_TEST(g.environment.size() == 5u);
    BOOST_TEST(g.environment.at(0).first == "DJANGO_SETTINGS_MODULE");
    BOOST_TEST(g.environment.back().second == "postgres://app:secret@db:5432/app");
    process_spec const& c = process(r, "app:celery_02");
    BOOST_TEST(c.command.back() == "worker2@%h");
    BOOST_TEST(c.stopwaitsecs.count() == 600);
    BOOST_TEST(c.group_priority == 900);
    BOOST_TEST(c.priority == 1000);
    BOOST_TEST(r.cfg->processes.size() == 5u);
}

BOOST_AUTO_TEST_CASE(full_supervisord_with_includes)
{
    load_result const r = load_sample("full-supervisord.conf");
    // The HTTP sections are served now; [supervisorctl] is read by supervisorctl.
    BOOST_TEST(count(r.diagnostics, severity::note) == 0u, dump(r.diagnostics));
    BOOST_TEST(r.cfg->daemon.http_servers.size() == 2u);
    BOOST_TEST(r.cfg->daemon.rpc_supervisor);
    BOOST_TEST(find(r.diagnostics, severity::warning, "[eventlistener:crashmail]").size() == 1u);
    BOOST_TEST((process(r, "app").stopsignal == signal_id::int_));
    BOOST_TEST(process(r, "app").stdout_log.path == "/var/log/supervisor/app-stdout.log");
    BOOST_TEST(process(r, "laravel-worker:laravel-worker_07").user == "forge");
    BOOST_TEST(process(r, "flower").command.back() == "--basic_auth=admin:production");
}

BOOST_AUTO_TEST_CASE(windows_crlf)
{
    load_result const r = load_sample("windows-crlf.conf");
    BOOST_TEST((r.cfg->daemon.loglevel == log_level::warning));
    BOOST_TEST((process(r, "uwsgi").command ==
                strings{"/usr/local/bin/uwsgi", "--ini", "/etc/uwsgi/app.ini", "--die-on-term"}));
    BOOST_TEST(process(r, "uwsgi").redirect_stderr);
    process_spec const& w = process(r, "worker:worker-2");
    BOOST_TEST(w.stopwaitsecs.count() == 30); // the last line, without a newline
    BOOST_TEST((w.environment == std::vector<std::pair<std::string, std::string>>{
                    {"APP_ENV", "production"}, {"WORKER_ID", "2"}}));
}

BOOST_AUTO_TEST_SUITE_END()
