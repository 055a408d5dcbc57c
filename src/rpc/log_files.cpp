#include "rpc/log_files.hpp"

#include "rpc/faults.hpp"

#include <fstream>

namespace warden::rpc {

namespace {

bool size_of(std::ifstream& f, long long& size)
{
    f.seekg(0, std::ios::end);
    size = static_cast<long long>(f.tellg());
    return size >= 0;
}

std::string read_at(std::ifstream& f, long long pos, long long count)
{
    std::string data(static_cast<std::size_t>(count), '\0');
    f.clear();
    f.seekg(pos);
    f.read(data.data(), static_cast<std::streamsize>(count));
    data.resize(static_cast<std::size_t>(f.gcount()));
    return data;
}

// Reads are bounded: a request may not make the daemon hold more than this.
constexpr long long max_read = 16ll * 1024 * 1024;

} // namespace

std::variant<std::string, int> read_file(std::string const& path, long long offset, long long length)
{
    std::ifstream f(path, std::ios::binary);
    long long size = 0;
    if (!f || !size_of(f, size))
        return faults::failed;
    if (offset < 0) {
        if (length != 0)
            return faults::bad_arguments;
        long long const want = std::min(-offset, max_read);
        long long const pos = std::max(0ll, size + offset);
        return read_at(f, pos, std::min(want, size - pos));
    }
    if (length < 0)
        return faults::bad_arguments;
    if (offset >= size)
        return std::string();
    long long const count = length == 0 ? size - offset : std::min(length, size - offset);
    return read_at(f, offset, std::min(count, max_read));
}

tail_result tail_file(std::string const& path, long long offset, long long length)
{
    std::ifstream f(path, std::ios::binary);
    long long size = 0;
    if (!f || !size_of(f, size))
        return {"", offset, false};
    length = std::min(length, max_read);
    bool overflow = false;
    if (size > offset + length) {
        overflow = true;
        offset = size - 1;
    }
    if (offset + length > size) {
        if (offset > size - 1)
            length = 0;
        offset = size - length;
    }
    if (offset < 0)
        offset = 0;
    if (length < 0)
        length = 0;
    tail_result out;
    out.bytes = length == 0 ? std::string() : read_at(f, offset, length);
    out.offset = size;
    out.overflow = overflow;
    return out;
}

} // namespace warden::rpc
