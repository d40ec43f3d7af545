#!/bin/bash
# tbib-test: topology=pair links=2 timeout=400
#
# The "two mini PCs": tbib0 on each VM with the two virtio links as rails.
# Both ports become ACTIVE, each VM sees the other as its one peer over
# both rails (LIDs given per VM), ibv_devinfo reports it, and taking a
# link down on one side moves both sides' rails while the port stays up,
# and a rail that binds while its peer's rail set cannot be reallocated
# (injected through debugfs) neither drops another rail nor stays out.
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
barrier link1-up

# Memory pressure while a rail binds: on vm0 the two rail-set allocations
# of the next bind fail (adding eth1 to the peer, then the fallback that
# undoes it).  The peer must keep eth0, and eth1 must join it on a later
# HELLO: both rails in the peer's set, none lost.
peer_rails_are() {
	[ "$(tbibctl -j peer show tbib0 | grep -oE '"rails": ?\[[0-9, ]*\]' | grep -oE '[0-9]+' | wc -l)" = "$1" ]
}
hook_spent() { [ "$(cat /sys/kernel/debug/tbib/fail_peer_rails)" = 0 ]; }
if [ "$me" = 0 ]; then
	check ip link set eth1 down
	wait_until 10 sh -c "tbibctl -j rail show tbib0 eth1 | grep -qE '\"state\": ?\"down\"'" || fail "eth1 rail not down"
	wait_until 10 peer_rails_are 1 ||
		fail "peer still has eth1: $(tbibctl -j peer show tbib0)"
	echo 2 >/sys/kernel/debug/tbib/fail_peer_rails || fail "no fail_peer_rails hook"
	check ip link set eth1 up
	wait_until 30 rails_up || fail "rails did not come back after failed binds: $(tbibctl rail show tbib0)"
	wait_until 10 hook_spent ||
		fail "the injected failures were not hit: $(cat /sys/kernel/debug/tbib/fail_peer_rails)"
fi
wait_until 15 peer_rails_are "$TBIB_LINKS" ||
	fail "peer lost a rail: $(tbibctl -j peer show tbib0), rails: $(tbibctl rail show tbib0)"
log "peer keeps every rail through failed rail-set allocations: $(tbibctl -j peer show tbib0 | grep -oE '"rails": ?\[[0-9, ]*\]')"
barrier done
check tbibctl dev del tbib0
check rmmod tbib
log "ok"
