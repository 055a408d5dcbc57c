// The JSON-lines codec: line splitting (fragments, CRLF, blank lines, the
// length limit), request decoding (every way a line can be wrong), reply
// encoding and decoding. Table-driven: a failure names its case.
#include "control/codec.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

namespace json = boost::json;
using namespace warden::control;

namespace {

// Feed `chunks` one by one, taking every line out after each; "<too long>"
// stands for a too_long marker.
std::vector<std::string> split(std::vector<std::string> const& chunks, std::size_t max = 16, bool end = false)
{
    line_splitter s(max);
    std::vector<std::string> out;
    auto const drain = [&] {
        while (auto l = s.next())
            out.push_back(l->too_long ? "<too long>" : l->text);
    };
    for (auto const& c : chunks) {
        s.feed(c);
        drain();
    }
    if (end) {
        s.end();
        drain();
    }
    return out;
}

std::string show(std::vector<std::string> const& v)
{
    std::string out = "[";
    for (auto const& s : v)
        out += (out.size() > 1 ? ", \"" : "\"") + s + "\"";
    return out + "]";
}

} // namespace

BOOST_AUTO_TEST_SUITE(line_splitter_tests)

BOOST_AUTO_TEST_CASE(splits_lines_as_the_table_says)
{
    struct row {
        char const* name;
        std::vector<std::string> chunks;
        std::vector<std::string> expected;
        bool end = false;
    };
    std::string const sixteen(16, 'x'), seventeen(17, 'y');
    std::vector<row> const table = {
        {"one line", {"abc\n"}, {"abc"}},
        {"fragmented", {"a", "b", "c", "\n"}, {"abc"}},
        {"several lines in one chunk", {"a\nb\nc\n"}, {"a", "b", "c"}},
        {"line split across chunks", {"ab\ncd", "ef\ngh"}, {"ab", "cdef"}},
        {"partial line is held back", {"abc"}, {}},
        {"CRLF", {"abc\r\n", "de\r", "\n"}, {"abc", "de"}},
        {"a lone CR inside a line is kept", {"a\rb\n"}, {"a\rb"}},
        {"empty lines ignored", {"\n\n\r\na\n\n"}, {"a"}},
        {"blank lines ignored", {" \t \nb\n"}, {"b"}},
        {"exactly the limit", {sixteen + "\n"}, {sixteen}},
        {"exactly the limit with CRLF", {sixteen + "\r\n"}, {sixteen}},
        {"exactly the limit, CR in a later chunk", {sixteen, "\r", "\n"}, {sixteen}},
        {"over the limit in one chunk", {seventeen + "\nok\n"}, {"<too long>", "ok"}},
        {"over the limit across chunks, then a good line",
         {"0123456789", "0123456789", "more junk", "\nok\n"},
         {"<too long>", "ok"}},
        {"long junk is reported once", {seventeen, seventeen, seventeen, "\n", "a\n"}, {"<too long>", "a"}},
        {"two over-long lines", {seventeen + "\n" + seventeen + "\nz\n"}, {"<too long>", "<too long>", "z"}},
        {"the line after junk may arrive in the same chunk as its end", {seventeen, "tail\nnext\n"}, {"<too long>", "next"}},
        {"final line without newline at end", {"a\nlast"}, {"a", "last"}, true},
        {"final CR stripped at end", {"last\r"}, {"last"}, true},
        {"blank tail at end", {"a\n  "}, {"a"}, true},
        {"unicode passes through", {"caf\xC3\xA9 \xE2\x9C\x93\n"}, {"caf\xC3\xA9 \xE2\x9C\x93"}},
    };
    for (auto const& r : table) {
        BOOST_TEST_CONTEXT(r.name)
        {
            auto const got = split(r.chunks, 16, r.end);
            BOOST_TEST(show(got) == show(r.expected));
        }
    }
}

BOOST_AUTO_TEST_CASE(memory_stays_bounded_while_discarding)
{
    line_splitter s(100);
    std::string const junk(1000, 'j');
    int too_long = 0;
    for (int i = 0; i < 1000; ++i) { // a megabyte without a newline
        s.feed(junk);
        while (auto l = s.next())
            too_long += l->too_long;
        BOOST_TEST_REQUIRE(s.buffered() <= 1100u);
    }
    BOOST_TEST(too_long == 1);
    s.feed("\n{\"cmd\":\"x\"}\n");
    auto l = s.next();
    BOOST_TEST_REQUIRE(l.has_value());
    BOOST_TEST(!l->too_long);
    BOOST_TEST(l->text == "{\"cmd\":\"x\"}");
}

BOOST_AUTO_TEST_CASE(the_default_limit_is_the_protocol_limit)
{
    line_splitter s;
    s.feed(std::string(max_line_bytes, 'a') + "\n" + std::string(max_line_bytes + 1, 'b') + "\n");
    auto first = s.next();
    BOOST_TEST_REQUIRE(first.has_value());
    BOOST_TEST(first->text.size() == max_line_bytes);
    auto second = s.next();
    BOOST_TEST_REQUIRE(second.has_value());
    BOOST_TEST(second->too_long);
    BOOST_TEST(!s.next().has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(decode_request_tests)

BOOST_AUTO_TEST_CASE(accepts_well_formed_requests)
{
    struct row {
        char const* name;
        std::string line;
        std::string cmd;
        std::vector<std::string> args;
        std::string options; // serialized
    };
    std::vector<row> const table = {
        {"cmd only", R"({"cmd":"status"})", "status", {}, "{}"},
        {"with args", R"({"cmd":"status","args":["web","db"]})", "status", {"web", "db"}, "{}"},
        {"empty args", R"({"cmd":"status","args":[]})", "status", {}, "{}"},
        {"null args and options", R"({"cmd":"status","args":null,"options":null})", "status", {}, "{}"},
        {"options", R"({"cmd":"tail","args":["web","stdout"],"options":{"lines":10,"follow":true}})", "tail",
         {"web", "stdout"}, R"({"lines":10,"follow":true})"},
        {"blanks around and inside", " { \"cmd\" : \"pid\" , \"args\" : [ \"a\" ] } \t", "pid", {"a"}, "{}"},
        {"key order free", R"({"args":["x"],"cmd":"stop"})", "stop", {"x"}, "{}"},
        {"unicode in args", "{\"cmd\":\"status\",\"args\":[\"caf\xC3\xA9\",\"\\u00e9\\ud83d\\ude00\"]}", "status",
         {"caf\xC3\xA9", "\xC3\xA9\xF0\x9F\x98\x80"}, "{}"},
        {"escaped newline in an arg", R"({"cmd":"x","args":["a\nb"]})", "x", {"a\nb"}, "{}"},
    };
    for (auto const& r : table) {
        BOOST_TEST_CONTEXT(r.name)
        {
            auto decoded = decode_request(r.line);
            auto const* req = std::get_if<request>(&decoded);
            BOOST_TEST_REQUIRE(req != nullptr);
            BOOST_TEST(req->cmd == r.cmd);
            BOOST_TEST(show(req->args) == show(r.args));
            BOOST_TEST(json::serialize(req->options) == r.options);
        }
    }
}

BOOST_AUTO_TEST_CASE(rejects_bad_requests_with_a_precise_message)
{
    struct row {
        char const* name;
        std::string line;
        std::string message;
    };
    std::vector<row> const table = {
        {"not JSON", "hello", "invalid JSON at column 1: syntax error"},
        {"bad token mid-object", R"({"cmd": x})", "invalid JSON at column 9: syntax error"},
        {"double comma", R"({"cmd":"a",,})", "invalid JSON at column 12: syntax error"},
        {"truncated", R"({"cmd":"a")", "invalid JSON: the line ends inside a value"},
        {"trailing text", R"({"cmd":"a"} x)", "unexpected text after the JSON value at column 13"},
        {"two objects", R"({"cmd":"a"}{"cmd":"b"})", "unexpected text after the JSON value at column 12"},
        {"invalid UTF-8", "{\"cmd\":\"\xFF\"}", "invalid UTF-8 at column 9"},
        {"overlong UTF-8", "{\"cmd\":\"\xC0\xAF\"}", "invalid UTF-8 at column 9"},
        {"UTF-16 surrogate encoded in UTF-8", "{\"cmd\":\"\xED\xA0\x80\"}", "invalid UTF-8 at column 9"},
        {"array", R"(["status"])", "a request must be a JSON object, not an array"},
        {"string", R"("status")", "a request must be a JSON object, not a string"},
        {"number", "42", "a request must be a JSON object, not a number"},
        {"null", "null", "a request must be a JSON object, not null"},
        {"missing cmd", R"({"args":[]})", "missing \"cmd\""},
        {"cmd not a string", R"({"cmd":1})", "\"cmd\" must be a string, not a number"},
        {"cmd an array", R"({"cmd":["status"]})", "\"cmd\" must be a string, not an array"},
        {"empty cmd", R"({"cmd":""})", "\"cmd\" is empty"},
        {"args not an array", R"({"cmd":"status","args":"web"})", "\"args\" must be an array of strings, not a string"},
        {"args an object", R"({"cmd":"status","args":{}})", "\"args\" must be an array of strings, not an object"},
        {"arg not a string", R"({"cmd":"status","args":["a",2]})", "\"args\"[1] must be a string, not a number"},
        {"arg null", R"({"cmd":"status","args":[null]})", "\"args\"[0] must be a string, not null"},
        {"options an array", R"({"cmd":"tail","options":[]})", "\"options\" must be an object, not an array"},
        {"options a boolean", R"({"cmd":"tail","options":true})", "\"options\" must be an object, not a boolean"},
        {"unknown field", R"({"cmd":"status","arg":["web"]})",
         "unknown field \"arg\" (a request has \"cmd\", \"args\" and \"options\")"},
    };
    for (auto const& r : table) {
        BOOST_TEST_CONTEXT(r.name)
        {
            auto decoded = decode_request(r.line);
            auto const* error = std::get_if<reply>(&decoded);
            BOOST_TEST_REQUIRE(error != nullptr);
            BOOST_TEST(!error->ok);
            BOOST_TEST(error->code == error_code::bad_request);
            BOOST_TEST(error->message == r.message);
        }
    }
}

BOOST_AUTO_TEST_CASE(deep_nesting_is_an_error_not_a_crash)
{
    std::string deep = R"({"cmd":"x","options":{"a":)";
    for (int i = 0; i < 10000; ++i)
        deep += "[";
    auto decoded = decode_request(deep);
    auto const* error = std::get_if<reply>(&decoded);
    BOOST_TEST_REQUIRE(error != nullptr);
    BOOST_TEST(error->code == error_code::bad_request);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(encode_tests)

BOOST_AUTO_TEST_CASE(encodes_replies_as_one_line)
{
    struct row {
        char const* name;
        reply r;
        std::string line;
    };
    std::vector<row> const table = {
        {"success", reply::success(json::object{{"pid", 42}}), "{\"ok\":true,\"result\":{\"pid\":42}}\n"},
        {"success with null result", reply::success(nullptr), "{\"ok\":true,\"result\":null}\n"},
        {"streaming", reply::success(json::object{{"data", "x\n"}}, true),
         "{\"ok\":true,\"result\":{\"data\":\"x\\n\"},\"more\":true}\n"},
        {"failure", reply::failure("no_such_process", "no such process: x"),
         "{\"ok\":false,\"error\":{\"code\":\"no_such_process\",\"message\":\"no such process: x\"}}\n"},
        {"failure with a partial result", reply::failure("failed", "web: FATAL", json::object{{"n", 1}}),
         "{\"ok\":false,\"error\":{\"code\":\"failed\",\"message\":\"web: FATAL\"},\"result\":{\"n\":1}}\n"},
        {"control characters are escaped", reply::success(json::string("a\nb\x01")),
         "{\"ok\":true,\"result\":\"a\\nb\\u0001\"}\n"},
        {"unicode kept", reply::success(json::string("caf\xC3\xA9")), "{\"ok\":true,\"result\":\"caf\xC3\xA9\"}\n"},
        {"invalid UTF-8 replaced", reply::success(json::string("a\xFF" "b")),
         "{\"ok\":true,\"result\":\"a\xEF\xBF\xBD" "b\"}\n"},
    };
    for (auto const& r : table) {
        BOOST_TEST_CONTEXT(r.name)
        {
            BOOST_TEST(encode(r.r) == r.line);
        }
    }
}

BOOST_AUTO_TEST_CASE(encodes_requests_and_they_decode_back)
{
    struct row {
        char const* name;
        request req;
        std::string line;
    };
    std::vector<row> const table = {
        {"bare", request{"version", {}, {}}, "{\"cmd\":\"version\"}\n"},
        {"args", request{"status", {"web", "g:*"}, {}}, "{\"cmd\":\"status\",\"args\":[\"web\",\"g:*\"]}\n"},
        {"options", request{"reload", {}, json::object{{"dry_run", true}}},
         "{\"cmd\":\"reload\",\"options\":{\"dry_run\":true}}\n"},
    };
    for (auto const& r : table) {
        BOOST_TEST_CONTEXT(r.name)
        {
            std::string const line = encode(r.req);
            BOOST_TEST(line == r.line);
            auto decoded = decode_request(std::string_view(line).substr(0, line.size() - 1));
            auto const* back = std::get_if<request>(&decoded);
            BOOST_TEST_REQUIRE(back != nullptr);
            BOOST_TEST(back->cmd == r.req.cmd);
            BOOST_TEST(show(back->args) == show(r.req.args));
            BOOST_TEST(json::serialize(back->options) == json::serialize(r.req.options));
        }
    }
}

BOOST_AUTO_TEST_CASE(decodes_replies)
{
    struct row {
        char const* name;
        std::string line;
        bool valid;
        bool ok = false;
        bool more = false;
        std::string code;
        std::string result; // serialized
    };
    std::vector<row> const table = {
        {"success", R"({"ok":true,"result":{"pid":1}})", true, true, false, "", R"({"pid":1})"},
        {"success without result", R"({"ok":true})", true, true, false, "", "null"},
        {"more", R"({"ok":true,"result":{"data":""},"more":true})", true, true, true, "", R"({"data":""})"},
        {"failure", R"({"ok":false,"error":{"code":"failed","message":"m"},"result":[1]})", true, false, false,
         "failed", "[1]"},
        {"unknown fields ignored", R"({"ok":true,"result":1,"extra":2})", true, true, false, "", "1"},
        {"invalid UTF-8 tolerated", "{\"ok\":true,\"result\":\"\xFF\"}", true, true, false, "", "\"\xFF\""},
        {"not JSON", "nope", false, false, false, "", ""},
        {"not an object", "[]", false, false, false, "", ""},
        {"missing ok", R"({"result":1})", false, false, false, "", ""},
        {"ok not a boolean", R"({"ok":1})", false, false, false, "", ""},
        {"failure without error", R"({"ok":false})", false, false, false, "", ""},
        {"error without code", R"({"ok":false,"error":{"message":"m"}})", false, false, false, "", ""},
        {"more not a boolean", R"({"ok":true,"more":"yes"})", false, false, false, "", ""},
    };
    for (auto const& r : table) {
        BOOST_TEST_CONTEXT(r.name)
        {
            auto decoded = decode_reply(r.line);
            auto const* got = std::get_if<reply>(&decoded);
            BOOST_TEST_REQUIRE((got != nullptr) == r.valid);
            if (!got)
                continue;
            BOOST_TEST(got->ok == r.ok);
            BOOST_TEST(got->more == r.more);
            BOOST_TEST(got->code == r.code);
            BOOST_TEST(json::serialize(got->result) == r.result);
        }
    }
}

BOOST_AUTO_TEST_CASE(utf8_repair)
{
    struct row {
        char const* name;
        std::string in;
        std::string out;
    };
    std::string const fffd = "\xEF\xBF\xBD";
    std::vector<row> const table = {
        {"ascii", "abc", "abc"},
        {"valid multibyte", "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"},
        {"lone continuation", "a\x80" "b", "a" + fffd + "b"},
        {"truncated sequence at the end", "a\xE2\x82", "a" + fffd + fffd},
        {"beyond U+10FFFF", "\xF4\x90\x80\x80", fffd + fffd + fffd + fffd},
    };
    for (auto const& r : table) {
        BOOST_TEST_CONTEXT(r.name)
        {
            BOOST_TEST(to_valid_utf8(r.in) == r.out);
            BOOST_TEST(find_invalid_utf8(r.out).has_value() == false);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
