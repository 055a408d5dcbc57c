#include "config/convert.hpp"
#include "config/text.hpp"

#include <array>
#include <limits>

namespace warden::config {

namespace {

std::string quoted(std::string_view s)
{
    return "'" + std::string(s) + "'";
}

// Digits in `base`, with Python's single '_' between digits allowed.
std::optional<unsigned long long> parse_digits(std::string_view s, unsigned base)
{
    if (s.empty() || s.front() == '_' || s.back() == '_')
        return std::nullopt;
    unsigned long long n = 0;
    char prev = 0;
    for (char c : s) {
        if (c == '_') {
            if (prev == '_')
                return std::nullopt;
            prev = c;
            continue;
        }
        prev = c;
        if (c < '0' || c >= static_cast<char>('0' + base))
            return std::nullopt;
        unsigned const d = static_cast<unsigned>(c - '0');
        if (n > (std::numeric_limits<unsigned long long>::max() - d) / base)
            return std::nullopt;
        n = n * base + d;
    }
    return n;
}

struct signal_name {
    std::string_view name;
    int linux_number;
    signal_id id;
};

constexpr std::array<signal_name, 11> posix_signals{{
    {"HUP", 1, signal_id::hup},
    {"INT", 2, signal_id::int_},
    {"QUIT", 3, signal_id::quit},
    {"KILL", 9, signal_id::kill},
    {"USR1", 10, signal_id::usr1},
    {"USR2", 12, signal_id::usr2},
    {"ALRM", 14, signal_id::alrm},
    {"TERM", 15, signal_id::term},
    {"CONT", 18, signal_id::cont},
    {"STOP", 19, signal_id::stop},
    {"WINCH", 28, signal_id::winch},
}};

} // namespace

parsed<bool> parse_bool(std::string_view text)
{
    std::string const v = lower(strip(text));
    if (v == "true" || v == "yes" || v == "on" || v == "1")
        return {true, {}};
    if (v == "false" || v == "no" || v == "off" || v == "0")
        return {false, {}};
    return parsed<bool>::fail(quoted(text) + " is not a boolean (use true/false, yes/no, on/off or 1/0)");
}

parsed<long long> parse_integer(std::string_view text)
{
    std::string_view v = strip(text);
    bool negative = false;
    if (!v.empty() && (v.front() == '+' || v.front() == '-')) {
        negative = v.front() == '-';
        v.remove_prefix(1);
    }
    auto const n = parse_digits(v, 10);
    auto const limit = static_cast<unsigned long long>(std::numeric_limits<long long>::max());
    if (!n)
        return parsed<long long>::fail(quoted(text) + " is not an integer");
    if (*n > limit)
        return parsed<long long>::fail(quoted(text) + " is out of range");
    long long const value = static_cast<long long>(*n);
    return {negative ? -value : value, {}};
}

parsed<std::uint64_t> parse_byte_size(std::string_view text)
{
    std::string const v = lower(strip(text));
    std::string_view number = v;
    std::uint64_t multiplier = 1;
    if (v.size() >= 2) {
        std::string_view const suffix = std::string_view(v).substr(v.size() - 2);
        if (suffix == "kb") multiplier = 1024ull;
        else if (suffix == "mb") multiplier = 1024ull * 1024;
        else if (suffix == "gb") multiplier = 1024ull * 1024 * 1024;
        if (multiplier != 1)
            number = strip(number.substr(0, number.size() - 2));
    }
    if (!number.empty() && number.front() == '+')
        number.remove_prefix(1);
    auto const n = parse_digits(number, 10);
    if (!n)
        return parsed<std::uint64_t>::fail(quoted(text) +
                                           " is not a size (use a number of bytes, or KB, MB, GB)");
    if (*n > std::numeric_limits<std::uint64_t>::max() / multiplier)
        return parsed<std::uint64_t>::fail(quoted(text) + " is out of range");
    return {*n * multiplier, {}};
}

parsed<unsigned> parse_octal(std::string_view text)
{
    std::string_view v = strip(text);
    if (v.size() > 2 && v[0] == '0' && (v[1] == 'o' || v[1] == 'O'))
        v.remove_prefix(2);
    auto const n = parse_digits(v, 8);
    if (!n)
        return parsed<unsigned>::fail(quoted(text) + " is not an octal number (such as 022)");
    if (*n > 07777)
        return parsed<unsigned>::fail(quoted(text) + " is not a file mode (at most 7777)");
    return {static_cast<unsigned>(*n), {}};
}

parsed<signal_id> parse_signal(std::string_view text, target_platform platform)
{
    std::string name = upper(strip(text));
    std::optional<signal_id> id;
    if (auto const n = parse_integer(name).value) {
        for (auto const& s : posix_signals)
            if (s.linux_number == *n)
                id = s.id;
        // SIGBREAK is 21 in the Windows C runtime.
        if (platform == target_platform::windows && *n == 21)
            id = signal_id::break_;
        if (!id)
            return parsed<signal_id>::fail(quoted(text) +
                                           " is not a signal number warden can send");
    } else {
        if (name.rfind("SIG", 0) == 0)
            name.erase(0, 3);
        for (auto const& s : posix_signals)
            if (s.name == name)
                id = s.id;
        if (name == "BREAK") {
            if (platform != target_platform::windows)
                return parsed<signal_id>::fail(
                    quoted(text) + " is a Windows console event, not a POSIX signal");
            id = signal_id::break_;
        }
    }
    if (platform == target_platform::windows) {
        // Windows has no signals: a console CTRL_BREAK_EVENT is the graceful
        // stop, and the Job Object kill is KILL.
        if (id == signal_id::term || id == signal_id::int_ || id == signal_id::quit ||
            id == signal_id::break_)
            return {signal_id::break_, {}};
        if (id == signal_id::kill)
            return {signal_id::kill, {}};
        return parsed<signal_id>::fail(
            quoted(text) + " cannot be sent on Windows (use BREAK, which TERM, INT and QUIT "
                           "also mean, or KILL)");
    }
    if (!id)
        return parsed<signal_id>::fail(
            quoted(text) + " is not a signal name warden knows (use TERM, INT, QUIT, HUP, KILL, "
                           "USR1, USR2, ALRM, CONT, STOP or WINCH, or a number)");
    return {*id, {}};
}

parsed<autorestart_mode> parse_autorestart(std::string_view text)
{
    std::string const v = lower(strip(text));
    if (v == "unexpected")
        return {autorestart_mode::unexpected, {}};
    if (auto const b = parse_bool(v).value)
        return {*b ? autorestart_mode::always : autorestart_mode::never, {}};
    return parsed<autorestart_mode>::fail(quoted(text) +
                                          " is not one of unexpected, true or false");
}

parsed<std::vector<int>> parse_exitcodes(std::string_view text)
{
    std::vector<int> codes;
    std::string_view rest = strip(text);
    if (rest.empty())
        return {codes, {}};
    while (true) {
        std::size_t const comma = rest.find(',');
        std::string_view const item = rest.substr(0, comma);
        auto const n = parse_integer(item).value;
        if (!n || *n < 0 || *n > 255)
            return parsed<std::vector<int>>::fail(
                quoted(text) + " is not a list of exit codes (numbers 0..255 separated by commas)");
        codes.push_back(static_cast<int>(*n));
        if (comma == std::string_view::npos)
            break;
        rest.remove_prefix(comma + 1);
    }
    return {codes, {}};
}

parsed<log_level> parse_log_level(std::string_view text)
{
    std::string const v = lower(strip(text));
    if (v == "critical") return {log_level::critical, {}};
    if (v == "error") return {log_level::error, {}};
    if (v == "warn" || v == "warning") return {log_level::warning, {}};
    if (v == "info") return {log_level::info, {}};
    if (v == "debug") return {log_level::debug, {}};
    if (v == "trace" || v == "blather") return {log_level::trace, {}};
    return parsed<log_level>::fail(
        quoted(text) + " is not a log level (critical, error, warn, info, debug, trace, blather)");
}

parsed<std::vector<std::string>> split_command(std::string_view text, target_platform platform)
{
    // A transcription of shlex.shlex(posix=True, whitespace_split=True)'s
    // read_token with no comment characters, which is what shlex.split does.
    bool const escapes = platform == target_platform::posix;
    std::vector<std::string> words;
    std::string word;
    bool in_word = false; // a word has started (possibly empty: "")
    char quote = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char const c = text[i];
        if (quote) {
            if (c == quote) {
                quote = 0;
            } else if (escapes && quote == '"' && c == '\\') {
                if (i + 1 == text.size())
                    break; // reported below as an unclosed quote
                char const next = text[++i];
                if (next != '"' && next != '\\')
                    word += '\\';
                word += next;
            } else {
                word += c;
            }
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            if (in_word)
                words.push_back(std::move(word));
            word.clear();
            in_word = false;
        } else if (c == '"' || c == '\'') {
            quote = c;
            in_word = true;
        } else if (escapes && c == '\\') {
            if (i + 1 == text.size())
                return parsed<std::vector<std::string>>::fail("ends with a lone backslash");
            word += text[++i];
            in_word = true;
        } else {
            word += c;
            in_word = true;
        }
    }
    if (quote)
        return parsed<std::vector<std::string>>::fail(std::string("has no closing ") + quote +
                                                      " quote");
    if (in_word)
        words.push_back(std::move(word));
    return {words, {}};
}

parsed<std::vector<std::pair<std::string, std::string>>> parse_environment(std::string_view text)
{
    using result = parsed<std::vector<std::pair<std::string, std::string>>>;
    std::vector<std::pair<std::string, std::string>> pairs;
    std::vector<std::string_view> items;
    char quote = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        char const c = i < text.size() ? text[i] : ',';
        if (quote) {
            if (i == text.size())
                return result::fail(std::string("has no closing ") + quote + " quote");
            if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == ',' || c == '\n') {
            items.push_back(strip(text.substr(start, i - start)));
            start = i + 1;
        }
    }
    for (std::string_view item : items) {
        if (item.empty())
            continue;
        std::size_t const eq = item.find('=');
        if (eq == std::string_view::npos)
            return result::fail(quoted(item) + " is not KEY=value");
        std::string_view const key = strip(item.substr(0, eq));
        bool bad_key = key.empty();
        for (char c : key)
            if (is_space(c) || c == '"' || c == '\'')
                bad_key = true;
        if (bad_key)
            return result::fail(quoted(item) + " does not start with a variable name");
        std::string value;
        char q = 0;
        for (char c : strip(item.substr(eq + 1))) {
            if (q ? c == q : (c == '"' || c == '\''))
                q = q ? 0 : c;
            else
                value += c;
        }
        auto it = pairs.begin();
        while (it != pairs.end() && it->first != key)
            ++it;
        if (it != pairs.end())
            it->second = std::move(value);
        else
            pairs.emplace_back(std::string(key), std::move(value));
    }
    return {pairs, {}};
}

std::vector<std::string> parse_name_list(std::string_view text)
{
    std::vector<std::string> names;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        if (i < text.size() && text[i] != ',')
            continue;
        std::string_view const item = strip(text.substr(start, i - start));
        if (!item.empty())
            names.emplace_back(item);
        start = i + 1;
    }
    return names;
}

parsed<ready_check> parse_ready(std::string_view text, target_platform platform)
{
    std::string_view const v = strip(text);
    std::string const head = lower(v.substr(0, v.find(':')));
    ready_check r;
    if (head == "startsecs" && v.size() == head.size()) {
        r.kind = ready_kind::startsecs;
        return {r, {}};
    }
    if (head == "notify" && v.size() == head.size()) {
        // systemd's protocol needs a Unix datagram socket and the sender's
        // credentials: refuse it on Windows rather than never becoming ready.
        if (platform == target_platform::windows)
            return parsed<ready_check>::fail("'notify' is not supported on Windows; use tcp:HOST:PORT or exec:COMMAND");
        r.kind = ready_kind::notify;
        return {r, {}};
    }
    if (head == "tcp" && v.size() > 4) {
        std::string_view const rest = v.substr(4);
        std::size_t const colon = rest.rfind(':');
        if (colon != std::string_view::npos && colon > 0) {
            std::string_view host = rest.substr(0, colon);
            if (host.size() > 2 && host.front() == '[' && host.back() == ']')
                host = host.substr(1, host.size() - 2);
            auto const port = parse_integer(rest.substr(colon + 1)).value;
            if (port && *port >= 1 && *port <= 65535) {
                r.kind = ready_kind::tcp;
                r.host = std::string(host);
                r.port = static_cast<std::uint16_t>(*port);
                return {r, {}};
            }
        }
        return parsed<ready_check>::fail(quoted(text) + " is not tcp:HOST:PORT (PORT 1..65535)");
    }
    if (head == "exec" && v.size() > 5) {
        auto argv = split_command(v.substr(5), platform);
        if (!argv.value)
            return parsed<ready_check>::fail("exec: command " + argv.error);
        if (argv.value->empty())
            return parsed<ready_check>::fail("exec: command is empty");
        r.kind = ready_kind::exec;
        r.command = std::move(*argv.value);
        return {r, {}};
    }
    return parsed<ready_check>::fail(
        quoted(text) + " is not one of startsecs, notify, tcp:HOST:PORT or exec:COMMAND");
}

std::string_view to_string(signal_id s)
{
    if (s == signal_id::break_)
        return "BREAK";
    for (auto const& n : posix_signals)
        if (n.id == s)
            return n.name;
    return "UNKNOWN";
}

std::string_view to_string(log_level l)
{
    switch (l) {
    case log_level::trace: return "trace";
    case log_level::debug: return "debug";
    case log_level::info: return "info";
    case log_level::warning: return "warning";
    case log_level::error: return "error";
    case log_level::critical: return "critical";
    }
    return "info";
}

} // namespace warden::config
