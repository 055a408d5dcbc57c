#!/usr/bin/env bash
# README command 1: install, build, and run wardend in the foreground on the
# example config. Ctrl-C stops it (in order), a second Ctrl-C kills everything.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh wardend >/dev/null
exec ./build/bin/wardend -c config/example.ini "$@"
