#!/bin/bash
# tbib-test: topology=pair links=2 timeout=150
#
# Harness self-test: the pair is set up as documented (eth0/eth1 with
# their 169.254.L.x addresses, the peer reachable on both links), then vm1
# fails while vm0 waits at a barrier that never comes.  The harness must
# report a failure, and soon (it stops vm0 instead of waiting for the
# barrier or the timeout).
. /tests/lib.sh
for l in 0 1; do
	assert_match "$(ip -4 addr show dev eth$l)" "inet $(my_ip $l)/24" "eth$l address"
	assert_eq "$(cat /sys/class/net/eth$l/address)" "$(printf '52:54:00:7b:%02x:%02x' "$TBIB_ROLE" $l)" "eth$l MAC"
	check retry 20 0.5 ping -c 1 -W 1 "$(peer_ip $l)"
done
assert_eq "$TBIB_PEER_IP" "$(peer_ip 0)"
barrier links-ok
[ "$TBIB_ROLE" = 1 ] && fail "deliberate failure on vm1"
barrier never 600
