// The JSON-lines codec: line splitting, request/reply decoding and encoding.
#include "control/codec.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>

#include <array>
#include <string>

namespace json = boost::json;

namespace warden::control {

namespace {

// --- UTF-8 ------------------------------------------------------------------

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not
// valid (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF).
std::size_t utf8_sequence(std::string_view s, std::size_t i)
{
    auto const byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char const c = byte(i);
    if (c < 0x80)
        return 1;
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c == 0xE0)
        n = 3, lo = 0xA0;
    else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF)
        n = 3;
    else if (c == 0xED)
        n = 3, hi = 0x9F;
    else if (c == 0xF0)
        n = 4, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3)
        n = 4;
    else if (c == 0xF4)
        n = 4, hi = 0x8F;
    else
        return 0;
    if (i + n > s.size() || byte(i + 1) < lo || byte(i + 1) > hi)
        return 0;
    for (std::size_t k = 2; k < n; ++k)
        if ((byte(i + k) & 0xC0) != 0x80)
            return 0;
    return n;
}

bool is_blank(std::string_view text)
{
    return text.find_first_not_of(" \t") == std::string_view::npos;
}

char const* kind_name(json::value const& v)
{
    switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "a number";
    case json::kind::string: return "a string";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
    }
    return "a value";
}

// A key quoted for a message, cut short when a client sends a huge one.
std::string quoted(std::string_view key)
{
    constexpr std::size_t limit = 40;
    std::string out = "\"";
    out += key.substr(0, limit);
    out += key.size() > limit ? "...\"" : "\"";
    return out;
}

reply bad(std::string message) { return reply::failure(error_code::bad_request, std::move(message)); }

// Parse exactly one JSON value filling the whole line (surrounding blanks
// allowed). On failure, `error` says what and where (1-based column).
std::optional<json::value> parse_line(std::string_view line, std::string& error, bool allow_invalid_utf8)
{
    if (!allow_invalid_utf8)
        if (auto const at = find_invalid_utf8(line)) {
            error = "invalid UTF-8 at column " + std::to_string(*at + 1);
            return std::nullopt;
        }
    json::parse_options opt;
    opt.allow_invalid_utf8 = allow_invalid_utf8;
    json::stream_parser p(json::storage_ptr(), opt);
    boost::system::error_code ec;
    std::size_t const used = p.write_some(line.data(), line.size(), ec);
    if (ec) {
        error = "invalid JSON at column " + std::to_string(used + 1) + ": " + ec.message();
        return std::nullopt;
    }
    if (!p.done()) {
        p.finish(ec);
        if (ec || !p.done()) {
            error = "invalid JSON: the line ends inside a value";
            return std::nullopt;
        }
    }
    if (!is_blank(line.substr(used))) {
        auto const at = used + line.substr(used).find_first_not_of(" \t");
        error = "unexpected text after the JSON value at column " + std::to_string(at + 1);
        return std::nullopt;
    }
    return p.release();
}

} // namespace

std::optional<std::size_t> find_invalid_utf8(std::string_view text)
{
    for (std::size_t i = 0; i < text.size();) {
        std::size_t const n = utf8_sequence(text, i);
        if (n == 0)
            return i;
        i += n;
    }
    return std::nullopt;
}

std::string to_valid_utf8(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        if (std::size_t const n = utf8_sequence(text, i)) {
            out.append(text.substr(i, n));
            i += n;
        } else {
            out += "\xEF\xBF\xBD"; // U+FFFD, one per invalid byte
            ++i;
        }
    }
    return out;
}

// --- line_splitter ------------------------------------------------------------

line_splitter::line_splitter(std::size_t max_bytes) : max_(max_bytes) {}

void line_splitter::feed(std::string_view bytes)
{
    if (bytes.empty())
        return;
    compact();
    buffer_.append(bytes);
}

void line_splitter::end() { ended_ = true; }

void line_splitter::compact()
{
    if (start_ == buffer_.size()) {
        buffer_.clear();
        start_ = 0;
    } else if (start_ > 4096 && start_ >= buffer_.size() / 2) {
        buffer_.erase(0, start_);
        start_ = 0;
    }
}

std::optional<line> line_splitter::next()
{
    for (;;) {
        std::string_view const rest(buffer_.data() + start_, buffer_.size() - start_);
        auto const nl = rest.find('\n', scanned_);
        if (nl == std::string_view::npos) {
            scanned_ = rest.size();
            if (discarding_) { // still inside an over-long line: keep nothing of it
                start_ = buffer_.size();
                scanned_ = 0;
                compact();
                return std::nullopt;
            }
            // A partial line already past the limit (one byte of slack for a '\r').
            bool const over = rest.size() > max_ + 1 || (rest.size() == max_ + 1 && rest.back() != '\r');
            if (over) {
                start_ = buffer_.size();
                scanned_ = 0;
                compact();
                discarding_ = !ended_;
                return line{{}, true};
            }
            if (ended_ && !rest.empty()) { // the final line had no '\n'
                start_ = buffer_.size();
                scanned_ = 0;
                std::string_view text = rest;
                if (text.back() == '\r')
                    text.remove_suffix(1);
                if (text.size() > max_)
                    return line{{}, true};
                if (is_blank(text))
                    return std::nullopt;
                return line{std::string(text), false};
            }
            return std::nullopt;
        }
        std::string_view text = rest.substr(0, nl);
        start_ += nl + 1;
        scanned_ = 0;
        if (discarding_) { // the '\n' that ends the over-long line
            discarding_ = false;
            continue;
        }
        if (!text.empty() && text.back() == '\r')
            text.remove_suffix(1);
        if (text.size() > max_)
            return line{{}, true};
        if (is_blank(text))
            continue;
        return line{std::string(text), false};
    }
}

// --- requests -------------------------------------------------------------------

std::variant<request, reply> decode_request(std::string_view text)
{
    std::string error;
    auto parsed = parse_line(text, error, false);
    if (!parsed)
        return bad(error);
    if (!parsed->is_object())
        return bad(std::string("a request must be a JSON object, not ") + kind_name(*parsed));
    json::object const& obj = parsed->get_object();

    for (auto const& [key, value] : obj)
        if (key != "cmd" && key != "args" && key != "options")
            return bad("unknown field " + quoted(key) + " (a request has \"cmd\", \"args\" and \"options\")");

    request req;
    auto const* cmd = obj.if_contains("cmd");
    if (!cmd)
        return bad("missing \"cmd\"");
    if (!cmd->is_string())
        return bad(std::string("\"cmd\" must be a string, not ") + kind_name(*cmd));
    req.cmd = std::string(cmd->get_string());
    if (req.cmd.empty())
        return bad("\"cmd\" is empty");

    if (auto const* args = obj.if_contains("args"); args && !args->is_null()) {
        if (!args->is_array())
            return bad(std::string("\"args\" must be an array of strings, not ") + kind_name(*args));
        auto const& arr = args->get_array();
        req.args.reserve(arr.size());
        for (std::size_t i = 0; i < arr.size(); ++i) {
            if (!arr[i].is_string())
                return bad("\"args\"[" + std::to_string(i) + "] must be a string, not " + kind_name(arr[i]));
            req.args.emplace_back(arr[i].get_string());
        }
    }

    if (auto const* options = obj.if_contains("options"); options && !options->is_null()) {
        if (!options->is_object())
            return bad(std::string("\"options\" must be an object, not ") + kind_name(*options));
        req.options = options->get_object();
    }
    return req;
}

std::string encode(request const& r)
{
    json::object obj;
    obj["cmd"] = r.cmd;
    if (!r.args.empty()) {
        json::array args;
        for (auto const& a : r.args)
            args.emplace_back(a);
        obj["args"] = std::move(args);
    }
    if (!r.options.empty())
        obj["options"] = r.options;
    std::string out = json::serialize(obj);
    if (find_invalid_utf8(out))
        out = to_valid_utf8(out);
    out += '\n';
    return out;
}

// --- replies -----------------------------------------------------------------------

std::string encode(reply const& r)
{
    json::object obj;
    obj["ok"] = r.ok;
    if (r.ok) {
        obj["result"] = r.result;
    } else {
        obj["error"] = json::object{{"code", r.code}, {"message", r.message}};
        if (!r.result.is_null())
            obj["result"] = r.result;
    }
    if (r.more)
        obj["more"] = true;
    // serialize() escapes control characters but copies other bytes as they
    // are; an invalid byte can only come from a string, and replacing it with
    // U+FFFD keeps the JSON structure intact.
    std::string out = json::serialize(obj);
    if (find_invalid_utf8(out))
        out = to_valid_utf8(out);
    out += '\n';
    return out;
}

std::variant<reply, std::string> decode_reply(std::string_view text)
{
    std::string error;
    auto parsed = parse_line(text, error, true);
    if (!parsed)
        return error;
    if (!parsed->is_object())
        return std::string("a reply must be a JSON object, not ") + kind_name(*parsed);
    json::object& obj = parsed->get_object();

    reply r;
    auto const* ok = obj.if_contains("ok");
    if (!ok || !ok->is_bool())
        return std::string("a reply needs a boolean \"ok\"");
    r.ok = ok->get_bool();
    if (auto* result = obj.if_contains("result"))
        r.result = std::move(*result);
    if (auto const* more = obj.if_contains("more"); more && !more->is_null()) {
        if (!more->is_bool())
            return std::string("\"more\" must be a boolean, not ") + kind_name(*more);
        r.more = more->get_bool();
    }
    if (!r.ok) {
        auto const* err = obj.if_contains("error");
        if (!err || !err->is_object())
            return std::string("a failed reply needs an \"error\" object");
        auto const* code = err->get_object().if_contains("code");
        if (!code || !code->is_string())
            return std::string("\"error\" needs a string \"code\"");
        r.code = std::string(code->get_string());
        if (auto const* message = err->get_object().if_contains("message"); message && message->is_string())
            r.message = std::string(message->get_string());
    }
    return r;
}

} // namespace warden::control
