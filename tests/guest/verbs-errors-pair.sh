#!/bin/bash
# tbib-test: topology=pair links=2 timeout=420
# SPDX-License-Identifier: GPL-2.0
#
# The negative tests of RC across two hosts: `verbs-errors remote` with B
# (the responder) on vm0 and A (the requester) on vm1, each on its own
# tbib0 over both links: remote access errors (rkey, bounds, rights of
# the MR and of the QP), RNR with rnr_retry 0, receives too small or bad,
# then B's process SIGKILLed under a stream of WRITEs and vm0's rails
# deleted under another (IB_WC_RETRY_EXC_ERR in bounded time), with the
# exact IB completion status on both sides and both buffers checked byte
# by byte.  Then the rails come back and RC works again.
. /tests/lib.sh
. /tests/_xport-lib.sh

command -v verbs-errors >/dev/null || fail "verbs-errors is not in the image (make tools)"
xport_pair "$TBIB_LINKS" 9000 rto_min_ms=250
barrier up

port=18600
log=/tmp/remote.log
if [ "$TBIB_ROLE" = 0 ]; then
	verbs-errors -d tbib0 -p $port remote >$log 2>&1 &
	pid=$!
	# B asks for its rails to go once A streams into it
	wait_until 300 sh -c "grep -q DELETE-RAILS $log || ! kill -0 $pid 2>/dev/null" ||
		{ cat $log; fail "verbs-errors remote: no DELETE-RAILS"; }
	if grep -q DELETE-RAILS $log; then
		for ((i = 0; i < TBIB_LINKS; i++)); do
			check timeout 30 tbibctl rail del tbib0 "eth$i"
		done
		kill -USR1 $pid
	fi
	wait_until 60 sh -c "! kill -0 $pid 2>/dev/null" || { cat $log; fail "verbs-errors remote (B) hangs"; }
	wait $pid
	rc=$?
	for ((i = 0; i < TBIB_LINKS; i++)); do
		check tbibctl rail add tbib0 netdev "eth$i"
	done
else
	timeout 360 verbs-errors -d tbib0 -p $port remote "$TBIB_PEER_IP" >$log 2>&1
	rc=$?
fi
cat $log
[ $rc = 0 ] || xport_dump
assert_eq "$rc" 0 "verbs-errors remote ($([ "$TBIB_ROLE" = 0 ] && echo B || echo A))"
assert_file_has $log "^PASS: [0-9]+ passed, 0 failed" "verbs-errors remote: no summary"

log "rails back: RC works again"
xport_wait_rails tbib0 "$TBIB_LINKS"
barrier rails-back
xport_pingpong rc-after ibv_rc_pingpong -d tbib0 -s 65536 -n 20
xport_pair_end
