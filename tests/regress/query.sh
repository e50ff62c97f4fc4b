#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Read-only commands through the real CLI and daemon: status, targets,
# show, policy, version, help, usage errors (exit 2), an unreachable
# daemon (exit 3), and the wire protocol's refusals seen from a raw peer.
. "$(dirname "$0")/lib.sh"

write_config static
start_daemon

ctl status
expect_rc 0 status
expect_out "DOMID NAME"
expect_out "STATE"
expect_out "policy:   static"
expect_out "paused:   no"
expect_out "1024.0M"
ctl --json status
expect_rc 0 "status --json"
jcheck 'v["policy"] == "static" and v["paused"] is False and
    v["backend"] == "sim"'
jcheck '[d["name"] for d in v["domains"]] == ["Domain-0", "web", "db"]'
jcheck 'all(isinstance(v["host"][k], int) for k in
    ("total_kb", "free_kb", "reserve_kb", "promised_kb", "held_kb",
     "available_kb"))'
jcheck 'v["domains"][2]["target_kb"] == 1048576'

ctl targets
expect_rc 0 targets
expect_out "DOMID NAME"
expect_out "web"
ctl --json targets
jcheck 'len(v) == 3 and v[1]["name"] == "web" and v[1]["target_kb"] == 786432'

ctl show web
expect_rc 0 "show web"
expect_out "name: web"
expect_out "target: 768.0M"
ctl --json show 2
expect_rc 0 "show 2"
jcheck 'v["name"] == "db" and v["domid"] == 2'
ctl show nosuch
expect_rc 1 "show nosuch"
expect_err "nosuch"

ctl policy
expect_rc 0 policy
expect_out "policy: static"
ctl --json policy
jcheck 'v["name"] == "static" and isinstance(v["params"], dict)'

ctl version
expect_rc 0 version
expect_out "client  xenballoon-ctl"
expect_out "backend sim"
ctl --json version
jcheck 'v["client"]["protocol"] == 1 and v["daemon"]["protocol"] == 1'

ctl help
expect_rc 0 help
for c in status targets show set policy pause resume reload reserve release \
    monitor version help; do
    expect_out "  $c"
done
ctl help set
expect_rc 0 "help set"
expect_out "usage: xenballoon-ctl set DOMAIN min|max|weight|exclude VALUE"
ctl -h
expect_rc 0 "-h"

# Usage errors: exit 2, nothing sent.
ctl
expect_rc 2 "no command"
ctl frobnicate
expect_rc 2 "unknown command"
expect_err "unknown command 'frobnicate'"
ctl show
expect_rc 2 "show without a domain"
ctl set web max
expect_rc 2 "set with two arguments"
ctl set web colour red
expect_rc 2 "set with an unknown key"
ctl reserve lots
expect_rc 2 "reserve with a bad size"
expect_err '"lots" is not a size (use K, M, G or T)'
ctl reserve 1G --for
expect_rc 2 "reserve --for without a value"
ctl help nosuch
expect_rc 2 "help nosuch"
ctl --bogus status
expect_rc 2 "unknown option"

# Unreachable: exit 3.
ctl -s "$T/none.sock" status
expect_rc 3 "no socket"
expect_err "cannot connect"
ctl --socket "$T/none.sock" version
expect_rc 3 "version without a daemon"
expect_out "client  xenballoon-ctl"
XENBALLOON_SOCKET=$T/none.sock ctl targets
expect_rc 3 "XENBALLOON_SOCKET"

# The raw protocol: greeting, a request, and the refusals that close.
OUT=$(python3 - "$SOCK" <<'PY'
import json, socket, sys

def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    return s, s.makefile("rb")

def closed(f):
    return f.readline() == b""

s, f = conn()
g = json.loads(f.readline())
assert g["protocol"] == 1 and g["access"] == "rw", g
s.sendall(b'{"id":5,"cmd":"targets"}\n')
r = json.loads(f.readline())
assert r["id"] == 5 and r["ok"] is True and len(r["result"]) == 3, r
s.sendall(b'{"id":6,"cmd":"nope"}\n')
r = json.loads(f.readline())
assert r["id"] == 6 and r["ok"] is False and "unknown command" in r["error"]
s.sendall(b'{"id":7}\n')
r = json.loads(f.readline())
assert r["ok"] is False, r
s.sendall(b'{not json\n')
r = json.loads(f.readline())
assert r["ok"] is False and "malformed" in r["error"], r
assert closed(f)

s, f = conn()
f.readline()
s.sendall(b"x" * (70 * 1024))
r = json.loads(f.readline())
assert r["ok"] is False and "too long" in r["error"], r
assert closed(f)

s, f = conn()
f.readline()
s.sendall(b'[1,2]\n')
r = json.loads(f.readline())
assert r["ok"] is False and "not a JSON object" in r["error"], r
assert closed(f)
print("raw ok")
PY
)
RC=$?
expect_rc 0 "raw protocol"
expect_out "raw ok"

# The daemon survived all of it.
ctl status
expect_rc 0 "status after the raw peers"

stop_daemon
finish
