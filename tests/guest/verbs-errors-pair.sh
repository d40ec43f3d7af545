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
# by byte.  Then the rails come back and RC works again; last, vm0's
# device is deleted under an ib_write_bw (vm1's client fails with retry
# exceeded, vm0's server exits) and vm0's module unloads.
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
[ ${#XPORT_FAILED[@]} = 0 ] || fail "failed runs: ${XPORT_FAILED[*]}"

log "vm0's device deleted under ib_write_bw, then its module unloaded"
# vm1's client must fail (retry exceeded: QP timeout 14, 67 ms x 7) and
# not hang; vm0's server holds its context while the device goes, and
# the module must unload after it
bwport=18700
if [ "$TBIB_ROLE" = 0 ]; then
	ib_write_bw -d tbib0 -F -D 30 -p $bwport >/tmp/bw.log 2>&1 &
	pid=$!
	barrier bw-started
	barrier bw-running
	check timeout 30 tbibctl dev del tbib0
	barrier dev-deleted
	# the server learns of its client's end over TCP
	wait_until 60 sh -c "! kill -0 $pid 2>/dev/null" || { cat /tmp/bw.log; fail "ib_write_bw server hangs after dev del"; }
	wait $pid
	log "ib_write_bw server exited with $?"
	cat /tmp/bw.log
	barrier bw-done
	check timeout 60 rmmod tbib
else
	barrier bw-started
	timeout 90 ib_write_bw -d tbib0 -F -D 30 -u 14 -p $bwport "$TBIB_PEER_IP" >/tmp/bw.log 2>&1 &
	pid=$!
	# running: its QP connected and WRITEs going out
	sent() {
		tbibctl -j -s dev show tbib0 | grep -oE '"tx_packets": ?[0-9]+' |
			grep -oE '[0-9]+$'
	}
	base=$(sent)
	[ -n "$base" ] || fail "no tx_packets counter: $(tbibctl -j -s dev show tbib0)"
	_bw_running() { [ "$(sent)" -gt $((base + 2000)) ]; }
	wait_until 60 _bw_running || { cat /tmp/bw.log; fail "ib_write_bw did not start"; }
	barrier bw-running
	barrier dev-deleted
	t0=$(date +%s)
	wait $pid
	rc=$?
	cat /tmp/bw.log
	log "ib_write_bw client: rc $rc after $(($(date +%s) - t0)) s"
	[ $rc != 0 ] && [ $rc != 124 ] || fail "ib_write_bw client: rc $rc, want an error exit (not 0, not a timeout)"
	assert_file_has /tmp/bw.log "retry|IBV_WC_RETRY_EXC_ERR|status 12|Completion with error" "ib_write_bw client: no retry-exceeded completion"
	barrier bw-done
	check tbibctl dev del tbib0
	check rmmod tbib
fi
log "done"
