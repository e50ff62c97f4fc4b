# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh disable=SC2020
#
# The daemon under faults (config faults.json: stale after 10 s).  One
# boot, two checks:
#   4. a guest whose agent is killed is detected and shown as such in the
#      CLI (stale / no-agent / uncooperative), its target left alone, while
#      another guest's rising demand is still served;
#   5. the daemon, SIGKILLed and restarted, carries on from the current
#      targets (no reset, keeps balancing), and a guest destroyed while it
#      was down, or while it runs, is forgotten.
# Run: xenlab run tests/e2e/faults.sh --config tests/e2e/faults.json
#      --host-mem 1536 --dom0-mem 384 --guests 3 --guest-mem 192
#      --guest-maxmem 512
need_daemon
create_guests || fail "xl create failed"
for g in $(guest_names); do
    wait_agent "$g"
done
managed()
{
    [ "$(ctl_dom "$1" state)" = managed ]
}
for g in $(guest_names); do
    await 30 "$g listed as managed" managed "$g"
done

#### 4. an agent dies; the others keep being balanced ###################
unmanaged()
{
    case $(ctl_dom "$1" state) in
    stale | no-agent | uncooperative | stuck) return 0 ;;
    esac
    return 1
}
target_mb()
{
    kb2mb "$(target_kb "$1")"
}
target_at_least()
{
    ge "$(target_mb "$1")" "$2"
}
g2_before=$(target_mb g2)
t0=$(now)
guest_cmd g2 agent-kill
guest_work g1 -R 20 -f 200M
await 60 "g2 shown as not cooperating" unmanaged g2
timing detect-dead-agent "$(since "$t0")"
ctl status
info "g2: state $(ctl_dom g2 state), reason '$(ctl_dom g2 reason)'"
await 90 "g1 (healthy) grows past 300M meanwhile" target_at_least g1 300
near "$(target_mb g2)" "$g2_before" 8 ||
    fail "g2's target moved without agent data: $g2_before -> $(target_mb g2)"
snapshot "4 done"

#### 5. daemon crash + restart; destroyed guests are forgotten ##########
before=""
for g in $(guest_names); do
    before="$before $g=$(target_mb "$g")"
done
daemon_kill
ctl status >/dev/null 2>&1
rc=$?
[ "$rc" = 3 ] || fail "ctl status with the daemon dead: exit $rc, want 3"
destroy_guest g3 || fail "xl destroy g3"
daemon_start || fail "the daemon did not restart"
for kv in $before; do
    g=${kv%%=*}
    [ "$g" = g3 ] && continue
    near "$(target_mb "$g")" "${kv#*=}" 8 ||
        fail "$g's target moved across the restart:" \
            "${kv#*=}M -> $(target_mb "$g")M"
done
info "targets kept across the restart:$before"
ctl status
g3_gone()
{
    ! ctl --json status 2>/dev/null | grep -q '"name": *"g3"'
}
await 10 "g3 (destroyed while the daemon was down) not listed" g3_gone
await 30 "g2 still shown as not cooperating" unmanaged g2
# still balancing: more demand in g1 is still served
guest_work g1 -R 20 -f 300M
await 90 "g1 grows past 400M after the restart" target_at_least g1 400
# a guest destroyed under the running daemon is forgotten
create_guest g5 192 512 || fail "xl create g5"
wait_agent g5
await 30 "g5 listed" ctl_listed g5
d5=$(dom_id g5)
destroy_guest g5 || fail "xl destroy g5"
g5_gone()
{
    ! ctl --json status 2>/dev/null | tr '{}' '\n\n' |
        grep -q "\"domid\": *$d5,"
}
await 20 "g5 (destroyed) forgotten" g5_gone
daemon_alive || fail "the daemon died"
snapshot "5 done"
pass "dead agent detected, others balanced; restart carries on;" \
    "destroyed guests forgotten"
