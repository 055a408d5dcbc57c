// The pure parts of starting a Windows child, kept apart so they can be
// unit-tested: quoting argv into one command line, merging the environment
// block, finding the program.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace warden::platform::windows {

/// argv as one command line that the C runtime (and CommandLineToArgvW)
/// splits back into the same argv: arguments with spaces, tabs or quotes are
/// quoted, and backslashes are doubled only where they precede a quote.
std::wstring quote_command_line(std::vector<std::wstring> const& argv);

using env_list = std::vector<std::pair<std::wstring, std::wstring>>;

/// The child's environment block for CREATE_UNICODE_ENVIRONMENT: `base`
/// (the daemon's) with `overrides` applied, names compared without regard to
/// case as Windows does (`Path` and `PATH` are one variable), sorted, each
/// entry NUL-terminated and the block ending with an extra NUL.
std::wstring environment_block(env_list const& base, env_list const& overrides);

/// The value of `name` in `env` (case-insensitive), if set.
std::optional<std::wstring> find_variable(env_list const& env, std::wstring const& name);

/// The file to execute for `program` (argv[0]). With a directory part it is
/// taken as given (relative to `directory` when that is set); without one it
/// is searched in `directory`-independent order: each entry of `path_value`
/// (`;`-separated), then `system_dirs`. A name without extension also tries
/// `.exe` and `.com`. `is_file` is asked about each candidate.
std::optional<std::wstring> find_program(std::wstring const& program, std::wstring const& directory,
                                         std::wstring const& path_value,
                                         std::vector<std::wstring> const& system_dirs,
                                         std::function<bool(std::wstring const&)> const& is_file);

} // namespace warden::platform::windows
