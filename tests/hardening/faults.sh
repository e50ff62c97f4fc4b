#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Faults, on the sim backend's XB_SIM_FAULTS hooks.  After each, the safety
# invariants hold (every target in [min, max]; growth the balancer granted
# never eats into the reserve; see hlib.sh) and balancing resumes:
#   1. balloon drivers that are slow, capped, stuck, intermittently stuck;
#   2. the backend refusing a domain's target, then accepting it again;
#   3. a domain destroyed between the daemon's plan and its apply;
#   4. domains destroyed and created under the daemon;
#   5. the xenstore connection lost and back: targets frozen meanwhile,
#      the change made during the loss applied after it;
#   6. SIGKILL at random moments (XB_SEED) and a restart on the host as the
#      killed daemon left it: nothing below its min, balancing resumes.
. "$(dirname "$0")/hlib.sh"

# watch_invariants SECONDS DESC: invariants every half second.
watch_invariants()
{
    k=0
    while [ $k -lt $(($1 * 2)) ]; do
        snapshot "$2, $k"
        sleep 0.5
        k=$((k + 1))
    done
    check_snapshots
}

# target_of DOMAIN: its target (into $VAL), without python.
target_of()
{
    VAL=$("$XB_CTL" --json show "$1" | sed -n 's/.*"target_kb":\([0-9]*\).*/\1/p')
}

# 1. Drivers.  Each domain is asked to grow by its min, and the pressure
# policy probes the calm ones down.
hconfig pressure "$(guest web 512M 1536M slow), $(guest db 768M 1536M capped),
    $(guest app 512M 1G stuck), $(guest job 512M 1G)" \
    '"stuck_after": "2s", "uncooperative_after": "4s", "min_interval": "1s",'
start_daemon
wait_for 'v["records_accepted"] >= 1' show job
# The config knows no intermittent driver: the fault hook sets it (stuck
# 6 s of every 10).
fault "driver 4 intermittent"
for d in web db app job; do
    ctl set $d min 700M
    expect_rc 0 "set $d min"
done
sleep 0.5 # one settle delay and a tick: the new mins are in force
watch_invariants 6 "drivers"
wait_for 'v["state"] in ("stuck", "uncooperative")' show app
ctl --json show app
jcheck 'v["actual_kb"] == 512 * 1024' "the stuck driver never moved"
ctl --json show web
jcheck 'v["actual_kb"] > 512 * 1024' "the slow driver moves"
# Everyone who can reach its min does; nobody ends below the min it had
# when it started (the stuck one is held where it is).
wait_for 'all(d["actual_kb"] >= 700 * 1024 for d in v["domains"] if d["name"] in ("web", "job"))' status
stop_daemon

# 2-5 on a plain host.
hconfig pressure "$(guest web 768M 1536M), $(guest db 1G 2G)"
start_daemon
wait_for 'v["records_accepted"] >= 1' show db

# 2. Refused targets: the failure is counted, logged (not for every
# retry), the daemon keeps going, and the change lands once accepted.
fault "refuse 2"
ctl set db min 1200M
expect_rc 0 "set db min while refused"
sleep 2
ctl --json show db
jcheck 'v["target_kb"] < 1200 * 1024 and v["target_failures"] >= 1' \
    "refused: target unchanged, failure counted"
INV_FROZEN=db invariants "refused"
log_count "domain 2 (db): setting target"
[ "$VAL" -ge 1 ] && [ "$VAL" -le 3 ] && pass ||
    fail "refusal logged $VAL times in 2 s"
fault "accept 2"
wait_for 'v["target_kb"] >= 1200 * 1024' show db

# 3. web is destroyed between the plan that changes its target and the
# apply: the daemon shrugs, forgets it, and db's next change still lands.
fault "vanish 1"
ctl set web min 900M
expect_rc 0 "set web min"
wait_for '"web" not in [d["name"] for d in v["domains"]]' status
invariants "vanished"
ctl set db min 1300M
wait_for 'v["target_kb"] >= 1300 * 1024' show db

# 4. Domains come and go.
fault "create fresh 512M 1G"
wait_for '"fresh" in [d["name"] for d in v["domains"]]' status
wait_for 'v["records_accepted"] >= 1 and v["state"] == "managed"' show fresh
invariants "created"
fault "destroy 3"
wait_for '"fresh" not in [d["name"] for d in v["domains"]]' status
fault "create fresh2 600M 1G" "create fresh3 600M 1G"
wait_for 'len(v["domains"]) == 4' status
invariants "two more"

# 5. xenstore lost for 3 s (health checks every second).
fault "xs-drop 3"
wait_for 'v["xenstore"] == "lost"' status
target_of db
FROZEN=$VAL
ctl set db min 1400M
expect_rc 0 "set during the loss"
sleep 1
target_of db
[ "$VAL" = "$FROZEN" ] && pass || fail "target moved without xenstore"
wait_for 'v["xenstore"] == "ok"' status
wait_for 'v["target_kb"] >= 1400 * 1024' show db
field db records_accepted
A0=$VAL
sleep 2
field db records_accepted
[ "$VAL" -gt "$A0" ] && pass || fail "records not taken after the loss"
invariants "after the loss"
stop_daemon

# 6. SIGKILL at random moments, busy guests, a restart each time.
hconfig pressure "$(guest web 768M 1536M ideal eatmem 700M),
    $(guest db 1G 2G slow eatmem 900M)" '"min_interval": "500ms",'
start_daemon
for round in 1 2 3 4 5; do
    ms=$((300 + RANDOM % 1700))
    sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
    kill -KILL "$DPID"
    wait "$DPID" 2>/dev/null
    DPID=
    start_daemon
    snapshot "restart $round (killed after $ms ms)"
done
check_snapshots 'all(d["actual_kb"] >= d["min_kb"] for d in v["domains"])' \
    "nobody below its min"
# Balancing resumes: a change is applied, records are taken.
ctl set web min 1000M
wait_for 'v["target_kb"] >= 1000 * 1024' show web
wait_for 'v["records_accepted"] >= 2' show db
watch_invariants 2 "after the restarts"
stop_daemon
finish
