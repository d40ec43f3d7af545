#!/bin/bash
# tbib-test: topology=single timeout=300
#
# Raw generic netlink against the tbib family: missing, oversized,
# wrong-type, truncated and nested-garbage attributes, bad headers,
# unknown commands, a netdev used twice, usb4 -> each refused with the
# right errno and an extack message (genl-garbage malformed); unprivileged
# callers get EPERM for every mutating command; random messages do not
# hurt the kernel; the module still works and unloads afterwards.
. /tests/lib.sh

command -v genl-garbage >/dev/null || fail "genl-garbage missing from the image (tests/tools)"
load_tbib
veth_pairs 2
check tbibctl dev add tbib0
check tbibctl rail add tbib0 netdev vb1

log "malformed requests"
check genl-garbage malformed va0 vb1

log "usb4 through tbibctl: the kernel's message reaches the user"
out=$(tbibctl rail add tbib0 usb4 0-1 2>&1) && fail "usb4 rail accepted"
echo "$out"
assert_match "$out" "usb4 rails are not supported yet"

log "unprivileged caller"
check genl-garbage unpriv
# tbibctl sees the kernel's EPERM as well
out=$(genl-garbage count dev) || fail "dump failed"
assert_eq "$out" 1 "one device"

log "random messages"
check genl-garbage fuzz 3000 1
check genl-garbage fuzz 3000 2

log "still in working order"
check tbibctl dev show tbib0
assert_eq "$(genl-garbage count dev)" 1 "devices after fuzzing"
assert_eq "$(genl-garbage count rail)" 1 "rails after fuzzing"
check tbibctl rail add tbib0 netdev va1
check tbibctl dev del tbib0
check rmmod tbib
log "ok"
