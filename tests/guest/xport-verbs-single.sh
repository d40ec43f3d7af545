#!/bin/bash
# tbib-test: topology=single timeout=900
#
# rdma-core's pingpong examples between tbib0 and tbib1 in one VM: RC, UC,
# UD and SRQ, several sizes, over ONE rail whose MTU is the one the README
# gives thunderbolt-net (65520): wire packets far larger than the 4096-byte
# IB MTU the port reports.  Then RDMA ATOMIC WRITE and FLUSH between them,
# memory windows of tbib0 used from tbib1, and the UC and UD cases of
# verbs-errors (a UC WRITE with a bad rkey drops that message only, a UD
# datagram too big for its receive fails that receive only).  Then a
# hostile requester
# (tests/tools/resp-inject.c, raw frames on va0 to QPs of tbib1): READs
# longer than 2 GiB are invalid requests; a flood of queued READ data
# before an invalid request does not lock up the CPU; duplicate atomics
# across the PSN wrap get the right answer, and one with other operands
# is an invalid request; and atomics and READs across the wrap with loss.
. /tests/lib.sh
. /tests/_xport-lib.sh

xport_single 1 65520
# tx_packets / tx_bytes of tbib0 (its one rail)
dstat() { tbibctl -j -s dev show tbib0 | grep -oE "\"$1\": ?[0-9]+" | grep -oE '[0-9]+$'; }
port=18900
pp() {
	local t=$1
	shift
	port=$((port + 1))
	log "$t $*"
	xport_pp pp$port 120 "$t" -d tbib1 -p $port "$@" -- \
		"$t" -d tbib0 -p $port "$@" 127.0.0.1 ||
		{ xport_dump; fail "$t $* failed"; }
	assert_file_has /tmp/pp$port.cli.log '[0-9]+ iters in [0-9.]+ seconds' "$t: no result"
}

p0=$(dstat tx_packets); b0=$(dstat tx_bytes)
pp ibv_rc_pingpong -s 1000000 -n 20
p1=$(dstat tx_packets); b1=$(dstat tx_bytes)
# tbib0 sent 20 MB in frames of up to 64 KiB, plus its ACKs: on average
# far more than the 4096 bytes of the IB MTU
assert_gt $((p1 - p0)) 19 "frames of 20 x 1 MB"
log "1 MB RC ping-pong: $((p1 - p0)) frames, $(((b1 - b0) / (p1 - p0))) bytes each"
assert_gt $(((b1 - b0) / (p1 - p0))) 16384 "average frame of a 1 MB ping-pong"

for s in 1 4096 100000; do
	pp ibv_rc_pingpong -s $s -n 50
	pp ibv_uc_pingpong -s $s -n 50
	pp ibv_srq_pingpong -s $s -n 50
done
for s in 1 2048 4096; do
	pp ibv_ud_pingpong -s $s -n 50
done
# events instead of polling
pp ibv_rc_pingpong -s 4096 -n 50 -e
# RDMA ATOMIC WRITE from tbib0 to tbib1 (tests/tools/atomic-write.c)
check timeout 120 atomic-write -a tbib0 -b tbib1 -n 200
# RDMA FLUSH from tbib0 to tbib1 (tests/tools/flush.c; kernels 6.2+)
flush_test -a tbib0 -b tbib1
# memory windows of tbib0, used by QPs of tbib1 (tests/tools/mw.c)
check timeout 180 mw -a tbib0 -b tbib1
# UC and UD errors that cost one message, never the QP, over 64 KiB frames
check timeout 120 verbs-errors -a tbib0 -b tbib1 cases uc- ud-

inj="resp-inject -d tbib1 -i va0 -m $(cat /sys/class/net/vb0/address) -L 0x11"
log "READ requests longer than 2 GiB"
check timeout 60 $inj bigread
log "duplicate atomics across the PSN wrap, injected"
check timeout 60 $inj atomic 0xfffff0
log "30 READs of 64 MiB and duplicates queued before an invalid request"
check timeout 400 $inj -D tbib0 flood 30 64 30
log "atomics and READs across the PSN wrap, 3% loss"
xport_netem_on "loss 3%" 0
check timeout 300 resp-inject -d tbib1 -D tbib0 wrap 0xfffff0 1000
xport_netem_off
log "done"
