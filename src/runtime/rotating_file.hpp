// An append-only file with supervisord's size rotation: `name`, `name.1`, ...
// Used for every child log and for the daemon's own `logfile`.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <system_error>

namespace warden::runtime {

class rotating_file {
public:
    /// `max_bytes` 0: never rotate. `backups` 0: truncate instead of keeping old files.
    rotating_file(std::string path, std::uint64_t max_bytes, int backups);
    ~rotating_file();
    rotating_file(rotating_file const&) = delete;
    rotating_file& operator=(rotating_file const&) = delete;

    /// Open (create) for appending. Called again, it reopens: what logrotate needs
    /// after it has moved the file away (SIGUSR2).
    std::error_code open();
    void close();
    bool is_open() const { return file_ != nullptr; }

    /// Append every byte (unbuffered: one write per call), then rotate if the
    /// file reached max_bytes. Like supervisord, a chunk is never split, so a
    /// file may exceed max_bytes by at most one chunk.
    std::error_code write(std::string_view bytes);

    std::string const& path() const { return path_; }
    std::uint64_t size() const { return size_; }

private:
    std::error_code rotate();

    std::string path_;
    std::uint64_t max_bytes_;
    int backups_;
    std::FILE* file_ = nullptr;
    std::uint64_t size_ = 0;
};

} // namespace warden::runtime
