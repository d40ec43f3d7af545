#!/bin/bash
# tbib-test: topology=pair links=2 timeout=400
#
# UCX (Debian's 1.13) over tbib0 between two VMs: ucx_info lists the
# device with UCX's verbs transports (rc_verbs, ud_verbs), then
# ucx_perftest at the UCT level (one transport, one device) and at the
# UCP level (tag matching, put), vm0 the server and vm1 the client of
# each run.  rc_verbs always receives through an SRQ (UCX 1.13 has no
# knob to turn it off), so every rc_verbs run also exercises SRQs.  A
# run must end with rc 0 on both sides and print its "Final:" line; the
# numbers are printed, not asserted (TCG VMs).
. /tests/lib.sh
. /tests/_xport-lib.sh

command -v ucx_perftest >/dev/null || fail "ucx_perftest missing from the image"
xport_pair "$TBIB_LINKS" 9000

# which transports UCX offers on tbib0 ("TL DEV" pairs)
ucx_info -d >/tmp/ucx_info.log 2>&1 || { cat /tmp/ucx_info.log; fail "ucx_info -d failed"; }
tls=$(awk '/# *Transport:/ { tl = $3 } /# *Device:/ { print tl, $3 }' /tmp/ucx_info.log | sort -u)
echo "$tls"
assert_match "$tls" '^rc_verbs tbib0:1$' "ucx_info: no rc_verbs on tbib0:1"
assert_match "$tls" '^ud_verbs tbib0:1$' "ucx_info: no ud_verbs on tbib0:1"
# UCX's own complaints (an invalid active_speed/width, a failed query...)
grep -E 'UCX +(ERROR|WARN|DIAG)' /tmp/ucx_info.log && fail "ucx_info complained"

awk '/Transport: (rc|ud)_verbs/ { p = 1 } p && /bandwidth|latency|max_short|max_bcopy|max_zcopy|device_address/ { print } /Transport:/ && !/verbs/ { p = 0 }' \
	/tmp/ucx_info.log | head -n 20
barrier up

XPORT_PORT=19100
# ucx NAME [VAR=VALUE...] -- ARGS...: ucx_perftest ARGS across the pair,
# with that UCX environment; the client must print the "Final:" row
ucx() {
	local name=$1 envs=()
	shift
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	xport_prun "$name" env "${envs[@]}" ucx_perftest "$@" || return
	[ "$TBIB_ROLE" = 1 ] || return 0
	grep -E '^Final:' "/tmp/$name.log" ||
		{ cat "/tmp/$name.log"; log "FAILED $name: no result"; XPORT_FAILED+=("$name"); }
}

DEV=UCX_NET_DEVICES=tbib0:1
# UCT level: one transport on tbib0; -D picks UCT's copy (bcopy: the data
# copied into a registered bounce buffer) or zero-copy (zcopy) operation,
# the default "short" is inline only (~80 bytes here)
ucx uct-rc-am-bw -- -t am_bw -x rc_verbs -d tbib0:1 -D bcopy -s 4096 -n 500
ucx uct-rc-put-bw -- -t put_bw -x rc_verbs -d tbib0:1 -D zcopy -s 65536 -n 200
ucx uct-rc-get -- -t get -x rc_verbs -d tbib0:1 -D zcopy -s 65536 -n 100
ucx uct-rc-am-lat -- -t am_lat -x rc_verbs -d tbib0:1 -s 8 -n 200
ucx uct-ud-am-bw -- -t am_bw -x ud_verbs -d tbib0:1 -D bcopy -s 1024 -n 200
xport_stats tbib0
ucx uct-ud-am-lat -- -t am_lat -x ud_verbs -d tbib0:1 -s 8 -n 200
# UCP level: "rc_v" is rc_verbs with ud_verbs for wireup only
ucx ucp-rc-tag-bw $DEV UCX_TLS=rc_v -- -t tag_bw -s 65536 -n 200
ucx ucp-rc-tag-lat $DEV UCX_TLS=rc_v -- -t tag_lat -s 8 -n 200
ucx ucp-rc-put-bw $DEV UCX_TLS=rc_v -- -t ucp_put_bw -s 65536 -n 200
# UD alone: UCX's own reliability over UD, fragments of 4 KiB
ucx ucp-ud-tag-bw $DEV UCX_TLS=ud_verbs -- -t tag_bw -s 8192 -n 30

xport_pair_end
