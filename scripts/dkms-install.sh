#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Register tbib with DKMS so the module is rebuilt for every new kernel of
# a real host, and install tbibctl.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
dst=/usr/src/tbib-$ver

if ! command -v dkms >/dev/null; then
	echo "tbib: dkms is not installed: apt-get install dkms" >&2
	exit 1
fi
dkms remove -m tbib -v "$ver" --all >/dev/null 2>&1 || true
rm -rf "$dst"
mkdir -p "$dst"
cp -R "$top/Kbuild" "$top/dkms.conf" "$top/kmod" "$top/bond" "$top/rail" \
	"$top/netlink" "$dst/"
dkms add -m tbib -v "$ver"
dkms install -m tbib -v "$ver"
make -C "$top/tbibctl" install PREFIX=/usr/local
