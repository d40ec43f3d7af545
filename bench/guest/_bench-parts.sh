# SPDX-License-Identifier: GPL-2.0
#
# The four parts of `make bench` (see bench/README.md), run by the
# wrappers bench/guest/_bench-*.sh on both VMs of the pair.
. /tests/_bench-lib.sh

# devs in the order of this repetition: alternate, so neither device
# always runs first (the host's load drifts)
devs_for() { if [ $(($1 % 2)) = 1 ]; then echo "rxe tbib"; else echo "tbib rxe"; fi; }

# median of numbers on stdin (empty if none)
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mbps_to_mbit() { awk -v v="$1" 'BEGIN { printf "%.3f", v * 8 * 1.048576 }'; }

# ---- part 1: tbib (one rail) vs rxe, same link ----
part1() {
	local rep test qps size dev
	for test in $P1_BW_TESTS; do for qps in $P1_BW_QPS; do for size in $P1_BW_SIZES; do
		for dev in rxe tbib; do plan p1 "$test" $dev "$size" "$qps" 1 - bw_MBps; done
	done; done; done
	for test in $P1_LAT_TESTS; do for size in $P1_LAT_SIZES; do
		for dev in rxe tbib; do plan p1 "$test" $dev "$size" 1 1 - lat_typ_us; done
	done; done
	for ((rep = 1; rep <= B_REPS; rep++)); do
		log "part 1 repetition $rep/$B_REPS"
		for test in $P1_BW_TESTS; do for qps in $P1_BW_QPS; do for size in $P1_BW_SIZES; do
			for dev in $(devs_for $rep); do
				bw_cell p1 "$test" $dev "$size" "$qps" 1 - $rep
			done
		done; done; done
		for test in $P1_LAT_TESTS; do for size in $P1_LAT_SIZES; do
			for dev in $(devs_for $rep); do
				lat_cell p1 "$test" $dev "$size" $rep
			done
		done; done
	done
}

# ---- part 2: aggregation over tbf-limited rails ----
# p2_cell: run one 64 KiB cell (ib_write_bw unless TEST) B_REPS times,
# remembering the client's values in P2_VALS
P2_VALS=()
p2_cell() { # DEV RAILS CONFIG [TEST]
	local rep v
	P2_VALS=()
	for ((rep = 1; rep <= B_REPS; rep++)); do
		B_EXTRA="$P2_ARGS" bw_cell p2 "${4:-ib_write_bw}" "$1" 65536 1 "$2" "$3" $rep
		v=$(bw_of $B_DIR/cell.log 2>/dev/null)
		[ -n "$v" ] && P2_VALS+=("$v")
	done
}
# p2_shape NAME R: shape the links of this VM for configuration NAME with
# unit rate R kbit/s; sets P2_RAILS and P2_SUM (kbit/s)
p2_shape() {
	local name=$1 r=$2 l u
	unshape_all
	case $name in
	eq1) shape eth0 "$r"; P2_RAILS=1 P2_SUM=$r ;;
	eq2) shape eth0 "$r"; shape eth1 "$r"; P2_RAILS=2 P2_SUM=$((2 * r)) ;;
	eq4) for l in 0 1 2 3; do shape "eth$l" "$r"; done; P2_RAILS=4 P2_SUM=$((4 * r)) ;;
	w8421)
		# 8:4:2:1 with the same total as eq4
		u=$((4 * r / 15))
		shape eth0 $((8 * u)); shape eth1 $((4 * u)); shape eth2 $((2 * u)); shape eth3 "$u"
		P2_RAILS=4 P2_SUM=$((15 * u)) ;;
	delay)
		# four equal rails, the sender's eth3 2 ms late
		for l in 0 1 2; do shape "eth$l" "$r"; done
		if [ "$TBIB_ROLE" = 1 ]; then shape eth3 "$r" 2; else shape eth3 "$r"; fi
		P2_RAILS=4 P2_SUM=$((4 * r)) ;;
	eq4read)
		# as eq4: both VMs shape, so the READ responses (vm0 -> vm1)
		# meet the same shapers as the WRITE data (vm1 -> vm0)
		for l in 0 1 2 3; do shape "eth$l" "$r"; done
		P2_RAILS=4 P2_SUM=$((4 * r)) ;;
	loss4 | loss4read)
		# as eq4, and netem drops 0.5% in front of every shaper, on both
		# VMs (data, READ requests and responses, ACKs alike); the
		# shaper itself still never drops
		for l in 0 1 2 3; do shape "eth$l" "$r" 0 0.5; done
		P2_RAILS=4 P2_SUM=$((4 * r)) ;;
	esac
}
p2_label() {
	case $1 in
	eq1) echo "1 rail @R" ;;
	eq2) echo "2 rails @R" ;;
	eq4) echo "4 rails @R" ;;
	w8421) echo "4 rails 8:4:2:1" ;;
	delay) echo "4 rails @R; one +2ms" ;;
	eq4read) echo "4 rails @R; READ" ;;
	loss4) echo "4 rails @R; 0.5% loss; WRITE" ;;
	loss4read) echo "4 rails @R; 0.5% loss; READ" ;;
	esac
}
# p2_netem_log LABEL: in the log, the frames netem and tbf dropped on
# this VM's rails (the loss did happen; the shaper dropped none)
p2_netem_log() {
	local l s=
	for l in 0 1 2 3; do
		s+="eth$l: $(tc -s qdisc show dev "eth$l" 2>/dev/null | awk '/^qdisc / { q = $2; next }
			q && /Sent/ { gsub(/[(),]/, " "); printf "%s %s of %s; ", q, $7, $4; q = "" }')"
	done
	log "part 2: $1: frames dropped on this VM: $s"
}
# p2_test CONFIG: the perftest program of a part 2 configuration
p2_test() { case $1 in *read) echo ib_read_bw ;; *) echo ib_write_bw ;; esac; }
part2() {
	local cfg b1 src r rails sum first=1 mine
	for cfg in unthrottled $P2_CONFIGS; do
		plan p2 "$(p2_test $cfg)" tbib 65536 1 "$(case $cfg in eq1|unthrottled) echo 1 ;; eq2) echo 2 ;; *) echo 4 ;; esac)" \
			"$([ $cfg = unthrottled ] && echo unthrottled || p2_label $cfg)" bw_MBps
	done
	plan p2 ib_write_bw rxe 65536 1 1 unthrottled bw_MBps
	plan p2 ib_write_bw rxe 65536 1 1 "rxe @R (reference)" bw_MBps

	log "part 2: one unthrottled rail first, to choose R"
	unshape_all
	tbib_use_rails 1
	p2_cell tbib 1 unthrottled
	b1=$(printf '%s\n' "${P2_VALS[@]}" | median) src=tbib
	p2_cell rxe 1 unthrottled
	if [ -z "$b1" ]; then
		b1=$(printf '%s\n' "${P2_VALS[@]}" | median) src=rxe
	fi
	# the client measured; both VMs shape, so both need R
	if is_client; then
		if [ -n "$b1" ]; then
			# 4 rails at R sum to half of what one unthrottled rail
			# carries: the CPU has headroom for the sum (and for the
			# four shapers, four rails' ACKs and the reordering)
			r=$(awk -v b="$b1" 'BEGIN { printf "%d", b * 8 * 1.048576 * 1000 * 0.5 / 4 }')
		else
			r=0
		fi
		xchg p2-rate "$r $b1 $src" >/dev/null
	else
		read -r r b1 src <<<"$(xchg p2-rate -)"
	fi
	if [ -z "$r" ] || [ "$r" -lt 100 ]; then
		info p2_rate "n/a: no unthrottled measurement to choose R from"
		r=0
	else
		info p2_R_kbit "$r"
		info p2_B1 "$src $(mbps_to_mbit "$b1")"
	fi
	for cfg in $P2_CONFIGS; do
		[ "$r" -gt 0 ] || continue
		p2_shape $cfg "$r"
		rails=$P2_RAILS sum=$P2_SUM
		log "part 2: $(p2_label $cfg): $rails rails, sum $sum kbit/s"
		is_client && emit p2 "$(p2_test $cfg)" tbib 65536 1 "$rails" "$(p2_label $cfg)" - rate_sum_Mbps \
			"$(awk -v s="$sum" 'BEGIN { printf "%.3f", s / 1000 }')" Mbit/s ok
		if [ $first = 1 ]; then
			# rxe cannot stripe: its reference is one link at R
			is_client && emit p2 ib_write_bw rxe 65536 1 1 "rxe @R (reference)" - rate_sum_Mbps \
				"$(awk -v s="$r" 'BEGIN { printf "%.3f", s / 1000 }')" Mbit/s ok
			p2_cell rxe 1 "rxe @R (reference)"
			first=0
		fi
		if [ $TBIB_OK = 1 ]; then
			tbib_use_rails "$rails"
		fi
		p2_cell tbib "$rails" "$(p2_label $cfg)" "$(p2_test $cfg)"
		case $cfg in loss*) p2_netem_log "$(p2_label $cfg)" ;; esac
	done
	unshape_all
}

# ---- part 3: failover timeline (tbib, 4 rails, 1 QP) ----
# vm0 (the receiver) removes and re-adds rails on its side, so the sender
# learns it the way it would learn of a pulled cable (probes, ACKs): that
# is what the gap measures.  vm0 samples every 50 ms, with shell builtins
# only (no fork per sample; `tbibctl -s -j rail show` costs ~0.5 s per call
# in a TCG guest, far too slow for 50 ms): tbib0's port counter rx_bytes
# (the device total of the rail counters, bytes tbib accepted from its
# peer; deleted rails are folded in) and each link's netdev rx_bytes
# (what arrived on the wire, also on a rail tbib has just dropped).
# That timeline is for the plot: under TCG a 50 ms interval carries
# anywhere from a fifth to twice the mean, so a gap read from it is mostly
# noise (the same rule applied where nothing happens finds gaps of up to a
# second).  The stall after each removal is measured with ftrace instead
# (_p3-stall.awk): the receiver's data frames and rail state changes with
# the kernel's timestamps.  Nothing else runs at an event: a `tbibctl -j`
# snapshot there once took the only vCPU for half a second just as the
# rail went.
P3_HW=/sys/class/infiniband/tbib0/ports/1/hw_counters/rx_bytes
p3_sample() { # sets P3_OUT "tbib/0/bytes;eth0/n/bytes;..." and P3_SUM
	local l x
	read -r P3_SUM <$P3_HW 2>/dev/null || P3_SUM=0
	P3_OUT="tbib/0/$P3_SUM;"
	for ((l = 0; l < TBIB_LINKS; l++)); do
		read -r x <"/sys/class/net/eth$l/statistics/rx_bytes"
		P3_OUT+="eth$l/n/$x;"
	done
}
p3_fire() { # REP T_MS ACTION IFNAMES
	local l
	echo "BENCHEV,$1,$2,$3 ${4//,/+}" >>$B_DIR/p3.tl
	(
		for l in ${4//,/ }; do
			case $3 in
			del) tbibctl rail del tbib0 "$l" ;;
			add) tbibctl rail add tbib0 netdev "$l" ;;
			esac
		done
	) >>$B_DIR/p3.events.log 2>&1 &
}
# p3_alive PID: the process runs (not gone, not a zombie).  kill -0
# succeeds on a zombie, and this shell does not always reap its finished
# background job while the loop below runs: the loop then never ended
# (runs .2, .4 and .9 of 2026-12-06: ib_write_bw in state Z, no
# connection left in the driver).
p3_alive() {
	local st
	read -r _ _ st _ <"/proc/$1/stat" 2>/dev/null || return 1
	[ "$st" != Z ]
}
p3_server_loop() { # REP PID
	local rep=$1 pid=$2 now t0 t t_start=-1 first=-1 k=0 last=-1000 evs e_t e_a e_l wait_us k50 wait_s
	evs=($P3_EVENTS)
	# the sampler must not starve behind the receive work on one vCPU
	renice -n -20 -p $BASHPID >/dev/null 2>&1
	exec 7<>"$B_DIR/.sleepfifo"
	t0=${EPOCHREALTIME/./}
	while p3_alive "$pid"; do
		now=${EPOCHREALTIME/./}
		t=$(((now - t0) / 1000))
		p3_sample
		echo "BENCHTL,$rep,$t,$P3_OUT" >>$B_DIR/p3.tl
		# traffic has started once 256 KiB arrived: events count from there
		if [ $t_start -lt 0 ]; then
			[ $first -lt 0 ] && first=$P3_SUM
			if [ $((P3_SUM - first)) -gt "${P3_START_BYTES:-262144}" ]; then
				t_start=$t
				echo "BENCHEV,$rep,$t,start" >>$B_DIR/p3.tl
			fi
		fi
		# one event per sample and at least 1 s apart, even when the
		# loop was starved past several deadlines
		if [ $t_start -ge 0 ] && [ $k -lt ${#evs[@]} ]; then
			IFS=: read -r e_t e_a e_l <<<"${evs[k]}"
			if [ $t -ge $((t_start + e_t * 1000)) ] && [ $t -ge $((last + 1000)) ]; then
				p3_fire "$rep" "$t" "$e_a" "$e_l"
				last=$t
				k=$((k + 1))
			fi
		fi
		# next 50 ms tick
		k50=$(((now - t0) / 50000 + 1))
		wait_us=$((t0 + k50 * 50000 - ${EPOCHREALTIME/./}))
		if [ $wait_us -gt 0 ]; then
			printf -v wait_s '%d.%06d' $((wait_us / 1000000)) $((wait_us % 1000000))
			read -r -t "$wait_s" -u 7 _
		fi
	done
	exec 7>&-
	renice -n 0 -p $BASHPID >/dev/null 2>&1
	[ $k = ${#evs[@]} ] || echo "BENCHEV,$rep,$t,missed $((${#evs[@]} - k)) events (run ended)" >>$B_DIR/p3.tl
}
# One run's trace: on the receiver its data frames (tbib_rx with a
# payload) and rail state changes, for _p3-stall.awk; on the sender its
# rail state changes, resends and data frames sent, for _p3-resend.awk
# (the log only).
P3_TR=/sys/kernel/tracing
p3_trace_on() { # EVENT...
	local e
	[ -d $P3_TR/events ] || mount -t tracefs nodev $P3_TR 2>/dev/null ||
		P3_TR=/sys/kernel/debug/tracing
	[ -d $P3_TR/events/tbib ] || return 1
	echo 0 >$P3_TR/tracing_on
	echo 0 >$P3_TR/events/enable
	# ~16k data frames/s for ~14 s on 4 unthrottled MTU-1500 rails:
	# ~23 MiB of events, which overran 16 MiB (no stall figures)
	echo 49152 >$P3_TR/buffer_size_kb || return 1
	echo 'paylen > 0' >$P3_TR/events/tbib/tbib_rx/filter || return 1
	echo 'paylen > 0' >$P3_TR/events/tbib/tbib_tx/filter || return 1
	for e; do
		echo 1 >$P3_TR/events/tbib/$e/enable || return 1
	done
	echo >$P3_TR/trace
	echo 1 >$P3_TR/tracing_on
}
p3_trace_off() { # REP AWK: the AWK script's lines, or a BENCHEV saying why not
	local lost
	echo 0 >$P3_TR/tracing_on
	lost=$(cat $P3_TR/per_cpu/cpu*/stats 2>/dev/null | awk '/^overrun:/ { n += $2 } END { print n + 0 }')
	if [ "$lost" != 0 ]; then
		echo "BENCHEV,$1,0,trace lost $lost events: no figures from $2"
	else
		awk -v rep="$1" -v dev=tbib0 -f "/tests/$2" $P3_TR/trace
	fi
	echo 0 >$P3_TR/events/enable
	echo 0 >$P3_TR/events/tbib/tbib_rx/filter
	echo 0 >$P3_TR/events/tbib/tbib_tx/filter
	echo >$P3_TR/trace
}
# p3_retrans F0 T0: "FAST TIMEOUT" resends since tbib0's peer counters
# were F0 and T0 (peer counters: a resend counts for the peer, whatever
# rail it takes)
p3_retrans() {
	tbibctl -s -j peer show tbib0 | tr ',{}' '\n\n\n' |
		awk -F: -v f0="$1" -v t0="$2" '/"retrans_fast"/ { f += $2 }
			/"retrans_timeout"/ { t += $2 } END { print f - f0, t - t0 }'
}
# p3_watchdog PID: if the receiver's run outlives its time, say where its
# ib_write_bw is and what the connections are doing, before and after its
# timeout's signal (the run itself is left to that timeout)
p3_tasks() {
	local d p
	for d in /proc/[0-9]*; do
		read -r p <"$d/comm" 2>/dev/null || continue
		[ "$p" = ib_write_bw ] || continue
		echo "--- ${d#/proc/} $(awk '{ print "state", $3 }' "$d/stat" 2>/dev/null) wchan $(cat "$d/wchan" 2>/dev/null)"
		cat "$d/stack" 2>/dev/null
	done
	[ -d /sys/kernel/debug/tbib ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null
	cat /sys/kernel/debug/tbib/conns 2>/dev/null
	echo w >/proc/sysrq-trigger 2>/dev/null
}
p3_watchdog() {
	sleep $((P3_D + 30))
	p3_alive "$1" || return 0
	log "part 3: the receiver's ib_write_bw still runs $((P3_D + 30)) s after its start"
	p3_tasks
	sleep 35
	p3_alive "$1" || return 0
	log "part 3: ... and 5 s after its timeout's signal (every task's stack on the console)"
	p3_tasks
	echo t >/proc/sysrq-trigger 2>/dev/null
}
part3() {
	local rep rc spid wpid l v v2 rf rt rf0 rt0
	plan p3 ib_write_bw tbib 65536 1 4 failover bw_MBps
	if [ $TBIB_OK = 1 ]; then
		unshape_all
		tbib_use_rails 4
	fi
	for ((rep = 1; rep <= P3_REPS; rep++)); do
		if [ $TBIB_OK != 1 ]; then
			is_client && emit p3 ib_write_bw tbib 65536 1 4 failover "$rep" bw_MBps "" MB/s na "$TBIB_WHY"
			continue
		fi
		log "part 3: failover run $rep/$P3_REPS"
		next_port
		: >$B_DIR/p3.tl
		if [ "$TBIB_ROLE" = 0 ]; then
			timeout $((P3_D + 60)) ib_write_bw $(devargs tbib) $PT_ARGS $PT_BW_ARGS -p $B_PORT -s 65536 -t "$(bw_depth 65536 1)" -D "$P3_D" -f 1 \
				>$B_DIR/cell.log 2>&1 &
			spid=$!
			p3_watchdog $spid &
			wpid=$!
			p3_trace_on tbib_rx tbib_rail_state || log "part 3: no ftrace, no stall figures"
			p3_server_loop "$rep" $spid
			wait $spid
			rc=$?
			kill $wpid 2>/dev/null
			wait $wpid 2>/dev/null
			cat $B_DIR/p3.tl
			p3_trace_off "$rep" _p3-stall.awk
			tbibctl -s rail show tbib0
			# what the events' tbibctl commands printed
			cat $B_DIR/p3.events.log 2>/dev/null
			# whatever the events did, all four rails again
			for l in eth1 eth2; do
				tbibctl rail show tbib0 | grep -qw "netdev $l" || tbibctl rail add tbib0 netdev "$l"
			done
		else
			read -r rf0 rt0 <<<"$(p3_retrans 0 0)"
			p3_trace_on tbib_rail_state tbib_retransmit tbib_tx || log "part 3: no ftrace on the sender"
			pt cell $((P3_D + 60)) ib_write_bw $(devargs tbib) $PT_ARGS $PT_BW_ARGS -p $B_PORT -s 65536 -t "$(bw_depth 65536 1)" -D "$P3_D" -f 1
			rc=$?
			p3_trace_off "$rep" _p3-resend.awk
			v=$(bw_of $B_DIR/cell.log)
			if [ $rc = 0 ] && isnum "$v"; then
				emit p3 ib_write_bw tbib 65536 1 4 failover "$rep" bw_MBps "$v" MB/s ok
			else
				emit p3 ib_write_bw tbib 65536 1 4 failover "$rep" bw_MBps "" MB/s fail "rc $rc: $(why $B_DIR/cell.log)"
			fi
			# the sender's recovery work during the run
			read -r rf rt <<<"$(p3_retrans "$rf0" "$rt0")"
			emit p3 ib_write_bw tbib 65536 1 4 failover "$rep" sender_retrans_fast_total "$rf" count ok
			emit p3 ib_write_bw tbib 65536 1 4 failover "$rep" sender_retrans_timeout_total "$rt" count ok
		fi
		v=$(xchg "p3-$rep" "$rc")
		is_client && [ "$v" != 0 ] && log "failover run $rep: receiver's ib_write_bw exited $v"
		v=ok
		tbib_wait 4 || v=na
		v2=$(xchg "p3-$rep-rails" $v)
		if [ $v != ok ] || [ "$v2" != ok ]; then
			[ $v = ok ] && TBIB_WHY="the other VM's rails did not come back"
			tbib_stop "the rails did not come back after failover run $rep: $TBIB_WHY"
		fi
	done
}

# ---- part 4: scaling with the number of QPs ----
# tbib: all QPs on tbib0 over 4 rails.  rxe: one device per link (the way
# applications aggregate rxe or per-rail HCAs), the QPs split over
# rxe0..rxe3 and run as 4 concurrent perftest pairs (1 QP: rxe0 only).
p4_run() { # DEV QPS REP
	local dev=$1 qps=$2 rep=$3 n i q t rc=0 v tot=0 bad= pids=() rails cfg dir c
	if [ "$dev" = tbib ]; then
		n=1 q=$qps rails=4 cfg="tbib0 on 4 rails"
	elif [ "$qps" = 1 ]; then
		n=1 q=1 rails=1 cfg="rxe0 (1 QP = 1 link)"
	else
		n=4 q=$((qps / 4)) rails=4 cfg="rxe0..3 with $((qps / 4)) QPs each"
	fi
	if [ "$dev" = tbib ] && [ $TBIB_OK != 1 ]; then
		is_client && emit p4 ib_write_bw tbib 65536 "$qps" 4 "$cfg" "$rep" bw_MBps "" MB/s na "$TBIB_WHY"
		return 0
	fi
	dir=rx
	is_client && dir=tx
	t=$((BW_D + 60 + qps / 2))
	next_port
	B_PORT4=$B_PORT
	B_RUN=$((B_RUN + 3))
	sampler_start $B_DIR/p4.samples $dir
	for ((i = 0; i < n; i++)); do
		pt "p4-$i" "$t" ib_write_bw $(devargs "$dev" $i) $PT_ARGS $PT_BW_ARGS -p $((B_PORT4 + i)) -s 65536 -q "$q" \
			-t "$(bw_depth 65536 "$qps")" -D $BW_D -f $BW_F &
		pids+=($!)
	done
	for ((i = 0; i < n; i++)); do
		wait "${pids[i]}" || { rc=$?; bad+="$i "; }
		v=$(bw_of $B_DIR/p4-$i.log)
		if isnum "$v"; then
			tot=$(awk -v a="$tot" -v b="$v" 'BEGIN { print a + b }')
		elif is_client; then
			[ $rc = 0 ] && rc=1
			bad+="$i "
		fi
	done
	sampler_stop
	c=$(cpu_per_gb $B_DIR/p4.samples)
	if [ $rc = 0 ]; then
		is_client && emit p4 ib_write_bw "$dev" 65536 "$qps" $rails "$cfg" "$rep" bw_MBps "$tot" MB/s ok
		# each VM reports its own CPU: vm0 receives, vm1 sends
		if isnum "$c"; then
			emit p4 ib_write_bw "$dev" 65536 "$qps" $rails "$cfg" "$rep" "cpu_s_per_GB_$dir" "$c" s/GB ok
		fi
		cell_end "$dev" ok
	else
		i=${bad%% *}
		local w="rc $rc: $(why $B_DIR/p4-${i:-0}.log)"
		is_client && emit p4 ib_write_bw "$dev" 65536 "$qps" $rails "$cfg" "$rep" bw_MBps "" MB/s fail "$w"
		log "p4 $dev x$qps failed: $w"
		cell_end "$dev" fail
	fi
}
part4() {
	local rep qps dev
	for qps in $P4_QPS; do
		plan p4 ib_write_bw tbib 65536 "$qps" 4 "tbib0 on 4 rails" bw_MBps
		if [ "$qps" = 1 ]; then
			plan p4 ib_write_bw rxe 65536 1 1 "rxe0 (1 QP = 1 link)" bw_MBps
		else
			plan p4 ib_write_bw rxe 65536 "$qps" 4 "rxe0..3 with $((qps / 4)) QPs each" bw_MBps
		fi
	done
	unshape_all
	rxe_setup 4
	[ $TBIB_OK = 1 ] && tbib_use_rails 4
	for ((rep = 1; rep <= B_REPS; rep++)); do
		log "part 4 repetition $rep/$B_REPS"
		for qps in $P4_QPS; do
			for dev in $(devs_for $rep); do
				p4_run $dev "$qps" $rep
			done
		done
	done
}

# ---- the groups ----
# Every group starts with rxe0 (and rxe1..3 with 4 links) and tbib0 with
# one rail on eth0, its data path probed once (tbib_bringup).
bench_main() {
	bench_start
	rxe_setup 1
	tbib_bringup eth0
	case $B_GROUP in
	p1) part1 ;;
	p234)
		part2
		part4
		# last: the part most likely to hurt the kernel
		part3 ;;
	p3) part3 ;;
	quick)
		part1
		part2
		part4
		part3 ;;
	*) fail "unknown bench group $B_GROUP" ;;
	esac
	bench_done
}
