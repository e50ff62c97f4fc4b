#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# reload: a good file takes effect and drops the `set` overrides; a broken
# one is refused with the reason in the reply, and the daemon keeps running
# on the old configuration (by the command and by SIGHUP alike).
. "$(dirname "$0")/lib.sh"

write_config static
start_daemon

write_config proportional
ctl reload
expect_rc 0 "reload a good file"
expect_out "configuration reloaded"
ctl --json policy
jcheck 'v["name"] == "proportional"'

# `set` overrides last until a reload (xenballoon-ctl(8)): the file rules
# again afterwards.  Sizes are checked against the config's own bounds.
ctl set web max 600M
expect_rc 0 "set web max"
ctl --json show web
jcheck 'v["max_kb"] == 614400' "set web max took effect"
ctl set web max 18446744073709551616
expect_rc 1 "set max 2^64"
expect_err '"18446744073709551616" is too large'
ctl set web min 0
expect_rc 1 "set min 0"
expect_err "0 is out of range [1M, 16T]"
ctl set web min 1
expect_rc 1 "set min 1"
expect_err "1K is out of range [1M, 16T]"
ctl reload
expect_rc 0 "reload after set"
ctl --json show web
jcheck 'v["max_kb"] == 1572864' "reload dropped the set override"

# A syntax error: file:line:col in the reply.
cp "$CFG" "$T/good.json"
printf '{\n  "policy": { "name": "static" },\n  "tick": 5s\n}\n' >"$CFG"
ctl reload
expect_rc 1 "reload a file with a syntax error"
expect_err "$CFG:3:"
kill -0 "$DPID" && pass || fail "daemon died on a bad reload"
ctl --json policy
jcheck 'v["name"] == "proportional"' "old policy kept after a bad reload"

# A semantic error: the JSON path and the reason.
printf '{ "policy": { "name": "bogus" }, "backend": "sim" }\n' >"$CFG"
ctl reload
expect_rc 1 "reload a file with an unknown policy"
expect_err "bogus"
ctl --json status
expect_rc 0 "status after a refused reload"
jcheck 'v["policy"] == "proportional" and len(v["domains"]) == 3'

# An unknown key.
printf '{ "frobnicate": 1 }\n' >"$CFG"
ctl reload
expect_rc 1 "reload a file with an unknown key"
expect_err "frobnicate"

# SIGHUP with a broken file: logged, not fatal.
kill -HUP "$DPID"
sleep 0.3
kill -0 "$DPID" && pass || fail "daemon died on SIGHUP with a bad file"
ctl --json policy
jcheck 'v["name"] == "proportional"' "old policy kept after SIGHUP"

# Back to a good file, by SIGHUP this time.
cp "$T/good.json" "$CFG"
sed -i 's/"proportional"/"static"/' "$CFG"
kill -HUP "$DPID"
wait_for 'v["name"] == "static"' policy

# Read-only peers cannot reload (see perm.sh); the daemon is still fine.
ctl status
expect_rc 0 "status at the end"

stop_daemon
finish
