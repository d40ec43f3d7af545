#!/bin/bash
# tbib-test: topology=single timeout=500
#
# Loopback: a QP of tbib0 talking to another QP of tbib0 (destination LID
# = tbib0's own), as every HCA allows and as NCCL/RCCL (a READ to flush
# GPU writes), MPI and UCX (a rank to itself), and rdma-core's own tests
# rely on.
#  1. tbib0 alone, no rail at all (port DOWN): the pingpongs (RC, UC, UD,
#     SRQ), the integrity tool (every opcode, random sizes and layouts,
#     every byte checked), ATOMIC WRITE (tests/tools/atomic-write.c),
#     memory windows of both types (tests/tools/mw.c), RDMA FLUSH
#     (tests/tools/flush.c; kernels 6.2+), atomics and READs across the
#     24-bit PSN wrap (tests/tools/resp-inject.c wrap);
#  2. tbib0 with rails to tbib1 (port ACTIVE): the error cases of
#     verbs-errors with both ends on tbib0 (the IB completion status of
#     every error path, and the UC and UD errors that must not stop the
#     QP), perftest (write, read, send, atomic, the
#     latency tools) on tbib0 alone, while the rails carry nothing of it;
#     then the pingpongs again with every rail down;
#  3. tbib0 and tbib1 of one host with no rail between them do not reach
#     each other: an RC QP ends in retry exceeded, as two HCAs without a
#     cable.
. /tests/lib.sh
. /tests/_xport-lib.sh

load_tbib
echo 'module tbib +p' >/sys/kernel/debug/dynamic_debug/control 2>/dev/null
check tbibctl dev add tbib0 lid 0x11
grep -q DOWN /sys/class/infiniband/tbib0/ports/1/state ||
	fail "tbib0 without rails: port $(cat /sys/class/infiniband/tbib0/ports/1/state)"

port=18900
# pp TOOL ARGS...: server and client of an rdma-core pingpong, both on tbib0
pp() {
	local t=$1
	shift
	port=$((port + 1))
	log "loopback $t $*"
	xport_pp pp$port 60 "$t" -d tbib0 -p $port "$@" -- \
		"$t" -d tbib0 -p $port "$@" 127.0.0.1 ||
		{ xport_dump; fail "loopback $t $* failed"; }
	assert_file_has /tmp/pp$port.cli.log '[0-9]+ iters in [0-9.]+ seconds' "$t: no result"
	grep -E 'Mbit/sec' /tmp/pp$port.cli.log
}

log "1. no rail, port down"
for s in 1 4096 65536 1000000; do
	pp ibv_rc_pingpong -s $s -n 50
done
pp ibv_uc_pingpong -s 4096 -n 50
pp ibv_srq_pingpong -s 4096 -n 50 -q 4
pp ibv_ud_pingpong -s 2048 -n 50

port=$((port + 1))
log "loopback integrity"
xport_pp int 120 integrity -d tbib0 -p $port -n 200 -s 262144 -S 17 -w 20 -- \
	integrity -d tbib0 -p $port -n 200 -s 262144 -S 17 -w 20 127.0.0.1 ||
	{ xport_dump; fail "loopback integrity failed"; }
assert_file_has /tmp/int.cli.log '^integrity: OK client' "integrity not OK"
grep '^integrity' /tmp/int.cli.log

log "loopback atomics and READs across the PSN wrap"
check timeout 120 resp-inject -d tbib0 -D tbib0 wrap 0xfffff0 1000

log "loopback ATOMIC WRITE"
check timeout 120 atomic-write -a tbib0 -b tbib0 -n 200

log "loopback RDMA FLUSH"
flush_test -a tbib0 -b tbib0

log "loopback memory windows"
check timeout 180 mw -a tbib0 -b tbib0
# a process that exits with a window bound to its MR: the kernel tears
# it all down (the MR's dereg waits for the window's dealloc)
check timeout 180 mw -a tbib0 -b tbib0 -x
idle='tbib0: pd 0 cq 0 qp 0 .*mr 0 '
for i in $(seq 50); do
	rdma resource show | grep -qE "$idle" && break
	sleep 0.1
done
rdma resource show | grep tbib0
check sh -c "rdma resource show | grep -qE '$idle'"

log "2. rails to tbib1, port ACTIVE: perftest on tbib0 alone"
check tbibctl dev add tbib1 lid 0x12
veth_pairs 2
for i in 0 1; do
	check tbibctl rail add tbib0 netdev "va$i"
	check tbibctl rail add tbib1 netdev "vb$i"
done
xport_wait_rails tbib0 2
rail_tx() { xport_rail_ctrs tx_bytes | awk '$1 == "tbib0" { s += $3 } END { print s + 0 }'; }
perf() {
	local name=$1
	shift
	port=$((port + 1))
	log "loopback $*"
	xport_pp "$name" 60 "$@" -d tbib0 -p $port -F -- "$@" -d tbib0 -p $port -F 127.0.0.1 ||
		{ xport_dump; fail "loopback $* failed"; }
	perf_summary "/tmp/$name.cli.log"
	assert_match "$(perf_summary "/tmp/$name.cli.log")" '^ *[0-9]+ +[0-9]+' "$name: no result"
}
# (verbs-errors wants an ACTIVE port)
log "loopback error cases (verbs-errors, both ends on tbib0)"
check timeout 200 verbs-errors -d tbib0 cases

t0=$(rail_tx)
perf lb_write ib_write_bw -s 65536 -n 200
perf lb_read ib_read_bw -s 65536 -n 200
perf lb_send ib_send_bw -s 65536 -n 200
perf lb_atomic ib_atomic_bw -n 200
perf lb_wlat ib_write_lat -s 64 -n 200
perf lb_rlat ib_read_lat -s 64 -n 200
perf lb_slat ib_send_lat -s 64 -n 200
perf lb_alat ib_atomic_lat -n 200
t1=$(rail_tx)
# keepalives only: 200 x 64 KiB of any test would be 13 MB
[ $((t1 - t0)) -lt 1000000 ] || fail "loopback traffic went over the rails: $((t1 - t0)) bytes"
log "rails carried $((t1 - t0)) bytes meanwhile"

log "loopback with every rail down"
for i in 0 1; do check ip link set "va$i" down; done
_down() { [ "$(xport_rail_state tbib0 va0)" = down ] && [ "$(xport_rail_state tbib0 va1)" = down ]; }
wait_until 20 _down || fail "tbib0's rails not down: $(tbibctl rail show tbib0)"
pp ibv_rc_pingpong -s 65536 -n 50
pp ibv_ud_pingpong -s 2048 -n 50

log "3. two devices, no rail between them"
for i in 0 1; do check tbibctl rail del tbib1 "vb$i"; done
port=$((port + 1))
timeout 60 ibv_rc_pingpong -d tbib1 -p $port -s 64 -n 1 >/tmp/norail.srv 2>&1 &
spid=$!
sleep 1
timeout 60 ibv_rc_pingpong -d tbib0 -p $port -s 64 -n 1 127.0.0.1 >/tmp/norail.cli 2>&1
rc=$?
kill $spid 2>/dev/null
wait $spid 2>/dev/null
cat /tmp/norail.cli
[ $rc != 0 ] || fail "tbib0 reached tbib1 without a rail"
grep -qiE "retry|error" /tmp/norail.cli || fail "no error status from the client"

check tbibctl dev del tbib1
check tbibctl dev del tbib0
check rmmod tbib
log "done"
