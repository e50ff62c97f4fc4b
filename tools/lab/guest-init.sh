#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of a lab guest (busybox initramfs): mount the basics, start
# xenballoon-agent, start the workload named on the kernel command line,
# then serve dom0's lab commands.  Command line parameters (from the xl
# config's extra=):
#
#   xbagent=OPT,OPT...        extra agent options, commas for spaces
#   xbswap=1                  swap on xvdb (xenlab --guest-swap)
#   xbwork=eatmem:K=V,...     run eatmem; K is seed, max, min, sleep,
#                             writes, n, rate, fixed or pattern (pattern
#                             steps separated by '+': 100M:10:5+300M:20:0),
#                             or respawn=1: start it again 5 s after the
#                             OOM killer took it (the demo's overcommit)
#
# dom0 writes "SEQ COMMAND ARGS" to data/xenlab-cmd; this loop runs it and
# writes SEQ to data/xenlab-ack.  Commands: work EATMEM-ARGS | stop |
# agent-kill | agent-start | status.  The current eatmem chunk ("KIB PHASE") is
# mirrored to data/xenlab-work so dom0 sees the demand.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run

# `xl reboot` / `xl shutdown` make the kernel run /sbin/reboot or
# /sbin/poweroff, which (busybox) signal init: act on them as busybox's
# init would (a shell as PID 1 ignores them otherwise).
trap 'reboot -f' TERM
trap 'poweroff -f' USR2
trap 'halt -f' USR1

xbagent=
xbwork=
xbswap=0
read -r cmdline </proc/cmdline
for arg in $cmdline; do
    case $arg in
    xbagent=*) xbagent=$(echo "${arg#xbagent=}" | tr , ' ') ;;
    xbwork=*) xbwork=${arg#xbwork=} ;;
    xbswap=*) xbswap=${arg#xbswap=} ;;
    esac
done
# xbswap=1: dom0 gave this guest a swap disk, xvdb
if [ "$xbswap" = 1 ]; then
    insmod /lib/modules/xen-blkfront.ko
    i=0
    while [ ! -b /dev/xvdb ] && [ $i -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    if mkswap /dev/xvdb >/dev/null && swapon /dev/xvdb; then
        echo "guest: swap on xvdb, $(sed -n 's/^SwapTotal: *//p' /proc/meminfo)"
    else
        echo "guest: no swap (xvdb missing or unusable)"
    fi
fi
echo "guest: up at $(cut -d' ' -f1 /proc/uptime)s," \
    "domid $(xenstore-read domid 2>/dev/null)"

# Processes are costly in a PV guest under TCG (every page-table update
# is a hypercall), so commands arrive through one xenstore watch instead
# of a polling loop, and the report is mirrored with shell builtins.
agent_start()
{
    # shellcheck disable=SC2086 # options are split on purpose
    xenballoon-agent $xbagent &
    echo $! >/run/agent.pid
    echo "guest: xenballoon-agent $xbagent (pid $!)"
}

agent_kill()
{
    read -r pid 2>/dev/null </run/agent.pid && kill -9 "$pid" 2>/dev/null
    rm -f /run/agent.pid
}

work_stop()
{
    if read -r pid 2>/dev/null </run/eatmem.pid; then
        kill "$pid" 2>/dev/null
        # the wrapper below removes the pid file once eatmem is gone
        while [ -e /run/eatmem.pid ]; do
            sleep 0.2
        done
    fi
    echo "0 none" >/run/eatmem.report
}

work_start()
{
    work_stop
    echo "guest: eatmem $*"
    # eatmem exits 0 on SIGTERM; anything else (the OOM killer's SIGKILL)
    # is reported, since eatmem cannot say so itself
    (
        while :; do
            eatmem -r /run/eatmem.report "$@" &
            echo $! >/run/eatmem.pid
            wait $!
            rc=$?
            [ "$rc" != 0 ] || break
            echo "0 died-rc$rc" >/run/eatmem.report
            echo "guest: eatmem ended, rc=$rc"
            [ "$respawn" = 1 ] || break
            sleep 5
        done
        rm -f /run/eatmem.pid
    ) &
    while [ ! -e /run/eatmem.pid ]; do
        sleep 0.1
    done
}

# eatmem:seed=3,max=200M -> eatmem -s 3 -m 200M
work_from_cmdline()
{
    spec=$1
    set --
    respawn=0
    case $spec in
    eatmem:*) ;;
    '') return 0 ;;
    *)
        echo "guest: unknown xbwork=$spec"
        return 0
        ;;
    esac
    for kv in $(echo "${spec#eatmem:}" | tr , ' '); do
        v=${kv#*=}
        case $kv in
        seed=*) set -- "$@" -s "$v" ;;
        max=*) set -- "$@" -m "$v" ;;
        min=*) set -- "$@" -M "$v" ;;
        sleep=*) set -- "$@" -t "$v" ;;
        writes=*) set -- "$@" -w "$v" ;;
        n=*) set -- "$@" -n "$v" ;;
        fixed=*) set -- "$@" -f "$v" ;;
        pattern=*) set -- "$@" -p "$v" ;;
        rate=*) set -- "$@" -R "$v" ;;
        respawn=*) respawn=$v ;;
        *) echo "guest: ignoring xbwork item $kv" ;;
        esac
    done
    work_start "$@"
}

# Reads watch events (one line each) and runs new commands.
serve_commands()
{
    last_seq=0
    while read -r _event; do
        cmd=$(xenstore-read data/xenlab-cmd 2>/dev/null)
        seq=${cmd%% *}
        if [ -z "$cmd" ] || [ "$seq" = "$last_seq" ]; then
            continue
        fi
        last_seq=$seq
        # shellcheck disable=SC2086 # split the command into words
        set -- ${cmd#* }
        verb=$1
        shift
        case $verb in
        work)
            respawn=0
            work_start "$@"
            ;;
        stop) work_stop ;;
        agent-kill) agent_kill ;;
        agent-start)
            agent_kill
            agent_start
            ;;
        status)
            out=$(xenballoon-agent --status --json 2>&1)
            xenstore-write memory/xenballoon/status forged 2>/dev/null &&
                out="$out WRITABLE"
            xenstore-write data/xenlab-status "$out"
            ;;
        none) ;;
        *) echo "guest: unknown lab command $verb" ;;
        esac
        xenstore-write data/xenlab-ack "$seq"
    done
}

respawn=0
agent_start
echo "0 none" >/run/eatmem.report
work_from_cmdline "$xbwork"
xenstore-watch data/xenlab-cmd 2>/dev/null | serve_commands &

# once a second without a sleep(1) process: a read that times out on a
# FIFO nobody writes
mkfifo /run/tick
last_work=
while :; do
    read -r work </run/eatmem.report
    if [ "$work" != "$last_work" ]; then
        xenstore-write data/xenlab-work "$work" && last_work=$work
    fi
    # shellcheck disable=SC3045 # busybox ash has read -t
    read -r -t 1 _ <>/run/tick
done
