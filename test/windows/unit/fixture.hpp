// Shared by the Windows unit tests: run an io_context until a condition
// holds (with a deadline, never a sleep), and where the test child is.
#pragma once

#include <boost/asio/io_context.hpp>

#include <windows.h>

#include <chrono>
#include <functional>
#include <string>

namespace warden::test {

/// Run `io` until `done()` or `limit` passes; returns done().
inline bool run_until(boost::asio::io_context& io, std::function<bool()> const& done,
                      std::chrono::milliseconds limit = std::chrono::seconds(20))
{
    auto const deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
        io.restart();
        io.run_for(std::chrono::milliseconds(20));
    }
    return done();
}

/// A file next to this test executable (the test child lives there).
inline std::string beside_me(std::string const& name)
{
    char self[MAX_PATH];
    DWORD const n = ::GetModuleFileNameA(nullptr, self, MAX_PATH);
    std::string dir(self, n);
    return dir.substr(0, dir.find_last_of("\\/") + 1) + name;
}

inline std::string child_path() { return beside_me("warden-win-child.exe"); }

/// A fresh, empty temporary directory name (not created).
inline std::string temp_name(std::string const& what)
{
    char dir[MAX_PATH];
    ::GetTempPathA(MAX_PATH, dir);
    static int counter = 0;
    return std::string(dir) + "warden-test-" + std::to_string(::GetCurrentProcessId()) + "-" +
           std::to_string(++counter) + "-" + what;
}

inline bool process_alive(unsigned long pid)
{
    HANDLE h = ::OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
    if (!h)
        return false;
    bool const alive = ::WaitForSingleObject(h, 0) == WAIT_TIMEOUT;
    ::CloseHandle(h);
    return alive;
}

} // namespace warden::test
