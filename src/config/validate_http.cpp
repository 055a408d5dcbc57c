// supervisord's HTTP front door in the config (SPEC §11): [unix_http_server],
// [inet_http_server] and [rpcinterface:supervisor], with supervisord's
// defaults and its errors (a missing file or port, half an authentication).
#include "config/validate.hpp"

#include "config/paths.hpp"
#include "config/section_values.hpp"
#include "config/sources.hpp"
#include "config/text.hpp"

#include <charconv>

namespace warden::config {

namespace {

std::vector<known_key> const& unix_keys()
{
    static std::vector<known_key> const keys{
        {"file", key_support::used, {}},     {"chmod", key_support::used, {}},
        {"chown", key_support::used, {}},    {"username", key_support::used, {}},
        {"password", key_support::used, {}},
    };
    return keys;
}

std::vector<known_key> const& inet_keys()
{
    static std::vector<known_key> const keys{
        {"port", key_support::used, {}},
        {"username", key_support::used, {}},
        {"password", key_support::used, {}},
    };
    return keys;
}

constexpr std::string_view supervisor_factory = "supervisor.rpcinterface:make_main_rpcinterface";

bool is_loopback(std::string const& host)
{
    return host == "localhost" || host == "::1" || host == "[::1]" || host.starts_with("127.");
}

// supervisord's inet_address: "HOST:PORT", ":PORT", "*:PORT" or "PORT".
parsed<std::pair<std::string, std::uint16_t>> parse_inet_address(std::string_view text)
{
    std::string host;
    std::string_view port = text;
    if (auto const colon = text.rfind(':'); colon != std::string_view::npos) {
        host = std::string(text.substr(0, colon));
        port = text.substr(colon + 1);
        for (auto& c : host)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (port.empty())
            return {std::nullopt, "no port number in '" + std::string(text) + "'"};
    }
    unsigned value = 0;
    auto const [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
        return {std::nullopt, "'" + std::string(port) + "' is not a port number (1-65535)"};
    if (host == "*")
        host.clear();
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    return {std::make_pair(host, static_cast<std::uint16_t>(value)), {}};
}

void credentials(section_values& v, ini_section const& s, http_server_spec& spec)
{
    auto const user = v.text("username");
    auto const pass = v.text("password");
    if (user.has_value() != pass.has_value()) {
        v.report(severity::error, s.where,
                 "[" + s.name + "] has " + (user ? "a username but no password" : "a password but no username")
                     + "; give both, or neither");
        return;
    }
    spec.username = user.value_or("");
    spec.password = pass.value_or("");
}

} // namespace

void validate_http(ini_document const& doc, ini_section const* defaults, load_options const& options,
                   daemon_spec& d, std::vector<diagnostic>& diags)
{
    expansion_map names{{"host_node_name", options.host_node_name}};
    for (auto const& [k, val] : options.environment)
        names.emplace("ENV_" + k, val);

    for (auto const& s : doc.sections) {
        if (s.name == "unix_http_server") {
            check_keys(s, unix_keys(), diags);
            section_values v(s, defaults, diags);
            v.set_names(names);
            http_server_spec spec;
            spec.family = http_server_spec::family_t::unix_socket;
            spec.where = s.where;
            auto const file = v.text("file");
            if (!file || strip(*file).empty()) {
                v.report(severity::error, s.where, "[unix_http_server] has no file");
                continue;
            }
            spec.file = resolve_path(std::string(strip(*file)), here_of(v.entry("file")->where.file), options);
            if (auto const m = v.get("chmod", parse_octal))
                spec.chmod = *m;
            if (auto const c = v.text("chown")) {
                auto const colon = c->find(':');
                spec.chown_user = c->substr(0, colon);
                spec.chown_group = colon == std::string::npos ? std::string() : c->substr(colon + 1);
                if (spec.chown_user.empty())
                    v.error(*v.entry("chown"), "chown: give USER or USER:GROUP");
                else if (options.user_exists && !options.user_exists(spec.chown_user))
                    v.error(*v.entry("chown"), "chown: unknown user '" + spec.chown_user + "'");
            }
            credentials(v, s, spec);
            d.http_servers.push_back(std::move(spec));
        } else if (s.name == "inet_http_server") {
            check_keys(s, inet_keys(), diags);
            section_values v(s, defaults, diags);
            v.set_names(names);
            http_server_spec spec;
            spec.family = http_server_spec::family_t::inet;
            spec.where = s.where;
            if (!v.entry("port")) {
                v.report(severity::error, s.where, "[inet_http_server] has no port");
                continue;
            }
            auto const address = v.get("port", parse_inet_address);
            if (!address)
                continue;
            spec.host = address->first;
            spec.port = address->second;
            credentials(v, s, spec);
            if (spec.password.empty() && !is_loopback(spec.host))
                v.warning(*v.entry("port"),
                          "[inet_http_server] on " + (spec.host.empty() ? std::string("every interface") : spec.host)
                              + " without a password: anyone who can reach port " + std::to_string(spec.port)
                              + " can stop and start every program; set username and password");
            d.http_servers.push_back(std::move(spec));
        } else if (s.name.starts_with("rpcinterface:")) {
            section_values v(s, defaults, diags);
            v.set_names(names);
            auto const name = std::string(strip(std::string_view(s.name).substr(s.name.find(':') + 1)));
            auto const factory = v.text("supervisor.rpcinterface_factory");
            if (name == "supervisor" && factory && strip(*factory) == supervisor_factory) {
                d.rpc_supervisor = true;
                continue;
            }
            if (!factory) {
                v.report(severity::error, s.where, "[" + s.name + "] has no supervisor.rpcinterface_factory");
                continue;
            }
            v.warning(*v.entry("supervisor.rpcinterface_factory"),
                      "[" + s.name + "]: the rpcinterface factory '" + std::string(strip(*factory))
                          + "' is not supported by warden, ignored (only " + std::string(supervisor_factory) + ")");
        }
    }
}

} // namespace warden::config
