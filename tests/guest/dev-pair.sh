#!/bin/bash
# tbib-test: topology=pair links=2 timeout=400
#
# The "two mini PCs": tbib0 on each VM with the two virtio links as rails.
# Both ports become ACTIVE, each VM sees the other as its one peer over
# both rails (LIDs given per VM), ibv_devinfo reports it, and taking a
# link down on one side moves both sides' rails while the port stays up.
. /tests/lib.sh

me=$TBIB_ROLE other=$((1 - TBIB_ROLE))
lid=$((0x100 + me)) peer_lid=$((0x100 + other))
load_tbib
check tbibctl dev add tbib0 lid $lid guid 0x020000000000070$me
for ((l = 0; l < TBIB_LINKS; l++)); do
	check tbibctl rail add tbib0 netdev "eth$l"
done
wait_until 60 grep -q ACTIVE /sys/class/infiniband/tbib0/ports/1/state ||
	fail "tbib0 not active: $(tbibctl rail show tbib0)"
rails_up() { [ "$(tbibctl -j rail show tbib0 | grep -oE '"state": ?"up"' | wc -l)" = "$TBIB_LINKS" ]; }
wait_until 60 rails_up || fail "not all rails up: $(tbibctl rail show tbib0)"
tbibctl rail show tbib0
tbibctl peer show tbib0
out=$(tbibctl -j peer show tbib0)
assert_match "$out" "\"lid\": ?$peer_lid" "peer LID"
assert_match "$out" "0200:0000:0000:070$other" "peer GUID"
ibv_devinfo -d tbib0 | grep -E 'state|port_lid|link_layer'
barrier up

if [ "$me" = 0 ]; then
	check ip link set eth1 down
	wait_until 10 sh -c "tbibctl -j rail show tbib0 eth1 | grep -qE '\"state\": ?\"down\"'" || fail "eth1 rail not down"
else
	# the other side loses the peer on link 1 by BYE or keepalive timeout
	wait_until 15 sh -c "tbibctl -j rail show tbib0 eth1 | grep -qE '\"state\": ?\"probing\"'" ||
		fail "eth1 rail still $(tbibctl rail show tbib0 eth1)"
fi
grep -q ACTIVE /sys/class/infiniband/tbib0/ports/1/state || fail "port went down with a rail left"
barrier link1-down
[ "$me" = 0 ] && check ip link set eth1 up
wait_until 30 rails_up || fail "rails did not come back: $(tbibctl rail show tbib0)"
barrier done
check tbibctl dev del tbib0
check rmmod tbib
log "ok"
