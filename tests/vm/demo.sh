#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: two VMs (the "two mini PCs") joined by four virtio links,
# tbib0 on each with the four links as rails, ib_write_bw and ib_write_lat
# between them and `tbibctl rail show -s` from both sides.  Until tbib.ko
# and tbibctl are built it shows the rxe baseline on link 0 instead.
#
#   demo.sh [-k KVER]        default: the newest installed kernel
set -u
VM=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$VM/../.." && pwd)
KVER=
while getopts "k:" o; do
	case $o in
	k) KVER=$OPTARG ;;
	*) echo "usage: $0 [-k KVER]" >&2; exit 2 ;;
	esac
done
[ -n "$KVER" ] || KVER=$("$TOP/scripts/kernels.sh" newest)
[ -n "$KVER" ] || { echo "demo: no installed kernel with headers (make deps)" >&2; exit 2; }

what="rxe on link 0 (tbib.ko or tbibctl not built)"
[ -f "$TOP/build/$KVER/tbib.ko" ] && [ -x "$TOP/tbibctl/tbibctl" ] &&
	what="tbib0 over 4 rails"
echo "tbib demo: kernel $KVER, two QEMU VMs (software emulation), 4 links, $what"
RES=$TOP/results/demo/$KVER
"$VM/run.sh" -k "$KVER" -t _demo -o "$RES" -v
rc=$?
echo "tbib demo: logs in $RES"
exit $rc
