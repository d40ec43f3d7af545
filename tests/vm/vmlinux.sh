#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the path of an uncompressed vmlinux (ELF) of a kernel, extracted
# once from its vmlinuz (scripts/kernels.sh image) into build/<KVER>/vmlinux.
# QEMU boots it through its PVH entry point: that skips the kernel's own
# decompressor, which under TCG costs up to 20 s per boot for an
# xz-compressed kernel (Debian's 6.1) on a busy host.
# Exit 1 (nothing printed) if no payload could be extracted; the caller then
# boots the bzImage.
#
#   vmlinux.sh -k KVER
set -eu
VM=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$VM/../.." && pwd)
KVER=
while getopts "k:" o; do
	case $o in
	k) KVER=$OPTARG ;;
	*) echo "usage: $0 -k KVER" >&2; exit 2 ;;
	esac
done
[ -n "$KVER" ] || { echo "usage: $0 -k KVER" >&2; exit 2; }
SRC=$("$TOP/scripts/kernels.sh" image "$KVER") || exit 1
OUT=$TOP/build/$KVER/vmlinux
mkdir -p "$(dirname "$OUT")"
exec 9>"$OUT.lock"
flock 9
# dpkg gives files the package's timestamps: compare, don't order
stamp=$(stat -L -c '%s %Y %i' "$SRC")
if [ -f "$OUT" ] && [ "$(cat "$OUT.stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "$OUT"
	exit 0
fi

is_elf() { [ "$(head -c 4 "$1" | tail -c 3)" = ELF ]; }
# a PVH entry note (Xen ELF note type 18) is what lets QEMU boot it
has_pvh() { readelf -n "$1" 2>/dev/null | grep -qE 'Unknown note type: \(0x00000012\)|PHYS32_ENTRY'; }
# try MAGIC (grep -P bytes) and DECOMPRESSOR at every offset the magic occurs
try() {
	local magic=$1 off
	shift
	for off in $(LC_ALL=C grep -obUaP "$magic" "$SRC" | cut -d: -f1); do
		# the decompressors complain about the bytes after the payload
		tail -c +$((off + 1)) "$SRC" | "$@" >"$OUT.tmp" 2>/dev/null || true
		if is_elf "$OUT.tmp" && has_pvh "$OUT.tmp"; then
			mv -f "$OUT.tmp" "$OUT"
			echo "$stamp" >"$OUT.stamp"
			echo "$OUT"
			exit 0
		fi
	done
}
try '\xfd\x37\x7a\x58\x5a\x00' xz -dc
try '\x28\xb5\x2f\xfd' zstd -dc
try '\x1f\x8b\x08' gzip -dc
rm -f "$OUT.tmp"
exit 1
