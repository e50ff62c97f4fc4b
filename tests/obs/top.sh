#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `xenballoon-ctl top` against the real daemon (sim backend): batch mode
# for scripts (frames, -o and -r sorting, --json, 80 columns, usage
# errors, no daemon), then the interactive view in a real terminal: an
# 80x24 tmux pane, keys sent with send-keys, the screen read back with
# capture-pane (header, rows, the sort moving and reversing, q quitting
# and giving the shell its screen back).
. "$(dirname "$0")/../regress/lib.sh"

command -v tmux >/dev/null 2>&1 || {
    echo "tmux not installed: skipped"
    exit 77
}

write_config static
start_daemon

# row_order TEXT: the domids in the order their rows appear.
row_order()
{
    printf '%s\n' "$1" | awk '$1 ~ /^[0-9]+$/ { print $1 }' | tr '\n' ' '
}

wait_for 'v["host"]["total_kb"] > 0 and v["domains"][2]["state"] == "managed"' \
    status

ctl top -b -n 2 -d 0.2
expect_rc 0 "top -b -n 2"
expect_out "xenballoon top"
expect_out "policy static  backend sim  xenstore ok"
expect_out "host  total 4096.0M"
expect_out "DOMID NAME"
expect_out "ACTUAL  TARGET    NEED     MIN     MAX PRESS SWPIN STATE"
expect_out "sort: domid, smallest first"
[ "$(printf '%s\n' "$OUT" | grep -c '^xenballoon top')" = 2 ] && pass ||
    fail "two frames"
printf '%s\n' "$OUT" | awk 'length > 79 { exit 1 }' && pass ||
    fail "a line wider than 79 columns"
[ "$(row_order "$OUT")" = "0 1 2 0 1 2 " ] && pass || fail "domid order"
case $OUT in
*$'\033'*) fail "escape sequences in batch mode" ;;
*) pass ;;
esac
expect_out "Domain-0      512.0M  512.0M"

ctl top -b -n 1 -o actual
expect_rc 0 "top -o actual"
expect_out "sort: actual, largest first"
[ "$(row_order "$OUT")" = "2 1 0 " ] && pass || fail "actual, largest first"
ctl top -b -n 1 -o ACTUAL -r
expect_out "sort: actual, smallest first"
[ "$(row_order "$OUT")" = "0 1 2 " ] && pass || fail "actual, reversed"
ctl top -b -n 1 -o name
[ "$(row_order "$OUT")" = "2 0 1 " ] && pass ||
    fail "name order (db Domain-0 web)"

ctl --json top -n 2 -d 0.1
expect_rc 0 "--json top"
[ "$(printf '%s\n' "$OUT" | wc -l)" = 2 ] && pass || fail "two JSON frames"
OUT=$(printf '%s\n' "$OUT" | tail -n 1)
jcheck 'len(v["domains"]) == 3 and
    all("pressure" in d and "swapin_rate" in d for d in v["domains"])'

for bad in "-o nosuch" "-d 0" "-d 0.01" "-n 0" "-n x" "extra" "-z"; do
    # shellcheck disable=SC2086
    ctl top -b $bad
    expect_rc 2 "top $bad"
done
ctl top -b -o nosuch
expect_err "no column 'nosuch' (domid, name, actual"
XENBALLOON_SOCKET=$T/nosuch.sock ctl top -b -n 1
expect_rc 3 "top without a daemon"
expect_err "is the daemon running?"
ctl help top
expect_out "top [-br] [-d SECONDS] [-n FRAMES] [-o COLUMN]"

# The interactive view in an 80x24 terminal.
TMUX_SOCK=$T/tmux.sock
tm()
{
    tmux -S "$TMUX_SOCK" "$@"
}
tm new-session -d -s top -x 80 -y 24 \
    "XENBALLOON_SOCKET='$SOCK' '$XB_CTL' top -d 0.3; \
     echo top-exited-\$?; sleep 60"

# screen_has TEXT: waits (3 s at most) until the pane shows TEXT.
screen_has()
{
    i=0
    while [ $i -lt 30 ]; do
        OUT=$(tm capture-pane -p -t top)
        case $OUT in
        *"$1"*) pass; return 0 ;;
        esac
        sleep 0.1
        i=$((i + 1))
    done
    RC=screen
    fail "the screen never showed '$1'"
    return 1
}

screen_has "DOMID NAME"
expect_out "xenballoon top"
expect_out "host  total 4096.0M"
expect_out "keys: < > column  r reverse  q quit"
expect_out "sort: domid, smallest first"
expect_out "managed"
[ "$(row_order "$OUT")" = "0 1 2 " ] && pass || fail "screen: domid order"
printf '%s\n' "$OUT" | awk 'length > 80 { exit 1 }' && pass ||
    fail "screen wider than 80"
# The view starts at the top left of the screen.
[ "$(printf '%s\n' "$OUT" | head -n 1 | cut -c1-14)" = "xenballoon top" ] &&
    pass || fail "first screen line"

tm send-keys -t top '>'
screen_has "sort: name, smallest first"
[ "$(row_order "$OUT")" = "2 0 1 " ] && pass || fail "screen: name order"
tm send-keys -t top '>'
screen_has "sort: actual, largest first"
[ "$(row_order "$OUT")" = "2 1 0 " ] && pass || fail "screen: actual order"
tm send-keys -t top 'r'
screen_has "sort: actual, smallest first"
[ "$(row_order "$OUT")" = "0 1 2 " ] && pass || fail "screen: reversed"
# A new column starts in its own direction again.
tm send-keys -t top Left
screen_has "sort: name, smallest first"
# Three refreshes later it is still one screen, not a scroll of frames.
sleep 1
OUT=$(tm capture-pane -p -t top)
[ "$(printf '%s\n' "$OUT" | grep -c 'xenballoon top')" = 1 ] && pass ||
    fail "the view scrolls instead of redrawing"

tm send-keys -t top q
screen_has "top-exited-0"
case $OUT in
*"DOMID NAME"*) fail "the view is left on the screen after q" ;;
*) pass ;;
esac
tm kill-server 2>/dev/null

finish
