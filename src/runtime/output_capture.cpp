#include "runtime/output_capture.hpp"

#include <filesystem>

namespace warden::runtime {

namespace {

std::unique_ptr<rotating_file> make_file(config::log_target const& t)
{
    if (t.kind == config::log_target_kind::none || t.path.empty())
        return nullptr;
    return std::make_unique<rotating_file>(t.path, t.max_bytes, t.backups);
}

} // namespace

output_capture::output_capture(config::process_spec const& spec, error_reporter report)
    : name_(spec.name), out_(make_file(spec.stdout_log)),
      err_(spec.redirect_stderr ? nullptr : make_file(spec.stderr_log)), report_(std::move(report))
{
}

void output_capture::open_one(std::unique_ptr<rotating_file>& f)
{
    if (!f)
        return;
    // AUTO logs live in childlogdir, which may not exist yet on a fresh machine.
    std::error_code ignored;
    std::filesystem::create_directories(std::filesystem::path(f->path()).parent_path(), ignored);
    if (auto ec = f->open())
        report_(name_ + ": cannot open log file '" + f->path() + "': " + ec.message() + " (output discarded)");
}

void output_capture::open()
{
    if (out_ && !out_->is_open())
        open_one(out_);
    if (err_ && !err_->is_open())
        open_one(err_);
}

void output_capture::reopen()
{
    open_one(out_);
    open_one(err_);
}

std::unique_ptr<rotating_file>& output_capture::slot(platform::output_stream stream)
{
    // With redirect_stderr the platform sends everything as stdout already.
    return stream == platform::output_stream::err ? err_ : out_;
}

rotating_file const* output_capture::file(platform::output_stream stream) const
{
    return stream == platform::output_stream::err ? err_.get() : out_.get();
}

void output_capture::write(platform::output_stream stream, std::string_view bytes)
{
    auto& f = slot(stream);
    if (!f || !f->is_open())
        return;
    if (auto ec = f->write(bytes)) {
        if (!failing_)
            report_(name_ + ": cannot write to '" + f->path() + "': " + ec.message() + " (output lost until it recovers)");
        failing_ = true;
        return;
    }
    failing_ = false;
}

} // namespace warden::runtime
