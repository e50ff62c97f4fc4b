#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `capacity` through the real CLI and daemon (sim backend) against a
# hand-worked host: lib.sh's (4096M, Xen 64M, dom0 512M; web 768M of
# max 1536M, db 1024M of max 2048M; policy static, so no target moves and
# no balloon speed is ever seen), reserve 128M, tick 200ms, settle 100ms
# (the default).
. "$(dirname "$0")/lib.sh"

export XB_SIM_FAULTS=$T/faults

write_config static '"reserve": "128M",'
start_daemon
wait_for 'all(d["state"] == "managed" for d in v["domains"][1:])' status

# By hand, KiB:
#   free        4096 - 64 - 512 - 768 - 1024 = 1728M = 1769472
#   available   1728 - 128 (reserve)          = 1600M = 1638400
#   mins        web: maxmem 1536M -> 104 + 393216 pages >> 11 = 296M
#               db:  maxmem 2048M -> 104 + 524288 pages >> 11 = 360M
#   guaranteed  296 + 360 = 656M = 671744   (dom0 is excluded)
#   committed   768 + 1024 = 1792M = 1835008
#   reclaimable (768 - 296) + (1024 - 360) = 472 + 664 = 1136M = 1163264
#   reclaim_ms  both at the default 32M/s in parallel: db's 664M is the
#               last, 664 / 32 = 20.75 s; + settle 100 + tick 200 = 21050
ctl --json capacity
expect_rc 0 "capacity --json"
jcheck 'v["free_kb"] == 1769472 and v["available_kb"] == 1638400 and
    v["guaranteed_kb"] == 671744 and v["committed_kb"] == 1835008 and
    v["reclaimable_kb"] == 1163264 and v["donors"] == 2 and
    v["reclaim_ms"] == 21050 and v["within_ms"] == 30000 and
    v["pressure"] == "ok"' "the hand-worked figures"
# Within 0 s nothing can be shrunk in time: admittable is what is free.
ctl --json capacity --within 0s
jcheck 'v["admittable_kb"] == 1638400' "admittable now = available"
# Within 5 s a balloon moves for 5000 - 300 ms at 32M/s: 32768 * 4.7 =
# 154009 KiB from each guest (both need far less than they hold: web
# about 400M of 768M, db about 730M of 1024M): 1638400 + 2 * 154009.
ctl --json capacity --within 5s
jcheck 'v["admittable_kb"] == 1638400 + 2 * 154009 and
    v["within_ms"] == 5000' "admittable within 5 s"
# Within 30 s each gives all it holds above its need: admittable is
# available + (actual - need) summed, checked against `status`.
ctl --json status
NEEDS=$(printf '%s' "$OUT" | python3 -c '
import json, sys
v = json.load(sys.stdin)
print(sum(d["actual_kb"] - max(d["need_kb"], d["min_kb"])
          for d in v["domains"][1:]))')
IN_USE=$(printf '%s' "$OUT" | python3 -c '
import json, sys
v = json.load(sys.stdin)
print(sum(d["need_kb"] for d in v["domains"][1:]))')
ctl --json capacity
jcheck 'v["admittable_kb"] == 1638400 + '"$NEEDS"' and
    v["in_use_kb"] == '"$IN_USE"' and v["in_use_kb"] > 0' \
    "admittable within 30 s, in use = sum of needs"

# For people.
ctl capacity
expect_rc 0 capacity
expect_out "guaranteed:   656.0M"
expect_out "committed:    1792.0M"
expect_out "reclaimable:  1136.0M from 2 domains, in about 21.1s"
expect_out "admittable:"
expect_out "pressure:     ok"
ctl capacity --within 2h
expect_rc 2 "--within past an hour is a usage error"
ctl capacity --bogus
expect_rc 2 "an unknown option is a usage error"

# A hold of 500M: available and admittable drop by 500M, reclaimable not.
ctl reserve 500M
expect_rc 0 "reserve 500M"
ctl --json capacity --within 0s
jcheck 'v["held_kb"] == 512000 and v["available_kb"] == 1638400 - 512000 and
    v["admittable_kb"] == 1638400 - 512000 and
    v["reclaimable_kb"] == 1163264' "a hold is taken off"
ctl release
expect_rc 0 release

# A paused guest is no donor: db alone, 664M in 20.75 s + 300 ms.
printf 'life 1 paused\n' >"$T/faults.tmp"
mv "$T/faults.tmp" "$XB_SIM_FAULTS"
wait_for '[d["state"] for d in v["domains"] if d["name"] == "web"] ==
    ["paused"]' status
ctl --json capacity
jcheck 'v["reclaimable_kb"] == 679936 and v["donors"] == 1 and
    v["reclaim_ms"] == 21050 and v["guaranteed_kb"] == 671744' \
    "a paused guest gives nothing"

# Balancing paused: nothing is reclaimed, admittable is what is free.
ctl pause
expect_rc 0 pause
ctl --json capacity
jcheck 'v["paused"] is True and v["reclaimable_kb"] == 0 and
    v["admittable_kb"] == v["available_kb"]' "paused balancing"
ctl capacity
expect_out "balancing paused"

stop_daemon
finish
