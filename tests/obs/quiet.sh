#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The daemon's log at its default level (info): one line per target
# change with the domain, old and new target and the reason, rate-limited
# per domain (monitor still sees every change, debug still logs it); and
# once a steady simulated host has settled, nothing at all for seconds on
# end, however often `status` (or top) asks.
. "$(dirname "$0")/../regress/lib.sh"

# write_quiet_config PROBE: two idle guests the pressure policy probes
# down by PROBE per step, one step every 200 ms.
write_quiet_config()
{
    cat >"$CFG" <<JSON
{
  "backend": "sim",
  "sim": {
    "host": "4G", "xen_overhead": "64M", "dom0": "512M", "seed": 7,
    "domains": [
      { "name": "web", "memory": "768M", "maxmem": "1536M", "base": "96M",
        "demand": "300M", "balloon_rate": "1G", "driver": "ideal",
        "workload": "idle", "agent": true },
      { "name": "db", "memory": "1G", "maxmem": "2G", "base": "128M",
        "demand": "600M", "balloon_rate": "1G", "driver": "ideal",
        "workload": "idle", "agent": true }
    ]
  },
  "policy": { "name": "pressure",
              "params": { "probe": $1, "release_free": 0,
                          "spare": 0 } },
  "tick": "200ms",
  "min_interval": "200ms",
  "shrink_step": 0.5,
  "shrink_max": "1G",
  "deadband": "1M",
  "socket": "$SOCK",
  "log_level": "info"
}
JSON
}

# Many small steps: the log keeps to a burst per domain, monitor gets all.
write_quiet_config 0.02
start_daemon
"$XB_CTL" monitor >"$T/monitor" 2>&1 &
MON=$!
sleep 4
kill "$MON" 2>/dev/null
wait "$MON" 2>/dev/null
MONITORED=$(grep -c " target .*name=web" "$T/monitor")
LOGGED=$(grep -c "domain 1 (web): target " "$T/daemon.log")
OUT="monitor $MONITORED, log $LOGGED"
echo "web: $MONITORED target changes, $LOGGED logged"
[ "$MONITORED" -ge 8 ] && pass || fail "too few changes to test the limit"
[ "$LOGGED" -ge 1 ] && [ "$LOGGED" -le 5 ] && pass ||
    fail "target lines for web not limited to a burst of 5"
grep -q "domain 1 (web): target [0-9]* -> [0-9]* KiB (shrink; calm: probe" \
    "$T/daemon.log" && pass || fail "a target line names old, new and why"
stop_daemon
rm -f "$XB_SIM_STATE"

# A steady host: settle, then silence.
write_quiet_config 0.5
start_daemon
# Settled: every target reached and unchanged for a second.
prev=
i=0
while [ $i -lt 40 ]; do
    ctl --json status
    cur=$(printf '%s\n' "$OUT" | python3 -c '
import json, sys
v = json.load(sys.stdin)
d = v["domains"]
ok = all(x["actual_kb"] == x["target_kb"] and x["state"] in
         ("managed", "excluded") for x in d)
print(" ".join(str(x["target_kb"]) for x in d) if ok else "moving")')
    if [ "$cur" != moving ] && [ "$cur" = "$prev" ]; then
        break
    fi
    prev=$cur
    sleep 0.5
    i=$((i + 1))
done
[ $i -lt 40 ] && pass || fail "the host never settled"
BEFORE=$(wc -l <"$T/daemon.log")
# Queries are not news: poll as top would, for five seconds.
for _ in 1 2 3 4 5 6 7 8 9 10; do
    ctl status
    sleep 0.5
done
AFTER=$(wc -l <"$T/daemon.log")
OUT=$(tail -n +$((BEFORE + 1)) "$T/daemon.log")
[ "$AFTER" = "$BEFORE" ] && pass ||
    fail "$((AFTER - BEFORE)) log lines on a steady host"
ctl --json status
jcheck 'all(d["state"] in ("managed", "excluded") for d in v["domains"])'
stop_daemon

finish
