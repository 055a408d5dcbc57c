#include "rpc/routes.hpp"

#include "xmlrpc/codec.hpp"

#include <boost/beast/http/field.hpp>

#include <filesystem>
#include <fstream>

namespace bh = boost::beast::http;

namespace warden::rpc {

namespace {

// supervisord's tail_f_producer starts 1024 bytes before the end.
constexpr std::streamoff tail_head = 1024;

std::string last_bytes(std::string const& path)
{
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in)
        return {};
    std::streamoff const size = in.tellg();
    std::streamoff const start = size >= tail_head ? size - tail_head : 0;
    std::string data(static_cast<std::size_t>(size - start), '\0');
    in.seekg(start);
    in.read(data.data(), static_cast<std::streamsize>(data.size()));
    data.resize(static_cast<std::size_t>(in.gcount()));
    return data;
}

std::string unquote(std::string_view s)
{
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1]))
            && std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

void start_tail(http::request const& req, http::exchange_ptr ex, std::string const& file)
{
    http::response head{bh::status::ok, req.version()};
    head.set(bh::field::content_type, "text/plain;charset=utf-8");
    head.set("X-Accel-Buffering", "no");
    if (!ex->begin_stream(std::move(head)))
        return;
    ex->write(last_bytes(file));
}

} // namespace

void add_routes(http::router& routes, dispatcher const& methods, runtime::operations& ops, log_fn log)
{
    routes.add("/RPC2", [&methods, log](http::request const& req, http::exchange_ptr ex) {
        if (req.method() != bh::verb::post)
            return ex->respond(http::text_response(req, bh::status::bad_request, "XML-RPC wants a POST\n"));
        auto decoded = xmlrpc::decode_call(req.body());
        if (auto const* error = std::get_if<xmlrpc::decode_error>(&decoded)) {
            if (log)
                log("XML-RPC request is invalid: " + error->message);
            return ex->respond(http::text_response(req, bh::status::bad_request, error->message + "\n"));
        }
        auto const& call = std::get<xmlrpc::method_call>(decoded);
        methods.call(call.method, call.params, [ex, version = req.version(), keep = req.keep_alive()](outcome o) {
            http::response r{bh::status::ok, version};
            r.set(bh::field::content_type, "text/xml");
            r.keep_alive(keep);
            if (auto const* f = std::get_if<xmlrpc::fault>(&o))
                r.body() = xmlrpc::encode_fault(*f);
            else
                r.body() = xmlrpc::encode_response(std::get<xmlrpc::value>(o));
            ex->respond(std::move(r));
        });
    });

    routes.add("/mainlogtail", [&ops](http::request const& req, http::exchange_ptr ex) {
        if (req.method() != bh::verb::get)
            return ex->respond(http::text_response(req, bh::status::bad_request, "GET only\n"));
        auto const file = ops.main_log_file();
        if (file.empty() || !std::filesystem::exists(file))
            return ex->respond(http::text_response(req, bh::status::not_found, "no main log file\n"));
        start_tail(req, ex, file);
        ops.follow_main_log([ex](std::string_view line) { return ex->write(line); });
    });

    routes.add("/logtail", [&ops](http::request const& req, http::exchange_ptr ex) {
        if (req.method() != bh::verb::get)
            return ex->respond(http::text_response(req, bh::status::bad_request, "GET only\n"));
        std::string_view path = req.target();
        path = path.substr(0, path.find('?'));
        auto rest = unquote(path.substr(std::string_view("/logtail").size()));
        while (!rest.empty() && rest.front() == '/')
            rest.erase(0, 1);
        // NAME, NAME/stdout or NAME/stderr (NAME may be group:name)
        std::string name = rest;
        std::string channel = "stdout";
        if (auto const slash = rest.find('/'); slash != std::string::npos) {
            name = rest.substr(0, slash);
            channel = rest.substr(slash + 1);
        }
        auto const index = ops.find_process(name);
        if (!index || (channel != "stdout" && channel != "stderr"))
            return ex->respond(http::text_response(req, bh::status::not_found, "no such process log\n"));
        auto const stream = channel == "stderr" ? platform::output_stream::err : platform::output_stream::out;
        auto const file = ops.log_file(*index, stream);
        if (file.empty() || !std::filesystem::exists(file))
            return ex->respond(http::text_response(req, bh::status::not_found, "no log file\n"));
        start_tail(req, ex, file);
        ops.follow_output(*index, stream, [ex](std::string_view bytes) { return ex->write(bytes); });
    });
}

} // namespace warden::rpc
