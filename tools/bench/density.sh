#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Benchmark 2, density after the seed paper: tools/bench/density-*.json
# launch guests (memory=512M, maxmem=1G) on a 2 GiB host one at a time
# while the launch rule finds room, then run to 3 h.  For every policy it
# reports how many guests were launched and how many stayed healthy (no
# OOM kill and stall under 1% of their life), for eatmem and for idle
# guests, as one Markdown table.
#
# The launch rule ("free", tools/sim/run.c launch()): 60 s after the last
# launch, wait until host free - reserve - promised growth >= 512 MiB, as
# the paper's launch script watched free memory; give up after 10 min.
#
#   tools/bench/density.sh [SIM] [OUT]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
sim=${1:-$top/build/tools/sim/xenballoon-sim}
out=${2:-${TMPDIR:-/tmp}/xb-bench-density}
policies="static selfballoon proportional squeeze pressure"
mkdir -p "$out"

# The policy and its parameters go into the scenario: selfballoon gets
# minmem = 64 MiB, the same floor as the daemon's min rule in the
# scenarios, as the paper's xenballoond was given XENBALLOON_MINMEM;
# without it xenballoond's own minimum_target() floor (232 MiB for
# maxmem=1G) alone would cap every host at 7 guests.
params() {
    case $1 in
    selfballoon) echo '{"minmem": "64M"}' ;;
    *) echo '{}' ;;
    esac
}

for w in eatmem idle; do
    for p in $policies; do
        jq --arg p "$p" --argjson pp "$(params "$p")" \
            '.daemon.policy = {name: $p, params: $pp}' \
            "$here/density-$w.json" >"$out/density-$w-$p.json"
        "$sim" -q -j "$out/$w.$p.json" "$out/density-$w-$p.json"
    done
done

echo "| policy | eatmem launched | eatmem healthy | eatmem OOM kills | eatmem stall (s) | idle launched | idle healthy | idle stall (s) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for p in $policies; do
    e=$(jq -r '"\(.launched) | \(.total.healthy) | \(.total.oom) | \((.total.stall_s * 10 | round) / 10)"' "$out/eatmem.$p.json")
    i=$(jq -r '"\(.launched) | \(.total.healthy) | \((.total.stall_s * 10 | round) / 10)"' "$out/idle.$p.json")
    echo "| $p | $e | $i |"
done
