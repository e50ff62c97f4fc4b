# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# Lab smoke test, no daemon: the guests' agents publish their record to
# dom0, and a guest's balloon follows `xl mem-set` down and up (the agent
# republishes bal=).  Also checks the lab's own workload plumbing and
# its guests' swap disks.
# Run: xenlab run tests/e2e/smoke.sh --guests 2 --guest-mem 192 \
#          --guest-maxmem 384 --guest-swap 64

create_guests || fail "xl create failed"
for g in $(guest_names); do
    wait_agent "$g"
done
for g in $(guest_names); do
    s=$(stats "$g")
    info "$g record: $s"
    case $s in
    "v=1 "*) ;;
    *) fail "$g record does not start with v=1: $s" ;;
    esac
    # xenlab --guest-swap 64: the guest swaps on its disk (xvdb)
    ge "$(stat_field "$g" swt)" $((60 * 1024)) ||
        fail "$g has no swap: swt=$(stat_field "$g" swt)"
    p=$(dom_path "$g")
    assert "$g publishes data/meminfo_total" \
        test -n "$(xs_read "$p/data/meminfo_total")"
    assert "$g's balloon (bal=) matches its target" \
        near "$(bal_kb "$g")" "$(target_kb "$g")" 2048
done

bal_near()
{
    near "$(bal_kb "$1")" "$2" 2048
}
for mb in $((GUEST_MEM - 64)) $((GUEST_MEM + 96)) "$GUEST_MEM"; do
    t0=$(now)
    timeout 30 xl mem-set g1 "$mb" || fail "xl mem-set g1 $mb"
    await 60 "g1 balloon at ${mb}M" bal_near g1 $((mb * 1024))
    timing "mem-set-${mb}M" "$(since "$t0")"
    snapshot
done

guest_work g1 -f 64M
await 60 "g1 eatmem holds 64M" work_holds g1
assert "dom0 sees g1's eatmem chunk" test "$(work_kb g1)" = 65536
guest_cmd g1 stop
# the guest mirrors eatmem's report to xenstore once a second
work_none()
{
    [ "$(work_kb "$1")" = 0 ]
}
await 10 "g1's eatmem stopped" work_none g1

destroy_guest g2 || fail "xl destroy g2"
pass "agents publish, balloon follows xl mem-set"
