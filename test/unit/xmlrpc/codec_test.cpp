// The XML-RPC codec (src/xmlrpc/codec.hpp): what supervisorctl and
// Python's xmlrpc.client send decodes; what we encode round-trips; bad
// input is a decode_error, never a crash.
#include "xmlrpc/codec.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace warden::xmlrpc;

namespace {

method_call decoded(std::string const& body)
{
    auto r = decode_call(body);
    if (auto const* e = std::get_if<decode_error>(&r))
        BOOST_FAIL("decode failed: " << e->message << "\n" << body);
    return std::get<method_call>(r);
}

std::string error_of(std::string const& body)
{
    auto r = decode_call(body);
    auto const* e = std::get_if<decode_error>(&r);
    BOOST_TEST_REQUIRE(e != nullptr, "decoded although invalid: " << body);
    return e->message;
}

} // namespace

BOOST_AUTO_TEST_SUITE(xmlrpc_codec)

BOOST_AUTO_TEST_CASE(python_xmlrpc_client_calls)
{
    // xmlrpc.client.dumps(("web:*", True), "supervisor.startProcess")
    auto c = decoded("<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.startProcess</methodName>\n"
                     "<params>\n<param>\n<value><string>web:*</string></value>\n</param>\n<param>\n"
                     "<value><boolean>1</boolean></value>\n</param>\n</params>\n</methodCall>\n");
    BOOST_TEST(c.method == "supervisor.startProcess");
    BOOST_TEST_REQUIRE(c.params.size() == 2u);
    BOOST_TEST(*c.params[0].get<std::string>() == "web:*");
    BOOST_TEST(*c.params[1].get<bool>());

    auto n = decoded("<methodCall><methodName>supervisor.readLog</methodName><params><param><value><int>-1600"
                     "</int></value></param><param><value><i4>0</i4></value></param></params></methodCall>");
    BOOST_TEST(*n.params[0].get<std::int32_t>() == -1600);
    BOOST_TEST(*n.params[1].get<std::int32_t>() == 0);

    // No <params>, and an untyped value (a string), and whitespace kept.
    BOOST_TEST(decoded("<methodCall><methodName>supervisor.getState</methodName></methodCall>").params.empty());
    auto s = decoded("<methodCall><methodName>m.x</methodName><params><param><value>  two words </value>"
                     "</param></params></methodCall>");
    BOOST_TEST(*s.params[0].get<std::string>() == "  two words ");
}

BOOST_AUTO_TEST_CASE(multicall_structs_and_arrays)
{
    auto c = decoded("<methodCall><methodName>system.multicall</methodName><params><param><value><array><data>"
                     "<value><struct><member><name>methodName</name><value><string>supervisor.stopProcessGroup"
                     "</string></value></member><member><name>params</name><value><array><data><value><string>web"
                     "</string></value></data></array></value></member></struct></value>"
                     "</data></array></value></param></params></methodCall>");
    auto const& calls = *c.params.at(0).get<array>();
    BOOST_TEST_REQUIRE(calls.size() == 1u);
    BOOST_TEST(*calls[0].member("methodName")->get<std::string>() == "supervisor.stopProcessGroup");
    BOOST_TEST(*calls[0].member("params")->get<array>()->at(0).get<std::string>() == "web");
}

BOOST_AUTO_TEST_CASE(entities_and_utf8)
{
    auto c = decoded("<methodCall><methodName>a.b</methodName><params><param><value><string>&lt;&amp;&gt; &#233;"
                     "</string></value></param></params></methodCall>");
    BOOST_TEST(*c.params[0].get<std::string>() == "<&> \xC3\xA9");
}

BOOST_AUTO_TEST_CASE(round_trip)
{
    value v = structure{{"name", "web"}, {"pid", 42}, {"ok", true}, {"ratio", 0.5}, {"none", nil{}},
                        {"list", array{1, "two", array{}}}, {"raw", binary{std::string("\0\x01x", 3)}},
                        {"when", date_time{"20261202T16:40:00"}}, {"text", "a <b> & 'c' \"d\""}};
    auto r = decode_response(encode_response(v));
    BOOST_TEST_REQUIRE(std::holds_alternative<value>(r));
    BOOST_TEST((std::get<value>(r) == v));

    auto f = decode_response(encode_fault({10, "BAD_NAME: foo"}));
    BOOST_TEST_REQUIRE(std::holds_alternative<fault>(f));
    BOOST_TEST(std::get<fault>(f).code == 10);
    BOOST_TEST(std::get<fault>(f).text == "BAD_NAME: foo");

    auto call = decoded(encode_call({"supervisor.signalProcess", {"web", "HUP"}}));
    BOOST_TEST(call.method == "supervisor.signalProcess");
    BOOST_TEST(call.params.size() == 2u);
}

BOOST_AUTO_TEST_CASE(what_xml_cannot_carry_is_replaced)
{
    // A log line with ANSI colours and a broken UTF-8 byte still makes a valid document.
    std::string const log = "\x1b[31mred\x1b[0m \xff ok\n";
    auto r = decode_response(encode_response(value(log)));
    BOOST_TEST_REQUIRE(std::holds_alternative<value>(r));
    BOOST_TEST(*std::get<value>(r).get<std::string>() == "\xEF\xBF\xBD[31mred\xEF\xBF\xBD[0m \xEF\xBF\xBD ok\n");
    BOOST_TEST(xml_safe("plain\ttext\n") == "plain\ttext\n");
}

BOOST_AUTO_TEST_CASE(bad_input_is_an_error)
{
    BOOST_TEST(error_of("") == "the document is not a <methodCall>");
    BOOST_TEST(error_of("<methodCall><methodName>x</methodName>").find("not well-formed") != std::string::npos);
    BOOST_TEST(error_of("<methodResponse/>") == "the document is not a <methodCall>");
    BOOST_TEST(error_of("<methodCall><params/></methodCall>") == "no <methodName>");
    BOOST_TEST(error_of("<methodCall><methodName>a.b</methodName><params><param><value><int>12x</int></value>"
                        "</param></params></methodCall>") == "<int> '12x' is not an integer");
    BOOST_TEST(error_of("<methodCall><methodName>a.b</methodName><params><param><value><int>99999999999</int>"
                        "</value></param></params></methodCall>") == "<int> 99999999999 does not fit in 32 bits");
    BOOST_TEST(error_of("<methodCall><methodName>a.b</methodName><params><param><value><boolean>2</boolean>"
                        "</value></param></params></methodCall>") == "<boolean> '2' is neither 0 nor 1");
    BOOST_TEST(error_of("<methodCall><methodName>a.b</methodName><params><param><value><blob/></value></param>"
                        "</params></methodCall>") == "unknown value type <blob>");
    BOOST_TEST(error_of("<methodCall><methodName>a.b</methodName><params><param><value><base64>@@@</base64>"
                        "</value></param></params></methodCall>") == "<base64> is not valid base64");
    std::string deep = "<methodCall><methodName>a.b</methodName><params><param><value>";
    for (int i = 0; i < 10000; ++i)
        deep += "<array><data><value>";
    BOOST_TEST(error_of(deep).find("nested deeper than") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
