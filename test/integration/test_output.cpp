// Integration: child output captured byte for byte, rotated by size, and
// reopened on SIGUSR2 (SPEC §7).
#include <boost/test/unit_test.hpp>

#include "support/child.hpp"
#include "support/config_text.hpp"
#include "support/daemon.hpp"

#include <csignal>
#include <sstream>

using namespace warden::it;

BOOST_AUTO_TEST_SUITE(output)

namespace {

// "" when equal, else where and how they differ (never the whole content).
std::string difference(std::string const& actual, std::string const& expected)
{
    if (actual == expected)
        return {};
    std::size_t at = 0;
    while (at < actual.size() && at < expected.size() && actual[at] == expected[at])
        ++at;
    std::ostringstream out;
    out << "sizes " << actual.size() << " and " << expected.size() << " (expected); first difference at offset "
        << at << ": '" << actual.substr(at, 16) << "' instead of '" << expected.substr(at, 16) << "'";
    return out.str();
}

// The numbers of the "tick N" lines of `text`, in order.
std::vector<long> ticks(std::string const& text)
{
    std::vector<long> numbers;
    std::istringstream in(text);
    std::string word;
    long n = 0;
    while (in >> word >> n)
        if (word == "tick")
            numbers.push_back(n);
    return numbers;
}

} // namespace

// 5 MiB as fast as the pipe takes them: the log file is exactly the pattern.
BOOST_AUTO_TEST_CASE(five_mebibytes_are_captured_byte_for_byte)
{
    constexpr std::size_t size = 5 * 1024 * 1024;
    temp_dir dir;
    auto const file = dir / "flood.log";
    wardend d(dir, dir.write("warden.ini",
                            warden_section(dir) +
                                program_section("flood", child_command(dir, "flood", "--flood " + std::to_string(size)),
                                                "startsecs = 1\nstopwaitsecs = 2\nstdout_logfile = " + file.string() +
                                                    "\nstdout_logfile_maxbytes = 0\n")));
    if (!wait_until([&] { return size_or_zero(file) >= size; }, 60s, 20ms))
        d.fail("flood.log has " + std::to_string(size_or_zero(file)) + " bytes, not " + std::to_string(size));
    std::string const expected = flood_pattern(size);
    auto const diff = difference(read_file(file), expected);
    BOOST_TEST(diff.empty(), diff);

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
    auto const after = difference(read_file(file), expected); // nothing more, nothing lost at exit
    BOOST_TEST(after.empty(), after);
}

// maxbytes = 64KB, 3 backups, 200 KiB of output through a one-page pipe (so
// that no read exceeds 4 KiB): exactly three rotations, and x.3 x.2 x.1 x
// together are the output, in order, nothing lost, nothing repeated.
BOOST_AUTO_TEST_CASE(size_rotation_keeps_every_byte_in_order)
{
    constexpr std::size_t size = 200 * 1024;
    constexpr std::uintmax_t max_bytes = 64 * 1024;
    temp_dir dir;
    auto const file = dir / "rot.log";
    wardend d(dir, dir.write("warden.ini",
                            warden_section(dir) +
                                program_section("rot",
                                                child_command(dir, "rot", "--pipe-size 4096 --flood " + std::to_string(size)),
                                                "startsecs = 1\nstopwaitsecs = 2\nstdout_logfile = " + file.string() +
                                                    "\nstdout_logfile_maxbytes = 64KB\nstdout_logfile_backups = 3\n")));
    std::vector<fs::path> const files{file.string() + ".3", file.string() + ".2", file.string() + ".1", file};
    auto concatenated = [&] {
        std::string all;
        for (auto const& f : files)
            all += read_file(f);
        return all;
    };
    std::string const expected = flood_pattern(size);
    if (!wait_until([&] { return concatenated() == expected; }, 30s, 20ms)) {
        std::string sizes;
        for (auto const& f : files)
            sizes += " " + f.filename().string() + "=" + std::to_string(size_or_zero(f));
        d.fail("rot.log.3 .2 .1 and rot.log are not the output (" + difference(concatenated(), expected) +
               "); sizes:" + sizes);
    }
    for (auto const& f : files) {
        BOOST_TEST_CONTEXT(f.filename().string())
        {
            BOOST_TEST(fs::exists(f));
            BOOST_TEST(size_or_zero(f) <= max_bytes + 64 * 1024); // at most one read past maxbytes
        }
    }
    for (std::size_t i = 0; i + 1 < files.size(); ++i) // a file is rotated only once it reached maxbytes
        BOOST_TEST(size_or_zero(files[i]) >= max_bytes, files[i].filename().string());
    BOOST_TEST(!fs::exists(file.string() + ".4"));

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// AUTO logs are NAME-stdout.log / NAME-stderr.log in childlogdir;
// redirect_stderr sends stderr into the stdout log, in order.
BOOST_AUTO_TEST_CASE(stderr_goes_to_its_own_log_or_into_stdout)
{
    temp_dir dir;
    auto const merged = dir / "merged.log";
    std::string const keys = "startsecs = 1\nstopwaitsecs = 2\n";
    wardend d(dir, dir.write("warden.ini",
                             warden_section(dir) +
                                 program_section("split", child_command(dir, "split", "--stderr oops --print 2"), keys) +
                                 program_section("merged", child_command(dir, "merged", "--stderr oops --print 2"),
                                                 keys + "redirect_stderr = true\nstdout_logfile = " +
                                                     merged.string() + "\n")));
    auto const split_out = dir / "childlogs" / "split-stdout.log";
    auto const split_err = dir / "childlogs" / "split-stderr.log";
    if (!wait_until([&] { return read_file(split_out) == "line 1\nline 2\n" && read_file(split_err) == "oops\n" &&
                                 read_file(merged) == "oops\nline 1\nline 2\n"; },
                    15s))
        d.fail("split-stdout.log: '" + read_file(split_out) + "', split-stderr.log: '" + read_file(split_err) +
               "', merged.log: '" + read_file(merged) + "'");
    BOOST_TEST(!fs::exists(dir / "childlogs" / "merged-stderr.log"));

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// logrotate's way: rename the file, send SIGUSR2. Until the signal the
// daemon keeps writing to the renamed file; after it, a new file of the
// original name gets every new line and the old one stops growing. Together
// they hold every tick exactly once, in order.
BOOST_AUTO_TEST_CASE(sigusr2_reopens_log_files)
{
    temp_dir dir;
    auto const file = dir / "ticks.log";
    auto const moved = dir / "ticks.log.old";
    wardend d(dir, dir.write("warden.ini",
                            warden_section(dir) +
                                program_section("ticker", child_command(dir, "ticker", "--print-every-ms 20"),
                                                "startsecs = 1\nstopwaitsecs = 2\nstdout_logfile = " + file.string() +
                                                    "\nstdout_logfile_maxbytes = 0\n")));
    if (!wait_until([&] { return ticks(read_file(file)).size() >= 3; }, 15s))
        d.fail("no ticks in " + file.string());

    fs::rename(file, moved);
    auto const size_at_rename = size_or_zero(moved);
    if (!wait_until([&] { return size_or_zero(moved) > size_at_rename; }, 10s))
        d.fail("the renamed file stopped growing before SIGUSR2");
    BOOST_TEST(!fs::exists(file));

    d.signal(SIGUSR2);
    d.wait_for_log("reopening log files", 10s);
    if (!wait_until([&] { return !ticks(read_file(file)).empty(); }, 10s))
        d.fail("no new ticks.log after SIGUSR2");
    auto const old_size = size_or_zero(moved);
    auto const new_ticks = ticks(read_file(file)).size();
    if (!wait_until([&] { return ticks(read_file(file)).size() >= new_ticks + 3; }, 10s))
        d.fail("the new ticks.log does not grow");
    BOOST_TEST(size_or_zero(moved) == old_size); // the old file gets nothing more

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);

    auto all = ticks(read_file(moved));
    auto const later = ticks(read_file(file));
    all.insert(all.end(), later.begin(), later.end());
    BOOST_TEST_REQUIRE(!all.empty());
    for (std::size_t i = 0; i < all.size(); ++i)
        if (all[i] != static_cast<long>(i + 1)) {
            BOOST_ERROR("tick " << i + 1 << " is " << all[i] << ": a line was lost or repeated");
            break;
        }
}

BOOST_AUTO_TEST_SUITE_END()
