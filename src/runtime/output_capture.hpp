// Where one process's captured stdout and stderr go: a rotating file per
// stream, per `*_logfile` (AUTO, NONE or a path). Writing never blocks on the
// child and never throws; a failing disk is reported once per failure streak.
#pragma once

#include "config/program_spec.hpp"
#include "platform/process_host.hpp"
#include "runtime/rotating_file.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace warden::runtime {

class output_capture {
public:
    using error_reporter = std::function<void(std::string const& message)>;

    output_capture(config::process_spec const& spec, error_reporter report);

    /// Create/open the files (at first spawn, so they exist while the process runs).
    void open();
    /// Reopen every file (SIGUSR2).
    void reopen();
    void write(platform::output_stream stream, std::string_view bytes);

    /// The file for a stream, or nullptr for NONE.
    rotating_file const* file(platform::output_stream stream) const;

private:
    std::unique_ptr<rotating_file>& slot(platform::output_stream stream);
    void open_one(std::unique_ptr<rotating_file>& f);

    std::string name_;
    std::unique_ptr<rotating_file> out_;
    std::unique_ptr<rotating_file> err_;
    bool failing_ = false;
    error_reporter report_;
};

} // namespace warden::runtime
