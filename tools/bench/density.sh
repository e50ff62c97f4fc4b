#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Benchmark 2, density at health on the seed paper's testbed: N* is the
# largest number of guests, each started through the make-room contract
# (the simulator's launcher: hold memory=512M at the daemon, wait until Xen
# has it free above the reserve, boot, release; give up after 60 s), that
# all stay healthy (no OOM kill, stall under 1% of their life) for the
# whole run (3 h) on every seed.
#
# For each workload (tools/bench/density-{eatmem,idle,mixed}.json), every
# policy and both oracles (clairvoyant -O, reactive -R), N from NMIN to
# NMAX and every seed, one run; N counts only if all N guests were
# launched and all are healthy.  Prints a Markdown table of N* and the
# fleet's stall at the paper's N = 7; writes OUT/density.png (gnuplot:
# fleet stall against N per policy, one panel per workload), OUT/stall.dat
# and every run's JSON summary under OUT/runs.
#
#   tools/bench/density.sh [SIM] [OUT]
#   env: NMIN (2), NMAX (14), SEEDS ("1 2 3"), JOBS (2: parallel runs),
#        WORKLOADS ("eatmem idle mixed"), POLICIES (all five + oracles;
#        also "reactive-free", the reactive oracle held to the daemon's
#        growth rule: xenballoon-sim -F)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
sim=${1:-$top/build/tools/sim/xenballoon-sim}
out=${2:-$top/results/density}
nmin=${NMIN:-2}
nmax=${NMAX:-14}
seeds=${SEEDS:-1 2 3}
jobs=${JOBS:-2}
workloads=${WORKLOADS:-eatmem idle mixed}
policies=${POLICIES:-static selfballoon proportional squeeze pressure oracle reactive}
mkdir -p "$out/scn" "$out/runs"
rm -f "$out"/runs/*.json

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

# One scenario per workload, policy and N; one job line per run.
: >"$out/jobs"
for w in $workloads; do
    for p in $policies; do
        case $p in
        oracle) flag=-O pol=pressure ;;
        reactive) flag=-R pol=pressure ;;
        reactive-free) flag=-F pol=pressure ;;
        *) flag=-q pol=$p ;;
        esac
        n=$nmin
        while [ "$n" -le "$nmax" ]; do
            f=$out/scn/$w.$p.$n.json
            jq --arg p "$pol" --argjson pp "$(params "$pol")" --argjson n "$n" \
                '.daemon.policy = {name: $p, params: $pp} | .launch.max = $n' \
                "$here/density-$w.json" >"$f"
            for s in $seeds; do
                echo "$flag $s $f $out/runs/$w.$p.$n.$s.json" >>"$out/jobs"
            done
            n=$((n + 1))
        done
    done
done
# shellcheck disable=SC2016 # expanded by the inner sh
xargs -P "$jobs" -L 1 sh -c \
    'nice "$0" -q $1 -s "$2" -j "$4" "$3" || echo "FAILED: $*" >&2' \
    "$sim" <"$out/jobs"

# One line per run; which N it asked for is in its file name (W.P.N.S).
jq -c '(input_filename | sub(".*/"; "") | sub("[.]json$"; "") | split("."))
    as $k
    | {w: $k[0], p: $k[1], n: ($k[2] | tonumber), s: $k[3],
       ok: (.launched == ($k[2] | tonumber)
            and .total.healthy == .total.guests and .violation == null),
       stall: .total.stall_s, healthy: .total.healthy,
       oom: .total.oom, launched}' "$out"/runs/*.json >"$out/runs.jsonl"

jq -s -r --arg ws "$workloads" --arg ps "$policies" '
  def r(x): (x * 10 | round) / 10;
  group_by([.w, .p, .n]) | map({w: .[0].w, p: .[0].p, n: .[0].n,
      ok: (map(.ok) | all), stall: (map(.stall) | add / length),
      healthy: (map(.healthy) | min), oom: (map(.oom) | add)}) as $G
  | ($ws | split(" ")) as $W
  | "| policy | " + ($W | map("\(.) N*") | join(" | ")) + " | " +
    ($W | map("\(.) at N=7: stall (s), fewest healthy") | join(" | ")) + " |",
    "|---" + ($W | map("|---:") | join("")) + ($W | map("|---:") | join("")) + "|",
    (($ps | split(" "))[] as $p
     | "| \($p) | " +
       ($W | map(. as $w | [$G[] | select(.w == $w and .p == $p and .ok) | .n]
                 | if length == 0 then "< \([$G[] | .n] | min)"
                   elif max == ([$G[] | .n] | max) then "≥ \(max)"
                   else (max | tostring) end)
        | join(" | ")) + " | " +
       ($W | map(. as $w | [$G[] | select(.w == $w and .p == $p and .n == 7)][0]
                 | if . == null then "-" else "\(r(.stall)) / \(.healthy)" + (if .oom > 0 then " (\(.oom) OOM)" else "" end) end)
        | join(" | ")) + " |")
' "$out/runs.jsonl"

# stall.dat: one gnuplot block per workload, one column per policy.
jq -s -r --arg ws "$workloads" --arg ps "$policies" '
  group_by([.w, .p, .n]) | map({w: .[0].w, p: .[0].p, n: .[0].n,
      stall: (map(.stall) | add / length)}) as $G
  | ($ps | split(" ")) as $P
  | ($ws | split(" "))[] as $w
  | "# \($w): N " + ($P | join(" ")),
    ([$G[] | select(.w == $w) | .n] | unique[] as $n
     | "\($n) " + ($P | map(. as $p | [$G[] | select(.w == $w and .p == $p and .n == $n)][0].stall
                            | if . == null then "?" else (if . < 0.1 then 0.1 else . end | tostring) end)
                    | join(" "))),
    "", ""
' "$out/runs.jsonl" >"$out/stall.dat"

if command -v gnuplot >/dev/null; then
    np=$(echo "$policies" | wc -w)
    nw=$(echo "$workloads" | wc -w)
    {
        echo "set terminal pngcairo size 900,$((320 * nw)) font ',9'"
        echo "set output '$out/density.png'"
        echo "set multiplot layout $nw,1"
        echo "set logscale y"
        echo "set xlabel 'guests launched (N)'"
        echo "set ylabel 'fleet stall over 3 h (s, mean of seeds)'"
        echo "set key outside right top"
        echo "set grid"
        echo "set xtics 1"
        echo "set xrange [$((nmin - 1)):$((nmax + 1))]"
        i=0
        for w in $workloads; do
            echo "set title 'density at health: $w (stall 0 drawn at 0.1 s)'"
            printf "plot"
            c=2
            for p in $policies; do
                printf " '%s' index %d using 1:%d with linespoints title '%s'" \
                    "$out/stall.dat" "$i" "$c" "$p"
                [ "$c" -le "$np" ] && printf ","
                c=$((c + 1))
            done
            echo
            i=$((i + 1))
        done
        echo "unset multiplot"
    } >"$out/density.gp"
    gnuplot "$out/density.gp" && echo "figure: $out/density.png" >&2
fi
