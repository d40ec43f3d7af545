#!/bin/bash
# tbib-test: topology=single timeout=240
#
# The tbib tracepoints (kmod/trace.h), read back from the trace buffer:
# an RC ping-pong over two veth rails (tbib_tx names both rails, every
# data PSN tbib0 sent is exactly the set tbib1 received, tbib_rx shows
# the ACKs), one rail taken down and up (tbib_rail_state: that rail, and
# only it, goes up -> down -> probing -> up with its reasons), then 30%
# loss on that rail (tbib_retransmit: one event per counted retransmit,
# PSNs lost on that rail resent on the other, tail losses found by the
# probe timer).
. /tests/lib.sh
. /tests/_xport-lib.sh

xport_single 2 9000

T=/sys/kernel/tracing
if [ ! -d $T/events ]; then
	mount -t tracefs nodev $T 2>/dev/null || T=/sys/kernel/debug/tracing
fi
[ -d $T/events/tbib ] || fail "no tbib events in $T/events"
for e in tbib_tx tbib_rx tbib_retransmit tbib_rail_state tbib_retry_exceeded tbib_qp_error; do
	[ -f $T/events/tbib/$e/format ] || fail "event $e missing"
done
grep -q 'field:u32 psn' $T/events/tbib/tbib_tx/format || fail "tbib_tx has no psn field"

echo 8192 >$T/buffer_size_kb || fail "buffer_size_kb"
echo 0 >$T/tracing_on
echo 1 >$T/events/tbib/enable || fail "cannot enable the tbib events"

# trace_start / trace_stop FILE: one phase in the buffer, saved to FILE;
# fails if the buffer lost events (the checks below count them)
trace_start() { echo >$T/trace; echo 1 >$T/tracing_on; }
trace_stop() {
	echo 0 >$T/tracing_on
	cat $T/trace >"$1"
	! grep -h '^overrun: [1-9]' $T/per_cpu/cpu*/stats ||
		fail "trace buffer overrun: events lost"
}
# field FILE EVENT FILTER-ERE NAME: NAME's values in the EVENT lines that match FILTER
field() {
	grep -E " $2: .*$3" "$1" | grep -oE "[ ]$4=[^ ]*" | cut -d= -f2
}
rail_id() {
	tbibctl -j rail show "$1" "$2" | grep -oE '"id": ?[0-9]+' | head -n 1 | grep -oE '[0-9]+$'
}
pp() { # NAME SIZE ITERS
	xport_pp "$1" 60 ibv_rc_pingpong -d tbib1 -s "$2" -n "$3" -- \
		ibv_rc_pingpong -d tbib0 -s "$2" -n "$3" 127.0.0.1 ||
		fail "ibv_rc_pingpong -s $2 -n $3 ($1) failed"
}

ra0=$(rail_id tbib0 va0); ra1=$(rail_id tbib0 va1)
rb0=$(rail_id tbib1 vb0); rb1=$(rail_id tbib1 vb1)
[ -n "$ra0" ] && [ -n "$ra1" ] && [ -n "$rb0" ] && [ -n "$rb1" ] ||
	fail "rail ids: $(tbibctl rail show)"
log "rails: tbib0 va0=$ra0 va1=$ra1, tbib1 vb0=$rb0 vb1=$rb1"

# ---- 1: striping -------------------------------------------------------
log "ping-pong 64 KiB x 20, all events on"
trace_start
pp clean 65536 20
trace_stop /tmp/t1
log "$(grep -c ' tbib_tx: ' /tmp/t1) tx, $(grep -c ' tbib_rx: ' /tmp/t1) rx events"
grep -m 3 ' tbib_tx: dev=tbib0 .*op=SEND' /tmp/t1

# tbib0's data frames went out on both of its rails, each rail with the
# slot it always has
for r in $ra0 $ra1; do
	n=$(grep -cE " tbib_tx: dev=tbib0 rail=$r .*op=SEND" /tmp/t1)
	assert_gt "$n" 0 "tbib0 rail $r carried no SEND frame"
	assert_eq "$(field /tmp/t1 tbib_tx "dev=tbib0 rail=$r " slot | sort -u | wc -l)" 1 \
		"rail $r of tbib0 changed slots"
done
slot0=$(field /tmp/t1 tbib_tx "dev=tbib0 rail=$ra0 " slot | head -n 1)
slot1=$(field /tmp/t1 tbib_tx "dev=tbib0 rail=$ra1 " slot | head -n 1)
assert_ne "$slot0" "$slot1" "both rails in one slot"

# every data PSN tbib0 sent, tbib1 received (no loss here, but a slow
# VM may time out and resend: each extra copy is one tbib_retransmit);
# the PSNs of each QP are consecutive
psns() { grep -E " $1: dev=$2 .*op=SEND" /tmp/t1 | grep -oE 'sqpn=[0-9]+ dqpn=[0-9]+ psn=[0-9]+' | sort; }
tx=$(psns tbib_tx tbib0 | sort -u)
rx=$(psns tbib_rx tbib1 | sort -u)
ntx=$(echo "$tx" | grep -c psn)
assert_ge "$ntx" 160 "too few SEND frames from tbib0 (20 x 64 KiB at MTU 9000)"
[ "$tx" = "$rx" ] || {
	diff <(echo "$tx") <(echo "$rx") | head -n 20
	fail "the PSNs tbib1 received differ from those tbib0 sent"
}
assert_eq "$(( $(psns tbib_tx tbib0 | wc -l) - ntx ))" \
	"$(grep -c ' tbib_retransmit: dev=tbib0 ' /tmp/t1)" \
	"PSNs sent twice vs. tbib_retransmit events"
echo "$tx" | awk '{ q = $1 " " $2; p = substr($3, 5) + 0; n[q]++
	if (!(q in lo) || p < lo[q]) lo[q] = p; if (p > hi[q]) hi[q] = p }
	END { for (q in n) if (hi[q] - lo[q] + 1 != n[q]) { print q, lo[q], hi[q], n[q]; bad = 1 }
	      exit bad }' || fail "tbib0's PSNs are not consecutive"
# the responder's ACKs came back to tbib0 with a cumulative PSN
nack=$(grep -cE ' tbib_rx: dev=tbib0 .*op=ACK .*cum=[1-9]' /tmp/t1)
assert_gt "$nack" 0 "tbib0 received no ACK with a cumulative PSN"
# frames went out with the CRC the rails want
assert_eq "$(grep -E ' tbib_tx: dev=tbib0 .*op=SEND' /tmp/t1 | grep -vc 'flags=[A-Z|]*CRC')" 0 \
	"a SEND frame without CRC"
assert_eq "$(grep -cE ' tbib_(rail_state|qp_error|retry_exceeded): ' /tmp/t1)" 0 \
	"rail or QP error events on clean links"

# ---- 2: rail down and up -------------------------------------------------
log "va0 down and up"
trace_start
ip link set va0 down || fail "va0 down"
wait_until 10 sh -c "tbibctl -j rail show tbib0 va0 | grep -qE '\"state\": ?\"down\"'" ||
	fail "tbib0 rail va0 not down: $(tbibctl rail show tbib0)"
ip link set va0 up || fail "va0 up"
xport_wait_rails tbib0 2
xport_wait_rails tbib1 2
trace_stop /tmp/t2
grep ' tbib_rail_state: ' /tmp/t2

# tbib0's rail on va0: exactly these transitions, in this order
got=$(grep ' tbib_rail_state: dev=tbib0 ' /tmp/t2 | grep -oE 'rail=.*')
want="rail=$ra0 link=va0 old=up new=down why=carrier
rail=$ra0 link=va0 old=down new=probing why=carrier
rail=$ra0 link=va0 old=probing new=up why=bound"
assert_eq "$got" "$want" "tbib0 rail state events"
# tbib1's rail on vb0 went down (carrier or the BYE, whichever came
# first) and came back bound; vb1 and va1 never moved
b=$(grep ' tbib_rail_state: dev=tbib1 ' /tmp/t2)
echo "$b" | grep -q "rail=$rb0 link=vb0 old=up new=\(down\|probing\) why=\(carrier\|bye\)" ||
	fail "tbib1 rail vb0 did not go down"
echo "$b" | tail -n 1 | grep -q "rail=$rb0 link=vb0 old=probing new=up why=bound" ||
	fail "tbib1 rail vb0 did not come back"
assert_eq "$(grep -cE ' tbib_rail_state: .*link=v[ab]1 ' /tmp/t2)" 0 "the other rail moved"

# ---- 3: loss on one rail --------------------------------------------------
# Only while the run is under way: ping-pong closes its QP right after its
# last completion, so with the loss still on at the end an ACK lost on
# va0 leaves the other side resending to a QP that is gone.
log "30% loss on va0 during ping-pongs of 64 KiB x 100"
rf=$(xport_dev_ctr tbib0 retrans_fast); rt=$(xport_dev_ctr tbib0 retrans_timeout)
trace_start
check tc qdisc add dev va0 root netem loss 30%
_resent() { [ $(( $(xport_dev_ctr tbib0 retrans_fast) + $(xport_dev_ctr tbib0 retrans_timeout) )) -ge $((rf + rt + 10)) ]; }
# The scheduler learns that va0 holds its packets longer and gives it
# fewer: ping-pong until ten of them were resent (or four rounds).
for i in 1 2 3 4; do
	pp "loss$i" 65536 100
	_resent && break
done
_resent
ok=$?
check tc qdisc del dev va0 root
trace_stop /tmp/t3
[ $ok = 0 ] || fail "tbib0 resent fewer than 10 frames under 30% loss on va0"
grep -m 5 ' tbib_retransmit: ' /tmp/t3
n=$(grep -c ' tbib_retransmit: dev=tbib0 ' /tmp/t3)
assert_gt "$n" 0 "no tbib_retransmit event from tbib0"
d=$(( $(xport_dev_ctr tbib0 retrans_fast) + $(xport_dev_ctr tbib0 retrans_timeout) - rf - rt ))
assert_eq "$n" "$d" "tbib_retransmit events vs. retransmit counters of tbib0"
log "tbib0: $n retransmits; by reason: $(field /tmp/t3 tbib_retransmit dev=tbib0 why | sort | uniq -c | tr '\n' ' ')"
# a ping-pong's last packets have nothing after them on their rail to
# reveal their loss: the tail loss probe resends them, long before the
# QP's timeout would
assert_gt "$(field /tmp/t3 tbib_retransmit dev=tbib0 why | grep -c '^probe$')" 0 \
	"no tail loss probe under 30% loss on va0"
# what va0 lost was resent on va1, the other rail
m=$(grep -cE " tbib_retransmit: dev=tbib0 .*old_rail=$ra0 old_slot=$slot0 rail=$ra1 slot=$slot1 " /tmp/t3)
assert_gt "$m" 0 "no PSN lost on va0 was resent on va1"
# a retransmitted PSN went out on its old rail, then on its new one
grep ' tbib_retransmit: dev=tbib0 ' /tmp/t3 | head -n 20 |
	sed -E 's/.* qpn=([0-9]+) .* psn=([0-9]+) .* old_slot=([0-9]+) .* slot=([0-9]+) .*/\1 \2 \3 \4/' |
	while read -r q p os ns; do
		grep -qE " tbib_tx: dev=tbib0 .*slot=$os .*sqpn=$q .* psn=$p " /tmp/t3 ||
			fail "QP $q PSN $p retransmitted, never sent on slot $os"
		grep -qE " tbib_tx: dev=tbib0 .*slot=$ns .*sqpn=$q .* psn=$p " /tmp/t3 ||
			fail "QP $q PSN $p: no tbib_tx on its new slot $ns"
	done || exit 1
assert_eq "$(grep -cE ' tbib_(qp_error|retry_exceeded): ' /tmp/t3)" 0 "a QP failed under 30% loss on one rail"

echo 0 >$T/events/tbib/enable
log "done"
