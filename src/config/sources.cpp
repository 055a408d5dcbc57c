#include "config/sources.hpp"

#include "config/expand.hpp"
#include "config/glob.hpp"
#include "config/known_keys.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace warden::config {

namespace fs = std::filesystem;

namespace {

fs::path absolute_normal(fs::path const& p)
{
    std::error_code ec;
    fs::path abs = fs::absolute(p, ec);
    if (ec)
        abs = p;
    return abs.lexically_normal();
}

// Identity of a file for the cycle check: symlinks and `..` resolved.
std::string identity(fs::path const& p)
{
    std::error_code ec;
    fs::path c = fs::weakly_canonical(p, ec);
    return (ec ? absolute_normal(p) : c).string();
}

std::optional<std::string> read_whole(fs::path const& p, std::string& why)
{
    std::error_code ec;
    auto const st = fs::status(p, ec);
    if (ec || !fs::exists(st)) {
        why = "not found";
        return std::nullopt;
    }
    if (fs::is_directory(st)) {
        why = "is a directory";
        return std::nullopt;
    }
    std::ifstream in(p, std::ios::binary);
    if (!in) {
        why = "cannot be opened (permission denied?)";
        return std::nullopt;
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) {
        why = "read error";
        return std::nullopt;
    }
    return buf.str();
}

std::vector<std::string> split_words(std::string_view s)
{
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
            ++i;
        std::size_t const start = i;
        while (i < s.size() && !(s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
            ++i;
        if (i > start)
            words.emplace_back(s.substr(start, i - start));
    }
    return words;
}

class source_reader {
public:
    source_reader(load_options const& options, std::vector<diagnostic>& diags)
        : options_(options), diags_(diags)
    {
    }

    config_sources run(std::string const& path, std::optional<std::string_view> text)
    {
        std::string contents;
        if (text) {
            contents = std::string(*text);
        } else {
            std::string why;
            auto read = read_whole(path, why);
            if (!read) {
                diags_.push_back({severity::error, {path, 0}, "cannot read config file: " + why});
                return std::move(out_);
            }
            contents = std::move(*read);
        }
        parse(path, contents);
        return std::move(out_);
    }

private:
    void parse(std::string const& file, std::string const& contents)
    {
        std::string const id = identity(file);
        stack_.push_back({id, file});
        seen_.push_back(id);
        out_.files.push_back(file);
        ini_document doc = read_ini(file, contents, diags_);
        ini_section const* include = doc.find("include");
        std::optional<ini_section> own_include;
        if (include)
            own_include = *include;
        for (auto& s : doc.sections)
            out_.doc.merge(std::move(s));
        // Only this file's own [include] counts here: the merged section
        // would hold the last `files` of any file.
        if (own_include)
            follow(*own_include, file);
        stack_.pop_back();
    }

    void follow(ini_section const& include, std::string const& file)
    {
        for (auto const& e : include.entries) {
            if (e.key == "files")
                continue;
            auto const hint = closest(e.key, {"files"});
            diags_.push_back({severity::warning, e.where,
                              hint ? "unknown key '" + e.key + "', did you mean '" + *hint + "'?"
                                   : "unknown key '" + e.key + "' in [include], ignored"});
        }
        ini_entry const* files = include.find("files");
        if (!files) {
            diags_.push_back({severity::error, include.where, "[include] has no 'files' key"});
            return;
        }
        std::string const here = here_of(file);
        expansion_map names{{"here", here}, {"host_node_name", options_.host_node_name}};
        for (auto const& [k, v] : options_.environment)
            names.emplace("ENV_" + k, v);
        auto const expanded = expand(files->value, names);
        if (!expanded.ok()) {
            diags_.push_back({severity::error, files->where, "files: " + expanded.error});
            return;
        }
        bool const ignore_case = options_.platform == target_platform::windows;
        for (std::string const& pattern : split_words(expanded.value)) {
            fs::path p(pattern);
            if (p.is_relative())
                p = fs::path(here) / p;
            p = p.lexically_normal();
            std::vector<fs::path> matches;
            if (has_wildcards(pattern)) {
                matches = glob(p, ignore_case);
                if (matches.empty())
                    diags_.push_back({severity::note, files->where,
                                      "no file matches '" + p.string() + "'"});
            } else {
                matches.push_back(p);
            }
            for (auto const& m : matches)
                include_one(m, *files, !has_wildcards(pattern));
        }
    }

    void include_one(fs::path const& p, ini_entry const& files, bool literal)
    {
        std::string const name = p.string();
        std::error_code ec;
        if (!literal && fs::is_directory(p, ec)) {
            // Python's parser.read() skips what it cannot open; a directory
            // matched by `conf.d/*` is no mistake worth refusing the file for.
            diags_.push_back({severity::note, files.where, "skipping directory '" + name + "'"});
            return;
        }
        std::string const id = identity(p);
        for (std::size_t i = 0; i < stack_.size(); ++i) {
            if (stack_[i].first != id)
                continue;
            std::string chain;
            for (std::size_t j = i; j < stack_.size(); ++j)
                chain += stack_[j].second + " -> ";
            diags_.push_back({severity::error, files.where, "include cycle: " + chain + name});
            return;
        }
        for (auto const& s : seen_) {
            if (s == id) {
                diags_.push_back({severity::note, files.where,
                                  "'" + name + "' is already included, skipped"});
                return;
            }
        }
        std::string why;
        auto contents = read_whole(p, why);
        if (!contents) {
            diags_.push_back({severity::error, files.where,
                              "cannot read include file '" + name + "': " + why});
            return;
        }
        parse(name, *contents);
    }

    load_options const& options_;
    std::vector<diagnostic>& diags_;
    config_sources out_;
    std::vector<std::pair<std::string, std::string>> stack_; // identity, name as shown
    std::vector<std::string> seen_;
};

} // namespace

std::string here_of(std::string const& file)
{
    return absolute_normal(fs::path(file)).parent_path().string();
}

config_sources read_sources(std::string const& path, std::optional<std::string_view> text,
                            load_options const& options, std::vector<diagnostic>& diags)
{
    return source_reader(options, diags).run(path, text);
}

} // namespace warden::config
