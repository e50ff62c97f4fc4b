#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A flooding guest: web rewrites its record 5,000 times a second and fires
# another 5,000 watch events a second on other keys under its data/ (on
# Xen: a guest growing its node count).  Asserts that the daemon's CPU time
# (utime + stime from /proc/PID/stat) during the flood stays within a
# bound of its idle cost, that web's reads stay within the per-domain rate
# limit (the excess counted as throttled), that the flood writes nothing
# to the log, and that db, the quiet neighbour, is neither starved nor
# delayed: its records keep being taken and an operator's change to it is
# applied as fast as when idle.
. "$(dirname "$0")/hlib.sh"

# Per step of the sim backend (100 ms): 500 records and 500 other keys.
FLOOD=500
# Seconds each measured phase lasts.
PHASE=5
# The flood may cost at most this many CPU-seconds per second more than
# idle (0.25 = a quarter of one CPU), here and under ASan.
BOUND_PCT=25
HZ=$(getconf CLK_TCK)

hconfig pressure "$(guest web 768M 1536M), $(guest db 1G 2G)" \
    '"records_per_second": 5, "records_burst": 10,'
start_daemon
wait_for 'v["records_accepted"] >= 1' show db
sleep 1

# decision_ms DOMAIN MIN-MIB: time from `set DOMAIN min MIN` (above its
# target: a growth, which no shrink interval holds back) to the new target
# in force (into $VAL, ms).
decision_ms()
{
    t0=$(date +%s%N)
    ctl set "$1" min "${2}M"
    expect_rc 0 "set $1 min ${2}M"
    # Polled without python, whose start-up alone can take longer than
    # the decision.
    i=0
    while [ $i -lt 500 ]; do
        t=$("$XB_CTL" --json show "$1" | sed -n 's/.*"target_kb":\([0-9]*\).*/\1/p')
        [ "${t:-0}" -ge $(($2 * 1024)) ] && break
        sleep 0.01
        i=$((i + 1))
    done
    VAL=$((($(date +%s%N) - t0) / 1000000))
    [ $i -lt 500 ] && pass || fail "$1 never reached its new min ${2}M"
}

# quiet_lines: daemon log lines about web other than its target changes
# (which the policy makes, flood or not).
quiet_lines()
{
    VAL=$(grep "(web)" "$T/daemon.log" | grep -vc "target")
}

# Idle.
c0=$(cpu_ticks)
sleep $PHASE
IDLE=$(($(cpu_ticks) - c0))
decision_ms db 1100
IDLE_MS=$VAL
field db records_accepted
DB0=$VAL
field web records_accepted
WEB0=$VAL
quiet_lines
LOG0=$VAL

# Flood.
fault "flood 1 $FLOOD" "keys 1 $FLOOD"
c0=$(cpu_ticks)
sleep $PHASE
FLOODED=$(($(cpu_ticks) - c0))
decision_ms db 1200
FLOOD_MS=$VAL
field db records_accepted
DB1=$VAL
field db record_age_ms
DBAGE=$VAL
field web records_accepted
WEB1=$VAL
field web records_throttled
WEBT=$VAL
quiet_lines
LOG1=$VAL
fault "flood 1 0" "keys 1 0"

echo "cpu: idle $IDLE ticks, flood $FLOODED ticks in ${PHASE}s each (${HZ}/s)"
echo "db decision: idle ${IDLE_MS} ms, flood ${FLOOD_MS} ms"
echo "web: $((WEB1 - WEB0)) records taken, throttled $WEBT times"
echo "db: $((DB1 - DB0)) records taken, newest ${DBAGE} ms old"
echo "log: $((LOG1 - LOG0)) lines on web (not its targets) during the flood"

extra=$((FLOODED - IDLE))
[ $((extra * 100)) -le $((BOUND_PCT * HZ * PHASE)) ] && pass ||
    fail "flood cost $extra ticks over idle in ${PHASE}s (bound ${BOUND_PCT}%)"
# Rate limit: 5 records a second plus the burst of 10, plus the seconds
# around the phase (the two `show`s and decision_ms).
[ $((WEB1 - WEB0)) -le $((5 * (PHASE + 4) + 10)) ] && pass ||
    fail "web took $((WEB1 - WEB0)) records in ~${PHASE}s"
[ "$WEBT" -gt 0 ] && pass || fail "web never throttled"
# db publishes once a second: it kept doing so, and was read at once.
[ $((DB1 - DB0)) -ge $((PHASE - 1)) ] && pass ||
    fail "db starved: $((DB1 - DB0)) records in ${PHASE}s"
[ "$DBAGE" -le 2500 ] && pass || fail "db's newest record is ${DBAGE} ms old"
[ "$FLOOD_MS" -le $((IDLE_MS + 1000)) ] && pass ||
    fail "db's decision took ${FLOOD_MS} ms under flood, ${IDLE_MS} idle"
# The flood itself logs nothing.
[ $((LOG1 - LOG0)) -eq 0 ] && pass ||
    fail "$((LOG1 - LOG0)) log lines during the flood"
invariants "after the flood"

stop_daemon
finish
