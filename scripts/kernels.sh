#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# List the installed Debian kernels a module can be built for and a VM can
# boot: those with both /boot/vmlinuz-KVER and headers.  Oldest first.
#   kernels.sh          all of them
#   kernels.sh newest   only the newest
set -eu
list=$(for v in /boot/vmlinuz-*; do
	[ -e "$v" ] || continue
	k=${v#/boot/vmlinuz-}
	[ -f "/lib/modules/$k/build/Makefile" ] && echo "$k"
done | sort -V)
case "${1:-all}" in
newest)	echo "$list" | tail -n 1 ;;
*)	echo "$list" ;;
esac
