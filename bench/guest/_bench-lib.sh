# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make bench` (bench/run): sourced by the thin wrappers
# bench/guest/_bench-<group>[-rxe].sh.  The wrapper's name is the only
# parameter the harness can pass (TBIB_TEST), so it selects what to run:
#
#   _bench-p1       part 1: tbib (1 rail) vs rxe on link 0, perftest matrix
#   _bench-p234     parts 2-4: aggregation, failover, scaling on 4 links
#   _bench-p3       part 3 alone (failover), five runs
#   _bench-quick    a small subset of all four parts (make bench QUICK=1)
#   ...-rxe         the same without touching tbib (re-run after a tbib
#                   crash took the VMs down, so the rxe cells still exist)
#
# Both VMs run the same sequence: vm0 is every perftest server, vm1 every
# client; each run gets its own TCP port so a late side never meets a
# stale partner.  Results go to the test output (ttyS1) as lines the host
# greps (bench/run, see bench/README.md for the columns):
#
#   BENCH,part,test,dev,size,qps,rails,config,rep,metric,value,unit,status,note
#   BENCHPLAN,part,test,dev,size,qps,rails,config,metric
#   BENCHINFO,key,value
#   BENCHEV,rep,t_ms,event                 (failover events, vm0)
#   BENCHTL,rep,t_ms,ifname/id/rx_bytes;...  (failover samples, vm0)
#   BENCHST,rep,n,event,t_s,stall_ms,ctl_ms,before_Mbps,after_Mbps
#                                          (failover stalls, vm0: _p3-stall.awk)
#   BENCHDONE,group
#
# A cell that cannot be measured is reported "na" with its reason, a run
# that fails "fail" with its reason: nothing is ever made up.  The bench
# exits 0 unless the harness itself is unusable (rxe cannot come up).
. /tests/lib.sh

B_NAME=${TBIB_TEST#_bench-}
B_NOTBIB=0
case $B_NAME in
*-rxe) B_NOTBIB=1 B_NAME=${B_NAME%-rxe} ;;
esac
B_GROUP=$B_NAME
B_DIR=/tmp/bench
mkdir -p $B_DIR
B_RUN=0
B_PORT_BASE=18600

# ---- parameters (modest: every guest instruction is emulated) ----
if [ "$B_GROUP" = quick ]; then
	B_REPS=1
	P1_BW_TESTS="ib_write_bw"
	P1_BW_SIZES="65536"
	P1_BW_QPS="1"
	P1_LAT_TESTS="ib_write_lat"
	P1_LAT_SIZES="64"
	BW_D=2 BW_F=0           # perftest -D (run seconds) -f (margin seconds)
	P2_CONFIGS="eq4 eq4read"
	P3_REPS=1 P3_D=9 P3_EVENTS="2:del:eth1 4:del:eth2 6:add:eth1,eth2"
	P4_QPS="8"
else
	B_REPS=3
	P1_BW_TESTS="ib_write_bw ib_read_bw ib_send_bw"
	P1_BW_SIZES="64 4096 65536 1048576"
	P1_BW_QPS="1 8"
	P1_LAT_TESTS="ib_write_lat ib_read_lat ib_send_lat"
	P1_LAT_SIZES="64 4096 65536"
	BW_D=2 BW_F=0
	# eq4read right after eq4 (READ in the same shaping as WRITE),
	# the lossy pair last
	P2_CONFIGS="eq1 eq2 eq4 eq4read w8421 delay loss4 loss4read"
	P3_REPS=3 P3_D=13 P3_EVENTS="3:del:eth1 6:del:eth2 9:add:eth1,eth2"
	P4_QPS="1 8 64 256"
fi
[ "$B_GROUP" = p3 ] && P3_REPS=5
# Every run: -u 18, a 1 s ACK timeout (4 us * 2^18) instead of 67 ms: a
# TCG VM on a busy host stalls for longer than 7 x 67 ms now and then, and
# the QP would fail with "retry exceeded" although nothing was lost (NCCL
# uses 18 or more too).  Both devices get the same arguments.
PT_ARGS="-F -u 18"
# The bw tests ask for a PCIe relaxed-ordering MR by default
# (IBV_ACCESS_RELAXED_ORDERING, an optional access flag that software
# devices should ignore); tbib once rejected it ("Couldn't allocate MR")
# and ignores it now (kmod/mr.c), but the bw runs still turn it off for
# both devices, so that tbib and rxe register their MRs alike (the lat
# tests have no such option and never ask for it).
PT_BW_ARGS="--disable_pcie_relaxed"
# bw_depth SIZE QPS: perftest's send queue depth (-t) for a bw run.  The
# default, 128 messages per QP, is sized for real HCAs: here it would put
# up to 128 MiB in flight on links that move a few MB/s, and a 2 s run
# would end before the first large message completes.  At most ~2 MiB in
# flight over all QPs (at least 1 message per QP, at most 128).
bw_depth() {
	local d=$((2097152 / ($1 * $2)))
	[ $d -ge 1 ] || d=1
	[ $d -le 128 ] || d=128
	echo $d
}
# Part 2 runs behind tbf: 8 x 64 KiB in flight and a QP timeout of
# 4 us * 2^19 = 2 s, so that what waits in a shaper's queue is never taken
# for lost (both devices get the same arguments).
P2_ARGS="-t 8 -u 19"
# latency iterations per size (-n): keeps each run to a few seconds
lat_iters() {
	case $1 in
	64) echo 100 ;;
	4096) echo 100 ;;
	*) echo 50 ;;
	esac
}
[ "$B_GROUP" = quick ] && lat_iters() { echo 50; }

# ---- output ----
csvsafe() { local s=${*//,/;}; s=${s//$'\n'/ }; s=${s//$'\r'/}; echo "${s:0:160}"; }
# emit part test dev size qps rails config rep metric value unit status [note]
emit() {
	local note
	note=$(csvsafe "${13:-}")
	echo "BENCH,$1,$2,$3,$4,$5,$6,$(csvsafe "$7"),$8,$9,${10},${11},${12},$note"
}
plan() { [ "$TBIB_ROLE" = 1 ] && echo "BENCHPLAN,$1,$2,$3,$4,$5,$6,$(csvsafe "$7"),$8"; return 0; }
info() { echo "BENCHINFO,$1,$(csvsafe "$2")"; }
# only the client's numbers are results; the server's copy would repeat them
is_client() { [ "$TBIB_ROLE" = 1 ]; }

# ---- pair helpers ----
# xchg NAME VALUE: swap a short value with the other VM (TCP over link 0,
# like barrier); prints the peer's value.  Names must match on both sides.
B_XPORT=7701
xchg() {
	local name=$1 val=$2 got end
	if [ "$TBIB_ROLE" = 0 ]; then
		got=$(echo "$name=$val" | timeout 120 nc -l -p $B_XPORT)
	else
		end=$(($(date +%s) + 120))
		while :; do
			got=$(echo "$name=$val" | nc -w 3 "$TBIB_PEER_IP" $B_XPORT 2>/dev/null)
			[ -n "$got" ] && break
			[ "$(date +%s)" -lt $end ] || break
			sleep 0.2
		done
	fi
	got=$(echo "$got" | tr -d '\r' | head -n 1)
	[ "${got%%=*}" = "$name" ] || fail "xchg $name: out of step with the other VM (got '$got')"
	echo "${got#*=}"
}

next_port() { B_RUN=$((B_RUN + 1)); B_PORT=$((B_PORT_BASE + B_RUN)); }

# pt NAME TIMEOUT CMD...: one perftest run across the pair (lib perf_run:
# vm0 serves, vm1 connects).  Log in $B_DIR/NAME.log.
pt() {
	local name=$1 t=$2 rc
	shift 2
	perf_run -q "bench/$name" "$t" "$@"
	rc=$?
	return $rc
}

# parse LOG KIND: the number the client printed.  bw: "BW average" (MB/s
# as perftest reports it, 2^20 bytes); lat: t_typical (the median) and
# t_avg in usec.
bw_of() {
	awk '/#bytes/ && /BW average/ { h = 1; next }
	     h && $1 ~ /^[0-9]+$/ && NF >= 4 { print $4; exit }' "$1"
}
lat_of() { # LOG COLUMN-NAME
	awk -v want="$2" '
	/#bytes/ && /t_typical|t_avg/ {
		for (i = 1; i <= NF; i++) if (index($i, want) == 1) c = i
		h = 1; next
	}
	h && c && $1 ~ /^[0-9]+$/ { print $c; exit }' "$1"
}
# why LOG: the most telling lines of a failed perftest run: the first
# error it printed and, if different, its last (perftest often ends with a
# generic "Couldn't create IB resources" after the real cause)
why() {
	local pat="fail|error|couldn't|unable|timeout|refused|not found|no .*device|invalid" f l
	f=$(grep -aiE "$pat" "$1" 2>/dev/null | head -n 1)
	l=$(grep -aiE "$pat" "$1" 2>/dev/null | tail -n 1)
	[ -n "$l" ] || l=$(grep -av '^[[:space:]-]*$' "$1" 2>/dev/null | tail -n 1)
	f=$(echo $f) l=$(echo $l)
	if [ -n "$f" ] && [ "$f" != "$l" ]; then
		echo "$f ... $l"
	else
		echo "${l:-no output}"
	fi
}
isnum() { [[ $1 =~ ^[0-9]+(\.[0-9]+)?$ ]]; }

# ---- devices ----
RXE_GID=()
rxe_setup() { # N: rxe0..rxe(N-1) on eth0..eth(N-1)
	local i
	for ((i = 0; i < $1; i++)); do
		[ -d /sys/class/infiniband/rxe$i ] && continue
		rxe_add "rxe$i" "eth$i"
		RXE_GID[i]=$(gid_v4 "rxe$i")
	done
}
# devargs DEV [INDEX]: perftest device options
devargs() {
	case $1 in
	rxe) echo "-d rxe${2:-0} -x ${RXE_GID[${2:-0}]}" ;;
	tbib) echo "-d tbib0" ;;
	esac
}

# tbib state: TBIB_OK=1 when the data path works; TBIB_WHY the reason if not
TBIB_OK=0
TBIB_WHY=
TBIB_FAILS=0
tbib_rails_up() {
	tbibctl -j rail show tbib0 2>/dev/null | grep -oE '"state": ?"up"' | wc -l
}
# tbib_setup RAILS...: module, device, rails; sets TBIB_WHY on failure
tbib_setup() {
	local l
	if [ $B_NOTBIB = 1 ]; then
		TBIB_WHY="tbib skipped in this re-run after the VM run with tbib failed"
		return 1
	fi
	if ! have_tbib; then
		TBIB_WHY="tbib.ko or tbibctl not in the guest image (not built)"
		return 1
	fi
	load_rdma
	modprobe tbib >$B_DIR/modprobe.log 2>&1 || {
		TBIB_WHY="modprobe tbib: $(tail -n 1 $B_DIR/modprobe.log)"
		return 1
	}
	tbibctl dev add tbib0 lid $((0x11 + TBIB_ROLE)) guid 0x02000000000000$((11 + TBIB_ROLE)) \
		>$B_DIR/ctl.log 2>&1 || { TBIB_WHY="tbibctl dev add: $(tail -n 1 $B_DIR/ctl.log)"; return 1; }
	for l in "$@"; do
		tbibctl rail add tbib0 netdev "$l" >$B_DIR/ctl.log 2>&1 ||
			{ TBIB_WHY="tbibctl rail add $l: $(tail -n 1 $B_DIR/ctl.log)"; return 1; }
	done
	return 0
}
# tbib_wait N: port ACTIVE with N rails up
tbib_wait() {
	wait_until 30 grep -q ACTIVE /sys/class/infiniband/tbib0/ports/1/state ||
		{ TBIB_WHY="tbib0 port not ACTIVE: $(cat /sys/class/infiniband/tbib0/ports/1/state 2>&1)"; return 1; }
	wait_until 30 eval '[ "$(tbib_rails_up)" -ge '"$1"' ]' ||
		{ TBIB_WHY="only $(tbib_rails_up) of $1 rails up"; return 1; }
}
# tbib_bringup RAILS...: setup on both sides, agree, then a short
# ib_write_bw proves the data path; TBIB_OK=1 only if both sides say so.
tbib_bringup() {
	local mine peer rc
	TBIB_OK=0
	mine=ok
	tbib_setup "$@" && tbib_wait $# || mine=na
	peer=$(xchg tbib-setup "$mine")
	if [ "$mine" != ok ] || [ "$peer" != ok ]; then
		[ "$mine" = ok ] && TBIB_WHY="setup failed on the other VM"
		info tbib "n/a: $TBIB_WHY"
		return 1
	fi
	next_port
	pt probe 45 ib_write_bw $(devargs tbib) $PT_ARGS $PT_BW_ARGS -p $B_PORT -s 4096 -n 20
	rc=$?
	mine=ok
	if [ $rc != 0 ]; then
		mine=na
		TBIB_WHY="data path: short ib_write_bw on tbib0 failed (rc $rc: $(why $B_DIR/probe.log))"
	elif is_client && ! isnum "$(bw_of $B_DIR/probe.log)"; then
		mine=na
		TBIB_WHY="data path: short ib_write_bw on tbib0 printed no result"
	fi
	peer=$(xchg tbib-probe "$mine")
	if [ "$mine" != ok ] || [ "$peer" != ok ]; then
		[ "$mine" = ok ] && TBIB_WHY="data path: short ib_write_bw on tbib0 failed on the other VM"
		info tbib "n/a: $TBIB_WHY"
		log "the probe's output:"
		tail -n 15 $B_DIR/probe.log
		tbibctl -s rail show tbib0 2>&1 | head -n 20
		return 1
	fi
	TBIB_OK=1
	info tbib "data path works ($(bw_of $B_DIR/probe.log 2>/dev/null) MB/s in the probe)"
	return 0
}
# tbib_stop WHY: tbib cannot go on in this boot; its remaining cells are
# "na" with WHY.  Only ever called on both VMs alike (after an xchg).
tbib_stop() {
	TBIB_OK=0
	TBIB_WHY=$1
	info tbib "n/a from here: $TBIB_WHY"
}
# cell_end DEV MINE: agree with the other VM on how the run went (MINE is
# ok or fail on this side): both then take the same decisions, so their
# sequences of runs never drift apart.  Two failed tbib runs in a row
# re-run the short probe: if it still works the failures belong to those
# tests and tbib goes on, else tbib stops for this boot (a hanging run
# costs its whole timeout).
cell_end() {
	local dev=$1 mine=$2 peer
	peer=$(xchg "cell$B_RUN" "$mine")
	[ "$dev" = tbib ] || return 0
	if [ "$mine" = ok ] && [ "$peer" = ok ]; then
		TBIB_FAILS=0
		return 0
	fi
	TBIB_FAILS=$((TBIB_FAILS + 1))
	[ $TBIB_FAILS -ge 2 ] || return 0
	TBIB_FAILS=0
	next_port
	pt probe 45 ib_write_bw $(devargs tbib) $PT_ARGS $PT_BW_ARGS -p $B_PORT -s 4096 -n 20
	if [ $? = 0 ] && { ! is_client || isnum "$(bw_of $B_DIR/probe.log)"; }; then mine=ok; else mine=fail; fi
	peer=$(xchg "recheck$B_RUN" "$mine")
	if [ "$mine" = ok ] && [ "$peer" = ok ]; then
		info tbib "two runs failed in a row, the short probe still works: going on"
	else
		tbib_stop "two runs failed in a row, then the short probe failed too ($(why $B_DIR/probe.log))"
	fi
}

# ---- one perftest cell ----
# bw_cell PART TEST DEV SIZE QPS RAILS CONFIG REP: client emits the result
bw_cell() {
	local part=$1 test=$2 dev=$3 size=$4 qps=$5 rails=$6 cfg=$7 rep=$8 rc v t
	if [ "$dev" = tbib ] && [ $TBIB_OK != 1 ]; then
		is_client && emit "$part" "$test" tbib "$size" "$qps" "$rails" "$cfg" "$rep" bw_MBps "" MB/s na "$TBIB_WHY"
		return 0
	fi
	next_port
	t=$((BW_D + 40 + qps / 4))
	pt cell "$t" "$test" $(devargs "$dev") $PT_ARGS $PT_BW_ARGS -p $B_PORT -s "$size" -q "$qps" \
		-t "$(bw_depth "$size" "$qps")" -D $BW_D -f $BW_F ${B_EXTRA:-}
	rc=$?
	v=$(bw_of $B_DIR/cell.log)
	if [ $rc = 0 ] && { ! is_client || isnum "$v"; }; then
		is_client && emit "$part" "$test" "$dev" "$size" "$qps" "$rails" "$cfg" "$rep" bw_MBps "$v" MB/s ok
		cell_end "$dev" ok
	else
		local w="rc $rc: $(why $B_DIR/cell.log)"
		is_client && emit "$part" "$test" "$dev" "$size" "$qps" "$rails" "$cfg" "$rep" bw_MBps "" MB/s fail "$w"
		log "$test $dev $size x$qps failed: $w"
		tail -n 5 $B_DIR/cell.log
		cell_end "$dev" fail
	fi
}

lat_cell() { # PART TEST DEV SIZE REP
	local part=$1 test=$2 dev=$3 size=$4 rep=$5 rc v a n
	if [ "$dev" = tbib ] && [ $TBIB_OK != 1 ]; then
		is_client && emit "$part" "$test" tbib "$size" 1 1 - "$rep" lat_typ_us "" us na "$TBIB_WHY"
		return 0
	fi
	next_port
	n=$(lat_iters "$size")
	pt cell 90 "$test" $(devargs "$dev") $PT_ARGS -p $B_PORT -s "$size" -n "$n"
	rc=$?
	v=$(lat_of $B_DIR/cell.log t_typical)
	a=$(lat_of $B_DIR/cell.log t_avg)
	if [ $rc = 0 ] && { ! is_client || isnum "$v"; }; then
		if is_client; then
			emit "$part" "$test" "$dev" "$size" 1 1 - "$rep" lat_typ_us "$v" us ok
			emit "$part" "$test" "$dev" "$size" 1 1 - "$rep" lat_avg_us "$a" us ok
		fi
		cell_end "$dev" ok
	else
		local w="rc $rc: $(why $B_DIR/cell.log)"
		is_client && emit "$part" "$test" "$dev" "$size" 1 1 - "$rep" lat_typ_us "" us fail "$w"
		log "$test $dev $size failed: $w"
		tail -n 5 $B_DIR/cell.log
		cell_end "$dev" fail
	fi
}

# ---- rate limits (tbf, netem) on a link, applied on this VM ----
# shape IF KBIT [DELAY_MS [LOSS_PCT]]: egress of IF limited to KBIT
# kbit/s; with DELAY_MS (0 for none) or LOSS_PCT a netem in front (netem
# root, tbf as its child, the documented way to combine them): netem
# drops LOSS_PCT % of the frames as they enter, then delays the rest.
# The tbf queue holds everything a part 2 run has in flight, so the
# shaper itself delays but never drops.
shape() {
	local dev=$1 kbit=$2 delay=${3:-} loss=${4:-} burst limit
	burst=$((kbit * 1000 / 8 / 50))             # 20 ms of tokens
	[ $burst -ge 16384 ] || burst=16384
	limit=$((kbit * 1000 / 8 / 2 + burst))      # 0.5 s of queue, and at
	[ $limit -ge 786432 ] || limit=786432       # least all P2_ARGS in flight
	tc qdisc del dev "$dev" root 2>/dev/null
	if [ -n "$delay" ] || [ -n "$loss" ]; then
		tc qdisc add dev "$dev" root handle 1: netem delay "${delay:-0}ms" ${loss:+loss "$loss%"} limit 100000 &&
		tc qdisc add dev "$dev" parent 1:1 handle 10: tbf rate "${kbit}kbit" burst "$burst" limit "$limit"
	else
		tc qdisc add dev "$dev" root handle 1: tbf rate "${kbit}kbit" burst "$burst" limit "$limit"
	fi || fail "tc on $dev failed"
}
unshape() { tc qdisc del dev "$1" root 2>/dev/null; return 0; }
unshape_all() { local l; for ((l = 0; l < TBIB_LINKS; l++)); do unshape "eth$l"; done; }

# tbib_use_rails N: exactly eth0..eth(N-1) as rails on both sides, up
tbib_use_rails() {
	local n=$1 l have mine peer
	[ $TBIB_OK = 1 ] || return 1
	for ((l = 0; l < TBIB_LINKS; l++)); do
		have=0
		tbibctl rail show tbib0 2>/dev/null | grep -qw "netdev eth$l" && have=1
		if [ $l -lt "$n" ] && [ $have = 0 ]; then
			tbibctl rail add tbib0 netdev "eth$l"
		elif [ $l -ge "$n" ] && [ $have = 1 ]; then
			tbibctl rail del tbib0 "eth$l"
		fi
	done
	mine=ok
	tbib_wait "$n" || mine=na
	peer=$(xchg "rails$n" "$mine")
	if [ "$mine" != ok ] || [ "$peer" != ok ]; then
		[ "$mine" = ok ] && TBIB_WHY="the other VM's rails did not come up"
		tbib_stop "$n rails did not come up: $TBIB_WHY"
		return 1
	fi
	# the set is exact: none of the higher links may remain a rail
	[ "$(tbibctl -j rail show tbib0 | grep -oE '"ifname": ?"eth' | wc -l)" = "$n" ] ||
		log "warning: rail set is not exactly eth0..eth$((n - 1)): $(tbibctl rail show tbib0)"
	return 0
}

# ---- CPU and byte sampler (part 4) ----
# A background loop of shell builtins only (no fork per sample): every
# 0.25 s uptime, busy and total jiffies from /proc/stat and the bytes of
# all links in the data direction of this VM.
sampler_start() { # FILE rx|tx
	local f=$1 dir=$2
	(
		exec 7<>"$B_DIR/.sleepfifo"
		while :; do
			read -r up _ </proc/uptime
			read -r _ u n s i w q sq st _ </proc/stat
			b=0
			for ((l = 0; l < TBIB_LINKS; l++)); do
				read -r x <"/sys/class/net/eth$l/statistics/${dir}_bytes"
				b=$((b + x))
			done
			echo "$up $((u + n + s + q + sq + st)) $((u + n + s + i + w + q + sq + st)) $b"
			read -r -t 0.25 -u 7 _
		done
	) >"$f" &
	B_SAMPLER=$!
}
sampler_stop() { kill "$B_SAMPLER" 2>/dev/null; wait "$B_SAMPLER" 2>/dev/null; return 0; }
# cpu_per_gb FILE: CPU seconds (all vCPUs, USER_HZ=100) per 10^9 bytes
# over the samples that carried traffic (at least a quarter of the
# busiest interval), so connection set-up and tear-down are left out.
cpu_per_gb() {
	awk '{ t[NR] = $1; busy[NR] = $2; b[NR] = $4 }
	END {
		for (i = 2; i <= NR; i++) { d = b[i] - b[i - 1]; if (d > m) m = d }
		if (m <= 0) { print "none"; exit }
		for (i = 2; i <= NR; i++)
			if (b[i] - b[i - 1] >= m / 4) {
				cb += busy[i] - busy[i - 1]; bb += b[i] - b[i - 1]
			}
		if (bb <= 0) { print "none"; exit }
		printf "%.2f\n", (cb / 100) / (bb / 1e9)
	}' "$1"
}
mkfifo "$B_DIR/.sleepfifo" 2>/dev/null

bench_start() {
	info group "$B_GROUP$([ $B_NOTBIB = 1 ] && echo ' (rxe only)')"
	info vm "$(uname -r), $(nproc) vCPU, $(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo) MB"
	info bw_duration "-D $BW_D -f $BW_F"
	info pt_args "$PT_ARGS (bw tests also $PT_BW_ARGS and -t 2 MiB / (size x QPs) within 1..128)"
	info p2_args "$P2_ARGS"
	info perftest "$(dpkg-query -W -f '${Version}' perftest 2>/dev/null || ib_write_bw --version 2>&1 | head -n 1)"
}
bench_done() {
	info duration_s "$SECONDS"
	echo "BENCHDONE,$B_GROUP"
	barrier bench-done 120
	exit 0
}
