#!/bin/bash
# tbib-test: topology=pair links=4 timeout=360
#
# RDMA READ between two VMs over four virtio rails (vm1 reads from vm0).
# A READ's response streams back sprayed over every rail, so it is the
# requester that must tell a lost response packet from a late one; asking
# again for what is only late makes the responder send it twice, and that
# extra load delays the next responses further (congestion collapse).
#
#  1. ib_read_bw with 1, 4 and 16 READs outstanding (64 KiB each): the
#     duplicate response bytes the requester receives (counter
#     rx_read_dup_bytes) stay below 1% of all READ response bytes
#     (rx_read_bytes) with 16 outstanding, below 8% with 1 and 4 (see
#     below); QEMU's links still lose a frame now and then, and what they
#     lose must be asked for again and completed.
#  2. the same with netem loss, delay and reordering on both VMs: every
#     READ completes;
#  3. the integrity tool, 80% READs of random sizes and layouts, under that
#     loss while vm1 takes one rail (eth1..eth3) down for 2 s every 5 s:
#     every byte right, every work request completed once.
# Throughput is printed (a WRITE run next to the READs), not asserted.
. /tests/lib.sh
. /tests/_xport-lib.sh

# Keepalives: 12 missed (3 s), not 4.  Under make check's two lanes of
# TCG VMs on two host CPUs, a VM can be descheduled for over a second
# while 16 READs of 64 KiB stream; every rail then timed out at once, the
# peer was recreated and its READ counters started again from zero.
# Failure detection is what xport-failover-* and xport-outage test.
xport_pair "$TBIB_LINKS" 9000 hello_misses=12
barrier up

# pctr NAME: a counter of tbib0's peer
pctr() {
	tbibctl -j -s peer show tbib0 | grep -oE "\"$1\": ?[0-9]+" | grep -oE '[0-9]+$' | head -n 1
}

# read_run NAME MAXDUP_PERMILLE ARGS...: one ib_read_bw run; on the
# requester (vm1) the duplicate share of the response bytes is printed
# and, with MAXDUP_PERMILLE, asserted
read_run() {
	local name=$1 max=$2 b0 d0 b d
	shift 2
	b0=$(pctr rx_read_bytes) d0=$(pctr rx_read_dup_bytes)
	xport_perftest "$name" ib_read_bw -s 65536 "$@" || return
	[ "$TBIB_ROLE" = 1 ] || return 0
	b=$(( $(pctr rx_read_bytes) - b0 )) d=$(( $(pctr rx_read_dup_bytes) - d0 ))
	log "$name: READ response bytes $b, duplicates $d ($(( d * 1000 / (b + 1) )) per mille)"
	tbibctl -s peer show tbib0 | grep -E 'read:|retrans:'
	assert_gt "$b" 1000000 "$name: READ response bytes not counted"
	[ -z "$max" ] || [ $(( d * 1000 )) -lt $(( b * max )) ] ||
		fail "$name: $d of $b READ response bytes were duplicates (limit $max per mille)"
}

# One READ at a time: every pause of the requester's VM longer than the
# tail probe time (10 ms; the host runs other VMs) has the probe ask for
# the READ again while its whole answer is on the way, one 64 KiB
# response twice (0.1% of a run each): 0-0.3% on an idle host, 1.2% and
# 4.3% seen with make check's two lanes of VMs on 2 cores: up to 8%.
# With many READs outstanding the probe asks for the oldest one's
# missing range only: under 1%.  (Before the fix of the collapse: 36%,
# 52%, 58%: what these limits are for.)
read_run read_o1 80 -D 6 -o 1
read_run read_o4 80 -D 6 -o 4
read_run read_o16 10 -D 6 -o 16
xport_perftest write_bw ib_write_bw -s 65536 -D 6

for ((i = 0; i < TBIB_LINKS; i++)); do
	check tc qdisc add dev "eth$i" root netem loss 0.5% delay 1ms 1ms reorder 2%
done
read_run read_loss_o1 "" -D 6 -o 1
read_run read_loss_o16 "" -D 6 -o 16

# one rail at a time down for 2 s every 5 s, on vm1, while the integrity
# run lasts (not eth0: the tools' TCP exchange uses it)
flaps() {
	local i=1
	while :; do
		sleep 3
		ip link set "eth$i" down
		sleep 2
		ip link set "eth$i" up
		i=$(( i % (TBIB_LINKS - 1) + 1 ))
	done
}
flapper=
[ "$TBIB_ROLE" = 1 ] && { flaps & flapper=$!; }
export INTEGRITY_ON_FAIL='cat /sys/kernel/debug/tbib/conns >&2'
if xport_prun integrity integrity -d tbib0 -n 3000 -D 20 -R 80 -s 262144 -S 22 -w 30 -v; then
	assert_file_has /tmp/integrity.log "^integrity: OK $([ "$TBIB_ROLE" = 0 ] && echo server || echo client)" \
		"integrity not OK"
	tail -n 3 /tmp/integrity.log
fi
[ -n "$flapper" ] && { kill "$flapper"; wait "$flapper" 2>/dev/null; }
for ((i = 0; i < TBIB_LINKS; i++)); do
	ip link set "eth$i" up
	tc qdisc del dev "eth$i" root
done
xport_pair_end
