// Files for integration tests: a temporary directory that always goes away,
// and small whole-file helpers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace warden::it {

namespace fs = std::filesystem;

/// A fresh directory from mkdtemp, removed with everything in it by the
/// destructor (which also runs when a test fails by exception). Its path is
/// unique, so tests also use it as a marker: every child command line names
/// a file inside it, which is how leftover processes are found.
class temp_dir {
public:
    temp_dir();
    ~temp_dir();
    temp_dir(temp_dir const&) = delete;
    temp_dir& operator=(temp_dir const&) = delete;

    /// The directory itself.
    fs::path const& path() const { return path_; }
    /// A path inside it.
    fs::path operator/(std::string_view name) const { return path_ / name; }
    /// Writes `text` to the file `name` inside it (creating parent folders) and returns its path.
    fs::path write(std::string_view name, std::string_view text) const;

private:
    fs::path path_;
};

/// Writes `text` to `path`, replacing it.
void write_file(fs::path const& path, std::string_view text);
/// The whole content of `path`, or "" if it cannot be read.
std::string read_file(fs::path const& path);
/// The size of `path`, or 0 if it does not exist.
std::uintmax_t size_or_zero(fs::path const& path);

} // namespace warden::it
