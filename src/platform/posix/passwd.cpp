#include "platform/posix/passwd.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cctype>
#include <limits>

namespace warden::platform::posix {

namespace {

bool all_digits(std::string const& s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(),
                                     [](unsigned char c) { return std::isdigit(c) != 0; });
}

} // namespace

std::optional<user_entry> lookup_user(std::string const& name)
{
    std::optional<uid_t> uid;
    if (all_digits(name)) {
        unsigned long long value = 0;
        try {
            value = std::stoull(name);
        } catch (...) {
            return std::nullopt;
        }
        if (value > std::numeric_limits<uid_t>::max())
            return std::nullopt;
        uid = static_cast<uid_t>(value);
    }

    long hint = ::sysconf(_SC_GETPW_R_SIZE_MAX);
    std::vector<char> buffer(hint > 0 ? static_cast<std::size_t>(hint) : 1024);
    for (;;) {
        passwd entry{};
        passwd* found = nullptr;
        int const rc = uid ? ::getpwuid_r(*uid, &entry, buffer.data(), buffer.size(), &found)
                           : ::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
        // ERANGE: the entry does not fit; every other error reads as "no such user".
        if (rc == ERANGE && buffer.size() < (1u << 20)) {
            buffer.resize(buffer.size() * 2);
            continue;
        }
        if (rc != 0 || found == nullptr)
            return std::nullopt;
        return user_entry{entry.pw_name, entry.pw_uid, entry.pw_gid,
                          entry.pw_dir ? entry.pw_dir : "", entry.pw_shell ? entry.pw_shell : ""};
    }
}

std::vector<gid_t> supplementary_groups(user_entry const& user)
{
    std::vector<gid_t> groups(32);
    for (int attempt = 0; attempt < 8; ++attempt) {
        int count = static_cast<int>(groups.size());
        if (::getgrouplist(user.name.c_str(), user.gid, groups.data(), &count) >= 0) {
            groups.resize(static_cast<std::size_t>(count));
            return groups;
        }
        // Too small: getgrouplist stored the size it needs in `count`.
        groups.resize(std::max<std::size_t>(static_cast<std::size_t>(count), groups.size() * 2));
    }
    return {};
}

} // namespace warden::platform::posix
