// warden-win-child: a scriptable Windows child for the Windows tests.
//
//   --pidfile FILE      write our pid to FILE (to FILE.tmp, then renamed)
//   --print TEXT        print TEXT and a newline on stdout
//   --stderr TEXT       print TEXT and a newline on stderr
//   --env NAME          print "NAME=value" or "NAME unset"
//   --pwd               print "cwd=DIR"
//   --on-break FILE     on CTRL_BREAK_EVENT (or CTRL_C), write "break" to FILE
//                       and exit 0 (the graceful stop on real Windows)
//   --grandchild FILE   start a grandchild (this program, --pidfile FILE and
//                       sleeping), inheriting our group and job; wait until
//                       FILE exists, then print "grandchild <pid>"
//   --crash             die by an access violation (0xC0000005)
//   --exit CODE         exit with CODE when the steps are done ...
//   --exit-after-ms MS  ... after MS milliseconds (code from --exit, or 0)
//   (nothing to end)    sleep until killed
//   --alive PID         only answer whether process PID runs: exit 0 if so, 1 if not
//
// The steps run in the order of this list, whatever the order of the flags.
#include <windows.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

std::string break_file;

BOOL WINAPI on_event(DWORD type)
{
    if (type != CTRL_BREAK_EVENT && type != CTRL_C_EVENT)
        return FALSE;
    if (FILE* f = std::fopen(break_file.c_str(), "ab")) {
        std::fputs("break\n", f);
        std::fclose(f);
    }
    std::fflush(stdout);
    ::ExitProcess(0);
}

void write_pidfile(std::string const& file)
{
    std::string const tmp = file + ".tmp";
    if (FILE* f = std::fopen(tmp.c_str(), "wb")) {
        std::fprintf(f, "%lu\n", ::GetCurrentProcessId());
        std::fclose(f);
        ::MoveFileExA(tmp.c_str(), file.c_str(), MOVEFILE_REPLACE_EXISTING);
    }
}

bool exists(std::string const& file) { return ::GetFileAttributesA(file.c_str()) != INVALID_FILE_ATTRIBUTES; }

} // namespace

int main(int argc, char** argv)
{
    std::string pidfile, grandchild;
    std::vector<std::pair<std::string, std::string>> out; // (stream, text) in order
    bool pwd = false, crash = false;
    std::vector<std::string> envs;
    int exit_code = -1;
    long exit_after = -1;
    for (int i = 1; i < argc; ++i) {
        std::string const a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", a.c_str());
                std::exit(64);
            }
            return argv[++i];
        };
        if (a == "--pidfile") pidfile = next();
        else if (a == "--print") out.emplace_back("out", next());
        else if (a == "--stderr") out.emplace_back("err", next());
        else if (a == "--env") envs.push_back(next());
        else if (a == "--pwd") pwd = true;
        else if (a == "--on-break") break_file = next();
        else if (a == "--grandchild") grandchild = next();
        else if (a == "--crash") crash = true;
        else if (a == "--alive") {
            HANDLE h = ::OpenProcess(SYNCHRONIZE, FALSE, std::strtoul(next().c_str(), nullptr, 10));
            bool const alive = h && ::WaitForSingleObject(h, 0) == WAIT_TIMEOUT;
            if (h)
                ::CloseHandle(h);
            return alive ? 0 : 1;
        }
        else if (a == "--exit") exit_code = std::atoi(next().c_str());
        else if (a == "--exit-after-ms") exit_after = std::atol(next().c_str());
        else {
            std::fprintf(stderr, "unknown option %s\n", a.c_str());
            return 64;
        }
    }
    if (!pidfile.empty())
        write_pidfile(pidfile);
    for (auto const& [stream, text] : out)
        std::fprintf(stream == "out" ? stdout : stderr, "%s\n", text.c_str());
    for (auto const& name : envs) {
        char const* v = std::getenv(name.c_str());
        if (v)
            std::printf("%s=%s\n", name.c_str(), v);
        else
            std::printf("%s unset\n", name.c_str());
    }
    if (pwd) {
        char dir[MAX_PATH];
        ::GetCurrentDirectoryA(MAX_PATH, dir);
        std::printf("cwd=%s\n", dir);
    }
    std::fflush(stdout);
    std::fflush(stderr);
    if (!break_file.empty())
        ::SetConsoleCtrlHandler(on_event, TRUE);
    if (!grandchild.empty()) {
        char self[MAX_PATH];
        ::GetModuleFileNameA(nullptr, self, MAX_PATH);
        std::string cmd = std::string("\"") + self + "\" --pidfile \"" + grandchild + "\"";
        STARTUPINFOA si{};
        si.cb = sizeof si;
        PROCESS_INFORMATION pi{};
        if (!::CreateProcessA(nullptr, cmd.data(), nullptr, nullptr, TRUE, 0, nullptr, nullptr, &si, &pi)) {
            std::fprintf(stderr, "cannot start the grandchild: error %lu\n", ::GetLastError());
            return 65;
        }
        for (int i = 0; i < 1000 && !exists(grandchild); ++i)
            ::Sleep(10);
        std::printf("grandchild %lu\n", pi.dwProcessId);
        std::fflush(stdout);
        ::CloseHandle(pi.hThread);
        ::CloseHandle(pi.hProcess);
    }
    if (crash) {
        volatile int* p = nullptr;
        *p = 1;
    }
    if (exit_after >= 0)
        ::Sleep(static_cast<DWORD>(exit_after));
    if (exit_code >= 0 || exit_after >= 0)
        return exit_code >= 0 ? exit_code : 0;
    for (;;)
        ::Sleep(1000);
}
