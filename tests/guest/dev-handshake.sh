#!/bin/bash
# tbib-test: topology=single timeout=400
#
# The rail handshake and the state machine around it, two devices in one
# VM over veth pairs:
#  - same LID on both ends: lid_conflict flagged on both devices and peers,
#    cleared by `dev set lid`, which the peer learns (PEER_SET);
#  - a configured peer MAC: a wrong one never binds, the right one does;
#  - admin down on one side: the other side re-probes at once (BYE);
#  - a HELLO replayed after the rail bound is dropped as stale, one with
#    a flipped bit by its CRC; the rail stays UP;
#  - carrier loss: DOWN on both sides; back up: UP again;
#  - MTU change reaches the rail;
#  - keepalives lost (netem 100% loss one way): both sides leave UP;
#  - the peer restarts (same GUID, new instance): the rail rebinds to it;
#  - foreign and garbage frames on a rail are counted as drops.
. /tests/lib.sh

# jfield JSON NAME: the first value of NAME in a JSON text
jfield() { echo "$1" | grep -oE "\"$2\": ?(\"[^\"]*\"|[0-9a-z]+)" | head -n 1 | sed -E 's/^"[^"]*": ?"?//; s/"$//'; }
rail_state() { jfield "$(tbibctl -j rail show "$1" "$2")" state; }
wait_state() { # DEV RAIL STATE [SECONDS]
	wait_until "${4:-10}" sh -c "tbibctl -j rail show $1 $2 | grep -qE '\"state\": ?\"$3\"'" ||
		fail "$1 rail $2 not $3: $(tbibctl rail show "$1" "$2")"
}

load_tbib
veth_pairs 2

log "same LID on both ends"
check tbibctl dev add tbib0 lid 0x20 guid 0x0200000000000a01
check tbibctl dev add tbib1 lid 0x20 guid 0x0200000000000b01
check tbibctl rail add tbib0 netdev va0
check tbibctl rail add tbib1 netdev vb0
wait_state tbib0 va0 up 20
wait_state tbib1 vb0 up 20
wait_until 5 sh -c "tbibctl -j dev show tbib0 | grep -qE '\"lid_conflict\": ?true'" ||
	fail "no LID conflict on tbib0: $(tbibctl -j dev show tbib0)"
wait_until 5 sh -c "tbibctl -j dev show tbib1 | grep -qE '\"lid_conflict\": ?true'" ||
	fail "no LID conflict on tbib1"
tbibctl -j peer show tbib0 | grep -qE '"lid_conflict": ?true' || fail "peer not flagged"
dmesg | grep -q "uses LID 0x20, which is ours" || fail "no warning in the kernel log"
genl-garbage monitor 20 >/tmp/ev &
mon=$!
wait_until 10 grep -q listening /tmp/ev || fail "monitor did not start"
check tbibctl dev set tbib1 lid 0x21
wait_until 5 sh -c "tbibctl -j dev show tbib0 | grep -qE '\"lid_conflict\": ?false'" ||
	fail "conflict not cleared on tbib0: $(tbibctl -j dev show tbib0)"
wait_until 5 sh -c "tbibctl -j peer show tbib0 | grep -qE '\"lid\": ?33'" || fail "tbib0 did not learn the new LID"
assert_eq "$(cat /sys/class/infiniband/tbib1/ports/1/lid)" "0x21"
wait_until 5 grep -q "PEER_SET tbib0" /tmp/ev || fail "no PEER_SET event: $(cat /tmp/ev)"
kill $mon; wait $mon 2>/dev/null

log "configured peer MAC"
macb1=$(cat /sys/class/net/vb1/address)
check tbibctl rail add tbib0 netdev va1 peer 02:00:00:00:00:99
check tbibctl rail add tbib1 netdev vb1
sleep 2
assert_eq "$(rail_state tbib0 va1)" probing "bound to a MAC it was told not to"
check tbibctl rail set tbib0 va1 peer "$macb1"
wait_state tbib0 va1 up 10
out=$(tbibctl -j rail show tbib0 va1)
assert_eq "$(jfield "$out" peer_addr)" "$macb1" "bound peer address"
assert_eq "$(jfield "$out" peer_mac)" "$macb1" "configured peer MAC"

log "admin down: the peer re-probes at once"
ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
t0=$(ms)
check tbibctl rail set tbib0 va1 state down
wait_state tbib1 vb1 probing 5
t1=$(ms)
log "peer noticed after $((t1 - t0)) ms"
# a HELLO of tbib1 that does not name tbib0 (it re-probes), for later
hello=$(rail-capture va1 01 5) || fail "no HELLO of tbib1 on va1"
# through a BYE: the keepalive timeout (which logs "silent") never fired
silent() { dmesg | grep -c "tbib1: rail 2: peer .* silent"; }
assert_eq "$(silent)" 0 "peer noticed admin down by timeout, not by BYE"
assert_eq "$(rail_state tbib0 va1)" down
check tbibctl rail set tbib0 va1 state up
wait_state tbib0 va1 up 10
wait_state tbib1 vb1 up 10

log "a late HELLO: older than what the peer has sent since, dropped"
# Two HELLOs can cross (the probe timer and a state change send from
# different CPUs); a late one saying "I do not hear you" used to make a
# rail that had just bound re-probe while the other end sent onto it.
rctr() { jfield "$(tbibctl -j -s rail show tbib0 va1)" "$1"; }
rctr_above() { [ "$(rctr "$1")" -gt "$2" ]; }
down0=$(rctr rail_down) stale0=$(rctr rx_drop_stale)
check rail-inject vb1 "$(cat /sys/class/net/va1/address)" "${hello%% *}"
wait_until 5 rctr_above rx_drop_stale "$stale0" ||
	fail "the late HELLO was not dropped as stale: $(tbibctl -s rail show tbib0 va1)"
sleep 0.5
assert_eq "$(rail_state tbib0 va1)" up "a late HELLO took the rail out of UP"
assert_eq "$(rctr rail_down)" "$down0" "a late HELLO took the rail down"

log "a HELLO with a flipped bit: dropped by its CRC"
# bit 7 of the sequence number's first byte (offset 64): taken, it would
# make every later keepalive of the peer look stale (the rail would die)
h=${hello%% *}
b=$(printf '%02x' $(( 0x${h:128:2} ^ 0x80 )))
csum0=$(rctr rx_drop_csum)
check rail-inject vb1 "$(cat /sys/class/net/va1/address)" "${h:0:128}$b${h:130}"
wait_until 5 rctr_above rx_drop_csum "$csum0" ||
	fail "the corrupted HELLO was not dropped by its CRC: $(tbibctl -s rail show tbib0 va1)"
sleep 1.5
assert_eq "$(rail_state tbib0 va1)" up "a corrupted HELLO took the rail out of UP"
assert_eq "$(rctr rail_down)" "$down0" "a corrupted HELLO took the rail down"

log "a HELLO whose 'numbered' capability bit flipped: dropped as malformed"
# caps is bytes 4-7, TBIB_HELLO_CAP_SEQ bit 2 of byte 7: without it the
# receiver would neither check the number nor the CRC
b=$(printf '%02x' $(( 0x${h:14:2} & ~0x04 )))
malq0=$(rctr rx_drop_malformed)
check rail-inject vb1 "$(cat /sys/class/net/va1/address)" "${h:0:14}$b${h:16}"
wait_until 5 rctr_above rx_drop_malformed "$malq0" ||
	fail "the HELLO without its number was not dropped: $(tbibctl -s rail show tbib0 va1)"
sleep 1.5
assert_eq "$(rail_state tbib0 va1)" up "an unnumbered HELLO took the rail out of UP"
assert_eq "$(rctr rail_down)" "$down0" "an unnumbered HELLO took the rail down"

log "carrier"
check ip link set vb1 down
wait_state tbib1 vb1 down 5
wait_state tbib0 va1 down 5
grep -q ACTIVE /sys/class/infiniband/tbib0/ports/1/state || fail "port lost with one rail left"
check ip link set vb1 up
wait_state tbib0 va1 up 10
wait_state tbib1 vb1 up 10

log "MTU"
check ip link set va1 mtu 9000
check ip link set vb1 mtu 9000
wait_until 5 sh -c "tbibctl -j rail show tbib0 va1 | grep -qE '\"mtu\": ?9000'" ||
	fail "MTU not followed: $(tbibctl rail show tbib0 va1)"
check ip link set vb1 mtu 4000
wait_until 5 sh -c "tbibctl -j rail show tbib0 va1 | grep -qE '\"mtu\": ?4000'" ||
	fail "peer MTU not followed: $(tbibctl rail show tbib0 va1)"
check ip link set va1 mtu 400
wait_state tbib0 va1 down 5
wait_state tbib1 vb1 probing 5
sleep 1.5
assert_eq "$(silent)" 0 "peer noticed the MTU drop by timeout, not by BYE"

log "lost keepalives"
modprobe sch_netem || fail "no sch_netem"
check tc qdisc add dev va0 root netem loss 100%
wait_state tbib1 vb0 probing 5
wait_state tbib0 va0 probing 5
check tc qdisc del dev va0 root
wait_state tbib0 va0 up 10
wait_state tbib1 vb0 up 10

log "peer restart: same GUID, new instance"
check ip link set va1 mtu 1500
wait_state tbib0 va1 up 10
check tbibctl dev del tbib1
wait_until 5 sh -c "[ \$(tbibctl -j peer show tbib0 | grep -c guid) = 0 ]" || fail "peer survived"
check tbibctl dev add tbib1 lid 0x22 guid 0x0200000000000b01
check tbibctl rail add tbib1 netdev vb0
wait_state tbib0 va0 up 10
wait_until 5 sh -c "tbibctl -j peer show tbib0 | grep -qE '\"lid\": ?34'" || fail "new instance not seen"

log "garbage frames"
hw=/sys/class/infiniband/tbib0/ports/1/hw_counters
mal0=$(cat $hw/rx_drop_malformed) peer0=$(cat $hw/rx_drop_peer)
mac0=$(cat /sys/class/net/va0/address)
z60=$(printf '%0120d' 0)
# version 2; one byte; a bare HELLO header; a HELLO claiming 0xffff
# bytes; an unknown control type; a HELLO with GUID 0; a HELLO that says
# it is numbered (caps bit 2) but is too short for the number; then, from
# a forged source address, a transport frame and a HELLO naming our GUID
check rail-inject vb0 "$mac0" 0201 01 0101 "0101ffff$z60" "0103$z60" "01010040$z60" \
	"0101004000000004""0200000000000b01""0000000000000001""00000000000000000000000000000000""0000002100000001000005dc000000000000000000002710" \
	src=02:00:00:00:00:77 "0110$z60" \
	"0101004000000001""0200000000000a01""0000000000000001""00000000000000000000000000000000""0000002000000001000005dc000000000000000000002710"
sleep 1
mal1=$(cat $hw/rx_drop_malformed) peer1=$(cat $hw/rx_drop_peer)
log "malformed drops $mal0 -> $mal1, foreign $peer0 -> $peer1"
assert_ge "$mal1" "$((mal0 + 7))" "garbage frames counted as malformed"
assert_ge "$peer1" "$((peer0 + 2))" "foreign frames counted"
log "random frames"
check rail-inject vb0 "$mac0" random 20000 7
check rail-inject vb1 "$(cat /sys/class/net/va1/address)" random 20000 8
mal2=$(cat $hw/rx_drop_malformed)
assert_ge "$mal2" "$((mal1 + 1000))" "random frames counted"
wait_state tbib0 va0 up 5
wait_state tbib1 vb0 up 5

check tbibctl dev del tbib0
check tbibctl dev del tbib1
check rmmod tbib
log "ok"
