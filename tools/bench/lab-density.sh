#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Benchmark 2 on real Xen: the seed paper's experiment in the QEMU lab.
# A 2 GiB host (dom0 384 MiB: the lab's dom0 is an initramfs, and with
# the paper's 256 MiB xl itself is OOM-killed creating the second guest;
# the daemon's reserve 64 MiB, every guest's min 64 MiB); guests of
# memory=512M, maxmem=1G running the paper's eatmem
# (chunks up to 512 MiB, 1-4 write passes, sleeps up to 63 s) are
# launched one at a time through the make-room contract (hold 512M,
# wait up to 60 s until it is met, xl create, release; 60 s between
# launches) until N run or a hold cannot be met; then they run DENS_RUN s
# more.  Each guest has a 512 MiB swap disk, as the paper's had (xenlab
# --guest-swap).  A guest is healthy when its eatmem was never
# OOM-killed and its memory stall (PSI some) stayed under 1% of its life,
# both read from its own agent's record (tools/lab/density.sh).
#
# One lab boot per POLICY:N in RUNS.  Prints a Markdown row per run:
# guests launched, healthy, the fleet's stall and swap-out, the lowest
# host free memory seen; the dom0 logs go to OUT/POLICY-N.log.  N counts
# toward N* when all N were launched and stayed healthy.  The
# simulator's side, same parameters: tools/bench/lab-density-sim.sh.
#
#   tools/bench/lab-density.sh [OUT]        # ~20 min per run
#   env: RUNS ("pressure:7 static:3 pressure:5"), DENS_RUN (600),
#        DENS_SETTLE (60), DENS_WORK (eatmem: max=512M,writes=4,sleep=63),
#        DENS_SWAP (512, MiB per guest), XB_BUILD (build/)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/results/lab-density}
runs=${RUNS:-pressure:7 static:3 pressure:5}
run=${DENS_RUN:-600}
settle=${DENS_SETTLE:-60}
work=${DENS_WORK:-max=512M,writes=4,sleep=63}
swap=${DENS_SWAP:-512}
mkdir -p "$out"

echo "| policy | N | launched | healthy | fleet stall (s) | swapped out (MiB) | lowest free (MiB) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for r in $runs; do
    p=${r%:*}
    n=${r#*:}
    jq -n --arg p "$p" '{backend: "xen", policy: {name: $p},
        reserve: "64M", domains: [{match: "*", min: "64M"}],
        socket: "/run/xenballoon/ctl.sock", log_level: "info"}' \
        >"$out/$p.json"
    {
        echo "DENS_MAX=$n DENS_RUN=$run DENS_SETTLE=$settle"
        echo "DENS_WORK=$work"
        cat "$top/tools/lab/density.sh"
    } >"$out/density-$p-$n.sh"
    # launching takes up to (boot + settle + the 60 s wait) per guest
    rc=0
    "$top/tools/lab/xenlab" run "$out/density-$p-$n.sh" \
        --config "$out/$p.json" --host-mem 2048 --dom0-mem 384 \
        --guest-swap "$swap" --timeout $((600 + n * (settle + 240) + run)) \
        --keep-logs "$out/serial-$p-$n" >"$out/$p-$n.log" 2>&1 || rc=$?
    line=$(grep 'DENSITY launched=' "$out/$p-$n.log" | tail -1)
    if [ "$rc" != 0 ] || [ -z "$line" ]; then
        echo "| $p | $n | lab run failed (exit $rc, see $out/$p-$n.log) | | | | |"
        continue
    fi
    echo "$line" | sed 's/.*DENSITY //' | tr ' ' '\n' |
        awk -F= -v p="$p" -v n="$n" '{ v[$1] = $2 }
        END { printf "| %s | %s | %s | %s | %s | %s | %s |\n", p, n,
              v["launched"], v["healthy"], v["stall_s"], v["swapout_mb"],
              v["min_free_mb"] }'
done
