// Steps 2 and 3: merged sections -> expanded, converted, checked, typed
// specs. Every problem is collected; nothing stops at the first one.
#pragma once

#include "config/diagnostics.hpp"
#include "config/ini_reader.hpp"
#include "config/load.hpp"
#include "config/program_spec.hpp"

#include <optional>
#include <string>
#include <vector>

namespace warden::config {

/// The whole document (validate.cpp): sections dispatched by type, groups,
/// process names, depends_on.
config validate(ini_document const& doc, std::string const& main_file,
                load_options const& options, std::vector<diagnostic>& diags);
/// Only the daemon's section; no processes.
config validate_daemon_section(ini_document const& doc, std::string const& main_file,
                               load_options const& options, std::vector<diagnostic>& diags);

/// `[warden]`/`[supervisord]`, already merged into one section
/// (validate_daemon.cpp).
daemon_spec validate_daemon(ini_section const& main, ini_section const* defaults,
                            load_options const& options, std::vector<diagnostic>& diags);

/// `[unix_http_server]`, `[inet_http_server]` and `[rpcinterface:x]`
/// (validate_http.cpp): fills `d.http_servers` and `d.rpc_supervisor`.
void validate_http(ini_document const& doc, ini_section const* defaults, load_options const& options,
                   daemon_spec& d, std::vector<diagnostic>& diags);

/// What a `[program:x]` needs to know about the rest of the file.
struct program_context {
    std::string program;            ///< the x of [program:x], stripped
    std::string group;              ///< explicit group, else the program name
    bool explicit_group = false;    ///< named by a [group:g]
    std::optional<int> group_priority; ///< the [group:g]'s priority
    daemon_spec const* daemon = nullptr;
    std::string childlogdir;        ///< resolved: [warden] childlogdir or the default
    load_options const* options = nullptr;
    ini_section const* defaults = nullptr; ///< [DEFAULT]
};

/// One program's processes, and its depends_on for the graph check.
struct program_result {
    std::vector<process_spec> processes;
    std::vector<std::string> depends_on;
    std::optional<source_location> depends_on_where;
    bool same_names_reported = false; ///< numprocs > 1 without %(process_num): said once
};

/// `[program:x]` -> numprocs processes (validate_program.cpp).
program_result validate_program(ini_section const& section, program_context const& ctx,
                                std::vector<diagnostic>& diags);

/// A program's place in the depends_on graph.
struct dependency_node {
    std::string program;
    std::vector<std::string> depends_on;
    source_location where; ///< the depends_on line
};

/// Unknown names and cycles (`depends_on cycle: a -> b -> a`), each
/// reported once (dependencies.cpp).
void check_dependencies(std::vector<dependency_node> const& nodes, std::vector<diagnostic>& diags);

} // namespace warden::config
