#!/bin/bash
# tbib-test: topology=mesh3 links=2 timeout=300
#
# Three hosts, every two joined by their own two links (tests/vm/README.md,
# mesh3).  One tbib0 per VM with all four of its links as rails: each VM
# sees two peers, each over the two rails of its own links; RC traffic
# (tests/tools/integrity: every opcode, every byte checked; IB link layer:
# LIDs, no GID) between every two hosts, each as server and as client,
# works, and the rail counters show each
# pair's traffic on that pair's rails only (tx_bytes: the rails to the
# third VM, and all rails of the third VM, do not move).  Both directions
# of a pair run at once (each VM serves the other's client).
. /tests/lib.sh

me=$TBIB_ROLE
peers=()
for ((p = 0; p < 3; p++)); do [ $p = "$me" ] || peers+=($p); done
lid() { echo $((0x30 + $1)); }

load_tbib
check tbibctl dev add tbib0 lid "$(lid "$me")" guid "0x020000000000030$me"
for p in "${peers[@]}"; do
	for ((l = 0; l < TBIB_LINKS; l++)); do
		check tbibctl rail add tbib0 netdev "$(mesh_if "$p" $l)"
	done
done
nrails=$((2 * TBIB_LINKS))
rails_up() { [ "$(tbibctl -j rail show tbib0 | grep -oE '"state": ?"up"' | wc -l)" = $nrails ]; }
wait_until 60 rails_up || fail "not all rails up: $(tbibctl rail show tbib0)"
wait_until 10 grep -q ACTIVE /sys/class/infiniband/tbib0/ports/1/state || fail "port not active"
tbibctl rail show tbib0
tbibctl peer show tbib0

# two peers, each with its LID, GUID and the rails of its own links
out=$(tbibctl -j peer show tbib0)
assert_eq "$(echo "$out" | grep -oE '"lid": ?[0-9]+' | wc -l)" 2 "number of peers"
for p in "${peers[@]}"; do
	assert_match "$out" "\"lid\": ?$(lid "$p")[,}]" "peer vm$p LID"
	assert_match "$out" "0200:0000:0000:030$p" "peer vm$p GUID"
	for ((l = 0; l < TBIB_LINKS; l++)); do
		r=$(tbibctl -j rail show tbib0 "$(mesh_if "$p" $l)")
		assert_match "$r" "\"peer_lid\": ?$(lid "$p")[,}]" "rail $(mesh_if "$p" $l) bound to vm$p"
	done
done
barrier up 120

# tx: tx_bytes of every rail of tbib0, "IFNAME VALUE" a line
tx() {
	tbibctl -j -s rail show tbib0 | sed 's/{"dev"/\n&/g' | awk '
		match($0, /"ifname": *"[^"]*"/) {
			i = substr($0, RSTART, RLENGTH); sub(/.*: *"/, "", i); sub(/"$/, "", i)
			v = 0
			if (match($0, /"tx_bytes": *[0-9]+/)) {
				v = substr($0, RSTART, RLENGTH); sub(/.*: */, "", v)
			}
			print i, v
		}'
}

port=18900
command -v integrity >/dev/null || fail "integrity tool missing from the image"
# pp_server PORT / pp_client HOST PORT: an integrity run (its client
# retries the TCP connection itself).  QP timeout 18 (1 s): three VMs on
# a loaded two-core host stall for longer than ibv_rc_pingpong's fixed
# 67 ms x 7 retries.
INT=(-n 40 -s 16384 -t 18 -w 60)
pp_server() { timeout 90 integrity -d tbib0 -p "$1" -S "$1" "${INT[@]}" >"/tmp/pp-s$1.log" 2>&1; }
pp_client() { timeout 90 integrity -d tbib0 -p "$2" -S "$2" "${INT[@]}" "$1" >"/tmp/pp-c$2.log" 2>&1; }

# run A B: RC traffic between vm A and vm B in both directions at once
# (each runs an integrity server for the other's client), the third
# VM idles; then every VM checks which of its rails moved.
run() {
	local a=$1 b=$2 before after rc=0 i v b0 moved other spid
	port=$((port + 2))
	before=$(tx)
	barrier "pp-$a-$b"
	if [ "$me" = "$a" ] || [ "$me" = "$b" ]; then
		[ "$me" = "$a" ] && other=$b || other=$a
		# my server on port+(me == a ? 0 : 1), my client to the other's
		log "integrity vm$me <-> vm$other, both directions"
		pp_server $((port + (me == a ? 0 : 1))) &
		spid=$!
		pp_client "$(mesh_ip "$other" "$me" 0)" $((port + (me == a ? 1 : 0))) || rc=$?
		wait $spid || rc=$((rc + 100))
		cat /tmp/pp-*.log
		[ $rc = 0 ] || { tbibctl -s rail show; fail "integrity vm$me <-> vm$other failed ($rc)"; }
		[ "$(cat /tmp/pp-*.log | grep -c '^integrity: OK')" = 2 ] ||
			fail "integrity vm$me <-> vm$other: not OK"
		rm -f /tmp/pp-*.log
	fi
	barrier "pp-$a-$b-done"
	after=$(tx)
	moved=
	while read -r i v; do
		b0=$(echo "$before" | awk -v i="$i" '$1 == i { print $2 }')
		b0=${b0:-0}
		moved+=" $i +$((v - b0))"
		case $i in
		to${a}l* | to${b}l*)
			# a rail of this run's pair on one of its two VMs
			if [ "$me" = "$a" ] || [ "$me" = "$b" ]; then
				[ "$v" -gt "$b0" ] || fail "vm$a<->vm$b: rail $i carried nothing:$moved"
				continue
			fi ;;
		esac
		[ "$v" = "$b0" ] || fail "vm$a<->vm$b: rail $i of vm$me carried $((v - b0)) bytes"
	done <<<"$after"
	log "vm$a<->vm$b tx bytes:$moved"
}

run 0 1
run 0 2
run 1 2
barrier done
check tbibctl dev del tbib0
log "ok"
