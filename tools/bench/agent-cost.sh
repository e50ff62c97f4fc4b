#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Benchmark (not a test): what one sample costs xenballoon-agent, next to a
# shell loop doing what Xen 3.3's xenballoond did every interval (cat
# /proc/meminfo, /proc/vmstat and /proc/uptime into the store, grep/awk
# Committed_AS and MemTotal for the self-target, sleep).  The loop writes
# to files where xenballoond ran xenstore-write, so it is flattered: each
# xenstore-write was one more fork+exec.
#
# CPU is user+system of the measured process and all its children, from
# bash's `times` (getrusage, millisecond resolution), minus the cost of the
# /usr/bin/time wrapper itself.  Peak RSS is GNU time's %M: the largest
# resident set of any one process in the tree.
#
# usage: tools/bench/agent-cost.sh [-n SAMPLES] [-i INTERVAL_MS] [AGENT]
#   AGENT defaults to build/agent/xenballoon-agent.
set -eu

samples=300
interval_ms=100
while getopts n:i:h opt; do
    case $opt in
    n) samples=$OPTARG ;;
    i) interval_ms=$OPTARG ;;
    *) echo "usage: $0 [-n SAMPLES] [-i INTERVAL_MS] [AGENT]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
agent=${1:-build/agent/xenballoon-agent}
[ -x "$agent" ] || { echo "$0: no agent binary at $agent" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "$0: needs GNU time (/usr/bin/time)" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/xb-agent-cost.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
interval_s=$(awk -v ms="$interval_ms" 'BEGIN { printf "%.3f", ms / 1000 }')

# The xenballoond-equivalent loop, one iteration per interval.
cat >"$tmp/xenballoond.sh" <<'LOOP'
n=$1 interval=$2 out=$3
i=0
while [ "$i" -lt "$n" ]; do
    cat /proc/meminfo >"$out/meminfo"
    cat /proc/vmstat >"$out/vmstat"
    cat /proc/uptime >"$out/uptime"
    curkb=$(grep '^MemTotal:' /proc/meminfo | awk '{ print $2 }')
    tgtkb=$(awk '/^Committed_AS:/ { print $2 }' /proc/meminfo)
    [ "$tgtkb" -lt "$curkb" ] || tgtkb=$curkb
    echo "$tgtkb" >"$out/selftarget"
    i=$((i + 1))
    [ "$i" -lt "$n" ] && sleep "$interval"
done
LOOP
mkdir "$tmp/store"

# run OUTFILE CMD...: prints "cpu_ms peak_rss_kb" for CMD.
run()
{
    local outfile=$1
    shift
    bash -c 'o=$1; shift; /usr/bin/time -f %M -o "$0" "$@" >"$o"; times' \
        "$tmp/rss" "$outfile" "$@" >"$tmp/times" 2>&1 </dev/null ||
        true
    # The second line of `times` is the children's "XmY.YYYs XmY.YYYs".
    local cpu
    cpu=$(sed -n 2p "$tmp/times" | awk '{
        split($1, u, /[ms]/); split($2, s, /[ms]/);
        printf "%.3f", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1000 }')
    echo "$cpu $(tail -n 1 "$tmp/rss")"
}

# The wrapper's own cost, subtracted from both (run twice, take the lower).
read -r base1 _ < <(run /dev/null true)
read -r base2 _ < <(run /dev/null true)
base=$(awk -v a="$base1" -v b="$base2" 'BEGIN { print (a < b ? a : b) }')

echo "measuring: $samples samples every $interval_ms ms (about" \
    "$(awk -v n="$samples" -v i="$interval_s" 'BEGIN { printf "%d", n * i }')" \
    "s each)..." >&2
read -r a_cpu a_rss < <(run "$tmp/agent.out" "$agent" --dry-run \
    --no-psi-trigger --interval "$interval_ms" --count "$samples")
a_bytes=$(wc -c <"$tmp/agent.out")
read -r l_cpu l_rss < <(run /dev/null bash "$tmp/xenballoond.sh" \
    "$samples" "$interval_s" "$tmp/store")
l_bytes=$(cat "$tmp/store"/* | wc -c)

awk -v n="$samples" -v base="$base" \
    -v acpu="$a_cpu" -v arss="$a_rss" -v abytes="$a_bytes" \
    -v lcpu="$l_cpu" -v lrss="$l_rss" -v lbytes="$l_bytes" 'BEGIN {
    acpu -= base; lcpu -= base
    if (acpu < 0.001) acpu = 0.001
    aper = acpu * 1000 / n; lper = lcpu * 1000 / n
    printf "%-26s %8s %12s %14s %12s %14s\n", "", "samples", "cpu ms", \
        "cpu us/sample", "peak RSS KiB", "bytes/sample"
    printf "%-26s %8d %12.1f %14.1f %12d %14.1f\n", "xenballoon-agent", n, \
        acpu, aper, arss, abytes / n
    printf "%-26s %8d %12.1f %14.1f %12d %14.1f\n", "xenballoond-style loop", \
        n, lcpu, lper, lrss, lbytes
    printf "%-26s %8s %12s %13.0fx %11.1fx %13.0fx\n", "ratio loop/agent", \
        "", "", lper / aper, lrss / arss, lbytes * n / (abytes > 0 ? abytes : 1)
    printf "(wrapper overhead subtracted: %.1f ms per run)\n", base
}'
