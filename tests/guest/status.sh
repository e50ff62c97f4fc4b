#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# What guests are told, through the real daemon on the sim backend
# (XB_SIM_STATUS_DIR makes it write each guest's memory/xenballoon/status
# and /agent to files): the status line agrees with `status --json`, its
# heartbeat moves every status_heartbeat, the agent settings follow the
# config's "agent" object and per-rule overrides (and a reload), a `set`
# reaches the guest at once, and `status` shows the host's pressure level
# and overcommit ratios.
. "$(dirname "$0")/../regress/lib.sh"

export XB_SIM_STATUS_DIR=$T/status
mkdir -p "$XB_SIM_STATUS_DIR"

agent_cfg()
{
    write_config static "\"status_heartbeat\": \"1s\",
  \"agent\": { \"interval\": \"$1\" },
  \"domains\": [ { \"match\": \"db\", \"agent\": { \"heartbeat\": \"30s\" } } ],"
}

# field DOMID KEY: one key of the status line the guest would read.
field()
{
    sed -n "s/.* $2=\([^ ]*\).*/\1/p" "$XB_SIM_STATUS_DIR/$1.status" \
        2>/dev/null
}

# await_file PATH: up to 5 s for the daemon to write it.
await_file()
{
    for _ in $(seq 50); do
        [ -s "$1" ] && return 0
        sleep 0.1
    done
    return 1
}

agent_cfg 2s
start_daemon
RC= OUT= ERR=
await_file "$XB_SIM_STATUS_DIR/1.status" && pass || fail "web status written"
await_file "$XB_SIM_STATUS_DIR/2.status" && pass || fail "db status written"
[ ! -e "$XB_SIM_STATUS_DIR/0.status" ] && pass || fail "nothing for dom0"
OUT=$(cat "$XB_SIM_STATUS_DIR/1.status")
case $OUT in
"v=1 hb="*" hbp=1 target="*" state="*" level="*" ocmax="*" reason="*)
    pass ;;
*) fail "web status line shape" ;;
esac
[ "${#OUT}" -lt 1024 ] && pass || fail "status under 1 KiB"

# The line agrees with the daemon's own view.
ctl --json status
jcheck "v['host']['pressure'] in ('ok', 'tight', 'critical')"
jcheck "abs(v['host']['overcommit_max'] - round((512 + 1536 + 2048) * 1024 /
    v['host']['total_kb'], 2)) < 0.011" "overcommit_max = sum maxmem / host"
jcheck "0 < v['host']['overcommit_target'] <= v['host']['overcommit_max']"
want=$(printf '%s\n' "$OUT" | python3 -c '
import json, sys
v = json.load(sys.stdin)
d = [d for d in v["domains"] if d["name"] == "web"][0]
print(d["max_kb"], d["min_kb"], v["host"]["pressure"])')
RC= OUT= ERR=
set -- $want
[ "$(field 1 max)" = "$1" ] && pass || fail "max= is web's max_kb ($1)"
[ "$(field 1 min)" = "$2" ] && pass || fail "min= is web's min_kb ($2)"
[ "$(field 1 level)" = "$3" ] && pass || fail "level= is the host's ($3)"

# The heartbeat moves at least every status_heartbeat (1 s): at least
# twice in 3.5 s, with room for a loaded machine's late ticks.
hb0=$(field 1 hb)
sleep 3.5
hb1=$(field 1 hb)
[ -n "$hb0" ] && [ -n "$hb1" ] && [ "$hb1" -ge $((hb0 + 2)) ] && pass ||
    fail "heartbeat moved: $hb0 -> $hb1"

# Agent settings: the config's object, a rule's override.
OUT=$(cat "$XB_SIM_STATUS_DIR/1.agent")
[ "$OUT" = "v=1 interval=2000 heartbeat=10 compat=1 psi=1 step=8192 steppm=20 refault=1024 psimin=1000" ] &&
    pass || fail "web agent settings"
OUT=$(cat "$XB_SIM_STATUS_DIR/2.agent")
case $OUT in
"v=1 interval=2000 heartbeat=30 "*) pass ;;
*) fail "db agent settings: the rule's heartbeat" ;;
esac

# A reload with a new interval reaches the guests.
agent_cfg 500ms
ctl reload
expect_rc 0 reload
for _ in $(seq 50); do
    grep -q 'interval=500 ' "$XB_SIM_STATUS_DIR/1.agent" && break
    sleep 0.1
done
OUT=$(cat "$XB_SIM_STATUS_DIR/1.agent")
case $OUT in
"v=1 interval=500 "*) pass ;;
*) fail "reload: new interval published" ;;
esac

# An operator's `set` shows in the guest's status without waiting for
# the heartbeat.
ctl set web max 1200M
expect_rc 0 "set web max"
for _ in $(seq 20); do
    [ "$(field 1 max)" = 1228800 ] && break
    sleep 0.05
done
[ "$(field 1 max)" = 1228800 ] && pass || fail "set max reaches the guest"

ctl status
expect_rc 0 status
expect_out "pressure: "
expect_out "overcommit: maxmem "

stop_daemon
finish
