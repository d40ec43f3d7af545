#!/bin/bash
# tbib-test: topology=pair links=4 timeout=900
#
# `make demo`: the "two mini PCs", two VMs joined by four links.  With
# tbib.ko and tbibctl in the image: tbib0 on each VM with the four links
# as rails, perftest through it over all four rails, over one rail (the
# other three down), and rxe on link 0 for comparison; then a few
# lines to read at a glance and the full rail counters.  Until tbib.ko and
# tbibctl are built: the rxe baseline on link 0 only.
. /tests/lib.sh
. /tests/_xport-lib.sh

BW_ARGS=(-F -u 18 -s 65536 -D 3 -f 0)
LAT_ARGS=(-F -u 18 -s 64 -n 1000)
port=18520

# on failure, show what the rails saw before giving up
demo_fail() {
	[ "$mode" = tbib ] && tbibctl rail show -s
	fail "$@"
}

# demo_perf TAG DEV [GID ARGS]: ib_write_bw and ib_write_lat on DEV;
# sets bw_TAG (MB/s) and lat_TAG (µs)
demo_perf() {
	local tag=$1 d=$2
	shift 2
	barrier "perf-$tag"
	log "ib_write_bw on $d (64 KiB for 3 s), $tag"
	perf_run -q "demo_bw_$tag" 240 ib_write_bw -d "$d" "$@" -p $((port++)) "${BW_ARGS[@]}" ||
		{ cat "/tmp/demo_bw_$tag.log"; demo_fail "ib_write_bw on $d failed"; }
	perf_summary "/tmp/demo_bw_$tag.log"
	printf -v "bw_${tag//-/_}" '%s' "$(perf_bw "/tmp/demo_bw_$tag.log")"
	log "ib_write_lat on $d (64 B x 1000), $tag"
	perf_run -q "demo_lat_$tag" 240 ib_write_lat -d "$d" "$@" -p $((port++)) "${LAT_ARGS[@]}" ||
		{ cat "/tmp/demo_lat_$tag.log"; demo_fail "ib_write_lat on $d failed"; }
	perf_summary "/tmp/demo_lat_$tag.log"
	printf -v "lat_${tag//-/_}" '%s' "$(perf_lat "/tmp/demo_lat_$tag.log")"
}

# rail_bytes: "IFNAME BYTES" per rail of tbib0, bytes sent plus received
rail_bytes() {
	xport_rail_ctrs tx_bytes >/tmp/rail.tx
	xport_rail_ctrs rx_bytes >/tmp/rail.rx
	awk '$1 != "tbib0" { next } NR == FNR { tx[$2] = $3; next }
	     { print $2, tx[$2] + $3 }' /tmp/rail.tx /tmp/rail.rx
}

# other_rails up|down: every rail of tbib0 but the first (eth0), on both
# sides; up waits until all are up again
other_rails() {
	local id
	for id in $(xport_rail_ctrs id | awk '$1 == "tbib0" && $2 != "eth0" { print $3 }'); do
		check tbibctl rail set tbib0 "$id" state "$1"
	done
	barrier "rails-$1"
	[ "$1" = down ] || xport_wait_rails tbib0 "$TBIB_LINKS"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2fx", a / b; else print "-" }'; }

if ! have_tbib; then
	log "tbib.ko/tbibctl not available: showing the rxe baseline on link 0"
	mode=rxe
	rxe_add rxe0 eth0
	ibv_devinfo -d rxe0 | grep -E 'hca_id|transport|state|active_mtu|link_layer'
	demo_perf rxe rxe0 -x "$(gid_v4 rxe0)"
	log "DEMO rxe: ib_write_bw $bw_rxe MB/s, ib_write_lat $lat_rxe usec (software-emulated VMs: compare ratios, not absolute numbers)"
	barrier done
	exit 0
fi

mode=tbib
load_tbib
check tbibctl dev add tbib0
for ((l = 0; l < TBIB_LINKS; l++)); do
	check tbibctl rail add tbib0 netdev "eth$l"
done
barrier rails-added
wait_until 60 grep -q ACTIVE /sys/class/infiniband/tbib0/ports/1/state ||
	demo_fail "tbib0 port not active: $(cat /sys/class/infiniband/tbib0/ports/1/state)"
log "tbib0 up on $TBIB_LINKS rails (eth0..eth$((TBIB_LINKS - 1)))"
ibv_devinfo -d tbib0 | grep -E 'hca_id|transport|state|active_mtu|active_speed|active_width|link_layer|port_lid'

# Not counted: the first QP after the rails came up runs several times
# slower for its first seconds than every later one (seen: 0.3 MB/s, then
# 1.7-2.3 MB/s), which would decide whichever comparison came first.
demo_perf warm-up tbib0

# one rail: the others down on both sides
other_rails down
demo_perf one tbib0
other_rails up

rail_bytes >/tmp/bytes0
demo_perf all tbib0
rail_bytes >/tmp/bytes1

rxe_add rxe0 eth0
demo_perf rxe rxe0 -x "$(gid_v4 rxe0)"

log "==== at a glance (software-emulated VMs: compare ratios, not absolute numbers) ===="
printf '%-26s %12s %14s\n' "" "ib_write_bw" "ib_write_lat"
printf '%-26s %7s MB/s %9s usec\n' "tbib0 over $TBIB_LINKS rails" "$bw_all" "$lat_all"
printf '%-26s %7s MB/s %9s usec\n' "tbib0 over 1 rail (eth0)" "$bw_one" "$lat_one"
printf '%-26s %7s MB/s %9s usec\n' "rxe0 on link 0" "$bw_rxe" "$lat_rxe"
echo "tbib0 over $TBIB_LINKS rails: $(ratio "$bw_all" "$bw_one") the bandwidth of one rail, $(ratio "$bw_all" "$bw_rxe") that of rxe"
echo "(the links are not shaped: the emulated CPUs, not the links, set these rates; make bench shapes the rails to measure aggregation)"
echo "bytes each rail carried in the $TBIB_LINKS-rail ib_write_bw run (sent + received):"
awk 'NR == FNR { b[$1] = $2; next } { d[$1] = $2 - b[$1]; t += $2 - b[$1] }
	END { for (r in d) printf "  %-6s %5.1f%%\n", r, (t > 0 ? 100 * d[r] / t : 0) }' \
	/tmp/bytes0 /tmp/bytes1 | sort
log "DEMO tbib: ib_write_bw $bw_all MB/s over $TBIB_LINKS rails, $bw_one over one, rxe $bw_rxe; ib_write_lat $lat_all usec"

log "tbibctl rail show -s (the full counters)"
check tbibctl rail show -s
barrier done
