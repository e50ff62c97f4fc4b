#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# xl's block hotplug script in the lab's dom0, installed as
# /etc/xen/scripts/block (Debian's needs bash, which dom0 lacks).  The only
# disks the lab gives guests are their swap disks, dom0 block devices
# ("phy:/dev/vdX" in the xl config): on "add", tell blkback the device's
# major:minor; "remove" has nothing to undo.
p=$XENBUS_PATH
case $1 in
add)
    dev=$(xenstore-read "$p/params")
    if mm=$(stat -L -c %t:%T "$dev" 2>/dev/null) && [ -b "$dev" ]; then
        xenstore-write "$p/physical-device" "$mm" \
            "$p/physical-device-path" "$dev" "$p/hotplug-status" connected
    else
        xenstore-write "$p/hotplug-error" "no block device '$dev'" \
            "$p/hotplug-status" error
        exit 1
    fi
    ;;
esac
exit 0
