#!/usr/bin/env bash
# The Debian package (issue 4, SPEC §8), checked from the outside:
#
#   run.sh deb      BUILD_DIR SOURCE_DIR   cpack -G DEB into BUILD_DIR/package-test
#   run.sh contents BUILD_DIR SOURCE_DIR   what the .deb holds and says; the unit,
#                                          man pages, warden.ini, logrotate snippet
#                                          and bash completion, each exercised
#   run.sh install  BUILD_DIR SOURCE_DIR   dpkg -i / -r / -P round trip (root only;
#                                          exit 77 = skipped)
#
# CTest runs them as package.deb (a fixture), package.contents and
# package.install (cmake/packaging.cmake). Every wait has a deadline.
set -uo pipefail

mode=${1:?mode: deb, contents or install}
build=$(cd "${2:?BUILD_DIR}" && pwd)
source_dir=$(cd "${3:?SOURCE_DIR}" && pwd)
out=$build/package-test
wardend=$build/bin/wardend
wardenctl=$build/bin/wardenctl
skip=77

failures=0
pass() { printf 'ok      %s\n' "$*"; }
fail() { printf 'FAILED  %s\n' "$*"; failures=$((failures + 1)); }
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}
finish() {
    if ((failures)); then
        echo "$mode: $failures check(s) failed"
        exit 1
    fi
    echo "$mode: all checks passed"
    exit 0
}
# wait_for SECONDS COMMAND...: poll COMMAND every 50 ms until it succeeds.
wait_for() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.05
    done
}

the_deb() {
    local debs=("$out"/warden_*.deb)
    [[ ${#debs[@]} -eq 1 && -f ${debs[0]} ]] || { echo "no single .deb in $out (run package.deb first)" >&2; return 1; }
    printf '%s\n' "${debs[0]}"
}

# The paths the package must install (SPEC §8 and issue 4).
expected_files=(
    /usr/bin/wardend
    /usr/bin/wardenctl
    /lib/systemd/system/wardend.service
    /usr/lib/tmpfiles.d/warden.conf
    /etc/logrotate.d/warden
    /etc/warden/warden.ini
    /usr/share/man/man1/wardenctl.1.gz
    /usr/share/man/man5/warden.ini.5.gz
    /usr/share/man/man8/wardend.8.gz
    /usr/share/bash-completion/completions/wardenctl
    /usr/share/doc/warden/README.md
    /usr/share/doc/warden/copyright
)

# ---------------------------------------------------------------------------
run_deb() {
    rm -rf "$out"
    mkdir -p "$out"
    local log=$out/cpack.log
    if ! (cd "$build" && cpack -G DEB -B "$out" >"$log" 2>&1); then
        cat "$log"
        fail "cpack -G DEB"
        finish
    fi
    local deb
    deb=$(the_deb) && pass "cpack -G DEB built $(basename "$deb")" || fail "cpack produced one .deb"
    finish
}

# ---------------------------------------------------------------------------
# Start a wardend on a temp config (control socket in the temp dir) for the
# completion and logrotate checks.
daemon_pid=""
start_daemon() { # DIR
    local dir=$1
    mkdir -p "$dir/log"
    cat >"$dir/warden.ini" <<EOF
[warden]
socket = $dir/warden.sock
logfile = $dir/log/wardend.log
childlogdir = $dir/log

[program:web]
command = sleep 1000
startsecs = 0

[program:ticker]
command = sh -c 'while :; do echo tick; sleep 0.1; done'
startsecs = 0

[program:a]
command = sleep 1000
startsecs = 0

[program:b]
command = sleep 1000
startsecs = 0

[group:app]
programs = a, b
EOF
    "$wardend" -c "$dir/warden.ini" >"$dir/daemon.out" 2>&1 &
    daemon_pid=$!
    all_running() { "$wardenctl" -s "$dir/warden.sock" --timeout 2 status >/dev/null 2>&1; }
    if ! wait_for 20 all_running; then
        echo "wardend did not get every program RUNNING within 20 s:"
        cat "$dir/daemon.out" "$dir/log/wardend.log" 2>/dev/null
        return 1
    fi
}
daemon_status=""
stop_daemon() { # SIGTERM: the ordered shutdown; its exit status in daemon_status
    [[ -n $daemon_pid ]] || return 0
    kill -TERM "$daemon_pid" 2>/dev/null
    gone() { ! kill -0 "$daemon_pid" 2>/dev/null; }
    wait_for 15 gone || kill -KILL "$daemon_pid" 2>/dev/null
    wait "$daemon_pid" 2>/dev/null
    daemon_status=$?
    daemon_pid=""
}

# complete LINE [COMP_WORDBREAKS]: the completions bash would offer at the
# end of LINE, sorted, space-separated, from a fresh bash that sourced only
# the shipped completion file.
completion_file=""
complete_line() {
    local line=$1 breaks=${2:-$' \t\n"\'><=;|&(:'}
    bash --norc --noprofile -c '
        source "$1" || exit 1
        COMP_LINE=$2 COMP_POINT=${#2} COMP_WORDBREAKS=$3
        read -ra COMP_WORDS <<<"$2"
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        _wardenctl wardenctl
        printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort | paste -sd" " -
    ' _ "$completion_file" "$line" "$breaks"
}
expect_completion() { # LINE EXPECTED
    local got
    got=$(complete_line "$1")
    if [[ $got == "$2" ]]; then
        pass "completion of '${1/#$wardenctl/wardenctl}' -> $2"
    else
        fail "completion of '${1/#$wardenctl/wardenctl}': expected '$2', got '$got'"
    fi
}

tmp=""
run_contents() {
    local deb
    deb=$(the_deb) || { fail "the .deb exists"; finish; }
    tmp=$(mktemp -d)
    trap 'stop_daemon; rm -rf "$tmp"' EXIT
    local root=$tmp/root
    dpkg-deb -x "$deb" "$root" && dpkg-deb -e "$deb" "$tmp/DEBIAN" || { fail "dpkg-deb -x/-e"; finish; }

    # --- files and paths -----------------------------------------------------
    local listing
    listing=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|')
    local f
    for f in "${expected_files[@]}"; do
        check "contains $f" grep -qxF "$f" <<<"$listing"
    done
    check "nothing under /usr/local or /usr/include" \
        bash -c '! grep -qE "^/usr/(local|include)(/|$)" <<<"$1"' _ "$listing"
    check "wardend and wardenctl are executable" test -x "$root/usr/bin/wardend" -a -x "$root/usr/bin/wardenctl"
    check "the packaged wardend runs (--version)" bash -c '[[ $("$1" --version) == "wardend "* ]]' _ "$root/usr/bin/wardend"

    # --- control fields --------------------------------------------------------
    field() { dpkg-deb -f "$deb" "$1"; }
    check "Package: warden" test "$(field Package)" = warden
    local version
    version=$(sed -n 's/^project(warden VERSION \([0-9.]*\).*/\1/p' "$source_dir/CMakeLists.txt")
    check "Version: $version (from project())" test "$(field Version)" = "$version"
    check "Section: admin" test "$(field Section)" = admin
    check "Maintainer is set" test -n "$(field Maintainer)"
    check "Description is set" test -n "$(field Description)"
    check "conffiles lists /etc/warden/warden.ini" grep -qxF /etc/warden/warden.ini "$tmp/DEBIAN/conffiles"
    check "conffiles lists /etc/logrotate.d/warden" grep -qxF /etc/logrotate.d/warden "$tmp/DEBIAN/conffiles"
    local script
    for script in postinst prerm postrm; do
        check "$script is an executable sh script" bash -c 'test -x "$1" && sh -n "$1"' _ "$tmp/DEBIAN/$script"
    done
    check "postinst enables and starts nothing (only try-restart on upgrade)" \
        bash -c '! grep -v "^[[:space:]]*#" "$1" | grep -nE "(systemctl|invoke)[^|;&#]* (enable|start|restart|reload-or-restart)\b"' \
        _ "$tmp/DEBIAN/postinst"

    # Depends: the package of every shared library the two binaries link
    # directly (NEEDED) is named in Depends; dpkg-shlibdeps computed it.
    local depends
    depends=$(field Depends)
    echo "        Depends: $depends"
    check "Depends names libc6 with a version" grep -qE '(^|, )libc6 \(>= [0-9]' <<<"$depends"
    local -A depends_pkgs=() lib_path=()
    local dep lib path pkg p
    while read -r dep; do
        depends_pkgs[$dep]=1
    done < <(tr ',|' '\n\n' <<<"$depends" | sed 's/(.*//; s/:.*//; s/[[:space:]]//g' | grep .)
    while read -r lib path; do
        lib_path[$lib]=$path
    # ldd names the dynamic loader by its path alone (no "=>"): a binary
    # linked with -static-libstdc++ lists it as NEEDED.
    done < <(ldd "$root/usr/bin/wardend" "$root/usr/bin/wardenctl" |
        awk '$2 == "=>" && $3 ~ /^\// {print $1, $3} $1 ~ /^\// {n = split($1, part, "/"); print part[n], $1}')
    while read -r lib; do
        path=${lib_path[$lib]:-}
        pkg=""
        [[ -n $path ]] && for p in "$path" "$(readlink -f "$path")" "${path#/usr}" "/usr$path"; do
            pkg=$(dpkg -S "$p" 2>/dev/null | head -n1 | cut -d: -f1) && [[ -n $pkg ]] && break
        done
        if [[ -z $pkg ]]; then
            fail "no package owns $lib (${path:-not found by ldd})"
        elif [[ -n ${depends_pkgs[$pkg]:-} ]]; then
            pass "Depends covers $lib (package $pkg)"
        else
            fail "Depends lacks $pkg, the package of $lib"
        fi
    done < <(objdump -p "$root/usr/bin/wardend" "$root/usr/bin/wardenctl" | awk '$1 == "NEEDED" {print $2}' | sort -u)

    # --- the systemd unit --------------------------------------------------------
    local unit=$root/lib/systemd/system/wardend.service
    check "unit: ExecStart=/usr/bin/wardend -c /etc/warden/warden.ini" \
        grep -qxF 'ExecStart=/usr/bin/wardend -c /etc/warden/warden.ini' "$unit"
    check "unit: ExecReload=/usr/bin/wardenctl -c /etc/warden/warden.ini reload" \
        grep -qxF 'ExecReload=/usr/bin/wardenctl -c /etc/warden/warden.ini reload' "$unit"
    local setting
    for setting in Type=notify NotifyAccess=main KillMode=mixed Restart=on-failure \
        RuntimeDirectory=warden RuntimeDirectoryMode=0755 WantedBy=multi-user.target; do
        check "unit: $setting" grep -qxF "$setting" "$unit"
    done
    check "unit: TimeoutStopSec and LimitNOFILE are set" grep -qE '^TimeoutStopSec=' "$unit"
    check "unit: LimitNOFILE is set" grep -qE '^LimitNOFILE=' "$unit"
    check "unit: no User= and no NoNewPrivileges= (user= needs root)" \
        bash -c '! grep -qE "^(User|NoNewPrivileges|DynamicUser)=" "$1"' _ "$unit"
    check "unit: WatchdogSec only as a comment" grep -qE '^#WatchdogSec=' "$unit"
    check "tmpfiles.d: d /run/warden 0755 root root" \
        grep -qE '^d /run/warden 0755 root root' "$root/usr/lib/tmpfiles.d/warden.conf"
    if command -v systemd-analyze >/dev/null; then
        # A copy whose commands point into the extracted tree (the binaries
        # are not installed here); the man pages are checked below. Any
        # output (an unknown or misspelt setting) is a failure.
        mkdir -p "$tmp/unit"
        sed "s|/usr/bin/|$root/usr/bin/|g" "$unit" >"$tmp/unit/wardend.service"
        local verify
        if verify=$(systemd-analyze verify --man=no "$tmp/unit/wardend.service" 2>&1) && [[ -z $verify ]]; then
            pass "systemd-analyze verify wardend.service"
        else
            printf '%s\n' "$verify"
            fail "systemd-analyze verify wardend.service"
        fi
    else
        echo "skip    systemd-analyze verify (systemd-analyze is not installed)"
    fi

    # --- man pages -----------------------------------------------------------------
    local page warnings
    for page in man1/wardenctl.1.gz man5/warden.ini.5.gz man8/wardend.8.gz; do
        warnings=$(zcat "$root/usr/share/man/$page" | LC_ALL=C.UTF-8 groff -man -ww -z -Tutf8 2>&1)
        check "man page $page renders without warnings${warnings:+: $warnings}" test -z "$warnings"
    done
    man_text() { LC_ALL=C.UTF-8 MANWIDTH=200 man -P cat -l "$root/usr/share/man/$1" 2>/dev/null; }
    # Every [warden] and [program:x] key of SPEC §2 is documented in warden.ini(5).
    local text key missing=""
    text=$(man_text man5/warden.ini.5.gz)
    for key in logfile logfile_maxbytes logfile_backups loglevel pidfile childlogdir umask minfds minprocs \
        environment socket socket_mode nodaemon command process_name numprocs numprocs_start priority \
        autostart startsecs startretries autorestart exitcodes stopsignal stopwaitsecs stopasgroup \
        killasgroup user directory redirect_stderr stdout_logfile stdout_logfile_maxbytes \
        stdout_logfile_backups stderr_logfile stderr_logfile_maxbytes stderr_logfile_backups \
        depends_on ready ready_timeout essential programs; do
        grep -qw -- "$key" <<<"$text" || missing+=" $key"
    done
    check "warden.ini(5) documents every key${missing:+ (missing:$missing)}" test -z "$missing"
    # wardend(8) and wardenctl(1) name every option of --help, and every command.
    local opt
    missing=""
    text=$(man_text man8/wardend.8.gz)
    for opt in $("$wardend" --help | grep -oE -- '--[a-z-]+' | sort -u); do
        grep -qF -- "$opt" <<<"$text" || missing+=" $opt"
    done
    check "wardend(8) documents every option of wardend --help${missing:+ (missing:$missing)}" test -z "$missing"
    missing=""
    text=$(man_text man1/wardenctl.1.gz)
    for opt in $("$wardenctl" --help | grep -oE -- '--[a-z-]+' | sort -u) \
        status start stop restart signal pid tail reload shutdown version; do
        grep -qF -- "$opt" <<<"$text" || missing+=" $opt"
    done
    check "wardenctl(1) documents every option and command of wardenctl --help${missing:+ (missing:$missing)}" \
        test -z "$missing"

    # --- the shipped configuration ---------------------------------------------------
    local check_out
    check_out=$("$wardend" --check --strict -c "$root/etc/warden/warden.ini" 2>&1)
    check "warden.ini passes wardend --check --strict" test $? -eq 0
    echo "        $check_out"
    check "warden.ini starts nothing (0 processes)" grep -q ', 0 processes)' <<<"$check_out"
    check "warden.ini logs under /var/log/warden" \
        bash -c 'grep -qx "logfile = /var/log/warden/wardend.log" "$1" && grep -qx "childlogdir = /var/log/warden" "$1"' \
        _ "$root/etc/warden/warden.ini"
    # The commented examples are valid too, once uncommented (user= aside:
    # those users need not exist here).
    sed -e 's/^;\(\[\|[a-z_]* = \)/\1/' -e '/^user = /d' -e '/^\[include\]/,/^files/d' \
        "$root/etc/warden/warden.ini" >"$tmp/examples.ini"
    check_out=$("$wardend" --check --strict -c "$tmp/examples.ini" 2>&1)
    check "warden.ini's examples, uncommented, pass --check --strict" test $? -eq 0
    echo "        $check_out"

    # --- a running daemon: bash completion and the logrotate snippet -------------------
    completion_file=$root/usr/share/bash-completion/completions/wardenctl
    check "the completion file is valid bash" bash -n "$completion_file"
    if ! start_daemon "$tmp/d"; then
        fail "wardend started on a temp config"
        finish
    fi
    local sock=$tmp/d/warden.sock
    expect_completion "wardenctl sta" "start status"
    expect_completion "wardenctl " "pid reload restart shutdown signal start status stop tail version"
    expect_completion "wardenctl --js" "--json"
    expect_completion "wardenctl status --j" "--json"
    expect_completion "wardenctl tail -" "--follow --json --lines -f -n"
    expect_completion "$wardenctl -s $sock stop " "all app:* app:a app:b ticker web"
    expect_completion "$wardenctl -s $sock status w" "web"
    expect_completion "$wardenctl --socket=$sock restart app:" "* a b"
    expect_completion "$wardenctl -c $tmp/d/warden.ini start " "all app:* app:a app:b ticker web"
    expect_completion "$wardenctl -c $tmp/d/warden.ini --json pid " "app:a app:b ticker web"
    expect_completion "$wardenctl -s $sock tail -f -n 5 " "app:a app:b ticker web"
    expect_completion "$wardenctl -s $sock tail web " "stderr stdout"
    expect_completion "$wardenctl -s $sock signal U" "USR1 USR2"
    expect_completion "$wardenctl -s $sock signal HUP t" "ticker"
    expect_completion "$wardenctl -s $tmp/none.sock stop " ""
    # With ':' not a word break, the whole word is replaced.
    local got
    got=$(complete_line "$wardenctl -s $sock stop app:" $' \t\n')
    check "completion without ':' in COMP_WORDBREAKS -> app:* app:a app:b (got '$got')" \
        test "$got" = "app:* app:a app:b"

    if command -v logrotate >/dev/null; then
        # The shipped snippet, pointed at the temp daemon: its logs and socket,
        # and a unit name that does not exist (so the fallback through
        # `wardenctl pid` is what signals it, as in a container).
        sed -e "s|/var/log/warden|$tmp/d/log|" \
            -e "s|/usr/bin/wardenctl -c /etc/warden/warden.ini|$wardenctl -s $sock|" \
            -e "s|wardend.service|warden-package-test-none.service|" \
            "$root/etc/logrotate.d/warden" >"$tmp/logrotate.conf"
        has_ticks() { grep -q tick "$tmp/d/log/ticker-stdout.log" 2>/dev/null; }
        wait_for 10 has_ticks
        local lr_out
        if lr_out=$(logrotate -v -f -s "$tmp/logrotate.state" "$tmp/logrotate.conf" 2>&1); then
            pass "logrotate ran the snippet"
        else
            printf '%s\n' "$lr_out"
            fail "logrotate ran the snippet"
        fi
        local rotated=("$tmp/d/log/ticker-stdout.log-"*)
        check "logrotate renamed ticker-stdout.log (dateext)" test -f "${rotated[0]}"
        check "SIGUSR2 made wardend reopen its log (a new ticker-stdout.log fills)" wait_for 10 has_ticks
        # The daemon's own log too: what it logs next lands in a new wardend.log.
        "$wardenctl" -s "$sock" --timeout 10 stop web >/dev/null
        reopened() { grep -q "web: STOPPING -> STOPPED" "$tmp/d/log/wardend.log" 2>/dev/null; }
        check "wardend writes its own log to a new wardend.log" wait_for 10 reopened
        rotated=("$tmp/d/log/wardend.log-"*)
        check "logrotate renamed wardend.log, which does not get the new lines" \
            bash -c 'test -f "$1" && ! grep -q "web: STOPPING -> STOPPED" "$1"' _ "${rotated[0]}"
    else
        echo "skip    logrotate run (logrotate is not installed)"
    fi

    stop_daemon
    check "wardend exited 0 after SIGTERM (got $daemon_status)" test "$daemon_status" = 0
    finish
}

# ---------------------------------------------------------------------------
# dpkg's status of warden: "ii" installed, "rc" only its conffiles left,
# "un" or nothing: unknown to dpkg.
dpkg_status() { dpkg-query -W -f='${db:Status-Abbrev}' warden 2>/dev/null | tr -d ' '; }
installed() { [[ $(dpkg_status) == ii ]]; }
known() { local s; s=$(dpkg_status); [[ -n $s && $s != un ]]; }
# Minimal images tell dpkg not to install docs and man pages (path-exclude).
dpkg_filtered() {
    local f=$1 kind glob excluded=1
    while read -r kind glob; do
        # shellcheck disable=SC2053 # the globs are patterns
        [[ $f == $glob ]] || continue
        [[ $kind == path-exclude ]] && excluded=0 || excluded=1
    done < <(cat /etc/dpkg/dpkg.cfg /etc/dpkg/dpkg.cfg.d/* 2>/dev/null |
        sed -n 's/^\(path-exclude\|path-include\)[= ]\(.*\)/\1 \2/p')
    return $excluded
}
packaged_wardend_running() {
    local pid
    for pid in $(pgrep -x wardend); do
        [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == /usr/bin/wardend* ]] && return 0
    done
    return 1
}

run_install() {
    if [[ $(id -u) -ne 0 ]]; then
        echo "SKIP: the install/remove round trip needs root (dpkg -i); run as root to include it"
        exit $skip
    fi
    if known || [[ -e /etc/warden || -e /usr/bin/wardend ]]; then
        echo "SKIP: warden is already installed here (or /etc/warden, /usr/bin/wardend exist);"
        echo "      the round trip would remove it. Purge it first to run this test."
        exit $skip
    fi
    local deb
    deb=$(the_deb) || { fail "the .deb exists"; finish; }
    local log
    log=$(mktemp)
    # Leave the machine as it was, whatever happens.
    trap 'known && dpkg -P warden >/dev/null 2>&1; rm -f "$log"' EXIT

    if dpkg -i "$deb" >"$log" 2>&1; then pass "dpkg -i $(basename "$deb")"; else cat "$log"; fail "dpkg -i"; finish; fi
    check "dpkg says warden is installed" installed
    local f
    for f in "${expected_files[@]}"; do
        if dpkg_filtered "$f"; then
            echo "skip    installed $f (a path-exclude in /etc/dpkg/dpkg.cfg.d filters it out here)"
        else
            check "installed $f" test -e "$f"
        fi
    done
    check "/var/log/warden created, mode 0750" test "$(stat -c %a /var/log/warden 2>/dev/null)" = 750
    check "/usr/bin/wardend --version" bash -c '[[ $(/usr/bin/wardend --version) == "wardend "* ]]'
    check "/usr/bin/wardenctl --version" bash -c '[[ $(/usr/bin/wardenctl --version) == "wardenctl "* ]]'
    check "/usr/bin/wardend --check -c /etc/warden/warden.ini" /usr/bin/wardend --check -c /etc/warden/warden.ini
    dpkg_filtered /usr/share/man/man8/wardend.8.gz ||
        check "man finds wardend(8)" bash -c 'man -w 8 wardend | grep -q /usr/share/man/man8/wardend.8.gz'
    if packaged_wardend_running; then
        fail "nothing was started: a /usr/bin/wardend process runs"
    else
        pass "nothing was started (no /usr/bin/wardend process)"
    fi
    if [[ -d /run/systemd/system ]]; then
        check "wardend.service is known, not enabled" bash -c '[[ $(systemctl is-enabled wardend.service) == disabled ]]'
        check "wardend.service is not running" bash -c '! systemctl is-active -q wardend.service'
    else
        echo "        (no systemd running here: postinst skipped systemctl, as in a container)"
    fi

    # A local edit of the conffile must survive remove and reinstall.
    echo "; edited by the package test" >>/etc/warden/warden.ini
    if dpkg -r warden >"$log" 2>&1; then pass "dpkg -r warden"; else cat "$log"; fail "dpkg -r"; fi
    check "dpkg -r removed /usr/bin/wardend" test ! -e /usr/bin/wardend
    check "dpkg -r removed /usr/bin/wardenctl" test ! -e /usr/bin/wardenctl
    check "dpkg -r removed the unit" test ! -e /lib/systemd/system/wardend.service
    check "dpkg -r kept the edited conffile /etc/warden/warden.ini" grep -q "edited by the package test" /etc/warden/warden.ini
    check "dpkg -r kept the logs in /var/log/warden" test -d /var/log/warden
    check "dpkg status is rc (config-files)" test "$(dpkg_status)" = rc
    if dpkg -i "$deb" >"$log" 2>&1; then pass "dpkg -i again"; else cat "$log"; fail "dpkg -i again"; fi
    check "the reinstall kept the edited conffile" grep -q "edited by the package test" /etc/warden/warden.ini
    if dpkg -P warden >"$log" 2>&1; then pass "dpkg -P warden"; else cat "$log"; fail "dpkg -P"; fi
    check "dpkg -P removed /etc/warden" test ! -e /etc/warden
    check "dpkg -P removed /var/log/warden" test ! -e /var/log/warden
    check "dpkg -P removed /usr/bin/wardend" test ! -e /usr/bin/wardend
    if known; then fail "dpkg still knows warden ($(dpkg_status))"; else pass "dpkg no longer knows warden"; fi
    finish
}

case $mode in
deb) run_deb ;;
contents) run_contents ;;
install) run_install ;;
*)
    echo "usage: $0 deb|contents|install BUILD_DIR SOURCE_DIR" >&2
    exit 2
    ;;
esac
