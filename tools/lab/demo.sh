# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# The lab demo (xenlab demo), sourced by dom0's /init after dom0-lib.sh:
# guests running eatmem's random schedule under the daemon, and a status
# frame every 2 s that the host redraws in place.  The guests are created
# in the background so that frames start as soon as dom0 is up.  Runs
# until the host stops QEMU.
if ! daemon_alive; then
    info "the daemon is not running: the frames show xl and the agents only"
fi
(
    i=1
    while [ "$i" -le "$XL_GUESTS" ]; do
        # different seeds, so the guests' demand peaks at different times
        create_guest "g$i" "$GUEST_MEM" "$GUEST_MAXMEM" \
            "eatmem:seed=$i,max=$((GUEST_MAXMEM * 3 / 5))M,sleep=20,rate=32,respawn=1" \
            || info "could not create g$i"
        i=$((i + 1))
    done
) &
: >>/run/xenlab/guests
frame=0
while :; do
    frame=$((frame + 1))
    [ "$frame" = 1 ] && timing demo-first-frame "$(now)"
    echo "XENLAB-FRAME-BEGIN"
    echo "xenballoon lab demo   dom0 uptime $(now)s   frame $frame" \
        "  (Ctrl-C stops the lab)"
    echo
    if daemon_alive; then
        ctl status 2>&1
    else
        echo "(no daemon)"
        echo "host free $(host_free_mb)M"
    fi
    echo
    # what the guests say from inside (agent record, eatmem's chunk);
    # xenstore reads only: xl is slow under emulation
    printf '%-6s %9s %8s  %s\n' guest balloon eatmem "booting / phase"
    while read -r g; do
        p=$(dom_path "$g") || continue
        s=$(xs_read "$p/data/xenballoon/stats")
        w=$(xs_read "$p/data/xenlab-work")
        b=
        for kv in $s; do
            case $kv in bal=*) b=${kv#bal=} ;; esac
        done
        if [ -z "$s" ]; then
            printf '%-6s %9s %8s  %s\n' "$g" - - "booting"
        else
            printf '%-6s %8sM %7sM  %s\n' "$g" "$(kb2mb "$b")" \
                "$(kb2mb "${w%% *}")" "${w#* }"
        fi
    done </run/xenlab/guests 2>/dev/null
    echo "XENLAB-FRAME-END"
    nap 2
done
