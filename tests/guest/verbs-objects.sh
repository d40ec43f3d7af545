#!/bin/bash
# tbib-test: topology=single timeout=300
# SPDX-License-Identifier: GPL-2.0
#
# The verbs objects of tbib0 through the stock librxe: honest limits in
# ibv_devinfo -v, then tests/tools/verbs-objects (PD, MR keys, CQ, SRQ,
# RC/UC/UD state machines, flushes, destroy orders, exit with objects
# open), a device deleted while a process holds objects and mapped rings
# (disassociate), and module unload afterwards.
. /tests/lib.sh

command -v verbs-objects >/dev/null || fail "verbs-objects is not in the image (make tools)"
load_tbib
check tbibctl dev add tbib0 lid 0x21

out=$(ibv_devinfo -v -d tbib0) || fail "ibv_devinfo -v"
echo "$out" | head -60
assert_match "$out" "max_qp_wr:[[:space:]]+16383" "max_qp_wr"
assert_match "$out" "max_sge:[[:space:]]+32" "max_sge"
assert_match "$out" "max_cqe:[[:space:]]+65535" "max_cqe"
assert_match "$out" "max_srq_wr:[[:space:]]+16383" "max_srq_wr"
assert_match "$out" "max_qp_rd_atom:[[:space:]]+16" "max_qp_rd_atom"
assert_match "$out" "atomic_cap:[[:space:]]+ATOMIC_HCA" "atomic_cap"
assert_match "$out" "max_srq_sge:[[:space:]]+32" "max_srq_sge"

log "verbs-objects (exits with objects open)"
check verbs-objects tbib0
log "verbs-objects again: numbers and keys reusable after a dirty exit"
check verbs-objects tbib0

log "device deleted under a process holding objects"
verbs-objects tbib0 60 >/tmp/hold.log 2>&1 &
pid=$!
wait_until 60 grep -q HOLDING /tmp/hold.log || { cat /tmp/hold.log; fail "holder did not start"; }
check tbibctl dev del tbib0
wait_until 30 sh -c "! kill -0 $pid 2>/dev/null" || fail "holder did not notice the device going"
wait $pid
rc=$?
cat /tmp/hold.log
assert_eq "$rc" 0 "holder's checks"
assert_file_has /tmp/hold.log "device gone after"

log "unload"
check rmmod tbib
log "reload and run once more"
load_tbib
check tbibctl dev add tbib0 lid 0x21
check verbs-objects tbib0
check tbibctl dev del tbib0
check rmmod tbib
exit 0
