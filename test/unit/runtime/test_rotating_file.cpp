// rotating_file: supervisord's size rotation, truncation with 0 backups, and
// reopening after logrotate moved the file.
#include "runtime/output_capture.hpp"
#include "runtime/rotating_file.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;
using warden::runtime::output_capture;
using warden::runtime::rotating_file;

namespace {

struct temp_dir {
    temp_dir()
    {
        path = fs::temp_directory_path() / ("warden-rt-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~temp_dir() { fs::remove_all(path); }
    std::string file(std::string const& name) const { return (path / name).string(); }
    fs::path path;
    static inline int counter = 0;
};

std::string slurp(std::string const& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string chunk(char c, std::size_t n) { return std::string(n, c); }

} // namespace

BOOST_AUTO_TEST_SUITE(rotating_file_tests)

BOOST_AUTO_TEST_CASE(rotates_after_a_write_reaches_max_bytes_keeping_backups_in_order)
{
    temp_dir dir;
    auto path = dir.file("out.log");
    rotating_file f(path, 100, 2);
    BOOST_REQUIRE(!f.open());
    BOOST_TEST(!f.write(chunk('a', 60)));
    BOOST_TEST(!f.write(chunk('b', 60))); // 120 >= 100: rotate after this write
    BOOST_TEST(slurp(path + ".1") == chunk('a', 60) + chunk('b', 60));
    BOOST_TEST(slurp(path).empty());
    BOOST_TEST(!f.write(chunk('c', 100)));
    BOOST_TEST(!f.write(chunk('d', 10)));
    BOOST_TEST(slurp(path + ".2") == chunk('a', 60) + chunk('b', 60));
    BOOST_TEST(slurp(path + ".1") == chunk('c', 100));
    BOOST_TEST(slurp(path) == chunk('d', 10));
    BOOST_TEST(!f.write(chunk('e', 95)));
    // Only two backups: the oldest is gone.
    BOOST_TEST(slurp(path + ".2") == chunk('c', 100));
    BOOST_TEST(slurp(path + ".1") == chunk('d', 10) + chunk('e', 95));
    BOOST_TEST(!fs::exists(path + ".3"));
}

BOOST_AUTO_TEST_CASE(zero_backups_truncates)
{
    temp_dir dir;
    auto path = dir.file("out.log");
    rotating_file f(path, 10, 0);
    BOOST_REQUIRE(!f.open());
    BOOST_TEST(!f.write("0123456789AB"));
    BOOST_TEST(slurp(path).empty());
    BOOST_TEST(!fs::exists(path + ".1"));
    BOOST_TEST(!f.write("xyz"));
    BOOST_TEST(slurp(path) == "xyz");
}

BOOST_AUTO_TEST_CASE(zero_max_bytes_never_rotates_and_appends_to_existing_content)
{
    temp_dir dir;
    auto path = dir.file("out.log");
    std::ofstream(path) << "old\n";
    rotating_file f(path, 0, 3);
    BOOST_REQUIRE(!f.open());
    BOOST_TEST(f.size() == 4u);
    for (int i = 0; i < 100; ++i)
        BOOST_TEST(!f.write(chunk('x', 1000)));
    BOOST_TEST(fs::file_size(path) == 100004u);
    BOOST_TEST(!fs::exists(path + ".1"));
}

BOOST_AUTO_TEST_CASE(reopen_after_the_file_was_moved_creates_a_new_one)
{
    temp_dir dir;
    auto path = dir.file("out.log");
    rotating_file f(path, 0, 1);
    BOOST_REQUIRE(!f.open());
    BOOST_TEST(!f.write("before\n"));
    fs::rename(path, path + ".moved");
    BOOST_TEST(!f.write("still old\n")); // the open file follows the rename
    BOOST_REQUIRE(!f.open());
    BOOST_TEST(!f.write("after\n"));
    BOOST_TEST(slurp(path + ".moved") == "before\nstill old\n");
    BOOST_TEST(slurp(path) == "after\n");
}

BOOST_AUTO_TEST_CASE(open_failure_is_reported_not_thrown)
{
    rotating_file f("/nonexistent-dir/x/out.log", 0, 1);
    BOOST_TEST(static_cast<bool>(f.open()));
    BOOST_TEST(!f.is_open());
    BOOST_TEST(static_cast<bool>(f.write("lost")));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(output_capture_tests)

warden::config::process_spec spec_with_logs(temp_dir const& dir)
{
    warden::config::process_spec s;
    s.name = "web";
    s.stdout_log = {warden::config::log_target_kind::file, dir.file("sub/web.out"), 0, 1};
    s.stderr_log = {warden::config::log_target_kind::file, dir.file("sub/web.err"), 0, 1};
    return s;
}

BOOST_AUTO_TEST_CASE(streams_go_to_their_own_files_and_directories_are_created)
{
    temp_dir dir;
    std::vector<std::string> errors;
    output_capture cap(spec_with_logs(dir), [&](std::string const& m) { errors.push_back(m); });
    cap.open();
    cap.write(warden::platform::output_stream::out, "hello\n");
    cap.write(warden::platform::output_stream::err, "oops\n");
    BOOST_TEST(slurp(dir.file("sub/web.out")) == "hello\n");
    BOOST_TEST(slurp(dir.file("sub/web.err")) == "oops\n");
    BOOST_TEST(errors.empty());
}

BOOST_AUTO_TEST_CASE(redirect_stderr_and_none_open_no_stderr_file)
{
    temp_dir dir;
    auto s = spec_with_logs(dir);
    s.redirect_stderr = true;
    s.stdout_log.kind = warden::config::log_target_kind::none;
    output_capture cap(s, [](std::string const&) {});
    cap.open();
    cap.write(warden::platform::output_stream::out, "dropped");
    BOOST_TEST(cap.file(warden::platform::output_stream::out) == nullptr);
    BOOST_TEST(cap.file(warden::platform::output_stream::err) == nullptr);
    BOOST_TEST(!fs::exists(dir.file("sub/web.out")));
    BOOST_TEST(!fs::exists(dir.file("sub/web.err")));
}

BOOST_AUTO_TEST_CASE(an_unopenable_log_is_reported_once_and_output_is_discarded)
{
    warden::config::process_spec s;
    s.name = "web";
    s.stdout_log = {warden::config::log_target_kind::file, "/proc/warden-cannot-create/x.log", 0, 1};
    s.stderr_log.kind = warden::config::log_target_kind::none;
    std::vector<std::string> errors;
    output_capture cap(s, [&](std::string const& m) { errors.push_back(m); });
    cap.open();
    cap.write(warden::platform::output_stream::out, "x");
    BOOST_REQUIRE(errors.size() == 1u);
    BOOST_TEST(errors[0].find("web: cannot open log file") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
