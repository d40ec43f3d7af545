#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check that the committed netlink/uapi/tbib.h and netlink/tbib-nl-gen.[ch]
# are what netlink/tbib.yaml generates (netlink/gen.sh, "make netlink-gen").
# Prints "PASS: netlink-gen" or "FAIL: netlink-gen" and the differences.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! "$top/netlink/gen.sh" "$tmp" 2>"$tmp/gen.log"; then
	cat "$tmp/gen.log"
	echo "FAIL: netlink-gen"
	exit 1
fi
rc=0
for f in netlink/uapi/tbib.h netlink/tbib-nl-gen.h netlink/tbib-nl-gen.c; do
	if ! diff -u --label "$f (committed)" --label "$f (from netlink/tbib.yaml)" \
		"$top/$f" "$tmp/$f"; then
		rc=1
	fi
done
if [ $rc -ne 0 ]; then
	echo "netlink-gen: run 'make netlink-gen' and commit the result"
	echo "FAIL: netlink-gen"
else
	echo "PASS: netlink-gen"
fi
exit $rc
