#include "config/load.hpp"

#include "config/sources.hpp"
#include "config/validate.hpp"

#include <algorithm>
#include <set>
#include <tuple>

namespace warden::config {

namespace {

// File order: files in the order they were read (an included file after
// the whole file that includes it), then by line. Identical diagnostics (a
// bad key seen once per process of a numprocs program) are said once.
void order(std::vector<diagnostic>& diags, std::vector<std::string> const& files)
{
    auto rank = [&](diagnostic const& d) {
        auto const it = std::find(files.begin(), files.end(), d.where.file);
        return std::make_pair(it - files.begin(), d.where.line);
    };
    std::stable_sort(diags.begin(), diags.end(), [&](diagnostic const& a, diagnostic const& b) {
        return rank(a) < rank(b);
    });
    std::set<std::tuple<severity, std::string, int, std::string>> seen;
    std::vector<diagnostic> unique;
    for (auto& d : diags)
        if (seen.emplace(d.level, d.where.file, d.where.line, d.message).second)
            unique.push_back(std::move(d));
    diags = std::move(unique);
}

enum class scope { everything, daemon_only };

load_result load(std::string const& path, std::optional<std::string_view> text,
                 load_options const& options, scope what = scope::everything)
{
    load_result r;
    config_sources sources = read_sources(path, text, options, r.diagnostics);
    if (!sources.files.empty()) {
        config cfg = what == scope::everything ? validate(sources.doc, path, options, r.diagnostics)
                                               : validate_daemon_section(sources.doc, path, options, r.diagnostics);
        if (!has_errors(r.diagnostics))
            r.cfg = std::move(cfg);
    }
    order(r.diagnostics, sources.files);
    return r;
}

} // namespace

load_result load_file(std::string const& path, load_options const& options)
{
    return load(path, std::nullopt, options);
}

load_result load_text(std::string const& path, std::string_view text, load_options const& options)
{
    return load(path, text, options);
}

load_result load_daemon_file(std::string const& path, load_options const& options)
{
    return load(path, std::nullopt, options, scope::daemon_only);
}

} // namespace warden::config
