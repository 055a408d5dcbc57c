// The per-platform half of http::server: a Unix socket on POSIX
// (listen_unix.cpp), none on Windows (windows/listen_unix_win.cpp).
#pragma once

#include "http/connection.hpp"

#include <boost/asio/io_context.hpp>

#include <functional>
#include <optional>
#include <string>
#include <variant>

namespace warden::http::detail {

/// What a started listener leaves behind: how to stop it, and its URL.
struct started {
    std::function<void()> stop;
    std::string url;
};

/// Listen on `common->options.unix_path`; a started listener, or why not.
std::variant<started, std::string> listen_unix(boost::asio::io_context& io, std::shared_ptr<shared> common);

} // namespace warden::http::detail
