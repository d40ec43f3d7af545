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
	echo 'module tbib +p' >/sys/kernel/debug/dynamic_debug/control 2>/dev/null
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
	XPORT_PP_RC=$rc XPORT_PP_SRC=$src
	echo "--- $name server (rc $src)"; cat "/tmp/$name.srv.log"
	echo "--- $name client (rc $rc)"; cat "/tmp/$name.cli.log"
	[ $rc = 0 ] && [ $src = 0 ]
}

# xport_pp_why NAME: one line on why an xport_pp run failed (exit codes
# and the first error lines of both ends), for the FAIL message: CI shows
# only the end of a failed test's output
xport_pp_why() {
	local n=$1 e
	e=$(grep -hiE "error|fail|couldn't|unable|timeout|exceed" \
		"/tmp/$n.cli.log" "/tmp/$n.srv.log" 2>/dev/null | head -n 3 |
		tr -s ' \t\n' ' ')
	echo "client rc ${XPORT_PP_RC:-?}, server rc ${XPORT_PP_SRC:-?}: ${e:-no error line}"
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

# ---- pair: client/server runs across the two VMs (perf_run) ----
XPORT_PORT=18900
XPORT_FAILED=()
# xport_prun [-u] NAME CMD...: one client/server run across the pair on a
# fresh port (XPORT_PORT + 1), output in /tmp/NAME.log.  A failed run is
# added to XPORT_FAILED and the next one goes on (both VMs follow the same
# sequence, each run on its own port), so that one report shows every tool
# that fails; xport_pair_end fails the test.  -u: an unreliable transport
# (UC, UD): a lost packet loses the message and a pingpong then waits
# forever, as on any HCA, so a run that times out (rc 124, both sides after
# 30 s) is tried once more.
xport_prun() {
	local unrel=0 t=60 name log rc try
	[ "$1" = -u ] && { unrel=1 t=30; shift; }
	name=$1 log=/tmp/$1.log
	shift
	for try in 1 2; do
		XPORT_PORT=$((XPORT_PORT + 1))
		log "$name: $*"
		# the connections' state 15 s in, shown if the run fails: a
		# stalled run's QPs are gone by the time the tool gives up
		(sleep 15; cat /sys/kernel/debug/tbib/conns >"/tmp/$name.conns" 2>&1) &
		local snap=$!
		perf_run -q "$name" $t "$@" -p $XPORT_PORT
		rc=$?
		kill $snap 2>/dev/null
		wait $snap 2>/dev/null
		[ $unrel = 1 ] && [ $rc = 124 ] && [ $try = 1 ] || break
		log "$name timed out on an unreliable transport (a lost message), once more"
		cat "/tmp/$name.conns" 2>/dev/null
	done
	if [ $rc != 0 ]; then
		cat "$log"
		[ -s "/tmp/$name.conns" ] && { echo "--- conns 15 s in"; cat "/tmp/$name.conns"; }
		xport_dump
		log "FAILED $name: $* (rc $rc)"
		XPORT_FAILED+=("$name")
		return 1
	fi
	if grep -qiE "error|fail|couldn't|unable|timeout|mismatch" "$log"; then
		cat "$log"
		xport_dump
		log "FAILED $name: $*: errors reported"
		XPORT_FAILED+=("$name")
		return 1
	fi
}

# xport_pingpong [-u] NAME CMD...: an ibv_*_pingpong run; checks its summary
xport_pingpong() {
	xport_prun "$@" || return
	[ "$1" = -u ] && shift
	assert_file_has "/tmp/$1.log" 'bytes in [0-9.]+ seconds = [0-9.]+ Mbit/sec' "$1: no result"
	grep -E 'Mbit/sec|usec/iter' "/tmp/$1.log"
}

# xport_perftest [-u] NAME CMD...: a perftest run on tbib0; the client
# must print result lines
xport_perftest() {
	local u=
	[ "$1" = -u ] && { u=-u; shift; }
	local name=$1
	shift
	xport_prun $u "$name" "$@" -d tbib0 -F -u 18 || return
	# the client reports every tool; the servers of *_read_lat and a few
	# others print no table
	[ "$TBIB_ROLE" = 1 ] || return 0
	assert_match "$(perf_summary "/tmp/$name.log")" '^ *[0-9]+ +[0-9]+' "$name: no result"
	perf_summary "/tmp/$name.log"
}


# xport_pair_end: counters, the test fails if a run did, tbib0 and the
# module go away
xport_pair_end() {
	xport_stats tbib0
	[ ${#XPORT_FAILED[@]} = 0 ] || fail "failed runs: ${XPORT_FAILED[*]}"
	barrier done
	check tbibctl dev del tbib0
	check rmmod tbib
	log "done"
}

# flush_test ARGS...: tests/tools/flush.c; kernels before 6.2 have no
# RDMA FLUSH, there it must be absent and refused (flush -n)
flush_test() {
	case $TBIB_KVER in
	[1-5].* | 6.[01].*) check timeout 120 flush -n "$@" ;;
	*) check timeout 120 flush "$@" ;;
	esac
}

# xport_integrity NAME BATCHES SEED: one run of tests/tools/integrity.c
# between tbib1 (server) and tbib0 of the single topology, 64 KiB
# messages, IB timeout 14; both sides must report OK.  Logs in
# /tmp/NAME.{cli,srv}.log; $port is the last TCP port used.
xport_integrity() {
	local name=$1 n=$2 seed=$3
	port=$((port + 1))
	xport_pp "$name" 300 integrity -d tbib1 -p $port -n "$n" -s 65536 -S "$seed" -t 14 -- \
		integrity -d tbib0 -p $port -n "$n" -s 65536 -S "$seed" -t 14 127.0.0.1 ||
		{ xport_dump; fail "integrity ($name) failed"; }
	assert_file_has "/tmp/$name.cli.log" '^integrity: OK client' "$name: client not OK"
	assert_file_has "/tmp/$name.srv.log" '^integrity: OK server' "$name: server not OK"
}

# xport_netem_on SPEC RAIL...: tc netem SPEC on both ends (vaN, vbN) of
# the single topology's veth rails; xport_netem_off: on none of them
xport_netem_on() {
	local spec=$1 i
	shift
	for i in "$@"; do
		tc qdisc replace dev "va$i" root netem $spec || fail "netem $spec on va$i"
		tc qdisc replace dev "vb$i" root netem $spec || fail "netem $spec on vb$i"
	done
}
xport_netem_off() {
	local i
	for i in 0 1 2 3; do
		tc qdisc del dev "va$i" root 2>/dev/null
		tc qdisc del dev "vb$i" root 2>/dev/null
	done
}

# xport_dev_ctr DEV NAME: one device counter, from the JSON statistics
xport_dev_ctr() {
	tbibctl -j -s dev show "$1" | grep -oE "\"$2\": ?[0-9]+" | grep -oE '[0-9]+$'
}
