# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# The daemon balances real guests (config balance.json, pressure policy,
# reserve 64M).  One boot, four checks:
#   1. every guest's record reaches dom0 and `xenballoon-ctl status` lists
#      every guest, managed, with its real allocation and target;
#   2. a guest whose demand rises is grown within seconds and its balloon
#      follows; when the demand falls it is shrunk slowly and the memory
#      shows up as host free memory;
#   3. while every guest grows at once, Xen's free memory never falls
#      below the reserve (sampled all along), and the host does fill up;
#   6. `xenballoon-ctl reserve` frees room on that full host and an
#      `xl create` of a new guest then succeeds.
# Run: xenlab run tests/e2e/balance.sh --config tests/e2e/balance.json
#      --host-mem 1536 --dom0-mem 384 --guests 3 --guest-mem 192
#      --guest-maxmem 768
RESERVE_MB=64
need_daemon
create_guests || fail "xl create failed"
for g in $(guest_names); do
    wait_agent "$g"
done

#### 1. status lists every guest with its real figures ##################
managed()
{
    [ "$(ctl_dom "$1" state)" = managed ]
}
# status' actual within 2 MiB of xl list's, its target = memory/target
figures_match()
{
    _a=$(ctl_dom "$1" actual_kb)
    _t=$(ctl_dom "$1" target_kb)
    near "$(kb2mb "$_a")" "$(actual_mb "$1")" 2 &&
        near "$_t" "$(target_kb "$1")" 1024
}
for g in $(guest_names); do
    await 30 "$g listed as managed" managed "$g"
    await 20 "$g's actual and target in status match Xen" figures_match "$g"
done
ctl status
snapshot "1 done"

#### 2. demand up: grown fast, balloon follows; demand down: slow shrink #
target_mb()
{
    kb2mb "$(target_kb "$1")"
}
target_at_least()
{
    ge "$(target_mb "$1")" "$2"
}
bal_follows()
{
    near "$(bal_kb "$1")" "$(target_kb "$1")" 4096
}
# latency figures: every agent record and target decision, timestamped
# shellcheck disable=SC2046 # one name per word
trace_start $(guest_names)
t_trace=$(trace_mark)
t0=$(now)
guest_work g1 -R 20 -f 300M
await_hold g1 90
# used ~ 84M + 300M: the target must cover it
await 30 "g1's target grows past 400M" target_at_least g1 400
timing grow-400M "$(since "$t0")"
await 30 "g1's balloon follows its target" bal_follows g1
work_holds g1 || fail "g1 lost its chunk"
# shellcheck disable=SC2046 # NAME ISSUE REACH
set -- $(spike_report "$t0" g1)
info "g1's demand spike: target raised after ${2}s, balloon there after ${3}s"
ge "${2%.*}" 0 || fail "no grow of g1 after its demand spike"
le "${2%.*}" 15 || fail "g1 was grown ${2}s after its demand spike"
snapshot "g1 grown"

peak=$(target_mb g1)
free0=$(host_free_mb)
guest_cmd g1 stop
t0=$(now)
nap 8
after8=$(target_mb g1)
info "g1 target ${peak}M at stop, ${after8}M 8 s later"
# slow: no more than a quarter in the first 8 s
ge "$after8" $((peak * 3 / 4)) || fail "g1 shrank too fast: $peak -> $after8"
target_shrunk()
{
    le "$(target_mb g1)" $((peak - 64))
}
await 120 "g1's target shrinks by 64M" target_shrunk
timing shrink-64M "$(since "$t0")"
freed=$((peak - $(target_mb g1)))
await 30 "g1's balloon follows its target" bal_follows g1
free1=$(host_free_mb)
info "host free ${free0}M -> ${free1}M after g1 gave back ${freed}M"
ge "$free1" $((free0 + freed / 2)) ||
    fail "memory given back by g1 did not show up as host free"
snapshot "2 done"

#### 3. everyone grows at once: the reserve holds ########################
sampler_start
t3=$(trace_mark)
for g in $(guest_names); do
    guest_work "$g" -R 25 -f 360M
done
# 3 x (84M + 360M) is more than the host has: it must fill up
host_full()
{
    le "$(host_free_mb)" $((RESERVE_MB + 96))
}
await 120 "the host fills up" host_full
nap 15
# shellcheck disable=SC2046 # two numbers
set -- $(sampler_stop)
# The daemon grows a guest only from memory that is free now, net of the
# reserve and of growth already promised, and shrinks before it grows; a
# shrinking guest's memory counts only once Xen has it back.  So Xen's
# free memory may fall below the reserve only by what the guests may hold
# above their targets: libxl caps each at target + 1 MiB (max_pages).
# xl rounds down to whole MiB: one more.
n=$(guest_names | wc -l)
floor=$((RESERVE_MB - n - 1))
info "lowest host free ${1}M over $2 samples (reserve ${RESERVE_MB}M," \
    "floor ${floor}M)"
ge "$1" "$floor" ||
    fail "host free fell to ${1}M: reserve ${RESERVE_MB}M, floor ${floor}M"
# xl info costs ~1 s of dom0 CPU under emulation: ~1 sample per 1-3 s
ge "$2" 10 || fail "too few free-memory samples ($2)"
for g in $(guest_names); do
    spike_report "$t3" "$g" >/dev/null
done
info "demand spikes (name, s to the first grow, s to its balloon):" \
    "$(tr '\n' ';' </run/xenlab/spikes)"
# shellcheck disable=SC2046 # N MED MAX NEVER, twice
set -- $(spike_summary)
timing spike-to-target-median "$2"
timing spike-to-target-worst "$3"
timing spike-to-balloon-median "$6"
timing spike-to-balloon-worst "$7"
info "spike -> target issued: median ${2}s worst ${3}s over $1 spikes" \
    "($4 never grown); -> balloon there: median ${6}s worst ${7}s ($8 never)"
# shellcheck disable=SC2046 # one name per word
trace_report "$t_trace" $(guest_names)
# shellcheck disable=SC2046 # N MED MAX UNREACHED
set -- $(cat /run/xenlab/trace.result)
timing target-to-balloon-median "$2"
timing target-to-balloon-worst "$3"
info "target issued -> balloon there: median ${2}s worst ${3}s over $1" \
    "target changes ($4 superseded or never reached)"
ctl status
snapshot "3 done"

#### 6. reserve frees room for a new guest ##############################
# g3's demand goes; the others still want more, so the host stays full
guest_cmd g3 stop
nap 10
snapshot "g3 idle"
free=$(host_free_mb)
if ge "$free" $((160 + RESERVE_MB)); then
    info "warning: host not full before the reserve (${free}M free)"
fi
ctl reserve 200M --for 180 || fail "xenballoon-ctl reserve 200M refused"
room()
{
    ge "$(host_free_mb)" 200
}
await 90 "200M free on the host" room
create_guest g4 160 160 || fail "xl create g4 failed after reserve"
wait_agent g4
ctl release || fail "xenballoon-ctl release failed"
await 30 "g4 listed" ctl_listed g4
snapshot "6 done"
pass "status, grow/shrink, reserve held, reserve made room"
