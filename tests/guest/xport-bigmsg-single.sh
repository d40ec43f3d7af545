#!/bin/bash
# tbib-test: topology=single timeout=900 mem=5632
#
# RC messages of the port's max_msg_sz, 2 GiB (0x80000000), between tbib0
# and tbib1 in one VM over two veth rails of MTU 65520 (tests/tools/bigmsg.c): one
# RDMA WRITE, one RDMA READ and one SEND into a 2 GiB receive, each a
# single work request of exactly 2 GiB, every byte of the target checked
# against a pattern of its offset (a new seed per operation, the target
# poisoned in between, guard pages around it); the receive must report
# byte_len 0x80000000.  Then a WRITE of two SGEs summing to 2 GiB + 4 KiB
# must complete with IBV_WC_LOC_LEN_ERR (or be refused with EINVAL) and
# change nothing.  The messages must have crossed the rails, both of
# them, and no frame may have been dropped as bad nor a rail gone down.
# 4 GiB of buffers, each registered on both devices: mem=5632.  Takes
# 3.5 to 5 minutes (mostly the three transfers, 25-50 MB/s under TCG).
. /tests/lib.sh
. /tests/_xport-lib.sh

command -v bigmsg >/dev/null || fail "bigmsg tool missing from the image"
xport_single 2 65520

GIB2=2147483648
# counters that must not move on clean veths
zero_ctrs="rx_drop_malformed rx_drop_csum rx_drop_peer rx_drop_stale rail_down"
declare -A was
for d in tbib0 tbib1; do
	for c in tx_bytes rx_bytes $zero_ctrs; do
		was[$d.$c]=$(xport_dev_ctr $d $c)
		[ -n "${was[$d.$c]}" ] || fail "$d has no counter $c"
	done
done
declare -A rail_was
for r in "tbib0 va0" "tbib0 va1" "tbib1 vb0" "tbib1 vb1"; do
	rail_was[$r]=$(xport_ctr $r tx_bytes)
done
free -m

log "bigmsg: WRITE, READ and SEND of 2 GiB each, then a WRITE of 2 GiB + 4 KiB"
# an operation may take 300 s (7 MB/s), but never 60 s without new data
timeout 840 bigmsg -a tbib0 -b tbib1 -t 18 -r 7 -w 300 -W 60 >/tmp/bigmsg.log 2>&1
rc=$?
cat /tmp/bigmsg.log
if [ $rc != 0 ]; then
	xport_dump
	why=$(grep -m1 -E '^bigmsg: (FAIL|setup)' /tmp/bigmsg.log)
	[ $rc = 124 ] && why="no result within 840 s, last: $(tail -n 1 /tmp/bigmsg.log)"
	fail "bigmsg (rc $rc): ${why:-$(tail -n 1 /tmp/bigmsg.log)}"
fi
assert_file_has /tmp/bigmsg.log "^bigmsg: 3 ops of $GIB2 bytes verified\$" "bigmsg: no result line"
assert_file_has /tmp/bigmsg.log "port max_msg_sz 0x80000000" "max_msg_sz is not 2 GiB"
assert_file_has /tmp/bigmsg.log "^bigmsg: negative: WRITE of $((GIB2 + 4096)) bytes \\(2 SGEs\\): post refused with EINVAL|^bigmsg: negative: WRITE of $((GIB2 + 4096)) bytes \\(2 SGEs\\) completed with local length error" \
	"the WRITE above max_msg_sz did not fail right"
grep -E '^bigmsg: (WRITE|READ|SEND) of .* MB/s$' /tmp/bigmsg.log

xport_stats tbib0
xport_stats tbib1
tbibctl -s rail show
for c in $zero_ctrs; do
	for d in tbib0 tbib1; do
		assert_eq "$(xport_dev_ctr $d $c)" "${was[$d.$c]}" "$d: $c moved during the 2 GiB messages"
	done
done
# tbib0 sent the WRITE and the SEND, tbib1 the READ's response: the data
# went over the rails (plus headers, ACKs and retransmits)
d0=$(( $(xport_dev_ctr tbib0 tx_bytes) - ${was[tbib0.tx_bytes]} ))
d1=$(( $(xport_dev_ctr tbib1 tx_bytes) - ${was[tbib1.tx_bytes]} ))
r0=$(( $(xport_dev_ctr tbib0 rx_bytes) - ${was[tbib0.rx_bytes]} ))
r1=$(( $(xport_dev_ctr tbib1 rx_bytes) - ${was[tbib1.rx_bytes]} ))
log "sent: tbib0 $d0 bytes, tbib1 $d1 bytes; received: tbib0 $r0, tbib1 $r1"
assert_ge "$d0" $((2 * GIB2)) "tbib0 sent less than the WRITE and the SEND"
assert_ge "$r1" $((2 * GIB2)) "tbib1 received less than the WRITE and the SEND"
assert_ge "$d1" "$GIB2" "tbib1 sent less than the READ response"
assert_ge "$r0" "$GIB2" "tbib0 received less than the READ response"
# the WRITE above max_msg_sz was not sent (it would be 2 GiB more)
assert_le "$d0" $((5 * GIB2 / 2)) "tbib0 sent far more than 4 GiB: the WRITE above max_msg_sz went out?"
# the messages were sprayed over both rails
for r in "tbib0 va0" "tbib0 va1" "tbib1 vb0" "tbib1 vb1"; do
	n=$(( $(xport_ctr $r tx_bytes) - ${rail_was[$r]} ))
	log "rail $r: $n bytes sent"
	assert_ge "$n" $((GIB2 / 16)) "rail $r carried almost nothing of the 2 GiB messages"
done
log "done"
