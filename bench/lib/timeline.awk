# SPDX-License-Identifier: GPL-2.0
#
# Part 3 (failover): turn the receiver's rail counter samples into a
# throughput timeline and measure the gap after every rail removal.
#
# In:  timeline.csv lines from the guest (bench/run prefixes the group):
#        GROUP,tl,REP,T_MS,name/id/rx_bytes;name/id/rx_bytes;...
#        (name "tbib": the device total of bytes tbib accepted; ethN: the
#        link's netdev rx_bytes, id "n")
#        GROUP,ev,REP,T_MS,EVENT            (start | del ethX | add ethX+ethY)
# Out (-v dir=DIR):
#   DIR/failover.csv           rep,t_s,total_Mbps,eth0_Mbps..eth3_Mbps
#   DIR/plots/p3_repN.dat      the same for gnuplot
#   DIR/plots/p3_events_repN.dat   t_s and event label
#   DIR/gaps.csv               rep,n,event,t_s,gap_ms,baseline_Mbps,sample_ms
#
# Throughput of an interval = bytes received between two samples / time
# between them: the total from the "tbib" counter (without one, the sum
# of the rails), per link from its own counter.  A rail whose id changed
# (deleted and added again) counts from zero.  t = 0 is when traffic
# started.
#
# Gap after a removal at time te: the pre-event level is the median of the
# intervals in the 1.5 s before te; the gap is the time from te to the
# start of the first interval from which on four intervals in a row carry
# at least half of that level (0 when the first interval after te already
# does).  No recovery before the run ends: gap = -1.

function median(a, n,    i, j, t) {
	for (i = 2; i <= n; i++) {
		t = a[i]
		for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]
		a[j + 1] = t
	}
	if (n == 0) return -1
	return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}

BEGIN { FS = "," }
$2 == "tl" {
	r = $3
	ns[r]++
	k = ns[r]
	T[r, k] = $4
	S[r, k] = $5
	if (!(r in seen)) { seen[r] = 1; reps[++nreps] = r }
}
$2 == "ev" {
	r = $3
	if ($5 == "start") { start[r] = $4; next }
	ne[r]++
	ET[r, ne[r]] = $4
	EL[r, ne[r]] = $5
	if (!(r in seen)) { seen[r] = 1; reps[++nreps] = r }
}
END {
	out = dir "/failover.csv"
	print "rep,t_s,total_Mbps,eth0_Mbps,eth1_Mbps,eth2_Mbps,eth3_Mbps" > out
	print "rep,n,event,t_s,gap_ms,baseline_Mbps,sample_ms" > (dir "/gaps.csv")
	for (ri = 1; ri <= nreps; ri++) {
		r = reps[ri]
		t0 = (r in start) ? start[r] : (ns[r] ? T[r, 1] : 0)
		dat = dir "/plots/p3_rep" r ".dat"
		print "# t_s total_Mbps eth0 eth1 eth2 eth3 (receiver, rail counters)" > dat
		# previous sample per rail
		split("", pid); split("", pby)
		m = 0
		for (k = 1; k <= ns[r]; k++) {
			n = split(S[r, k], parts, ";")
			split("", cur)
			tot = 0
			for (p = 1; p <= n; p++) {
				if (parts[p] == "") continue
				split(parts[p], f, "/")
				name = f[1]; id = f[2]; by = f[3] + 0
				if (k > 1) {
					if ((name in pid) && pid[name] == id)
						d = by - pby[name]
					else
						d = by  # a new rail starts from zero
					if (d < 0) d = 0
					cur[name] = d
					if (name != "tbib") tot += d
				}
				nid[name] = id; nby[name] = by
			}
			split("", pid); split("", pby)
			for (l in nid) { pid[l] = nid[l]; pby[l] = nby[l] }
			split("", nid); split("", nby)
			if (k == 1) continue
			dt = T[r, k] - T[r, k - 1]
			if (dt <= 0) continue
			if ("tbib" in cur) tot = cur["tbib"]
			m++
			IS[m] = (T[r, k - 1] - t0) / 1000   # interval start, s
			IE[m] = (T[r, k] - t0) / 1000       # interval end, s
			IV[m] = tot * 8 / (dt * 1000)       # Mbit/s
			DT[m] = dt
			line = sprintf("%.3f %.3f", IE[m], IV[m])
			csv = sprintf("%s,%.3f,%.3f", r, IE[m], IV[m])
			for (e = 0; e < 4; e++) {
				v = (("eth" e) in cur) ? cur["eth" e] * 8 / (dt * 1000) : 0
				line = line sprintf(" %.3f", v)
				csv = csv sprintf(",%.3f", v)
			}
			print line > dat
			print csv > out
		}
		close(dat)
		# median sample interval
		for (i = 1; i <= m; i++) tmp[i] = DT[i]
		smed = median(tmp, m)
		evf = dir "/plots/p3_events_rep" r ".dat"
		print "# t_s event" > evf
		for (e = 1; e <= ne[r]; e++) {
			te = (ET[r, e] - t0) / 1000
			printf "%.3f \"%s\"\n", te, EL[r, e] > evf
			if (EL[r, e] !~ /^del/) continue
			nb = 0
			for (i = 1; i <= m; i++)
				if (IE[i] <= te && IE[i] > te - 1.5) tmp[++nb] = IV[i]
			base = median(tmp, nb)
			gap = -1
			if (base > 0) {
				for (i = 1; i <= m; i++) {
					if (IE[i] <= te) continue
					ok = 1
					for (j = i; j < i + 4; j++)
						if (j > m || IV[j] < base / 2) { ok = 0; break }
					if (ok) {
						gap = (IS[i] - te) * 1000
						if (gap < 0) gap = 0
						break
					}
				}
			}
			printf "%s,%d,%s,%.3f,%s,%.3f,%d\n", r, e, EL[r, e], te,
				(base > 0) ? sprintf("%d", (gap < 0) ? gap : int(gap + 0.5)) : "", (base > 0) ? base : 0, smed > (dir "/gaps.csv")
		}
		close(evf)
	}
}
