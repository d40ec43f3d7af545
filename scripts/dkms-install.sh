#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Register tbib with DKMS on a real host: build and install the module for
# every installed kernel that has its headers, and let DKMS rebuild it for
# each kernel installed later (AUTOINSTALL in dkms.conf).  Then install
# tbibctl.  DKMS signs the module with its machine owner key when the
# kernel asks for signed modules (Secure Boot: see README).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
dst=/usr/src/tbib-$ver

if ! command -v dkms >/dev/null; then
	echo "tbib: dkms is not installed: apt-get install dkms (Fedora: dnf install dkms)" >&2
	exit 1
fi
dkms remove -m tbib -v "$ver" --all >/dev/null 2>&1 || true
rm -rf "$dst"
mkdir -p "$dst"
cp -R "$top/Kbuild" "$top/dkms.conf" "$top/kmod" "$top/bond" "$top/rail" \
	"$top/netlink" "$dst/"
dkms add -m tbib -v "$ver"

built=0 failed=()
for d in /lib/modules/*/; do
	k=$(basename "$d")
	[ -f "$d/build/Makefile" ] || continue
	if dkms install -m tbib -v "$ver" -k "$k"; then
		built=$((built + 1))
	else
		failed+=("$k")
	fi
done
if [ $built = 0 ]; then
	echo "tbib: no kernel with headers; install them (Debian/Ubuntu:" \
	     "linux-headers-\$(uname -r), Fedora: kernel-devel)" >&2
	exit 1
fi
[ ${#failed[@]} = 0 ] || echo "tbib: DKMS could not build for: ${failed[*]}" >&2
make -C "$top/tbibctl" install PREFIX=/usr/local
dkms status -m tbib
