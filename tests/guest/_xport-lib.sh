# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the transport tests (xport-*.sh): `. /tests/_xport-lib.sh`
# after lib.sh.

# xport_single NRAILS [MTU] [MODPARAMS...]: tbib0 (LID 0x11) and tbib1
# (LID 0x12) in this VM, joined by NRAILS veth pairs va<i>/vb<i>; waits
# until every rail is up on both sides.
xport_single() {
	local n=$1 mtu=${2:-9000} i
	shift 2
	load_tbib "$@"
	# the driver's pr_debug lines (rare events: retry exceeded) on the console
	echo 'module tbib +p' >/sys/kernel/debug/dynamic_debug/control 2>/dev/null
	check tbibctl dev add tbib0 lid 0x11 guid 0x0200000000000a01
	check tbibctl dev add tbib1 lid 0x12 guid 0x0200000000000b01
	veth_pairs "$n"
	for ((i = 0; i < n; i++)); do
		ip link set "va$i" mtu "$mtu" && ip link set "vb$i" mtu "$mtu" ||
			fail "mtu $mtu on va$i/vb$i"
		check tbibctl rail add tbib0 netdev "va$i"
		check tbibctl rail add tbib1 netdev "vb$i"
	done
	xport_wait_rails tbib0 "$n"
	xport_wait_rails tbib1 "$n"
}

# xport_pair NLINKS [MTU] [MODPARAMS...]: in each VM of a pair, tbib0 with a
# rail on eth0..eth(N-1); LID 0x11 on vm0, 0x12 on vm1.
xport_pair() {
	local n=$1 mtu=${2:-9000} i
	shift 2
	load_tbib "$@"
	check tbibctl dev add tbib0 lid $((0x11 + TBIB_ROLE))
	for ((i = 0; i < n; i++)); do
		ip link set "eth$i" mtu "$mtu" || fail "mtu $mtu on eth$i"
		check tbibctl rail add tbib0 netdev "eth$i"
	done
	xport_wait_rails tbib0 "$n"
}

# xport_wait_rails DEV N: N rails of DEV up and the port ACTIVE
xport_wait_rails() {
	local dev=$1 n=$2
	_up() { [ "$(tbibctl -j rail show "$dev" | grep -oE '"state": ?"up"' | wc -l)" -ge "$n" ]; }
	wait_until 30 _up || fail "$dev: rails not up: $(tbibctl rail show "$dev")"
	wait_until 10 grep -q ACTIVE "/sys/class/infiniband/$dev/ports/1/state" ||
		fail "$dev port not active"
}

# xport_pp NAME TIMEOUT SERVER_ARGS -- CLIENT_ARGS: server on tbib1, client
# on tbib0 in one VM (single topology); both must succeed.
xport_pp() {
	local name=$1 t=$2 sargs=() cargs=() rc
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do sargs+=("$1"); shift; done
	shift
	cargs=("$@")
	timeout "$t" "${sargs[@]}" >"/tmp/$name.srv.log" 2>&1 &
	local spid=$!
	sleep 0.5
	local end=$(( $(date +%s) + t ))
	while :; do
		timeout "$t" "${cargs[@]}" >"/tmp/$name.cli.log" 2>&1
		rc=$?
		[ $rc = 0 ] && break
		grep -qiE "couldn't connect|unable to (init the socket|open file)|connection refused" "/tmp/$name.cli.log" || break
		[ "$(date +%s)" -lt $end ] || break
		sleep 0.5
	done
	wait $spid
	local src=$?
	echo "--- $name server (rc $src)"; cat "/tmp/$name.srv.log"
	echo "--- $name client (rc $rc)"; cat "/tmp/$name.cli.log"
	[ $rc = 0 ] && [ $src = 0 ]
}

# xport_stats DEV: the device counters, one "name value" a line
xport_stats() {
	tbibctl -s dev show "$1"
}

# xport_dump: counters and connection state, for a failure report
xport_dump() {
	tbibctl -s dev show
	tbibctl -s rail show
	cat /sys/kernel/debug/tbib/conns 2>/dev/null
	echo "softnet_stat:"; cat /proc/net/softnet_stat
	dmesg | grep -i tbib | tail -20
}

# xport_rail_ctrs COUNTER: "DEV IFNAME VALUE" for every rail, from one
# `tbibctl -j -s rail show` (one process per snapshot: they are slow
# under TCG)
xport_rail_ctrs() {
	tbibctl -j -s rail show | sed 's/{"dev"/\n&/g' | awk -v c="$1" '
	function val(k,  m) {
		if (!match($0, "\"" k "\": *(\"[^\"]*\"|[0-9]+)"))
			return ""
		m = substr($0, RSTART, RLENGTH)
		sub(/^"[^"]*": */, "", m)
		gsub(/"/, "", m)
		return m
	}
	/"dev"/ { v = val(c); print val("dev"), val("ifname"), (v == "" ? 0 : v) }'
}

# xport_ctr DEV IFNAME COUNTER: one counter of one rail (0 if not there)
xport_ctr() {
	xport_rail_ctrs "$3" | awk -v d="$1" -v i="$2" '$1 == d && $2 == i { v = $3 } END { print v + 0 }'
}

# xport_rail_state DEV IFNAME: up, probing, down, ... or "none"
xport_rail_state() {
	xport_rail_ctrs state | awk -v d="$1" -v i="$2" '$1 == d && $2 == i { v = $3 } END { print (v == "" ? "none" : v) }'
}
