#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Hostile guests, through the real intake path (the sim backend publishes
# what the test injects as the guest's record): every malformed record is
# rejected, counted and named in `show --json` (records_rejected,
# last_reject), the last good record stays in force, and the rejections
# are logged without flooding the log.  Then lying guests: one claiming
# a terabyte of need and stalling hard, one claiming to need nothing.
# Neither gets more than its max nor less than its min, and the honest
# neighbour keeps at least the lesser of its own need and its fair share.
. "$(dirname "$0")/hlib.sh"

hconfig pressure "$(guest web 768M 3G), $(guest db 1G 2G ideal idle 600M)"
start_daemon
wait_for 'v["records_accepted"] >= 1' show web

# 1. Malformed records.  Each: a description, the raw record, and what
# last_reject must say.
BIG=$(printf 'v=1 seq=9 total=100 free=1 pad=%01100d' 0)
HUGE=$(printf 'v=1 seq=9 total=100 free=1 pad=%05000d' 0)
cases=(
    "oversized (over the cap)|$BIG|over the 1024-byte cap"
    "oversized (over the read buffer)|$HUGE|over the 1024-byte cap"
    "truncated mid-key|v=1 seq=9 total=1048576 fr|has no '='"
    "truncated value|v=1 seq=9 total=1048576 free=|empty value"
    "missing required key|v=1 seq=9 total=1048576|missing required key"
    "non-numeric|v=1 seq=9 total=1048576 free=12ab|not a number"
    "hexadecimal|v=1 seq=9 total=0x100000 free=1|leading zero"
    "exponent|v=1 seq=9 total=1e6 free=1|not a number"
    "negative|v=1 seq=9 total=1048576 free=-1|not a number"
    "overflowing 64 bits|v=1 seq=9 total=18446744073709551616 free=1|overflows"
    "beyond any guest|v=1 seq=9 total=17179869185 free=1|out of range"
    "repeated key|v=1 seq=9 total=1048576 free=1 free=2|duplicate key 'free'"
    "repeated version|v=1 seq=9 total=1048576 free=1 v=1|duplicate key 'v'"
    "unknown version|v=2 seq=9 total=1048576 free=1|unsupported version 2"
    "no version|seq=9 total=1048576 free=1|does not start with v="
    "free above total|v=1 seq=9 total=1024 free=2048|free exceeds total"
    "zero total|v=1 seq=9 total=0 free=0|total is zero"
    "leading zero|v=1 seq=09 total=1048576 free=1|leading zero"
    "stray spaces|v=1  seq=9 total=1048576 free=1|stray space"
    "control bytes|v=1 seq=9 total=1048576 free=1"$'\t'"|not a number"
    "garbage|{\"json\": true}|has no '='"
    "bad key|v=1 seq=9 Total=1048576 free=1|bad key"
)
# The model's own agent goes quiet, so that the good record in force is
# the one seen above until a good one is injected.
fault "agent 1 0"
sleep 0.2
ctl --json show web
jnum records_accepted
ACC=$VAL
GOOD=$(printf '%s\n' "$OUT" | sed -n 's/.*"raw_record":"\([^"]*\)".*/\1/p')
n=0
: >"$T/cases"
for c in "${cases[@]}"; do
    desc=${c%%|*}
    rest=${c#*|}
    raw=${rest%|*}
    why=${rest##*|}
    n=$((n + 1))
    inject 1 "$raw"
    poll_show web records_rejected $n
    printf '%s\t%s\t%s\n' "$desc" "$why" "$OUT" >>"$T/cases"
done
# One python run judges them all: the count is exact, last_reject names
# the reason, nothing was accepted, the good record is still in force.
python3 -c '
import json, sys
good, acc = sys.argv[1], int(sys.argv[2])
for n, line in enumerate(open(sys.argv[3]), 1):
    desc, why, text = line.rstrip("\n").split("\t", 2)
    v = json.loads(text)
    bad = []
    if v["records_rejected"] != n:
        bad.append("records_rejected %d" % v["records_rejected"])
    if why not in (v["last_reject"] or ""):
        bad.append("last_reject %r lacks %r" % (v["last_reject"], why))
    if v["records_accepted"] != acc or v["raw_record"] != good:
        bad.append("the good record was replaced")
    print(("bad: %s: %s" % (desc, "; ".join(bad))) if bad else "ok")
' "$GOOD" "$ACC" "$T/cases" >"$T/verdicts"
while IFS= read -r verdict; do
    case $verdict in
    ok) pass ;;
    *) OUT= ERR= RC=0 fail "${verdict#bad: }" ;;
    esac
done <"$T/verdicts"
ctl status
expect_rc 0 "daemon alive after $n hostile records"
# The log: a burst of 3 lines, then quiet for a minute (domain.c).
log_count "domain 1 (web): record rejected"
[ "$VAL" -le 3 ] && pass || fail "$VAL rejection log lines for $n rejections"
[ "$VAL" -ge 1 ] && pass || fail "rejections not logged at all"
# Counted for web alone.
field db records_rejected
[ "$VAL" = 0 ] && pass || fail "db charged with web's rejections: $VAL"

# 2. A guest that lies: a terabyte of used memory, heavy stall, an OOM
# kill per record.  Its own agent goes quiet so that the lies are all the
# daemon hears.  Checked every half second for ten seconds.
FAIR=$((POOL_KB / 2))
psis=0
psif=0
for i in $(seq 1 20); do
    psis=$((psis + 500000))
    psif=$((psif + 300000))
    inject 1 "v=1 seq=$((1000 + i)) total=1073741824 free=0 avail=0 oom=$i psis=$psis psif=$psif"
    sleep 0.3
    snapshot "liar, step $i"
done
check_snapshots "dom(\"db\")[\"target_kb\"] >= min(dom(\"db\")[\"need_kb\"], $FAIR)" \
    "db keeps the lesser of its need and its fair share"
ctl --json show web
jcheck 'v["records_accepted"] >= 15' "the lies were accepted (they parse)"
jcheck 'v["target_kb"] <= v["max_kb"] and v["need_kb"] > v["max_kb"]' \
    "the liar claims more than its max and does not get it"
wait_for '[d for d in v["domains"] if d["name"] == "web"][0]["target_kb"] > 2 * 1024 * 1024' status

# 3. The same guest now claims to need nothing: it is probed down, never
# below its min.
field web target_kb
BEFORE=$VAL
for i in $(seq 1 20); do
    inject 1 "v=1 seq=$((2000 + i)) total=3145728 free=3145728 avail=3145728 psis=0 psif=0"
    sleep 0.3
    snapshot "zero claim, step $i"
done
check_snapshots
ctl --json show web
jcheck "v[\"target_kb\"] < $BEFORE" "the zero claim shrinks it"
jcheck 'v["target_kb"] >= v["min_kb"]' "but not below its min"

stop_daemon
finish
