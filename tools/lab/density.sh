# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# The seed paper's experiment on real Xen, dom0's side (run by
# tools/bench/lab-density.sh, which sets the DENS_* parameters ahead of
# this text): guests of memory=DENS_MEM, maxmem=DENS_MAXMEM, each running
# eatmem with the paper's schedule (DENS_WORK), are launched one at a time
# through the make-room contract -- `xenballoon-ctl reserve DENS_MEM
# --wait DENS_TIMEOUT`, `xl create`, `release` -- until a hold is refused
# or not met in time, or DENS_MAX guests run.  DENS_SETTLE seconds pass
# between launches.  The guests then run DENS_RUN seconds more, and each
# one's health is read from its own agent's record:
#
#   healthy = no OOM kill (vmstat oom_kill = 0 and eatmem never killed)
#             and memory stall (PSI "some" total) under DENS_STALL_PCT %
#             of the guest's life.
#
# The result lines the host script reads:
#   DENSITY-GUEST name=.. life_s=.. stall_s=.. stall_pct=.. oom=..
#                 swapout_mb=.. healthy=0|1
#   DENSITY launched=.. healthy=.. refused=.. stall_s=.. swapout_mb=..
#           min_free_mb=..
DENS_MAX=${DENS_MAX:-10}
DENS_MEM=${DENS_MEM:-512}
DENS_MAXMEM=${DENS_MAXMEM:-1024}
DENS_WORK=${DENS_WORK:-max=512M,writes=4,sleep=63}
DENS_SETTLE=${DENS_SETTLE:-60}
DENS_TIMEOUT=${DENS_TIMEOUT:-60}
DENS_RUN=${DENS_RUN:-600}
DENS_STALL_PCT=${DENS_STALL_PCT:-1}
need_daemon

# The lowest free memory seen, sampled every 5 s while waiting.
echo 999999 >/run/xenlab/minfree
watch_free()
{
    _f=$(host_free_mb)
    read -r _m </run/xenlab/minfree
    case $_f in '' | *[!0-9]*) return 0 ;; esac
    [ "$_f" -ge "$_m" ] || echo "$_f" >/run/xenlab/minfree
}
# linger S: S seconds, with a free-memory sample and a snapshot now and then
linger()
{
    _l_end=$(($(date +%s) + $1))
    _l_n=0
    while [ "$(date +%s)" -lt "$_l_end" ]; do
        watch_free
        _l_n=$((_l_n + 1))
        [ $((_l_n % 12)) != 0 ] || snapshot
        nap 5
    done
}

launched=0
refused=none
i=1
while [ "$i" -le "$DENS_MAX" ]; do
    t0=$(date +%s)
    if ! out=$(timeout $((DENS_TIMEOUT + 60)) xenballoon-ctl -s "$XB_SOCK" \
        reserve "${DENS_MEM}M" --for $((DENS_TIMEOUT + 120)) \
        --wait "${DENS_TIMEOUT}s" 2>&1); then
        info "launch $i: no room for ${DENS_MEM}M: $out"
        refused=$i
        break
    fi
    info "launch $i: ${DENS_MEM}M made free in $(($(date +%s) - t0))s"
    if ! create_guest "d$i" "$DENS_MEM" "$DENS_MAXMEM" \
        "eatmem:seed=$i,$DENS_WORK"; then
        ctl release
        refused=$i
        break
    fi
    ctl release || fail "xenballoon-ctl release failed"
    launched=$i
    wait_agent "d$i" 180
    snapshot "launched d$i"
    [ "$i" = "$DENS_MAX" ] || linger "$DENS_SETTLE"
    i=$((i + 1))
done
info "launched $launched guests; running ${DENS_RUN}s more"
linger "$DENS_RUN"
snapshot "end"
ctl status

# Health, from each guest's own record (PSI and vmstat totals since its
# boot) and from what became of its eatmem.
healthy=0
stall_all=0
swapout=0
for g in $(guest_names); do
    life=$(since "$(cat "/run/xenlab/created-$g")")
    life=${life%.*}
    # one read of the record, three fields of it
    psis=0 oom=0 out=0
    for kv in $(stats "$g"); do
        case $kv in
        psis=*) psis=${kv#*=} ;;
        oom=*) oom=${kv#*=} ;;
        pswpout=*) out=${kv#*=} ;;
        esac
    done
    swapout=$((swapout + out / 256))
    case $(xs_read "$(dom_path "$g")/data/xenlab-work") in
    *died*) oom=$((oom + 1)) ;;
    esac
    stall_ms=$((psis / 1000))
    stall_all=$((stall_all + stall_ms))
    [ "$life" -gt 0 ] || life=1
    # stall_pct in hundredths of a per cent
    pct=$((stall_ms * 10 / life))
    ok=0
    if [ "$oom" = 0 ] && [ "$pct" -lt $((DENS_STALL_PCT * 100)) ]; then
        ok=1
        healthy=$((healthy + 1))
    fi
    info "DENSITY-GUEST name=$g life_s=$life" \
        "stall_s=$((stall_ms / 1000)).$((stall_ms % 1000 / 100))" \
        "stall_pct=$((pct / 100)).$((pct % 100 / 10))$((pct % 10)) oom=$oom" \
        "swapout_mb=$((out / 256)) healthy=$ok"
done
read -r minfree </run/xenlab/minfree
info "DENSITY launched=$launched healthy=$healthy refused=$refused" \
    "stall_s=$((stall_all / 1000)) swapout_mb=$swapout min_free_mb=$minfree"
pass "density: $healthy of $launched guests healthy"
