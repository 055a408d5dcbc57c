// What the HTTP server serves: handlers registered by path (SPEC §11:
// /RPC2, /logtail/..., /mainlogtail; §12 adds / and /metrics). The server
// knows nothing of XML-RPC or processes; it finds the handler, and the
// handler answers through an `exchange`, at once or later, whole or as a
// stream.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace warden::http {

using request = boost::beast::http::request<boost::beast::http::string_body>;
using response = boost::beast::http::response<boost::beast::http::string_body>;

/// One request's answer channel. Exactly one of respond() or
/// begin_stream() is called; a stream then gets write() calls and ends
/// when the handler stops (drops the exchange) or the client leaves.
class exchange {
public:
    virtual ~exchange() = default;
    /// The whole response (Content-Length is set, keep-alive honoured).
    virtual void respond(response r) = 0;
    /// The status line and headers of a chunked response; the body follows
    /// in write() calls. Returns false when the client is gone.
    virtual bool begin_stream(response header) = 0;
    /// One chunk. Returns false when the client is gone or does not read
    /// (more than the queue limit unread): the handler stops.
    virtual bool write(std::string_view data) = 0;
    /// The client is still there.
    virtual bool alive() const = 0;
};

using exchange_ptr = std::shared_ptr<exchange>;
using handler = std::function<void(request const&, exchange_ptr)>;

/// The routes, matched in registration order.
class router {
public:
    /// `prefix` matches a path equal to it or starting with it (supervisord
    /// matches its handlers by prefix: `/RPC2`, `/logtail`); with `exact`,
    /// only the path itself.
    void add(std::string prefix, handler h, bool exact = false);

    /// The handler for `path` (without the query), or null.
    handler const* find(std::string_view path) const;

private:
    struct route {
        std::string prefix;
        handler h;
        bool exact;
    };
    std::vector<route> routes_;
};

/// A plain response: `status`, text/plain body, no caching.
response text_response(request const& req, boost::beast::http::status status, std::string body);

} // namespace warden::http
