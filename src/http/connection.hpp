// One HTTP client (server.hpp), for any stream protocol (TCP, Unix): reads
// requests with Beast's parser under the server's limits, checks the
// credentials, hands the request to its route's handler and writes what the
// handler answers — one request at a time, keep-alive between them.
//
//   read (idle timeout, body/header limits) -- bad --> 400/413/431, close
//     |
//     v
//   authorized? -- no --> 401 (WWW-Authenticate)
//     |
//     v
//   route -- none --> 404
//     |
//     v
//   handler -> respond() -> write (io timeout) -> keep-alive? read : close
//           -> begin_stream() -> chunks (bounded queue) until either side stops
#pragma once

#include "http/server.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

namespace warden::http::detail {

namespace beast = boost::beast;
namespace bh = boost::beast::http;
namespace asio = boost::asio;

/// What every connection of one server shares.
struct shared {
    router const* routes = nullptr;
    server_options options;
    std::unordered_map<void*, std::function<void()>> open; ///< connection -> its close()
    std::uint64_t next_id = 0;

    void log(severity level, std::string message) const
    {
        if (options.log)
            options.log(level, options.name + ": " + std::move(message));
    }
};

template <class Protocol>
class connection : public std::enable_shared_from_this<connection<Protocol>> {
public:
    using socket_type = typename Protocol::socket;

    connection(socket_type socket, std::shared_ptr<shared> common)
        : stream_(std::move(socket)), common_(std::move(common)), who_("client " + std::to_string(++common_->next_id))
    {
    }

    void start()
    {
        common_->open.emplace(this, [weak = this->weak_from_this()] {
            if (auto self = weak.lock())
                self->close();
        });
        do_read();
    }

    void close()
    {
        if (closed_)
            return;
        closed_ = true;
        auto self = this->shared_from_this();
        common_->open.erase(this);
        boost::system::error_code ignored;
        stream_.socket().shutdown(asio::socket_base::shutdown_both, ignored);
        stream_.close();
    }

    // --- the exchange's side ------------------------------------------------------

    void respond(response r)
    {
        if (closed_ || !busy_ || answered_)
            return;
        answered_ = true;
        streaming_ = false;
        keep_alive_ = r.keep_alive();
        auto res = std::make_shared<response>(std::move(r));
        res->prepare_payload();
        stream_.expires_after(common_->options.limit.io);
        bh::async_write(stream_, *res, [self = this->shared_from_this(), res](beast::error_code ec, std::size_t) {
            self->on_response_written(ec);
        });
    }

    bool begin_stream(response header)
    {
        if (closed_ || !busy_ || answered_)
            return false;
        answered_ = true;
        streaming_ = true;
        auto head = std::make_shared<bh::response<bh::empty_body>>(header.result(), header.version());
        for (auto const& field : header)
            head->set(field.name_string(), field.value());
        head->chunked(true);
        head->keep_alive(false);
        auto sr = std::make_shared<bh::response_serializer<bh::empty_body>>(*head);
        writing_ = true;
        stream_.expires_after(common_->options.limit.io);
        bh::async_write_header(stream_, *sr, [self = this->shared_from_this(), head, sr](beast::error_code ec,
                                                                                        std::size_t) {
            self->on_chunk_written(ec, 0);
        });
        watch_for_hangup();
        return true;
    }

    bool write(std::string_view data)
    {
        if (closed_ || !streaming_)
            return false;
        if (data.empty())
            return true;
        if (queued_ + data.size() > common_->options.limit.stream_queue_bytes && queued_ > 0) {
            common_->log(severity::warning, who_ + ": not reading the log tail (" + std::to_string(queued_)
                                                + " bytes queued); dropping the client");
            close();
            return false;
        }
        queued_ += data.size();
        chunks_.emplace_back(data);
        if (!writing_)
            do_write_chunk();
        return true;
    }

    bool alive() const { return !closed_; }

private:
    class exchange_impl final : public exchange {
    public:
        /// Holds the connection: nothing else does while a handler works.
        explicit exchange_impl(std::shared_ptr<connection> c) : conn_(std::move(c)) {}
        ~exchange_impl() override
        {
            // A stream ends when its handler lets go of it.
            auto c = conn_;
            if (!c)
                return;
            if (c->streaming_) {
                c->end_stream();
            } else if (c->busy_ && !c->answered_) { // a handler that forgot to answer
                request req;
                req.version(11);
                auto r = text_response(req, bh::status::internal_server_error, "no response\n");
                r.keep_alive(false);
                c->respond(std::move(r));
            }
        }
        void respond(response r) override
        {
            if (auto c = conn_)
                c->respond(std::move(r));
        }
        bool begin_stream(response header) override
        {
            auto c = conn_;
            return c && c->begin_stream(std::move(header));
        }
        bool write(std::string_view data) override
        {
            auto c = conn_;
            return c && c->write(data);
        }
        bool alive() const override
        {
            auto c = conn_;
            return c && c->alive();
        }

    private:
        std::shared_ptr<connection> conn_;
    };

    void do_read()
    {
        busy_ = false;
        answered_ = false;
        parser_.emplace();
        parser_->body_limit(common_->options.limit.body_bytes);
        parser_->header_limit(static_cast<std::uint32_t>(common_->options.limit.header_bytes));
        stream_.expires_after(common_->options.limit.idle);
        bh::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec,
                                                                                    std::size_t) {
            self->on_read(ec);
        });
    }

    void on_read(beast::error_code ec)
    {
        if (closed_ || ec == asio::error::operation_aborted)
            return;
        if (ec == bh::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset) {
            close();
            return;
        }
        if (ec == beast::error::timeout) {
            common_->log(severity::debug, who_ + ": idle; closing the connection");
            close();
            return;
        }
        if (ec) {
            auto const status = ec == bh::error::body_limit     ? bh::status::payload_too_large
                                : ec == bh::error::header_limit ? bh::status::request_header_fields_too_large
                                                                : bh::status::bad_request;
            common_->log(severity::debug, who_ + ": bad request: " + ec.message());
            busy_ = true;
            request dummy;
            dummy.version(11);
            auto r = text_response(dummy, status, ec == bh::error::body_limit
                                                      ? "request body over " + std::to_string(common_->options.limit.body_bytes) + " bytes\n"
                                                      : "bad request: " + ec.message() + "\n");
            r.keep_alive(false);
            respond(std::move(r));
            return;
        }
        busy_ = true;
        request req = parser_->release();
        auto const path = std::string_view(req.target()).substr(0, std::string_view(req.target()).find('?'));
        if (!authorized(common_->options.auth, req[bh::field::authorization])) {
            common_->log(severity::info, who_ + ": " + std::string(req.method_string()) + " " + std::string(path)
                                             + " without valid credentials: 401");
            auto r = text_response(req, bh::status::unauthorized, "authorization required\n");
            r.set(bh::field::www_authenticate, "Basic realm=\"default\"");
            respond(std::move(r));
            return;
        }
        auto const* h = common_->routes ? common_->routes->find(path) : nullptr;
        if (!h) {
            respond(text_response(req, bh::status::not_found, "not found\n"));
            return;
        }
        auto ex = std::make_shared<exchange_impl>(this->shared_from_this());
        try {
            (*h)(req, ex);
        } catch (std::exception const& e) {
            common_->log(severity::error, who_ + ": handler for " + std::string(path) + " threw: " + e.what());
            ex->respond(text_response(req, bh::status::internal_server_error, "internal error\n"));
        }
    }

    void on_response_written(beast::error_code ec)
    {
        if (closed_ || ec == asio::error::operation_aborted)
            return;
        if (ec) {
            common_->log(severity::debug, who_ + ": write: " + ec.message() + "; closing the connection");
            close();
            return;
        }
        if (!keep_alive_) {
            linger();
            return;
        }
        do_read();
    }

    // After the last response: stop sending, and read (and drop) what the
    // client still sends until its EOF, for a short while. Closing at once
    // would turn a refused upload (413) into a broken pipe for the client,
    // which then never sees our answer.
    void linger()
    {
        boost::system::error_code ignored;
        stream_.socket().shutdown(asio::socket_base::shutdown_send, ignored);
        stream_.expires_after(std::chrono::seconds(2));
        do_linger_read();
    }

    void do_linger_read()
    {
        stream_.async_read_some(asio::buffer(hangup_buffer_), [self = this->shared_from_this()](beast::error_code ec,
                                                                                                std::size_t n) {
            self->lingered_ += n;
            if (ec || self->closed_ || self->lingered_ > 8 * self->common_->options.limit.body_bytes)
                return self->close();
            self->do_linger_read();
        });
    }

    // While a stream runs nothing else is read; a read on the socket itself
    // (outside the stream's timeouts) notices the client leaving.
    void watch_for_hangup()
    {
        stream_.socket().async_read_some(asio::buffer(hangup_buffer_), [self = this->shared_from_this()](
                                                                            beast::error_code ec, std::size_t) {
            if (self->closed_ || ec == asio::error::operation_aborted)
                return;
            if (ec) {
                self->close();
                return;
            }
            self->watch_for_hangup(); // input during a stream is ignored
        });
    }

    void do_write_chunk()
    {
        if (chunks_.empty()) {
            if (ending_)
                finish_stream();
            return;
        }
        writing_ = true;
        auto data = std::make_shared<std::string>(std::move(chunks_.front()));
        chunks_.pop_front();
        stream_.expires_after(common_->options.limit.io);
        asio::async_write(stream_, bh::make_chunk(asio::buffer(*data)),
                          [self = this->shared_from_this(), data](beast::error_code ec, std::size_t) {
                              self->on_chunk_written(ec, data->size());
                          });
    }

    void on_chunk_written(beast::error_code ec, std::size_t n)
    {
        writing_ = false;
        if (closed_ || ec == asio::error::operation_aborted)
            return;
        if (ec) {
            common_->log(severity::debug, who_ + ": log tail: " + ec.message() + "; closing the connection");
            close();
            return;
        }
        queued_ -= n;
        stream_.expires_never();
        do_write_chunk();
    }

    void end_stream()
    {
        ending_ = true;
        if (!writing_)
            do_write_chunk();
    }

    void finish_stream()
    {
        if (closed_)
            return;
        writing_ = true;
        stream_.expires_after(common_->options.limit.io);
        asio::async_write(stream_, bh::make_chunk_last(), [self = this->shared_from_this()](beast::error_code,
                                                                                         std::size_t) {
            self->close();
        });
    }

    beast::basic_stream<Protocol> stream_;
    std::shared_ptr<shared> common_;
    std::string who_;
    beast::flat_buffer buffer_;
    std::optional<bh::request_parser<bh::string_body>> parser_;
    std::deque<std::string> chunks_;
    std::size_t queued_ = 0;
    std::size_t lingered_ = 0;
    char hangup_buffer_[4096];
    bool busy_ = false;
    bool answered_ = false;
    bool keep_alive_ = true;
    bool streaming_ = false;
    bool writing_ = false;
    bool ending_ = false;
    bool closed_ = false;
};

/// Accepts on `acceptor` and runs a connection per client, up to the cap.
template <class Protocol>
class accept_loop : public std::enable_shared_from_this<accept_loop<Protocol>> {
public:
    using acceptor_type = typename Protocol::acceptor;

    accept_loop(acceptor_type acceptor, std::shared_ptr<shared> common)
        : acceptor_(std::move(acceptor)), retry_(acceptor_.get_executor()), common_(std::move(common))
    {
    }

    void start() { do_accept(); }

    void stop()
    {
        stopped_ = true;
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        retry_.cancel();
    }

    acceptor_type& acceptor() { return acceptor_; }

private:
    void do_accept()
    {
        acceptor_.async_accept([self = this->shared_from_this()](boost::system::error_code ec,
                                                                 typename Protocol::socket socket) {
            self->on_accept(ec, std::move(socket));
        });
    }

    void on_accept(boost::system::error_code ec, typename Protocol::socket socket)
    {
        if (stopped_ || ec == asio::error::operation_aborted)
            return;
        if (ec) {
            // Out of descriptors: pause rather than spin; connected clients
            // keep being served.
            if (!failing_)
                common_->log(severity::error, "cannot accept a client: " + ec.message() + "; retrying in 100ms");
            failing_ = true;
            retry_.expires_after(std::chrono::milliseconds(100));
            retry_.async_wait([self = this->shared_from_this()](boost::system::error_code e) {
                if (!e && !self->stopped_)
                    self->do_accept();
            });
            return;
        }
        failing_ = false;
        if (common_->open.size() >= common_->options.limit.connections) {
            if (!capped_)
                common_->log(severity::warning, std::to_string(common_->open.size())
                                                    + " connections open; refusing more until some close");
            capped_ = true;
            boost::system::error_code ignored;
            socket.close(ignored);
        } else {
            capped_ = false;
            std::make_shared<connection<Protocol>>(std::move(socket), common_)->start();
        }
        do_accept();
    }

    acceptor_type acceptor_;
    asio::steady_timer retry_;
    std::shared_ptr<shared> common_;
    bool stopped_ = false;
    bool failing_ = false;
    bool capped_ = false;
};

} // namespace warden::http::detail
