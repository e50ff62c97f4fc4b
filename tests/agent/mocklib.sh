# SPDX-License-Identifier: GPL-2.0-only
# Shared by the agent's shell tests that talk to mock-xenstored.py through
# the real libxenstore: a temp dir, the mock's life cycle, check/fail
# counters.  Source it after setting PREFIX (the temp dir's name).
MOCK=$(cd "$(dirname "$0")/../agent" && pwd)/mock-xenstored.py
command -v python3 >/dev/null 2>&1 || { echo "no python3: skipped"; exit 77; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/$PREFIX.XXXXXX") || exit 1
SOCK=$TMP/socket
LOG=$TMP/store.log
mock=
agent=
fails=0
tests=0

cleanup()
{
    [ -n "$agent" ] && kill "$agent" 2>/dev/null
    [ -n "$mock" ] && kill "$mock" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

fail()
{
    echo "FAIL: $*"
    fails=$((fails + 1))
}

# check NAME CONDITION-COMMAND...
check()
{
    name=$1
    shift
    tests=$((tests + 1))
    "$@" || fail "$name"
}

start_mock()
{
    python3 "$MOCK" "$SOCK" "$LOG" &
    mock=$!
    i=0
    while [ ! -S "$SOCK" ] && [ "$i" -lt 50 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    [ -S "$SOCK" ] || { echo "mock did not start"; exit 1; }
}
