#!/usr/bin/env bash
# Time of `wardenctl status` with N programs (default 1000) running: the
# median and min-max of RUNS calls (default 20), client start to exit.
#   usage: bench/ctl-status.sh [N] [RUNS]     (needs ./scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
runs=${2:-20}
work=$(mktemp -d)
trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT
{
  printf '[warden]\nsocket = %s/w.sock\nminfds = 8192\n' "$work"
  for i in $(seq 1 "$n"); do
    printf '[program:p%d]\ncommand = sleep 100000\nstartsecs = 0\nstdout_logfile = NONE\nstderr_logfile = NONE\n' "$i"
  done
} > "$work/bench.ini"
./build/bin/wardend -c "$work/bench.ini" 2>"$work/log" &
pid=$!
until [ "$(grep -c -- '-> RUNNING' "$work/log")" -ge "$n" ]; do sleep 0.05; done
ctl="./build/bin/wardenctl -s $work/w.sock"
[ "$($ctl status | wc -l)" -eq "$n" ]
times=()
for _ in $(seq 1 "$runs"); do
  t0=$(date +%s%N)
  $ctl status >/dev/null
  t1=$(date +%s%N)
  times+=($(( (t1 - t0) / 1000 )))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "wardenctl status, $n programs, $runs runs: median $(( sorted[runs / 2] / 1000 )).$(( sorted[runs / 2] % 1000 / 100 )) ms" \
     "[min $(( sorted[0] / 1000 )) ms, max $(( sorted[runs - 1] / 1000 )) ms]"
