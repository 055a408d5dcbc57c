#!/usr/bin/env bash
# README command 2: install, build, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
./scripts/check-portable.sh
cd build
ctest --output-on-failure -j"$(nproc)" --timeout 600
