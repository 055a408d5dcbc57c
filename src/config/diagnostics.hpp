// Config problems, collected (never thrown) so that all of them are reported at once.
#pragma once

#include "config/program_spec.hpp"

#include <string>
#include <vector>

namespace warden::config {

/// error: the file is refused. warning: loaded, but probably not what was
/// meant (`--check --strict` refuses it). note: information only.
enum class severity { error, warning, note };

struct diagnostic {
    severity level = severity::error;
    source_location where;
    std::string message;
};

/// `FILE:LINE: error: message` (the line is omitted when unknown).
std::string format(diagnostic const& d);

/// Any error: the file is refused.
bool has_errors(std::vector<diagnostic> const& ds);
/// Any warning (notes never count, so `--strict` ignores them).
bool has_warnings(std::vector<diagnostic> const& ds);

} // namespace warden::config
