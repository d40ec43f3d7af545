#!/bin/bash
# tbib-test: topology=pair links=4 timeout=600
#
# `make demo`: the "two mini PCs", two VMs joined by four links.  With
# tbib.ko and tbibctl in the image, tbib0 on each VM with the four links as
# rails and perftest through it; until then the rxe baseline on link 0.
. /tests/lib.sh

BW_ARGS=(-F -u 18 -s 65536 -D 3 -f 0)
LAT_ARGS=(-F -u 18 -s 64 -n 1000)

# on failure, show what the rails saw before giving up
demo_fail() {
	[ "$mode" = tbib ] && tbibctl rail show -s
	fail "$@"
}

if have_tbib; then
	mode=tbib dev=tbib0 gidopt=()
	load_tbib
	check tbibctl dev add tbib0
	for ((l = 0; l < TBIB_LINKS; l++)); do
		check tbibctl rail add tbib0 netdev "eth$l"
	done
	barrier rails-added
	wait_until 60 grep -q ACTIVE /sys/class/infiniband/tbib0/ports/1/state ||
		demo_fail "tbib0 port not active: $(cat /sys/class/infiniband/tbib0/ports/1/state)"
	log "tbib0 up on $TBIB_LINKS rails (eth0..eth$((TBIB_LINKS - 1)))"
else
	mode=rxe dev=rxe0
	log "tbib.ko/tbibctl not available: showing the rxe baseline on link 0"
	rxe_add rxe0 eth0
	gidopt=(-x "$(gid_v4 rxe0)")
fi
ibv_devinfo -d $dev | grep -E 'hca_id|transport|state|active_mtu|active_speed|active_width|link_layer|port_lid'
barrier ready

log "ib_write_bw on $dev (64 KiB for 3 s)"
perf_run -q demo_write_bw 240 ib_write_bw -d $dev "${gidopt[@]}" -p 18520 "${BW_ARGS[@]}" ||
	{ cat /tmp/demo_write_bw.log; demo_fail "ib_write_bw on $dev failed"; }
perf_summary /tmp/demo_write_bw.log
bw=$(perf_bw /tmp/demo_write_bw.log)

log "ib_write_lat on $dev (64 B x 1000)"
perf_run -q demo_write_lat 240 ib_write_lat -d $dev "${gidopt[@]}" -p 18521 "${LAT_ARGS[@]}" ||
	{ cat /tmp/demo_write_lat.log; demo_fail "ib_write_lat on $dev failed"; }
perf_summary /tmp/demo_write_lat.log
lat=$(perf_lat /tmp/demo_write_lat.log)

if [ $mode = tbib ]; then
	log "tbibctl rail show -s"
	check tbibctl rail show -s
fi
log "DEMO $mode: ib_write_bw $bw MB/s, ib_write_lat $lat usec (software-emulated VMs: compare ratios, not absolute numbers)"
barrier done
