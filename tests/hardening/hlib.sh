# SPDX-License-Identifier: GPL-2.0-only
# Helpers for the hardening tests, on top of tests/regress/lib.sh (private
# socket, the real daemon on the sim backend, the real CLI): a config
# writer with room for the drivers and timings these tests need, the sim
# backend's hostile-guest (XB_SIM_INJECT) and fault (XB_SIM_FAULTS) hooks,
# the daemon's CPU time from /proc, the safety invariants checked on a
# `status --json`, and a seeded random source (XB_SEED, printed).
. "$(dirname "$0")/../regress/lib.sh"

export XB_SIM_INJECT=$T/inject
export XB_SIM_FAULTS=$T/faults

SEED=${XB_SEED:-$(( $(date +%s) % 100000 ))}
echo "$(basename "$0"): seed $SEED (rerun with XB_SEED=$SEED)"
RANDOM=$SEED

# Fixed figures of every hardening config, KiB: host 4G, Xen 64M, dom0
# 512M, reserve 128M; what the guests may hold between them is the rest.
HOST_KB=$((4096 * 1024))
XEN_KB=$((64 * 1024))
DOM0_KB=$((512 * 1024))
RESERVE_KB=$((128 * 1024))
POOL_KB=$((HOST_KB - XEN_KB - DOM0_KB - RESERVE_KB))

# hconfig POLICY DOMAINS-JSON [EXTRA-TOP-LEVEL-MEMBERS]
hconfig()
{
    cat >"$CFG" <<JSON
{
  "backend": "sim",
  "sim": {
    "host": "4G", "xen_overhead": "64M", "dom0": "512M", "seed": $SEED,
    "domains": [ $2 ]
  },
  "policy": { "name": "$1", "params": {} },
  "reserve": "128M",
  "tick": "200ms",
  "health_check": "1s",
  ${3:-}
  "socket": "$SOCK",
  "log_level": "debug"
}
JSON
}

# guest NAME MEMORY MAXMEM [DRIVER] [WORKLOAD] [DEMAND]: one sim domain.
guest()
{
    printf '{ "name": "%s", "memory": "%s", "maxmem": "%s", "base": "96M",
      "demand": "%s", "balloon_rate": "256M", "driver": "%s",
      "workload": "%s", "agent": true }' "$1" "$2" "$3" "${6:-300M}" \
        "${4:-ideal}" "${5:-idle}"
}

# inject DOMID RAW: publishes RAW as DOMID's record, through the same
# intake path as xenstore's (raw may not contain a newline or a NUL).
inject()
{
    printf '%s %s\n' "$1" "$2" >"$T/inject.tmp"
    mv "$T/inject.tmp" "$XB_SIM_INJECT"
    wait_gone "$XB_SIM_INJECT"
}

# cpu_ticks: the daemon's user + system time so far, in clock ticks.
cpu_ticks()
{
    awk '{ print $14 + $15 }' "/proc/$DPID/stat"
}

# field DOMAIN KEY: one value of `show DOMAIN --json` (into $VAL).
field()
{
    ctl --json show "$1"
    VAL=$(printf '%s\n' "$OUT" | python3 -c '
import json, sys
v = json.load(sys.stdin)[sys.argv[1]]
print("null" if v is None else v)' "$2" 2>/dev/null)
}

# jnum KEY: the first integer member KEY of the JSON in $OUT (into $VAL),
# without python, whose start-up can take longer than what is measured.
jnum()
{
    VAL=$(printf '%s\n' "$OUT" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p")
}

# poll_show DOMAIN KEY MIN: repeats `show DOMAIN --json` until KEY >= MIN
# (5 s at most); $OUT is the last answer.
poll_show()
{
    i=0
    while [ $i -lt 250 ]; do
        ctl --json show "$1"
        jnum "$2"
        [ "${VAL:-0}" -ge "$3" ] && return 0
        sleep 0.02
        i=$((i + 1))
    done
    fail "$1: $2 never reached $3"
    return 1
}

# snapshot LABEL: records a `status --json` for check_snapshots.
snapshot()
{
    ctl --json status
    if [ "$RC" != 0 ]; then
        fail "status failed ($1)"
        return
    fi
    printf '%s\t%s\n' "$1" "$OUT" >>"$T/snapshots"
}

# check_snapshots [PY-EXPR DESC]: checks every recorded snapshot (one
# python run for all), then forgets them.  On each, the safety rules that
# must hold at any moment, whatever the guests say or the faults do:
#   - every target within its domain's [min, max] (dom0 excluded, and the
#     domains named in $INV_FROZEN, whose targets the backend refuses);
#   - growth the balancer granted never eats into the reserve: what the
#     guests may take (the larger of target and actual each) fits in the
#     pool net of held reservations, unless they already held more than
#     that before the balancer acted (a domain created by hand): then no
#     target may be above its actual;
# and PY-EXPR, if given (over `v` the status and `dom(name)`).
check_snapshots()
{
    [ -f "$T/snapshots" ] || return 0
    python3 -c '
import json, sys
pool0, frozen, expr, desc = int(sys.argv[1]), sys.argv[2].split(), \
    sys.argv[3], sys.argv[4]
for line in open(sys.argv[5]):
    label, text = line.rstrip("\n").split("\t", 1)
    v = json.loads(text)
    bad = []
    pool = pool0 - v["host"]["held_kb"]
    guests = [d for d in v["domains"] if d["domid"] != 0]
    for d in guests:
        if d["state"] == "excluded" or d["name"] in frozen:
            continue
        if not d["min_kb"] <= d["target_kb"] <= d["max_kb"]:
            bad.append("%s target %d outside [%d, %d]" % (d["name"],
                       d["target_kb"], d["min_kb"], d["max_kb"]))
    claim = sum(max(d["target_kb"], d["actual_kb"]) for d in guests)
    held = sum(d["actual_kb"] for d in guests)
    grown = [d["name"] for d in guests if d["target_kb"] > d["actual_kb"]]
    if claim > pool and (held <= pool or grown):
        bad.append("guests may take %d KiB, the pool is %d (growing: %s)"
                   % (claim, pool, grown))
    dom = lambda n: [d for d in v["domains"] if d["name"] == n][0]
    if expr and not eval(expr):
        bad.append(desc or expr)
    print(("bad: %s: %s" % (label, "; ".join(bad))) if bad else "ok")
' "$POOL_KB" "${INV_FROZEN:-}" "${1:-}" "${2:-}" "$T/snapshots" \
        >"$T/verdicts"
    while IFS= read -r verdict; do
        case $verdict in
        ok) pass ;;
        *) OUT= ERR= RC=0 fail "${verdict#bad: }" ;;
        esac
    done <"$T/verdicts"
    rm -f "$T/snapshots"
}

# invariants LABEL: snapshot and check at once.
invariants()
{
    snapshot "$1"
    check_snapshots
}

# log_count PATTERN: lines of the daemon log matching PATTERN (into $VAL).
log_count()
{
    VAL=$(grep -c -- "$1" "$T/daemon.log")
}
