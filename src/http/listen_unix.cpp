// [unix_http_server] on POSIX: the socket file as the control socket makes
// it (unix_socket_file: owner-only bind, then chmod and chown).
#include "http/listen.hpp"

#include "control/unix_socket_file.hpp"

#include <boost/asio/local/stream_protocol.hpp>

#include <grp.h>
#include <pwd.h>

namespace asio = boost::asio;
using unix_protocol = asio::local::stream_protocol;

namespace warden::http::detail {

namespace {

std::optional<uid_t> user_id(std::string const& name, gid_t* primary)
{
    if (auto const* pw = ::getpwnam(name.c_str())) {
        *primary = pw->pw_gid;
        return pw->pw_uid;
    }
    if (!name.empty() && name.find_first_not_of("0123456789") == std::string::npos)
        return static_cast<uid_t>(std::stoul(name));
    return std::nullopt;
}

std::optional<gid_t> group_id(std::string const& name)
{
    if (auto const* gr = ::getgrnam(name.c_str()))
        return gr->gr_gid;
    if (!name.empty() && name.find_first_not_of("0123456789") == std::string::npos)
        return static_cast<gid_t>(std::stoul(name));
    return std::nullopt;
}

} // namespace

std::variant<started, std::string> listen_unix(asio::io_context& io, std::shared_ptr<shared> common)
{
    auto const& o = common->options;
    control::unix_socket_options so;
    so.path = o.unix_path;
    so.mode = o.unix_mode;
    so.what = "HTTP socket";
    // supervisord's chown = USER[:GROUP]: the group defaults to the user's.
    if (!o.unix_owner.empty()) {
        gid_t primary = static_cast<gid_t>(-1);
        auto const uid = user_id(o.unix_owner, &primary);
        if (!uid)
            return "chown: unknown user '" + o.unix_owner + "'";
        so.owner = *uid;
        if (primary != static_cast<gid_t>(-1))
            so.group = primary;
    }
    if (!o.unix_group.empty()) {
        auto const gid = group_id(o.unix_group);
        if (!gid)
            return "chown: unknown group '" + o.unix_group + "'";
        so.group = *gid;
    }
    auto file = std::make_shared<control::unix_socket_file>();
    unix_protocol::acceptor acceptor(io);
    control::log_fn log = [common](control::severity s, std::string m) {
        common->log(s == control::severity::info ? severity::info : severity::warning, std::move(m));
    };
    if (auto problem = file->open(acceptor, so, log))
        return *problem;
    auto loop = std::make_shared<accept_loop<unix_protocol>>(std::move(acceptor), common);
    loop->start();
    return started{[loop, file] {
                       loop->stop();
                       file->remove();
                   },
                   "unix://" + o.unix_path};
}

} // namespace warden::http::detail
