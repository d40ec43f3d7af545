#!/bin/bash
# tbib-test: topology=pair links=1 timeout=300
#
# Baseline: soft-RoCE (rxe) between the two VMs over link 0.  Proves the
# harness end to end (two VMs, a datagram-socket link, the RDMA stack,
# perftest) and gives the reference numbers tbib is compared with.
. /tests/lib.sh

rxe_add rxe0 eth0
gid=$(gid_v4 rxe0)
log "rxe0 on eth0 ($(my_ip)), GID index $gid"
ibv_devinfo -d rxe0 | grep -E 'state|active_mtu|link_layer'
assert_match "$(ibv_devinfo -d rxe0)" 'PORT_ACTIVE' "rxe0 port not active"

barrier rxe-up

# Sizes are modest and timeouts generous: on an idle 2-core host the whole
# test takes ~15 s of guest time, on one saturated by other VMs ten times
# more.  -u 18: 1 s retransmit timeout instead of 67 ms, since a starved
# TCG VM can stall longer than 7 x 67 ms and the QP would fail with "retry
# exceeded" although nothing is wrong.  -t 16: at most 16 x 64 KiB in
# flight, which the QEMU datagram sockets buffer without loss.

log "ibv_rc_pingpong"
perf_run rc_pingpong 120 ibv_rc_pingpong -d rxe0 -g "$gid" -s 4096 -n 100 ||
	fail "ibv_rc_pingpong failed"
assert_file_has /tmp/rc_pingpong.log '[0-9]+ iters in [0-9.]+ seconds' "no pingpong result"

log "ib_write_bw"
perf_run write_bw 120 ib_write_bw -d rxe0 -x "$gid" -F -u 18 -t 16 -p 18516 -s 65536 -n 300 ||
	fail "ib_write_bw failed"
bw=$(perf_bw /tmp/write_bw.log)
assert_match "$bw" '^[0-9]+(\.[0-9]+)?$' "no ib_write_bw result"
assert_match "$bw" '[1-9]' "ib_write_bw reported zero bandwidth"

log "ib_write_lat"
perf_run write_lat 120 ib_write_lat -d rxe0 -x "$gid" -F -u 18 -p 18517 -s 64 -n 300 ||
	fail "ib_write_lat failed"
lat=$(perf_lat /tmp/write_lat.log)
assert_match "$lat" '^[0-9]+(\.[0-9]+)?$' "no ib_write_lat result"

log "rxe0 counters (retransmits and sequence errors show loss on the link)"
rdma statistic show link rxe0/1
ip -s link show dev eth0
log "RESULT rxe ib_write_bw 64KiB: $bw MB/s; ib_write_lat 64B: $lat usec (TCG, $(nproc) vCPU)"
barrier done
