# SPDX-License-Identifier: GPL-2.0
#
# Helpers for guest tests: `. /tests/lib.sh` at the top of tests/guest/X.sh.
#
# The harness's /init runs the test with bash and exports:
#   TBIB_ROLE     0 or 1 (which VM of a pair this is; 0 in single; 0..2
#                 in mesh3)
#   TBIB_VMS      1 (single), 2 (pair) or 3 (mesh3)
#   TBIB_TOPO     mesh3 in the three-VM mesh (unset otherwise): TBIB_LINKS
#                 links between every two VMs, see mesh_if/mesh_ip
#   TBIB_LINKS    number of virtio links (pair): eth0..ethN-1,
#                 169.254.L.1 on vm0 and 169.254.L.2 on vm1
#   TBIB_PEER_IP  address of the other VM on link 0 (pair only)
#   TBIB_KVER     uname -r
# The test passes if it exits 0 and no kernel splat hits the console.
# Everything the test prints is kept in results/vm/<KVER>/<NAME>/vmN.out.log.

: "${TBIB_ROLE:=0}" "${TBIB_VMS:=1}" "${TBIB_LINKS:=0}"
TBIB_KVER=${TBIB_KVER:-$(uname -r)}

# ---- logging and assertions ----

_tbib_now() {
	local up
	read -r up _ </proc/uptime
	echo "$up"
}

# log MSG: on the test output, and as a marker in the kernel log so that
# the console shows which step a kernel message belongs to.
log() {
	echo "[$(_tbib_now)] $*"
	echo "tbib-test[vm$TBIB_ROLE]: $*" >/dev/kmsg 2>/dev/null
	return 0
}

fail() {
	log "FAIL: $*"
	exit 1
}

# check CMD ARGS...: run it, fail the test if it fails
check() {
	"$@"
	local rc=$?
	[ $rc = 0 ] || fail "'$*' exited with $rc"
}

# check_fails CMD ARGS...: the command must fail
check_fails() {
	if "$@"; then
		fail "'$*' succeeded but should have failed"
	fi
	return 0
}

assert_eq() { [ "$1" = "$2" ] || fail "${3:-values differ}: '$1' != '$2'"; }
assert_ne() { [ "$1" != "$2" ] || fail "${3:-values equal}: '$1' == '$2'"; }
assert_ge() { [ "$1" -ge "$2" ] 2>/dev/null || fail "${3:-too small}: $1 < $2"; }
assert_le() { [ "$1" -le "$2" ] 2>/dev/null || fail "${3:-too large}: $1 > $2"; }
assert_gt() { [ "$1" -gt "$2" ] 2>/dev/null || fail "${3:-too small}: $1 <= $2"; }
# assert_match STRING ERE [MSG]
assert_match() {
	echo "$1" | grep -qE -- "$2" || fail "${3:-no match}: '$1' !~ /$2/"
}
# assert_file_has FILE ERE [MSG]
assert_file_has() {
	grep -qE -- "$2" "$1" || fail "${3:-$1 lacks /$2/}"
}

# retry TRIES DELAY CMD...: until CMD succeeds; returns its last status
retry() {
	local n=$1 d=$2 i rc=1
	shift 2
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		rc=$?
		sleep "$d"
	done
	return $rc
}

# wait_until SECONDS CMD...: poll CMD every 0.2 s; 1 on timeout
wait_until() {
	local end=$(( $(date +%s) + $1 ))
	shift
	while ! "$@"; do
		[ "$(date +%s)" -lt $end ] || return 1
		sleep 0.2
	done
}

# ---- topology ----

is_pair() { [ "$TBIB_VMS" -gt 1 ]; }
# ip_of ROLE LINK: IPv4 address of that VM on that link
ip_of() { echo "169.254.$2.$(($1 + 1))"; }
my_ip() { ip_of "$TBIB_ROLE" "${1:-0}"; }
peer_ip() { ip_of $((1 - TBIB_ROLE)) "${1:-0}"; }

# barrier NAME [TIMEOUT]: both VMs of a pair wait here for each other
# (TCP over the links).  vm0 listens, vm1 connects until vm0 listens,
# trying link 0 first and the others in turn, so that a test which takes
# some links down still synchronises while one link carries IP.  Each side
# sends its barrier name so that a desynchronised test fails loudly.
TBIB_BARRIER_PORT=7700
barrier() {
	local name=$1 t=${2:-90} got end l=0
	is_pair || return 0
	is_mesh && { barrier_mesh "$@"; return; }
	log "barrier $name"
	if [ "$TBIB_ROLE" = 0 ]; then
		got=$(echo "$name" | timeout "$t" nc -l -p $TBIB_BARRIER_PORT)
		[ -n "$got" ] || fail "barrier $name: vm1 did not come within ${t}s"
	else
		end=$(( $(date +%s) + t ))
		while :; do
			got=$(echo "$name" | nc -w 2 "$(peer_ip $l)" $TBIB_BARRIER_PORT 2>/dev/null)
			[ -n "$got" ] && break
			l=$(( (l + 1) % (TBIB_LINKS > 0 ? TBIB_LINKS : 1) ))
			[ "$(date +%s)" -lt $end ] || fail "barrier $name: vm0 did not come within ${t}s"
			sleep 0.2
		done
	fi
	assert_eq "$got" "$name" "barrier out of step"
}

# ---- mesh3 ----

is_mesh() { [ "${TBIB_TOPO:-}" = mesh3 ]; }
# mesh_if PEER L: this VM's interface of link L to vm PEER
mesh_if() { echo "to$1l$2"; }
# mesh_ip VM PEER L: the address of VM on its link L to PEER
mesh_ip() {
	local lo=$(($1 < $2 ? $1 : $2)) hi=$(($1 > $2 ? $1 : $2))
	echo "169.254.$((100 * lo + 10 * hi + $3)).$(($1 + 1))"
}

# barrier_mesh NAME [TIMEOUT]: all three VMs of the mesh.  vm0 answers
# each connection with "wait NAME" until it has heard NAME from vm1 and
# vm2, then with "go NAME"; vm1 and vm2 ask again every 0.2 s (over their
# links to vm0 in turn) until they get "go NAME", and vm0 leaves once each
# has had its "go".  A VM at another barrier gets an answer with another
# name and keeps asking, so a desynchronised test times out loudly.
barrier_mesh() {
	local name=$1 t=${2:-90} got end l=0 reply
	local -A seen=() gone=()
	log "barrier $name"
	end=$(( $(date +%s) + t ))
	if [ "$TBIB_ROLE" = 0 ]; then
		while [ ${#gone[@]} -lt 2 ]; do
			if [ ${#seen[@]} -ge 2 ]; then reply="go $name"; else reply="wait $name"; fi
			got=$(echo "$reply" | timeout $((end - $(date +%s) > 0 ? end - $(date +%s) : 1)) \
				nc -l -p $TBIB_BARRIER_PORT)
			[ "$(date +%s)" -lt $end ] || fail "barrier $name: vm1/vm2 did not come within ${t}s (seen: ${!seen[*]})"
			case $got in
			"$name vm1" | "$name vm2")
				seen[${got##* }]=1
				[ "$reply" = "go $name" ] && gone[${got##* }]=1 ;;
			esac
		done
	else
		while :; do
			got=$(echo "$name vm$TBIB_ROLE" | nc -w 2 "$(mesh_ip 0 "$TBIB_ROLE" $l)" $TBIB_BARRIER_PORT 2>/dev/null)
			[ "$got" = "go $name" ] && break
			l=$(( (l + 1) % TBIB_LINKS ))
			[ "$(date +%s)" -lt $end ] || fail "barrier $name: no go from vm0 within ${t}s (last: '$got')"
			sleep 0.2
		done
	fi
}

# ---- modules ----

# load_mod NAME...: modprobe each (dependencies come from modules.dep)
load_mod() {
	local m
	for m in "$@"; do
		modprobe "$m" || fail "modprobe $m failed"
	done
}

# rxe on 6.1 asks the crypto API for "crc32" when it registers a device;
# the generic implementation must be there first.
load_crc32() {
	modprobe crc32_generic 2>/dev/null
	modprobe crc32c_generic 2>/dev/null
	return 0
}

load_rdma() {
	load_crc32
	load_mod ib_core ib_uverbs rdma_ucm
}

load_rxe() {
	load_rdma
	load_mod rdma_rxe
}

# have_tbib: tbib.ko is in the image and tbibctl runs
have_tbib() {
	modinfo tbib >/dev/null 2>&1 && command -v tbibctl >/dev/null &&
		tbibctl --help >/dev/null 2>&1
}

# load_tbib [PARAM=VALUE...]
load_tbib() {
	modinfo tbib >/dev/null 2>&1 || fail "tbib.ko is not in the image (make module KVER=$TBIB_KVER)"
	load_rdma
	modprobe tbib "$@" || fail "modprobe tbib $* failed"
}

# ---- links ----

# veth_add A B: a veth pair A<->B, both up
veth_add() {
	ip link add "$1" type veth peer name "$2" || fail "cannot create veth $1/$2"
	ip link set "$1" up && ip link set "$2" up || fail "cannot set $1/$2 up"
}

# veth_pairs N [PREFIX_A PREFIX_B]: N pairs va0/vb0 .. va(N-1)/vb(N-1)
veth_pairs() {
	local i a=${2:-va} b=${3:-vb}
	for ((i = 0; i < $1; i++)); do
		veth_add "$a$i" "$b$i"
	done
}

# ---- RDMA ----

# rxe_add NAME NETDEV: soft-RoCE device on NETDEV, waits for an active port
rxe_add() {
	load_rxe
	rdma link add "$1" type rxe netdev "$2" || fail "rdma link add $1 on $2 failed"
	wait_until 10 grep -q ACTIVE "/sys/class/infiniband/$1/ports/1/state" ||
		fail "$1 port not active: $(cat "/sys/class/infiniband/$1/ports/1/state" 2>&1)"
}

# gid_v4 DEV [PORT]: index of DEV's IPv4-mapped GID (RoCEv2 over IPv4);
# waits for it, since the GID table follows address changes in a workqueue
gid_v4() {
	local dev=$1 port=${2:-1} g i end=$(( $(date +%s) + 10 ))
	while :; do
		for g in /sys/class/infiniband/"$dev"/ports/"$port"/gids/*; do
			case $(cat "$g" 2>/dev/null) in
			0000:0000:0000:0000:0000:ffff:*)
				i=${g##*/}
				if grep -q 'RoCE v2' "/sys/class/infiniband/$dev/ports/$port/gid_attrs/types/$i" 2>/dev/null; then
					echo "$i"
					return 0
				fi ;;
			esac
		done
		[ "$(date +%s)" -lt $end ] || break
		sleep 0.2
	done
	fail "no IPv4 RoCEv2 GID on $dev port $port"
}

# perf_run [-q] NAME TIMEOUT CMD ARGS...: run a client/server RDMA tool
# (perftest, ibv_*_pingpong) across the pair: vm0 is the server, vm1 the
# client and gets the peer's address appended.  The client retries until
# the server listens.  Output goes to /tmp/NAME.log and, unless -q, to
# stdout; returns the tool's rc.
perf_run() {
	local quiet=0 name t log rc end
	[ "$1" = -q ] && { quiet=1; shift; }
	name=$1 t=$2 log=/tmp/$1.log
	shift 2
	if [ "$TBIB_ROLE" = 0 ]; then
		timeout "$t" "$@" >"$log" 2>&1
		rc=$?
	else
		end=$(( $(date +%s) + t ))
		while :; do
			timeout "$t" "$@" "$TBIB_PEER_IP" >"$log" 2>&1
			rc=$?
			[ $rc = 0 ] && break
			grep -qiE "couldn't connect|unable to (init the socket|open file)|connection refused" "$log" || break
			[ "$(date +%s)" -lt $end ] || break
			sleep 0.5
		done
	fi
	[ $quiet = 1 ] || cat "$log"
	return $rc
}

# perf_summary LOG: the column header and result lines of a perftest run
perf_summary() {
	awk '/#bytes/ { h = 1; print; next } h && $1 ~ /^[0-9]+$/ { print }' "$1"
}

# perf_bw LOG: "BW average[MB/sec]" of a perftest *_bw run
perf_bw() {
	awk '/#bytes/ && /BW average/ { h = 1; next }
	     h && $1 ~ /^[0-9]+$/ { print $4; exit }' "$1"
}

# perf_lat LOG: "t_avg[usec]" of a perftest *_lat run
perf_lat() {
	awk '/#bytes/ && /t_avg/ { for (i = 1; i <= NF; i++) if ($i ~ /^t_avg/) c = i - 0; h = 1; next }
	     h && $1 ~ /^[0-9]+$/ { print $c; exit }' "$1"
}
