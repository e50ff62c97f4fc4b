# SPDX-License-Identifier: GPL-2.0-only
# Shared helpers for the CLI regress tests: a private temporary directory
# and socket, a simulated-backend config, starting and stopping the real
# daemon, running the real CLI and checking exit codes, text and --json
# output (with python3; jq is not assumed).  Sourced by each script.
#
# Environment: XB_CTL, the xenballoon-ctl binary (ctest sets it).

set -u

: "${XB_CTL:?XB_CTL must name the xenballoon-ctl binary}"

T=$(mktemp -d /tmp/xbregress.XXXXXX) || exit 1
# Others (the unprivileged user of perm.sh) must reach the socket.
chmod 0755 "$T"
SOCK=$T/ctl.sock
CFG=$T/xenballoon.json
export XENBALLOON_SOCKET=$SOCK
export XB_SIM_STATE=$T/sim.state
DPID=
FAILS=0
CHECKS=0
OUT=
ERR=
RC=

cleanup()
{
    if [ -n "$DPID" ] && kill -0 "$DPID" 2>/dev/null; then
        kill -TERM "$DPID" 2>/dev/null
        wait "$DPID" 2>/dev/null
    fi
    if [ "$FAILS" -gt 0 ] && [ -f "$T/daemon.log" ]; then
        echo "--- daemon log ---"
        tail -n 40 "$T/daemon.log"
    fi
    rm -rf "$T"
}
trap cleanup EXIT

fail()
{
    FAILS=$((FAILS + 1))
    echo "FAIL: $*"
    echo "  rc=$RC"
    echo "  stdout: $(printf '%s' "$OUT" | head -c 600)"
    echo "  stderr: $(printf '%s' "$ERR" | head -c 600)"
}

pass()
{
    CHECKS=$((CHECKS + 1))
}

# write_config POLICY [EXTRA-TOP-LEVEL-JSON-MEMBERS]
write_config()
{
    policy=$1
    extra=${2:-}
    cat >"$CFG" <<JSON
{
  "backend": "sim",
  "sim": {
    "host": "4G", "xen_overhead": "64M", "dom0": "512M", "seed": 7,
    "domains": [
      { "name": "web", "memory": "768M", "maxmem": "1536M", "base": "96M",
        "demand": "300M", "balloon_rate": "256M", "driver": "ideal",
        "workload": "idle", "agent": true },
      { "name": "db", "memory": "1G", "maxmem": "2G", "base": "128M",
        "demand": "600M", "balloon_rate": "256M", "driver": "ideal",
        "workload": "idle", "agent": true }
    ]
  },
  "policy": { "name": "$policy", "params": {} },
  "tick": "200ms",
  $extra
  "socket": "$SOCK",
  "log_level": "debug"
}
JSON
}

# start_daemon: runs the daemon in the background and waits for its socket.
start_daemon()
{
    "$XB_CTL" daemon -f -c "$CFG" >>"$T/daemon.log" 2>&1 &
    DPID=$!
    i=0
    while [ $i -lt 100 ]; do
        if "$XB_CTL" version >/dev/null 2>&1; then
            return 0
        fi
        if ! kill -0 "$DPID" 2>/dev/null; then
            break
        fi
        sleep 0.05
        i=$((i + 1))
    done
    RC=none OUT= ERR=$(tail -n 20 "$T/daemon.log")
    fail "daemon did not come up"
    exit 1
}

# stop_daemon: SIGTERM, expects a clean exit and the socket gone.
stop_daemon()
{
    kill -TERM "$DPID"
    wait "$DPID"
    RC=$?
    DPID=
    OUT= ERR=
    [ "$RC" -eq 0 ] && pass || fail "daemon exit status on SIGTERM"
    [ ! -e "$SOCK" ] && pass || fail "socket left behind after stop"
}

# ctl ARGS...: runs the CLI; sets RC, OUT, ERR.
ctl()
{
    OUT=$("$XB_CTL" "$@" 2>"$T/stderr")
    RC=$?
    ERR=$(cat "$T/stderr")
}

# as USER-SPEC ARGS...: the CLI through setpriv (USER-SPEC: "uid gid").
ctl_as()
{
    uid=$1
    gid=$2
    shift 2
    OUT=$(setpriv --reuid="$uid" --regid="$gid" --clear-groups \
        "$XB_CTL" "$@" 2>"$T/stderr")
    RC=$?
    ERR=$(cat "$T/stderr")
}

expect_rc()
{
    want=$1
    shift
    [ "$RC" = "$want" ] && pass || fail "$* (want exit $want)"
}

expect_out()
{
    case $OUT in
    *"$1"*) pass ;;
    *) fail "stdout lacks '$1'" ;;
    esac
}

expect_err()
{
    case $ERR in
    *"$1"*) pass ;;
    *) fail "stderr lacks '$1'" ;;
    esac
}

# jcheck PY-EXPR [DESC]: stdout must be exactly one JSON value on one line
# and PY-EXPR (over `v`) true.
jcheck()
{
    if printf '%s\n' "$OUT" | python3 -c '
import json, sys
text = sys.stdin.read()
lines = text.splitlines()
if len(lines) != 1:
    sys.exit("not one line")
v = json.loads(lines[0])
sys.exit(0 if (eval("(" + sys.argv[1] + ")")) else "false: " + sys.argv[1])
' "$1"; then
        pass
    else
        fail "json check: ${2:-$1}"
    fi
}

# wait_for CMD-ARGS -- PY-EXPR: repeats `ctl --json CMD-ARGS` until
# PY-EXPR holds (5 s at most), then checks it once more for the record.
wait_for()
{
    expr=$1
    shift
    i=0
    while [ $i -lt 50 ]; do
        ctl --json "$@"
        if printf '%s\n' "$OUT" | python3 -c '
import json, sys
v = json.loads(sys.stdin.read())
sys.exit(0 if (eval("(" + sys.argv[1] + ")")) else 1)
' "$expr" 2>/dev/null; then
            break
        fi
        sleep 0.1
        i=$((i + 1))
    done
    jcheck "$expr" "eventually: $expr"
}

# wait_gone PATH: up to 2 s for PATH to disappear (a sim hook consumed it).
wait_gone()
{
    i=0
    while [ -e "$1" ] && [ $i -lt 100 ]; do
        sleep 0.02
        i=$((i + 1))
    done
}

# fault LINE...: handed to the sim backend's fault hook (XB_SIM_FAULTS,
# which the test exports before the daemon starts), read on its next step.
fault()
{
    printf '%s\n' "$@" >"$T/faults.tmp"
    mv "$T/faults.tmp" "$XB_SIM_FAULTS"
    wait_gone "$XB_SIM_FAULTS"
}

finish()
{
    echo "$(basename "$0"): $CHECKS checks passed, $FAILS failed"
    [ "$FAILS" -eq 0 ]
    exit $?
}
