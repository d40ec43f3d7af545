# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the failover tests (xport-failover-single, xport-outage-single):
# `. /tests/_failover-lib.sh` after lib.sh and _xport-lib.sh, with N set to
# the number of veth rails va<i>/vb<i> (xport_single N).

# links_tx: transport bytes sent on each link by both ends (tbib0 on va<i>
# plus tbib1 on vb<i>; 0 for rails that are not there), one a line
links_tx() {
	xport_rail_ctrs tx_bytes | awk -v n=$N '
		{ i = $2; sub(/^v[ab]/, "", i); if ($2 ~ /^v[ab][0-9]+$/) t[i] += $3 }
		END { for (i = 0; i < n; i++) print t[i] + 0 }'
}

# what the traffic tools said so far, then the device state
dump() {
	local f
	for f in /tmp/p[0-9]*.log; do
		[ -f "$f" ] && { echo "--- $f"; tail -n 20 "$f"; }
	done
	xport_dump
}

# traffic: wait until the links carry something (the tools started)
traffic() {
	_moving() { [ "$(links_tx | awk '{ s += $1 } END { print s + 0 }')" -gt "$1" ]; }
	local s0
	s0=$(links_tx | awk '{ s += $1 } END { print s + 0 }')
	wait_until 30 _moving "$s0" || { dump; fail "no traffic"; }
}

# carry SECS "UP..." "GONE...": over SECS of traffic, every link in UP
# moved bytes and none in GONE did
carry() {
	local secs=$1 up=$2 gone=$3 i b=() a=() d=() line=
	b=($(links_tx))
	sleep "$secs"
	a=($(links_tx))
	for ((i = 0; i < N; i++)); do
		d[i]=$(( a[i] - b[i] ))
		line+=" link$i ${d[i]}"
	done
	log "tx bytes in ${secs}s:$line"
	for i in $up; do
		[ "${d[i]}" -gt 0 ] || { dump; fail "link $i carried nothing$line"; }
	done
	for i in $gone; do
		[ "${d[i]}" = 0 ] || { dump; fail "removed link $i still carried ${d[i]} bytes"; }
	done
}

# wait_state DEV IFNAME STATE
wait_state() {
	_st() { [ "$(xport_rail_state "$1" "$2")" = "$3" ]; }
	wait_until 20 _st "$@" || fail "$1 rail $2: $(xport_rail_state "$1" "$2"), want $3"
}

# Sampler: the sum of all rails' tx_bytes every ~0.2 s; the longest time
# it did not grow is the traffic gap (a deleted rail takes its counter
# with it, so only growth counts).
sampler_start() {
	( while :; do
		echo "$(_tbib_now) $(tbibctl -j -s rail show | grep -oE '"tx_bytes": *[0-9]+' |
			grep -oE '[0-9]+$' | awk '{ s += $1 } END { print s + 0 }')"
		sleep 0.2
	done ) >"/tmp/$1.samples" &
	SAMPLER=$!
}
sampler_stop() {
	kill "$SAMPLER" 2>/dev/null
	wait "$SAMPLER" 2>/dev/null
	awk 'NR == 1 { t = $1; prev = $2; next }
	     { if ($2 > prev) { if ($1 - t > gap) { gap = $1 - t; at = t } t = $1 }
	       prev = $2 }
	     END { printf "longest tx stall %.0f ms (at %.1f s, %d samples)\n", gap * 1000, at, NR }' \
		"/tmp/$1.samples"
}

# rail_trace_setup, then rail_trace_on / rail_trace_off: the rails' state
# changes in between (tbib_rail_state events), printed when they are
# stopped.  The event is enabled once, before any traffic: enabling or
# disabling one patches kernel text (the sched_switch hook that records
# task names goes with the last event), and under TCG with both vCPUs busy
# that froze the guest twice in 9 runs (one vCPU taking int3 at the patch
# site in __schedule, the other spinning on its runqueue lock).
RT=/sys/kernel/tracing
rail_trace_setup() {
	[ -d $RT/events ] || mount -t tracefs nodev $RT 2>/dev/null || RT=/sys/kernel/debug/tracing
	[ -f $RT/events/tbib/tbib_rail_state/enable ] || return 0
	echo 0 >$RT/tracing_on
	echo 1 >$RT/events/tbib/tbib_rail_state/enable
}
rail_trace_on() {
	[ -f $RT/events/tbib/tbib_rail_state/enable ] || return 0
	echo >$RT/trace
	echo 1 >$RT/tracing_on
}
rail_trace_off() {
	[ -f $RT/events/tbib/tbib_rail_state/enable ] || return 0
	echo 0 >$RT/tracing_on
	echo "--- rail state changes"
	grep -oE '[0-9]+\.[0-9]+: tbib_rail_state: .*' $RT/trace
}

# The failover sequence of steps 1 and 3, with traffic running.
sequence() {
	traffic
	carry 1 "0 1 2 3" ""
	log "remove va0 rail: tbibctl rail del"
	check tbibctl rail del tbib0 va0
	wait_state tbib1 vb0 probing
	carry 1 "1 2 3" "0"
	log "remove va1: ip link set down"
	check ip link set va1 down
	wait_state tbib0 va1 down
	wait_state tbib1 vb1 down
	carry 1 "2 3" "0 1"
	log "remove va2: ip link del"
	check ip link del va2
	wait_state tbib0 va2 none
	wait_state tbib1 vb2 none
	carry 1 "3" "0 1 2"
	# (a frame already queued to a rail's end when its link went down is
	# dropped there as not from its peer: only what came after counts)
	local drops0
	drops0=$(xport_rail_ctrs rx_drop_peer)
	rail_trace_on

	log "add va2 back: new veth + rail add"
	veth_add va2 vb2
	check ip link set va2 mtu 9000
	check ip link set vb2 mtu 9000
	check tbibctl rail add tbib0 netdev va2
	check tbibctl rail add tbib1 netdev vb2
	wait_state tbib0 va2 up
	wait_state tbib1 vb2 up
	carry 1 "2 3" "0 1"
	log "add va1 back: ip link set up"
	check ip link set va1 up
	wait_state tbib0 va1 up
	wait_state tbib1 vb1 up
	carry 1 "1 2 3" "0"
	log "add va0 back: rail add"
	check tbibctl rail add tbib0 netdev va0
	wait_state tbib0 va0 up
	wait_state tbib1 vb0 up
	carry 1 "0 1 2 3" ""
	# A rail carries transport frames only once both ends have bound it:
	# while the rails came back, none dropped any as "not from my peer"
	# (the end that binds first used to spray onto the one still probing).
	local drops
	drops=$( { echo "$drops0" | sed 's/^/0 /'; xport_rail_ctrs rx_drop_peer | sed 's/^/1 /'; } |
		awk '$1 == 0 { b[$2 "/" $3] = $4; next }
		     $4 - b[$2 "/" $3] != 0 { printf " %s/%s:+%d", $2, $3, $4 - b[$2 "/" $3] }')
	rail_trace_off
	[ -z "$drops" ] || { dump; fail "frames dropped by rails not bound yet:$drops"; }
	log "no rail dropped a frame as not from its peer while the rails came back"
}

# int_start NAME PORT SECONDS [ARGS...]: integrity server (tbib1) and
# client (tbib0) in the background, until int_wait or at most SECONDS
int_start() {
	local name=$1 port=$2 secs=$3
	shift 3
	integrity -d tbib1 -p "$port" -n 1000000 -s 65536 -S "$port" "$@" \
		>"/tmp/$name.srv.log" 2>&1 &
	ISRV=$!
	integrity -d tbib0 -p "$port" -n 1000000 -s 65536 -S "$port" -D "$secs" "$@" \
		127.0.0.1 >"/tmp/$name.cli.log" 2>&1 &
	ICLI=$!
}
# int_wait NAME: both ends finished with OK
int_wait() {
	local name=$1 rc=0
	kill -USR1 "$ICLI" 2>/dev/null
	wait "$ICLI" || rc=$?
	wait "$ISRV" || rc=$?
	echo "--- $name client"; cat "/tmp/$name.cli.log"
	echo "--- $name server"; cat "/tmp/$name.srv.log"
	[ $rc = 0 ] || { dump; fail "integrity ($name) failed"; }
	assert_file_has "/tmp/$name.cli.log" '^integrity: OK client' "$name: client not OK"
	assert_file_has "/tmp/$name.srv.log" '^integrity: OK server' "$name: server not OK"
}

