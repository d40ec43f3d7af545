#!/bin/bash
# tbib-test: topology=single links=0 timeout=600
# SPDX-License-Identifier: GPL-2.0
#
# tbibctl with many objects: one device reaching N peers (N other tbib
# devices, one veth each), so that device, rail and peer dumps span
# several netlink messages (NLM_F_MULTI parts).  Every object must be
# listed exactly once, in human and JSON output, and batch mode must
# carry the whole configuration.
. /tests/lib.sh

N=${TBIB_SCALE_N:-200}
TMP=$(mktemp -d)

# count ERE: lines of the last output matching ERE
count() { grep -cE -- "$1" "$TMP/out"; }

run() {
	tbibctl "$@" >"$TMP/out" 2>"$TMP/err" ||
		fail "tbibctl $* -> $?: $(head -c 2000 "$TMP/err")"
	[ -s "$TMP/err" ] && fail "tbibctl $*: stderr: $(head -c 2000 "$TMP/err")"
	return 0
}

# minimal JSON shape checks (the full parser lives in ctl-basic.sh):
# balanced brackets outside strings, no ",]" / ",}" and no "}{".
json_shape() {
	awk '{ s = s $0 }
	END {
		gsub(/\\"/, "", s)
		gsub(/"[^"]*"/, "\"\"", s)
		if (s ~ /,[]}]/ || s ~ /[]}][[{]/ || s ~ /^[^[{]/) exit 1
		d = 0
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (c == "[" || c == "{") d++
			else if (c == "]" || c == "}") { d--; if (d < 0) exit 1 }
		}
		exit d != 0
	}' "$1"
}

load_tbib
log "$N veth pairs"
for i in $(seq 0 $((N - 1))); do
	echo "link add pa$i type veth peer name pb$i"
done >"$TMP/ip.batch"
for i in $(seq 0 $((N - 1))); do
	echo "link set pa$i up"
	echo "link set pb$i up"
done >>"$TMP/ip.batch"
ip -b "$TMP/ip.batch" || fail "cannot create veths"

log "configuration in one batch"
{
	echo "# hub and $N spokes"
	echo "dev add tbib0 lid 1"
	for i in $(seq 0 $((N - 1))); do
		echo "dev add tbibp$i lid $((i + 2))"
		echo "rail add tbib0 netdev pa$i weight $((i + 1))"
		echo "rail add tbibp$i netdev pb$i"
	done
} >"$TMP/conf"
t0=$(date +%s)
run -b "$TMP/conf"
log "batch of $((3 * N + 1)) commands took $(( $(date +%s) - t0 ))s"

log "devices"
run dev show
[ "$(count '^dev ')" = $((N + 1)) ] || fail "dev show: $(count '^dev ') devices, expected $((N + 1))"
[ "$(awk '{ print $2 }' "$TMP/out" | sort -u | wc -l)" = $((N + 1)) ] || fail "duplicate devices in the dump"
run -j dev show
json_shape "$TMP/out" || fail "dev show -j malformed"
[ "$(grep -o '"name":"tbib' "$TMP/out" | wc -l)" = $((N + 1)) ] || fail "dev JSON count"

log "rails"
run rail show tbib0
[ "$(count '^rail [0-9]+ dev tbib0 netdev pa[0-9]+ ')" = $N ] || fail "rail show tbib0: $(count '^rail ') rails"
[ "$(awk '{ print $6 }' "$TMP/out" | sort -u | wc -l)" = $N ] || fail "duplicate rails in the dump"
# weights as configured: pa$i has weight i+1
awk '{ for (k = 1; k < NF; k++) { if ($k == "netdev") n = substr($(k + 1), 3); if ($k == "weight") w = $(k + 1) }
       if (w != n + 1) { print "rail " $2 " on pa" n " has weight " w; bad = 1 } }
     END { exit bad }' "$TMP/out" || fail "weights differ from the configuration"
run rail show
[ "$(count '^rail ')" = $((2 * N)) ] || fail "rail show: $(count '^rail ') rails, expected $((2 * N))"
run -j -s rail show
json_shape "$TMP/out" || fail "rail show -j -s malformed"
[ "$(grep -o '"tx_packets":' "$TMP/out" | wc -l)" = $((2 * N)) ] || fail "rail JSON count"

log "waiting for $N peers"
wait_until 240 sh -c "[ \$(tbibctl peer show tbib0 | grep -c '^peer ') -ge $N ]" ||
	fail "only $(tbibctl peer show tbib0 | grep -c '^peer ') peers of $N"
run peer show tbib0
[ "$(count '^peer ')" = $N ] || fail "peer show tbib0: $(count '^peer ') peers"
[ "$(awk '{ print $2 }' "$TMP/out" | sort -u | wc -l)" = $N ] || fail "duplicate peers in the dump"
[ "$(awk '{ for (k = 1; k < NF; k++) if ($k == "lid") print $(k + 1) }' "$TMP/out" | sort -n | head -n 1)" = 2 ] ||
	fail "peer LIDs"
# each spoke is reached through exactly one rail
[ "$(count ' rails [0-9]+$')" = $N ] || fail "peers with other than one rail"
run peer show
[ "$(count '^peer ')" = $((2 * N)) ] || fail "peer show: $(count '^peer ') peers, expected $((2 * N))"
run -j peer show tbib0
json_shape "$TMP/out" || fail "peer show -j malformed"
[ "$(grep -oE '"rails":\[[0-9]+\]' "$TMP/out" | wc -l)" = $N ] || fail "peer JSON count"
run dev show tbib0
grep -qE " peers $N( |$)" "$TMP/out" || fail "tbib0 num_peers: $(cat "$TMP/out")"

log "stats over $((2 * N)) rails"
run -j stats -w 1 -c 1
json_shape "$TMP/out" || fail "stats -j malformed"
[ "$(grep -o '"tx_mbps":' "$TMP/out" | wc -l)" = $((2 * N)) ] || fail "stats rails"

log "teardown in one batch"
{
	for i in $(seq 0 $((N - 1))); do
		echo "dev del tbibp$i"
	done
	echo "dev del tbib0"
} >"$TMP/conf"
run -b "$TMP/conf"
run dev show
[ ! -s "$TMP/out" ] || fail "devices left: $(head "$TMP/out")"
run rail show
[ ! -s "$TMP/out" ] || fail "rails left: $(head "$TMP/out")"
run peer show
[ ! -s "$TMP/out" ] || fail "peers left: $(head "$TMP/out")"
modprobe -r tbib || fail "unload"
log "ok"
rm -rf "$TMP"
exit 0
