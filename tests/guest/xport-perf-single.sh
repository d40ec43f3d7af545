#!/bin/bash
# tbib-test: topology=single timeout=900
#
# perftest between tbib0 and tbib1 in one VM over two veth rails: every
# bandwidth and latency tool over all sizes (-a, few iterations), UD and
# UC, several QPs, bidirectional, inline; every run must finish without
# error.  Numbers are printed, not asserted (DESIGN.md 11).
. /tests/lib.sh
. /tests/_xport-lib.sh

xport_single 2 9000
port=18800
perf() {
	port=$((port + 1))
	log "$*"
	xport_pp perf$port 240 "$@" -F -u 18 -d tbib1 -p $port -- \
		"$@" -F -u 18 -d tbib0 -p $port 127.0.0.1 >/tmp/perf.log 2>&1 ||
		{ cat /tmp/perf.log; xport_dump; fail "$* failed ($(xport_pp_why perf$port))"; }
	perf_summary /tmp/perf$port.cli.log
	# every size reported, none with an error
	grep -qiE "error|failed|couldn't" /tmp/perf$port.cli.log /tmp/perf$port.srv.log &&
		{ cat /tmp/perf.log; fail "$*: errors reported"; }
	assert_match "$(perf_summary /tmp/perf$port.cli.log)" '^ *[0-9]+ +[0-9]+' "$*: no result"
}

perf ib_write_bw -a -n 5
perf ib_read_bw -a -n 5
perf ib_send_bw -a -n 5
perf ib_atomic_bw -n 100
perf ib_write_lat -a -n 5
perf ib_read_lat -a -n 5
perf ib_send_lat -a -n 5
perf ib_atomic_lat -n 50
perf ib_send_bw -c UD -a -n 5
perf ib_send_bw -c UC -s 65536 -n 50
perf ib_write_bw -c UC -s 65536 -n 50
perf ib_write_bw -q 8 -s 65536 -n 50
perf ib_write_bw -b -s 65536 -n 50
perf ib_send_bw -b -s 65536 -n 50
perf ib_read_bw -b -s 65536 -n 50
perf ib_read_bw -q 4 -s 1048576 -n 10
perf ib_send_lat -I 128 -s 128 -n 50
perf ib_write_lat -I 64 -s 64 -n 50
perf ib_write_bw -I 64 -s 64 -n 200
tbibctl -s dev show tbib0
log "done"
