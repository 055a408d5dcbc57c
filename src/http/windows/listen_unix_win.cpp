// [unix_http_server] on Windows: not served (supervisorctl on Windows
// reaches [inet_http_server]; the control protocol has its named pipe).
#include "http/listen.hpp"

namespace warden::http::detail {

std::variant<started, std::string> listen_unix(boost::asio::io_context&, std::shared_ptr<shared>)
{
    return std::string("[unix_http_server] is not supported on Windows; use [inet_http_server]");
}

} // namespace warden::http::detail
