// The INI reader: configparser's rules as supervisord uses them, one row each.
#include "config/ini_reader.hpp"

#include "config_test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace warden::config;
using warden::config::test::dump;

namespace {

// "[section] key=value @line" per entry, in order; '\n' shown as "\\n".
std::string render(ini_document const& doc)
{
    std::string out;
    for (auto const& s : doc.sections) {
        out += "[" + s.name + "]@" + std::to_string(s.where.line) + "\n";
        for (auto const& e : s.entries) {
            std::string v;
            for (char c : e.value)
                v += c == '\n' ? std::string("\\n") : std::string(1, c);
            out += "  " + e.key + "=" + v + " @" + std::to_string(e.where.line) + "\n";
        }
    }
    return out;
}

struct reader_case {
    char const* name;
    std::string text;
    std::string expected;       // render() of the result
    std::vector<int> error_lines; // lines with a syntax error, in order
};

std::vector<reader_case> const reader_cases{
    {"key = value, both stripped",
     "[a]\n  key  =   some value   \n",
     "[a]@1\n  key=some value @2\n", {}},
    {"colon delimiter",
     "[a]\nkey: value\n",
     "[a]@1\n  key=value @2\n", {}},
    {"the first of '=' or ':' delimits",
     "[a]\nurl = http://x:80/?a=b\nk:v=w\n",
     "[a]@1\n  url=http://x:80/?a=b @2\n  k=v=w @3\n", {}},
    {"keys are lower-cased, sections keep their case",
     "[Program:X]\nCommand = /bin/A\n",
     "[Program:X]@1\n  command=/bin/A @2\n", {}},
    {"full-line comments with ; and #, indented too",
     "; c1\n# c2\n[a]\n  ; c3\n\t# c4\nk = v\n",
     "[a]@3\n  k=v @6\n", {}},
    {"inline comment after whitespace",
     "[a]\nk = v ; comment\nj = w\t# comment\n",
     "[a]@1\n  k=v @2\n  j=w @3\n", {}},
    {"';' and '#' without whitespace before are kept",
     "[a]\nk = a;b#c\ncmd = sh -c 'x;y'\n",
     "[a]@1\n  k=a;b#c @2\n  cmd=sh -c 'x;y' @3\n", {}},
    {"'; ' inside quotes after whitespace still starts a comment (as in Python)",
     "[a]\ncmd = bash -c 'a ; b'\n",
     "[a]@1\n  cmd=bash -c 'a @2\n", {}},
    {"inline comment on a section header",
     "[a] ; the a section\nk = v\n",
     "[a]@1\n  k=v @2\n", {}},
    {"continuation lines join with newlines",
     "[a]\nk = one\n  two\n\tthree\n",
     "[a]@1\n  k=one\\ntwo\\nthree @2\n", {}},
    {"continuation after an empty first line",
     "[a]\nenv =\n    A=1,\n    B=2\n",
     "[a]@1\n  env=\\nA=1,\\nB=2 @2\n", {}},
    {"blank lines inside a value are kept, trailing ones dropped",
     "[a]\nk = one\n\n  two\n\n\nj = x\n",
     "[a]@1\n  k=one\\n\\ntwo @2\n  j=x @7\n", {}},
    {"a comment line inside a value is skipped",
     "[a]\nk = one\n  ; not part of it\n  two\n",
     "[a]@1\n  k=one\\ntwo @2\n", {}},
    {"continuation is relative to the key's own indent",
     "[a]\n  k = one\n  j = two\n    more\n",
     "[a]@1\n  k=one @2\n  j=two\\nmore @3\n", {}},
    {"an indented header after a key is a continuation",
     "[a]\nk = v\n  [b]\n",
     "[a]@1\n  k=v\\n[b] @2\n", {}},
    {"indented first key after a header is a key",
     "[a]\n   k = v\n",
     "[a]@1\n  k=v @2\n", {}},
    {"CRLF line endings",
     "[a]\r\nk = v\r\nj = w\r\n  more\r\n",
     "[a]@1\n  k=v @2\n  j=w\\nmore @3\n", {}},
    {"lone CR line endings",
     "[a]\rk = v\r",
     "[a]@1\n  k=v @2\n", {}},
    {"no final newline",
     "[a]\nk = v",
     "[a]@1\n  k=v @2\n", {}},
    {"tabs around the delimiter",
     "[a]\nk\t=\tv\tw\n",
     "[a]@1\n  k=v\tw @2\n", {}},
    {"empty value",
     "[a]\nk =\n",
     "[a]@1\n  k= @2\n", {}},
    {"duplicate key: last wins, with its line, first position",
     "[a]\nk = 1\nj = 2\nK = 3\n",
     "[a]@1\n  k=3 @4\n  j=2 @3\n", {}},
    {"duplicate section: merged, first header kept",
     "[a]\nk = 1\n[b]\nx = y\n[a]\nk = 2\nj = 3\n",
     "[a]@1\n  k=2 @6\n  j=3 @7\n[b]@3\n  x=y @4\n", {}},
    {"UTF-8 byte order mark",
     "\xEF\xBB\xBF[a]\nk = v\n",
     "[a]@1\n  k=v @2\n", {}},
    {"a key before any section is an error",
     "k = v\n[a]\nj = w\n",
     "[a]@2\n  j=w @3\n", {1}},
    {"a line that is no key, header or comment is an error",
     "[a]\nk = v\njust words\nj = w\n[\n",
     "[a]@1\n  k=v @2\n  j=w @4\n", {3, 5}},
    {"no key before the delimiter is an error",
     "[a]\n= v\n",
     "[a]@1\n", {2}},
    {"every syntax error is reported, not just the first",
     "oops\n[a]\nbad\nworse\n",
     "[a]@2\n", {1, 3, 4}},
};

} // namespace

BOOST_AUTO_TEST_SUITE(config_ini_reader)

BOOST_AUTO_TEST_CASE(rules)
{
    for (auto const& c : reader_cases) {
        BOOST_TEST_CONTEXT("case: " << c.name)
        {
            std::vector<diagnostic> diags;
            ini_document const doc = read_ini("t.conf", c.text, diags);
            BOOST_TEST(render(doc) == c.expected);
            std::vector<int> lines;
            for (auto const& d : diags) {
                BOOST_TEST((d.level == severity::error), dump(diags));
                BOOST_TEST(d.where.file == "t.conf");
                lines.push_back(d.where.line);
            }
            BOOST_TEST(lines == c.error_lines, dump(diags));
        }
    }
}

BOOST_AUTO_TEST_CASE(text_after_header_is_a_warning)
{
    std::vector<diagnostic> diags;
    ini_document const doc = read_ini("t.conf", "[a] junk\nk = v\n", diags);
    BOOST_TEST_REQUIRE(diags.size() == 1u);
    BOOST_TEST((diags[0].level == severity::warning));
    BOOST_TEST(diags[0].where.line == 1);
    BOOST_TEST(doc.find("a") != nullptr);
}

BOOST_AUTO_TEST_CASE(merge_across_documents)
{
    std::vector<diagnostic> diags;
    ini_document doc = read_ini("main.conf", "[program:x]\ncommand = a\npriority = 1\n", diags);
    ini_document inc = read_ini("inc.conf", "[program:x]\npriority = 2\n", diags);
    for (auto& s : inc.sections)
        doc.merge(std::move(s));
    ini_section const* s = doc.find("program:x");
    BOOST_TEST_REQUIRE(s != nullptr);
    BOOST_TEST(s->where.file == "main.conf");
    BOOST_TEST(s->find("command")->value == "a");
    BOOST_TEST(s->find("priority")->value == "2");
    BOOST_TEST(s->find("priority")->where.file == "inc.conf");
}

BOOST_AUTO_TEST_SUITE_END()
