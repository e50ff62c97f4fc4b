# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# The guest's view (config guest_view.json: status_heartbeat 2s, pressure
# tight under 30% headroom).  One boot, three checks:
#   1. from inside a guest, `xenballoon-agent --status --json` shows its
#      own target (= memory/target), the policy's reason and the host's
#      pressure level, and follows them when another guest's demand makes
#      the host tight; the guest cannot write memory/xenballoon/;
#   2. with the daemon killed (its heartbeat stops), a guest started with
#      --selfballoon shrinks toward its need and grows back under demand
#      without crashing;
#   3. a daemon started again makes that agent yield (its log says so and
#      the daemon's targets stick).
# Needs guest-init's `status` lab command: it writes the output of
# `xenballoon-agent --status --json` (and " WRITABLE" if a write to
# memory/xenballoon/status succeeded) to data/xenlab-status.
# Run: xenlab run tests/e2e/guest_view.sh --config tests/e2e/guest_view.json
#      --host-mem 1536 --dom0-mem 384 --guests 2 --guest-mem 192
#      --guest-maxmem 768
need_daemon
create_guests || fail "xl create failed"
for g in $(guest_names); do
    wait_agent "$g"
done

# gview NAME: what the guest's agent shows (JSON), fetched through the lab
# command channel.
gview()
{
    _gv_p=$(dom_path "$1") || return 1
    xenstore-rm "$_gv_p/data/xenlab-status" 2>/dev/null
    guest_cmd "$1" status >/dev/null
    xs_read "$_gv_p/data/xenlab-status"
}

# gfield JSON KEY: a number or string of the agent's JSON.
gfield()
{
    echo "$1" | sed -n "s/.*\"$2\": *\"\{0,1\}\([^\",}]*\)\"\{0,1\}.*/\1/p"
}

daemon_pressure()
{
    ctl --json status 2>/dev/null |
        sed -n 's/.*"pressure": *"\([a-z]*\)".*/\1/p' | head -1
}

#### 1. a guest sees its target, reason and the host's pressure ########
managed()
{
    [ "$(ctl_dom "$1" state)" = managed ]
}
await 30 "g1 managed" managed g1
v=$(gview g1)
info "g1 sees: $v"
case $v in
*'"target_kb"'*) ;;
*) fail "g1's agent shows no status (guest-init lacks 'status'?): $v" ;;
esac
case $v in
*WRITABLE*) fail "the guest could write memory/xenballoon/status" ;;
esac
assert "g1 sees its own target" \
    near "$(gfield "$v" target_kb)" "$(target_kb g1)" 8192
assert "g1 sees a reason" test -n "$(gfield "$v" reason)"
assert "g1 sees the host's pressure level" \
    test "$(gfield "$v" pressure)" = "$(daemon_pressure)"
level0=$(gfield "$v" pressure)

# g2's demand takes the host's headroom: g1 sees the level change.
guest_work g2 -R 50 -f 500M
not_ok()
{
    [ "$(daemon_pressure)" != "$level0" ]
}
await 120 "host pressure leaves '$level0'" not_ok
level1=$(daemon_pressure)
sees_level()
{
    [ "$(gfield "$(gview g1)" pressure)" = "$1" ]
}
await 20 "g1 sees the host turn '$level1'" sees_level "$level1"
v=$(gview g1)
info "g1 now sees: $v"
assert "g1's target still its own" \
    near "$(gfield "$v" target_kb)" "$(target_kb g1)" 8192
guest_cmd g2 stop
snapshot "1 done"
# g2 has served; without a daemon its grown memory would stay taken
destroy_guest g2 || fail "xl destroy g2"

#### 2. no daemon: selfballooning ######################################
daemon_kill
AGENT_ARGS="--selfballoon,-v"
create_guest g3 384 640 || fail "xl create g3"
wait_agent g3
boot_kb=$((384 * 1024))
shrunk()
{
    _b=$(bal_kb g3)
    [ -n "$_b" ] && [ "$_b" -lt $((boot_kb - 65536)) ]
}
await 120 "g3 selfballoons down by 64M+ (no daemon)" shrunk
# its steps get smaller as it nears its goal: let it settle
nap 10
low=$(bal_kb g3)
info "g3 shrank to $(kb2mb "$low")M of ${boot_kb}K"
assert "g3 keeps a sane floor (>= 96M)" ge "$low" $((96 * 1024))
# A selfballooning guest cannot grow past the cap libxl set when it was
# built (memory= + 1 MiB: only dom0 raises it), 385M here.  It shrank to
# about 280M (MemTotal ~220M); holding 240M more than it uses takes a
# MemTotal of ~285M: it must grow by 32M+ (about 60M).
guest_work g3 -R 40 -f 240M
grown()
{
    _b=$(bal_kb g3)
    [ -n "$_b" ] && [ "$_b" -gt $((low + 32768)) ]
}
await 120 "g3 grows back under demand" grown
await 90 "g3's eatmem holds 240M" work_holds g3
assert "g3 alive and publishing" agent_published g3
snapshot "2 done"

#### 3. a daemon appears: the agent yields ##############################
daemon_start || fail "daemon restart"
yielded()
{
    grep -q "yielding the balloon to dom0" /var/log/xen/console/guest-g3.log
}
await 30 "g3's agent yields to the daemon" yielded
await 30 "g3 managed by the daemon" managed g3
v=$(gview g3)
info "g3 sees: $v"
assert "g3 sees the daemon's target" \
    near "$(gfield "$v" target_kb)" "$(target_kb g3)" 8192
pass "guests see their status; selfballoon shrinks, grows and yields"
