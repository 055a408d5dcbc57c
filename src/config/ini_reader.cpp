#include "config/ini_reader.hpp"
#include "config/text.hpp"

#include <optional>

namespace warden::config {

namespace {

// Universal newlines, as Python's text mode reads them: "\r\n", "\n" or "\r".
std::vector<std::string_view> split_lines(std::string_view text)
{
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\n' && text[i] != '\r')
            continue;
        lines.push_back(text.substr(start, i - start));
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
            ++i;
        start = i + 1;
    }
    if (start < text.size())
        lines.push_back(text.substr(start));
    return lines;
}

// Where a comment starts: a ';' or '#' at the start of the stripped line, or
// one preceded by whitespace. "a;b" and "bash -c 'a; b'" have none.
std::size_t comment_start(std::string_view line)
{
    std::string_view const stripped = strip(line);
    if (!stripped.empty() && (stripped.front() == ';' || stripped.front() == '#'))
        return 0;
    for (std::size_t i = 0; i < line.size(); ++i)
        if ((line[i] == ';' || line[i] == '#') && (i == 0 || is_space(line[i - 1])))
            return i;
    return std::string_view::npos;
}

std::size_t indent_of(std::string_view line)
{
    std::size_t i = 0;
    while (i < line.size() && is_space(line[i]))
        ++i;
    return i;
}

// The option being read: its continuation lines are collected until the
// next key, header or end of file, then joined as configparser joins them.
struct pending_option {
    std::size_t section = 0;
    ini_entry entry;
    std::vector<std::string_view> lines;
};

class reader {
public:
    reader(std::string const& file, std::vector<diagnostic>& diags)
        : file_(file), diags_(diags)
    {
    }

    ini_document run(std::string_view text)
    {
        // A UTF-8 byte order mark (Notepad writes one) is not part of the
        // first line. Python would choke on it; accepting it costs nothing.
        if (text.substr(0, 3) == "\xEF\xBB\xBF")
            text.remove_prefix(3);
        int line_no = 0;
        for (std::string_view line : split_lines(text))
            on_line(line, ++line_no);
        commit();
        return std::move(doc_);
    }

private:
    void on_line(std::string_view line, int line_no)
    {
        std::size_t const comment = comment_start(line);
        std::string_view const value =
            strip(comment == std::string_view::npos ? line : line.substr(0, comment));
        if (value.empty()) {
            // A blank line inside a value is kept (trailing ones are dropped
            // at the join); a comment line inside one is skipped.
            if (comment == std::string_view::npos && pending_)
                pending_->lines.push_back({});
            return;
        }
        std::size_t const indent = indent_of(line);
        if (pending_ && indent > indent_level_) {
            pending_->lines.push_back(value);
            return;
        }
        commit();
        indent_level_ = indent;
        if (value.front() == '[') {
            std::size_t const close = value.rfind(']');
            if (close != std::string_view::npos && close >= 2) {
                on_header(value, close, line_no);
                return;
            }
        }
        if (!section_) {
            error(line_no, "'" + std::string(value) +
                               "' before any [section] header (a key must follow a section)");
            return;
        }
        on_option(value, line_no);
    }

    void on_header(std::string_view value, std::size_t close, int line_no)
    {
        std::string name(value.substr(1, close - 1));
        if (close + 1 < value.size())
            warning(line_no, "text after the section header [" + name + "] is ignored");
        for (std::size_t i = 0; i < doc_.sections.size(); ++i) {
            if (doc_.sections[i].name == name) {
                section_ = i;
                return;
            }
        }
        ini_section s;
        s.name = std::move(name);
        s.where = {file_, line_no};
        doc_.sections.push_back(std::move(s));
        section_ = doc_.sections.size() - 1;
    }

    void on_option(std::string_view value, int line_no)
    {
        std::size_t const delim = value.find_first_of("=:");
        if (delim == std::string_view::npos) {
            error(line_no, "cannot parse '" + std::string(value) +
                               "': expected 'key = value', a [section] header or a comment");
            return;
        }
        std::string_view const key = strip(value.substr(0, delim));
        if (key.empty()) {
            error(line_no, "cannot parse '" + std::string(value) + "': no key before '" +
                               value[delim] + "'");
            return;
        }
        pending_option p;
        p.section = *section_;
        p.entry.key = lower(key);
        p.entry.where = {file_, line_no};
        p.lines.push_back(strip(value.substr(delim + 1)));
        pending_ = std::move(p);
    }

    void commit()
    {
        if (!pending_)
            return;
        std::string joined;
        for (std::size_t i = 0; i < pending_->lines.size(); ++i) {
            if (i > 0)
                joined += '\n';
            joined += pending_->lines[i];
        }
        // Python's rstrip() after the join: trailing blank lines go.
        while (!joined.empty() && is_space(joined.back()))
            joined.pop_back();
        pending_->entry.value = std::move(joined);
        doc_.sections[pending_->section].set(std::move(pending_->entry));
        pending_.reset();
    }

    void error(int line_no, std::string message)
    {
        diags_.push_back({severity::error, {file_, line_no}, std::move(message)});
    }

    void warning(int line_no, std::string message)
    {
        diags_.push_back({severity::warning, {file_, line_no}, std::move(message)});
    }

    std::string const& file_;
    std::vector<diagnostic>& diags_;
    ini_document doc_;
    std::optional<std::size_t> section_;
    std::optional<pending_option> pending_;
    std::size_t indent_level_ = 0;
};

} // namespace

ini_entry const* ini_section::find(std::string_view key) const
{
    for (auto const& e : entries)
        if (e.key == key)
            return &e;
    return nullptr;
}

void ini_section::set(ini_entry entry)
{
    for (auto& e : entries) {
        if (e.key == entry.key) {
            e = std::move(entry);
            return;
        }
    }
    entries.push_back(std::move(entry));
}

ini_section const* ini_document::find(std::string_view name) const
{
    for (auto const& s : sections)
        if (s.name == name)
            return &s;
    return nullptr;
}

void ini_document::merge(ini_section s)
{
    for (auto& existing : sections) {
        if (existing.name == s.name) {
            for (auto& e : s.entries)
                existing.set(std::move(e));
            return;
        }
    }
    sections.push_back(std::move(s));
}

ini_document read_ini(std::string const& file, std::string_view text,
                      std::vector<diagnostic>& diags)
{
    return reader(file, diags).run(text);
}

} // namespace warden::config
