#!/bin/bash
# tbib-test: topology=single timeout=300
#
# The iproute2 shortcut: `rdma link add NAME type tbib netdev DEV` makes a
# device with one netdev rail (two of them over a veth pair bind and go
# ACTIVE), a busy netdev or a taken name is refused, and
# `rdma link delete NAME` removes the device (ib_core asks the driver
# through IBK_ALLOW_USER_UNREG).
. /tests/lib.sh

load_tbib
veth_pairs 2
log "rdma link"
check rdma link add tbibr type tbib netdev va0
check test -d /sys/class/infiniband/tbibr
assert_eq "$(genl-garbage count rail tbibr)" 1 "one rail"
check rdma link add tbibs type tbib netdev vb0
wait_until 20 grep -q ACTIVE /sys/class/infiniband/tbibr/ports/1/state || fail "tbibr not active"
rdma link show
check_fails rdma link add tbibt type tbib netdev va0	# netdev busy
check test ! -e /sys/class/infiniband/tbibt
check_fails rdma link add tbibr type tbib netdev va1	# name taken
check rdma link delete tbibr
check test ! -e /sys/class/infiniband/tbibr
check tbibctl dev del tbibs
check rmmod tbib
log "ok"
