#!/bin/bash
# tbib-test: topology=single timeout=500
#
# Dumps that need several netlink messages resume where they stopped: 80
# rails on two devices, dumped whole and per device, each rail exactly
# once; the rails bind pairwise, each device sees one peer on 40 rails.
. /tests/lib.sh

N=40
load_tbib
log "$N veth pairs"
veth_pairs $N
check tbibctl dev add tbib0
check tbibctl dev add tbib1
{
	for ((i = 0; i < N; i++)); do
		echo "rail add tbib0 netdev va$i"
		echo "rail add tbib1 netdev vb$i"
	done
} >/tmp/batch
check tbibctl -b /tmp/batch

out=$(genl-garbage count-parts rail) || fail "rail dump failed"
n=${out% *} parts=${out#* }
assert_eq "$n" $((2 * N)) "rails in one dump"
log "$n rails in $parts datagrams"
assert_ge "$parts" 2 "the dump should not fit one message"
assert_eq "$(genl-garbage count rail tbib0)" $N "rails of tbib0"
assert_eq "$(genl-garbage count rail tbib1)" $N "rails of tbib1"
assert_eq "$(genl-garbage count dev)" 2 "devices"
ups() { tbibctl -j rail show | grep -oE '"state": ?"up"' | wc -l; }
wait_until 60 sh -c "[ \$(tbibctl -j rail show | grep -oE '\"state\": ?\"up\"' | wc -l) = $((2 * N)) ]" ||
	fail "not all rails up: $(ups) of $((2 * N))"
assert_eq "$(genl-garbage count peer)" 2 "one peer per device"
out=$(tbibctl -j peer show tbib0)
assert_eq "$(echo "$out" | grep -oE '"rails": ?\[[0-9, ]*\]' | tr -cd ',' | wc -c)" $((N - 1)) "peer on all $N rails"
# 40 x 10 Gb/s: the nearest IB rate is 400 Gb/s
cat /sys/class/infiniband/tbib0/ports/1/rate

log "rails dumped while rails are deleted: no duplicates"
( for ((i = 0; i < N; i += 2)); do tbibctl rail del tbib0 "va$i"; done ) &
del=$!
for _ in 1 2 3 4 5; do
	genl-garbage count rail >/dev/null 2>/tmp/dumperr || {
		grep -q "Interrupted" /tmp/dumperr || fail "dump failed: $(cat /tmp/dumperr)"
		log "dump interrupted (NLM_F_DUMP_INTR), as it may be"
	}
	grep -q duplicate /tmp/dumperr && fail "$(cat /tmp/dumperr)"
done
wait $del
assert_eq "$(genl-garbage count rail tbib0)" $((N / 2)) "rails of tbib0 after deleting half"
check tbibctl dev del tbib0
check tbibctl dev del tbib1

check rmmod tbib
log "ok"
