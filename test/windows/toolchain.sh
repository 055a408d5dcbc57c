#!/usr/bin/env bash
# The Windows cross toolchain on Debian 12: mingw-w64, Wine, and Boost.Log,
# JSON and program_options built for mingw from Debian's own boost1.81
# source package (notes/windows-under-wine.md). Idempotent; the libraries
# are cached outside the checkout, so only the first run builds them.
# Prints the cache prefix (holding lib/) on its last line.
set -euo pipefail

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive

packages=(cmake make ccache libboost1.81-dev g++-mingw-w64-x86-64-posix wine64 wine)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ -n "${WARDEN_MINGW_CACHE:-}" ]; then
  cache=$WARDEN_MINGW_CACHE
elif [ "$(id -u)" -eq 0 ]; then
  cache=/var/cache/warden-mingw-boost
else
  cache=${XDG_CACHE_HOME:-$HOME/.cache}/warden/mingw-boost
fi
stamp="$cache/boost-1.81-mingw.ok"

if [ ! -f "$stamp" ]; then
  echo "building Boost.Log, JSON and program_options 1.81 for mingw-w64 into $cache (once; about 3 minutes)" >&2
  for p in bison dpkg-dev xz-utils; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
      { $sudo apt-get update -qq; $sudo apt-get install -y -qq --no-install-recommends bison dpkg-dev xz-utils >/dev/null; break; }
  done
  work=$(mktemp -d)
  srclist=/etc/apt/sources.list.d/warden-deb-src.sources
  cleanup() { rm -rf "$work"; $sudo rm -f "$srclist"; }
  trap cleanup EXIT
  # Debian's source package, fetched through a temporary deb-src entry that
  # mirrors the binary sources.
  sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources | $sudo tee "$srclist" >/dev/null
  $sudo apt-get update -qq
  (cd "$work" && apt-get source -qq --download-only boost1.81 >/dev/null)
  $sudo rm -f "$srclist"
  $sudo apt-get update -qq || true
  (cd "$work" && tar xf boost1.81_*.orig.tar.*)
  src=$(find "$work" -maxdepth 1 -type d -name 'boost*' | head -n1)
  cd "$src/tools/build"
  bison -y -d -o src/engine/jamgram.cpp src/engine/jamgram.y
  cd "$src"
  ./bootstrap.sh >/dev/null
  cat > "$work/user-config.jam" <<'JAM'
using gcc : mingw : x86_64-w64-mingw32-g++-posix :
  <archiver>x86_64-w64-mingw32-ar
  <ranlib>x86_64-w64-mingw32-ranlib
  <rc>x86_64-w64-mingw32-windres ;
JAM
  jobs=${WARDEN_JOBS:-2}
  mkdir -p "$cache"
  nice ./b2 -q -j"$jobs" --user-config="$work/user-config.jam" --build-dir="$work/b2" \
    --stagedir="$cache" --with-log --with-json --with-program_options \
    toolset=gcc-mingw target-os=windows threadapi=win32 link=static runtime-link=static \
    variant=release address-model=64 cxxstd=17 \
    define=_WIN32_WINNT=0x0A00 \
    stage >"$work/b2.log" 2>&1 || { tail -n 60 "$work/b2.log" >&2; exit 1; }
  touch "$stamp"
  cleanup
  trap - EXIT
fi
echo "$cache"
