#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The simulator's outputs as a behaviour fingerprint, for refactors that
# must not change behaviour: every scenario in tools/sim/scenarios (and
# makeroom/) under its own policy, every policy and both oracles, keeping
# the JSON summary, the CSV time series, the event log, stdout/stderr and
# the exit status of each run.  Run it with the binary built before and
# after a change, then compare (the decision time is the only wall-clock
# figure in the outputs):
#
#   tools/sim/golden.sh OUT [SIM]
#   diff -r -I '"decide_us_mean"' BEFORE AFTER
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: golden.sh OUT [SIM]}
sim=${2:-$top/build/tools/sim/xenballoon-sim}
policies="static selfballoon proportional squeeze pressure"
mkdir -p "$out"
cd "$top" || exit 1
# shellcheck disable=SC2016 # the sh -c text is expanded by that shell
for s in tools/sim/scenarios/*.json tools/sim/scenarios/makeroom/*.json; do
    n=$(echo "$s" | sed 's|tools/sim/scenarios/||; s|/|_|g; s|\.json$||')
    echo "$n.default $s"
    for p in $policies; do echo "$n.$p -p $p $s"; done
    echo "$n.oracle -O $s"
    echo "$n.reactive -R $s"
done | OUT=$out SIM=$sim xargs -P 2 -L 1 sh -c '
    n=$0
    nice -n 10 "$SIM" -q -j "$OUT/$n.json" -o "$OUT/$n.csv" \
        -e "$OUT/$n.events" "$@" >"$OUT/$n.stdout" 2>"$OUT/$n.stderr"
    echo "rc=$?" >"$OUT/$n.rc"'
