#!/usr/bin/env bash
# Install every build, test and demo dependency of warden on Debian 12.
# Idempotent, and silent when everything is already there.
set -euo pipefail

packages=(
  cmake g++ make ccache
  libboost1.81-dev libboost-log1.81-dev libboost-test1.81-dev
  libboost-json1.81-dev libboost-program-options1.81-dev
  g++-mingw-w64-x86-64-posix   # compile check of the OS-free core for Windows
  supervisor                   # supervisord's own parser: the config test oracle
  python3                      # the example config's web server, the oracle script
  procps util-linux            # ps, setpriv, unshare used by the tests
  dpkg-dev file                # cpack -G DEB: dpkg-shlibdeps computes Depends (needs file)
  groff-base man-db logrotate  # the package test renders the man pages, runs the logrotate snippet
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# supervisor's service must not start on install: it is only a parser oracle here.
echo exit 101 | $sudo tee /usr/sbin/policy-rc.d >/dev/null
$sudo chmod +x /usr/sbin/policy-rc.d
trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
