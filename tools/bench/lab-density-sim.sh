#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The simulator's side of tools/bench/lab-density.sh: the same experiment
# with the same parameters, in virtual time.  A 2 GiB host with the lab's
# dom0 (384 MiB) and Xen overhead (24 MiB), reserve 64 MiB, min 64 MiB;
# guests of memory=512M, maxmem=1G like the lab's (an initramfs: 80 MiB
# used, 4 MiB of files) with a 512 MiB swap disk that pages at the lab's
# ~8 MiB/s, running eatmem with the paper's schedule; the make-room
# launcher (hold 512M, wait up to 60 s, boot, release) starts one every
# 60 s plus the ~15 s the lab takes to boot a guest and see its first
# record; the run lasts DENS_RUN s after the last launch.  Healthy is the
# simulator's rule: no OOM kill, stall under 1% of the guest's life.
#
# For each N from NMIN to NMAX, one run per seed launches N guests; N
# counts toward N* when all N were launched and stayed healthy on every
# seed.  Prints a Markdown row per policy, the oracles included: N*, and
# at each N the fewest healthy and launched guests over the seeds and the
# fleet's mean stall.
#
#   tools/bench/lab-density-sim.sh [SIM]           # ~1 min
#   env: POLICIES ("pressure static oracle reactive"), SEEDS ("1 2 3"),
#        NMIN (2), NMAX (10), DENS_RUN (600), DENS_RATE (eatmem's write
#        rate: 256M, native, the simulator's default; the lab's guests
#        manage ~8M), DENS_SWAP (512M), DENS_IO (swap device, 8M)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
sim=${1:-$top/build/tools/sim/xenballoon-sim}
policies=${POLICIES:-pressure static oracle reactive}
seeds=${SEEDS:-1 2 3}
nmin=${NMIN:-2}
nmax=${NMAX:-10}
run=${DENS_RUN:-600}
rate=${DENS_RATE:-256M}
swap=${DENS_SWAP:-512M}
io=${DENS_IO:-8M}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# healthy/launched (fewest over seeds) and the fleet's stall (mean)
hdr="| policy | N* |"
sep="|---|---:|"
n=$nmin
while [ "$n" -le "$nmax" ]; do
    hdr="$hdr N=$n |"
    sep="$sep---|"
    n=$((n + 1))
done
echo "$hdr"
echo "$sep"
for p in $policies; do
    case $p in
    oracle) flag=-O pol=pressure ;;
    reactive) flag=-R pol=pressure ;;
    *) flag=-q pol=$p ;;
    esac
    best=-
    row=
    n=$nmin
    while [ "$n" -le "$nmax" ]; do
        jq -n --arg p "$pol" --argjson n "$n" \
            --arg dur "$((10 + (n - 1) * 75 + run))s" --arg rate "$rate" \
            --arg swap "$swap" --arg io "$io" '{
            name: "lab-density", duration: $dur, seed: 1,
            host: {memory: "2G", xen_overhead: "24M", dom0: "384M"},
            daemon: {policy: {name: $p}, reserve: "64M",
                     domains: [{match: "*", min: "64M"}]},
            launch: {max: $n, start: "10s", settle: "75s", timeout: "60s",
                     guest: {name: "d", memory: "512M", maxmem: "1G",
                             base: "80M", file_ws: "4M", swap: $swap,
                             io_rate: $io,
                             workload: {type: "eatmem",
                                        write_rate: $rate}}}}' \
            >"$tmp/scn.json"
        fewest=$n
        fewl=$n
        stall=0
        for s in $seeds; do
            "$sim" $flag -q -s "$s" -j "$tmp/out.json" "$tmp/scn.json" \
                >/dev/null 2>&1 || echo "FAILED: $p N=$n seed $s" >&2
            h=$(jq -r 'if .violation == null then .total.healthy else 0 end' \
                "$tmp/out.json")
            l=$(jq -r .launched "$tmp/out.json")
            stall=$(jq -r --argjson a "$stall" '$a + .total.stall_s' \
                "$tmp/out.json")
            [ "$h" -ge "$fewest" ] || fewest=$h
            [ "$l" -ge "$fewl" ] || fewl=$l
        done
        [ "$fewest" != "$n" ] || [ "$fewl" != "$n" ] || best=$n
        row="$row $fewest/$fewl ($(echo "$stall" |
            awk -v k="$(echo "$seeds" | wc -w)" '{ printf "%.0f", $1 / k }') s) |"
        n=$((n + 1))
    done
    echo "| $p | $best |$row"
done
