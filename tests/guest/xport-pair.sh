#!/bin/bash
# tbib-test: topology=pair links=2 timeout=480
#
# The transport between two VMs: tbib0 on each with both virtio links as
# rails (LID 0x11 on vm0, 0x12 on vm1), then the rdma-core pingpongs (RC,
# UC, UD, SRQ), perftest (every bw and lat tool but ib_read_bw, which has
# its own test, xport-pair-read; bidirectional, 8 QPs, UD over all sizes) and the integrity tool, vm0 the server and
# vm1 the client of each.  QEMU's datagram links lose ~1% of the frames in
# bursts, so retransmission is part of every run.  Each run must end with
# rc 0 on both sides, report no error and print its result lines; the
# numbers are printed, not asserted (TCG VMs, DESIGN.md 11).
. /tests/lib.sh
. /tests/_xport-lib.sh

# ibv_*_pingpong hard-code the QP timeout to 14 (67 ms, 7 retries: ~0.5 s
# in all); a shared host that stops a TCG VM for longer made a healthy RC
# QP fail with "retry exceeded" (both sides' rails saw the peer silent at
# that moment).  The retransmit timer's floor covers that; the losses of
# the links are still recovered the fast way, by the rails' FIFO order.
xport_pair "$TBIB_LINKS" 9000 rto_min_ms=250
ibv_devinfo -d tbib0 | grep -E 'state|port_lid|link_layer|active_(mtu|speed|width)'
barrier up

xport_pingpong rc-4k ibv_rc_pingpong -d tbib0 -s 4096 -n 100
xport_pingpong rc-64k ibv_rc_pingpong -d tbib0 -s 65536 -n 50
xport_pingpong -u uc-4k ibv_uc_pingpong -d tbib0 -s 4096 -n 100
xport_pingpong -u uc-64k ibv_uc_pingpong -d tbib0 -s 65536 -n 50
xport_pingpong -u ud-1k ibv_ud_pingpong -d tbib0 -s 1024 -n 100
xport_pingpong -u ud-2k ibv_ud_pingpong -d tbib0 -s 2048 -n 100
xport_pingpong srq-4k ibv_srq_pingpong -d tbib0 -s 4096 -n 50 -q 4
xport_pingpong srq-64k ibv_srq_pingpong -d tbib0 -s 65536 -n 20 -q 4

xport_perftest write_bw ib_write_bw -s 65536 -n 100
xport_perftest send_bw ib_send_bw -s 65536 -n 100
xport_perftest atomic_bw ib_atomic_bw -n 200
xport_perftest write_lat ib_write_lat -s 64 -n 200
xport_perftest read_lat ib_read_lat -s 64 -n 200
xport_perftest send_lat ib_send_lat -s 64 -n 200
xport_perftest atomic_lat ib_atomic_lat -n 200
xport_perftest write_bw_b ib_write_bw -b -s 65536 -n 100
xport_perftest write_bw_q8 ib_write_bw -q 8 -s 65536 -n 50
# -a on UD: every size up to the 4096-byte MTU (an RC sweep would go on
# to 8 MiB, minutes at TCG speed; the integrity run covers RC sizes)
xport_perftest -u send_bw_ud_a ib_send_bw -c UD -a -n 20

# -w 20: a stall (no completion for 20 s) is reported by the tool itself,
# within perf_run's 60 s
export INTEGRITY_ON_FAIL='cat /sys/kernel/debug/tbib/conns >&2'
if xport_prun integrity integrity -d tbib0 -n 30 -s 65536 -S 21 -w 20 -v; then
	assert_file_has /tmp/integrity.log "^integrity: OK $([ "$TBIB_ROLE" = 0 ] && echo server || echo client)" \
		"integrity not OK"
	cat /tmp/integrity.log
fi

xport_pair_end
