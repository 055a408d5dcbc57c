#include "support/child.hpp"

#include <cstdio>
#include <sstream>

namespace warden::it {

std::string child_command(temp_dir const& dir, std::string_view name, std::string_view args)
{
    std::string command = TEST_CHILD_PATH;
    command += " --name ";
    command += name;
    command += " --record " + (dir / "records").string();
    if (!args.empty()) {
        command += ' ';
        command += args;
    }
    return command;
}

std::vector<record> read_records(temp_dir const& dir)
{
    std::vector<record> all;
    std::istringstream in(read_file(dir / "records"));
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        record r;
        long pid = 0;
        if (fields >> pid >> r.name >> r.event >> r.ns) {
            r.pid = static_cast<pid_t>(pid);
            all.push_back(std::move(r));
        }
    }
    return all;
}

std::vector<record> records_of(std::vector<record> const& all, std::string_view event, std::string_view name)
{
    std::vector<record> some;
    for (auto const& r : all)
        if (r.event == event && (name.empty() || r.name == name))
            some.push_back(r);
    return some;
}

std::vector<record> wait_for_records(temp_dir const& dir, std::string_view event, std::string_view name,
                                     std::size_t count, clock::duration timeout)
{
    std::vector<record> found;
    wait_until(
        [&] {
            found = records_of(read_records(dir), event, name);
            return found.size() >= count;
        },
        timeout);
    return found;
}

std::string flood_pattern(std::size_t size)
{
    std::string bytes;
    bytes.reserve(size + 16);
    char record[24];
    for (std::size_t offset = 0; offset < size; offset += 16) {
        std::snprintf(record, sizeof record, "%015zu\n", offset);
        bytes.append(record, 16);
    }
    bytes.resize(size);
    return bytes;
}

} // namespace warden::it
