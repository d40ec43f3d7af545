#!/bin/bash
# tbib-test: topology=single timeout=240
#
# Spraying shares (DESIGN.md 7): one RC QP (ib_write_bw, 64 KiB WRITEs)
# from tbib0 to tbib1 over four veth rails.
#  - equal weights: every rail carries at least 15% of the bytes;
#  - weights 8:4:2:1 (800/400/200/100, 100 = 1x): the shares of the bytes
#    are in the weights' order, each within 5 percentage points of its
#    weight's share (53.3/26.7/13.3/6.7%; seen on both kernels, idle or
#    with the host's cores busy: 54.3/27.1/13.6/5.0).
# Shares are tbib0's per-rail tx_bytes deltas over the run (the WRITE data;
# the ACKs go the other way).  A veth has no wire rate: a rail is as fast
# as the CPU gets to it under TCG, and the scheduler must not take a busy
# CPU for a slow rail.
. /tests/lib.sh
. /tests/_xport-lib.sh

N=4
xport_single $N 9000

port=18740
# tx0: tbib0's tx_bytes on va0..va(N-1), one a line
tx0() {
	xport_rail_ctrs tx_bytes | awk -v n=$N '
		$1 == "tbib0" && $2 ~ /^va[0-9]+$/ { i = $2; sub(/^va/, "", i); t[i] = $3 }
		END { for (i = 0; i < n; i++) print t[i] + 0 }'
}
# run LABEL: ib_write_bw; sets SHARE[i] (percent, one decimal) of rail i
run() {
	local label=$1 i a=() b=() d=() tot=0 line=
	port=$((port + 1))
	b=($(tx0))
	xport_pp share$port 120 ib_write_bw -d tbib1 -p $port -F -u 18 -s 65536 -n 2000 -- \
		ib_write_bw -d tbib0 -p $port -F -u 18 -s 65536 -n 2000 127.0.0.1 >/tmp/share.log 2>&1 ||
		{ cat /tmp/share.log; xport_dump; fail "$label: ib_write_bw failed"; }
	a=($(tx0))
	for ((i = 0; i < N; i++)); do
		d[i]=$(( a[i] - b[i] ))
		tot=$((tot + d[i]))
	done
	# at least the 2000 x 64 KiB written
	assert_ge "$tot" $((2000 * 65536)) "$label: bytes on the rails"
	for ((i = 0; i < N; i++)); do
		SHARE[i]=$(awk -v a="${d[i]}" -v t="$tot" 'BEGIN { printf "%.1f", 100 * a / t }')
		line+=" va$i ${SHARE[i]}%"
	done
	log "$label: $(perf_bw /tmp/share$port.cli.log) MB/s, shares:$line"
}
# pct_ge A B: A >= B for percentages with decimals
pct_ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }

run "equal weights"
for ((i = 0; i < N; i++)); do
	pct_ge "${SHARE[i]}" 15 || fail "equal weights: va$i carried ${SHARE[i]}% < 15%"
done

w=(800 400 200 100)
for ((i = 0; i < N; i++)); do
	check tbibctl rail set tbib0 "va$i" weight "${w[i]}"
done
tbibctl rail show tbib0
run "weights 8:4:2:1"
for ((i = 0; i < N; i++)); do
	want=$(awk -v w="${w[i]}" 'BEGIN { printf "%.1f", 100 * w / 1500 }')
	pct_ge "${SHARE[i]}" "$(awk -v x="$want" 'BEGIN { print x - 5 }')" &&
		pct_ge "$(awk -v x="$want" 'BEGIN { print x + 5 }')" "${SHARE[i]}" ||
		fail "weights 8:4:2:1: va$i carried ${SHARE[i]}%, want $want% +- 5"
	# and in the weights' order
	[ $i = 0 ] || pct_ge "${SHARE[i - 1]}" "${SHARE[i]}" ||
		fail "weights 8:4:2:1: va$i carried more than va$((i - 1)) (${SHARE[i]}% > ${SHARE[i - 1]}%)"
done
log "done"
