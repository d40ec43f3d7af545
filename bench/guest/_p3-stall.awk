# SPDX-License-Identifier: GPL-2.0
#
# make bench, part 3 (failover), on the receiver: from an ftrace text dump
# with the tbib_rx and tbib_rail_state events of one run, how long the
# application's data stopped after each rail removal and each re-add.
#
#   awk -v rep=REP -v dev=tbib0 -f _p3-stall.awk TRACE
#
# Out, one line per event: a removal (a rail of DEV going from up to down,
# "deleted" or "admin": EVENT "del LINK") or rails added (by one command:
# EVENT "add LINK+LINK..."):
#   BENCHST,REP,N,EVENT,T_S,STALL_MS,CTL_MS,BEFORE_MBPS,AFTER_MBPS
# and, for the log, a line on what the stall waited for:
#   p3 stall REP/N: ... waiting for PSN +P, which came on rail R; F frames
#   arrived meanwhile (per rail)
#
# Delivery is what an RC responder hands to the application: the data
# frames' PSNs in order.  A frame ahead of the next expected PSN waits; a
# PSN already delivered (a resend) or behind is not progress.  So a frame
# lost with a removed rail stops delivery until its resend arrives, even
# while later frames keep arriving on the other rails, and that is the
# stall measured here, with the trace's clock (microseconds), not with
# samples taken every 50 ms by a shell loop in a TCG guest.
#
#   T_S     the event, seconds after the first data frame
#   STALL   the longest time without delivery that ends after the event
#           and starts before event + 1 s or the next event, whichever
#           comes first (counted from the event if it started before it)
#   CTL     the same rule from event - 1.2 s to event - 0.2 s: the longest
#           pause of an undisturbed second, the noise floor of this guest
#   BEFORE  delivered Mbit/s in the 1.5 s before the event; AFTER in the
#           1 s after it (0 when the run ended sooner)

function unwrap(psn,    d) {
	# PSN relative to the first one, in a 24-bit space
	d = psn - psn0
	if (d < 0) d += 16777216
	return d
}

BEGIN { nf = 0; nrm = 0; t0 = -1 }

match($0, /[0-9]+\.[0-9]+: tbib_(rx|rail_state): /) {
	s = substr($0, RSTART, RLENGTH)
	t = substr(s, 1, index(s, ":") - 1) + 0
	if ($0 !~ (" dev=" dev " ")) next
	if (s ~ /rail_state/) {
		l = $0; sub(/.* link=/, "", l); sub(/ .*/, "", l)
		if ($0 ~ / old=up / && $0 ~ / new=down / && $0 ~ / why=(deleted|admin)/) {
			RT[++nrm] = t; RL[nrm] = "del " l
		} else if ($0 ~ / why=added/) {
			# rails added by one command: one event
			if (nrm && RL[nrm] ~ /^add / && t - RT[nrm] < 0.5)
				RL[nrm] = RL[nrm] "+" l
			else {
				RT[++nrm] = t; RL[nrm] = "add " l
			}
		}
		next
	}
	if ($0 !~ / op=(WRITE|SEND)_/) next
	p = $0; sub(/.* psn=/, "", p); sub(/ .*/, "", p)
	n = $0; sub(/.* paylen=/, "", n); sub(/ .*/, "", n)
	if (n + 0 <= 0) next
	if (t0 < 0) { t0 = t; psn0 = p + 0; next_psn = 0; delivered = 0 }
	u = unwrap(p + 0)
	r = $0; sub(/.* rail=/, "", r); sub(/ .*/, "", r)
	nfr++
	FT[nfr] = t; FR[nfr] = r; FP[nfr] = u
	if (u >= 8388608 || u < next_psn || (u in held)) next
	held[u] = n + 0
	if (u != next_psn) next
	while (next_psn in held) {
		delivered += held[next_psn]
		delete held[next_psn]
		next_psn++
	}
	# one delivery point per call; the bytes delivered up to it
	nf++
	DT[nf] = t
	DB[nf] = delivered
	DN[nf] = next_psn
}

# longest pause ending after te and starting before te2; SI: the
# delivery point that ended it
function stall(te, te2,    i, best, a, b) {
	best = 0
	SI = 0
	for (i = 2; i <= nf; i++) {
		a = DT[i - 1]; b = DT[i]
		if (b <= te || a >= te2) continue
		if (a < te) a = te
		if (b - a > best) { best = b - a; SI = i }
	}
	# delivery never resumed after the event
	if (nf && DT[nf] <= te) best = -1
	return best
}
# bytes delivered by time t (the last delivery point at or before it)
function bytes_at(t,    lo, hi, mid) {
	if (nf == 0 || DT[1] > t) return 0
	lo = 1; hi = nf
	while (lo < hi) {
		mid = int((lo + hi + 1) / 2)
		if (DT[mid] <= t) lo = mid; else hi = mid - 1
	}
	return DB[lo]
}

# the log line on stall K (event at TE) ended by delivery point I
function why(k, te, i,    a, b, want, j, n, by, rl, rr, msg) {
	a = DT[i - 1]; b = DT[i]
	want = DN[i - 1]
	n = 0; rl = "?"
	split("", by)
	for (j = 1; j <= nfr; j++) {
		if (FT[j] <= a || FT[j] > b) continue
		if (FP[j] == want) { rl = FR[j]; continue }
		n++; by[FR[j]]++
	}
	msg = ""
	for (rr in by) msg = msg " " rr ":" by[rr]
	printf "p3 stall %s/%d: no delivery from %+.1f to %+.1f ms of %s, waiting for PSN +%d, which came on rail %s; %d frames arrived meanwhile (rail:frames%s)\n",
		rep, k, (a - te) * 1000, (b - te) * 1000, RL[k], want, rl, n, (msg == "") ? " none" : msg
}

END {
	for (k = 1; k <= nrm; k++) {
		te = RT[k]
		# the window ends at the next event
		te2 = te + 1
		if (k < nrm && RT[k + 1] < te2) te2 = RT[k + 1]
		st = stall(te, te2)
		if (SI) why(k, te, SI)
		ctl = stall(te - 1.2, te - 0.2)
		b0 = bytes_at(te - 1.5); b1 = bytes_at(te); b2 = bytes_at(te + 1)
		before = (te - 1.5 >= t0) ? (b1 - b0) * 8 / 1.5e6 : 0
		after = (nf && DT[nf] >= te + 1) ? (b2 - b1) * 8 / 1e6 : 0
		printf "BENCHST,%s,%d,%s,%.3f,%d,%d,%.3f,%.3f\n", rep, k, RL[k],
			(t0 < 0) ? 0 : te - t0, (st < 0) ? -1 : int(st * 1000 + 0.5),
			int(ctl * 1000 + 0.5), before, after
	}
}
