// supervisord's HTTP basic authentication (SPEC §11): with a username set,
// every request needs `Authorization: Basic`, and the password may be
// stored as `{SHA}` + the hex SHA-1 of the real one.
#pragma once

#include <string>
#include <string_view>

namespace warden::http {

struct credentials {
    std::string username; ///< empty: no authentication
    std::string password; ///< plain, or "{SHA}" + 40 hex digits
    bool required() const { return !username.empty(); }
};

/// Whether an `Authorization` header value grants access.
bool authorized(credentials const& c, std::string_view authorization_header);

/// Lower-case hex SHA-1 of `data`.
std::string sha1_hex(std::string_view data);

} // namespace warden::http
