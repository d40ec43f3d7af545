#!/bin/bash
# tbib-test: topology=single timeout=400
#
# Data integrity (tests/tools/integrity.c, as in xport-integrity-single)
# between tbib0 and tbib1 over four veth rails while tc netem duplicates
# frames: 5% on one rail (both ways), then 1% duplication together with
# loss, corruption, delay and reordering on every rail.  Duplicates must be
# seen (rx_dup) and dropped: every byte right, every WR completed once.
. /tests/lib.sh
. /tests/_xport-lib.sh

command -v integrity >/dev/null || fail "integrity tool missing from the image"
xport_single 4 9000 max_payload=2048
export INTEGRITY_ON_FAIL='cat /sys/kernel/debug/tbib/conns >&2'

port=18810

log "netem duplicate 5% on rail 0"
before=$(xport_dev_ctr tbib1 rx_dup)
xport_netem_on "duplicate 5%" 0
xport_integrity dup-one 60 41
assert_gt "$(xport_dev_ctr tbib1 rx_dup)" "$before" "no duplicate seen"

log "netem: duplication with everything else on every rail"
xport_netem_on "loss 1% duplicate 1% corrupt 1% delay 2ms reorder 25% 50%" 0 1 2 3
xport_integrity dup-all 80 42
tbibctl -s dev show
log "done"
