#!/bin/bash
# tbib-test: topology=single timeout=600
#
# rdma-core's pingpong examples between tbib0 and tbib1 in one VM: RC, UC,
# UD and SRQ, several sizes.
. /tests/lib.sh
. /tests/_xport-lib.sh

xport_single 2 9000
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
log "done"
