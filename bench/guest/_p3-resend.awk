# SPDX-License-Identifier: GPL-2.0
#
# make bench, part 3 (failover), on the sender: from an ftrace text dump
# with the tbib_rail_state and tbib_retransmit events of one run, how the
# sender learned of each lost rail and how fast it resent what the rail had
# in flight.  For the log only (the guests' clocks are not comparable, so
# this cannot be lined up with the receiver's stall figures).
#
#   awk -v rep=REP -v dev=tbib0 -f _p3-resend.awk TRACE
#
# One line per rail of DEV leaving the up state:
#   p3 sender REP: rail R (LINK) up->STATE why=WHY at T s; in the next
#   second: N resends of its frames (first +A, last +B ms), fast F,
#   timeout T, other (why/old rail:count) ...
# and, when the trace has tbib_tx events (data frames only), the frames
# sent per 50 ms from 100 ms before the rail went down to 1 s after.
# One line per rail of DEV coming up, with the resends of the second
# after by why/old rail, and the frames sent per 50 ms and per rail.

match($0, /[0-9]+\.[0-9]+: tbib_(tx|retransmit|rail_state): /) {
	s = substr($0, RSTART, RLENGTH)
	t = substr(s, 1, index(s, ":") - 1) + 0
	if ($0 !~ (" dev=" dev " ")) next
	if (t0 == "") t0 = t
	if (s ~ /tbib_tx/) {
		nt++
		TT[nt] = t
		x = $0; sub(/.* rail=/, "", x); sub(/ .*/, "", x); TR[nt] = x
		next
	}
	if (s ~ /rail_state/) {
		if ($0 !~ / old=up / && $0 !~ / new=up /) next
		nd++
		DU[nd] = ($0 ~ / new=up /)
		DT[nd] = t
		x = $0; sub(/.* rail=/, "", x); sub(/ .*/, "", x); DR[nd] = x
		x = $0; sub(/.* link=/, "", x); sub(/ .*/, "", x); DL[nd] = x
		x = $0; sub(/.* new=/, "", x); sub(/ .*/, "", x); DS[nd] = x
		x = $0; sub(/.* why=/, "", x); sub(/ .*/, "", x); DW[nd] = x
		next
	}
	nr++
	RT[nr] = t
	x = $0; sub(/.* why=/, "", x); sub(/ .*/, "", x); RW[nr] = x
	x = $0; sub(/.* old_rail=/, "", x); sub(/ .*/, "", x); RO[nr] = x
}

END {
	for (k = 1; k <= nd; k++) {
		te = DT[k]
		if (DU[k]) {
			up_line(k)
			continue
		}
		own = 0; fast = 0; tmo = 0; first = -1; last = -1
		split("", oth)
		for (j = 1; j <= nr; j++) {
			if (RT[j] < te || RT[j] > te + 1) continue
			# the rail's slot may be free already: old_rail is then -1
			if (RW[j] == "rail-down" && (RO[j] == DR[k] || RO[j] < 0)) {
				own++
				if (first < 0) first = RT[j] - te
				last = RT[j] - te
			} else if (RW[j] == "fast") fast++
			else if (RW[j] == "timeout") tmo++
			else oth[RW[j] "/" RO[j]]++
		}
		printf "p3 sender %s: rail %s (%s) up->%s why=%s at %.3f s; in the next second: %d resends of its frames", \
			rep, DR[k], DL[k], DS[k], DW[k], te - t0, own
		if (own) printf " (first +%.1f, last +%.1f ms)", first * 1000, last * 1000
		printf ", fast %d, timeout %d, other (why/old rail:count)", fast, tmo
		x = ""
		for (w in oth) x = x " " w ":" oth[w]
		print (x == "") ? " none" : x
		if (!nt) continue
		# data frames sent per 50 ms from 100 ms before to 1 s after
		split("", b)
		for (j = 1; j <= nt; j++)
			if (TT[j] >= te - 0.1 && TT[j] < te + 1)
				b[int((TT[j] - te + 0.1) / 0.05)]++
		x = ""
		for (j = 0; j < 22; j++) x = x " " (b[j] + 0)
		printf "p3 sender %s: data frames sent per 50 ms from -100 ms:%s\n", rep, x
	}
}

# A rail coming up: what the sender resent and sent where in the second
# after (the new rail should take its share at once).
function up_line(k,    te, j, x, w, b, r) {
	te = DT[k]
	split("", w)
	for (j = 1; j <= nr; j++)
		if (RT[j] >= te && RT[j] <= te + 1)
			w[RW[j] "/" RO[j]]++
	x = ""
	for (j in w) x = x " " j ":" w[j]
	printf "p3 sender %s: rail %s (%s) ->up why=%s at %.3f s; resends in the next second (why/old rail:count):%s\n", \
		rep, DR[k], DL[k], DW[k], te - t0, (x == "") ? " none" : x
	if (!nt) return
	split("", b); split("", r)
	for (j = 1; j <= nt; j++) {
		if (TT[j] < te - 0.1 || TT[j] >= te + 1) continue
		b[int((TT[j] - te + 0.1) / 0.05)]++
		if (TT[j] >= te) r[TR[j]]++
	}
	x = ""
	for (j = 0; j < 22; j++) x = x " " (b[j] + 0)
	printf "p3 sender %s: data frames sent per 50 ms from -100 ms:%s; in the second after, per rail:", rep, x
	x = ""
	for (j in r) x = x " " j ":" r[j]
	print (x == "") ? " none" : x
}
