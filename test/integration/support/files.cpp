#include "support/files.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <vector>

namespace warden::it {

temp_dir::temp_dir()
{
    std::string pattern = (fs::temp_directory_path() / "warden-it-XXXXXX").string();
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (!::mkdtemp(buffer.data()))
        throw std::runtime_error(std::string("mkdtemp failed: ") + std::strerror(errno));
    path_ = buffer.data();
}

temp_dir::~temp_dir()
{
    std::error_code ignored;
    fs::remove_all(path_, ignored);
}

fs::path temp_dir::write(std::string_view name, std::string_view text) const
{
    auto const target = path_ / name;
    fs::create_directories(target.parent_path());
    write_file(target, text);
    return target;
}

void write_file(fs::path const& path, std::string_view text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out)
        throw std::runtime_error("cannot write " + path.string());
}

std::string read_file(fs::path const& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::uintmax_t size_or_zero(fs::path const& path)
{
    std::error_code ec;
    auto const size = fs::file_size(path, ec);
    return ec ? 0 : size;
}

} // namespace warden::it
