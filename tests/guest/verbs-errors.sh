#!/bin/bash
# tbib-test: topology=single timeout=300
# SPDX-License-Identifier: GPL-2.0
#
# Negative tests of RC between tbib0 and tbib1 (two veth rails), with the
# exact IB completion status on both sides (tests/tools/verbs-errors/):
# remote access errors (rkey, bounds, rights), local protection errors,
# RNR, bad receives, the peer QP destroyed, objects in use (EBUSY), SEND
# with Invalidate and LOCAL_INV of ordinary MRs, solicited-only CQ events,
# the SRQ limit event, CQs resized while they hold completions, and the
# UC and UD errors that cost one message and never the QP (a UC WRITE
# with a bad rkey, a UD datagram too big for its receive); then
# the peer's process killed, the peer's rails deleted, and the peer device
# deleted under a stream of WRITEs (IB_WC_RETRY_EXC_ERR in bounded time,
# no hang); the last ACK of a SEND lost with the receiver's QP destroyed
# (the SEND still succeeds, acknowledged for the QP that is gone); the
# NAK of a refused WRITE lost (the requester still gets the remote access
# error, from a responder QP in ERROR and from a destroyed one); a
# WRITE whose source changes before it completes (it completes, with the
# changed bytes); a dirty exit with traffic in flight; module unload while a
# process holds objects on a device whose peer is gone.
. /tests/lib.sh
. /tests/_xport-lib.sh

command -v verbs-errors >/dev/null || fail "verbs-errors is not in the image (make tools)"
xport_single 2 9000

log "error cases"
check timeout 150 verbs-errors cases

log "peer process killed under a transfer"
check timeout 60 verbs-errors kill-peer

log "peer rails deleted under a transfer"
verbs-errors rail-del >/tmp/raildel.log 2>&1 &
pid=$!
wait_until 60 grep -q READY /tmp/raildel.log || { cat /tmp/raildel.log; fail "rail-del did not start"; }
kill -USR1 $pid
check timeout 30 tbibctl rail del tbib1 vb0
check timeout 30 tbibctl rail del tbib1 vb1
wait_until 60 sh -c "! kill -0 $pid 2>/dev/null" || { cat /tmp/raildel.log; fail "rail-del hangs"; }
wait $pid
rc=$?
cat /tmp/raildel.log
assert_eq "$rc" 0 "rail-del"
check tbibctl rail add tbib1 netdev vb0
check tbibctl rail add tbib1 netdev vb1
xport_wait_rails tbib1 2
xport_wait_rails tbib0 2

log "last ACK lost, the receiver's QP destroyed: the SEND still completes"
# drop_frames add|del "LINKS" VALUE MASK: the tbib frames whose opcode
# (byte 1) matches VALUE under MASK dropped on the links; keepalives pass,
# so the rails stay up
drop_frames() {
	local l
	for l in $2; do
		if [ "$1" = add ]; then
			tc qdisc add dev $l root handle 1: prio &&
				tc filter add dev $l parent 1: protocol 0x88b5 \
					u32 match u8 "$3" "$4" at 1 action drop || return 1
		else
			tc -s filter show dev $l parent 1:
			tc qdisc del dev $l root || return 1
		fi
	done
}
# with_dropped MODE MARK "LINKS" VALUE MASK: runs `verbs-errors MODE`;
# from its DROP until its MARK, the frames drop_frames names are dropped
with_dropped() {
	local mode=$1 mark=$2 log=/tmp/$1.log pid rc
	shift 2
	verbs-errors "$mode" >"$log" 2>&1 &
	pid=$!
	wait_until 60 grep -q DROP "$log" || { cat "$log"; fail "$mode did not start"; }
	drop_frames add "$@" || fail "$mode: cannot drop the frames ($*)"
	kill -USR1 $pid
	wait_until 30 grep -qE "$mark|FAIL" "$log"
	drop_frames del "$@" || fail "$mode: cannot let the frames pass again"
	kill -USR1 $pid
	wait_until 60 sh -c "! kill -0 $pid 2>/dev/null" || { cat "$log"; fail "$mode hangs"; }
	wait $pid
	rc=$?
	cat "$log"
	assert_eq "$rc" 0 "$mode"
}
linger_acks() {
	tbibctl -j -s dev show tbib1 | grep -oE '"tx_linger_ack": ?[0-9]+' | grep -oE '[0-9]+$'
}
la=$(linger_acks)
[ -n "$la" ] || fail "no tx_linger_ack counter: $(tbibctl -j -s dev show tbib1)"
# tbib1's ACKs (opcode 0x23)
with_dropped lost-ack DESTROYED "vb0 vb1" 0x23 0xff
assert_gt "$(linger_acks)" "$la" "tbib1 counted no ACK for its destroyed QP"

log "a refused request's NAK lost: the resend gets it again"
la=$(linger_acks)
with_dropped lost-nak REFUSED "vb0 vb1" 0x23 0xff
assert_gt "$(linger_acks)" "$la" "tbib1 counted no NAK repeated by its stopped QPs"

log "a WRITE's source changed before it completed, first transmission lost"
# tbib0's WRITE frames (opcodes 0x18-0x1b)
with_dropped buf-change CHANGED "va0 va1" 0x18 0xfc

log "exit with everything open and traffic in flight"
check timeout 90 verbs-errors exit-open

log "peer device deleted under a holder, then rmmod"
verbs-errors hold >/tmp/hold.log 2>&1 &
pid=$!
wait_until 60 grep -q HOLDING /tmp/hold.log || { cat /tmp/hold.log; fail "holder did not start"; }
check timeout 30 tbibctl dev del tbib1
wait_until 30 grep -q PEER-GONE /tmp/hold.log || { cat /tmp/hold.log; fail "holder did not see its peer go"; }
check timeout 60 rmmod tbib
wait_until 30 sh -c "! kill -0 $pid 2>/dev/null" || { cat /tmp/hold.log; fail "holder hangs after rmmod"; }
wait $pid
rc=$?
cat /tmp/hold.log
assert_eq "$rc" 0 "holder"
assert_file_has /tmp/hold.log DEVICE-GONE
lsmod | grep -q '^tbib ' && fail "tbib still loaded"
log "done"
