#include "platform/posix/proc_children.hpp"

#include <dirent.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <string>

namespace warden::platform::posix {

namespace {

// /proc/<pid>/stat is "pid (comm) state ppid ..."; comm may contain spaces
// and parentheses, so parse from the last ')'.
bool parent_of(std::string const& pid, pid_t& parent)
{
    std::ifstream file("/proc/" + pid + "/stat");
    std::string line;
    if (!std::getline(file, line))
        return false;
    auto const close = line.rfind(')');
    if (close == std::string::npos)
        return false;
    std::istringstream rest(line.substr(close + 1));
    char state = 0;
    long ppid = 0;
    if (!(rest >> state >> ppid))
        return false;
    parent = static_cast<pid_t>(ppid);
    return true;
}

} // namespace

std::vector<pid_t> children_of(pid_t parent)
{
    std::vector<pid_t> children;
    DIR* proc = ::opendir("/proc");
    if (!proc)
        return children;
    while (dirent const* entry = ::readdir(proc)) {
        std::string const name = entry->d_name;
        if (name.empty() || !std::isdigit(static_cast<unsigned char>(name.front())))
            continue;
        pid_t ppid = 0;
        if (parent_of(name, ppid) && ppid == parent)
            children.push_back(static_cast<pid_t>(std::stol(name)));
    }
    ::closedir(proc);
    return children;
}

} // namespace warden::platform::posix
