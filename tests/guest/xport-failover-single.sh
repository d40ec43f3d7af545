#!/bin/bash
# tbib-test: topology=single timeout=300
#
# Rail failover under load (DESIGN.md 6, 11.1) between tbib0 and tbib1 over
# four veth rails va<i>/vb<i>:
#  1. an integrity run (every byte checked, every WR completes once) while
#     rails go away one by one down to one, each in another way --
#     `tbibctl rail del` (va0), `ip link set down` (va1), netdev deletion
#     (va2/vb2) -- and come back (rail add, link up, new veth + rail add).
#     After each step the rails still up carry traffic, the removed ones
#     none (per-rail tx_bytes of both ends), and re-added rails carry
#     traffic again;
#  2. step 1 again under ib_write_bw -D (perftest, duration mode).
# (Every rail down at once: xport-outage-single.)
# The longest wait for a completion (integrity) and the longest stall of
# the rails' tx byte counters are printed: the failover gaps.
. /tests/lib.sh
. /tests/_xport-lib.sh

command -v integrity >/dev/null || fail "integrity tool missing from the image"
N=4
xport_single $N 9000
. /tests/_failover-lib.sh
rail_trace_setup

log "phase 1: integrity while rails go and come back"
sampler_start p1
int_start p1 18720 120 -w 30
t0=$(date +%s)
sequence
seq_secs=$(( $(date +%s) - t0 ))
int_wait p1
gap1=$(sampler_stop p1)
log "phase 1: $gap1; $(grep 'longest wait' /tmp/p1.cli.log)"

log "phase 2: ib_write_bw -D while rails go and come back"
# perftest cannot be told to stop: its duration is the sequence's, as
# measured in phase 1, plus margin (half as long again: on a loaded host
# the second sequence took longer than the first and outlived perftest)
dur=$((seq_secs * 3 / 2 + 6))
log "ib_write_bw -D $dur"
sampler_start p2
xport_pp p2 $((dur + 60)) ib_write_bw -d tbib1 -p 18722 -F -u 18 -s 65536 -D $dur -- \
	ib_write_bw -d tbib0 -p 18722 -F -u 18 -s 65536 -D $dur 127.0.0.1 >/tmp/p2.log 2>&1 &
BPID=$!
sleep 3
sequence
rc=0
wait $BPID || rc=$?
gap2=$(sampler_stop p2)
cat /tmp/p2.log
[ $rc = 0 ] || { dump; fail "ib_write_bw failed"; }
grep -qiE "error|failed|couldn't" /tmp/p2.cli.log /tmp/p2.srv.log && fail "ib_write_bw reported errors"
assert_match "$(perf_summary /tmp/p2.cli.log)" '^ *65536 +[0-9]+' "ib_write_bw: no result"
log "phase 2: $gap2, $(perf_bw /tmp/p2.cli.log) MB/s"
tbibctl -s rail show
log "done"
