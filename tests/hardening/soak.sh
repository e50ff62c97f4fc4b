#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Soak: the daemon on the sim backend under domain churn and CLI traffic
# for XB_SOAK_SECONDS (default 45): domains created, destroyed and
# vanishing mid-apply, targets refused, bounds, weights, exclusions,
# policies, reservations, pauses and reloads changed through the CLI,
# hostile and lying records, record floods, xenstore dropped, monitors
# attached and cut, state dumps.  Then a clean SIGTERM.  Asserts that the
# daemon answered throughout and exited 0; with XB_SOAK_VALGRIND=1 it runs
# under valgrind and also asserts zero errors and zero definite leaks;
# under an ASan build (ctest's -DXB_SANITIZE=ON run) ASan/LSan reports
# fail it the same way (exit status, and their report in the log).
. "$(dirname "$0")/hlib.sh"

SECONDS_WANTED=${XB_SOAK_SECONDS:-45}
VG=${XB_SOAK_VALGRIND:-0}

hconfig pressure "$(guest web 768M 1536M ideal eatmem 500M),
    $(guest db 1G 2G slow idle 600M), $(guest app 512M 1G capped step 200M)" \
    '"min_interval": "500ms", "stuck_after": "3s", "uncooperative_after": "6s",'

# start_soak: like start_daemon, optionally under valgrind (slow start).
start_soak()
{
    if [ "$VG" = 1 ]; then
        valgrind --error-exitcode=99 --leak-check=full \
            --errors-for-leak-kinds=definite --show-leak-kinds=definite \
            --track-fds=no --log-file="$T/valgrind.log" \
            "$XB_CTL" daemon -f -c "$CFG" >>"$T/daemon.log" 2>&1 &
    else
        "$XB_CTL" daemon -f -c "$CFG" >>"$T/daemon.log" 2>&1 &
    fi
    DPID=$!
    i=0
    while [ $i -lt 600 ]; do
        "$XB_CTL" version >/dev/null 2>&1 && return 0
        kill -0 "$DPID" 2>/dev/null || break
        sleep 0.1
        i=$((i + 1))
    done
    RC=none OUT= ERR=$(tail -n 20 "$T/daemon.log")
    fail "daemon did not come up"
    exit 1
}

# guests: the live guests' domids (into $VAL), without python.
guests()
{
    VAL=$("$XB_CTL" --json targets | grep -o '"domid":[0-9]*' |
        cut -d: -f2 | grep -vx 0)
}

pick()
{
    set -- $VAL
    [ $# -gt 0 ] || return 1
    shift $((RANDOM % $#))
    PICK=$1
}

policies=(static selfballoon proportional squeeze pressure)
garbage=(
    "v=1 seq=5 total=1048576 free=-1"
    "v=1 seq=5 total=99999999999999999999 free=1"
    "v=9 seq=5 total=1048576 free=1"
    "v=1 seq=5 total=1048576 free=1 free=1"
    "v=1 seq=5 total=1073741824 free=0 avail=0 oom=7 psis=99000000 psif=9000000"
    "v=1 seq=5 total=1048576 free=1048576 avail=1048576"
    "$(printf 'v=1 seq=5 total=1 free=0 pad=%02000d' 0)"
    "garbage"
)

start_soak
created=0
ops=0
answered=0
end=$(($(date +%s) + SECONDS_WANTED))
while [ "$(date +%s)" -lt "$end" ]; do
    guests
    ops=$((ops + 1))
    case $((RANDOM % 16)) in
    0)
        created=$((created + 1))
        fault "create soak$created $((256 + RANDOM % 256))M 1G"
        ;;
    1) pick && [ "$(echo $VAL | wc -w)" -gt 2 ] && fault "destroy $PICK" ;;
    2) pick && [ "$(echo $VAL | wc -w)" -gt 2 ] && fault "vanish $PICK" ;;
    3) pick && fault "refuse $PICK" ;;
    4) pick && fault "accept $PICK" ;;
    5)
        pick && ctl set "$PICK" $(
            case $((RANDOM % 4)) in
            0) echo min $((300 + RANDOM % 400))M ;;
            1) echo max $((600 + RANDOM % 1400))M ;;
            2) echo weight $((1 + RANDOM % 500)) ;;
            3) echo exclude $((RANDOM % 2)) ;;
            esac
        )
        ;;
    6) ctl policy "${policies[RANDOM % ${#policies[@]}]}" ;;
    7) ctl reserve $((16 + RANDOM % 128))M --for $((1 + RANDOM % 3)) ;;
    8) ctl release ;;
    9)
        ctl pause
        ctl resume
        ;;
    10)
        if [ $((RANDOM % 2)) = 0 ]; then ctl reload; else kill -HUP "$DPID"; fi
        ;;
    11) pick && inject "$PICK" "${garbage[RANDOM % ${#garbage[@]}]}" ;;
    12)
        pick && fault "flood $PICK 200" "keys $PICK 200"
        sleep 0.3
        fault "flood $PICK 0" "keys $PICK 0"
        ;;
    13) [ $((RANDOM % 4)) = 0 ] && fault "xs-drop 1" ;;
    14)
        timeout 0.5 "$XB_CTL" monitor >/dev/null 2>&1
        kill -USR1 "$DPID"
        ;;
    15) pick && fault "driver $PICK $(
        case $((RANDOM % 4)) in
        0) echo ideal ;; 1) echo slow ;; 2) echo stuck ;; 3) echo intermittent ;;
        esac
    )" ;;
    esac
    for q in status targets; do
        ctl --json $q
        [ "$RC" = 0 ] && answered=$((answered + 1))
    done
    pick && ctl --json show "$PICK"
done
echo "soak: ${SECONDS_WANTED}s, $ops operations, $created domains created," \
    "$answered queries answered"
ctl --json status
expect_rc 0 "daemon answers after the soak"
[ "$answered" -ge $((ops * 2 - 4)) ] && pass ||
    fail "only $answered of $((ops * 2)) queries answered"
stop_daemon
[ -n "${XB_SOAK_LOG:-}" ] && cp "$T/daemon.log" "$XB_SOAK_LOG"
# The balancer's own check refusing a plan is a broken invariant.
if grep -q "BUG" "$T/daemon.log"; then
    OUT= ERR=$(grep "BUG" "$T/daemon.log" | head -5)
    fail "the balancer refused a plan"
else
    pass
fi
if grep -q "AddressSanitizer\|LeakSanitizer\|runtime error:" "$T/daemon.log"; then
    OUT= ERR=$(grep -A20 "Sanitizer\|runtime error" "$T/daemon.log" | head -40)
    fail "sanitizer report"
else
    pass
fi
if [ "$VG" = 1 ]; then
    OUT= ERR=$(grep -E "ERROR SUMMARY|definitely lost|Invalid|uninitialised" \
        "$T/valgrind.log" | head -20)
    echo "valgrind: $(grep -E 'ERROR SUMMARY' "$T/valgrind.log")"
    echo "valgrind: $(grep -E 'definitely lost|no leaks are possible' \
        "$T/valgrind.log")"
    grep -q "ERROR SUMMARY: 0 errors" "$T/valgrind.log" && pass ||
        fail "valgrind errors"
    if grep -q "definitely lost: [1-9]" "$T/valgrind.log"; then
        fail "definite leaks"
    else
        pass
    fi
    [ -n "${XB_SOAK_KEEP:-}" ] && cp "$T/valgrind.log" "$XB_SOAK_KEEP"
fi
finish
