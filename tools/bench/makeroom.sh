#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Benchmark 5, make room: every scenario of tools/sim/scenarios/makeroom
# (after XenServer squeezed's simulator cases) under the static policy
# (only the make-room path moves memory) and pressure.  Prints a Markdown
# table: the memory to release for the hold, the physical lower bound (that
# memory over the donors' true balloon speeds and room, in parallel), the
# time the hold took to be met, its ratio to the bound, and the goal it is
# held to (1.5 x bound + a tick + settle, + stuck_after where a donor
# stalls), or the shortfall reported for an impossible hold.  The JSON
# summaries stay in OUT.
#
#   tools/bench/makeroom.sh [SIM] [OUT]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
sim=${1:-$top/build/tools/sim/xenballoon-sim}
out=${2:-${TMPDIR:-/tmp}/xb-bench-makeroom}
mkdir -p "$out"

for s in "$top"/tools/sim/scenarios/makeroom/*.json; do
    n=$(basename "$s" .json)
    for p in static pressure; do
        "$sim" -q -p "$p" -j "$out/$n.$p.json" "$s"
    done
done

echo "| case | policy | to release (MiB) | lower bound (s) | time to met (s) | ratio | goal (s) | result |"
echo "|---|---|---:|---:|---:|---:|---:|---|"
for f in "$out"/*.json; do
    jq -r '
      def r(x): (x * 10 | round) / 10;
      (.scenario | sub("^mr-"; "")) as $c | .policy as $p | .holds[0]
      | if .time_to_met_s != null then
          "| \($c) | \($p) | \(r(.release_kb / 1024)) | \(r(.lower_bound_s)) | \(r(.time_to_met_s)) | \((.time_to_met_s / .lower_bound_s * 100 | round) / 100) | \(r(.bound_s))\(if .stalls then " (stuck)" else "" end) | met\(if .within_bound then "" else ", over goal" end) |"
        else
          "| \($c) | \($p) | \(r(.release_kb / 1024)) | - | - | - | - | \(if .short then "short by \(r(.shortfall_kb / 1024)) MiB (feasible \(r(.feasible_kb / 1024)) of \(r(.size_kb / 1024)) MiB)" else "NOT MET" end) |"
        end' "$f"
done
