#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The make-room suite (DESIGN.md, "the two promises"): the scenarios of
# tools/sim/scenarios/makeroom, after XenServer squeezed's simulator cases,
# each run with the static policy (only the make-room path moves memory)
# and with pressure.  Each asserts, besides the safety rules the simulator
# checks every step (exit 2):
#   - a feasible hold is met within its bound (holds.c: 1.5 x the physical
#     lower bound + a tick + settle, + stuck_after when a donor the daemon
#     counts on stalls) and never reported short;
#   - an impossible one is reported short, never met, with the daemon's
#     feasibility below its size and the balancer's shortfall equal to
#     size - what the true model could free, within progress per donor;
#   - no memory left idle while a hold is not met and a cooperative donor
#     has room, beyond IDLE_MAX_S at a stretch.
# The `property` case runs random hosts and holds (2-8 guests, random
# sizes, mins and speeds, some stuck, slow or hidden-floor drivers; a hold
# up to 1.2 x what could be freed): XB_SEED=N replays one, XB_SEED_BASE
# and XB_PROP_RUNS choose others.  Several stalling donors may each be
# found only once the one before was (a cascade), so there the bound
# allows stuck_after per stalling donor (cascade_bound_s).
#
#   SIM=path/to/xenballoon-sim tests/sim/makeroom.sh CASE
set -eu
case_=${1:?usage: makeroom.sh CASE}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
sim=${SIM:?SIM must name the xenballoon-sim binary}
dir=$top/tools/sim/scenarios/makeroom
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Longest stretch, s, with memory idle while a hold is not met: a tick
# and a settle for the daemon to see it.
IDLE_MAX_S=2
# Balloon inaccuracy the shortfall may carry per donor, KiB (progress).
PROGRESS_KB=4096

fail() {
    echo "FAIL ($case_): $*" >&2
    exit 1
}

# judge JSON LABEL [BOUND]: the checks above on the first hold of a
# summary, against bound_s (or the field named).
judge() {
    j=$1
    what=$2
    bound=${3:-bound_s}
    jq -e '.violation == null' "$j" >/dev/null || fail "$what: violation"
    jq -e ".holds[0].idle_max_s <= $IDLE_MAX_S" "$j" >/dev/null ||
        fail "$what: memory idle while the hold was short: $(jq -c '.holds[0]' "$j")"
    if jq -e '.holds[0].true_possible_kb >= .holds[0].size_kb' "$j" >/dev/null; then
        jq -e --arg b "$bound" '.holds[0] | .time_to_met_s != null
               and .[$b] != null and .time_to_met_s <= .[$b]
               and (.short | not)' "$j" \
            >/dev/null || fail "$what: not met within its bound: $(jq -c '.holds[0]' "$j")"
    else
        n=$(jq '[.guests[]] | length' "$j")
        jq -e --argjson slack $((PROGRESS_KB * n)) '.holds[0]
            | .short and .met_s == null and (.stalls or .feasible_kb < .size_kb)
              and ((.shortfall_kb - (.size_kb - .true_possible_kb))
                   | fabs <= $slack)' "$j" >/dev/null ||
            fail "$what: not reported short by size - possible: $(jq -c '.holds[0]' "$j")"
    fi
}

# One scenario, static and pressure.
scenario() {
    s=$dir/$1.json
    [ -f "$s" ] || fail "no scenario $s"
    for p in static pressure; do
        "$sim" -q -p "$p" -j "$tmp/$p.json" "$s" || fail "$p: exit $?"
        judge "$tmp/$p.json" "$1 $p"
    done
}

# A random host and hold from seed $1 (awk's generator: the same
# everywhere for a given awk; the scenario is printed on failure).
gen() {
    awk -v seed="$1" 'BEGIN {
        srand(seed);
        n = 2 + int(rand() * 7);
        used = 64 + 512;
        printf "{ \"name\": \"prop-%d\", \"duration\": \"1h\", \"seed\": %d,\n", seed, seed;
        policy = rand() < 0.5 ? "static" : "pressure";
        guests = ""; rules = ""; room = 0;
        for (i = 1; i <= n; i++) {
            mem = 512 + int(rand() * 1537);
            min = 128 + int(rand() * (mem - 192));
            rate = 8 + int(rand() * 121);
            d = rand(); drv = "";
            if (d < 0.15) drv = ", \"driver\": \"stuck\"";
            else if (d < 0.3) drv = ", \"driver\": \"slow\"";
            else if (d < 0.45) {
                hf = min + int(rand() * (mem - min));
                drv = sprintf(", \"hidden_floor\": \"%dM\"", hf);
            }
            guests = guests sprintf("%s    { \"name\": \"g%d\", \"memory\": \"%dM\", \"balloon_rate\": \"%dM\"%s }",
                                    i > 1 ? ",\n" : "", i, mem, rate, drv);
            rules = rules sprintf("%s{ \"match\": \"g%d\", \"min\": \"%dM\" }", i > 1 ? ", " : "", i, min);
            used += mem; room += mem - min;
        }
        free = int(rand() * 1024);
        host = used + free;
        size = 64 + int(rand() * ((free + room) * 1.2));
        printf "  \"host\": { \"memory\": \"%dM\", \"xen_overhead\": \"64M\", \"dom0\": \"512M\" },\n", host;
        printf "  \"daemon\": { \"reserve\": \"128M\", \"stuck_retry\": \"1h\", \"policy\": { \"name\": \"%s\" },\n", policy;
        printf "              \"domains\": [ %s ] },\n", rules;
        printf "  \"guests\": [\n%s\n  ],\n", guests;
        printf "  \"holds\": [ { \"at\": \"10s\", \"size\": \"%dM\" } ]\n}\n", size;
    }'
}

property() {
    if [ -n "${XB_SEED:-}" ]; then
        seeds=$XB_SEED
    else
        base=${XB_SEED_BASE:-1}
        seeds=$(seq "$base" $((base + ${XB_PROP_RUNS:-100} - 1)))
    fi
    for seed in $seeds; do
        gen "$seed" >"$tmp/p.json"
        rc=0
        "$sim" -q -j "$tmp/r.json" "$tmp/p.json" || rc=$?
        [ "$rc" = 0 ] || {
            cat "$tmp/p.json" >&2
            fail "seed $seed (XB_SEED=$seed replays): exit $rc"
        }
        (judge "$tmp/r.json" "seed $seed (XB_SEED=$seed replays)" \
            cascade_bound_s) || {
            cat "$tmp/p.json" >&2
            exit 1
        }
    done
    echo "seeds: $(echo $seeds | wc -w) from $(echo $seeds | cut -d' ' -f1)"
}

case $case_ in
property)
    property
    ;;
*)
    scenario "$case_"
    ;;
esac
echo "ok makeroom $case_"
