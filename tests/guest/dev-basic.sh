#!/bin/bash
# tbib-test: topology=single timeout=300
#
# Two tbib devices in one VM joined by two veth pairs: both ports become
# ACTIVE, each sees the other as its only peer over both rails, the
# stock rxe provider opens the device (ibv_devinfo), the port reports the
# IB link layer, LID and GID, and deleting a rail, a netdev, a device and
# unloading the module all work.
. /tests/lib.sh

load_tbib
check tbibctl dev add tbib0 lid 0x11 guid 0x0200000000000a01
check tbibctl dev add tbib1 lid 0x12 guid 0x0200000000000b01
check test -d /sys/class/infiniband/tbib0
assert_eq "$(cat /sys/class/infiniband/tbib0/ports/1/state)" "1: DOWN" "port without rails"
assert_eq "$(cat /sys/class/infiniband/tbib0/ports/1/link_layer)" "InfiniBand"
assert_eq "$(cat /sys/class/infiniband/tbib0/ports/1/lid)" "0x11"
assert_eq "$(cat /sys/class/infiniband/tbib0/node_guid)" "0200:0000:0000:0a01"
assert_eq "$(cat /sys/class/infiniband/tbib0/ports/1/gids/0)" "fe80:0000:0000:0000:0200:0000:0000:0a01"

veth_pairs 2
check tbibctl rail add tbib0 netdev va0
check tbibctl rail add tbib1 netdev vb0
check tbibctl rail add tbib0 netdev va1 weight 200
check tbibctl rail add tbib1 netdev vb1

wait_until 20 grep -q ACTIVE /sys/class/infiniband/tbib0/ports/1/state ||
	fail "tbib0 not active: $(cat /sys/class/infiniband/tbib0/ports/1/state)"
wait_until 20 grep -q ACTIVE /sys/class/infiniband/tbib1/ports/1/state ||
	fail "tbib1 not active"
# both rails up on both sides
rails_up() { [ "$(tbibctl -j rail show "$1" | grep -oE "\"state\": ?\"up\"" | wc -l)" = 2 ]; }
wait_until 20 rails_up tbib0 || fail "tbib0 rails: $(tbibctl rail show tbib0)"
wait_until 20 rails_up tbib1 || fail "tbib1 rails: $(tbibctl rail show tbib1)"
tbibctl dev show
tbibctl rail show
tbibctl peer show
out=$(tbibctl -j peer show tbib0)
assert_match "$out" '"lid": ?18' "tbib0 sees tbib1 (LID 0x12)"
out=$(tbibctl -j peer show tbib1)
assert_match "$out" '"lid": ?17' "tbib1 sees tbib0 (LID 0x11)"

# 2 x 10 Gb/s veth = 20 Gb/s: the nearest IB rate
cat /sys/class/infiniband/tbib0/ports/1/rate
out=$(ibv_devices)
echo "$out"
assert_match "$out" "tbib0[[:space:]]+[0-9a-f]{16}" "ibv_devices lists tbib0 with its GUID"
assert_match "$out" "tbib1[[:space:]]+[0-9a-f]{16}" "ibv_devices lists tbib1 with its GUID"
ibv_devinfo -d tbib0 || fail "ibv_devinfo -d tbib0"
out=$(ibv_devinfo -d tbib0)
assert_match "$out" "PORT_ACTIVE" "ibv_devinfo port state"
assert_match "$out" "link_layer:[[:space:]]+InfiniBand"
assert_match "$out" "port_lid:[[:space:]]+17"
ibv_devinfo -v -d tbib1 | head -60
out=$(rdma link show)
echo "$out"
assert_match "$out" "link tbib0/1 .*lid 17 .*state ACTIVE" "rdma link show: tbib0 port 1 active"
out=$(rdma statistic show link tbib0/1) || fail "rdma statistic"
echo "$out"
assert_match "$out" "probes_rx [1-9]" "rdma statistic: probes_rx counted"
assert_match "$out" "rx_packets [0-9]" "rdma statistic: rx_packets"
cat /sys/class/infiniband/tbib0/ports/1/hw_counters/probes_rx

# a rail deleted on one side: the other side's rail goes back to probing
check tbibctl rail del tbib0 va1
wait_until 10 sh -c "tbibctl -j rail show tbib1 vb1 | grep -qE '\"state\": ?\"probing\"'" ||
	fail "vb1 still up after its peer rail went: $(tbibctl rail show tbib1)"
grep -q ACTIVE /sys/class/infiniband/tbib0/ports/1/state || fail "tbib0 lost its port with one rail left"

# the netdev goes away under a rail: the rail disappears by itself
check ip link del va0
wait_until 10 sh -c "! tbibctl rail show tbib0 | grep -q va0" || fail "rail on va0 survived its netdev"
wait_until 10 grep -q DOWN /sys/class/infiniband/tbib0/ports/1/state || fail "tbib0 should be down"
wait_until 10 grep -q DOWN /sys/class/infiniband/tbib1/ports/1/state || fail "tbib1 should be down"

check tbibctl dev del tbib0
check test ! -e /sys/class/infiniband/tbib0
check rmmod tbib
check test ! -e /sys/class/infiniband/tbib1
log "ok"
