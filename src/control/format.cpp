// wardenctl's output formatting.
#include "control/format.hpp"

#include "control/codec.hpp"
#include "control/protocol.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace json = boost::json;

namespace warden::control::format {

namespace {

json::object const* as_object(json::value const& v) { return v.if_object(); }

std::string text(json::object const& o, std::string_view key)
{
    if (auto const* v = o.if_contains(key); v && v->is_string())
        return std::string(v->get_string());
    return {};
}

std::optional<long long> integer(json::object const& o, std::string_view key)
{
    auto const* v = o.if_contains(key);
    if (!v)
        return std::nullopt;
    if (v->is_int64())
        return v->get_int64();
    if (v->is_uint64())
        return static_cast<long long>(v->get_uint64());
    if (v->is_double())
        return static_cast<long long>(v->get_double());
    return std::nullopt;
}

json::array const& list(json::value const& result, std::string_view key)
{
    static json::array const empty;
    if (auto const* o = as_object(result))
        if (auto const* v = o->if_contains(key); v && v->is_array())
            return v->get_array();
    return empty;
}

std::string pad(std::string s, std::size_t width)
{
    if (s.size() < width)
        s.append(width - s.size(), ' ');
    return s;
}

std::string uptime_text(long long seconds)
{
    char buf[64];
    long long const days = seconds / 86400;
    seconds %= 86400;
    if (days > 0)
        std::snprintf(buf, sizeof buf, "%lld day%s, %lld:%02lld:%02lld", days, days == 1 ? "" : "s",
                      seconds / 3600, seconds / 60 % 60, seconds % 60);
    else
        std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", seconds / 3600, seconds / 60 % 60, seconds % 60);
    return buf;
}

std::string names(json::array const& a)
{
    std::string out;
    for (auto const& v : a) {
        if (!out.empty())
            out += ", ";
        out += v.is_string() ? std::string(v.get_string()) : json::serialize(v);
    }
    return out;
}

} // namespace

std::string status_table(json::value const& result)
{
    struct row {
        std::string name, state, description;
    };
    std::vector<row> rows;
    std::size_t width = 20;
    for (auto const& p : list(result, "processes")) {
        auto const* o = as_object(p);
        if (!o)
            continue;
        row r{text(*o, "name"), text(*o, "state"), text(*o, "description")};
        if (r.description.empty() && r.state == "RUNNING")
            if (auto const pid = integer(*o, "pid"))
                r.description = "pid " + std::to_string(*pid) + ", uptime " + uptime_text(integer(*o, "uptime").value_or(0));
        width = std::max(width, r.name.size());
        rows.push_back(std::move(r));
    }
    std::string out;
    for (auto& r : rows) {
        std::string l = pad(std::move(r.name), width) + " " + pad(std::move(r.state), 10) + r.description;
        while (!l.empty() && l.back() == ' ')
            l.pop_back();
        out += l + "\n";
    }
    return out;
}

bool all_running(json::value const& result)
{
    for (auto const& p : list(result, "processes")) {
        auto const* o = as_object(p);
        if (!o || text(*o, "state") != "RUNNING")
            return false;
    }
    return true;
}

std::string process_results(json::value const& result, std::string_view done_word)
{
    std::string out;
    for (auto const& p : list(result, "processes")) {
        auto const* o = as_object(p);
        if (!o)
            continue;
        std::string const name = text(*o, "name");
        std::string const state = text(*o, "state");
        std::string message = text(*o, "message");
        auto const* ok = o->if_contains("ok");
        if (!ok || (ok->is_bool() && ok->get_bool())) {
            out += name + ": " + (message.empty() ? std::string(done_word) : message) + "\n";
            continue;
        }
        // "web: ERROR (FATAL: spawn failed: ...)": the state first, unless
        // the message already starts with it.
        std::string why = message;
        if (why.empty())
            why = state.empty() ? "failed" : state;
        else if (!state.empty() && why.rfind(state, 0) != 0)
            why = state + ": " + why;
        out += name + ": ERROR (" + why + ")\n";
    }
    return out;
}

std::string reload_summary(json::value const& result)
{
    std::string out;
    for (char const* key : {"added", "changed", "removed"})
        if (auto const& a = list(result, key); !a.empty())
            out += std::string(key) + ": " + names(a) + "\n";
    if (out.empty())
        out = "no changes\n";
    if (auto const n = list(result, "unchanged").size(); n > 0)
        out += "unchanged: " + std::to_string(n) + (n == 1 ? " program\n" : " programs\n");
    bool applied = true;
    if (auto const* o = as_object(result))
        if (auto const* a = o->if_contains("applied"); a && a->is_bool())
            applied = a->get_bool();
    if (!applied)
        out += "(dry run: nothing applied)\n";
    return out;
}

std::string versions(json::value const& result, std::string_view client_version)
{
    std::string daemon = "unknown";
    std::optional<long long> protocol;
    if (auto const* o = as_object(result)) {
        if (auto d = text(*o, "daemon"); !d.empty())
            daemon = std::move(d);
        protocol = integer(*o, "protocol");
    }
    std::string out = "wardend " + daemon + "\nwardenctl " + std::string(client_version) + "\n";
    if (protocol && *protocol != protocol_version)
        out += "(protocol versions differ: wardend " + std::to_string(*protocol) + ", wardenctl "
            + std::to_string(protocol_version) + ")\n";
    return out;
}

std::string pid(json::value const& result)
{
    if (auto const* o = as_object(result))
        if (auto const n = integer(*o, "pid"))
            return std::to_string(*n) + "\n";
    return json_line(result);
}

std::string tail_data(json::value const& result)
{
    if (auto const* o = as_object(result))
        return text(*o, "data");
    return {};
}

std::string json_line(json::value const& result)
{
    std::string out = json::serialize(result);
    if (find_invalid_utf8(out))
        out = to_valid_utf8(out);
    return out + "\n";
}

} // namespace warden::control::format
