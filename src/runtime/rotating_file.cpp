#include "runtime/rotating_file.hpp"

#include <cerrno>
#include <filesystem>

namespace warden::runtime {

namespace fs = std::filesystem;

namespace {
std::error_code last_errno() { return {errno ? errno : EIO, std::generic_category()}; }
} // namespace

rotating_file::rotating_file(std::string path, std::uint64_t max_bytes, int backups)
    : path_(std::move(path)), max_bytes_(max_bytes), backups_(backups)
{
}

rotating_file::~rotating_file() { close(); }

void rotating_file::close()
{
    if (file_) {
        std::fclose(file_);
        file_ = nullptr;
    }
}

std::error_code rotating_file::open()
{
    close();
    errno = 0;
    file_ = std::fopen(path_.c_str(), "ab");
    if (!file_)
        return last_errno();
    // Unbuffered: each write() is one system call, so nothing sits in a buffer
    // when the daemon is killed, and there is no extra copy.
    std::setvbuf(file_, nullptr, _IONBF, 0);
    std::error_code ec;
    auto size = fs::file_size(path_, ec);
    size_ = ec ? 0 : size;
    return {};
}

std::error_code rotating_file::write(std::string_view bytes)
{
    if (!file_)
        return std::make_error_code(std::errc::bad_file_descriptor);
    errno = 0;
    std::size_t written = std::fwrite(bytes.data(), 1, bytes.size(), file_);
    size_ += written;
    if (written != bytes.size())
        return last_errno();
    if (max_bytes_ > 0 && size_ >= max_bytes_)
        return rotate();
    return {};
}

std::error_code rotating_file::rotate()
{
    close();
    std::error_code ec;
    if (backups_ > 0) {
        for (int i = backups_ - 1; i >= 1; --i) {
            fs::path from = path_ + "." + std::to_string(i);
            if (fs::exists(from, ec))
                fs::rename(from, path_ + "." + std::to_string(i + 1), ec);
        }
        fs::rename(path_, path_ + ".1", ec);
    } else {
        fs::resize_file(path_, 0, ec);
    }
    auto open_ec = open();
    return open_ec ? open_ec : ec;
}

} // namespace warden::runtime
