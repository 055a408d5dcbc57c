#include "config/expand.hpp"

#include <charconv>
#include <optional>

namespace warden::config {

namespace {

struct spec {
    bool left = false;   // '-'
    bool zero = false;   // '0'
    bool plus = false;   // '+'
    bool space = false;  // ' '
    bool alt = false;    // '#'
    std::size_t width = 0;
    std::optional<std::size_t> precision;
    char conversion = 's';
};

std::string pad(std::string body, spec const& s, std::string const& sign_prefix = {})
{
    std::size_t const len = sign_prefix.size() + body.size();
    if (len >= s.width)
        return sign_prefix + body;
    std::size_t const fill = s.width - len;
    if (s.left)
        return sign_prefix + body + std::string(fill, ' ');
    if (s.zero && s.conversion != 's')
        return sign_prefix + std::string(fill, '0') + body;
    return std::string(fill, ' ') + sign_prefix + body;
}

std::optional<long long> as_number(expansion_value const& v)
{
    if (auto const* n = std::get_if<long long>(&v))
        return *n;
    std::string const& s = std::get<std::string>(v);
    long long n = 0;
    char const* first = s.data();
    char const* last = s.data() + s.size();
    if (first != last && *first == '+')
        ++first;
    auto [end, ec] = std::from_chars(first, last, n);
    if (ec != std::errc() || end != last || first == last)
        return std::nullopt;
    return n;
}

std::string format_number(long long n, spec const& s)
{
    unsigned long long magnitude = n < 0 ? 0ull - static_cast<unsigned long long>(n)
                                         : static_cast<unsigned long long>(n);
    int base = 10;
    std::string prefix;
    if (s.conversion == 'o') {
        base = 8;
        if (s.alt)
            prefix = "0o";
    } else if (s.conversion == 'x' || s.conversion == 'X') {
        base = 16;
        if (s.alt)
            prefix = s.conversion == 'x' ? "0x" : "0X";
    }
    char buf[72];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, magnitude, base);
    (void)ec;
    std::string digits(buf, end);
    if (s.conversion == 'X')
        for (char& c : digits)
            if (c >= 'a' && c <= 'f')
                c = static_cast<char>(c - 'a' + 'A');
    if (s.precision && digits.size() < *s.precision)
        digits.insert(0, *s.precision - digits.size(), '0');
    std::string sign = n < 0 ? "-" : s.plus ? "+" : s.space ? " " : "";
    return pad(std::move(digits), s, sign + prefix);
}

std::string text_of(expansion_value const& v)
{
    if (auto const* n = std::get_if<long long>(&v))
        return std::to_string(*n);
    return std::get<std::string>(v);
}

std::string known_names(expansion_map const& names)
{
    std::string out;
    bool env = false;
    for (auto const& [name, value] : names) {
        if (name.rfind("ENV_", 0) == 0) {
            env = true;
            continue;
        }
        if (!out.empty())
            out += ", ";
        out += name;
    }
    if (env)
        out += out.empty() ? "ENV_<VAR>" : ", ENV_<VAR>";
    return out;
}

} // namespace

expand_result expand(std::string_view text, expansion_map const& names)
{
    expand_result r;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t const pct = text.find('%', i);
        if (pct == std::string_view::npos) {
            r.value.append(text.substr(i));
            break;
        }
        r.value.append(text.substr(i, pct - i));
        i = pct + 1;
        if (i < text.size() && text[i] == '%') {
            r.value += '%';
            ++i;
            continue;
        }
        if (i >= text.size() || text[i] != '(') {
            r.error = "'%' at offset " + std::to_string(pct) +
                      " must be '%(name)s' or '%%' (write '%%' for a literal '%')";
            return r;
        }
        std::size_t const close = text.find(')', i);
        if (close == std::string_view::npos) {
            r.error = "unclosed '%(' at offset " + std::to_string(pct);
            return r;
        }
        std::string_view const name = text.substr(i + 1, close - i - 1);
        i = close + 1;

        spec s;
        for (; i < text.size(); ++i) {
            char const c = text[i];
            if (c == '-') s.left = true;
            else if (c == '0') s.zero = true;
            else if (c == '+') s.plus = true;
            else if (c == ' ') s.space = true;
            else if (c == '#') s.alt = true;
            else break;
        }
        while (i < text.size() && text[i] >= '0' && text[i] <= '9')
            s.width = s.width * 10 + static_cast<std::size_t>(text[i++] - '0');
        if (i < text.size() && text[i] == '.') {
            std::size_t p = 0;
            ++i;
            while (i < text.size() && text[i] >= '0' && text[i] <= '9')
                p = p * 10 + static_cast<std::size_t>(text[i++] - '0');
            s.precision = p;
        }
        // Python accepts (and ignores) a C length modifier.
        if (i < text.size() && (text[i] == 'h' || text[i] == 'l' || text[i] == 'L'))
            ++i;
        if (i >= text.size()) {
            r.error = "'%(" + std::string(name) + ")' has no conversion (write '%(" +
                      std::string(name) + ")s')";
            return r;
        }
        s.conversion = text[i++];

        auto const found = names.find(name);
        if (found == names.end()) {
            r.error = "unknown name '" + std::string(name) + "' in '%(" + std::string(name) +
                      ")" + s.conversion + "' (known: " + known_names(names) + ")";
            return r;
        }
        switch (s.conversion) {
        case 's': {
            std::string t = text_of(found->second);
            if (s.precision && t.size() > *s.precision)
                t.resize(*s.precision);
            r.value += pad(std::move(t), s);
            break;
        }
        case 'd': case 'i': case 'u': case 'o': case 'x': case 'X': {
            auto const n = as_number(found->second);
            if (!n) {
                r.error = "'%(" + std::string(name) + ")" + s.conversion +
                          "' needs a number, but " + std::string(name) + " is '" +
                          text_of(found->second) + "' (use '%(" + std::string(name) + ")s')";
                return r;
            }
            r.value += format_number(*n, s);
            break;
        }
        default:
            r.error = "unsupported conversion '" + std::string(1, s.conversion) + "' in '%(" +
                      std::string(name) + ")" + s.conversion + "' (use s or d)";
            return r;
        }
    }
    return r;
}

} // namespace warden::config
