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
run() {
	local name=$1 n=$2 seed=$3
	port=$((port + 1))
	xport_pp "dup-$name" 300 integrity -d tbib1 -p $port -n "$n" -s 65536 -S "$seed" -t 14 -- \
		integrity -d tbib0 -p $port -n "$n" -s 65536 -S "$seed" -t 14 127.0.0.1 ||
		{ xport_dump; fail "integrity ($name) failed"; }
	assert_file_has "/tmp/dup-$name.cli.log" '^integrity: OK client' "$name: client not OK"
	assert_file_has "/tmp/dup-$name.srv.log" '^integrity: OK server' "$name: server not OK"
}
netem_on() {
	local spec=$1 i
	shift
	for i in "$@"; do
		tc qdisc replace dev "va$i" root netem $spec || fail "netem $spec on va$i"
		tc qdisc replace dev "vb$i" root netem $spec || fail "netem $spec on vb$i"
	done
}
stat() {
	tbibctl -j -s dev show "$1" | grep -oE "\"$2\": ?[0-9]+" | grep -oE '[0-9]+$'
}

log "netem duplicate 5% on rail 0"
before=$(stat tbib1 rx_dup)
netem_on "duplicate 5%" 0
run one 60 41
assert_gt "$(stat tbib1 rx_dup)" "$before" "no duplicate seen"

log "netem: duplication with everything else on every rail"
netem_on "loss 1% duplicate 1% corrupt 1% delay 2ms reorder 25% 50%" 0 1 2 3
run all 80 42
tbibctl -s dev show
log "done"
