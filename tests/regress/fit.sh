#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# check-config and the daemon agree: each golden case in fit/ (a simulated
# host exactly full, one KiB over, ...) is accepted by both or refused by
# both, with the same reason.  Whatever check-config accepts, the daemon
# starts with.
. "$(dirname "$0")/lib.sh"

here=$(cd "$(dirname "$0")" && pwd)
for c in roomy full over_1k over_1g; do
    case $c in over_*) want=refuse ;; *) want=accept ;; esac
    # The case with this run's private socket.
    sed "s|\"backend\": \"sim\",|\"backend\": \"sim\", \"socket\": \"$SOCK\",|" \
        "$here/fit/$c.json" >"$CFG"
    ctl check-config "$CFG"
    if [ "$RC" = 0 ]; then got=accept; else got=refuse; fi
    [ "$got" = "$want" ] && pass || fail "check-config $c: $got, want $want"
    check_err=$ERR
    # The daemon on the same file: up (it answers) or refused at start.
    "$XB_CTL" daemon -f -c "$CFG" >"$T/daemon.log" 2>&1 &
    DPID=$!
    up=refuse
    for i in $(seq 1 100); do
        if "$XB_CTL" version >/dev/null 2>&1; then
            up=accept
            break
        fi
        kill -0 "$DPID" 2>/dev/null || break
        sleep 0.05
    done
    RC= OUT= ERR=$(tail -n 5 "$T/daemon.log")
    [ "$up" = "$got" ] && pass || fail "daemon $c: $up, check-config: $got"
    if [ "$up" = accept ]; then
        kill -TERM "$DPID"
        wait "$DPID"
    else
        wait "$DPID" 2>/dev/null
        # The same words from both.
        case $ERR in
        *"$check_err"*) pass ;;
        *) fail "daemon $c: reason differs from check-config's ($check_err)" ;;
        esac
    fi
    DPID=
done
finish
