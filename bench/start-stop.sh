#!/usr/bin/env bash
# Time for wardend to start N programs (until N are RUNNING, startsecs=0) and
# to stop them (SIGTERM until wardend has exited), plus the daemon's RSS/PSS
# with those N children running, and with config/example.ini.
#   usage: bench/start-stop.sh [N] [RUNS]      (defaults: 100 programs, 5 runs)
# Needs a build (./scripts/build.sh). The full benchmark suite is issue 6.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100}
runs=${2:-5}
wardend=$PWD/build/bin/wardend
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

{
  echo "[warden]"
  echo "childlogdir = $work/logs"
  for i in $(seq 1 "$n"); do
    printf '[program:p%d]\ncommand = sleep 100000\nstartsecs = 0\nstdout_logfile = NONE\nstderr_logfile = NONE\n' "$i"
  done
} > "$work/bench.ini"

ms() { echo $(( ($2 - $1) / 1000000 )); }
mem() { awk '/^(Rss|Pss):/ {printf "%s %s kB  ", $1, $2}' "/proc/$1/smaps_rollup"; }

for run in $(seq 1 "$runs"); do
  : > "$work/log"
  t0=$(date +%s%N)
  "$wardend" -c "$work/bench.ini" 2>"$work/log" &
  pid=$!
  until [ "$(grep -c -- '-> RUNNING' "$work/log")" -ge "$n" ]; do sleep 0.005; done
  t1=$(date +%s%N)
  m=$(mem "$pid")
  kill -TERM "$pid"
  wait "$pid"
  t2=$(date +%s%N)
  echo "run $run: start $n: $(ms "$t0" "$t1") ms, stop $n: $(ms "$t1" "$t2") ms, daemon $m"
done

cd "$work"
"$wardend" -c "$OLDPWD/config/example.ini" 2>"$work/example.log" &
pid=$!
until grep -q 'worker: STARTING -> RUNNING' "$work/example.log"; do sleep 0.05; done
sleep 2
echo "example.ini: daemon $(mem "$pid")"
kill -TERM "$pid"
wait "$pid"
