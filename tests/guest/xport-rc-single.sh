#!/bin/bash
# tbib-test: topology=single timeout=400
#
# RC between two tbib devices in one VM over two veth rails:
# ibv_rc_pingpong with several sizes (one packet, many packets sprayed
# over both rails), with small packets forced so that messages span many
# PSNs and arrive out of order.
. /tests/lib.sh
. /tests/_xport-lib.sh

xport_single 2 9000

for s in 1 4096 65536 1000000; do
	log "ibv_rc_pingpong -s $s"
	xport_pp rc$s 120 ibv_rc_pingpong -d tbib1 -s $s -n 50 -- \
		ibv_rc_pingpong -d tbib0 -s $s -n 50 127.0.0.1 ||
		fail "ibv_rc_pingpong -s $s failed"
	assert_file_has /tmp/rc$s.cli.log '[0-9]+ iters in [0-9.]+ seconds' "no result"
done
tbibctl -s dev show tbib0
tbibctl -s rail show tbib0
log "done"
