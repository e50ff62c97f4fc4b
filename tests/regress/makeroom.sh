#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The make-room contract through the real CLI and daemon (sim backend):
# an impossible hold is refused up front with the figure that could be
# freed; `reserve --wait` returns 0 only once the memory is free in Xen,
# else exits 1 naming the shortfall, and leaves nothing held; a launcher
# that goes away while waiting leaves nothing held; each hold's state and
# shortfall are in `status`; the log says once when a hold goes short.
# Also: every command answers `--help` and `help` lists every command.
. "$(dirname "$0")/lib.sh"

# static: nothing moves but what the holds need.
write_config static '"reserve": "128M",'
start_daemon
wait_for 'all(d["state"] == "managed" for d in v["domains"][1:])' status

# Free ~1728M, reserve 128M, web and db hold 768M + 1G above floors of
# 296M + 360M: at most ~2.7G can ever be freed.
ctl reserve 3500M --for 5m
expect_rc 1 "an impossible hold is refused"
expect_err "cannot hold 3500.0M: at most"
expect_err "--force"
ctl --json status
jcheck 'v["holds"] == [] and v["host"]["held_kb"] == 0' "nothing held"

# A hold that needs both guests shrunk, waited for: exit 0 once met, and
# then it really is free in Xen (net of the reserve and any promise).
ctl --json status
FREE0=$(printf '%s' "$OUT" | python3 -c \
    'import json,sys; print(json.load(sys.stdin)["host"]["free_kb"] // 1024)')
NEED=$((FREE0 + 400))
ctl reserve ${NEED}M --wait 20s --for 5m
expect_rc 0 "reserve --wait met"
expect_out "met: "
ctl --json status
jcheck 'v["holds"][0]["state"] == "met" and v["host"]["free_kb"] >=
    v["host"]["reserve_kb"] + v["host"]["held_kb"] + v["host"]["promised_kb"]' \
    "met means free in Xen"
jcheck 'all(d["target_kb"] < d["max_kb"] and d["actual_kb"] < 1024 * 1024
    for d in v["domains"] if d["name"] == "web") and
    [d for d in v["domains"] if d["name"] == "db"][0]["actual_kb"] <
    1024 * 1024' "both guests gave memory"
grep -q "reservation 1 of .* met after" "$T/daemon.log" && pass ||
    fail "the log says when the hold was met"
ctl release
expect_rc 0 release

# A hold without --wait: the reply says what is free, what lacks and when.
ctl --json reserve 1G --for 1m
expect_rc 0 "reserve without --wait"
jcheck 'v["state"] in ("pending", "met") and "free_kb" in v and
    "shortfall_kb" in v and "eta_ms" in v and "possible_kb" in v'
ctl release
expect_rc 0 release

# Forced past what can be freed: it is short, and says so once.
ctl reserve 3500M --force --for 5m
expect_rc 0 "a forced hold is taken"
wait_for 'v["holds"][0]["state"] == "short" and
    v["holds"][0]["unreachable_kb"] > 0' status
ctl status
expect_out "hold 3: 3500.0M short"
n=$(grep -c "reservation 3 of .* is short" "$T/daemon.log")
[ "$n" = 1 ] && pass || fail "short logged $n times, not once"
ctl release
expect_rc 0 release

# --wait on a hold that cannot be met: exit 1 with the shortfall and who
# did not cooperate, and nothing is left held.
ctl reserve 3500M --force --wait 2s
expect_rc 1 "reserve --wait not met"
expect_err "not met in time"
expect_err "short (free"
expect_err "nothing is held"
ctl --json status
jcheck 'v["holds"] == [] and v["host"]["held_kb"] == 0' \
    "nothing held after a failed wait"

# A launcher killed while it waits leaves nothing held.
timeout -s KILL 1 "$XB_CTL" reserve 3500M --force --wait 30s >/dev/null 2>&1
wait_for 'v["holds"] == []' status
grep -q "waiting client went away; released" "$T/daemon.log" && pass ||
    fail "the log says the waiter went away"

# Every command answers --help with its usage, and help lists them all.
for c in daemon check-config status targets show set policy pause resume \
    reload reserve release monitor top version help; do
    ctl "$c" 1G --help
    expect_rc 0 "$c --help"
    expect_out "usage: xenballoon-ctl $c"
    ctl help
    expect_out "  $c "
done

stop_daemon
finish
