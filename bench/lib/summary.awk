# SPDX-License-Identifier: GPL-2.0
#
# summary.md from one bench run, and the data files of its plots.
#
#   awk -v dir=DIR -f summary.awk DIR/run.info DIR/info.csv DIR/gaps.csv DIR/raw.csv
#
# Every number printed comes from raw.csv (or, for failover gaps, from
# gaps.csv, derived from the timeline by timeline.awk): medians over the
# repetitions with [min-max]; a cell without a measurement says why.

function isort(a, n,    i, j, t) {
	for (i = 2; i <= n; i++) {
		t = a[i]
		for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]
		a[j + 1] = t
	}
}
# stat(KEY): ST_N, ST_MED, ST_MIN, ST_MAX of the ok values of KEY
function stat(k,    i, a) {
	ST_N = NV[k] + 0
	if (!ST_N) return 0
	for (i = 1; i <= ST_N; i++) a[i] = V[k, i]
	isort(a, ST_N)
	ST_MIN = a[1]; ST_MAX = a[ST_N]
	ST_MED = (ST_N % 2) ? a[(ST_N + 1) / 2] : (a[ST_N / 2] + a[ST_N / 2 + 1]) / 2
	return ST_N
}
function fmt(v) {
	if (v == "") return ""
	if (v < 0) return sprintf("%.2f", v)
	if (v >= 1000) return sprintf("%.0f", v)
	if (v >= 100) return sprintf("%.1f", v)
	if (v >= 10) return sprintf("%.2f", v)
	return sprintf("%.3f", v)
}
# note(TEXT): footnote number, listed under the current section
function note(t) {
	if (!(t in FN)) { FN[t] = ++NFN; FNT[NFN] = t }
	if (!((FN[t]) in FNSEC)) { FNSEC[FN[t]] = 1; SECN[++NSEC] = FN[t] }
	return "[" FN[t] "]"
}
function notes(    i) {
	if (!NSEC) return
	print ""
	for (i = 1; i <= NSEC; i++) print "[" SECN[i] "] " FNT[SECN[i]] "  "
	split("", FNSEC); NSEC = 0
}
# cell(KEY [, SCALE]): "median [min-max]" or why there is none
function cell(k, sc,    s, tot) {
	if (sc == "") sc = 1
	tot = NV[k] + NNA[k] + NFAIL[k]
	if (stat(k)) {
		s = fmt(ST_MED * sc)
		if (ST_N > 1) s = s " [" fmt(ST_MIN * sc) "–" fmt(ST_MAX * sc) "]"
		if (ST_N < tot) s = s " (" ST_N " of " tot " runs " note(NFAIL[k] ? FAILNOTE[k] : NANOTE[k]) ")"
		return s
	}
	if (NFAIL[k]) return "fail " note(FAILNOTE[k])
	if (NNA[k]) return "n/a " note(NANOTE[k])
	return "—"
}
function med(k) { return stat(k) ? ST_MED : "" }
function ratio(a, b) {
	if (a == "" || b == "" || b == 0) return "—"
	return sprintf("%.2fx", a / b)
}
function key(part, test, dev, size, qps, rails, cfg, metric) {
	return part SUBSEP test SUBSEP dev SUBSEP size SUBSEP qps SUBSEP rails SUBSEP cfg SUBSEP metric
}
function hsize(s) {
	if (s >= 1048576 && s % 1048576 == 0) return (s / 1048576) " MiB"
	if (s >= 1024 && s % 1024 == 0) return (s / 1024) " KiB"
	return s " B"
}
function torder(t) {
	return (t ~ /write/) ? 1 : (t ~ /read/) ? 2 : (t ~ /send/) ? 3 : 4
}
# first key of PART/DEV/QPS/METRIC whatever its rails and config
function find4(part, dev, qps, metric,    i, f) {
	for (i = 1; i <= NK; i++) {
		split(KEYS[i], f, SUBSEP)
		if (f[1] == part && f[3] == dev && f[5] == qps && f[8] == metric) return KEYS[i]
	}
	return ""
}
function target(what, measured, status) {
	printf "| %s | %s | %s |\n", what, measured, status
}

BEGIN { FS = ","; MBIT = 8 * 1.048576 }
FILENAME ~ /run\.info$/ {
	i = index($0, "=")
	RI[substr($0, 1, i - 1)] = substr($0, i + 1)
	next
}
FILENAME ~ /info\.csv$/ {
	i = index($0, ","); rest = substr($0, i + 1)
	j = index(rest, ",")
	k = substr(rest, 1, j - 1); v = substr(rest, j + 1)
	if (!(k in INFO)) INFO[k] = v
	INFOG[$1, k] = v
	if (k == "tbib") TBIBINFO[++NTI] = $1 ": " v
	if (k == "failure") FAILS[++NFAILS] = v
	next
}
FILENAME ~ /gaps\.csv$/ {
	if (FNR == 1) next
	NG++
	GR[NG] = $1; GN[NG] = $2; GE[NG] = $3; GT[NG] = $4; GG[NG] = $5; GB[NG] = $6; GS[NG] = $7
	next
}
FILENAME ~ /stalls\.csv$/ {
	if (FNR == 1) next
	NS++
	SR[NS] = $2; SL[NS] = $4; SS[NS] = $6; SC[NS] = $7
	SB[NS] = $8; SA[NS] = $9
	next
}
FILENAME ~ /raw\.csv$/ {
	if (FNR == 1) next
	part = $2; test = $3; dev = $4; size = $5; qps = $6; rails = $7; cfg = $8
	rep = $9; metric = $10; value = $11; status = $13
	nt = $14
	for (i = 15; i <= NF; i++) nt = nt ";" $i
	k = key(part, test, dev, size, qps, rails, cfg, metric)
	if (!(k in KSEEN)) { KSEEN[k] = 1; KEYS[++NK] = k }
	if (status == "ok" && value != "") {
		NV[k]++; V[k, NV[k]] = value + 0
		if (part == "p3") P3[rep, metric] = value
	} else if (status == "na") {
		NNA[k]++; NANOTE[k] = nt
	} else {
		NFAIL[k]++; FAILNOTE[k] = nt
		if (part == "p3") P3[rep, metric] = "fail: " nt
	}
	if (part == "p3" && metric == "bw_MBps") {
		if (!((rep) in P3SEEN)) { P3SEEN[rep] = 1; P3REPS[++NP3] = rep }
		P3ST[rep] = status; P3NOTE[rep] = nt
	}
	next
}

END {
	# ---------- gather part 1 ----------
	for (i = 1; i <= NK; i++) {
		split(KEYS[i], f, SUBSEP)
		if (f[1] != "p1") continue
		if (f[8] == "bw_MBps") {
			c = sprintf("%d %05d %010d", torder(f[2]), f[5], f[4]) SUBSEP f[2] SUBSEP f[5] SUBSEP f[4]
			if (!(c in BWC)) { BWC[c] = 1; bwc[++NBW] = c }
		} else if (f[8] == "lat_typ_us") {
			c = sprintf("%d %010d", torder(f[2]), f[4]) SUBSEP f[2] SUBSEP f[4]
			if (!(c in LATC)) { LATC[c] = 1; latc[++NLAT] = c }
		}
	}
	isort(bwc, NBW); isort(latc, NLAT)

	# ---------- header ----------
	printf "# tbib benchmarks: %s, kernel %s%s\n\n", RI["date"], RI["kernel"], (RI["mode"] == "quick") ? " (QUICK subset)" : ""
	print "Produced by `" RI["command"] "` (" RI["mode"] " run, groups: " RI["groups"] ") at commit " RI["commit"] \
		"; it took " int((RI["duration_s"] + 30) / 60) " min (" RI["duration_s"] " s)."
	print ""
	print "**What these numbers are.** Both VMs run under QEMU TCG (software emulation, no KVM) on a " \
		RI["host_cpus"] "-core host, one vCPU each: every guest instruction is emulated, so absolute " \
		"bandwidths and latencies are orders of magnitude below real hardware and mean little on their own. " \
		"The ratios between tbib and rxe, measured in the same run on the same virtio links, and aggregate " \
		"bandwidth as a share of the sum of shaped rails are what this benchmark is for."
	print ""
	print "Host load (1/5/15 min) at the start: " RI["host_load_start"] "; at the end: " RI["host_load_end"] \
		". Other jobs shared the host's cores during this run: absolute numbers are noisy, which is " \
		"why every cell is the median of its repetitions with [min–max]."
	print ""
	print "tbib module: " RI["tbib_ko"] "."
	if (RI["vm_memdebug"] ~ /^on/)
		print "**The guests ran with memory debugging " substr(RI["vm_memdebug"], 4) "**: every kmalloc and skb allocation and free is red-zoned, poisoned and traced, which under TCG cuts the bandwidths several-fold, tbib's more than rxe's: compare these numbers only with runs that had it too."
	for (i = 1; i <= NTI; i++) print "- tbib in group " TBIBINFO[i]
	for (i = 1; i <= NFAILS; i++) print "- " FAILS[i]
	print ""
	print "MB/s is perftest's unit (2^20 bytes per second); Mbit/s is 10^6 bit/s (tc's unit). " \
		"Latency is perftest's t_typical (the median of the iterations) in µs; t_avg is in raw.csv."
	print ""

	# the part 2 cells of READ vs WRITE (configs of bench/guest/_bench-parts.sh)
	P2W = key("p2", "ib_write_bw", "tbib", 65536, 1, 4, "4 rails @R", "bw_MBps")
	P2R = key("p2", "ib_read_bw", "tbib", 65536, 1, 4, "4 rails @R; READ", "bw_MBps")
	P2LW = key("p2", "ib_write_bw", "tbib", 65536, 1, 4, "4 rails @R; 0.5% loss; WRITE", "bw_MBps")
	P2LR = key("p2", "ib_read_bw", "tbib", 65536, 1, 4, "4 rails @R; 0.5% loss; READ", "bw_MBps")

	# ---------- targets ----------
	print "## Against the targets (DESIGN.md section 11.1)"
	print ""
	print "| target | measured here | status |"
	print "| --- | --- | --- |"
	# aggregation
	agg_line("4 rails @R", "aggregation: 1 QP, 4 equal rate-limited rails, >= 95% of the sum", 95)
	agg_line("4 rails 8:4:2:1", "aggregation: unequal rails 8:4:2:1, >= 90% of the sum", 90)
	agg_line("4 rails @R; one +2ms", "aggregation: one rail +2 ms delay, >= 90% of the sum", 90)
	# failover
	fo_target()
	# single rail bw
	kr = key("p1", "ib_write_bw", "rxe", 65536, 1, 1, "-", "bw_MBps")
	kt = key("p1", "ib_write_bw", "tbib", 65536, 1, 1, "-", "bw_MBps")
	r = med(kr); t = med(kt)
	if (r != "" && t != "")
		target("single rail vs rxe, ib_write_bw 64 KiB: >= 2x rxe", sprintf("%.2fx (tbib %s, rxe %s MB/s)", t / r, fmt(t), fmt(r)), (t / r >= 2) ? "met" : "not met")
	else
		target("single rail vs rxe, ib_write_bw 64 KiB: >= 2x rxe", "tbib " cell(kt) ", rxe " cell(kr), "n/a")
	# READ (issue 22): against WRITE in the same shaping, and against rxe
	rw_target("one QP over 4 rails, 64 KiB ib_read_bw: >= 80% of ib_write_bw", P2W, P2R, 80)
	rw_target("the same with 0.5% loss on every rail: >= 60%", P2LW, P2LR, 60)
	kr = key("p1", "ib_read_bw", "rxe", 65536, 1, 1, "-", "bw_MBps")
	kt = key("p1", "ib_read_bw", "tbib", 65536, 1, 1, "-", "bw_MBps")
	r = med(kr); t = med(kt)
	if (r != "" && t != "")
		target("one rail vs rxe on the same link, 64 KiB ib_read_bw: >= 1.5x", sprintf("%.2fx (tbib %s, rxe %s MB/s)", t / r, fmt(t), fmt(r)), (t / r >= 1.5) ? "met" : "not met")
	else
		target("one rail vs rxe on the same link, 64 KiB ib_read_bw: >= 1.5x", "tbib " cellx(kt) ", rxe " cellx(kr), "n/a")
	kr = key("p1", "ib_write_lat", "rxe", 64, 1, 1, "-", "lat_typ_us")
	kt = key("p1", "ib_write_lat", "tbib", 64, 1, 1, "-", "lat_typ_us")
	r = med(kr); t = med(kt)
	if (r != "" && t != "")
		target("ib_write_lat 64 B: <= 0.5x rxe", sprintf("%.2fx (tbib %s, rxe %s µs)", t / r, fmt(t), fmt(r)), (t / r <= 0.5) ? "met" : "not met")
	else
		target("ib_write_lat 64 B: <= 0.5x rxe", "tbib " cell(kt) ", rxe " cell(kr), "n/a")
	target("data integrity under loss, reorder, duplicate, corrupt", "not a benchmark: the VM tests in tests/guest check it", "—")
	target("USB4 hardware: one QP, one device >= 90% of its rails", "needs the hardware", "—")
	notes()
	print ""

	# ---------- part 1 ----------
	print "## Part 1: tbib (one rail) vs rxe on the same virtio link"
	print ""
	if (NBW) {
		print "Bandwidth, MB/s (ib_*_bw " INFO["bw_duration"] "; median [min–max] of the repetitions):"
		print ""
		print "| test | QPs | size | rxe | tbib | tbib / rxe |"
		print "| --- | ---: | ---: | ---: | ---: | ---: |"
		for (i = 1; i <= NBW; i++) {
			split(bwc[i], f, SUBSEP)
			kr = key("p1", f[2], "rxe", f[4], f[3], 1, "-", "bw_MBps")
			kt = key("p1", f[2], "tbib", f[4], f[3], 1, "-", "bw_MBps")
			printf "| %s | %d | %s | %s | %s | %s |\n", f[2], f[3], hsize(f[4]), cell(kr), cell(kt), ratio(med(kt), med(kr))
			for (d = 1; d <= 2; d++) {
				dv = (d == 1) ? "rxe" : "tbib"
				kk = (d == 1) ? kr : kt
				if (stat(kk)) printf "%d %s %s %s\n", f[4], ST_MED, ST_MIN, ST_MAX >> (dir "/plots/p1_bw_q" f[3] "_" dv "_" f[2] ".dat")
			}
		}
		notes()
		print ""
	}
	if (NLAT) {
		print "Latency, t_typical in µs:"
		print ""
		print "| test | size | rxe | tbib | tbib / rxe |"
		print "| --- | ---: | ---: | ---: | ---: |"
		for (i = 1; i <= NLAT; i++) {
			split(latc[i], f, SUBSEP)
			kr = key("p1", f[2], "rxe", f[3], 1, 1, "-", "lat_typ_us")
			kt = key("p1", f[2], "tbib", f[3], 1, 1, "-", "lat_typ_us")
			printf "| %s | %s | %s | %s | %s |\n", f[2], hsize(f[3]), cell(kr), cell(kt), ratio(med(kt), med(kr))
			for (d = 1; d <= 2; d++) {
				dv = (d == 1) ? "rxe" : "tbib"
				kk = (d == 1) ? kr : kt
				if (stat(kk)) printf "%d %s %s %s\n", f[3], ST_MED, ST_MIN, ST_MAX >> (dir "/plots/p1_lat_" dv "_" f[2] ".dat")
			}
		}
		notes()
		print ""
	}
	if (!NBW && !NLAT) { print "Not run in this mode."; print "" }
	print "![bandwidth vs size](plots/bw_vs_size.svg)"
	print "![latency vs size](plots/lat_vs_size.svg)"
	print ""

	# ---------- part 2 ----------
	print "## Part 2: aggregation, one QP over rate-limited rails"
	print ""
	split(INFO["p2_B1"], b1, " ")
	if (INFO["p2_R_kbit"] != "") {
		R = INFO["p2_R_kbit"] / 1000
		if (b1[1] == "tbib")
			printf "R = %.3f Mbit/s per rail, chosen from one unthrottled tbib rail (%.3f Mbit/s, the median of its runs): four rails at R sum to 50%% of what one rail carried unthrottled, so the vCPUs are not the bottleneck of the shaped runs", R, b1[2]
		else
			printf "R = %.3f Mbit/s, chosen from rxe's unthrottled link (%.3f Mbit/s) because tbib could not be measured: R only serves the rxe reference", R, b1[2]
		k1 = key("p2", "ib_write_bw", "tbib", 65536, 1, 1, "1 rail @R", "bw_MBps")
		if (b1[1] == "tbib" && stat(k1)) {
			p = ST_MED * MBIT / R * 100
			if (p >= 90) printf "; check: one rail at R carried %.0f%% of R.", p
			else printf "; but one rail at R carried only %.0f%% of R: something other than the shaper (the vCPU, or tbib) limits a single rail.", p
		} else printf "."
		print ""
	} else print "R: n/a (" INFO["p2_rate"] ")."
	print ""
	print "perftest: ib_write_bw (ib_read_bw in the rows that say READ), 64 KiB, 1 QP, `" INFO["p2_args"] "` for both devices (a small in-flight window and a long ACK timeout: what waits in a shaper's queue must not look lost); tbf on each rail of both VMs, the +2 ms by netem on the sender, the 0.5% loss by netem in front of every rail's tbf on both VMs (the shaper itself never drops)."
	print ""
	print "| configuration | device | rails | sum of rail rates, Mbit/s | aggregate, Mbit/s | % of the sum |"
	print "| --- | --- | ---: | ---: | ---: | ---: |"
	for (pass = 1; pass <= 2; pass++)
	for (i = 1; i <= NK; i++) {
		split(KEYS[i], f, SUBSEP)
		if (f[1] != "p2" || f[8] != "bw_MBps") continue
		if (f[3] != ((pass == 1) ? "tbib" : "rxe")) continue
		c = f[2] SUBSEP f[3] SUBSEP f[6] SUBSEP f[7]
		if (c in P2C) continue
		P2C[c] = 1
		ks = key("p2", f[2], f[3], f[4], f[5], f[6], f[7], "rate_sum_Mbps")
		sum = med(ks)
		pct = "—"
		if (sum != "" && stat(KEYS[i]))
			pct = sprintf("%.1f%% [%.1f–%.1f]", ST_MED * MBIT / sum * 100, ST_MIN * MBIT / sum * 100, ST_MAX * MBIT / sum * 100)
		printf "| %s | %s | %d | %s | %s | %s |\n", f[7], f[3], f[6], (sum == "") ? "—" : fmt(sum), cell(KEYS[i], MBIT), pct
		if (sum != "") {
			lbl = (f[3] == "rxe") ? "rxe, 1 link @R" : f[7]
			if (stat(KEYS[i]))
				printf "\"%s\" %s %.2f %.2f %.2f\n", lbl, f[3], ST_MED * MBIT / sum * 100, ST_MIN * MBIT / sum * 100, ST_MAX * MBIT / sum * 100 >> (dir "/plots/p2_agg.dat")
			else
				printf "\"%s\" %s NaN NaN NaN\n", lbl, f[3] >> (dir "/plots/p2_agg.dat")
		}
	}
	notes()
	print ""
	print "rxe cannot put one QP on several links (an rxe device is bound to one netdev): its row is one link at R, for reference."
	print ""
	print "![aggregation](plots/aggregation.svg)"
	print ""

	# ---------- READ vs WRITE ----------
	print "## READ vs WRITE: 64 KiB, one QP"
	print ""
	print "The same cells with ib_read_bw and ib_write_bw: a READ's data flows from the server (vm0) to the client (vm1) as responses, a WRITE's from the client to the server; part 2 shapes every rail on both VMs, so both directions meet the same shapers (and the same 0.5% loss). Part 1 is one unthrottled link, part 2 four rails at R. MB/s; median [min–max]."
	print ""
	print "| cell | device | rails | ib_write_bw, MB/s | ib_read_bw, MB/s | READ / WRITE |"
	print "| --- | --- | ---: | ---: | ---: | ---: |"
	for (d = 1; d <= 2; d++) {
		dv = (d == 1) ? "rxe" : "tbib"
		kw = key("p1", "ib_write_bw", dv, 65536, 1, 1, "-", "bw_MBps")
		kr = key("p1", "ib_read_bw", dv, 65536, 1, 1, "-", "bw_MBps")
		rw_row("one link, unthrottled (part 1)", dv, 1, kw, kr)
	}
	printf "| one link: tbib / rxe | | | %s | %s | |\n", \
		ratio(med(key("p1", "ib_write_bw", "tbib", 65536, 1, 1, "-", "bw_MBps")), med(key("p1", "ib_write_bw", "rxe", 65536, 1, 1, "-", "bw_MBps"))), \
		ratio(med(key("p1", "ib_read_bw", "tbib", 65536, 1, 1, "-", "bw_MBps")), med(key("p1", "ib_read_bw", "rxe", 65536, 1, 1, "-", "bw_MBps")))
	rw_row("4 rails @R (part 2)", "tbib", 4, P2W, P2R)
	rw_row("4 rails @R, 0.5% loss on every rail (part 2)", "tbib", 4, P2LW, P2LR)
	notes()
	print ""

	# ---------- part 3 ----------
	print "## Part 3: failover timeline, one QP over 4 unthrottled rails"
	print ""
	print "The receiver removes one rail, then a second, then adds both back (`tbibctl rail del/add` on vm0; the rail sends a BYE, as a cable pulled on the other side would not, and the sender learns of it from that or its probes and ACKs)."
	print ""
	print "**Stall** (the figure for the target): vm0 traces its data frames and rail state changes with ftrace (`bench/guest/_p3-stall.awk`) and delivers the frames' PSNs in order, as the responder does; the stall after a removal is the longest time without delivery that ends after the removal (from the kernel's timestamp of the rail going down) and starts within the second after it (or before the next event); the same after the rails are added back. In brackets, the same rule 1.2 s before the removal: the longest pause of an undisturbed second in this guest. The rates are the delivered Mbit/s in the 1.5 s before and the 1 s after the removal."
	print ""
	print "**Gap** (for the plot only): vm0 also samples every 50 ms tbib0's port counter rx_bytes and each link's netdev rx_bytes; the gap is from a removal to the start of the first of four intervals in a row at >= half the level of the 1.5 s before it. Under TCG one 50 ms interval carries anywhere from a fifth to twice the mean, so this rule finds gaps of up to a second where nothing happened: it is no measure of a dip of 100 ms."
	print ""
	if (NP3) {
		print "| run | ib_write_bw, MB/s | stall after 1st removal, ms [before] | stall after 2nd removal, ms [before] | stall after both came back, ms [before] | Mbit/s before → after, 1st / 2nd removal | 50 ms gaps, ms | sender retransmits (fast / timeout) |"
		print "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
		for (i = 1; i <= NP3; i++) {
			rp = P3REPS[i]
			s1 = "—"; s2 = "—"; s3 = "—"; rt1 = "—"; rt2 = "—"; nd = 0
			for (j = 1; j <= NS; j++) {
				if (SR[j] != rp) continue
				sv = ((SS[j] < 0) ? "no recovery" : SS[j]) " [" SC[j] "]"
				if (SL[j] ~ /^add/) { s3 = sv; continue }
				nd++
				rv = sprintf("%.0f → %.0f", SB[j], SA[j])
				if (nd == 1) { s1 = sv; rt1 = rv } else if (nd == 2) { s2 = sv; rt2 = rv }
			}
			g1 = "—"; g2 = "—"; nd = 0
			for (j = 1; j <= NG; j++) {
				if (GR[j] != rp) continue
				if (GE[j] !~ /^del/) continue
				nd++
				gv = (GG[j] == "") ? "n/a (no traffic before)" : (GG[j] < 0) ? "no recovery" : GG[j]
				if (nd == 1) g1 = gv; else if (nd == 2) g2 = gv
				if (GG[j] != "" && GG[j] >= 0) { ngap[nd]++; gaps[nd, ngap[nd]] = GG[j] + 0 }
				if (GG[j] == "" || GG[j] < 0 || GG[j] > 100) FOBAD = 1
			}
			bw = (P3ST[rp] == "ok") ? fmt(P3[rp, "bw_MBps"]) : P3ST[rp] " " note(P3NOTE[rp])
			printf "| %s | %s | %s | %s | %s | %s / %s | %s / %s | %s / %s |\n", rp, bw, s1, s2, s3, rt1, rt2, g1, g2, \
				(P3[rp, "sender_retrans_fast_total"] == "") ? "—" : P3[rp, "sender_retrans_fast_total"], \
				(P3[rp, "sender_retrans_timeout_total"] == "") ? "—" : P3[rp, "sender_retrans_timeout_total"]
		}
		notes()
	} else print "Not run."
	print ""
	print "![failover timeline](plots/failover.svg)"
	print ""

	# ---------- part 4 ----------
	print "## Part 4: scaling with the number of QPs, 64 KiB ib_write_bw, 4 links"
	print ""
	print "tbib: all QPs on tbib0 over 4 rails. rxe: one device per link, the QPs split over rxe0..rxe3 as 4 concurrent perftest pairs (how applications aggregate per-link HCAs); 1 QP can only use rxe0. CPU: seconds of guest CPU (/proc/stat, busy jiffies) per 10^9 bytes on the links, over the intervals that carried traffic, sender (tx) / receiver (rx)."
	print ""
	print "| QPs | rxe, MB/s | rxe CPU s/GB tx / rx | tbib, MB/s | tbib CPU s/GB tx / rx | tbib / rxe |"
	print "| ---: | ---: | ---: | ---: | ---: | ---: |"
	n4 = 0
	for (i = 1; i <= NK; i++) {
		split(KEYS[i], f, SUBSEP)
		if (f[1] != "p4" || f[8] != "bw_MBps") continue
		if ((f[5]) in P4Q) continue
		P4Q[f[5]] = 1; q4[++n4] = f[5] + 0
	}
	isort(q4, n4)
	for (i = 1; i <= n4; i++) {
		q = q4[i]
		for (d = 1; d <= 2; d++) {
			dv = (d == 1) ? "rxe" : "tbib"
			kb[dv] = find4("p4", dv, q, "bw_MBps")
			ct[dv] = find4("p4", dv, q, "cpu_s_per_GB_tx")
			cr[dv] = find4("p4", dv, q, "cpu_s_per_GB_rx")
			cs[dv] = (ct[dv] == "" && cr[dv] == "") ? "—" : ((ct[dv] == "" ? "—" : cell(ct[dv])) " / " (cr[dv] == "" ? "—" : cell(cr[dv])))
			if (stat(kb[dv])) {
				printf "%d %s %s %s %s %s\n", q, ST_MED, ST_MIN, ST_MAX, (ct[dv] != "" && stat(ct[dv])) ? ST_MED : "NaN", (cr[dv] != "" && stat(cr[dv])) ? ST_MED : "NaN" >> (dir "/plots/p4_" dv ".dat")
			}
		}
		printf "| %d | %s | %s | %s | %s | %s |\n", q, cell(kb["rxe"]), cs["rxe"], cell(kb["tbib"]), cs["tbib"], ratio(med(kb["tbib"]), med(kb["rxe"]))
	}
	if (!n4) print "| — | not run | | | | |"
	notes()
	print ""
	print "![scaling](plots/scaling.svg)"
	print ""
	print "## Files"
	print ""
	print "- `raw.csv`: every measurement, one row per run and metric: group (VM boot), part, test, dev, size (bytes), qps, rails, config, rep, metric, value, unit, status (ok, fail, na), note (why not ok)."
	print "- `info.csv`: what the guests reported about the run (R, tbib status, durations)."
	print "- `failover.csv`, `gaps.csv`: the part 3 timeline (receiver, Mbit/s per 50 ms interval, total and per rail) and the gaps derived from it."
	print "- `plots/`: SVG and PNG of every figure, with their data files (`*.dat`)."
	print "- `logs/`: the guests' test output of each group (the BENCH lines come from there)."
}

# agg_line(CONFIG, TEXT, PCT): a target row for a part 2 configuration
function agg_line(cfg, text, want,    i, f, k, ks, sum) {
	k = ""
	for (i = 1; i <= NK; i++) {
		split(KEYS[i], f, SUBSEP)
		if (f[1] == "p2" && f[2] == "ib_write_bw" && f[3] == "tbib" && f[7] == cfg && f[8] == "bw_MBps") { k = KEYS[i]; break }
	}
	if (k == "") { target(text, "not run", "n/a"); return }
	ks = key("p2", f[2], f[3], f[4], f[5], f[6], f[7], "rate_sum_Mbps")
	sum = med(ks)
	if (sum != "" && stat(k)) {
		p = ST_MED * MBIT / sum * 100
		target(text, sprintf("%.1f%% of %s Mbit/s", p, fmt(sum)), (p >= want) ? "met" : "not met")
	} else target(text, cell(k), "n/a")
}
function fo_target(    i, j, rp, errs, bad, n, txt, t) {
	t = "failover: 1..3 of 4 rails removed under load: 0 errors, resumes within 100 ms"
	if (!NP3) { target(t, "not run", "n/a"); return }
	errs = 0; bad = 0; n = 0; txt = ""
	for (i = 1; i <= NP3; i++) {
		rp = P3REPS[i]
		if (P3ST[rp] == "na") { target(t, "n/a " note(P3NOTE[rp]), "n/a"); return }
		if (P3ST[rp] != "ok") errs++
		# the traced stalls where there are any (older runs: the gaps)
		for (j = 1; j <= NS; j++) {
			if (SR[j] != rp || SL[j] ~ /^add/) continue
			n++
			txt = txt ((txt == "") ? "" : ", ") ((SS[j] < 0) ? "no recovery" : SS[j])
			if (SS[j] < 0 || SS[j] > 100) bad = 1
		}
		if (NS) continue
		for (j = 1; j <= NG; j++) {
			if (GR[j] != rp || GE[j] !~ /^del/) continue
			n++
			txt = txt ((txt == "") ? "" : ", ") ((GG[j] == "") ? "?" : (GG[j] < 0) ? "no recovery" : GG[j])
			if (GG[j] == "" || GG[j] < 0 || GG[j] > 100) bad = 1
		}
	}
	target(t, (NS ? "stalls after removals (ms): " : "gaps after removals (ms): ") ((n == 0) ? "none measured" : txt) "; runs with an ib_write_bw error: " errs " of " NP3 " (perftest does not check the bytes: the VM tests do)",
		(errs || bad || n == 0) ? "not met" : "met")
}

# cellx(KEY): cell(KEY), or "not run" when no row of raw.csv has KEY (a
# run from before the cell existed, or a mode without it)
function cellx(k) { return (k in KSEEN) ? cell(k) : "not run" }
function pctof(a, b) { return (a == "" || b == "" || b == 0) ? "—" : sprintf("%.0f%%", a / b * 100) }
function rw_row(what, dv, rails, kw, kr) {
	printf "| %s | %s | %d | %s | %s | %s |\n", what, dv, rails, cellx(kw), cellx(kr), pctof(med(kr), med(kw))
}
# rw_target(TEXT, WRITE-KEY, READ-KEY, PCT): READ >= PCT % of WRITE
function rw_target(text, kw, kr, want,    w, r) {
	w = med(kw); r = med(kr)
	if (w != "" && r != "")
		target(text, sprintf("%.1f%% (ib_read_bw %s, ib_write_bw %s MB/s)", r / w * 100, fmt(r), fmt(w)), (r / w * 100 >= want) ? "met" : "not met")
	else
		target(text, "ib_read_bw " cellx(kr) ", ib_write_bw " cellx(kw), "n/a")
}
