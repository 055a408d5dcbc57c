#include "platform/windows/spawn.hpp"

#include "platform/windows/pipe_reader.hpp"
#include "platform/windows/spawn_plan.hpp"

#include <memory>
#include <vector>

namespace warden::platform::windows {

namespace {

bool is_file(std::wstring const& path)
{
    DWORD const attr = ::GetFileAttributesW(path.c_str());
    return attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_DIRECTORY) == 0;
}

std::vector<std::wstring> system_dirs()
{
    std::vector<std::wstring> dirs;
    wchar_t buf[MAX_PATH];
    if (UINT n = ::GetSystemDirectoryW(buf, MAX_PATH); n > 0 && n < MAX_PATH)
        dirs.emplace_back(buf, n);
    if (UINT n = ::GetWindowsDirectoryW(buf, MAX_PATH); n > 0 && n < MAX_PATH)
        dirs.emplace_back(buf, n);
    return dirs;
}

spawn_failure fail(std::string message) { return spawn_failure{std::move(message)}; }

// The handles a child may inherit, and nothing else: concurrent spawns of
// other children must not leak their pipe ends into this one (a leaked write
// end would hold another child's output open forever).
class inherit_list {
public:
    explicit inherit_list(std::vector<HANDLE> handles) : handles_(std::move(handles))
    {
        SIZE_T size = 0;
        ::InitializeProcThreadAttributeList(nullptr, 1, 0, &size);
        storage_.resize(size);
        list_ = reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(storage_.data());
        ok_ = ::InitializeProcThreadAttributeList(list_, 1, 0, &size) &&
              ::UpdateProcThreadAttribute(list_, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, handles_.data(),
                                          handles_.size() * sizeof(HANDLE), nullptr, nullptr);
        initialized_ = true;
    }
    ~inherit_list()
    {
        if (initialized_ && list_)
            ::DeleteProcThreadAttributeList(list_);
    }
    inherit_list(inherit_list const&) = delete;
    inherit_list& operator=(inherit_list const&) = delete;

    bool ok() const { return ok_; }
    LPPROC_THREAD_ATTRIBUTE_LIST get() const { return list_; }

private:
    std::vector<HANDLE> handles_;
    std::vector<char> storage_;
    LPPROC_THREAD_ATTRIBUTE_LIST list_ = nullptr;
    bool ok_ = false;
    bool initialized_ = false;
};

} // namespace

std::vector<std::pair<std::wstring, std::wstring>> current_environment()
{
    std::vector<std::pair<std::wstring, std::wstring>> env;
    wchar_t* block = ::GetEnvironmentStringsW();
    if (!block)
        return env;
    for (wchar_t const* p = block; *p; p += std::wcslen(p) + 1) {
        std::wstring_view entry(p);
        // Skip the first character: the per-drive entries look like "=C:=C:\x".
        auto const eq = entry.find(L'=', 1);
        if (eq == std::wstring_view::npos)
            continue;
        env.emplace_back(std::wstring(entry.substr(0, eq)), std::wstring(entry.substr(eq + 1)));
    }
    ::FreeEnvironmentStringsW(block);
    return env;
}

std::variant<started_child, spawn_failure> spawn_child(spawn_request const& request)
{
    if (request.argv.empty())
        return fail("empty command");
    if (!request.user.empty())
        return fail("cannot run as user '" + request.user + "': switching user is not supported on Windows");

    std::vector<std::wstring> argv;
    for (auto const& a : request.argv)
        argv.push_back(widen(a));
    std::wstring const directory = widen(request.directory);
    if (!directory.empty()) {
        DWORD const attr = ::GetFileAttributesW(directory.c_str());
        if (attr == INVALID_FILE_ATTRIBUTES)
            return fail("cannot chdir to '" + request.directory + "': " + last_error_text());
        if ((attr & FILE_ATTRIBUTE_DIRECTORY) == 0)
            return fail("cannot chdir to '" + request.directory + "': " + error_text(ERROR_DIRECTORY));
    }

    auto const base = current_environment();
    env_list overrides;
    for (auto const& [k, v] : request.environment)
        overrides.emplace_back(widen(k), widen(v));
    std::wstring const env_block = environment_block(base, overrides);
    auto path_value = find_variable(overrides, L"PATH");
    if (!path_value)
        path_value = find_variable(base, L"PATH");

    auto const program = find_program(argv[0], directory, path_value.value_or(L""), system_dirs(), is_file);
    if (!program)
        return fail("cannot execute '" + request.argv[0] + "': " + error_text(ERROR_FILE_NOT_FOUND));

    std::string error;
    auto out = make_output_pipe(error);
    if (!out)
        return fail(error);
    std::optional<output_pipe> err;
    if (!request.redirect_stderr) {
        err = make_output_pipe(error);
        if (!err)
            return fail(error);
    }
    SECURITY_ATTRIBUTES inherit{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
    unique_handle null_in(::CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, &inherit,
                                        OPEN_EXISTING, 0, nullptr));
    if (!null_in)
        return fail("cannot open NUL for the child's stdin: " + last_error_text());

    HANDLE const stderr_handle = err ? err->write_end.get() : out->write_end.get();
    std::vector<HANDLE> inherited{null_in.get(), out->write_end.get()};
    if (err)
        inherited.push_back(err->write_end.get());
    inherit_list attributes(inherited);
    if (!attributes.ok())
        return fail("cannot restrict the handles the child inherits: " + last_error_text());

    STARTUPINFOEXW si{};
    si.StartupInfo.cb = sizeof si;
    si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    si.StartupInfo.hStdInput = null_in.get();
    si.StartupInfo.hStdOutput = out->write_end.get();
    si.StartupInfo.hStdError = stderr_handle;
    si.lpAttributeList = attributes.get();

    // The child shares our console (no CREATE_NEW_CONSOLE, no
    // CREATE_NO_WINDOW): CTRL_BREAK_EVENT only reaches processes attached to
    // the sender's console. It leads a new process group, so the event can be
    // addressed to it (and its descendants) alone.
    DWORD const flags = CREATE_SUSPENDED | CREATE_NEW_PROCESS_GROUP | CREATE_UNICODE_ENVIRONMENT |
                        EXTENDED_STARTUPINFO_PRESENT;
    std::wstring command_line = quote_command_line(argv);
    PROCESS_INFORMATION pi{};
    if (!::CreateProcessW(program->c_str(), command_line.data(), nullptr, nullptr, TRUE, flags,
                          const_cast<wchar_t*>(env_block.c_str()), directory.empty() ? nullptr : directory.c_str(),
                          &si.StartupInfo, &pi))
        return fail("cannot execute '" + request.argv[0] + "': " + last_error_text());

    started_child child;
    child.pid = pi.dwProcessId;
    child.process.reset(pi.hProcess);
    unique_handle thread(pi.hThread);
    // The child's ends are its own now; ours must go, or end of file never comes.
    out->write_end.reset();
    if (err)
        err->write_end.reset();

    auto abandon = [&](std::string message) {
        ::TerminateProcess(child.process.get(), 1);
        ::WaitForSingleObject(child.process.get(), 5000);
        return fail(std::move(message));
    };
    child.job.reset(::CreateJobObjectW(nullptr, nullptr));
    if (!child.job)
        return abandon("cannot create a Job Object: " + last_error_text());
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
    // The whole tree dies with the job handle, i.e. with warden; an unhandled
    // exception ends the process instead of waiting on an error dialog.
    limits.BasicLimitInformation.LimitFlags =
        JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION;
    if (!::SetInformationJobObject(child.job.get(), JobObjectExtendedLimitInformation, &limits, sizeof limits))
        return abandon("cannot set the Job Object's limits: " + last_error_text());
    if (!::AssignProcessToJobObject(child.job.get(), child.process.get()))
        return abandon("cannot assign the process to its Job Object: " + last_error_text());
    if (::ResumeThread(thread.get()) == static_cast<DWORD>(-1))
        return abandon("cannot resume the process: " + last_error_text());

    child.stdout_read = std::move(out->read_end);
    if (err)
        child.stderr_read = std::move(err->read_end);
    return child;
}

} // namespace warden::platform::windows
