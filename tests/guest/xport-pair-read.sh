#!/bin/bash
# tbib-test: topology=pair links=2 timeout=150
#
# RDMA READ bandwidth between two VMs over two virtio rails (see
# xport-pair): many READs in flight (16 outstanding, 64 KiB each), whose
# responses come back as bursts that QEMU's datagram links drop now and
# then, so lost READ responses must be asked for again until every READ
# completes.  One QP, then four.
. /tests/lib.sh
. /tests/_xport-lib.sh

xport_pair "$TBIB_LINKS" 9000
barrier up
xport_perftest read_bw ib_read_bw -s 65536 -n 100
xport_perftest read_bw_q4 ib_read_bw -q 4 -s 65536 -n 25
xport_pair_end
