#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Benchmark 3, controller cost:
#  a. decide() per rebalance (snapshot, policy, balancer, check) for 10,
#     100, 1,000 and 10,000 domains per policy (xb-bench-decide);
#  b. the real daemon's peak memory (VmHWM) with 1,000 simulated guests:
#     `xenballoon-ctl daemon -f -c CFG` on the sim backend;
#  c. in the same run, the time from a record reaching the daemon (its
#     watch firing) to the target it leads to being issued, median and
#     99th percentile, under 1,000 agents publishing once a second each,
#     measured by the sim backend (XB_SIM_LATENCY, controller/hv/hv_sim.c);
#     then the same for the targets that follow a record in distress alone
#     (the fast path, which skips the coalescing delay).  Run twice: with
#     the default 100 ms coalescing delay (settle) and with settle = 0,
#     which leaves the processing alone.
#
#   tools/bench/cost.sh [BUILD] [SECONDS]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
secs=${2:-60}
ctl=$build/controller/xenballoon-ctl
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

echo "## decide() per rebalance"
echo
[ -n "${SKIP_DECIDE:-}" ] || "$build/tools/sim/xb-bench-decide" | sed 's/^/    /'
echo

# A 1,000-guest sim host: 250 configured guests (the config allows 256)
# times XB_SIM_COPIES=4, eatmem and idle, 256 MiB each.
config() {
    jq -n --arg sock "$tmp/ctl.sock" --arg settle "$1" '{
      backend: "sim",
      sim: { host: "600G", xen_overhead: "1G", dom0: "4G", seed: 1,
             domains: [range(250) | {
               name: "g\(.)", memory: "256M", maxmem: "512M", base: "64M",
               demand: (if . % 2 == 0 then "160M" else "32M" end),
               balloon_rate: "256M",
               workload: (if . % 2 == 0 then "eatmem" else "idle" end) }] },
      policy: { name: "pressure" },
      settle: $settle,
      socket: $sock,
      socket_group: null,
      log_level: "warning"
    }'
}

pct() {
    sort -n | awk -v p="$1" '{ v[NR] = $1 } END {
        if (NR == 0) { print "n/a"; exit }
        i = int(NR * p / 100 + 0.5); if (i < 1) i = 1; if (i > NR) i = NR
        printf "%.1f", v[i] / 1000 }'
}

echo "## The daemon with 1,000 sim guests ($secs s each)"
echo
echo "| settle | VmHWM (MiB) | targets issued | record-to-target median (ms) | p99 (ms) | after distress | distress median (ms) | distress p99 (ms) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for settle in 100ms 0ms; do
    config "$settle" >"$tmp/cfg.json"
    XB_SIM_COPIES=4 XB_SIM_LATENCY=$tmp/lat "$ctl" daemon -f -c "$tmp/cfg.json" \
        2>"$tmp/log" &
    pid=$!
    sleep "$secs"
    kill -0 "$pid" 2>/dev/null || { cat "$tmp/log" >&2; exit 1; }
    hwm=$(awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status")
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    pid=
    n=$(wc -l <"$tmp/lat")
    med=$(awk '{ print $2 }' "$tmp/lat" | pct 50)
    p99=$(awk '{ print $2 }' "$tmp/lat" | pct 99)
    nd=$(awk '$3 == "distress"' "$tmp/lat" | wc -l)
    dmed=$(awk '$3 == "distress" { print $2 }' "$tmp/lat" | pct 50)
    dp99=$(awk '$3 == "distress" { print $2 }' "$tmp/lat" | pct 99)
    echo "| $settle | $hwm | $n | $med | $p99 | $nd | $dmed | $dp99 |"
done
