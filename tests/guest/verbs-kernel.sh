#!/bin/bash
# tbib-test: topology=single timeout=300
# SPDX-License-Identifier: GPL-2.0
#
# Kernel verbs on tbib0: the test module tests/kverbs/tbib_kverbs.ko uses
# the device the way in-kernel ULPs do (PD with its DMA MR, softirq,
# workqueue and direct CQs, kernel RC/UC/UD QPs, ib_drain_qp, SRQ, AH,
# fast-reg MR with ib_map_mr_sg, CQ resize, refused requests) and fails to
# load if any check failed.  Then, with tbib1 joined to tbib0 by a veth
# rail, the module (peer=tbib1) moves real data between the two devices
# with kernel RC and UD QPs: SEND, RDMA WRITE/READ to a fast-reg MR,
# SEND_WITH_INV and LOCAL_INV of that MR.  Then everything goes away.
. /tests/lib.sh
. /tests/_xport-lib.sh

# kverbs_load PARAMS...: load the test module, show its lines, unload it
kverbs_runs=0
kverbs_load() {
	local rc out
	kverbs_runs=$((kverbs_runs + 1))
	echo "tbib-kverbs-run $kverbs_runs" >/dev/kmsg
	modprobe tbib_kverbs "$@"
	rc=$?
	# this load's lines only: those after its marker
	out=$(dmesg | sed -n "/tbib-kverbs-run $kverbs_runs\$/,\$p" |
		grep 'tbib_kverbs:' | sed 's/^\[[^]]*\] //')
	echo "$out"
	assert_eq "$rc" 0 "tbib_kverbs $* checks"
	grep -q 'tbib_kverbs: PASS' <<<"$out" || fail "no PASS line from tbib_kverbs $*"
	check rmmod tbib_kverbs
}

modinfo tbib_kverbs >/dev/null 2>&1 ||
	fail "tbib_kverbs.ko is not in the image (tests/kverbs, built like tests/vm/warnmod)"
load_tbib
check tbibctl dev add tbib0 lid 0x41
kverbs_load dev=tbib0
log "twice: numbers and keys reused"
check modprobe tbib_kverbs dev=tbib0
check rmmod tbib_kverbs

log "two devices joined by a veth rail: kernel QPs move data"
check tbibctl dev add tbib1 lid 0x42
veth_add va0 vb0
check tbibctl rail add tbib0 netdev va0
check tbibctl rail add tbib1 netdev vb0
xport_wait_rails tbib0 1
xport_wait_rails tbib1 1
kverbs_load dev=tbib0 peer=tbib1
log "twice, over the same rail"
kverbs_load dev=tbib0 peer=tbib1
check tbibctl dev del tbib1
check tbibctl dev del tbib0
check ip link del va0
check rmmod tbib
exit 0
