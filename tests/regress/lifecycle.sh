#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Paused, suspended and migrating domains are left alone (issue 17),
# through the real CLI and daemon on the sim backend, whose `life` fault
# puts a domain in each state (as xl pause, save and migrate would):
# - paused in the middle of a shrink, it is not marked stuck past
#   stuck_after, its target does not move, and once it runs again it
#   finishes the shrink and is managed;
# - suspended, a hold is met from the other guest alone, its target does
#   not move, and the hold's refusal counts one cooperative domain;
# - migrating, an operator's new max is not applied until it runs;
# - the state shows in `status`, `status --json` and `show`.
. "$(dirname "$0")/lib.sh"

export XB_SIM_FAULTS=$T/faults

# web KEY: web's KEY in `status --json` (after ctl --json status).
web()
{
    printf '%s' "$OUT" | python3 -c '
import json, sys
v = json.load(sys.stdin)
print([d for d in v["domains"] if d["name"] == "web"][0][sys.argv[1]])' "$1"
}

write_config static '"reserve": "128M", "stuck_after": "4s",
  "uncooperative_after": "5s",'
start_daemon
wait_for 'all(d["state"] == "managed" for d in v["domains"][1:])' status

# Paused in the middle of a shrink: web's balloon does not move (a stuck
# driver) while a max of 700M asks it to give 68M; paused within
# stuck_after of that, it must not be called stuck however long it waits.
fault "driver 1 stuck"
ctl set web max 700M
expect_rc 0 "set web max"
wait_for '[d for d in v["domains"] if d["name"] == "web"][0]["target_kb"]
    == 700 * 1024' status
fault "life 1 paused"
wait_for '[d for d in v["domains"] if d["name"] == "web"][0]["state"]
    == "paused"' status
A1=$(web actual_kb)
[ "$A1" -gt $((704 * 1024)) ] && pass ||
    fail "web was paused with its shrink pending (actual $A1 KiB)"
sleep 6 # past stuck_after and uncooperative_after
ctl --json status
jcheck '[(d["state"], d["target_kb"]) for d in v["domains"]
    if d["name"] == "web"] == [("paused", 700 * 1024)]' \
    "paused past stuck_after: not stuck, target unchanged"
grep -q "domain 1 (web) is stuck" "$T/daemon.log" &&
    fail "the log calls a paused domain stuck" || pass
ctl status
expect_rc 0 status
printf '%s\n' "$OUT" | grep -Eq '^ *1 +web .*paused' && pass ||
    fail "status shows web paused"
ctl --json show web
jcheck 'v["state"] == "paused"' "show says paused"

fault "driver 1 ideal" "life 1 running"
wait_for '[(d["state"], d["actual_kb"] <= 704 * 1024) for d in v["domains"]
    if d["name"] == "web"] == [("managed", True)]' status

# Suspended (saved, or the last step of a migration): a hold is met from
# db alone, web's target stays where it was.
fault "life 1 suspended"
wait_for '[d for d in v["domains"] if d["name"] == "web"][0]["state"]
    == "suspended"' status
WT=$(web target_kb)
ctl reserve 3900M
expect_rc 1 "an impossible hold is refused"
expect_err "of 1 cooperative domains"
ctl --json status
FREE0=$(printf '%s' "$OUT" | python3 -c \
    'import json,sys; print(json.load(sys.stdin)["host"]["free_kb"] // 1024)')
ctl reserve $((FREE0 - 128 + 200))M --wait 20s
expect_rc 0 "a hold met from the running guest"
ctl --json status
jcheck '[d["target_kb"] for d in v["domains"] if d["name"] == "web"] ==
    ['"$WT"'] and [d["target_kb"] < 1024 * 1024 for d in v["domains"]
    if d["name"] == "db"] == [True]' "db gave, suspended web did not"
ctl release
expect_rc 0 release

# Migrating: an operator's new max waits until it runs.
fault "life 1 migrating"
wait_for '[d for d in v["domains"] if d["name"] == "web"][0]["state"]
    == "migrating"' status
ctl set web max 650M
expect_rc 0 "set web max while migrating"
sleep 1
ctl --json status
jcheck '[d["target_kb"] for d in v["domains"] if d["name"] == "web"] ==
    ['"$WT"']' "a migrating domain's target does not move"
fault "life 1 running"
wait_for '[(d["state"], d["target_kb"]) for d in v["domains"]
    if d["name"] == "web"] == [("managed", 650 * 1024)]' status

stop_daemon
finish
