#!/bin/bash
# tbib-test: topology=single timeout=120
#
# Harness self-test: a clean test that must pass.  Also checks the image:
# the real tools (not busybox applets) are the ones found, their libraries
# resolve, and the modules the tests rely on load.
. /tests/lib.sh
log "kernel $(uname -r), $(nproc) cpus"
for t in ip tc rdma modprobe; do
	p=$(command -v $t) || fail "$t missing"
	[ "$(readlink -f "$p")" != /usr/bin/busybox ] || fail "$t is busybox's applet"
done
check ip -V
check tc -V
check rdma -V
assert_match "$(ib_write_bw --version 2>&1)" "Version: [0-9]" "ib_write_bw does not run"
check ibv_devices
if command -v tbibctl >/dev/null; then
	check tbibctl --help >/dev/null
fi
load_rxe
load_mod veth sch_netem sch_tbf
check ip link add tbv0 type veth peer name tbv1
check tc qdisc add dev tbv0 root netem delay 1ms loss 1%
check ip link del tbv0
log "ok"
