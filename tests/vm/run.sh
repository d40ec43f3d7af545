#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run one guest script, tests/guest/NAME.sh (a test) or bench/guest/NAME.sh
# (a benchmark group), in QEMU (TCG) VMs booted on the
# Debian kernel KVER (one of scripts/kernels.sh).
#
#   run.sh -k KVER -t NAME [-o RESULTS_DIR] [-v]
#
# Exit 0 = pass, 1 = fail, 2 = harness error, 3 = a VM failed to boot
# properly (crashed before the test started, or miscalibrated its clock; a
# failed test only; tests/run boots once more).  The logs of every VM
# (kernel console, test output, QEMU's own messages) end up in RESULTS_DIR
# (default results/vm/<KVER>/<NAME>/); on failure their tails are printed.
# -v streams the test output of the VMs while they run.
#
# The test declares what it needs in a header line:
#   # tbib-test: topology=single|pair|mesh3 links=N timeout=SECONDS [mem=MB] [smp=N]
# (defaults: single, links=1 for pair/mesh3, timeout=180: the test script's own
# run time in the guest; boot and power-off get TBIB_VM_SLACK=180 s more.
# mem/smp default to 768 MB x 2 vCPUs (single), 512 MB x 1 vCPU (pair,
# mesh3);
# TBIB_VM_MEM / TBIB_VM_SMP override them.)
# single: one VM, no NIC (the test makes its own veths);
# pair:   two VMs joined by N virtio-net links (QEMU datagram sockets on
#         127.0.0.1); link L is ethL in both, 169.254.L.1 on vm0 and
#         169.254.L.2 on vm1.
# mesh3:  three VMs, every two of them joined by their own N links; on vm
#         V the link to vm P number L is toPlL, 169.254.<100*lo+10*hi+L>.<V+1>
#         (lo/hi: the lower/higher VM number of the two), MAC
#         52:54:00:7c:<V>:<16*P+L> (tests/vm/README.md).
# The test passes when every VM reports "TBIB-RESULT 0" on its second serial
# port and no kernel console matches tests/vm/splat-patterns.
set -u

VM=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$VM/../.." && pwd)

usage() {
	echo "usage: $0 -k KVER -t NAME [-o RESULTS_DIR] [-v]" >&2
	exit 2
}
herr() {
	echo "ERROR ${NAME:-?} [${KVER:-?}]: $*" >&2
	exit 2
}

KVER= NAME= RES= VERBOSE=0
while getopts "k:t:o:v" o; do
	case $o in
	k) KVER=$OPTARG ;;
	t) NAME=$OPTARG ;;
	o) RES=$OPTARG ;;
	v) VERBOSE=1 ;;
	*) usage ;;
	esac
done
[ -n "$KVER" ] && [ -n "$NAME" ] || usage
TEST=$TOP/tests/guest/$NAME.sh
[ -f "$TEST" ] || TEST=$TOP/bench/guest/$NAME.sh
[ -f "$TEST" ] || herr "no test $TEST"
VMLINUZ=$("$TOP/scripts/kernels.sh" image "$KVER" 2>/dev/null) ||
	herr "no kernel $KVER (image, modules and headers): scripts/kernels.sh lists them"
QEMU=$(command -v qemu-system-x86_64) || herr "qemu-system-x86_64 missing: run 'make deps'"
command -v ss >/dev/null || herr "ss missing: run 'make deps' (iproute2)"
RES=${RES:-$TOP/results/vm/$KVER/$NAME}

# ---- the test's header ----
TOPO=single LINKS= TIMEOUT=180 MEM= SMP=
hdr=$(grep -m1 '^# tbib-test:' "$TEST" | sed 's/^# tbib-test://')
for kv in $hdr; do
	case $kv in
	topology=single | topology=pair | topology=mesh3) TOPO=${kv#*=} ;;
	links=[0-9]*) LINKS=${kv#*=} ;;
	timeout=[0-9]*) TIMEOUT=${kv#*=} ;;
	mem=[0-9]*) MEM=${kv#*=} ;;
	smp=[0-9]*) SMP=${kv#*=} ;;
	*) herr "bad tbib-test header item '$kv' in $TEST" ;;
	esac
done
if [ "$TOPO" = pair ]; then
	NVMS=2 LINKS=${LINKS:-1}
	# two VMs on a 2-core host: one vCPU each keeps both running
	MEM=${MEM:-512} SMP=${SMP:-1}
elif [ "$TOPO" = mesh3 ]; then
	NVMS=3 LINKS=${LINKS:-1}
	MEM=${MEM:-512} SMP=${SMP:-1}
else
	NVMS=1 LINKS=0
	MEM=${MEM:-768} SMP=${SMP:-2}
fi
MEM=${TBIB_VM_MEM:-$MEM}
SMP=${TBIB_VM_SMP:-$SMP}
[ "$LINKS" -le 16 ] || herr "at most 16 links"
[ "$TOPO" = single ] || [ "$LINKS" -ge 1 ] || herr "$TOPO needs links>=1"
# mesh3 addresses put the link number in one decimal digit
[ "$TOPO" != mesh3 ] || [ "$LINKS" -le 10 ] || herr "mesh3: at most 10 links per pair"

# ---- the image ----
INITRD=$("$VM/mkinitramfs.sh" -k "$KVER") || herr "initramfs build failed"
KERNEL=$("$VM/vmlinux.sh" -k "$KVER") || KERNEL=$VMLINUZ

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tbib-vm.XXXXXX") || herr "mktemp"
declare -a PIDS=() TAILS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${PIDS[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL "$p" 2>/dev/null
	done
	[ -n "${WORK:-}" ] && rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 2' INT TERM HUP

# ---- UDP ports for the links, never shared with an overlapping run ----
# Every harness instance takes the same lock while it picks ports and until
# its QEMUs have bound them, so the check against ss is race free among us.
LOCK=${TMPDIR:-/tmp}/tbib-vm-ports.lock
declare -a PORTS=()
pick_ports() {
	local used n=$((NVMS * LINKS)) p
	# mesh3: a port per (VM, other VM, link), indexed by mport() (the
	# VM-to-itself slots stay unused)
	[ "$TOPO" = mesh3 ] && n=$((NVMS * NVMS * LINKS))
	used=" $(ss -Hanu | awk '{n=split($4,a,":"); printf "%s ", a[n]}') "
	PORTS=()
	while [ ${#PORTS[@]} -lt "$n" ]; do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
		case "$used ${PORTS[*]} " in
		*" $p "*) continue ;;
		esac
		PORTS+=("$p")
	done
}
# port of VM v's end of link l
port() { echo "${PORTS[$(($2 * NVMS + $1))]}"; }
# mesh3: port of VM v's end of its link l to VM p
mport() { echo "${PORTS[$((($1 * NVMS + $2) * LINKS + $3))]}"; }

# ---- start the VMs ----
mac() { printf '52:54:00:7b:%02x:%02x' "$1" "$2"; }
start_vm() {
	local v=$1 l args=()
	# no_timer_check: on a busy host the IO-APIC timer test at boot can
	# miss its ticks; the kernel then falls back to the 8259A "virtual
	# wire" and device interrupts (ttyS1, virtio INTx) never arrive.
	# tsc=reliable: QEMU's TCG TSC follows the host clock; without it the
	# clocksource watchdog, itself delayed by the load, flags it unstable.
	local append="console=ttyS0,115200 panic=-1 printk.devkmsg=on no_timer_check tsc=reliable"
	# Memory debugging, built into Debian's kernels but off: slub_debug
	# sanity-checks, red-zones and poisons every slab object (a write out
	# of bounds or after free is reported when the object is next
	# checked); KFENCE (6.12+) guards a sample of allocations with pages
	# and catches the access itself.  TBIB_VM_MEMDEBUG=0 turns both off.
	[ "${TBIB_VM_MEMDEBUG:-1}" = 0 ] ||
		append+=" slub_debug=FZPU,kmalloc-*,skbuff_* kfence.sample_interval=10"
	append+=" TBIB_TEST=$NAME TBIB_ROLE=$v TBIB_VMS=$NVMS TBIB_LINKS=$LINKS"
	append+=" TBIB_TIMEOUT=$GTIMEOUT"
	# debugging a hung guest: TBIB_VM_APPEND="nokaslr" and
	# TBIB_VM_QEMU_ARGS="-monitor unix:/tmp/qmon,server,nowait"
	append+="${TBIB_VM_APPEND:+ $TBIB_VM_APPEND}"
	if [ "$TOPO" = mesh3 ]; then
		append+=" TBIB_TOPO=mesh3"
		local p
		for ((p = 0; p < NVMS; p++)); do
			[ "$p" = "$v" ] && continue
			for ((l = 0; l < LINKS; l++)); do
				args+=(-netdev "dgram,id=m${p}l$l,local.type=inet,local.host=127.0.0.1,local.port=$(mport "$v" "$p" "$l"),remote.type=inet,remote.host=127.0.0.1,remote.port=$(mport "$p" "$v" "$l")")
				args+=(-device "virtio-net-pci,netdev=m${p}l$l,mac=$(printf '52:54:00:7c:%02x:%02x' "$v" $((16 * p + l))),romfile=")
			done
		done
	else
		for ((l = 0; l < LINKS; l++)); do
			args+=(-netdev "dgram,id=l$l,local.type=inet,local.host=127.0.0.1,local.port=$(port "$v" "$l"),remote.type=inet,remote.host=127.0.0.1,remote.port=$(port $((1 - v)) "$l")")
			args+=(-device "virtio-net-pci,netdev=l$l,mac=$(mac "$v" "$l"),romfile=")
		done
	fi
	: >"$WORK/vm$v.console.log"
	: >"$WORK/vm$v.out.log"
	"$QEMU" -nodefaults -no-user-config -name "tbib-$NAME-vm$v" \
		-machine pc -accel tcg,tb-size=256 -cpu max -smp "$SMP" -m "$MEM" \
		-kernel "$KERNEL" -initrd "$INITRD" -append "$append" \
		-display none -no-reboot \
		-chardev "file,id=con,path=$WORK/vm$v.console.log" -serial chardev:con \
		-chardev "file,id=out,path=$WORK/vm$v.out.log" -serial chardev:out \
		"${args[@]}" ${TBIB_VM_QEMU_ARGS:-} </dev/null >"$WORK/vm$v.qemu.log" 2>&1 &
	PIDS[v]=$!
}
# the ports QEMU binds: all of them, but mesh3's VM-to-itself slots
used_ports() {
	local v p l
	if [ "$TOPO" != mesh3 ]; then
		echo "${PORTS[@]}"
		return
	fi
	for ((v = 0; v < NVMS; v++)); do
		for ((p = 0; p < NVMS; p++)); do
			[ $p = $v ] && continue
			for ((l = 0; l < LINKS; l++)); do mport $v $p $l; done
		done
	done
}
ports_bound() {
	local p b
	b=" $(ss -Hanu | awk '{n=split($4,a,":"); printf "%s ", a[n]}') "
	for p in $(used_ports); do
		case "$b" in *" $p "*) ;; *) return 1 ;; esac
	done
}

# The test's timeout runs from its start in the guest (guest time is host
# time under TCG), so a slow boot on a busy host does not eat into it; the
# guest stops the test and reports.  The host's own deadline adds SLACK
# for boot and power-off and catches guests that never report.
GTIMEOUT=$TIMEOUT
HTIMEOUT=$((TIMEOUT + ${TBIB_VM_SLACK:-180}))
START=$(date +%s)
started=0
for attempt in 1 2 3; do
	exec 8>"$LOCK"
	flock 8
	[ "$TOPO" != single ] && pick_ports
	PIDS=()
	for ((v = 0; v < NVMS; v++)); do
		start_vm "$v"
	done
	ok=1
	if [ "$TOPO" != single ]; then
		ok=0
		for _ in $(seq 300); do
			ports_bound && { ok=1; break; }
			for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null || break 2; done
			sleep 0.1
		done
	fi
	flock -u 8
	exec 8>&-
	if [ $ok = 1 ]; then
		started=1
		break
	fi
	# somebody else took a port between ss and bind: start again
	cleanup_pids=("${PIDS[@]}")
	for p in "${cleanup_pids[@]}"; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	PIDS=()
done
[ $started = 1 ] || herr "QEMU did not start: $(tail -n 3 "$WORK/vm0.qemu.log" 2>/dev/null)"

if [ $VERBOSE = 1 ]; then
	for ((v = 0; v < NVMS; v++)); do
		tail -n +1 -s 0.3 --pid="${PIDS[v]}" -f "$WORK/vm$v.out.log" |
			sed -u "s/^/vm$v| /" &
		TAILS+=($!)
	done
fi

# ---- wait: all VMs down, the timeout, or a failure on one side ----
PATTERNS=$WORK/.patterns
grep -vE '^(#|[[:space:]]*$)' "$VM/splat-patterns" >"$PATTERNS"
splats() { # FILE: matching lines, the harness's own lines excluded
	grep -aE -f "$PATTERNS" "$1" | grep -avE 'tbib-(init|test)\['
}
result() { # VM: the rc it reported, or empty
	tr -d '\r' <"$WORK/vm$1.out.log" | sed -n 's/^TBIB-RESULT \([0-9a-z-]*\)$/\1/p' | tail -n 1
}
alive() { kill -0 "${PIDS[$1]}" 2>/dev/null; }

timed_out=0 aborted=0 abort_at=
declare -a REPORTED=() STUCK=()
while :; do
	running=0
	now=$(date +%s)
	for ((v = 0; v < NVMS; v++)); do
		alive $v || continue
		# reported, but not powered off 30 s later: a hang on the way
		# down (device shutdown) is a failure too
		if [ -z "${REPORTED[v]:-}" ]; then
			[ -n "$(result $v)" ] && REPORTED[v]=$now
		elif [ $((now - REPORTED[v])) -ge 30 ]; then
			STUCK[v]=1
			continue
		fi
		running=$((running + 1))
	done
	[ $running = 0 ] && break
	if [ $((now - START)) -ge "$HTIMEOUT" ]; then
		timed_out=1
		break
	fi
	# A failed side, or a kernel splat anywhere, decides the result: leave
	# the others a few seconds to log what they see, then stop them.
	if [ -z "$abort_at" ]; then
		for ((v = 0; v < NVMS; v++)); do
			r=$(result $v)
			if { [ -n "$r" ] && [ "$r" != 0 ]; } ||
			   { ! alive $v && [ -z "$r" ]; } ||
			   [ -n "$(splats "$WORK/vm$v.console.log" | head -n 1)" ]; then
				abort_at=$((now + 10))
			fi
		done
	elif [ "$now" -ge "$abort_at" ]; then
		aborted=1
		break
	fi
	sleep 0.5
done
ELAPSED=$(($(date +%s) - START))
for p in "${PIDS[@]}"; do
	kill -0 "$p" 2>/dev/null && kill -TERM "$p" 2>/dev/null
done
for p in "${PIDS[@]}"; do
	wait "$p" 2>/dev/null
done
for p in "${TAILS[@]}"; do
	wait "$p" 2>/dev/null
done
PIDS=()

# ---- verdict ----
status=pass
reasons=()
herror=0
for ((v = 0; v < NVMS; v++)); do
	r=$(result $v)
	s=$(splats "$WORK/vm$v.console.log" | head -n 1)
	echo "vm${v}_rc=${r:-none}" >>"$WORK/result"
	if [ -n "$s" ]; then
		status=fail
		reasons+=("vm$v kernel splat: $(echo "$s" | sed 's/^\[[ 0-9.]*\] //' | cut -c1-100)")
		echo "vm${v}_splat=$s" >>"$WORK/result"
	fi
	if [ -n "${STUCK[v]:-}" ]; then
		status=fail
		reasons+=("vm$v reported $r but did not power off")
	fi
	case $r in
	0) ;;
	setup-error)
		status=fail herror=1
		reasons+=("vm$v guest setup failed") ;;
	"")
		status=fail
		if [ $timed_out = 1 ]; then
			reasons+=("vm$v no result after ${HTIMEOUT}s (killed)")
		elif [ $aborted = 1 ]; then
			reasons+=("vm$v stopped after a failure")
		elif [ ! -s "$WORK/vm$v.console.log" ]; then
			herror=1
			reasons+=("vm$v QEMU failed: $(tail -n 1 "$WORK/vm$v.qemu.log")")
		else
			reasons+=("vm$v never reported a result")
		fi ;;
	124)
		status=fail
		reasons+=("vm$v test timed out (${TIMEOUT}s)") ;;
	*)
		status=fail
		reasons+=("vm$v test exit $r") ;;
	esac
done
[ $herror = 1 ] && [ ${#reasons[@]} = 1 ] && status=error
# A kernel that oopses before its init ran the test has not run the test:
# emulated SMP now and then trips over its own boot-time code patching
# (seen: int3 in sched_clock_cpu as 6.12 marks the clock stable, untainted,
# no module loaded).  Reported apart (exit 3) so that tests/run can boot
# once more; a splat after the test started is always the test's.
if [ $status = fail ]; then
	for ((v = 0; v < NVMS; v++)); do
		first=$(grep -naE -f "$PATTERNS" "$WORK/vm$v.console.log" |
			grep -avE 'tbib-(init|test)\[' | head -n 1 | cut -d: -f1)
		[ -n "$first" ] || continue
		head -n "$first" "$WORK/vm$v.console.log" |
			grep -qa "tbib-init\[vm$v\]: up after" && continue
		status=bootcrash
		reasons+=("vm$v crashed while booting, before the test started")
	done
	# A kernel whose TSC calibration was disturbed (the host stalled the
	# guest during the PIT loop) runs its clocks tens of times too fast:
	# timers and RCU stall warnings are then meaningless (seen: 6.1 took
	# 61 MHz for a 2096 MHz TSC, "up after 201 s", an RCU stall while
	# idle).  Also a boot problem, not the test's.
	for ((v = 0; v < NVMS; v++)); do
		cal=$(grep -aoE 'PIT calibration deviates from HPET: [0-9]+ [0-9]+' \
			"$WORK/vm$v.console.log" | head -n 1 | awk '{ print $(NF - 1), $NF }')
		[ -n "$cal" ] || continue
		# more than 10% apart
		echo "$cal" | awk '{ exit !($1 * 10 < $2 * 9 || $2 * 10 < $1 * 9) }' || continue
		status=bootcrash
		reasons+=("vm$v miscalibrated its clock at boot (TSC kHz by PIT and HPET: $cal)")
	done
	echo "boot_crash=$([ $status = bootcrash ] && echo 1 || echo 0)" >>"$WORK/result"
fi
{
	echo "status=$status"
	echo "test=$NAME kver=$KVER topology=$TOPO vms=$NVMS links=$LINKS elapsed=$ELAPSED"
	for r in "${reasons[@]}"; do echo "reason=$r"; done
} >>"$WORK/result"

# keep the logs (atomically replace an older run of the same test)
mkdir -p "$(dirname "$RES")"
NEW=$(mktemp -d "$RES.new.XXXXXX") && cp -p "$WORK"/* "$NEW"/ &&
	rm -rf "$RES" && mv "$NEW" "$RES"

if [ $status = pass ]; then
	echo "PASS $NAME [$KVER] ${ELAPSED}s"
	exit 0
fi
IFS=';' ; why="${reasons[*]}"; unset IFS
echo "${status^^} $NAME [$KVER] ${ELAPSED}s: $why"
per=$((36 / NVMS))
for ((v = 0; v < NVMS; v++)); do
	if [ -n "$(splats "$RES/vm$v.console.log" | head -n 1)" ]; then
		echo "--- vm$v kernel splat ($RES/vm$v.console.log) ---"
		first=$(grep -naE -f "$PATTERNS" "$RES/vm$v.console.log" |
			grep -avE 'tbib-(init|test)\[' | head -n 1 | cut -d: -f1)
		tail -n +"$((first > 2 ? first - 2 : 1))" "$RES/vm$v.console.log" | head -n $((per / 2))
		echo "--- vm$v test output ($RES/vm$v.out.log) ---"
		tail -n $((per / 2)) "$RES/vm$v.out.log"
	else
		echo "--- vm$v console ($RES/vm$v.console.log) ---"
		tail -n $((per / 3)) "$RES/vm$v.console.log"
		echo "--- vm$v test output ($RES/vm$v.out.log) ---"
		tail -n $((per * 2 / 3)) "$RES/vm$v.out.log"
	fi
done
[ $status = error ] && exit 2
[ $status = bootcrash ] && exit 3
exit 1
