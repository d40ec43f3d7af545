#!/bin/bash
# tbib-test: topology=single timeout=600
#
# Data integrity (tests/tools/integrity.c: every opcode, random sizes and
# SGE layouts, byte-by-byte checks, last-byte polling on WRITE, every WR
# completed exactly once) between tbib0 and tbib1 over four veth rails,
# with small packets forced so that messages are sprayed as many PSNs:
# clean, with zero-copy transmit and with copying; then tc netem on one
# rail (both ways) with, in turn, 1% loss, reordering, corruption and
# +2 ms delay; then all of these at once on every rail.  Each impairment
# must show in its counter (retransmits, checksum drops, out-of-order
# arrivals).  Duplication is tested by xport-dup-single.
. /tests/lib.sh
. /tests/_xport-lib.sh

command -v integrity >/dev/null || fail "integrity tool missing from the image"
xport_single 4 9000 max_payload=2048
# on a failure, the connection state of both ends before the QPs go
export INTEGRITY_ON_FAIL='cat /sys/kernel/debug/tbib/conns >&2'

port=18710

log "clean, zero-copy transmit (RC payloads from the user's pages)"
xport_integrity int-clean 100 11
zc=$(xport_dev_ctr tbib0 tx_zerocopy)
assert_gt "$zc" 0 "no packet was sent zero-copy"
log "clean, copying transmit"
echo N >/sys/module/tbib/parameters/zerocopy_tx || fail "zerocopy_tx parameter"
xport_integrity int-copy 60 12
assert_eq "$(xport_dev_ctr tbib0 tx_zerocopy)" "$zc" "zero-copy used while disabled"
echo Y >/sys/module/tbib/parameters/zerocopy_tx

seed=20
for spec in "loss 1%" "delay 1ms reorder 25% 50%" "corrupt 5%" "delay 2ms"; do
	log "netem $spec on rail 0"
	before_fast=$(xport_dev_ctr tbib0 retrans_fast)
	before_tmo=$(xport_dev_ctr tbib0 retrans_timeout)
	before_csum=$(( $(xport_dev_ctr tbib0 rx_drop_csum) + $(xport_dev_ctr tbib1 rx_drop_csum) ))
	before_ooo=$(xport_dev_ctr tbib1 rx_ooo)
	xport_netem_on "$spec" 0
	# The impairment must show in its counter.  The scheduler learns that
	# rail 0 holds its packets longer and gives it fewer, so a short run
	# on a loaded host may not send it enough: up to three runs.
	for round in 1 2 3; do
		seed=$((seed + 1))
		xport_integrity "int-${spec%% *}$round" 60 $seed
		case $spec in
		loss*)	now=$(( $(xport_dev_ctr tbib0 retrans_fast) + $(xport_dev_ctr tbib0 retrans_timeout) ))
			was=$((before_fast + before_tmo)) what="loss: nothing was retransmitted" ;;
		corr*)	now=$(( $(xport_dev_ctr tbib0 rx_drop_csum) + $(xport_dev_ctr tbib1 rx_drop_csum) ))
			was=$before_csum
			what="corrupt: no checksum drop" ;;
		*)	now=$(xport_dev_ctr tbib1 rx_ooo) was=$before_ooo
			what="$spec: nothing arrived out of order" ;;
		esac
		[ "$now" -gt "$was" ] && break
		log "$spec, run $round: the counter did not move ($now), again"
	done
	xport_netem_off
	assert_gt "$now" "$was" "$what"
done

log "netem: everything at once on every rail (duplication: xport-dup-single)"
xport_netem_on "loss 1% corrupt 1% delay 2ms reorder 25% 50%" 0 1 2 3
xport_integrity int-all 80 30
xport_netem_off
tbibctl -s dev show
log "done"
