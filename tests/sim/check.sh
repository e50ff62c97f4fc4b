#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The `sim` test tier: short scenarios run through xenballoon-sim against
# the real policies and balancer.  Each case checks the safety rules (the
# simulator exits 2 on a violation) and one qualitative outcome.
#
#   SIM=path/to/xenballoon-sim tests/sim/check.sh CASE
#
# Cases: safety, static, squeeze, proportional, pressure, selfballoon,
# oracle, reactive, launch, repro, sabotage, errors, agent, burst.
set -eu
case_=${1:?usage: check.sh CASE}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
sim=${SIM:?SIM must name the xenballoon-sim binary}
policies="static selfballoon proportional squeeze pressure"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$here"

fail() {
    echo "FAIL ($case_): $*" >&2
    exit 1
}

# run POLICY SCENARIO [ARGS...]: JSON summary on stdout; a violation fails.
run() {
    p=$1
    s=$2
    shift 2
    if [ "$p" = oracle ]; then
        "$sim" -q -O -j - "$@" "$s" || fail "$s oracle: exit $?"
    elif [ "$p" = reactive ]; then
        "$sim" -q -R -j - "$@" "$s" || fail "$s reactive: exit $?"
    else
        "$sim" -q -p "$p" -j - "$@" "$s" || fail "$s $p: exit $?"
    fi
}

# jq expression on the summary of POLICY on SCENARIO.
q() {
    run "$1" "$2" | jq -r "$3"
}

case $case_ in
safety)
    # Every policy and the reactive oracle on every scenario here and on
    # the suite's imperfect drivers, shortened: the run itself asserts the
    # rules every step.
    for p in $policies reactive; do
        for s in two.json spike.json launch.json; do
            run "$p" "$s" >/dev/null
        done
        run "$p" "$top/tools/sim/scenarios/q-drivers.json" -d 20m >/dev/null
        run "$p" "$top/tools/sim/scenarios/q-mixed.json" -d 20m >/dev/null
    done
    ;;
static)
    # static never moves memory (the reserve is met at boot here).
    [ "$(q static two.json '.total.writes')" = 0 ] ||
        fail "static issued target writes"
    [ "$(q static two.json '[.guests[].mean_alloc_mib] | map(. == 768) | all')" = true ] ||
        fail "static allocations moved"
    ;;
squeeze)
    # squeeze keeps every guest at the same fraction of [min, max]; here
    # the two guests have the same range, so the same target, whatever
    # their workloads.
    "$sim" -q -p squeeze -o "$tmp/s.csv" two.json || fail "exit $?"
    last=$(awk -F, '$2 != "host" { t[$2] = $7 } END { print t["busy"], t["quiet"] }' "$tmp/s.csv")
    set -- $last
    [ "$1" = "$2" ] || fail "targets differ: busy $1, quiet $2 MiB"
    [ "$1" != 768.0 ] || fail "squeeze never moved the targets"
    ;;
proportional)
    # proportional gives the busier guest more.
    [ "$(q proportional two.json '.guests[0].mean_alloc_mib > .guests[1].mean_alloc_mib')" = true ] ||
        fail "busy guest did not get more than the quiet one"
    ;;
pressure)
    # pressure grows a spiking guest before it is OOM-killed, where the
    # policies blind to guest need (static, squeeze) let it be killed.
    [ "$(q pressure spike.json '.guests[0].oom')" = 0 ] ||
        fail "pressure: spiking guest OOM-killed"
    for p in static squeeze; do
        [ "$(q $p spike.json '.guests[0].oom')" -gt 0 ] ||
            fail "$p: expected OOM kills of the spiking guest"
    done
    [ "$(q pressure spike.json '.guests[0].writes')" -gt 0 ] ||
        fail "pressure never changed the spiking guest's target"
    ;;
selfballoon)
    # selfballoon shrinks an idle guest toward Committed_AS + 10%.
    a=$(q selfballoon two.json '.guests[1].mean_alloc_mib < 600')
    [ "$a" = true ] || fail "quiet guest not shrunk"
    ;;
oracle)
    # The oracle moves memory instantly: nothing stalls when everything
    # fits in the host.
    [ "$(q oracle two.json '.total.stall_s == 0 and .total.oom == 0')" = true ] ||
        fail "oracle stalled"
    ;;
reactive)
    # reactive.json: demand jumps by ~540 MiB at 30 s; the guest's balloon
    # moves 16 MiB/s.  The clairvoyant oracle serves it at once (no stall,
    # big steps); the reactive one serves it at the balloon's speed (per
    # second at most 16 MiB more, some stall) and reaches it in the end.
    for m in O R; do
        "$sim" -q -$m -o "$tmp/$m.csv" -j "$tmp/$m.json" reactive.json ||
            fail "-$m: exit $?"
        awk -F, '$2 == "jump" { if (p != "" && $6 - p > mx) mx = $6 - p
                                p = $6 } END { print mx + 0, p }' \
            "$tmp/$m.csv" >"$tmp/$m.steps"
    done
    read -r step last <"$tmp/R.steps"
    awk -v s="$step" 'BEGIN { exit !(s > 0 && s <= 16.1) }' ||
        fail "reactive: grew $step MiB in a second, balloon moves 16"
    [ "$last" = 664.0 ] || fail "reactive: ends at $last MiB, not 664"
    [ "$(jq '.total.stall_s > 1 and .total.oom == 0' "$tmp/R.json")" = true ] ||
        fail "reactive: no stall while its balloon catches up"
    read -r step last <"$tmp/O.steps"
    awk -v s="$step" 'BEGIN { exit !(s > 100) }' ||
        fail "clairvoyant: grew only $step MiB in a second"
    [ "$(jq '.total.stall_s' "$tmp/O.json")" = 0 ] || fail "clairvoyant stalled"
    # On a host whose free memory is only the reserve, the jump is paid
    # by the calm guest's shrink.  The reactive oracle grows the jumping
    # guest in the step the calm one shrinks; held to the daemon's rule
    # (-F: growth only from memory free before the step) one step later,
    # and it still gets all of it.
    jq '.host.memory = "1152M" | .sample = "100ms"' reactive.json \
        >"$tmp/tight.json"
    for m in R F; do
        "$sim" -q -$m -o "$tmp/t$m.csv" -j "$tmp/t$m.json" "$tmp/tight.json" ||
            fail "tight -$m: exit $?"
        awk -F, '$2 == "jump" { if (f == "" && $6 > 256) f = $1; l = $6 }
                 END { print f, l }' "$tmp/t$m.csv" >"$tmp/t$m.first"
    done
    read -r fr lr <"$tmp/tR.first"
    read -r ff lf <"$tmp/tF.first"
    awk -v r="$fr" -v f="$ff" 'BEGIN { exit !(r != "" && f - r > 0.05) }' ||
        fail "-F grew at ${ff}s, not after -R's ${fr}s"
    [ "$lr" = 664.0 ] && [ "$lf" = 664.0 ] ||
        fail "tight: ends at $lr / $lf MiB, not 664"
    [ "$(jq -r .policy "$tmp/tF.json")" = reactive-free ] ||
        fail "-F is not named reactive-free"
    ;;
launch)
    # The launcher's make-room contract (hold.json): the hold of 512 MiB
    # placed at 10 s is met only when the idle guest's 8 MiB/s balloon
    # has given back ~384 MiB, so the new guest boots at ~58 s, not
    # before; the clairvoyant oracle makes room at once.
    for p in static pressure; do
        q "$p" hold.json '"\(.launched) \(.guests[1].start_s)"' >"$tmp/l"
        read -r n t <"$tmp/l"
        [ "$n" = 1 ] || fail "$p: launched $n, not 1"
        awk -v t="$t" 'BEGIN { exit !(t >= 55 && t <= 62) }' ||
            fail "$p: booted at ${t}s, not when the hold was met (~58 s)"
    done
    [ "$(q oracle hold.json '.guests[1].start_s')" = 10 ] ||
        fail "clairvoyant oracle: room not made at once"
    # A donor that must page out to give memory back gives it at its swap
    # device's speed, as in the Xen lab, not at its balloon's: the same
    # fat guest with a fast balloon, once idle and once using 1200 MiB
    # with an 8 MiB/s swap device; the second's ~90 MiB paged out delay
    # the launch by several seconds.
    jq '.guests[0].balloon_rate = "256M" | .guests[0].io_rate = "8M" |
        .guests[0].swap = "1G"' hold.json >"$tmp/idle.json"
    jq '.guests[0].workload.demand = "1200M"' "$tmp/idle.json" >"$tmp/busy.json"
    for p in static pressure; do
        t0=$(q "$p" "$tmp/idle.json" '.guests[1].start_s')
        t1=$(q "$p" "$tmp/busy.json" '.guests[1].start_s')
        awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(a < 12 && b >= a + 4) }' ||
            fail "$p: launched at ${t1}s past a paging donor, ${t0}s past an idle one"
    done
    # A hold that could never be met (the guest's min is its size) is
    # refused at once; one that the balloon cannot meet (stuck) is given
    # up after the 60 s timeout; nothing is launched in either case.
    jq '.daemon.domains = [{match: "fat", min: "1536M"}]' hold.json >"$tmp/h1.json"
    [ "$(q pressure "$tmp/h1.json" '"\(.launched) \(.launch_gave_up_s)"')" = "0 10" ] ||
        fail "impossible hold not refused at once"
    jq '.guests[0].driver = "stuck"' hold.json >"$tmp/h2.json"
    for p in pressure reactive; do
        [ "$(q $p "$tmp/h2.json" '"\(.launched) \(.launch_gave_up_s)"')" = "0 70" ] ||
            fail "$p: unmet hold not given up after 60 s"
    done
    # Safety every step while launching with every policy and both oracles
    # (the run fails on a violation), and the host does fill up.
    for p in $policies oracle reactive; do
        [ "$(q "$p" launch.json '.launched')" -ge 3 ] || fail "$p: fewer than 3"
    done
    ;;
repro)
    # Same scenario and seed: byte-identical time series; another seed
    # gives another one.
    for i in 1 2; do
        "$sim" -q -p pressure -o "$tmp/r$i.csv" "$top/tools/sim/scenarios/q-mixed.json" -d 30m ||
            fail "exit $?"
    done
    cmp "$tmp/r1.csv" "$tmp/r2.csv" || fail "runs differ"
    "$sim" -q -p pressure -s 99 -o "$tmp/r3.csv" "$top/tools/sim/scenarios/q-mixed.json" -d 30m
    ! cmp -s "$tmp/r1.csv" "$tmp/r3.csv" || fail "seed has no effect"
    ;;
sabotage)
    # A plan that grows past host free must stop the run loudly: exit 2,
    # the rule, the time and the domain named.
    rc=0
    XB_SIM_SABOTAGE=grow "$sim" -q sabotage.json 2>"$tmp/err" || rc=$?
    [ "$rc" = 2 ] || fail "exit $rc, not 2"
    grep -q 'SAFETY VIOLATION: t=[0-9.]*s: S2: domain 1 (victim)' "$tmp/err" ||
        fail "message: $(cat "$tmp/err")"
    ;;
agent)
    # The guests publish as the real agent decides (agent/change.c) and
    # wake on its PSI trigger (agent/psi.h).  quiet.json: "calm" never
    # changes, so it publishes its first record and then one per 10 s
    # heartbeat; "stall" samples once an hour, so every record after its
    # first comes from the trigger, which fires within a second of the
    # stall that starts when its job overflows memory (~61.6 s).
    "$sim" -q -j "$tmp/q.json" -e "$tmp/q.ev" quiet.json || fail "exit $?"
    [ "$(jq '.guests[0].records' "$tmp/q.json")" = 30 ] ||
        fail "calm: $(jq '.guests[0].records' "$tmp/q.json") records, not 30"
    awk '$3 == "calm" { if (n++ && $1 - t < 9.999) bad = 1; t = $1 }
         END { exit bad }' "$tmp/q.ev" || fail "calm: records closer than 10 s"
    first=$(awk '$3 == "stall" && $1 > 1 { print $1; exit }' "$tmp/q.ev")
    [ -n "$first" ] || fail "stall: no record after its first"
    awk -v t="$first" 'BEGIN { exit !(t >= 61 && t <= 63) }' ||
        fail "stall: first record after the spike at ${first}s"
    [ "$(jq '.guests[1].psi_triggers > 100' "$tmp/q.json")" = true ] ||
        fail "stall: too few PSI triggers"
    # Without the trigger the hourly timer is all it has: one record.
    jq '.daemon.agent = {psi_trigger: false}' quiet.json >"$tmp/np.json"
    [ "$("$sim" -q -j - "$tmp/np.json" | jq '.guests[1].records')" = 1 ] ||
        fail "stall: records without a PSI trigger"
    ;;
burst)
    # The burst-allowance what-if (-b): under `static`, which never grows
    # a guest, the jumping guest's PSI triggers raise its target by up to
    # 128 MiB of free memory each, at once; it stalls less, the safety
    # rules hold (run fails on a violation), and without -b nothing bursts.
    [ "$(q static reactive.json '.bursts')" = 0 ] || fail "bursts without -b"
    run static reactive.json -b 128M >"$tmp/b.json"
    [ "$(jq '.bursts > 0 and .total.oom == 0' "$tmp/b.json")" = true ] ||
        fail "no burst on the jump"
    [ "$(jq -n --slurpfile a "$tmp/b.json" \
        --argjson s "$(q static reactive.json '.total.stall_s')" \
        '$a[0].total.stall_s < $s / 2')" = true ] ||
        fail "the burst did not halve the stall"
    "$sim" -q -p static -b 128M -e "$tmp/ev" reactive.json >/dev/null
    awk '$2 == "burst" { if ($5 - $4 > 131072) bad = 1; n++ }
         END { exit !(n > 0 && !bad) }' "$tmp/ev" ||
        fail "a burst above 128 MiB, or none logged"
    # A what-if of the controller only; a size is required.
    for a in "-R -b 128M" "-b 0"; do
        # shellcheck disable=SC2086 # split on purpose
        if "$sim" -q $a reactive.json >/dev/null 2>&1; then
            fail "accepted $a"
        fi
    done
    ;;
errors)
    # A bad scenario: exit 1, every error named by its JSON path.
    rc=0
    "$sim" bad.json 2>"$tmp/err" >/dev/null || rc=$?
    [ "$rc" = 1 ] || fail "exit $rc, not 1"
    diff -u bad.err "$tmp/err" || fail "messages differ"
    ;;
*)
    fail "unknown case"
    ;;
esac
echo "ok $case_"
