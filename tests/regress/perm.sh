#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Access control on the real socket: root may do everything; a member of
# socket_group may read but not change (exit 1, "permission denied"); a
# user outside the group cannot connect (exit 3).  Also the socket's mode
# and group, and the refusal of an unsafe socket directory.
. "$(dirname "$0")/lib.sh"

GROUP=daemon
GID=$(getent group "$GROUP" | cut -d: -f3)
NOBODY=65534
if [ -z "$GID" ] || [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null
then
    echo "perm.sh: needs root, setpriv and a '$GROUP' group; skipped"
    exit 77
fi

write_config static "\"socket_group\": \"$GROUP\","
start_daemon

[ "$(stat -c '%a %G' "$SOCK")" = "660 $GROUP" ] && pass ||
    fail "socket mode/group: $(stat -c '%a %G' "$SOCK")"

# The group member: reads work.
ctl_as $NOBODY "$GID" status
expect_rc 0 "status as a group member"
expect_out "DOMID NAME"
ctl_as $NOBODY "$GID" --json policy
expect_rc 0 "policy as a group member"
jcheck 'v["name"] == "static"'
ctl_as $NOBODY "$GID" show web
expect_rc 0 "show as a group member"

# ... changes do not.
for cmd in "set web max 1G" "pause" "resume" "reload" "reserve 64M" \
    "release" "policy proportional"; do
    # shellcheck disable=SC2086
    ctl_as $NOBODY "$GID" $cmd
    expect_rc 1 "$cmd as a group member"
    expect_err "permission denied: '${cmd%% *}' needs root"
done
ctl --json status
jcheck 'v["paused"] is False and v["policy"] == "static"' \
    "nothing changed by the refused commands"
ctl --json show web
jcheck 'v["max_kb"] != 1048576'

# Outside the group: the socket's mode keeps it out.
ctl_as $NOBODY $NOBODY status
expect_rc 3 "status from outside the group"
expect_err "Permission denied"

stop_daemon

# An unsafe socket directory is refused at start-up, with the reason.
mkdir "$T/ww"
chmod 0777 "$T/ww"
sed -i "s#\"socket\": \"$SOCK\"#\"socket\": \"$T/ww/ctl.sock\"#" "$CFG"
OUT=
"$XB_CTL" daemon -f -c "$CFG" >"$T/ww.log" 2>&1
RC=$?
ERR=$(cat "$T/ww.log")
expect_rc 1 "daemon with a world-writable socket directory"
expect_err "world-writable without the sticky bit"
[ ! -e "$T/ww/ctl.sock" ] && pass || fail "socket created in an unsafe dir"

finish
