// An owned file descriptor: closed exactly once, movable, never copied.
#pragma once

#include <unistd.h>

#include <utility>

namespace warden::platform::posix {

/// Owns one file descriptor (-1: none) and closes it on destruction.
class unique_fd {
public:
    unique_fd() = default;
    explicit unique_fd(int fd) noexcept : fd_(fd) {}
    unique_fd(unique_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    unique_fd& operator=(unique_fd&& other) noexcept
    {
        if (this != &other)
            reset(std::exchange(other.fd_, -1));
        return *this;
    }
    unique_fd(unique_fd const&) = delete;
    unique_fd& operator=(unique_fd const&) = delete;
    ~unique_fd() { reset(); }

    /// The descriptor, still owned.
    int get() const noexcept { return fd_; }
    explicit operator bool() const noexcept { return fd_ >= 0; }

    /// Give up ownership without closing.
    int release() noexcept { return std::exchange(fd_, -1); }

    /// Close the current descriptor (if any) and own `fd` instead.
    void reset(int fd = -1) noexcept
    {
        if (fd_ >= 0)
            ::close(fd_); // close(2) errors leave nothing to retry on Linux
        fd_ = fd;
    }

private:
    int fd_ = -1;
};

} // namespace warden::platform::posix
