#include "config/diagnostics.hpp"

#include <algorithm>

namespace warden::config {

namespace {

std::string_view label(severity s)
{
    switch (s) {
    case severity::error: return "error";
    case severity::warning: return "warning";
    case severity::note: return "note";
    }
    return "error";
}

} // namespace

std::string format(diagnostic const& d)
{
    std::string out = d.where.file;
    if (d.where.line > 0)
        out += ':' + std::to_string(d.where.line);
    if (!out.empty())
        out += ": ";
    out += label(d.level);
    out += ": ";
    out += d.message;
    return out;
}

bool has_errors(std::vector<diagnostic> const& ds)
{
    return std::any_of(ds.begin(), ds.end(),
                       [](diagnostic const& d) { return d.level == severity::error; });
}

bool has_warnings(std::vector<diagnostic> const& ds)
{
    return std::any_of(ds.begin(), ds.end(),
                       [](diagnostic const& d) { return d.level == severity::warning; });
}

} // namespace warden::config
