// Building warden.ini text in tests.
#pragma once

#include "support/files.hpp"

#include <string>
#include <string_view>

namespace warden::it {

/// The control socket of the test's daemon: inside the test directory, so
/// daemons of tests running in parallel never meet on the default path.
inline fs::path socket_path(temp_dir const& dir) { return dir / "warden.sock"; }

/// A `[warden]` section whose childlogdir is inside the test directory (so
/// AUTO logs never land in /tmp) and whose socket is socket_path(dir),
/// followed by `extra` lines.
inline std::string warden_section(temp_dir const& dir, std::string_view extra = {})
{
    std::string text = "[warden]\nchildlogdir = " + (dir / "childlogs").string() + "\n";
    text += "socket = " + socket_path(dir).string() + "\n";
    text += extra;
    return text + "\n";
}

/// A `[program:NAME]` section with `command` and then `keys` ("key = value" lines).
inline std::string program_section(std::string_view name, std::string_view command, std::string_view keys = {})
{
    std::string text = "[program:" + std::string(name) + "]\ncommand = " + std::string(command) + "\n";
    text += keys;
    return text + "\n";
}

} // namespace warden::it
