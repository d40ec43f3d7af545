#!/bin/bash
# tbib-test: topology=single links=2 timeout=400
# SPDX-License-Identifier: GPL-2.0
#
# tbibctl against the real kernel family: every command, human and JSON
# output checked by parsing (JSON also validated by a small parser), the
# error paths with their exit codes and extack messages, the unprivileged
# case, events seen by "monitor" (netdev deleted under a rail, module
# unloaded), batch mode, a dump of hundreds of rails, and "stats -w".
. /tests/lib.sh

TMP=$(mktemp -d)

# ---- helpers ----

# t ARGS...: run tbibctl; sets OUT, ERR, RC
t() {
	tbibctl "$@" >"$TMP/out" 2>"$TMP/err"
	RC=$?
	OUT=$(cat "$TMP/out")
	ERR=$(cat "$TMP/err")
}

# ok ARGS...: tbibctl must succeed and print nothing on stderr
ok() {
	t "$@"
	[ "$RC" = 0 ] || fail "tbibctl $* -> rc $RC: $ERR"
	[ -z "$ERR" ] || fail "tbibctl $*: unexpected stderr: $ERR"
}

# bad RC ERE ARGS...: tbibctl must exit RC with stderr matching ERE
bad() {
	local want=$1 re=$2
	shift 2
	t "$@"
	[ "$RC" = "$want" ] || fail "tbibctl $*: rc $RC, expected $want (stderr: $ERR, stdout: $OUT)"
	echo "$ERR" | grep -qE -- "$re" || fail "tbibctl $*: stderr lacks /$re/: $ERR"
	# nothing half-printed on stdout
	[ -z "$OUT" ] || fail "tbibctl $*: stdout on error: $OUT"
}

# kerr ARGS...: a kernel refusal is "tbibctl: <extack> (<strerror>)", rc 1
kerr() {
	local re=$1
	shift
	bad 1 "$re" "$@"
	echo "$ERR" | head -n 1 | grep -qE '^tbibctl: .+ \([A-Z][^()]*\)$' ||
		fail "tbibctl $*: not in 'tbibctl: msg (strerror)' form: $ERR"
}

# json_ok [lines] < INPUT: INPUT parses as JSON (one document, or one per
# line); the parser is awk, the guest has no python or jq.
json_ok() {
	awk -v mode="${1:-doc}" -f "$TMP/json.awk"
}

cat >"$TMP/json.awk" <<'EOF'
function jerr(m) {
	printf "invalid JSON (%s) at offset %d: %s\n", m, pos, substr(s, pos, 40) > "/dev/stderr"
	bad = 1
	pos = n + 2
}
function ws() {
	while (pos <= n && index(" \t\r\n", substr(s, pos, 1)))
		pos++
}
function jstring(   c) {
	pos++
	while (pos <= n) {
		c = substr(s, pos, 1)
		if (c == "\\") { pos += 2; continue }
		if (c == "\"") { pos++; return }
		pos++
	}
	jerr("unterminated string")
}
function jnumber(   t) {
	t = substr(s, pos, 40)	# bounded: a copy of the rest would make this quadratic
	if (match(t, /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/))
		pos += RLENGTH
	else
		jerr("bad number")
}
function jobject(   c) {
	pos++
	ws()
	if (substr(s, pos, 1) == "}") { pos++; return }
	while (pos <= n) {
		ws()
		if (substr(s, pos, 1) != "\"") { jerr("key expected"); return }
		jstring()
		ws()
		if (substr(s, pos, 1) != ":") { jerr("':' expected"); return }
		pos++
		jvalue()
		ws()
		c = substr(s, pos, 1)
		pos++
		if (c == "}") return
		if (c != ",") { jerr("',' or '}' expected"); return }
	}
	jerr("unterminated object")
}
function jarray(   c) {
	pos++
	ws()
	if (substr(s, pos, 1) == "]") { pos++; return }
	while (pos <= n) {
		jvalue()
		ws()
		c = substr(s, pos, 1)
		pos++
		if (c == "]") return
		if (c != ",") { jerr("',' or ']' expected"); return }
	}
	jerr("unterminated array")
}
function jvalue(   c) {
	ws()
	c = substr(s, pos, 1)
	if (c == "{") jobject()
	else if (c == "[") jarray()
	else if (c == "\"") jstring()
	else if (c ~ /[-0-9]/) jnumber()
	else if (substr(s, pos, 4) == "true") pos += 4
	else if (substr(s, pos, 5) == "false") pos += 5
	else if (substr(s, pos, 4) == "null") pos += 4
	else jerr("value expected")
}
function doc(text) {
	s = text; n = length(s); pos = 1
	jvalue()
	ws()
	if (!bad && pos <= n) jerr("trailing characters")
	docs++
}
mode == "lines" { if ($0 != "") doc($0); next }
{ all = all $0 "\n" }
END {
	if (mode != "lines") doc(all)
	if (!docs) { print "no JSON document" > "/dev/stderr"; exit 1 }
	exit bad
}
EOF

# the self-test of the JSON checker: it must be able to fail
echo '[{"a":1,"b":[true,null,"x\"y"],"c":-1.5e3}]' | json_ok || fail "json_ok rejects valid JSON"
echo '[{"a":1,}]' | json_ok 2>/dev/null && fail "json_ok accepts a trailing comma"
echo '{"a":1} x' | json_ok 2>/dev/null && fail "json_ok accepts trailing junk"

# jget KEY < JSON: every value of KEY, one per line (strings unquoted)
jget() {
	grep -oE "\"$1\":(\"[^\"]*\"|[^,}]*)" | sed -E "s/^\"$1\"://; s/^\"(.*)\"$/\\1/"
}

# field NAME < LINE: the word after NAME in a "key value" human line
field() {
	awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }'
}

# ---- setup ----

load_tbib
ip link add dummy0 type dummy 2>/dev/null && ip link del dummy0 ||
	modprobe dummy || fail "no dummy netdevs"
veth_pairs 3 va vb
log "tbibctl $(tbibctl -V)"

# without the module loaded the answer must be clear
# (checked at the end, after the unload)

# the monitors start first and must see everything that follows
tbibctl monitor >"$TMP/mon.txt" 2>"$TMP/mon.err" &
MON=$!
tbibctl -j monitor >"$TMP/mon.json" 2>"$TMP/monj.err" &
MONJ=$!
# wait until both listen: a throw-away device's creation must show up
# in both (a monitor that joins between an add and its del sees only
# the del, so the loop waits for the "new" event itself)
for i in $(seq 1 50); do
	ok dev add tbibwarm
	ok dev del tbibwarm
	grep -q "^new dev tbibwarm" "$TMP/mon.txt" &&
		grep -q '"event":"dev_new".*tbibwarm' "$TMP/mon.json" && break
	sleep 0.2
done
grep -q "^new dev tbibwarm" "$TMP/mon.txt" || fail "monitor does not listen: $(cat "$TMP/mon.txt" "$TMP/mon.err")"

# ---- devices ----

log "dev add / show"
ok dev add tbib0 lid 1 guid 0x0002c9fffe000001
ok d a tbib1 g 0002:c9ff:fe00:0002
bad 1 "exists" dev add tbib0
bad 1 "GUID" dev add tbibdup guid 00:02:c9:ff:fe:00:00:01
bad 2 "invalid LID" dev add tbib9 lid 0
bad 2 "invalid LID" dev add tbib9 lid 0xc000
bad 2 "invalid LID" dev add tbib9 lid 12abc
bad 2 "invalid GUID" dev add tbib9 guid 0x0
bad 2 "invalid GUID" dev add tbib9 guid 1:2:3
bad 2 "missing device name" dev add
bad 2 "ambiguous dev command" dev s tbib0
bad 2 "unexpected argument" dev del tbib0 extra
[ -d /sys/class/infiniband/tbib9 ] && fail "a rejected dev add left tbib9"

ok dev show
echo "$OUT" | grep -q '^dev tbib0 ' || fail "dev show lacks tbib0: $OUT"
echo "$OUT" | grep -q '^dev tbib1 ' || fail "dev show lacks tbib1: $OUT"
[ "$(echo "$OUT" | grep -c '^dev ')" = 2 ] || fail "dev show: not 2 devices: $OUT"
ok dev show tbib0
line=$OUT
assert_eq "$(echo "$line" | field lid)" 1 "tbib0 lid"
assert_eq "$(echo "$line" | field guid)" "0002:c9ff:fe00:0001" "tbib0 guid"
assert_eq "$(echo "$line" | field state)" down "tbib0 without rails"
assert_eq "$(echo "$line" | field rails)" 0 "tbib0 rails"
# against what ib_core publishes
assert_eq "$(cat /sys/class/infiniband/tbib0/node_guid)" "0002:c9ff:fe00:0001" "sysfs node_guid"
assert_eq "$(cat /sys/class/infiniband/tbib0/ports/1/lid)" 0x1 "sysfs lid"
index=$(echo "$line" | field index)
ok dev show tbib1
assert_eq "$(echo "$OUT" | field guid)" "0002:c9ff:fe00:0002" "tbib1 guid"

ok -j dev show
echo "$OUT" | json_ok || fail "dev show -j is not JSON: $OUT"
assert_eq "$(echo "$OUT" | jget name | tr '\n' ' ')" "tbib0 tbib1 " "JSON names"
ok -j dev show tbib0
echo "$OUT" | json_ok || fail "dev show tbib0 -j: $OUT"
assert_eq "$(echo "$OUT" | jget lid)" 1 "JSON lid"
assert_eq "$(echo "$OUT" | jget guid)" "0002:c9ff:fe00:0001" "JSON guid"
assert_eq "$(echo "$OUT" | jget index)" "$index" "JSON index"
assert_eq "$(echo "$OUT" | jget state)" down "JSON state"
assert_eq "$(echo "$OUT" | jget lid_conflict)" false "JSON lid_conflict"
for k in name index guid lid state rate_mbps num_rails num_peers; do
	echo "$OUT" | grep -q "\"$k\":" || fail "dev JSON lacks $k: $OUT"
done
echo "$OUT" | grep -q '"stats"' && fail "dev JSON has stats without -s"
ok -j -s dev show tbib0
echo "$OUT" | json_ok || fail "dev show -j -s: $OUT"
echo "$OUT" | grep -qE '"stats":\{"tx_packets":[0-9]+' || fail "dev -s JSON lacks counters: $OUT"
ok -p dev show tbib0
echo "$OUT" | json_ok || fail "dev show -p: $OUT"
[ "$(echo "$OUT" | wc -l)" -gt 5 ] || fail "-p is not indented: $OUT"
ok dev show tbib0 -s
echo "$OUT" | grep -qE '^    tx: packets [0-9]+ bytes [0-9]+' || fail "dev show -s: $OUT"

ok dev set tbib1 lid 0x20
ok dev show tbib1
assert_eq "$(echo "$OUT" | field lid)" 32 "dev set lid"
assert_eq "$(cat /sys/class/infiniband/tbib1/ports/1/lid)" 0x20 "sysfs lid after set"

kerr "no such tbib device" dev show nosuch
kerr "no such tbib device" dev del nosuch
kerr "no such tbib device" dev set nosuch lid 5
t -j dev show nosuch
[ "$RC" = 1 ] && [ -z "$OUT" ] || fail "-j dev show nosuch printed '$OUT' rc $RC"

# ---- rails ----

log "rail add / show"
ok rail add tbib0 netdev va0
ok r a tbib0 n va1 w 50 c off
ok rail add tbib1 netdev vb0 weight 100 csum on
ok rail add tbib1 netdev vb1 weight 50 csum off
kerr "already serves a rail" rail add tbib1 netdev va0
kerr "already serves a rail" rail add tbib0 netdev va0
kerr "no such network device" rail add tbib0 netdev nosuch0
kerr "no such tbib device" rail add nosuch netdev va2
kerr "usb4" rail add tbib0 usb4 0-1
kerr "loopback|Ethernet" rail add tbib0 netdev lo
bad 2 "invalid weight" rail add tbib0 netdev va2 weight 1001
bad 2 "invalid weight" rail add tbib0 netdev va2 weight -1
bad 2 "invalid peer MAC" rail add tbib0 netdev va2 peer ff:ff:ff:ff:ff:ff
bad 2 "invalid peer MAC" rail add tbib0 netdev va2 peer 02:00:00:00:00
bad 2 "only applies to netdev rails" rail add tbib0 usb4 0-1 csum on
bad 2 "missing rail type" rail add tbib0
bad 2 "unknown rail type" rail add tbib0 ether va2
bad 2 "invalid interface name" rail add tbib0 netdev 0123456789abcdefg

ok rail show tbib0
[ "$(echo "$OUT" | grep -c '^rail [0-9]* dev tbib0 netdev va[01] ')" = 2 ] ||
	fail "rail show tbib0: $OUT"
echo "$OUT" | grep -q ' vb' && fail "rail show tbib0 shows tbib1's rails: $OUT"
ok rail show
[ "$(echo "$OUT" | grep -c '^rail ')" = 4 ] || fail "rail show (all): $OUT"
ok rail show tbib0 va1
r1=$OUT
assert_eq "$(echo "$r1" | field weight)" 50 "va1 weight"
assert_eq "$(echo "$r1" | field csum)" off "va1 csum"
assert_eq "$(echo "$r1" | field admin)" up "va1 admin"
id1=$(echo "$r1" | awk '{ print $2 }')
ok rail show tbib0 "$id1"
assert_eq "$OUT" "$r1" "rail by id and by netdev"
ok rail show tbib0 va0
assert_eq "$(echo "$OUT" | field weight)" 100 "default weight"
assert_eq "$(echo "$OUT" | field csum)" on "default csum"
id0=$(echo "$OUT" | awk '{ print $2 }')
assert_ne "$id0" "$id1" "rail ids"
kerr "no such rail" rail show tbib0 999
kerr "no rail on this network device" rail show tbib0 vb0
kerr "no rail on this network device" rail show tbib0 va2
kerr "no such tbib device" rail show nosuch
kerr "no such tbib device" peer show nosuch

log "rails come up"
wait_until 60 sh -c 'tbibctl rail show | grep -c " state up " | grep -qx 4' ||
	fail "rails not up: $(tbibctl rail show; tbibctl peer show)"
wait_until 20 sh -c 'tbibctl dev show tbib0 | grep -q " state active "' ||
	fail "tbib0 not active: $(tbibctl dev show)"
grep -q ACTIVE /sys/class/infiniband/tbib0/ports/1/state || fail "sysfs port not active"
# each end carries traffic on a rail once the other's HELLO says it is bound
wait_until 10 sh -c '[ "$(tbibctl rail show | grep -c " peer_bound yes ")" = 4 ]' ||
	fail "peers not bound: $(tbibctl rail show)"
ok rail show tbib0 va0
assert_eq "$(echo "$OUT" | field peer_bound)" yes "va0 peer bound"
assert_eq "$(echo "$OUT" | field peer)" "0002:c9ff:fe00:0002" "va0 peer guid"
assert_eq "$(echo "$OUT" | field peer_lid)" 32 "va0 peer lid"
assert_eq "$(echo "$OUT" | field peer_addr)" "$(cat /sys/class/net/vb0/address)" "va0 peer addr"
mtu=$(echo "$OUT" | field mtu)
assert_gt "$mtu" 1000 "rail mtu"
echo "$OUT" | field rate | grep -qE '^[0-9]+Mbit$' || fail "rate: $OUT"

ok -j rail show tbib0
echo "$OUT" | json_ok || fail "rail show -j: $OUT"
assert_eq "$(echo "$OUT" | jget ifname | sort | tr '\n' ' ')" "va0 va1 " "JSON ifnames"
assert_eq "$(echo "$OUT" | jget dev | sort -u)" tbib0 "JSON dev"
assert_eq "$(echo "$OUT" | jget type | sort -u)" netdev "JSON type"
assert_eq "$(echo "$OUT" | jget state | sort -u)" up "JSON state"
assert_eq "$(echo "$OUT" | jget csum | tr '\n' ' ')" "true false " "JSON csum"
assert_eq "$(echo "$OUT" | jget weight | tr '\n' ' ')" "100 50 " "JSON weight"
assert_eq "$(echo "$OUT" | jget peer_guid | sort -u)" "0002:c9ff:fe00:0002" "JSON peer_guid"
for k in dev id type ifname ifindex state admin_state weight mtu rate_mbps csum peer_lid peer_addr peer_bound; do
	[ "$(echo "$OUT" | grep -o "\"$k\":" | wc -l)" = 2 ] || fail "rail JSON: $k not in both: $OUT"
done
assert_eq "$(echo "$OUT" | jget ifindex | head -n 1)" "$(cat /sys/class/net/va0/ifindex)" "JSON ifindex"
ok -j -s rail show tbib0 va0
echo "$OUT" | json_ok || fail "rail -j -s: $OUT"
for k in tx_packets tx_bytes rx_packets rx_bytes rx_drop_csum probes_tx probes_rx; do
	echo "$OUT" | jget "$k" | grep -qE '^[0-9]+$' || fail "rail stats lack $k: $OUT"
done
assert_gt "$(echo "$OUT" | jget probes_tx)" 0 "probes sent on an up rail"
ok rail show tbib0 va0 -s
echo "$OUT" | grep -qE '^    rx: packets [0-9]+ bytes [0-9]+' || fail "rail -s: $OUT"

log "peers"
ok peer show tbib0
[ "$(echo "$OUT" | grep -c '^peer ')" = 1 ] || fail "peer show tbib0: $OUT"
assert_eq "$(echo "$OUT" | awk '{ print $2 }')" "0002:c9ff:fe00:0002" "peer guid"
assert_eq "$(echo "$OUT" | field lid)" 32 "peer lid"
assert_eq "$(echo "$OUT" | field rails | tr ',' '\n' | sort -n | tr '\n' ' ')" \
	"$(printf '%s\n' "$id0" "$id1" | sort -n | tr '\n' ' ')" "peer rails"
ok -j peer show
echo "$OUT" | json_ok || fail "peer -j: $OUT"
[ "$(echo "$OUT" | grep -o '"guid":' | wc -l)" = 2 ] || fail "2 peers expected: $OUT"
echo "$OUT" | grep -qE '"rails":\[[0-9]+,[0-9]+\]' || fail "peer rails array: $OUT"

log "rail set"
ok rail set tbib0 va1 weight 7 state down
ok rail show tbib0 va1
assert_eq "$(echo "$OUT" | field weight)" 7 "weight after set"
assert_eq "$(echo "$OUT" | field admin)" down "admin after set"
wait_until 10 sh -c "tbibctl rail show tbib0 va1 | grep -q ' state down '" ||
	fail "admin down rail not down: $(tbibctl rail show tbib0 va1)"
ok rail set tbib0 "$id1" st u csum on
wait_until 60 sh -c "tbibctl rail show tbib0 va1 | grep -q ' state up '" ||
	fail "rail not up again: $(tbibctl rail show tbib0 va1)"
assert_eq "$(tbibctl rail show tbib0 va1 | field csum)" on "csum after set"
ok rail set tbib0 va0 peer 02:00:00:00:00:99
ok rail show tbib0 va0
assert_eq "$(echo "$OUT" | field peer_mac)" "02:00:00:00:00:99" "peer_mac"
ok rail set tbib0 va0 peer any
ok rail show tbib0 va0
echo "$OUT" | grep -q peer_mac && fail "peer any kept the restriction: $OUT"
bad 2 "nothing to set" rail set tbib0 va0
bad 2 "invalid weight" rail set tbib0 va0 weight 1001
bad 2 "unknown state" rail set tbib0 va0 state sideways
kerr "no such rail" rail set tbib0 999 weight 5
kerr "no rail on this network device" rail set tbib0 vb0 weight 5
bad 2 "ambiguous rail command" r s tbib0

log "unprivileged"
grep -q '^nobody:' /etc/passwd || echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>/etc/passwd
grep -q '^nogroup:' /etc/group || echo 'nogroup:x:65534:' >>/etc/group
TBIBCTL=$(command -v tbibctl)
su -s /bin/sh nobody -c "$TBIBCTL "'dev add tbibx' >"$TMP/out" 2>"$TMP/err"
rc=$?
assert_eq "$rc" 1 "unprivileged dev add rc ($(cat "$TMP/err"))"
grep -q "Operation not permitted" "$TMP/err" || fail "unprivileged: $(cat "$TMP/err")"
su -s /bin/sh nobody -c "$TBIBCTL "'rail set tbib0 va0 weight 1' >"$TMP/out" 2>"$TMP/err"
assert_eq "$?" 1 "unprivileged rail set"
grep -q "Operation not permitted" "$TMP/err" || fail "unprivileged rail set: $(cat "$TMP/err")"
assert_eq "$(tbibctl rail show tbib0 va0 | field weight)" 100 "weight changed by nobody"
su -s /bin/sh nobody -c "$TBIBCTL "'rail show tbib0' >"$TMP/out" 2>"$TMP/err" ||
	fail "unprivileged show failed: $(cat "$TMP/err")"
[ "$(grep -c '^rail ' "$TMP/out")" = 2 ] || fail "unprivileged show: $(cat "$TMP/out")"
[ -d /sys/class/infiniband/tbibx ] && fail "nobody created tbibx"

log "stats -w"
t stats tbib0 -w 1 -c 2
[ "$RC" = 0 ] || fail "stats -w: rc $RC $ERR"
assert_eq "$(echo "$OUT" | grep -c '^DEV ')" 2 "two intervals"
assert_eq "$(echo "$OUT" | grep -cE '^tbib0 +[0-9]+ +va[01] +up +[0-9]+\.[0-9]{3} +[0-9]+\.[0-9]{3} +[0-9]+ +[0-9]+$')" 4 \
	"2 rails x 2 intervals: $OUT"
echo "$OUT" | grep -q vb && fail "stats tbib0 shows tbib1: $OUT"
t -j stats -w 1 -c 2
[ "$RC" = 0 ] || fail "stats -j: rc $RC $ERR"
assert_eq "$(echo "$OUT" | wc -l)" 2 "two JSON lines"
echo "$OUT" | json_ok lines || fail "stats JSON lines: $OUT"
echo "$OUT" | head -n 1 | jget interval | awk '{ exit !($1 >= 0.9 && $1 < 10) }' ||
	fail "interval: $OUT"
assert_eq "$(echo "$OUT" | head -n 1 | grep -o '"tx_mbps":[0-9]' | wc -l)" 4 "4 rails with rates: $OUT"
t stats
[ "$RC" = 0 ] && [ "$(echo "$OUT" | grep -c '^DEV ')" = 1 ] || fail "stats once: $RC $OUT $ERR"
kerr "no such tbib device" stats nosuch
bad 2 "invalid interval" stats -w 0

log "batch"
cat >"$TMP/b1.conf" <<EOF
# boot-time configuration
dev add tbib2 lid 0x40   # trailing comment

rail add tbib2 netdev va2 weight 10
r a tbib2 n "vb2" csum off
EOF
ok -b "$TMP/b1.conf"
ok rail show tbib2
[ "$(echo "$OUT" | grep -c '^rail ')" = 2 ] || fail "batch rails: $OUT"
assert_eq "$(tbibctl dev show tbib2 | field lid)" 64 "batch lid"
cat >"$TMP/b2.conf" <<EOF
dev show tbib2
rail show tbib2 va2
rail add tbib2 netdev va2
dev add tbib3
EOF
t -b "$TMP/b2.conf"
assert_eq "$RC" 1 "batch with a failing line"
echo "$ERR" | grep -q "already serves a rail" || fail "batch error: $ERR"
echo "$ERR" | grep -q "b2.conf:3: command failed" || fail "batch line: $ERR"
[ "$(echo "$OUT" | grep -c '^dev tbib2 ')" = 1 ] || fail "batch line 1 output: $OUT"
[ -d /sys/class/infiniband/tbib3 ] && fail "batch went on after a failure"
printf 'dev show tbib2\nrail add tbib2 netdev va9 weight 5000\n' | tbibctl -b - >/dev/null 2>"$TMP/err"
assert_eq "$?" 2 "batch usage error rc"
grep -q "stdin:2: command failed" "$TMP/err" || fail "stdin batch: $(cat "$TMP/err")"
printf 'dev show tbib2\n-j dev show\n' | tbibctl -j -b - >"$TMP/out" 2>/dev/null
assert_eq "$?" 2 "options inside a batch line"

log "netdev deleted under a rail"
id2=$(tbibctl rail show tbib2 va2 | awk '{ print $2 }')
ip link del va2 || fail "ip link del va2"	# takes vb2 with it
wait_until 10 sh -c '! tbibctl rail show tbib2 | grep -q "^rail "' ||
	fail "rails of deleted netdevs remain: $(tbibctl rail show tbib2)"
wait_until 10 grep -qE "^del rail $id2 dev tbib2 netdev va2( |$)" "$TMP/mon.txt" ||
	fail "monitor did not see the rail go: $(cat "$TMP/mon.txt")"
wait_until 10 grep -qE '"event":"rail_del","rail":\{[^}]*"ifname":"va2"' "$TMP/mon.json" ||
	fail "JSON monitor did not see the rail go: $(cat "$TMP/mon.json")"

log "hundreds of rails in one dump"
N=300
for i in $(seq 0 $((N - 1))); do echo "link add dm$i type dummy"; done >"$TMP/ip.batch"
for i in $(seq 0 $((N - 1))); do echo "link set dm$i up"; done >>"$TMP/ip.batch"
ip -b "$TMP/ip.batch" || fail "cannot create $N dummies"
for i in $(seq 0 $((N - 1))); do echo "rail add tbib2 netdev dm$i weight $((i % 1000))"; done >"$TMP/many.conf"
ok -b "$TMP/many.conf"
ok rail show tbib2
assert_eq "$(echo "$OUT" | grep -c '^rail [0-9]* dev tbib2 netdev dm')" $N "rails in the dump"
assert_eq "$(echo "$OUT" | awk '{ print $6 }' | sort -u | wc -l)" $N "distinct netdevs in the dump"
assert_eq "$(echo "$OUT" | awk '{ print $2 }' | sort -u | wc -l)" $N "distinct ids in the dump"
ok -j -s rail show tbib2
echo "$OUT" | json_ok || fail "big JSON dump invalid"
assert_eq "$(echo "$OUT" | grep -o '"ifname":"dm' | wc -l)" $N "rails in the JSON dump"
assert_eq "$(tbibctl dev show tbib2 | field rails)" $N "num_rails"
ok rail show
assert_eq "$(echo "$OUT" | grep -c '^rail ')" $((N + 4)) "all rails of all devices"
ok dev del tbib2
ok rail show
assert_eq "$(echo "$OUT" | grep -c '^rail ')" 4 "rails gone with their device"

log "rail del"
ok rail del tbib0 va1
ok rail del tbib1 "$(tbibctl rail show tbib1 vb1 | awk '{ print $2 }')"
kerr "no such rail" rail del tbib0 "$id1"
kerr "no rail on this network device" rail del tbib0 va1
ok rail show
[ "$(echo "$OUT" | grep -c '^rail ')" = 2 ] || fail "after rail del: $OUT"
wait_until 10 grep -qE "^del rail $id1 dev tbib0 netdev va1( |$)" "$TMP/mon.txt" ||
	fail "monitor missed rail del: $(cat "$TMP/mon.txt")"

log "monitor contents"
grep -qE "^new dev tbib0 " "$TMP/mon.txt" || fail "no 'new dev tbib0'"
grep -qE "^new rail [0-9]+ dev tbib0 netdev va0 " "$TMP/mon.txt" || fail "no 'new rail ... va0'"
grep -qE "^set rail [0-9]+ dev tbib0 netdev va1 .* admin down " "$TMP/mon.txt" || fail "no rail set admin down"
grep -qE "^set dev tbib1 .* lid 32( |$)" "$TMP/mon.txt" || fail "no dev set lid"
grep -qE "^new peer 0002:c9ff:fe00:0002 dev tbib0 " "$TMP/mon.txt" || fail "no new peer"
grep -qE "^del dev tbib2( |$)" "$TMP/mon.txt" || fail "no del dev tbib2"
# a peer is announced with the rail that found it; the second rail to
# join it and the rail deleted later change it
grep '"event":"peer_new"' "$TMP/mon.json" | grep -q '"rails":\[[0-9][0-9]*\]' ||
	fail "peer_new without its one rail: $(grep '"peer_new"' "$TMP/mon.json")"
grep '"event":"peer_set"' "$TMP/mon.json" | grep -q '"rails":\[[0-9][0-9]*,[0-9][0-9]*\]' ||
	fail "no peer_set with two rails: $(grep '"peer_' "$TMP/mon.json")"
json_ok lines <"$TMP/mon.json" || fail "monitor JSON lines invalid"
for e in dev_new dev_del dev_set rail_new rail_del rail_set peer_new peer_set; do
	grep -q "\"event\":\"$e\"" "$TMP/mon.json" || fail "JSON monitor lacks $e"
done
assert_eq "$(grep -c '^new rail ' "$TMP/mon.txt")" "$(grep -c '"event":"rail_new"' "$TMP/mon.json")" \
	"human and JSON monitors saw the same rail_new events"
[ -s "$TMP/mon.err" ] && fail "monitor stderr: $(cat "$TMP/mon.err")"
log "monitor saw $(wc -l <"$TMP/mon.txt") events, e.g.:"
grep -E '^(new|set|del) (dev tbib0|rail [0-9]+ dev tbib0 netdev va[01]|peer)' "$TMP/mon.txt" | head -n 6
grep '"rail_del"' "$TMP/mon.json" | head -n 1

log "SIGINT ends a monitor cleanly"
tbibctl monitor rail >"$TMP/mon2.txt" 2>&1 &
MON2=$!
sleep 1
kill -INT $MON2
wait $MON2
assert_eq "$?" 0 "monitor exit status after SIGINT"

log "module unload with devices, rails and monitors"
ok dev show
kill -0 $MON || fail "monitor died"
modprobe -r tbib || fail "modprobe -r tbib: $(lsmod | grep tbib)"
wait_until 10 sh -c "! kill -0 $MON 2>/dev/null" || fail "monitor still running after unload"
wait $MON
assert_eq "$?" 0 "monitor exit status at unload"
wait $MONJ
assert_eq "$?" 0 "JSON monitor exit status at unload"
tail -n 1 "$TMP/mon.txt" | grep -q "^del family tbib" || fail "monitor end: $(tail -n 3 "$TMP/mon.txt")"
tail -n 1 "$TMP/mon.json" | grep -q '"event":"family_del"' || fail "JSON monitor end: $(tail -n 3 "$TMP/mon.json")"
[ -d /sys/class/infiniband/tbib0 ] && fail "tbib0 still registered after unload"
# the family has a module alias, so asking for it would load the module
# again: take modprobe away to see the "not loaded" answer
mp=$(cat /proc/sys/kernel/modprobe)
echo /bin/false >/proc/sys/kernel/modprobe
bad 1 "^tbibctl: tbib kernel module not loaded" dev show
bad 1 "^tbibctl: tbib kernel module not loaded" rail add tbib0 netdev va0
bad 1 "^tbibctl: tbib kernel module not loaded" monitor
echo "$mp" >/proc/sys/kernel/modprobe
bad 2 "invalid LID" dev add tbib0 lid 0	# usage is checked first
# and with modprobe back, the alias loads the module on demand
ok dev show
assert_eq "$OUT" "" "no devices after a reload"
lsmod | grep -q '^tbib ' || fail "tbib not loaded on demand"

log "ok"
rm -rf "$TMP"
exit 0
