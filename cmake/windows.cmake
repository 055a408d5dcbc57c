# The Windows variant (issue 5, SPEC §4, §6, §8, §9): cross-built with
# mingw-w64 (cmake/mingw-w64.cmake) and tested under Wine by
# test/windows/run.sh. Included from CMakeLists.txt when WIN32, after the
# portable modules (config, core) exist; nothing here touches the Linux build.
#
# Boost: Debian's 1.81 headers (only they, never the rest of /usr/include),
# and Boost.Log, JSON and program_options built for mingw by
# test/windows/toolchain.sh into WARDEN_MINGW_BOOST (outside the checkout).

set(WARDEN_MINGW_BOOST "" CACHE PATH "prefix holding lib/libboost_log.a etc. built for mingw-w64")
if(NOT EXISTS "${WARDEN_MINGW_BOOST}/lib/libboost_log.a")
  message(FATAL_ERROR "WARDEN_MINGW_BOOST=${WARDEN_MINGW_BOOST} holds no Boost.Log for mingw; "
                      "run test/windows/toolchain.sh (it prints the prefix)")
endif()

# -O2, as the Linux build: at -O3 GCC 12 reports false -Wrestrict and
# -Wmaybe-uninitialized warnings inside libstdc++.
string(REPLACE "-O3" "-O2" CMAKE_CXX_FLAGS_RELEASE "${CMAKE_CXX_FLAGS_RELEASE}")

set(boost_shim ${CMAKE_BINARY_DIR}/boost-include)
file(MAKE_DIRECTORY ${boost_shim})
file(CREATE_LINK /usr/include/boost ${boost_shim}/boost SYMBOLIC)

add_library(warden_boost INTERFACE)
target_include_directories(warden_boost SYSTEM INTERFACE ${boost_shim})
# Windows 10 API; no min/max macros; the static Boost libraries.
target_compile_definitions(warden_boost INTERFACE
  _WIN32_WINNT=0x0A00 WIN32_LEAN_AND_MEAN NOMINMAX _POSIX_THREAD_SAFE_FUNCTIONS
  BOOST_ALL_NO_LIB)
foreach(lib log_setup log json program_options thread filesystem atomic chrono container regex)
  if(EXISTS ${WARDEN_MINGW_BOOST}/lib/libboost_${lib}.a)
    add_library(warden_boost_${lib} STATIC IMPORTED)
    set_target_properties(warden_boost_${lib} PROPERTIES IMPORTED_LOCATION ${WARDEN_MINGW_BOOST}/lib/libboost_${lib}.a)
  endif()
endforeach()
add_library(warden_boost_log_all INTERFACE)
target_link_libraries(warden_boost_log_all INTERFACE warden_boost_log_setup warden_boost_log warden_boost_thread
  warden_boost_filesystem warden_boost_atomic)
set(warden_win_system_libs ws2_32 mswsock advapi32 kernel32)

# The portable modules see Windows' definitions too (they include no OS header).
target_link_libraries(warden_config PUBLIC warden_boost)

warden_module(warden_platform platform/windows)
target_link_libraries(warden_platform PUBLIC warden_core warden_boost ${warden_win_system_libs})

# The control plane: the portable codec, session, server and client, the
# Windows transport (named pipes).
add_library(warden_control STATIC
  src/control/client.cpp src/control/codec.cpp src/control/config_socket.cpp src/control/format.cpp
  src/control/protocol.cpp src/control/server.cpp src/control/session.cpp
  src/control/windows/client_win.cpp src/control/windows/pipe_listener.cpp
  src/control/windows/pipe_security.cpp src/control/windows/pipe_stream.cpp
  src/control/windows/socket_path_win.cpp)
target_include_directories(warden_control PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/src)
target_compile_options(warden_control PRIVATE ${WARDEN_WARNINGS})
target_link_libraries(warden_control PUBLIC warden_config warden_boost warden_boost_json ${warden_win_system_libs})

warden_module(warden_runtime runtime)
target_link_libraries(warden_runtime PUBLIC warden_core warden_platform warden_control warden_boost
  warden_boost_log_all)

# supervisord's front door (SPEC §11): [inet_http_server] only; a Unix
# HTTP socket is refused with a message (windows/listen_unix_win.cpp).
warden_module(warden_xmlrpc xmlrpc)
target_link_libraries(warden_xmlrpc PUBLIC warden_boost)
add_library(warden_http STATIC src/http/auth.cpp src/http/router.cpp src/http/server.cpp
  src/http/windows/listen_unix_win.cpp)
target_include_directories(warden_http PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/src)
target_compile_options(warden_http PRIVATE ${WARDEN_WARNINGS})
target_link_libraries(warden_http PUBLIC warden_boost ${warden_win_system_libs})
warden_module(warden_rpc rpc)
target_link_libraries(warden_rpc PUBLIC warden_runtime warden_http warden_xmlrpc)

add_executable(wardend daemon/wardend.cpp daemon/service_win.cpp)
target_link_libraries(wardend PRIVATE warden_rpc warden_runtime warden_control warden_boost_program_options)
target_compile_options(wardend PRIVATE ${WARDEN_WARNINGS})
target_compile_definitions(wardend PRIVATE WARDEN_VERSION="${PROJECT_VERSION}")
set_target_properties(wardend PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)

add_executable(wardenctl daemon/wardenctl.cpp)
target_link_libraries(wardenctl PRIVATE warden_control warden_boost_program_options)
target_compile_options(wardenctl PRIVATE ${WARDEN_WARNINGS})
target_compile_definitions(wardenctl PRIVATE WARDEN_VERSION="${PROJECT_VERSION}")
set_target_properties(wardenctl PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)

# --- tests (run under Wine by test/windows/run.sh) ----------------------------
# A scriptable Windows child, a launcher that gives the program under test a
# console, and the unit tests of the Windows pieces (header-only Boost.Test).
add_executable(warden-win-child test/windows/child.cpp)
target_compile_options(warden-win-child PRIVATE ${WARDEN_WARNINGS})
target_link_libraries(warden-win-child PRIVATE warden_boost)
add_executable(warden-win-launch test/windows/launcher.cpp)
target_compile_options(warden-win-launch PRIVATE ${WARDEN_WARNINGS})
target_link_libraries(warden-win-launch PRIVATE warden_boost)
target_link_options(warden-win-launch PRIVATE -municode)
file(GLOB windows_unit_tests CONFIGURE_DEPENDS test/windows/unit/*.cpp)
add_executable(windows_tests test/unit/main.cpp ${windows_unit_tests})
target_link_libraries(windows_tests PRIVATE warden_runtime warden_control)
target_compile_options(windows_tests PRIVATE ${WARDEN_WARNINGS})
target_compile_definitions(windows_tests PRIVATE WARDEN_BOOST_TEST_HEADER_ONLY)
set_target_properties(warden-win-child warden-win-launch windows_tests PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/test-bin)

include(${CMAKE_CURRENT_SOURCE_DIR}/packaging/windows/cpack.cmake OPTIONAL)
