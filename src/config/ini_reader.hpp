// Step 1 of 3: text -> sections of raw `key = value` entries, each with its
// file and line. No expansion, no conversion: that is validate's job.
//
// The rules are those of Python's configparser as supervisord configures it
// (RawConfigParser, inline_comment_prefixes ';' and '#', strict=False), so
// that every file supervisord reads is read the same way here.
#pragma once

#include "config/diagnostics.hpp"
#include "config/program_spec.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace warden::config {

/// One `key = value`: key lower-cased, continuation lines joined with '\n'.
struct ini_entry {
    std::string key;
    std::string value;
    source_location where; ///< the line holding the key (of the last definition)
};

/// A `[name]` section; repeated headers (in one file or several) are merged.
struct ini_section {
    std::string name;             ///< exactly as written between the brackets
    source_location where;        ///< the first header
    std::vector<ini_entry> entries; ///< first-appearance order; a repeated key replaces the value

    /// The entry for `key` (lower case), or nullptr.
    ini_entry const* find(std::string_view key) const;
    /// Adds or replaces (the last definition wins, with its location).
    void set(ini_entry entry);
};

/// The sections of one file, or of several merged in read order.
struct ini_document {
    std::vector<ini_section> sections; ///< first-appearance order

    ini_section const* find(std::string_view name) const;
    /// Merges `s` into the section of the same name, or appends it.
    void merge(ini_section s);
};

/// Parses `text` (the contents of `file`). Syntax errors are appended to
/// `diags` and parsing goes on, so that one run reports all of them.
ini_document read_ini(std::string const& file, std::string_view text,
                      std::vector<diagnostic>& diags);

} // namespace warden::config
