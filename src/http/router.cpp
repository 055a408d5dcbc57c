#include "http/router.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/version.hpp>

namespace warden::http {

namespace bh = boost::beast::http;

void router::add(std::string prefix, handler h, bool exact)
{
    routes_.push_back({std::move(prefix), std::move(h), exact});
}

handler const* router::find(std::string_view path) const
{
    for (auto const& r : routes_)
        if (r.exact ? path == r.prefix : path.starts_with(r.prefix))
            return &r.h;
    return nullptr;
}

response text_response(request const& req, bh::status status, std::string body)
{
    response r{status, req.version()};
    r.set(bh::field::content_type, "text/plain; charset=utf-8");
    r.set(bh::field::cache_control, "no-store");
    r.keep_alive(req.keep_alive());
    r.body() = std::move(body);
    r.prepare_payload();
    return r;
}

} // namespace warden::http
