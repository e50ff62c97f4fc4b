#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Benchmark 1, quality: every policy and both oracles (clairvoyant -O,
# reactive -R) on the mixed suite tools/sim/scenarios/q-*.json (2 h of
# simulated time each, fixed seeds).  Prints two Markdown tables: suite totals per policy (stall,
# swap-in volume, OOM kills, target writes, stall as a ratio to the
# oracle's and to selfballoon's) and stall per scenario.  The JSON
# summaries stay in OUT.
#
#   tools/bench/quality.sh [SIM] [OUT]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
sim=${1:-$top/build/tools/sim/xenballoon-sim}
out=${2:-${TMPDIR:-/tmp}/xb-bench-quality}
policies="static selfballoon proportional squeeze pressure"
mkdir -p "$out"

for s in "$top"/tools/sim/scenarios/q-*.json; do
    n=$(basename "$s" .json)
    for p in $policies; do
        "$sim" -q -p "$p" -j "$out/$n.$p.json" "$s"
    done
    "$sim" -q -O -j "$out/$n.oracle.json" "$s"
    "$sim" -q -R -j "$out/$n.reactive.json" "$s"
done

# Suite totals.
jq -s -r --arg pols "$policies oracle reactive" '
  def r(x): (x * 10 | round) / 10;
  def ratio(a; b): if b == 0 then (if a == 0 then "1.0" else "inf" end)
                   else ((a / b * 100 | round) / 100 | tostring) end;
  (map({p: .policy, s: .total.stall_s, w: .total.swapin_mib,
        o: .total.oom, t: .total.writes})
   | group_by(.p) | map({key: .[0].p, value: {s: (map(.s) | add),
       w: (map(.w) | add), o: (map(.o) | add), t: (map(.t) | add)}})
   | from_entries) as $T
  | "| policy | stall (s) | swap-in (MiB) | OOM kills | target writes | stall / oracle | stall / selfballoon |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ($pols | split(" ")[] as $p
     | "| \($p) | \(r($T[$p].s)) | \(r($T[$p].w)) | \($T[$p].o) | \($T[$p].t) | \(ratio($T[$p].s; $T.oracle.s)) | \(ratio($T[$p].s; $T.selfballoon.s)) |")
' "$out"/*.json
echo
# Stall per scenario.
jq -s -r --arg pols "$policies oracle reactive" '
  ($pols | split(" ")) as $P
  | "| scenario | " + ($P | join(" | ")) + " |",
    "|---" + ($P | map("|---:") | join("")) + "|",
    (group_by(.scenario)[] as $g
     | "| \($g[0].scenario) | " + ($P | map(. as $p | ($g[] | select(.policy == $p)
         | "\((.total.stall_s * 10 | round) / 10)" + (if .total.oom > 0 then " (\(.total.oom) OOM)" else "" end))) | join(" | ")) + " |")
' "$out"/*.json
