#!/bin/bash
# tbib-test: topology=single timeout=180
#
# Every rail to the peer down at once for less than the QP timeout, then
# one back (DESIGN.md 6: the retransmit timer and retry_cnt have their
# IB meaning): an integrity run between tbib0 and tbib1 over four veth
# rails, QP timeout 20 (4.3 s) and retry_cnt 7, must complete with every
# byte right and every WR completed once, and the restored rail carries
# the traffic.  The outage (links down 2 s, plus the rail handshake) and
# the longest wait for a completion are printed.
. /tests/lib.sh
. /tests/_xport-lib.sh

command -v integrity >/dev/null || fail "integrity tool missing from the image"
N=4
xport_single $N 9000
. /tests/_failover-lib.sh

log "all rails down for 2 s (QP timeout 4.3 s x 8 tries), then one back"
int_start p2 18721 60 -t 20 -r 7 -w 40
traffic
carry 2 "0 1 2 3" ""
t0=$(_tbib_now)
for ((i = 0; i < N; i++)); do check ip link set "va$i" down; done
sleep 2
check ip link set va0 up
wait_state tbib0 va0 up
log "one rail back $(awk -v a="$t0" -v b="$(_tbib_now)" 'BEGIN { printf "%.1f", b - a }') s after the outage began"
carry 2 "0" "1 2 3"
int_wait p2
log "$(grep "longest wait" /tmp/p2.cli.log)"
for ((i = 1; i < N; i++)); do check ip link set "va$i" up; done
for ((i = 0; i < N; i++)); do wait_state tbib0 "va$i" up; wait_state tbib1 "vb$i" up; done
log "done"
