#!/bin/bash
# tbib-test: topology=single timeout=300
# SPDX-License-Identifier: GPL-2.0
#
# Kernel verbs on tbib0: the test module tests/kverbs/tbib_kverbs.ko uses
# the device the way in-kernel ULPs do (PD with its DMA MR, softirq,
# workqueue and direct CQs, kernel RC/UC/UD QPs, ib_drain_qp, SRQ, AH,
# fast-reg MR with ib_map_mr_sg, CQ resize, refused requests) and fails to
# load if any check failed.  Then the device and the module go away.
. /tests/lib.sh

modinfo tbib_kverbs >/dev/null 2>&1 ||
	fail "tbib_kverbs.ko is not in the image (tests/kverbs, built like tests/vm/warnmod)"
load_tbib
check tbibctl dev add tbib0 lid 0x41
modprobe tbib_kverbs dev=tbib0
rc=$?
dmesg | grep 'tbib_kverbs:' | sed 's/^\[[^]]*\] //'
assert_eq "$rc" 0 "tbib_kverbs checks"
dmesg | grep -q 'tbib_kverbs: PASS' || fail "no PASS line from tbib_kverbs"
check rmmod tbib_kverbs
log "twice: numbers and keys reused"
check modprobe tbib_kverbs dev=tbib0
check rmmod tbib_kverbs
check tbibctl dev del tbib0
check rmmod tbib
exit 0
