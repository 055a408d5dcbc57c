#!/usr/bin/env bash
# Build the Windows variant with mingw-w64 and run the Windows tests under
# Wine (issue 5). Works on a fresh Debian 12: installs what it needs,
# builds Boost.Log/JSON/program_options for mingw once (cached outside the
# checkout, see toolchain.sh), leaves wardend.exe and wardenctl.exe in
# build-windows/bin/, and ends with "N passed, M failed" (exit 1 if M > 0).
#
#   WARDEN_JOBS=N          build parallelism (default 2)
#   WARDEN_WINEPREFIX=DIR  the Wine prefix (default: next to the Boost cache)
#   WARDEN_WIN_TESTS="a b" run only these tests (names as printed)
#   WARDEN_WIN_VERBOSE=1   show every test's output, not only a failing one's
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
jobs=${WARDEN_JOBS:-2}

prefix=$(bash test/windows/toolchain.sh | tail -n1)

# --- build ---------------------------------------------------------------------
build=$root/build-windows
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64.cmake -DCMAKE_BUILD_TYPE=Release \
        -DWARDEN_MINGW_BOOST="$prefix" >/dev/null
fi
log=$(mktemp)
if ! nice cmake --build "$build" -j"$jobs" >"$log" 2>&1; then
  cat "$log"; rm -f "$log"
  echo "Windows build FAILED"
  echo "0 passed, 1 failed"
  exit 1
fi
rm -f "$log"
bin=$build/bin
tbin=$build/test-bin

# --- Wine ------------------------------------------------------------------------
export WINEDEBUG=-all
export WINEPREFIX=${WARDEN_WINEPREFIX:-$(dirname "$prefix")/warden-wineprefix}
export WINEDLLOVERRIDES="mscoree,mshtml=" # no Mono/Gecko installer prompts
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  echo "preparing the Wine prefix $WINEPREFIX (once)"
  mkdir -p "$WINEPREFIX"
  timeout 180 wineboot --init >/dev/null 2>&1 || true
  # No Wine debugger on a crashing test child (Windows has the job's
  # DIE_ON_UNHANDLED_EXCEPTION for that, which Wine ignores).
  timeout 60 wine reg add 'HKLM\Software\Microsoft\Windows NT\CurrentVersion\AeDebug' /v Debugger /d '' /f \
    >/dev/null 2>&1 || true
  timeout 60 wineserver -w || true   # the registry is written when the server exits
fi
wineserver -p 2>/dev/null || true    # one server for every wine call below
work=$(mktemp -d /tmp/warden-win.XXXXXX)
cleanup() {
  wineserver -k 2>/dev/null || true  # this prefix's server (and every process in it) only
  rm -rf "$work"
}
trap cleanup EXIT

winpath() { local p=${1//\//\\}; echo "Z:$p"; }
launch=$tbin/warden-win-launch.exe
child=$tbin/warden-win-child.exe
wchild=$(winpath "$child")

passed=0 failed=0
declare -a failures=()
selected() { [ -z "${WARDEN_WIN_TESTS:-}" ] || [[ " $WARDEN_WIN_TESTS " == *" $1 "* ]]; }
run_test() {
  local name=$1; shift
  selected "$name" || return 0
  local out=$work/$name.out
  local start=$SECONDS
  # In its own subshell, started apart from the `if`: errexit then holds
  # inside the test (bash ignores it in functions called from a condition).
  ( set -e; "$@" ) >"$out" 2>&1 &
  if wait $!; then
    passed=$((passed + 1)); echo "PASS $name ($((SECONDS - start))s)"
    [ -z "${WARDEN_WIN_VERBOSE:-}" ] || sed 's/^/    /' "$out"
  else
    failed=$((failed + 1)); failures+=("$name"); echo "FAIL $name ($((SECONDS - start))s)"
    sed 's/^/    /' "$out" | tail -n 60
  fi
}

# Wait (with a deadline) until a command succeeds.
wait_for() { # SECONDS COMMAND...
  local limit=$1; shift
  local end=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $end ] || { echo "timed out after ${limit}s waiting for: $*"; return 1; }
    sleep 0.2
  done
}
alive() { wine "$child" --alive "$1"; }
dead() { if alive "$1"; then echo "process $1 is still alive"; return 1; fi; }
ctl() { timeout 60 wine "$bin/wardenctl.exe" "$@"; }
# The Unix pid of the Wine process running wardend.exe with config $1 (not
# the launcher, nor `timeout` or `wine` in front of it, which name it too).
wardend_unix_pid() {
  local p
  for p in $(pgrep -f "wardend.exe.*$(basename "$1")"); do
    tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q "warden-win-launch" || { echo "$p"; return 0; }
  done
}

# Start wardend.exe (through the launcher, for a console) in the background;
# sets $daemon (the launcher's wine job) and waits until the pipe answers.
start_wardend() { # CONFIG PIPE
  timeout 300 wine "$launch" "$bin/wardend.exe" -c "$(winpath "$1")" --log-level debug >"$1.log" 2>&1 &
  daemon=$!
  wait_for 60 ctl -s "$2" version || { cat "$1.log"; return 1; }
}
stop_wardend() { # PIPE -> fails unless `wardenctl shutdown` and wardend both succeed
  local out rc=0
  out=$(ctl -s "$1" shutdown) || rc=$?
  echo "wardenctl shutdown: exit $rc: $out"
  local drc=0
  wait "$daemon" || drc=$?
  echo "wardend: exit $drc"
  [ $rc -eq 0 ] && [ $drc -eq 0 ]
}

# --- the tests -------------------------------------------------------------------

t_unit() {
  timeout 300 wine "$launch" "$tbin/windows_tests.exe" --color_output=no --log_level=test_suite
}

t_check_user_is_an_error() {
  local cfg=$work/user.ini
  printf '[program:x]\ncommand = %s\nuser = nobody\n' "$wchild" >"$cfg"
  local rc=0 out
  out=$(timeout 60 wine "$bin/wardend.exe" --check -c "$(winpath "$cfg")" 2>&1) || rc=$?
  echo "$out"
  [ $rc -eq 2 ] && grep -q "user: switching user is not supported on Windows" <<<"$out"
}

# RUNNING, crash -> restart -> FATAL, output capture, numprocs and
# environment, wardenctl status over the pipe.
t_supervise() {
  local cfg=$work/supervise.ini pipe=warden-t-supervise
  cat >"$cfg" <<INI
[warden]
socket = $pipe
childlogdir = $(winpath "$work")
[program:steady]
command = "$wchild" --print hello-from-steady
startsecs = 1
[program:crashy]
command = "$wchild" --crash
startsecs = 1
startretries = 2
[program:multi]
command = "$wchild" --env WARDEN_N
process_name = %(program_name)s_%(process_num)d
numprocs = 2
environment = WARDEN_N="n%(process_num)d"
startsecs = 1
INI
  start_wardend "$cfg" "$pipe"
  wait_for 30 bash -c "timeout 30 wine '$bin/wardenctl.exe' -s $pipe status crashy | grep -q FATAL"
  wait_for 30 bash -c "timeout 30 wine '$bin/wardenctl.exe' -s $pipe status steady | grep -q RUNNING"
  ctl -s "$pipe" status || true   # exit 3-ish: not all running; shown for the log
  local st; st=$(ctl -s "$pipe" status --json || true)
  echo "$st"
  grep -q '"steady"' <<<"$st"
  # crashy: 1 + startretries attempts, each an access violation
  [ "$(grep -c "crashy.*0xC0000005" "$cfg.log")" -ge 3 ] || { echo "expected 3 crashes in the log"; return 1; }
  grep -rq hello-from-steady "$work"/steady*stdout* || { echo "steady's output not captured"; ls "$work"; return 1; }
  wait_for 30 bash -c "timeout 30 wine '$bin/wardenctl.exe' -s $pipe status multi:* | grep -c RUNNING | grep -q 2"
  grep -q "WARDEN_N=n1" "$work"/*multi_1*stdout* || { echo "multi_1's environment not seen"; ls "$work"; return 1; }
  stop_wardend "$pipe"
}

# CTRL_BREAK cannot be delivered under Wine: the failure is logged and the
# child and its grandchild are killed together (Job Object) after stopwaitsecs.
t_stop_falls_back_to_job_kill() {
  local cfg=$work/tree.ini pipe=warden-t-tree
  cat >"$cfg" <<INI
[warden]
socket = $pipe
[program:tree]
command = "$wchild" --pidfile "$(winpath "$work")\\tree.pid" --grandchild "$(winpath "$work")\\tree-gc.pid"
startsecs = 1
stopwaitsecs = 2
INI
  start_wardend "$cfg" "$pipe"
  wait_for 30 test -s "$work/tree-gc.pid"
  wait_for 30 bash -c "timeout 30 wine '$bin/wardenctl.exe' -s $pipe status tree | grep -q RUNNING"
  local pid gc
  pid=$(tr -d '\r\n' <"$work/tree.pid"); gc=$(tr -d '\r\n' <"$work/tree-gc.pid")
  alive "$pid"; alive "$gc"
  local t0=$SECONDS
  ctl -s "$pipe" stop tree
  local took=$((SECONDS - t0))
  echo "stop took ${took}s"
  dead "$pid"; dead "$gc"
  grep -q "GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT" "$cfg.log" ||
    grep -q "tree: .*exit code 0xC000013A" "$cfg.log" || { echo "neither a BREAK failure nor a BREAK exit logged"; return 1; }
  local st; st=$(ctl -s "$pipe" status tree || true)
  echo "$st"
  grep -q STOPPED <<<"$st"
  stop_wardend "$pipe"
}

# wardend.exe killed (its Linux process SIGKILLed) -> its children and
# grandchildren go with it (JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE).
t_killed_daemon_takes_children() {
  local cfg=$work/orphans.ini pipe=warden-t-orphans
  cat >"$cfg" <<INI
[warden]
socket = $pipe
[program:a]
command = "$wchild" --pidfile "$(winpath "$work")\\a.pid" --grandchild "$(winpath "$work")\\a-gc.pid"
[program:b]
command = "$wchild" --pidfile "$(winpath "$work")\\b.pid"
INI
  start_wardend "$cfg" "$pipe"
  wait_for 30 test -s "$work/a-gc.pid"
  wait_for 30 test -s "$work/b.pid"
  local a gc b upid
  a=$(tr -d '\r\n' <"$work/a.pid"); gc=$(tr -d '\r\n' <"$work/a-gc.pid"); b=$(tr -d '\r\n' <"$work/b.pid")
  alive "$a"; alive "$gc"; alive "$b"
  upid=$(wardend_unix_pid "$cfg")
  [ -n "$upid" ] || { echo "cannot find wardend.exe's process"; return 1; }
  kill -KILL "$upid"
  wait "$daemon" || true
  wait_for 30 dead "$a"
  wait_for 30 dead "$gc"
  wait_for 30 dead "$b"
}

# warden's own console handler: SIGINT to its Wine process runs it with
# CTRL_C_EVENT -> the ordered shutdown (reverse priority), exit 0.
t_console_ctrl_c_shuts_down() {
  local cfg=$work/ctrlc.ini pipe=warden-t-ctrlc
  cat >"$cfg" <<INI
[warden]
socket = $pipe
[program:first]
command = "$wchild" --pidfile "$(winpath "$work")\\first.pid"
priority = 1
stopwaitsecs = 1
[program:second]
command = "$wchild" --pidfile "$(winpath "$work")\\second.pid"
priority = 2
stopwaitsecs = 1
INI
  start_wardend "$cfg" "$pipe"
  wait_for 30 test -s "$work/first.pid"
  wait_for 30 test -s "$work/second.pid"
  wait_for 30 bash -c "timeout 30 wine '$bin/wardenctl.exe' -s $pipe status | grep -c RUNNING | grep -q 2"
  local upid first second
  first=$(tr -d '\r\n' <"$work/first.pid"); second=$(tr -d '\r\n' <"$work/second.pid")
  upid=$(wardend_unix_pid "$cfg")
  [ -n "$upid" ] || { echo "cannot find wardend.exe's process"; return 1; }
  kill -INT "$upid"
  local rc=0
  wait "$daemon" || rc=$?
  cat "$cfg.log" | tail -n 30
  [ $rc -eq 0 ] || { echo "wardend exited $rc"; return 1; }
  dead "$first"; dead "$second"
  # the higher priority stops first
  local l1 l2
  l1=$(grep -n "second: sending SIGBREAK" "$cfg.log" | head -n1 | cut -d: -f1)
  l2=$(grep -n "first: sending SIGBREAK" "$cfg.log" | head -n1 | cut -d: -f1)
  [ -n "$l1" ] && [ -n "$l2" ] && [ "$l1" -lt "$l2" ]
}

# A second Ctrl-C during the shutdown kills at once.
t_second_ctrl_c_kills() {
  local cfg=$work/ctrlc2.ini pipe=warden-t-ctrlc2
  cat >"$cfg" <<INI
[warden]
socket = $pipe
[program:slow]
command = "$wchild" --pidfile "$(winpath "$work")\\slow.pid"
stopwaitsecs = 60
INI
  start_wardend "$cfg" "$pipe"
  wait_for 30 test -s "$work/slow.pid"
  wait_for 30 bash -c "timeout 30 wine '$bin/wardenctl.exe' -s $pipe status slow | grep -q RUNNING"
  local upid; upid=$(wardend_unix_pid "$cfg")
  kill -INT "$upid"
  wait_for 30 grep -q "slow: sending SIGBREAK" "$cfg.log"
  local t0=$SECONDS
  kill -INT "$upid"
  local rc=0
  wait "$daemon" || rc=$?
  echo "exit $rc after $((SECONDS - t0))s"
  [ $((SECONDS - t0)) -lt 30 ] && [ $rc -eq 0 ]
}

# The service host under Wine's SCM: install, start, status over the pipe, stop
# (ordered shutdown, children gone), uninstall.
t_service() {
  local cfg=$work/service.ini pipe=warden-t-service name=warden-test-$$
  cat >"$cfg" <<INI
[warden]
socket = $pipe
[program:svcchild]
command = "$wchild" --pidfile "$(winpath "$work")\\svc.pid"
stopwaitsecs = 2
INI
  timeout 60 wine "$bin/wardend.exe" --install-service --name "$name" -c "$(winpath "$cfg")"
  local rc=0
  timeout 120 wine net start "$name" || rc=$?
  echo "net start: $rc"
  wait_for 60 test -s "$work/svc.pid"
  wait_for 60 bash -c "timeout 30 wine '$bin/wardenctl.exe' -s $pipe status svcchild | grep -q RUNNING"
  local pid; pid=$(tr -d '\r\n' <"$work/svc.pid")
  alive "$pid"
  timeout 120 wine net stop "$name" || true
  wait_for 60 dead "$pid"
  timeout 60 wine "$bin/wardend.exe" --uninstall-service --name "$name"
  cat "$work/wardend.log" | tail -n 20
  grep -q "warden stopped" "$work/wardend.log"
}

# A second wardend on the same pipe is refused (exit 1); wardenctl finds the
# pipe through -c; with no daemon, wardenctl exits 3.
t_control_channel() {
  local cfg=$work/chan.ini pipe=warden-t-chan
  printf '[warden]\nsocket = %s\n[program:p]\ncommand = "%s"\n' "$pipe" "$wchild" >"$cfg"
  start_wardend "$cfg" "$pipe"
  local rc=0 out
  out=$(timeout 60 wine "$bin/wardend.exe" -c "$(winpath "$cfg")" 2>&1) || rc=$?
  echo "second daemon: exit $rc: $out"
  [ $rc -eq 1 ]
  grep -qF "another wardend is listening on" <<<"$out"
  grep -qF "$pipe" <<<"$out"
  out=$(ctl -c "$(winpath "$cfg")" pid p)
  echo "pid via -c: $out"
  [[ "$out" =~ ^[0-9]+ ]]
  stop_wardend "$pipe"
  rc=0
  out=$(ctl -s "$pipe" status 2>&1) || rc=$?
  echo "no daemon: exit $rc: $out"
  [ $rc -eq 3 ] && grep -q "is wardend running?" <<<"$out"
}

# supervisord's front door on Windows (SPEC §11): the Linux supervisorctl,
# outside Wine, drives wardend.exe through [inet_http_server] on loopback,
# password included.
t_supervisorctl() {
  local cfg=$work/ctl.ini pipe=warden-t-ctl
  local port; port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat >"$cfg" <<INI
[warden]
socket = $pipe
childlogdir = $(winpath "$work")
[inet_http_server]
port = 127.0.0.1:$port
username = admin
password = {SHA}$(printf %s s3cret | sha1sum | cut -d' ' -f1)
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[supervisorctl]
serverurl = http://127.0.0.1:$port
username = admin
password = s3cret
[program:steady]
command = "$wchild" --print hello-from-steady
startsecs = 1
[program:later]
command = "$wchild" --print later
autostart = false
startsecs = 0
INI
  local sctl=(timeout 60 supervisorctl -c "$cfg")
  start_wardend "$cfg" "$pipe"
  wait_for 30 bash -c "timeout 30 supervisorctl -c '$cfg' status steady | grep -q RUNNING"
  local out rc
  out=$("${sctl[@]}" status) && rc=0 || rc=$?
  echo "status: exit $rc"; echo "$out"
  grep -Eq '^steady +RUNNING +pid [0-9]+, uptime ' <<<"$out"
  grep -Eq '^later +STOPPED +Not started' <<<"$out"
  [ "$rc" -eq 3 ]  # supervisorctl: not every process runs
  out=$("${sctl[@]}" start later); echo "$out"; [ "$out" = "later: started" ]
  out=$("${sctl[@]}" stop later); echo "$out"; [ "$out" = "later: stopped" ]
  out=$("${sctl[@]}" tail steady); echo "$out"; grep -q hello-from-steady <<<"$out"
  out=$("${sctl[@]}" pid); echo "pid: $out"; [[ "$out" =~ ^[0-9]+$ ]]
  # Without the password: 401.
  rc=0; out=$(timeout 60 supervisorctl -s "http://127.0.0.1:$port" status 2>&1) || rc=$?
  echo "no password: exit $rc: $out"
  [ "$rc" -eq 1 ] && grep -q "Server requires authentication" <<<"$out"
  out=$("${sctl[@]}" shutdown); echo "$out"; [ "$out" = "Shut down" ]
  wait "$daemon"
}

# The example config of the zip is valid, and the zip holds what it should.
t_package() {
  timeout 60 wine "$bin/wardend.exe" --check --strict -c "$(winpath "$root/packaging/windows/warden.ini")"
  (cd "$build" && rm -f warden-*-win64.zip && nice cpack -G ZIP >/dev/null && rm -rf _CPack_Packages)
  local list; list=$(cmake -E tar tf "$build"/warden-*-win64.zip)
  echo "$list"
  for f in bin/wardend.exe bin/wardenctl.exe warden.ini README.md docs/windows.md; do
    grep -q "/$f\$" <<<"$list" || { echo "missing $f"; return 1; }
  done
}

run_test unit t_unit
run_test check-user t_check_user_is_an_error
run_test supervise t_supervise
run_test stop-job-kill t_stop_falls_back_to_job_kill
run_test killed-daemon t_killed_daemon_takes_children
run_test ctrl-c t_console_ctrl_c_shuts_down
run_test second-ctrl-c t_second_ctrl_c_kills
run_test service t_service
run_test control-channel t_control_channel
run_test supervisorctl t_supervisorctl
run_test package t_package

[ ${#failures[@]} -eq 0 ] || echo "failed: ${failures[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
