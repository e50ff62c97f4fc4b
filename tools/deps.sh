#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Installs what building, testing, the packages (tools/pkg-check: dpkg-dev,
# lintian, systemd for systemd-analyze) and the Xen lab need, from Debian
# 12's archive.  Idempotent; run as root (or through sudo).
set -eu
pkgs="build-essential cmake pkg-config libxen-dev libevent-dev libjansson-dev
check clang libclang-rt-14-dev clang-format valgrind python3 util-linux tmux
qemu-system-x86 busybox-static cpio perl xz-utils prometheus jq gnuplot-nox
dpkg-dev lintian systemd adduser"
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "deps: need root to install:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
