// warden-win-launch PROGRAM [ARGS...]: run PROGRAM with a console of its
// own and our std handles, and exit with its exit code.
//
// A program that `wine` starts without a terminal has no console, so the
// console control APIs fail in it (notes/windows-under-wine.md). Started
// with CREATE_NO_WINDOW, Wine gives it a headless console: warden's own
// console handler, and GenerateConsoleCtrlEvent, can then be exercised.
#include <windows.h>

#include <cstdio>
#include <string>

int wmain(int argc, wchar_t** argv)
{
    if (argc < 2) {
        std::fputs("usage: warden-win-launch PROGRAM [ARGS...]\n", stderr);
        return 64;
    }
    // Our own command line minus our argv[0], as typed: no re-quoting.
    std::wstring line = ::GetCommandLineW();
    std::size_t pos = 0;
    if (!line.empty() && line[0] == L'"')
        pos = line.find(L'"', 1) + 1;
    else
        pos = line.find_first_of(L" \t");
    if (pos == std::wstring::npos)
        pos = line.size();
    std::wstring rest = line.substr(pos);
    rest.erase(0, rest.find_first_not_of(L" \t"));

    STARTUPINFOW si{};
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = ::GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = ::GetStdHandle(STD_OUTPUT_HANDLE);
    si.hStdError = ::GetStdHandle(STD_ERROR_HANDLE);
    PROCESS_INFORMATION pi{};
    if (!::CreateProcessW(nullptr, rest.data(), nullptr, nullptr, TRUE, CREATE_NO_WINDOW, nullptr, nullptr, &si,
                          &pi)) {
        std::fprintf(stderr, "warden-win-launch: cannot start %ls: error %lu\n", argv[1], ::GetLastError());
        return 127;
    }
    ::CloseHandle(pi.hThread);
    ::WaitForSingleObject(pi.hProcess, INFINITE);
    DWORD code = 1;
    ::GetExitCodeProcess(pi.hProcess, &code);
    return static_cast<int>(code);
}
