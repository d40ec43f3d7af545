#!/bin/bash
# tbib-test: topology=single timeout=900 mem=1024
#
# Lifecycle of devices and rails:
#  - 1000 device + rail add/del cycles (with a partner device on the other
#    end, so rails bind and peers come and go) leave no slab objects and
#    no per-cpu memory behind;
#  - a netdev deleted under a rail removes the rail, with a RAIL_DEL event;
#  - a device deleted while a user context holds it open is unregistered
#    (the process gets a fatal event, the command does not hang);
#  - rmmod with devices, up rails, peers and a listening monitor is clean;
#  - rmmod while `rdma link delete` runs waits for it (no splat).
. /tests/lib.sh

command -v genl-garbage >/dev/null || fail "genl-garbage missing from the image (tests/tools)"
load_tbib
veth_pairs 3
check tbibctl dev add tbib1
check tbibctl rail add tbib1 netdev vb0

# ---- leak check over many cycles ----
# snapshot FILE: active objects of every slab cache, and per-cpu memory
snapshot() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 2		# RCU callbacks, deferred frees
	awk 'NR > 2 { print $1, $2 }' /proc/slabinfo | sort >"$1"
	awk '/^Percpu:/ { print "percpu_kb", $2 }' /proc/meminfo >>"$1"
}

log "warm-up cycles"
check genl-garbage cycle 50 tbib0 va0
snapshot /tmp/before
log "1000 device/rail cycles"
start=$(date +%s)
check genl-garbage cycle 1000 tbib0 va0
log "cycles took $(( $(date +%s) - start ))s"
snapshot /tmp/after
# delta LIMIT: caches (and per-cpu KiB) that grew by more than LIMIT
delta() {
	awk -v lim="$1" 'NR == FNR { a[$1] = $2; next }
		($1 in a) && $2 - a[$1] > lim { print $1, a[$1], "->", $2 }' \
		/tmp/before /tmp/after
}
n=$(wc -l </tmp/after)
assert_gt "$n" 20 "slab caches seen"
# A leak of one object per cycle shows as +1000 (and a per-cpu counter
# block as +1000 * ~200 bytes); allow noise well below that.
delta 50
leaks=$(delta 400)
[ -z "$leaks" ] || fail "left over after 1000 cycles: $leaks"
assert_eq "$(genl-garbage count dev)" 1 "only tbib1 left"
assert_eq "$(genl-garbage count rail)" 1 "only its rail left"

# ---- netdev deleted under a rail ----
genl-garbage monitor 30 >/tmp/events &
mon=$!
wait_until 10 grep -q listening /tmp/events || fail "monitor did not start"
check tbibctl dev add tbib0
check tbibctl rail add tbib0 netdev va0
check tbibctl rail add tbib0 netdev va1
check tbibctl rail add tbib1 netdev vb1
wait_until 20 grep -q ACTIVE /sys/class/infiniband/tbib0/ports/1/state || fail "tbib0 not active"
wait_until 20 sh -c "tbibctl peer show tbib0 | grep -q 'rails 1,2'" ||
	fail "peer of tbib0 not on both rails: $(tbibctl peer show tbib0)"
check ip link del va1
wait_until 10 sh -c "! tbibctl rail show tbib0 | grep -q va1" || fail "rail on va1 survived its netdev"
wait_until 10 grep -q "RAIL_DEL tbib0" /tmp/events || fail "no RAIL_DEL event: $(cat /tmp/events)"
wait_until 10 sh -c "tbibctl peer show tbib0 | grep -qE 'rails 1$'" ||
	fail "peer still on the dead rail: $(tbibctl peer show tbib0)"
grep -q ACTIVE /sys/class/infiniband/tbib0/ports/1/state || fail "tbib0 lost its port"
kill $mon 2>/dev/null
wait $mon 2>/dev/null
cat /tmp/events
for e in "DEV_NEW tbib0" "RAIL_ADD tbib0" "PEER_NEW tbib0" "RAIL_DEL tbib0" "DEV_SET tbib0"; do
	grep -q "^$e" /tmp/events || fail "event '$e' not seen"
done

# ---- device deleted while a user context holds it ----
ibv_asyncwatch -d tbib0 >/tmp/async 2>&1 &
holder=$!
sleep 2
kill -0 $holder 2>/dev/null || fail "ibv_asyncwatch could not open tbib0: $(cat /tmp/async)"
log "deleting tbib0 under an open context"
check timeout 30 tbibctl dev del tbib0
check test ! -e /sys/class/infiniband/tbib0
# the open context is told (IBV_EVENT_DEVICE_FATAL) and its process
# goes on: ibv_asyncwatch ends when the device is gone
wait_until 10 grep -qE "IBV_EVENT_DEVICE_FATAL|local catastrophic error" /tmp/async ||
	fail "no device fatal event for the open context: $(cat /tmp/async)"
cat /tmp/async
kill $holder 2>/dev/null
wait $holder 2>/dev/null
# the partner notices
wait_until 10 grep -q DOWN /sys/class/infiniband/tbib1/ports/1/state || fail "tbib1 still active"

# ---- rmmod with everything configured ----
check tbibctl dev add tbib0
check tbibctl dev add tbib2
check tbibctl rail add tbib0 netdev va0
check tbibctl rail add tbib0 netdev va2
check tbibctl rail add tbib1 netdev vb2
wait_until 20 grep -q ACTIVE /sys/class/infiniband/tbib0/ports/1/state || fail "tbib0 not active"
tbibctl monitor >/tmp/monitor 2>&1 &
mon=$!
ibv_asyncwatch -d tbib1 >/dev/null 2>&1 &
holder=$!
sleep 1
log "rmmod with 3 devices, 4 rails, peers, a monitor and an open context"
check timeout 60 rmmod tbib
check test ! -e /sys/class/infiniband/tbib0
check test ! -e /sys/class/infiniband/tbib1
kill $mon $holder 2>/dev/null
wait $mon $holder 2>/dev/null
lsmod | grep -q '^tbib ' && fail "tbib still loaded"
# ---- rmmod racing deletions that ib_core runs for someone else ----
# `rdma link delete` unregisters through ib_core, which calls our
# dealloc_driver; module unload must wait for it rather than free the
# code it runs (a splat or a hang here fails the test).
log "rmmod racing rdma link delete, 8 rounds"
for round in 1 2 3 4 5 6 7 8; do
	load_tbib
	check rdma link add tbibr0 type tbib netdev va0
	check rdma link add tbibr1 type tbib netdev vb0
	wait_until 20 grep -q ACTIVE /sys/class/infiniband/tbibr0/ports/1/state ||
		fail "tbibr0 not active"
	# every device is being deleted by someone else: unload finds none
	# of its own to delete and must still wait for theirs; in the later
	# rounds the unload starts first
	[ $round -gt 4 ] && { timeout 60 rmmod tbib & rm_pid=$!; }
	rdma link delete tbibr0 2>/dev/null &
	d0=$!
	rdma link delete tbibr1 2>/dev/null &
	d1=$!
	if [ $round -le 4 ]; then
		sleep 0.0$round
		check timeout 60 rmmod tbib
	else
		wait $rm_pid || fail "round $round: rmmod failed"
	fi
	wait $d0 $d1 2>/dev/null
	for d in tbibr0 tbibr1; do
		check test ! -e /sys/class/infiniband/$d
	done
	lsmod | grep -q '^tbib ' && fail "round $round: tbib still loaded"
done

# and it comes back
load_tbib
check tbibctl dev add tbib0
check rmmod tbib
log "ok"
