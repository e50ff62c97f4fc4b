#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A restart loses nothing: targets and allocations moved by the operator
# are found again by the next daemon (the sim backend keeps its host in
# XB_SIM_STATE, as Xen keeps it in the hypervisor and xenstore).  Also: a
# second daemon will not take over a live socket.
. "$(dirname "$0")/lib.sh"

write_config static
start_daemon

ctl set web max 600M
expect_rc 0 "set web max"
ctl set db max 900M
expect_rc 0 "set db max"
wait_for '[d["target_kb"] for d in v] == [524288, 614400, 921600]' targets
wait_for '[d["actual_kb"] for d in v] == [524288, 614400, 921600]' targets
ctl --json targets
BEFORE=$OUT

# A second daemon on the same socket refuses to start.
"$XB_CTL" daemon -f -c "$CFG" >"$T/second.log" 2>&1
RC=$?
OUT= ERR=$(cat "$T/second.log")
expect_rc 1 "second daemon"
expect_err "already listening"
ctl status
expect_rc 0 "first daemon still serving"

stop_daemon
start_daemon

ctl --json targets
AFTER=$OUT
if python3 -c '
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
key = lambda l: {d["name"]: (d["target_kb"], d["actual_kb"]) for d in l}
sys.exit(0 if key(a) == key(b) else "%s != %s" % (key(a), key(b)))
' "$BEFORE" "$AFTER"; then
    pass
else
    fail "targets changed across a restart"
fi
# And they stay put: static never moves them, the config's max is higher.
sleep 1
ctl --json targets
jcheck '[d["target_kb"] for d in v] == [524288, 614400, 921600]'

stop_daemon
finish
