#include "http/auth.hpp"

#include <boost/beast/core/detail/base64.hpp>
#include <boost/uuid/detail/sha1.hpp>

#include <algorithm>
#include <cstdio>

namespace base64 = boost::beast::detail::base64;

namespace warden::http {

namespace {

// Constant-time comparison: how much of a guess was right must not show in
// the response time.
bool same(std::string_view a, std::string_view b)
{
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

} // namespace

std::string sha1_hex(std::string_view data)
{
    boost::uuids::detail::sha1 h;
    h.process_bytes(data.data(), data.size());
    boost::uuids::detail::sha1::digest_type digest;
    h.get_digest(digest);
    std::string out;
    char buf[9];
    for (auto word : digest) {
        std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(word));
        out += buf;
    }
    return out;
}

bool authorized(credentials const& c, std::string_view header)
{
    if (!c.required())
        return true;
    constexpr std::string_view scheme = "basic ";
    if (header.size() <= scheme.size())
        return false;
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if (lower(header[i]) != scheme[i])
            return false;
    auto encoded = header.substr(scheme.size());
    while (!encoded.empty() && encoded.front() == ' ')
        encoded.remove_prefix(1);
    while (!encoded.empty() && encoded.back() == ' ')
        encoded.remove_suffix(1);
    std::string decoded(base64::decoded_size(encoded.size()), '\0');
    auto const [written, read] = base64::decode(decoded.data(), encoded.data(), encoded.size());
    auto const padding = encoded.size() - std::min(encoded.find_last_not_of('='), encoded.size()) - 1;
    // beast's decoder stops at the padding: everything before it must have been read.
    if (encoded.empty() || padding > 2 || read != encoded.size() - padding)
        return false;
    decoded.resize(written);
    auto const colon = decoded.find(':');
    if (colon == std::string::npos)
        return false;
    std::string_view const user = std::string_view(decoded).substr(0, colon);
    std::string_view const pass = std::string_view(decoded).substr(colon + 1);
    bool const user_ok = same(user, c.username);
    bool pass_ok;
    if (c.password.starts_with("{SHA}")) {
        std::string stored = c.password.substr(5);
        for (auto& ch : stored)
            ch = lower(ch);
        pass_ok = same(sha1_hex(pass), stored);
    } else {
        pass_ok = same(pass, c.password);
    }
    return user_ok && pass_ok;
}

} // namespace warden::http
