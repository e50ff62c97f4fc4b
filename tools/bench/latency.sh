#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Lab-vs-simulator latency: runs tools/sim/scenarios/lab-balance.json (the
# Xen lab's balance scenario, tests/e2e/balance.sh, in virtual time) and
# measures what the lab's e2e_balance TIMING lines measure, with the same
# rules as tools/lab/dom0-lib.sh (spike_report, trace_report) applied to
# the simulator's event log (-e): every agent record as dom0 receives it
# and every target the daemon issues.
#
#   spike -> target   a demand spike (the first record whose anon is
#                     8 MiB above the last one before the step began) to
#                     the daemon's first grow of that guest after it
#   spike -> balloon  to the first record whose balloon reached that grow
#   target -> balloon every target change since section 2 to the first
#                     record whose balloon is within 2 MiB of it (or past)
#
# Spikes: g1 at 40 s (section 2), g1, g2 and g3 at 120 s (section 3);
# the spike figures are also given without g1's in section 3 (it starts
# that section still holding ~400 MiB from section 2).  Prints one
# Markdown row per figure: N, median, worst (s) and how many never came.
# The scenario is deterministic but for the agents' timer phases, which
# the seed sets: SEEDS runs pool their events.
#
#   tools/bench/latency.sh [SIM] [SEEDS]     # ~1 s
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
sim=${1:-$top/build/tools/sim/xenballoon-sim}
seeds=${2:-1 2 3 4 5 6 7 8}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for s in $seeds; do
    "$sim" -q -s "$s" -e "$tmp/ev.$s" "$top/tools/sim/scenarios/lab-balance.json"
    awk '
    $2 == "record" { n[$3]++; rt[$3, n[$3]] = $1; ra[$3, n[$3]] = $4
                     rb[$3, n[$3]] = $5 }
    $2 == "target" { m++; tt[m] = $1; tn[m] = $3; to[m] = $4; tw[m] = $5 }
    function spike(name, since, tag,    k, a0, sp, g, gk, j) {
        a0 = 0
        for (k = 1; k <= n[name]; k++) {
            if (rt[name, k] < since) { a0 = ra[name, k]; continue }
            if (ra[name, k] >= a0 + 8192) { sp = rt[name, k]; break }
        }
        if (sp == "") return
        for (j = 1; j <= m; j++)
            if (tn[j] == name && tt[j] >= since && tw[j] > to[j]) {
                g = tt[j]; gk = tw[j]; break
            }
        if (g == "") { print "issue" tag, -1; print "reach" tag, -1; return }
        print "issue" tag, (g > sp ? g - sp : 0)
        for (k = 1; k <= n[name]; k++)
            if (rt[name, k] >= g && rb[name, k] >= gk - 2048) {
                print "reach" tag, rt[name, k] - sp; return
            }
        print "reach" tag, -1
    }
    END {
        spike("g1", 40, "")
        spike("g1", 120, "-g1s3")
        spike("g2", 120, "")
        spike("g3", 120, "")
        for (j = 1; j <= m; j++) {
            if (tt[j] < 40) continue
            r = -1
            for (k = 1; k <= n[tn[j]]; k++) {
                if (rt[tn[j], k] < tt[j]) continue
                b = rb[tn[j], k]
                if ((tw[j] >= to[j] && b >= tw[j] - 2048) ||
                    (tw[j] < to[j] && b <= tw[j] + 2048)) {
                    r = rt[tn[j], k] - tt[j]; break
                }
            }
            print "target", r
        }
    }' "$tmp/ev.$s"
done >"$tmp/all"

# median and worst of one figure over every seed, as the lab computes them
stat() {
    awk -v f="$1" -v g="${2:-}" '$1 == f || $1 == g { if ($2 >= 0) v[++n] = $2; else u++ }
        END {
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
                if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
            med = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
            printf "%d | %.2f | %.2f | %d", n, med, v[n], u + 0
        }' "$tmp/all"
}
echo "| figure | n | median (s) | worst (s) | never |"
echo "|---|---:|---:|---:|---:|"
echo "| spike -> target issued | $(stat issue issue-g1s3) |"
echo "| the same without g1's section-3 spike | $(stat issue) |"
echo "| spike -> balloon at that target | $(stat reach reach-g1s3) |"
echo "| the same without g1's section-3 spike | $(stat reach) |"
echo "| any target -> balloon there | $(stat target) |"
