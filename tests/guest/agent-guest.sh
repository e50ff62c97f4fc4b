#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The agent's side of the guest view, through the real libxenstore against
# mock-xenstored.py (which plays dom0 with --write): --status and --json
# read dom0's status line; the loop watches memory/xenballoon (no polling:
# a change reaches the Prometheus textfile while the sampling interval is
# an hour); dom0's settings apply, out-of-bounds ones clamped and logged
# once; --selfballoon writes target_kb under --root, yields while a
# controller's heartbeat moves, resumes when it stops, and grows at once.
#
# usage: agent-guest.sh AGENT FIXTURES_DIR   (exit 77: skipped)
set -u

AGENT=$1
FIXTURES=$2
PREFIX=xb-agent-guest
. "$(dirname "$0")/../agent/mocklib.sh"
HOME_=/local/domain/0
STATS=$HOME_/data/xenballoon/stats
ROOT=$TMP/root
TKB=$ROOT/sys/devices/system/xen_memory/xen_memory0/target_kb

# eventually SECONDS NAME COMMAND...: polls COMMAND every 0.1 s.
eventually()
{
    _t=$(($1 * 10))
    name=$2
    shift 2
    tests=$((tests + 1))
    while [ "$_t" -gt 0 ]; do
        "$@" && return 0
        sleep 0.1
        _t=$((_t - 1))
    done
    fail "$name"
}

xsw()
{
    python3 "$MOCK" --write "$SOCK" "$1" "$2"
}

# status HB LEVEL [HBP]: dom0 writes a status line.
status()
{
    xsw "$HOME_/memory/xenballoon/status" "v=1 hb=$1 hbp=${3:-1} target=2097152 actual=2101248 min=262144 max=4194304 need=1048576 state=managed level=$2 free=524288 total=16777216 ocmax=175 octgt=98 reason=pressure: host $2, holding"
}

has()
{
    grep -q "$2" "$1" 2>/dev/null
}

lines()
{
    grep -c "$2" "$1" 2>/dev/null
}

start_mock
export XENSTORED_PATH="$SOCK"

#### --status ##########################################################
"$AGENT" --status >"$TMP/out" 2>"$TMP/err"
check "--status without a status: rc 1" [ $? -eq 1 ]
check "--status says why" has "$TMP/err" "no status from dom0"
status 7 tight
"$AGENT" --status >"$TMP/out" 2>"$TMP/err"
check "--status rc 0" [ $? -eq 0 ]
check "--status target" has "$TMP/out" "^target  *2048.0 MiB"
check "--status reason" has "$TMP/out" "^reason  *pressure: host tight, holding"
check "--status pressure" has "$TMP/out" "^host  *tight"
check "--status overcommit" has "$TMP/out" "maxmem 1.75, targets 0.98"
"$AGENT" --status --json >"$TMP/out"
check "--json parses" python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))
assert v["target_kb"] == 2097152 and v["host"]["pressure"] == "tight"
assert v["host"]["overcommit_max"] == 1.75 and v["state"] == "managed"
assert v["reason"] == "pressure: host tight, holding"' "$TMP/out"
xsw "$HOME_/memory/xenballoon/status" "v=1 hb=oops"
"$AGENT" --status >"$TMP/out" 2>"$TMP/err"
check "--status rejects garbage" [ $? -eq 1 ]
check "--status says what is wrong" has "$TMP/err" "rejected: key 'hb'"
"$AGENT" --json >/dev/null 2>&1
check "--json alone is a usage error" [ $? -eq 2 ]

#### the loop: watch, textfile, settings ###############################
mkdir -p "$TMP/prom"
status 8 ok 3600
# dom0 slows the agent to a sample an hour (options given on the command
# line would win over dom0's, so none are).
xsw "$HOME_/memory/xenballoon/agent" "v=1 interval=3600000 heartbeat=3600"
"$AGENT" --textfile-dir "$TMP/prom" --root "$FIXTURES/linux-6.1-xen-pv" \
    2>"$TMP/loop.err" &
agent=$!
P=$TMP/prom/xenballoon.prom
eventually 5 "textfile written" has "$P" 'xenballoon_host_pressure_level 0'
check "textfile: target in bytes" has "$P" '^xenballoon_target_bytes 2147483648$'
check "textfile: ratio" has "$P" '^xenballoon_host_overcommit_maxmem_ratio 1.75$'
check "textfile: reason label" has "$P" \
    '^xenballoon_status_info{reason="pressure: host ok, holding"} 1$'
check "textfile: counter" has "$P" '^xenballoon_agent_records_total 1$'
check "textfile: no temporary left" [ ! -e "$P.tmp" ]
# The sampling interval is an hour: only the watch can bring this in.
status 9 critical 3600
eventually 3 "a status change reaches the textfile at once" \
    has "$P" 'xenballoon_host_pressure{level="critical"} 1'
check "controller seen" has "$P" '^xenballoon_controller_up 1$'
check "one record in all that time" [ "$(lines "$LOG" "^WRITE $STATS")" -eq 1 ]

# dom0 settings: heartbeat 1 s makes records flow; interval 0 and a day of
# heartbeat are clamped, each new line logged once.
before=$(lines "$LOG" "^WRITE $STATS")
xsw "$HOME_/memory/xenballoon/agent" "v=1 interval=500 heartbeat=1"
sleep 3.2
after=$(lines "$LOG" "^WRITE $STATS")
check "heartbeat=1 from dom0 applies" [ $((after - before)) -ge 2 ]
check "settings logged" has "$TMP/loop.err" "settings from dom0: interval 500 ms, heartbeat 1 s"
xsw "$HOME_/memory/xenballoon/agent" "v=1 interval=0 heartbeat=86400 compat=0"
xsw "$HOME_/memory/xenballoon/agent" "v=1 interval=0 heartbeat=86400 compat=0"
eventually 3 "interval clamped" has "$TMP/loop.err" "'interval' is outside \[100, 3600000\] ms; clamped to 100"
check "heartbeat clamped" has "$TMP/loop.err" "'heartbeat' is outside \[1, 3600\] s; clamped to 3600"
check "logged once for a rewritten line" \
    [ "$(lines "$TMP/loop.err" "'interval' is outside")" -eq 1 ]
check "clamps counted" has "$P" '^xenballoon_agent_tuning_clamped_total 2$'
# interval clamped to 100 ms, not 0: the agent sleeps between samples.
cpu0=$(awk '{ print $14 + $15 }' "/proc/$agent/stat")
sleep 2
cpu1=$(awk '{ print $14 + $15 }' "/proc/$agent/stat")
check "does not spin (< 0.5 s CPU in 2 s)" [ $((cpu1 - cpu0)) -lt 50 ]
check "still running" kill -0 "$agent"
kill -TERM "$agent"
wait "$agent"
agent=

# An option given on the command line wins over dom0's: five samples at
# 100 ms, not at dom0's hour.
xsw "$HOME_/memory/xenballoon/agent" "v=1 interval=3600000"
timeout 10 "$AGENT" --interval 100 --count 5 \
    --root "$FIXTURES/linux-6.1-xen-pv" 2>/dev/null
check "--interval beats dom0's interval" [ $? -eq 0 ]

#### selfballooning ####################################################
: >"$LOG"
xsw "$HOME_/memory/xenballoon/status" ""
python3 "$MOCK" --rm "$SOCK" "$HOME_/memory/xenballoon"
xsw "$HOME_/memory/static-max" 1048576
cp -r "$FIXTURES/linux-6.1-xen-pv" "$ROOT"
"$AGENT" -v --selfballoon --interval 100 --root "$ROOT" \
    --textfile-dir "$TMP/prom" 2>"$TMP/sb.err" &
agent=$!
# 985432 KiB MemTotal, Committed_AS 498212: down by a tenth of the gap to
# the goal, moved into the balloon's frame (see test_selfballoon.c).
eventually 5 "selfballoon writes target_kb" has "$TKB" '^1009709$'
check "textfile: selfballooning" has "$P" '^xenballoon_selfballoon_active 1$'
status 1 ok
eventually 3 "yields when a heartbeat appears" has "$TMP/sb.err" "yielding the balloon to dom0"
echo 555 >"$TKB"
sed -i 's/^Committed_AS:.*/Committed_AS:    2000000 kB/' "$ROOT/proc/meminfo"
sleep 1
check "hands off target_kb while yielding" has "$TKB" '^555$'
status 2 ok
sleep 1
status 3 ok
sleep 1
check "still yielding while the heartbeat moves" has "$TKB" '^555$'
# No heartbeat for three periods (hbp=1): it resumes, and grows at once,
# capped at static-max.
eventually 6 "resumes when the heartbeat stops" has "$TMP/sb.err" "no controller heartbeat for"
eventually 2 "grows at once to static-max" has "$TKB" '^1048576$'
check "resumed once" [ "$(lines "$TMP/sb.err" "no controller heartbeat for")" -eq 1 ]
status 4 ok
eventually 3 "yields again" [ "$(lines "$TMP/sb.err" "yielding the balloon")" -eq 2 ]
kill -TERM "$agent"
wait "$agent"
check "SIGTERM rc" [ $? -eq 0 ]
agent=

echo "$tests checks, $fails failed"
[ "$fails" -eq 0 ]
