#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The agent's xenstore writer through the real libxenstore, against
# mock-xenstored.py (XENSTORED_PATH): the record and the XenServer keys
# land at the right paths, unchanged compat keys are not rewritten, a
# xenstored restart is survived by reconnecting, SIGTERM removes
# data/xenballoon, and --no-compat writes the record only.
#
# usage: agent-xenstore.sh AGENT FIXTURES_DIR   (exit 77: skipped)
set -u

AGENT=$1
FIXTURES=$2
PREFIX=xb-agent-xs
. "$(dirname "$0")/mocklib.sh"
FX=$FIXTURES/linux-6.1-xen-pv
STATS=/local/domain/0/data/xenballoon/stats

stop_mock()
{
    kill "$mock"
    wait "$mock" 2>/dev/null
    mock=
}

count()
{
    grep -c "^$1" "$LOG"
}

export XENSTORED_PATH="$SOCK"

# 1. --once writes the record and both compat keys.
: >"$LOG"
start_mock
"$AGENT" --once --root "$FX"
check "--once rc" [ $? -eq 0 ]
check "--once record" grep -qx "WRITE $STATS v=1 seq=1 total=985432 free=402816 avail=689380 buf=25516 cached=318940 commit=498212 swt=524284 swf=524284 anon=142660 bal=1048576 pswpin=0 pswpout=0 majflt=2154 refault=1287 oom=0 psis=40321 psif=15820" "$LOG"
check "--once total" grep -qx "WRITE /local/domain/0/data/meminfo_total 985432" "$LOG"
check "--once free is MemAvailable" grep -qx "WRITE /local/domain/0/data/meminfo_free 689380" "$LOG"

# 2. --no-compat: the record only.  3.10 has no MemAvailable: free=MemFree.
: >"$LOG"
"$AGENT" --once --no-compat --root "$FX"
check "--no-compat writes" [ "$(grep -c . "$LOG")" -eq 1 ]
: >"$LOG"
"$AGENT" --once --root "$FIXTURES/linux-3.10"
check "3.10 meminfo_free is MemFree" grep -qx "WRITE /local/domain/0/data/meminfo_free 181236" "$LOG"

# 3. The loop: heartbeats rewrite the record, not the unchanged compat keys.
: >"$LOG"
"$AGENT" --interval 100 --heartbeat 1 --root "$FX" 2>"$TMP/agent.err" &
agent=$!
sleep 2.5
check "heartbeats" [ "$(count "WRITE $STATS")" -ge 3 ]
check "compat total once" [ "$(count "WRITE /local/domain/0/data/meminfo_total")" -eq 1 ]
check "compat free once" [ "$(count "WRITE /local/domain/0/data/meminfo_free")" -eq 1 ]

# 4. xenstored goes away and comes back: the agent backs off, reconnects,
# and rewrites the compat keys on the new connection.
stop_mock
sleep 1.5
before=$(count "WRITE $STATS")
start_mock
sleep 3
check "still running" kill -0 "$agent"
check "reconnected" [ "$(count "WRITE $STATS")" -gt "$before" ]
check "compat rewritten" [ "$(count "WRITE /local/domain/0/data/meminfo_total")" -eq 2 ]
check "failure logged" grep -q "xenstore: .*retrying in" "$TMP/agent.err"
check "recovery logged" grep -q "publishing again" "$TMP/agent.err"
# seq kept counting across the outage: the last record's seq equals the
# number of records written.
last=$(grep "^WRITE $STATS" "$LOG" | tail -n 1 | sed 's/.* seq=\([0-9]*\) .*/\1/')
check "seq continuous" [ "$last" -eq "$(count "WRITE $STATS")" ]

# 5. SIGTERM removes data/xenballoon and exits 0.
kill -TERM "$agent"
wait "$agent"
rc=$?
agent=
check "SIGTERM rc" [ "$rc" -eq 0 ]
check "SIGTERM rm" [ "$(tail -n 1 "$LOG")" = "RM /local/domain/0/data/xenballoon" ]

# 6. No xenstored at all: --once fails with 1, the loop keeps going.
stop_mock
rm -f "$SOCK"
"$AGENT" --once --root "$FX" 2>/dev/null
check "--once without xenstored" [ $? -eq 1 ]
"$AGENT" --interval 100 --count 5 --root "$FX" 2>"$TMP/agent.err"
check "loop without xenstored exits 0 after --count" [ $? -eq 0 ]
check "backs off, does not spin" [ "$(grep -c 'cannot connect' "$TMP/agent.err")" -le 2 ]

echo "$tests checks, $fails failed"
[ "$fails" -eq 0 ]
