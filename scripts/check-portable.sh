#!/usr/bin/env bash
# The core and config modules (and their unit tests) must compile for Windows
# with mingw-w64, with no POSIX header and no compiled Boost library, and
# without a warning. Compile only, at -O0: GCC 12 reports false -Wrestrict
# warnings inside libstdc++ at -O3.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { [ -f build-mingw/CMakeCache.txt ] ||
       cmake -S . -B build-mingw -DWARDEN_PORTABLE_ONLY=ON -DCMAKE_BUILD_TYPE=Debug \
             -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64.cmake -DCMAKE_CXX_FLAGS=-Werror; } >"$log" 2>&1 ||
   ! cmake --build build-mingw -j"$(nproc)" >>"$log" 2>&1; then
  cat "$log"
  echo "portable check FAILED: config/core do not build for Windows (mingw-w64)"
  exit 1
fi
echo "portable check: config and core (with their unit tests) build for Windows (mingw-w64)"
