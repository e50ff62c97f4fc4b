#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the lab's dom0 (busybox initramfs): mount the basics, load the
# Xen modules, start xenstored, xen-init-dom0 and xenconsoled, optionally
# start the xenballoon daemon, then run the test script baked in as
# /xenlab/script.sh (or the demo, or a shell), print the verdict marker
# and power the emulated host off.
export PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
for d in /usr/lib/xen-*/bin; do
    PATH=$d:$PATH
done

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p /run/lock /run/xen /run/xenstored /run/xenballoon /var/lib/xen \
    /var/lib/xenstored /var/log/xen/console

echo "xenlab: dom0 /init at uptime $(cut -d' ' -f1 /proc/uptime)s"
K=/lib/modules/$(uname -r)
# shellcheck source=/dev/null
. /xenlab/run.conf
mods="xen-evtchn xen-privcmd xenfs xen-gntdev xen-gntalloc"
# --guest-swap: the guests' swap disks are virtio disks here, exported
# to them by blkback
[ "${GUEST_SWAP:-0}" = 0 ] || mods="$mods virtio_ring virtio
    virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk
    xen-blkback"
for m in $mods; do
    insmod "$K/$m.ko" || echo "xenlab: insmod $m failed"
done
mount -t xenfs xenfs /proc/xen
oxenstored --pid-file /run/xenstored.pid
xen-init-dom0 >/dev/null
xenconsoled --pid-file /run/xenconsoled.pid --log=guest \
    --log-dir=/var/log/xen/console
echo "XENLAB: dom0 ready at uptime $(cut -d' ' -f1 /proc/uptime)s," \
    "host free $(xl info free_memory)M"

# shellcheck source=dom0-lib.sh
. /xenlab/dom0-lib.sh

# dom0 runs the controller, which must act when the guests are busiest:
# give it the CPU weight production hosts give it (four times a guest's,
# Xen's advice for dom0), so that busy guests on a busy machine cannot
# starve it.
if xl sched-credit2 -d 0 -w 1024 >/dev/null 2>&1 ||
    xl sched-credit -d 0 -w 1024 >/dev/null 2>&1; then
    echo "xenlab: dom0 scheduler weight 1024"
else
    echo "xenlab: warning: could not raise dom0's scheduler weight"
fi

# A heartbeat keeps the host's stall watchdog for real hangs only (a hung
# dom0 kernel stops this too).  It costs nothing (no xl call), so a
# starved dom0 still beats.
(
    while sleep 10; do
        echo "xenlab: alive at $(cut -d' ' -f1 /proc/uptime)s"
    done
) &

if [ -s /etc/xenballoon.json ]; then
    daemon_start || echo "xenlab: the daemon did not come up"
fi

case $XENLAB_MODE in
shell)
    echo "xenlab: dom0 shell; helpers: . /xenlab/dom0-lib.sh; poweroff -f"
    setsid cttyhack sh -l
    ;;
demo)
    # shellcheck source=demo.sh
    (. /xenlab/demo.sh)
    ;;
*)
    echo "xenlab: running $XENLAB_SCRIPT"
    # shellcheck source=/dev/null
    (. /xenlab/script.sh)
    rc=$?
    if [ ! -e /run/xenlab-verdict ]; then
        echo "XENLAB-RESULT: FAIL $XENLAB_SCRIPT ended (rc=$rc)" \
            "without pass or fail"
    fi
    ;;
esac
sync
poweroff -f
