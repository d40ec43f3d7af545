#!/bin/bash
# tbib-test: topology=single timeout=600
#
# Data integrity (tests/tools/integrity.c: every opcode, random sizes and
# SGE layouts, byte-by-byte checks, last-byte polling on WRITE) between
# tbib0 and tbib1 over two veth rails: first clean, with small packets
# forced so that messages are sprayed as many PSNs; then with loss,
# reordering, duplication and corruption on one rail (tc netem).
. /tests/lib.sh
. /tests/_xport-lib.sh

command -v integrity >/dev/null || fail "integrity tool missing from the image"
xport_single 2 9000 max_payload=2048

# on a failure, the connection state of both ends before the QPs go
export INTEGRITY_ON_FAIL='cat /sys/kernel/debug/tbib/conns >&2'
log "clean"
xport_pp int-clean 300 integrity -d tbib1 -p 18710 -n 150 -s 65536 -S 11 -- \
	integrity -d tbib0 -p 18710 -n 150 -s 65536 -S 11 127.0.0.1 ||
	{ xport_dump; fail "integrity (clean) failed"; }
assert_file_has /tmp/int-clean.cli.log '^integrity: OK client' "client not OK"
assert_file_has /tmp/int-clean.srv.log '^integrity: OK server' "server not OK"

log "netem: loss, reorder, duplicate, corrupt on rail 0 (both ways)"
for d in va0 vb0; do
	tc qdisc add dev $d root netem loss 2% duplicate 1% corrupt 1% \
		delay 1ms reorder 25% 50% || fail "netem on $d"
done
xport_pp int-netem 400 integrity -d tbib1 -p 18711 -n 150 -s 65536 -S 12 -t 14 -- \
	integrity -d tbib0 -p 18711 -n 150 -s 65536 -S 12 -t 14 127.0.0.1 ||
	{ xport_dump; fail "integrity (netem) failed"; }
assert_file_has /tmp/int-netem.cli.log '^integrity: OK client' "client not OK"
assert_file_has /tmp/int-netem.srv.log '^integrity: OK server' "server not OK"
tbibctl -s dev show
out=$(tbibctl -s dev show tbib0)
assert_match "$out" 'csum [1-9]' "no corrupted frame was caught (netem corrupt)"
log "done"
