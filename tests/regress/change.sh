#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Mutating commands through the real CLI and daemon: set (each key), pause
# and resume, policy switches, reserve and release, and monitor.
. "$(dirname "$0")/lib.sh"

write_config static
start_daemon

# set: a lower max pulls the target down even under `static`.
ctl set web max 600M
expect_rc 0 "set web max"
expect_out "web: max set to 600M"
wait_for 'v[1]["target_kb"] == 614400' targets
ctl --json set db weight 300
expect_rc 0 "set db weight"
jcheck 'v == {"domain": "db", "key": "weight", "value": "300"}'
ctl --json show db
jcheck 'v["weight"] == 300'
ctl set db weight 0
expect_rc 1 "set weight 0"
expect_err "weight"
ctl set 1 min 256M
expect_rc 0 "set by domid"
ctl set nosuch max 1G
expect_rc 1 "set on an unknown domain"
ctl set web max lots
expect_rc 1 "set a bad size"
ctl set db exclude 1
expect_rc 0 "exclude"
wait_for 'v["domains"][2]["state"] == "excluded"' status
ctl set db exclude 0
expect_rc 0 "include again"
wait_for 'v["domains"][2]["state"] != "excluded"' status

# pause / resume
ctl pause
expect_rc 0 pause
expect_out "balancing paused"
ctl --json status
jcheck 'v["paused"] is True'
ctl status
expect_out "paused:   yes"
ctl --json resume
expect_rc 0 resume
jcheck 'v["paused"] is False'
ctl --json status
jcheck 'v["paused"] is False'

# policy
ctl policy proportional margin=1.3
expect_rc 0 "policy switch"
expect_out "policy: proportional"
ctl --json policy
jcheck 'v["name"] == "proportional" and v["params"]["margin"] == 1.3'
ctl --json status
jcheck 'v["policy"] == "proportional"'
ctl policy bogus
expect_rc 1 "unknown policy"
expect_err "bogus"
ctl policy proportional margin=-5
expect_rc 1 "bad parameter"
ctl --json policy
jcheck 'v["name"] == "proportional" and v["params"]["margin"] == 1.3' \
    "a refused switch keeps the running policy"
ctl policy proportional margin=1.3 margin=2
expect_rc 2 "parameter given twice"
ctl policy static
expect_rc 0 "back to static"

# reserve / release
ctl --json reserve 64M --for 30
expect_rc 0 "reserve --for"
jcheck 'v["size_kb"] == 65536 and v["expires_in_ms"] is not None'
HOLD=$(printf '%s' "$OUT" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
ctl reserve 32M
expect_rc 0 "reserve until released"
expect_out "until released"
ctl --json status
jcheck 'v["host"]["held_kb"] >= 65536'
ctl release "$HOLD"
expect_rc 0 "release one"
expect_out "released hold $HOLD"
ctl release 999
expect_rc 1 "release an unknown hold"
ctl release
expect_rc 0 "release all"
expect_out "released every hold"
ctl reserve 100T
expect_rc 1 "reserve more than the host has"

# monitor: events stream until interrupted; ^C is a clean exit.
# (--preserve-status: timeout's own 124 would hide the CLI's status.)
( sleep 0.5; "$XB_CTL" set web max 500M >/dev/null ) &
BG=$!
OUT=$(timeout --preserve-status -s INT 2 "$XB_CTL" --json monitor \
    2>"$T/stderr")
RC=$?
ERR=$(cat "$T/stderr")
wait $BG
expect_rc 0 "monitor --json ends cleanly on SIGINT"
if printf '%s\n' "$OUT" | python3 -c '
import json, sys
evs = [json.loads(l) for l in sys.stdin.read().splitlines() if l]
assert evs and all("event" in e for e in evs), evs
assert any(e["event"] == "target" for e in evs), evs
'; then pass; else fail "monitor --json events"; fi

( sleep 0.5; "$XB_CTL" set web max 450M >/dev/null ) &
BG=$!
OUT=$(timeout --preserve-status -s INT 2 "$XB_CTL" monitor 2>"$T/stderr")
RC=$?
wait $BG
expect_rc 0 "monitor ends cleanly on SIGINT"
expect_out " target "

ctl status
expect_rc 0 "status after all changes"

stop_daemon
finish
