// Integration: reload with diff (SPEC §1 `reload`, SIGHUP in §4), through
// wardenctl and through SIGHUP: added programs start, removed ones stop,
// changed ones restart with the new spec, unchanged ones keep their pid;
// an invalid file changes nothing; --dry-run only prints the plan.
#include <boost/test/unit_test.hpp>

#include "support/child.hpp"
#include "support/config_text.hpp"
#include "support/ctl.hpp"
#include "support/daemon.hpp"

#include <algorithm>
#include <csignal>
#include <functional>
#include <map>

using namespace warden::it;

namespace {

std::string const fast = "startsecs = 0\nstopwaitsecs = 2\n";

std::string base(temp_dir const& dir) { return warden_section(dir); }

bool contains(std::string const& text, std::string_view part) { return text.find(part) != std::string::npos; }

// name -> pid of every process `wardenctl status` lists.
std::map<std::string, pid_t> status_pids(temp_dir const& dir)
{
    std::map<std::string, pid_t> pids;
    for (auto const& row : parse_status(ctl(dir, {"status"}).out))
        pids[row.name] = pid_in(row.description);
    return pids;
}

// The 1-based line of `text` on which `part` starts.
int line_of(std::string const& text, std::string_view part)
{
    auto const at = text.find(part);
    BOOST_REQUIRE(at != std::string::npos);
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

// The first configuration of the matrix: keep, change (environment), change2
// (command line), remove.
std::string first_config(temp_dir const& dir)
{
    return base(dir) +
           program_section("keep", child_command(dir, "keep"), fast) +
           program_section("change", child_command(dir, "change", "--env FOO"), fast + "environment = FOO=one\n") +
           program_section("change2", child_command(dir, "change2"), fast) +
           program_section("remove", child_command(dir, "remove"), fast);
}

// The second: keep as it was, change's environment and change2's command
// differ, remove is gone, added is new.
std::string second_config(temp_dir const& dir)
{
    return base(dir) +
           program_section("keep", child_command(dir, "keep"), fast) +
           program_section("change", child_command(dir, "change", "--env FOO"), fast + "environment = FOO=two\n") +
           program_section("change2", child_command(dir, "change2", "--print 2"), fast) +
           program_section("added", child_command(dir, "added"), fast);
}

// Starts the first config, switches the file to the second, calls `trigger`,
// and checks that exactly the difference was applied.
void run_matrix(std::function<void(temp_dir const&, wardend&)> const& trigger)
{
    temp_dir dir;
    auto const config = dir.write("warden.ini", first_config(dir));
    wardend d(dir, config);
    pid_t const keep = d.wait_state("keep", "RUNNING", 15s).pid;
    pid_t const change = d.wait_state("change", "RUNNING", 15s).pid;
    pid_t const change2 = d.wait_state("change2", "RUNNING", 15s).pid;
    pid_t const remove = d.wait_state("remove", "RUNNING", 15s).pid;
    for (char const* name : {"keep", "change", "change2", "remove"}) // their SIGTERM handlers are set up
        BOOST_REQUIRE_MESSAGE(wait_for_records(dir, "start", name).size() == 1u, name << " never started");
    auto const change_log = dir / "childlogs" / "change-stdout.log";
    BOOST_REQUIRE(wait_until([&] { return read_file(change_log) == "FOO=one\n"; }, 10s));

    dir.write("warden.ini", second_config(dir));
    trigger(dir, d);

    // added starts; change and change2 restart with new pids; remove stops.
    pid_t const added = d.wait_state("added", "RUNNING", 15s).pid;
    pid_t const change_new = d.wait_state("change", "RUNNING", 15s, 2).pid;
    pid_t const change2_new = d.wait_state("change2", "RUNNING", 15s, 2).pid;
    BOOST_TEST(added > 0);
    BOOST_TEST((change_new > 0 && change_new != change));
    BOOST_TEST((change2_new > 0 && change2_new != change2));
    BOOST_TEST(wait_until([&] { return !process_alive(remove); }, 10s), "the removed program still runs");
    BOOST_TEST(!process_alive(change));
    BOOST_TEST(!process_alive(change2));

    // The new settings reached the new processes.
    BOOST_TEST(wait_until([&] { return read_file(change_log).ends_with("FOO=two\n"); }, 10s),
               "change's output: [" << read_file(change_log) << "]");
    BOOST_TEST(contains(command_line(change2_new), "--print 2"), command_line(change2_new));

    // status: exactly the new set of processes, keep with its old pid.
    auto const pids = status_pids(dir);
    BOOST_TEST(pids.size() == 4u);
    BOOST_TEST(pids.count("remove") == 0u);
    BOOST_TEST(pids.at("keep") == keep);
    BOOST_TEST(pids.at("added") == added);
    BOOST_TEST(pids.at("change") == change_new);
    BOOST_TEST(pids.at("change2") == change2_new);
    auto const gone = ctl(dir, {"status", "remove"});
    BOOST_TEST(gone.status == 1, gone.describe());
    BOOST_TEST(ctl(dir, {"status"}).status == 0);

    // keep was not touched: no state line for it besides its first start.
    BOOST_TEST(process_alive(keep));
    auto const keep_states = d.states("keep");
    BOOST_TEST(keep_states.size() == 2u);
    for (auto const& s : keep_states)
        BOOST_TEST((s.to == "STARTING" || s.to == "RUNNING"), s.line);
    BOOST_TEST(records_of(read_records(dir), "term", "keep").empty());
    BOOST_TEST(records_of(read_records(dir), "start", "keep").size() == 1u);
    // remove was stopped by its stop signal, once.
    BOOST_TEST(records_of(read_records(dir), "term", "remove").size() == 1u);

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

} // namespace

BOOST_AUTO_TEST_SUITE(ctl_reload)

// wardenctl reload: add, remove, change (environment, command), keep.
BOOST_AUTO_TEST_CASE(reload_applies_exactly_the_difference)
{
    run_matrix([](temp_dir const& dir, wardend&) {
        auto const r = ctl(dir, {"reload"});
        BOOST_TEST(r.status == 0, r.describe());
        BOOST_TEST(contains(r.out, "added: added\n"), r.describe());
        BOOST_TEST(contains(r.out, "changed: change, change2\n"), r.describe());
        BOOST_TEST(contains(r.out, "removed: remove\n"), r.describe());
        BOOST_TEST(contains(r.out, "unchanged: 1 program"), r.describe());
        BOOST_TEST(!contains(r.out, "dry run"), r.describe());
    });
}

// kill -HUP <wardend> does the same as wardenctl reload.
BOOST_AUTO_TEST_CASE(sighup_reloads_like_wardenctl_reload)
{
    run_matrix([](temp_dir const&, wardend& d) {
        d.signal(SIGHUP);
        d.wait_for_log("reload: added added; changed change, change2; removed remove; unchanged 1", 10s);
    });
}

// An invalid file: exit 1, every error as FILE:LINE:, nothing changes.
BOOST_AUTO_TEST_CASE(an_invalid_file_is_rejected_and_nothing_changes)
{
    temp_dir dir;
    auto const config = dir.write("warden.ini", first_config(dir));
    wardend d(dir, config);
    for (char const* name : {"keep", "change", "change2", "remove"})
        d.wait_state(name, "RUNNING", 15s);
    auto const before = status_pids(dir);
    auto const states_before = d.states().size();

    std::string const invalid = second_config(dir) +
        "[program:bad1]\ncommand = /bin/true\nautostart = maybe\n\n"
        "[program:bad2]\ncommand = /bin/true\nstartsecs = soon\n";
    dir.write("warden.ini", invalid);
    int const line1 = line_of(invalid, "autostart = maybe");
    int const line2 = line_of(invalid, "startsecs = soon");

    auto const r = ctl(dir, {"reload"});
    BOOST_TEST(r.status == 1, r.describe());
    BOOST_TEST(contains(r.both(), config.string() + ":" + std::to_string(line1) + ":"), r.describe());
    BOOST_TEST(contains(r.both(), config.string() + ":" + std::to_string(line2) + ":"), r.describe());
    d.wait_for_log("is invalid; the running configuration stays", 5s);

    // Nothing changed: same processes, same pids, no state change at all.
    BOOST_TEST((status_pids(dir) == before));
    for (auto const& [name, pid] : before)
        BOOST_TEST(process_alive(pid), name);
    BOOST_TEST(ctl(dir, {"status", "added"}).status == 1);
    BOOST_TEST(ctl(dir, {"status", "bad1"}).status == 1);
    BOOST_TEST(d.states().size() == states_before);

    // SIGHUP with the same file: the same refusal, in the log.
    d.signal(SIGHUP);
    d.wait_for_log("reload: " + config.string() + ":" + std::to_string(line2) + ":", 5s);
    BOOST_TEST((status_pids(dir) == before));

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

// reload --dry-run prints the plan and changes nothing; a real reload then applies it.
BOOST_AUTO_TEST_CASE(dry_run_prints_the_plan_and_changes_nothing)
{
    temp_dir dir;
    auto const config = dir.write("warden.ini", first_config(dir));
    wardend d(dir, config);
    for (char const* name : {"keep", "change", "change2", "remove"})
        d.wait_state(name, "RUNNING", 15s);
    auto const before = status_pids(dir);
    auto const states_before = d.states().size();

    dir.write("warden.ini", second_config(dir));
    auto const r = ctl(dir, {"reload", "--dry-run"});
    BOOST_TEST(r.status == 0, r.describe());
    BOOST_TEST(contains(r.out, "added: added\n"), r.describe());
    BOOST_TEST(contains(r.out, "changed: change, change2\n"), r.describe());
    BOOST_TEST(contains(r.out, "removed: remove\n"), r.describe());
    BOOST_TEST(contains(r.out, "unchanged: 1 program"), r.describe());
    BOOST_TEST(contains(r.out, "dry run"), r.describe());

    BOOST_TEST((status_pids(dir) == before));
    BOOST_TEST(d.states().size() == states_before);
    for (pid_t pid : processes_with(dir.path().string()))
        BOOST_TEST(!contains(command_line(pid), "--name added "), "started by a dry run: " << command_line(pid));

    // Applied for real afterwards: the plan was not consumed by the dry run.
    auto const applied = ctl(dir, {"reload"});
    BOOST_TEST(applied.status == 0, applied.describe());
    BOOST_TEST(contains(applied.out, "added: added\n"), applied.describe());
    d.wait_state("added", "RUNNING", 15s);

    // Reloading an unchanged file: nothing to do.
    auto const again = ctl(dir, {"reload"});
    BOOST_TEST(again.status == 0, again.describe());
    BOOST_TEST(contains(again.out, "no changes"), again.describe());
    BOOST_TEST(contains(again.out, "unchanged: 4 programs"), again.describe());

    d.signal(SIGTERM);
    BOOST_TEST(d.wait_exit(15s) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
