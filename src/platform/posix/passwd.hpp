// User database look-ups, done in the parent (NSS is not async-signal-safe).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace warden::platform::posix {

/// What a child needs from a passwd entry to run as that user.
struct user_entry {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;
    std::string home;
    std::string shell;
};

/// Look a user up by name or, when `name` is all digits, by uid (as
/// supervisord does). nullopt if there is no such user.
std::optional<user_entry> lookup_user(std::string const& name);

/// The user's supplementary groups (its primary group included), from
/// getgrouplist(); empty if the group database cannot be read.
std::vector<gid_t> supplementary_groups(user_entry const& user);

} // namespace warden::platform::posix
