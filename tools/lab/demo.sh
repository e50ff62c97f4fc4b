# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# The lab demo (xenlab demo), sourced by dom0's /init after dom0-lib.sh:
# guests running eatmem's random schedule under the daemon, and a status
# frame every 2 s that the host redraws in place.  Runs until the host
# stops QEMU.
if ! daemon_alive; then
    info "the daemon is not running: the frames show xl and the agents only"
fi
i=1
while [ "$i" -le "$XL_GUESTS" ]; do
    # different seeds, so the guests' demand peaks at different times
    create_guest "g$i" "$GUEST_MEM" "$GUEST_MAXMEM" \
        "eatmem:seed=$i,max=$((GUEST_MAXMEM * 3 / 5))M,sleep=20" ||
        info "could not create g$i"
    i=$((i + 1))
done
while :; do
    echo "XENLAB-FRAME-BEGIN"
    echo "xenballoon lab demo   uptime $(now)s   host free $(host_free_mb)M" \
        "  (Ctrl-C stops the lab)"
    echo
    if daemon_alive; then
        ctl status 2>&1
    else
        echo "(no daemon)"
    fi
    echo
    printf '%-6s %8s %8s %8s %10s\n' guest actual target balloon eatmem
    for g in $(guest_names); do
        printf '%-6s %7sM %7sM %7sM %9sM\n' "$g" "$(actual_mb "$g")" \
            "$(kb2mb "$(target_kb "$g")")" "$(kb2mb "$(bal_kb "$g")")" \
            "$(kb2mb "$(work_kb "$g")")"
    done
    echo "XENLAB-FRAME-END"
    nap 2
done
