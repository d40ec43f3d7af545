// SPDX-License-Identifier: GPL-2.0
/*
 * tbibctl: the counters nest shared by devices, rails and peers, and the
 * "stats" command: per-rail tx/rx Mbit/s and packets/s computed from the
 * difference of two rail dumps, once or every -w SECONDS.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>

#include "tbibctl.h"

/* JSON keys (snake_case) of the counters; also their human names. */
static const char *const stat_names[TB_STATS_N] = {
	[TBIB_A_STATS_TX_PACKETS] = "tx_packets",
	[TBIB_A_STATS_TX_BYTES] = "tx_bytes",
	[TBIB_A_STATS_RX_PACKETS] = "rx_packets",
	[TBIB_A_STATS_RX_BYTES] = "rx_bytes",
	[TBIB_A_STATS_RETRANS_FAST] = "retrans_fast",
	[TBIB_A_STATS_RETRANS_TIMEOUT] = "retrans_timeout",
	[TBIB_A_STATS_RX_OOO] = "rx_ooo",
	[TBIB_A_STATS_RX_DUP] = "rx_dup",
	[TBIB_A_STATS_REORDER_DEPTH] = "reorder_depth",
	[TBIB_A_STATS_REORDER_DEPTH_MAX] = "reorder_depth_max",
	[TBIB_A_STATS_TX_DROP] = "tx_drop",
	[TBIB_A_STATS_RX_DROP_MALFORMED] = "rx_drop_malformed",
	[TBIB_A_STATS_RX_DROP_CSUM] = "rx_drop_csum",
	[TBIB_A_STATS_RX_DROP_PEER] = "rx_drop_peer",
	[TBIB_A_STATS_RX_DROP_NO_QP] = "rx_drop_no_qp",
	[TBIB_A_STATS_RX_DROP_STALE] = "rx_drop_stale",
	[TBIB_A_STATS_RX_DROP_WINDOW] = "rx_drop_window",
	[TBIB_A_STATS_RAIL_UP] = "rail_up",
	[TBIB_A_STATS_RAIL_DOWN] = "rail_down",
	[TBIB_A_STATS_PROBES_TX] = "probes_tx",
	[TBIB_A_STATS_PROBES_RX] = "probes_rx",
	[TBIB_A_STATS_TX_ZEROCOPY] = "tx_zerocopy",
	[TBIB_A_STATS_TX_LINGER_ACK] = "tx_linger_ack",
	[TBIB_A_STATS_READ_REREQ_GAP] = "read_rereq_gap",
	[TBIB_A_STATS_READ_REREQ_LATE] = "read_rereq_late",
	[TBIB_A_STATS_READ_REREQ_TIMEOUT] = "read_rereq_timeout",
	[TBIB_A_STATS_RX_READ_BYTES] = "rx_read_bytes",
	[TBIB_A_STATS_RX_READ_DUP_BYTES] = "rx_read_dup_bytes",
	[TBIB_A_STATS_RX_DUP_READ_REQ] = "rx_dup_read_req",
	[TBIB_A_STATS_READ_REQ_MERGED] = "read_req_merged",
};

int tb_stats_parse(struct nlattr *nest, struct tb_stats *st)
{
	struct nlattr *a;
	int rem, type;

	memset(st, 0, sizeof(*st));
	st->valid = true;
	nla_for_each_nested(a, nest, rem) {
		type = nla_type(a);
		/* unknown (newer) counters and the pad are skipped */
		if (type <= TBIB_A_STATS_PAD || type >= TB_STATS_N ||
		    !stat_names[type])
			continue;
		if (nla_len(a) < 8)
			return -NLE_INVAL;
		st->v[type] = nla_get_u64(a);
		st->has[type] = true;
	}
	return 0;
}

/*
 * Human layout: one line per group, "label: name value ...", only the
 * counters the kernel sent.
 */
static const struct {
	const char *label;
	int attrs[7];
	const char *short_names[7];
} groups[] = {
	{ "tx", { TBIB_A_STATS_TX_PACKETS, TBIB_A_STATS_TX_BYTES,
		  TBIB_A_STATS_TX_DROP, TBIB_A_STATS_PROBES_TX,
		  TBIB_A_STATS_TX_ZEROCOPY, TBIB_A_STATS_TX_LINGER_ACK },
	  { "packets", "bytes", "drop", "probes", "zerocopy", "linger_ack" } },
	{ "rx", { TBIB_A_STATS_RX_PACKETS, TBIB_A_STATS_RX_BYTES,
		  TBIB_A_STATS_RX_OOO, TBIB_A_STATS_RX_DUP,
		  TBIB_A_STATS_PROBES_RX },
	  { "packets", "bytes", "ooo", "dup", "probes" } },
	{ "rx_drop", { TBIB_A_STATS_RX_DROP_MALFORMED,
		       TBIB_A_STATS_RX_DROP_CSUM, TBIB_A_STATS_RX_DROP_PEER,
		       TBIB_A_STATS_RX_DROP_NO_QP, TBIB_A_STATS_RX_DROP_STALE,
		       TBIB_A_STATS_RX_DROP_WINDOW },
	  { "malformed", "csum", "peer", "no_qp", "stale", "window" } },
	{ "retrans", { TBIB_A_STATS_RETRANS_FAST,
		       TBIB_A_STATS_RETRANS_TIMEOUT },
	  { "fast", "timeout" } },
	{ "reorder", { TBIB_A_STATS_REORDER_DEPTH,
		       TBIB_A_STATS_REORDER_DEPTH_MAX },
	  { "depth", "depth_max" } },
	{ "rail", { TBIB_A_STATS_RAIL_UP, TBIB_A_STATS_RAIL_DOWN },
	  { "up", "down" } },
	{ "read", { TBIB_A_STATS_READ_REREQ_GAP, TBIB_A_STATS_READ_REREQ_LATE,
		    TBIB_A_STATS_READ_REREQ_TIMEOUT, TBIB_A_STATS_RX_READ_BYTES,
		    TBIB_A_STATS_RX_READ_DUP_BYTES,
		    TBIB_A_STATS_RX_DUP_READ_REQ,
		    TBIB_A_STATS_READ_REQ_MERGED },
	  { "rereq_gap", "rereq_late", "rereq_timeout", "rx_bytes",
	    "rx_dup_bytes", "dup_req", "merged" } },
};

void tb_stats_print(const struct tb_stats *st, FILE *f, const char *indent)
{
	size_t g;
	int k, n;

	if (!st->valid)
		return;
	for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		n = 0;
		for (k = 0; k < 7 && groups[g].attrs[k]; k++) {
			int a = groups[g].attrs[k];

			if (!st->has[a])
				continue;
			if (!n++)
				fprintf(f, "%s%s:", indent, groups[g].label);
			fprintf(f, " %s %llu", groups[g].short_names[k],
				(unsigned long long)st->v[a]);
		}
		if (n)
			fputc('\n', f);
	}
}

void tb_stats_json(struct tb_json *j, const struct tb_stats *st)
{
	int a;

	if (!st->valid)
		return;
	tb_json_obj_open(j, "stats");
	for (a = 0; a < TB_STATS_N; a++)
		if (st->has[a])
			tb_json_u64(j, stat_names[a], st->v[a]);
	tb_json_obj_close(j);
}

/* ---- the rates view ---- */

struct sample {
	struct tb_rail_info *rails;
	size_t n, cap;
	const char *dev;
	bool oom;
};

static int sample_one(struct nl_msg *msg, void *arg)
{
	struct sample *s = arg;
	struct tb_rail_info *r;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;

		r = realloc(s->rails, cap * sizeof(*r));
		if (!r) {
			s->oom = true;
			tb_err("out of memory");
			return -1;
		}
		s->rails = r;
		s->cap = cap;
	}
	r = &s->rails[s->n];
	if (tb_rail_parse(msg, r) < 0) {
		tb_err("malformed rail reply from the kernel");
		return -1;
	}
	if (s->dev && r->has_dev && strcmp(s->dev, r->dev))
		return 0;
	s->n++;
	return 0;
}

static int take(struct tb_ctx *ctx, const struct tb_req *req,
		struct sample *s, double *t)
{
	struct timespec ts;

	s->n = 0;
	s->dev = (req->has & TB_HAS_DEV) ? req->dev : NULL;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	*t = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	return tb_nl_request(ctx, req, sample_one, s,
			     s->dev ? "cannot read the rails of the device" :
				      "cannot read rails");
}

static const struct tb_rail_info *find(const struct sample *s,
				       const struct tb_rail_info *r)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->rails[i].id == r->id &&
		    !strcmp(s->rails[i].dev, r->dev))
			return &s->rails[i];
	return NULL;
}

struct rates {
	bool valid;
	double tx_mbps, rx_mbps, tx_pps, rx_pps;
};

/* Rates of r since old; invalid if the rail is new or was recreated. */
static struct rates rates(const struct tb_rail_info *old,
			  const struct tb_rail_info *r, double dt)
{
	static const int k[4] = { TBIB_A_STATS_TX_BYTES,
				  TBIB_A_STATS_RX_BYTES,
				  TBIB_A_STATS_TX_PACKETS,
				  TBIB_A_STATS_RX_PACKETS };
	struct rates x = { 0 };
	double d[4];
	int i;

	if (!old || dt <= 0)
		return x;
	for (i = 0; i < 4; i++) {
		if (!r->stats.has[k[i]] || !old->stats.has[k[i]] ||
		    r->stats.v[k[i]] < old->stats.v[k[i]])
			return x;
		d[i] = (double)(r->stats.v[k[i]] - old->stats.v[k[i]]);
	}
	x.valid = true;
	x.tx_mbps = d[0] * 8 / dt / 1e6;
	x.rx_mbps = d[1] * 8 / dt / 1e6;
	x.tx_pps = d[2] / dt;
	x.rx_pps = d[3] / dt;
	return x;
}

static void where(const struct tb_rail_info *r, char *buf, size_t len)
{
	if (r->has_ifname)
		snprintf(buf, len, "%s", r->ifname);
	else if (r->has_usb4_ep)
		snprintf(buf, len, "usb4:%s", r->usb4_ep);
	else
		snprintf(buf, len, "-");
}

static void print_human(struct tb_ctx *ctx, const struct sample *old,
			const struct sample *cur, double dt, bool clear)
{
	FILE *f = ctx->out;
	char buf[32], w[IF_NAMESIZE + TB_USB4_EP_MAX + 8];
	struct rates x;
	size_t i;

	if (clear)
		fputs("\033[H\033[2J", f);
	fprintf(f, "%-12s %5s %-16s %-8s %12s %12s %10s %10s\n", "DEV",
		"RAIL", "LINK", "STATE", "TX Mbit/s", "RX Mbit/s",
		"TX pkt/s", "RX pkt/s");
	for (i = 0; i < cur->n; i++) {
		const struct tb_rail_info *r = &cur->rails[i];

		x = rates(find(old, r), r, dt);
		where(r, w, sizeof(w));
		fprintf(f, "%-12s %5u %-16s %-8s ", r->dev, r->id, w,
			r->has_oper ?
			tb_rail_state_name(r->oper, buf, sizeof(buf)) : "-");
		if (x.valid)
			fprintf(f, "%12.3f %12.3f %10.0f %10.0f\n", x.tx_mbps,
				x.rx_mbps, x.tx_pps, x.rx_pps);
		else
			fprintf(f, "%12s %12s %10s %10s\n", "-", "-", "-",
				"-");
	}
	if (!cur->n)
		fprintf(f, "(no rails)\n");
	fflush(f);
}

static void print_json(struct tb_ctx *ctx, const struct sample *old,
		       const struct sample *cur, double dt)
{
	struct tb_json j;
	struct timespec now;
	char buf[32];
	struct rates x;
	size_t i;

	clock_gettime(CLOCK_REALTIME, &now);
	tb_json_init(&j, ctx->out, ctx->opts.pretty);
	tb_json_obj_open(&j, NULL);
	tb_json_double(&j, "time",
		       (double)now.tv_sec + (double)now.tv_nsec / 1e9);
	tb_json_double(&j, "interval", dt);
	tb_json_arr_open(&j, "rails");
	for (i = 0; i < cur->n; i++) {
		const struct tb_rail_info *r = &cur->rails[i];

		x = rates(find(old, r), r, dt);
		tb_json_obj_open(&j, NULL);
		tb_json_str(&j, "dev", r->dev);
		tb_json_u64(&j, "id", r->id);
		if (r->has_ifname)
			tb_json_str(&j, "ifname", r->ifname);
		if (r->has_usb4_ep)
			tb_json_str(&j, "usb4", r->usb4_ep);
		if (r->has_oper)
			tb_json_str(&j, "state",
				    tb_rail_state_name(r->oper, buf,
						       sizeof(buf)));
		if (x.valid) {
			tb_json_double(&j, "tx_mbps", x.tx_mbps);
			tb_json_double(&j, "rx_mbps", x.rx_mbps);
			tb_json_double(&j, "tx_pps", x.tx_pps);
			tb_json_double(&j, "rx_pps", x.rx_pps);
		} else {
			tb_json_null(&j, "tx_mbps");
			tb_json_null(&j, "rx_mbps");
			tb_json_null(&j, "tx_pps");
			tb_json_null(&j, "rx_pps");
		}
		tb_json_obj_close(&j);
	}
	tb_json_arr_close(&j);
	tb_json_obj_close(&j);
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Sleep, but return early (true) on SIGINT/SIGTERM. */
static bool nap(double secs)
{
	struct timespec ts = { .tv_sec = (time_t)secs,
			       .tv_nsec = (long)((secs - (time_t)secs) * 1e9) };

	while (!stop && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return stop;
}

int tb_stats_exec(struct tb_ctx *ctx, const struct tb_req *req)
{
	struct sample a = { 0 }, b = { 0 }, tmp;
	struct sigaction sa = { .sa_handler = on_signal };
	struct sigaction old_int, old_term;
	uint32_t interval = req->watch ? req->watch : 1;
	uint32_t count = req->watch ? req->count : 1;	/* 0 = forever */
	bool clear = req->watch && !ctx->opts.json && isatty(fileno(ctx->out));
	double ta, tb;
	uint32_t n = 0;
	int r;

	stop = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	r = take(ctx, req, &a, &ta);
	while (r == TB_EXIT_OK && !stop) {
		if (nap(interval))
			break;
		r = take(ctx, req, &b, &tb);
		if (r)
			break;
		if (ctx->opts.json) {
			print_json(ctx, &a, &b, tb - ta);
		} else {
			if (n && !clear)
				fputc('\n', ctx->out);
			print_human(ctx, &a, &b, tb - ta, clear);
		}
		tmp = a;
		a = b;
		b = tmp;
		ta = tb;
		if (count && ++n >= count)
			break;
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	free(a.rails);
	free(b.rails);
	return r;
}
