#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Self-test of the VM harness on one kernel: proves that run.sh can fail.
#   _ok        clean test                          -> must pass
#   _fail      script exits 1                      -> must fail, "test exit 1"
#   _warn      module WARNs on load, script exit 0 -> must fail, kernel splat
#   _uaf       module writes to freed slab memory  -> must fail, slub_debug's
#              report (the guests boot with it on)
#   _timeout   script never ends                   -> must fail, timeout
#              and again with no time to boot      -> killed by the host
#   _pairfail  pair, links checked, vm1 fails      -> must fail on vm1, and
#              vm0 (waiting at a barrier) is stopped without waiting
#
#   selftest.sh -k KVER [-o RESULTS_DIR]
# Exit 0 if every case behaved, 1 if not, 2 on a harness error.
set -u
VM=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$VM/../.." && pwd)
KVER= RES=
while getopts "k:o:" o; do
	case $o in
	k) KVER=$OPTARG ;;
	o) RES=$OPTARG ;;
	*) echo "usage: $0 -k KVER [-o RESULTS_DIR]" >&2; exit 2 ;;
	esac
done
[ -n "$KVER" ] || { echo "usage: $0 -k KVER [-o RESULTS_DIR]" >&2; exit 2; }
RES=${RES:-$TOP/results/vm/$KVER/selftest}

bad=()
SUFFIX=
# expect CASE RC REASON_ERE [MAX_SECONDS]
expect() {
	local t=$1 want=$2 why=$3 max=${4:-} out rc got el
	out=$("$VM/run.sh" -k "$KVER" -t "$t" -o "$RES/$t$SUFFIX" 2>&1)
	rc=$?
	# a guest that died or lost its clock while booting proves nothing
	# about the case: boot it again, as tests/run does
	if [ $rc = 3 ]; then
		echo "  selftest $t$SUFFIX: $(head -n 1 <<<"$out"), booting again"
		out=$("$VM/run.sh" -k "$KVER" -t "$t" -o "$RES/$t$SUFFIX" 2>&1)
		rc=$?
	fi
	got=$(head -n 1 <<<"$out")
	if [ $rc = 2 ]; then
		echo "$out" >&2
		echo "ERROR selftest [$KVER]: harness error on $t" >&2
		exit 2
	fi
	if [ $rc != "$want" ]; then
		bad+=("$t: exit $rc, wanted $want")
		echo "$out" | head -n 20 >&2
	elif [ -n "$why" ] && ! grep -qE -- "$why" "$RES/$t$SUFFIX/result"; then
		bad+=("$t: failed for the wrong reason (wanted /$why/)")
		cat "$RES/$t$SUFFIX/result" >&2
	elif [ -n "$max" ]; then
		el=$(sed -n 's/.* elapsed=\([0-9]*\).*/\1/p' "$RES/$t$SUFFIX/result")
		[ "${el:-9999}" -le "$max" ] || bad+=("$t: took ${el}s, more than ${max}s")
	fi
	echo "  selftest $t$SUFFIX: $got"
}

expect _ok 0 '^status=pass'
expect _fail 1 '^reason=vm0 test exit 1$'
expect _warn 1 '^vm0_splat=.*WARNING:.*tbib_warnmod'
# the script itself succeeded: only the splat failed it
grep -q '^vm0_rc=0$' "$RES/_warn/result" 2>/dev/null || bad+=("_warn: script did not exit 0")
expect _uaf 1 '^vm0_splat=.*BUG kmalloc-96 \(.*\): (Poison overwritten|Object corrupt)'
grep -q '^vm0_rc=0$' "$RES/_uaf/result" 2>/dev/null || bad+=("_uaf: script did not exit 0")
expect _timeout 1 '^reason=vm0 test timed out'
# a guest that never reports: the host's deadline kills it (no slack for
# boot, so the deadline passes before the guest can say anything)
SUFFIX=-hostkill TBIB_VM_SLACK=0 expect _timeout 1 '^reason=vm0 no result after 10s \(killed\)' 30
# vm1 fails right after the links check; vm0 would wait 600 s at a
# barrier (test timeout 150 s): the harness must stop it, not wait
expect _pairfail 1 '^reason=vm1 test exit 1$'
grep -q '^reason=vm0 stopped after a failure$' "$RES/_pairfail/result" 2>/dev/null ||
	bad+=("_pairfail: vm0 was not stopped after vm1 failed")

if [ ${#bad[@]} = 0 ]; then
	echo "PASS selftest [$KVER]"
	exit 0
fi
IFS=';'
echo "FAIL selftest [$KVER]: ${bad[*]}"
exit 1
