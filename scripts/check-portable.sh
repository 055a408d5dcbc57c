#!/usr/bin/env bash
# The core and config modules (and their unit tests) must compile for Windows
# with mingw-w64, with no POSIX header and no compiled Boost library.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f build-mingw/CMakeCache.txt ] ||
  cmake -S . -B build-mingw -DWARDEN_PORTABLE_ONLY=ON \
        -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64.cmake -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-mingw -j"$(nproc)" >/dev/null
echo "portable check: config and core (with their unit tests) build for Windows (mingw-w64)"
