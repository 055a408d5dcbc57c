#include "xmlrpc/codec.hpp"

#include <boost/beast/core/detail/base64.hpp>
#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

namespace pt = boost::property_tree;
namespace base64 = boost::beast::detail::base64;

namespace warden::xmlrpc {

value const* value::member(std::string_view name) const
{
    if (auto const* s = get<structure>())
        for (auto const& [k, v] : *s)
            if (k == name)
                return &v;
    return nullptr;
}

char const* type_name(value const& v)
{
    static char const* const names[] = {"nil", "boolean", "int", "double", "string", "dateTime.iso8601",
                                        "base64", "array", "struct"};
    return names[v.v.index()];
}

namespace {

struct bad_input {
    std::string message;
};

// Element children only: PropertyTree keeps attributes and comments under
// names that start with '<'.
bool is_element(std::string const& name) { return !name.empty() && name[0] != '<'; }

bool only_space(std::string const& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

// Nesting depth of the document, measured on the raw text before parsing:
// rapidxml recurses once per level. Over-counts in comments and CDATA,
// which only makes it stricter.
bool too_deep(std::string_view text)
{
    int depth = 0;
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
        if (text[i] != '<')
            continue;
        char const next = text[i + 1];
        if (next == '/') {
            --depth;
        } else if (next != '?' && next != '!') {
            auto const end = text.find('>', i);
            if (end == std::string_view::npos)
                return false; // the parser will say what is wrong
            if (text[end - 1] != '/' && ++depth > max_depth)
                return true;
            i = end;
        }
    }
    return false;
}

std::string decode_base64(std::string const& text)
{
    std::string clean;
    for (char c : text)
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            clean += c;
    std::string out(base64::decoded_size(clean.size()), '\0');
    auto const [written, read] = base64::decode(out.data(), clean.data(), clean.size());
    std::size_t padding = 0;
    while (padding < clean.size() && clean[clean.size() - 1 - padding] == '=')
        ++padding;
    // beast's decoder stops at the padding: everything before it must have been read.
    if (padding > 2 || read != clean.size() - padding)
        throw bad_input{"<base64> is not valid base64"};
    out.resize(written);
    return out;
}

std::string encode_base64(std::string const& bytes)
{
    std::string out(base64::encoded_size(bytes.size()), '\0');
    out.resize(base64::encode(out.data(), bytes.data(), bytes.size()));
    return out;
}

value decode_value(pt::ptree const& node, int depth);

// One typed element inside <value>.
value decode_typed(std::string const& type, pt::ptree const& node, int depth)
{
    auto const& text = node.data();
    if (type == "int" || type == "i4" || type == "i8") {
        std::string_view t = text;
        while (!t.empty() && (t.front() == ' ' || t.front() == '\n' || t.front() == '\t' || t.front() == '\r'))
            t.remove_prefix(1);
        while (!t.empty() && (t.back() == ' ' || t.back() == '\n' || t.back() == '\t' || t.back() == '\r'))
            t.remove_suffix(1);
        if (!t.empty() && t.front() == '+')
            t.remove_prefix(1);
        long long n = 0;
        auto const [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
        if (t.empty() || ec != std::errc() || end != t.data() + t.size())
            throw bad_input{"<" + type + "> '" + text + "' is not an integer"};
        if (n < std::numeric_limits<std::int32_t>::min() || n > std::numeric_limits<std::int32_t>::max())
            throw bad_input{"<" + type + "> " + text + " does not fit in 32 bits"};
        return static_cast<int>(n);
    }
    if (type == "boolean") {
        if (text == "1")
            return true;
        if (text == "0")
            return false;
        throw bad_input{"<boolean> '" + text + "' is neither 0 nor 1"};
    }
    if (type == "string")
        return text;
    if (type == "double") {
        char* end = nullptr;
        std::string const t = text;
        double const d = std::strtod(t.c_str(), &end);
        if (t.empty() || *end != '\0' || !std::isfinite(d))
            throw bad_input{"<double> '" + text + "' is not a number"};
        return d;
    }
    if (type == "dateTime.iso8601")
        return date_time{text};
    if (type == "base64")
        return binary{decode_base64(text)};
    if (type == "nil")
        return nil{};
    if (type == "array") {
        array a;
        for (auto const& [name, child] : node) {
            if (!is_element(name))
                continue;
            if (name != "data")
                throw bad_input{"<array> holds <" + name + ">, not <data>"};
            for (auto const& [vname, v] : child) {
                if (!is_element(vname))
                    continue;
                if (vname != "value")
                    throw bad_input{"<data> holds <" + vname + ">, not <value>"};
                a.push_back(decode_value(v, depth + 1));
            }
        }
        return a;
    }
    if (type == "struct") {
        structure s;
        for (auto const& [name, member] : node) {
            if (!is_element(name))
                continue;
            if (name != "member")
                throw bad_input{"<struct> holds <" + name + ">, not <member>"};
            auto const key = member.get_child_optional("name");
            auto const val = member.get_child_optional("value");
            if (!key || !val)
                throw bad_input{"a <member> needs a <name> and a <value>"};
            s.emplace_back(key->data(), decode_value(*val, depth + 1));
        }
        return s;
    }
    throw bad_input{"unknown value type <" + type + ">"};
}

value decode_value(pt::ptree const& node, int depth)
{
    if (depth > max_depth)
        throw bad_input{"values nested deeper than " + std::to_string(max_depth)};
    pt::ptree::value_type const* typed = nullptr;
    for (auto const& child : node) {
        if (!is_element(child.first))
            continue;
        if (typed)
            throw bad_input{"a <value> holds more than one element"};
        typed = &child;
    }
    if (!typed)
        return node.data(); // no type element: a string
    return decode_typed(typed->first, typed->second, depth);
}

pt::ptree parse(std::string_view body)
{
    if (too_deep(body))
        throw bad_input{"elements nested deeper than " + std::to_string(max_depth)};
    std::istringstream in{std::string(body)};
    pt::ptree doc;
    try {
        pt::read_xml(in, doc);
    } catch (pt::xml_parser_error const& e) {
        throw bad_input{"not well-formed XML: " + e.message() + " (line " + std::to_string(e.line()) + ")"};
    }
    return doc;
}

pt::ptree const& only_root(pt::ptree const& doc, std::string const& expected)
{
    pt::ptree const* root = nullptr;
    for (auto const& [name, child] : doc) {
        if (!is_element(name))
            continue;
        if (root || name != expected)
            throw bad_input{"the document is not a <" + expected + ">"};
        root = &child;
    }
    if (!root)
        throw bad_input{"the document is not a <" + expected + ">"};
    return *root;
}

// --- encoding ----------------------------------------------------------------------

void encode_value(pt::ptree& parent, value const& v)
{
    pt::ptree& node = parent.add_child("value", pt::ptree());
    std::visit(
        [&](auto const& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, nil>) {
                node.add_child("nil", pt::ptree());
            } else if constexpr (std::is_same_v<T, bool>) {
                node.add("boolean", x ? "1" : "0");
            } else if constexpr (std::is_same_v<T, std::int32_t>) {
                node.add("int", std::to_string(x));
            } else if constexpr (std::is_same_v<T, double>) {
                char buf[64];
                std::snprintf(buf, sizeof buf, "%.17g", x);
                node.add("double", buf);
            } else if constexpr (std::is_same_v<T, std::string>) {
                node.add("string", xml_safe(x));
            } else if constexpr (std::is_same_v<T, date_time>) {
                // '/' as the path separator: the element's name has a '.'.
                node.add(pt::ptree::path_type("dateTime.iso8601", '/'), xml_safe(x.text));
            } else if constexpr (std::is_same_v<T, binary>) {
                node.add("base64", encode_base64(x.bytes));
            } else if constexpr (std::is_same_v<T, array>) {
                pt::ptree& data = node.add_child("array.data", pt::ptree());
                for (auto const& item : x)
                    encode_value(data, item);
            } else if constexpr (std::is_same_v<T, structure>) {
                pt::ptree& s = node.add_child("struct", pt::ptree());
                for (auto const& [k, item] : x) {
                    pt::ptree& m = s.add_child("member", pt::ptree());
                    m.add("name", xml_safe(k));
                    encode_value(m, item);
                }
            }
        },
        v.v);
}

std::string write(pt::ptree const& doc)
{
    std::ostringstream out;
    pt::write_xml(out, doc);
    return out.str();
}

} // namespace

std::string xml_safe(std::string_view text)
{
    static constexpr char replacement[] = "\xEF\xBF\xBD";
    std::string out;
    out.reserve(text.size());
    auto const* p = reinterpret_cast<unsigned char const*>(text.data());
    std::size_t const n = text.size();
    for (std::size_t i = 0; i < n;) {
        unsigned char const c = p[i];
        if (c < 0x80) {
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                out += replacement;
            else
                out += static_cast<char>(c);
            ++i;
            continue;
        }
        std::size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
        if (c >= 0xF5)
            len = 0;
        bool ok = len > 0 && i + len <= n;
        for (std::size_t k = 1; ok && k < len; ++k)
            ok = (p[i + k] & 0xC0) == 0x80;
        if (ok && len == 3) { // no overlongs, no surrogates
            ok = !(c == 0xE0 && p[i + 1] < 0xA0) && !(c == 0xED && p[i + 1] >= 0xA0);
            // U+FFFE and U+FFFF are not XML characters either
            ok = ok && !(c == 0xEF && p[i + 1] == 0xBF && (p[i + 2] == 0xBE || p[i + 2] == 0xBF));
        }
        if (ok && len == 4)
            ok = !(c == 0xF0 && p[i + 1] < 0x90) && !(c == 0xF4 && p[i + 1] >= 0x90);
        if (!ok) {
            out += replacement;
            ++i;
            continue;
        }
        out.append(text.substr(i, len));
        i += len;
    }
    return out;
}

std::variant<method_call, decode_error> decode_call(std::string_view body)
{
    try {
        auto const doc = parse(body);
        auto const& call = only_root(doc, "methodCall");
        method_call out;
        bool named = false;
        for (auto const& [name, child] : call) {
            if (!is_element(name))
                continue;
            if (name == "methodName") {
                out.method = child.data();
                named = true;
            } else if (name == "params") {
                for (auto const& [pname, param] : child) {
                    if (!is_element(pname))
                        continue;
                    if (pname != "param")
                        throw bad_input{"<params> holds <" + pname + ">, not <param>"};
                    auto const v = param.get_child_optional("value");
                    if (!v)
                        throw bad_input{"a <param> has no <value>"};
                    out.params.push_back(decode_value(*v, 1));
                }
            } else {
                throw bad_input{"<methodCall> holds <" + name + ">"};
            }
        }
        if (!named || out.method.empty() || only_space(out.method))
            throw bad_input{"no <methodName>"};
        return out;
    } catch (bad_input const& e) {
        return decode_error{e.message};
    } catch (pt::ptree_error const& e) {
        return decode_error{std::string("not an XML-RPC call: ") + e.what()};
    }
}

std::string encode_response(value const& result)
{
    pt::ptree doc;
    pt::ptree& param = doc.add_child("methodResponse.params.param", pt::ptree());
    encode_value(param, result);
    return write(doc);
}

std::string encode_fault(fault const& f)
{
    pt::ptree doc;
    pt::ptree& node = doc.add_child("methodResponse.fault", pt::ptree());
    encode_value(node, structure{{"faultCode", f.code}, {"faultString", f.text}});
    return write(doc);
}

std::string encode_call(method_call const& call)
{
    pt::ptree doc;
    pt::ptree& root = doc.add_child("methodCall", pt::ptree());
    root.add("methodName", xml_safe(call.method));
    pt::ptree& params = root.add_child("params", pt::ptree());
    for (auto const& p : call.params)
        encode_value(params.add_child("param", pt::ptree()), p);
    return write(doc);
}

std::variant<value, fault, decode_error> decode_response(std::string_view body)
{
    try {
        auto const doc = parse(body);
        auto const& root = only_root(doc, "methodResponse");
        if (auto const f = root.get_child_optional("fault")) {
            auto const v = decode_value(f->get_child("value"), 1);
            auto const* code = v.member("faultCode");
            auto const* text = v.member("faultString");
            if (!code || !code->is<std::int32_t>() || !text || !text->is<std::string>())
                throw bad_input{"a <fault> needs faultCode and faultString"};
            return fault{*code->get<std::int32_t>(), *text->get<std::string>()};
        }
        return decode_value(root.get_child("params.param.value"), 1);
    } catch (bad_input const& e) {
        return decode_error{e.message};
    } catch (pt::ptree_error const& e) {
        return decode_error{std::string("not an XML-RPC response: ") + e.what()};
    }
}

} // namespace warden::xmlrpc
