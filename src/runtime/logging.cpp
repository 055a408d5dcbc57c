#include "runtime/logging.hpp"

#include "runtime/rotating_file.hpp"

#include <boost/log/attributes/value_extraction.hpp>
#include <boost/log/core.hpp>
#include <boost/log/expressions.hpp>
#include <boost/log/sinks/basic_sink_backend.hpp>
#include <boost/log/sinks/sync_frontend.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <mutex>

namespace warden::runtime::logging {

namespace bl = boost::log;
using boost::log::trivial::severity_level;

namespace {

severity_level to_severity(config::log_level l)
{
    switch (l) {
    case config::log_level::trace: return severity_level::trace;
    case config::log_level::debug: return severity_level::debug;
    case config::log_level::info: return severity_level::info;
    case config::log_level::warning: return severity_level::warning;
    case config::log_level::error: return severity_level::error;
    case config::log_level::critical: return severity_level::fatal;
    }
    return severity_level::info;
}

char const* level_name(severity_level s)
{
    switch (s) {
    case severity_level::trace: return "TRACE";
    case severity_level::debug: return "DEBUG";
    case severity_level::info: return "INFO";
    case severity_level::warning: return "WARN";
    case severity_level::error: return "ERROR";
    case severity_level::fatal: return "CRIT";
    }
    return "INFO";
}

// sd-daemon(3) priorities: <7> debug ... <2> critical.
int journal_priority(severity_level s)
{
    switch (s) {
    case severity_level::trace:
    case severity_level::debug: return 7;
    case severity_level::info: return 6;
    case severity_level::warning: return 4;
    case severity_level::error: return 3;
    case severity_level::fatal: return 2;
    }
    return 6;
}

std::string timestamp()
{
    using namespace std::chrono;
    auto now = system_clock::now();
    std::time_t t = system_clock::to_time_t(now);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[40];
    auto n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::snprintf(buf + n, sizeof buf - n, ".%03d", static_cast<int>(ms));
    return buf;
}

// One backend for both destinations: stderr, or a rotating logfile.
class daemon_log_backend : public bl::sinks::basic_sink_backend<bl::sinks::synchronized_feeding> {
public:
    void consume(bl::record_view const& rec)
    {
        auto sev = bl::extract_or_default<severity_level>("Severity", rec, severity_level::info);
        auto msg = bl::extract_or_default<std::string>("Message", rec, std::string());
        std::string line;
        if (!file_ && journal_)
            line = "<" + std::to_string(journal_priority(sev)) + ">" + msg + "\n";
        else
            line = timestamp() + " " + level_name(sev) + " " + msg + "\n";
        if (observer_)
            observer_(line);
        if (file_ && !file_->write(line))
            return;
        std::fwrite(line.data(), 1, line.size(), stderr);
        std::fflush(stderr);
    }

    void use_file(std::unique_ptr<rotating_file> f) { file_ = std::move(f); }
    rotating_file* file() { return file_.get(); }
    void observe(std::function<void(std::string_view)> f) { observer_ = std::move(f); }

private:
    std::function<void(std::string_view)> observer_;
    std::unique_ptr<rotating_file> file_;
    bool journal_ = std::getenv("JOURNAL_STREAM") != nullptr;
};

using sink_type = bl::sinks::synchronous_sink<daemon_log_backend>;
boost::shared_ptr<sink_type> sink;

void set_level(config::log_level level)
{
    sink->set_filter(bl::trivial::severity >= to_severity(level));
}

} // namespace

void start(config::log_level level)
{
    if (!sink) {
        sink = boost::make_shared<sink_type>();
        bl::core::get()->remove_all_sinks();
        bl::core::get()->add_sink(sink);
    }
    set_level(level);
}

std::optional<std::string> configure(config::daemon_spec const& spec, std::optional<config::log_level> level_override)
{
    start(level_override.value_or(spec.loglevel));
    if (spec.logfile.empty())
        return std::nullopt;
    auto file = std::make_unique<rotating_file>(spec.logfile, spec.logfile_maxbytes, spec.logfile_backups);
    if (auto ec = file->open())
        return "cannot open logfile '" + spec.logfile + "': " + ec.message() + " (logging to stderr)";
    sink->locked_backend()->use_file(std::move(file));
    return std::nullopt;
}

void reopen()
{
    if (!sink)
        return;
    auto backend = sink->locked_backend();
    if (auto* f = backend->file())
        f->open();
}

void observe_lines(std::function<void(std::string_view)> observer)
{
    if (!sink)
        start(config::log_level::info);
    sink->locked_backend()->observe(std::move(observer));
}

std::optional<config::log_level> parse_level(std::string const& name)
{
    using L = config::log_level;
    if (name == "trace" || name == "blather") return L::trace;
    if (name == "debug") return L::debug;
    if (name == "info") return L::info;
    if (name == "warning" || name == "warn") return L::warning;
    if (name == "error") return L::error;
    if (name == "critical") return L::critical;
    return std::nullopt;
}

} // namespace warden::runtime::logging
