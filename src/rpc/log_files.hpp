// supervisord's log reading (options.readFile / tailFile): what
// readLog, readProcess*Log and tailProcess*Log return, byte for byte.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

namespace warden::rpc {

/// readFile: `offset` < 0 reads the last -offset bytes (then `length`
/// must be 0); otherwise `length` bytes from `offset` (0: to the end).
/// The bytes, or the fault code (BAD_ARGUMENTS, FAILED).
std::variant<std::string, int> read_file(std::string const& path, long long offset, long long length);

struct tail_result {
    std::string bytes;
    long long offset = 0; ///< the file's size: where the next tail starts
    bool overflow = false; ///< more than `length` bytes were new: the oldest were skipped
};

/// tailFile: up to `length` bytes ending at the end of the file, starting
/// at `offset` when that is closer.
tail_result tail_file(std::string const& path, long long offset, long long length);

} // namespace warden::rpc
