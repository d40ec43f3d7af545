// SPDX-License-Identifier: GPL-2.0
/*
 * The helpers every case uses: the command-line settings (devices,
 * verbosity), the case bookkeeping (case_begin, expect, case_end and the
 * PASS/FAIL counts), opening devices and the two sides of a connection
 * (buffers with guard pages, CQs, MRs, QPs, connecting a pair), and posting
 * and polling with the expectations on completions, QP states, async events
 * and buffer contents.
 */
#include "verbs-errors.h"

const char *name_a = "tbib0", *name_b = "tbib1";
int verbose;

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- case bookkeeping ---------------------------------------------------- */

const char *cur;
char cur_why[512];
int cur_bad, n_pass, n_fail;

void case_begin(const char *name)
{
	cur = name;
	cur_bad = 0;
	cur_why[0] = 0;
	if (verbose)
		printf("   %s ...\n", name);
	fflush(stdout);
}

/* A failed expectation: the first one is the case's reason, all printed. */
void __attribute__((format(printf, 2, 3))) expect(bool ok, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (ok)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!cur_bad++)
		snprintf(cur_why, sizeof(cur_why), "%s", msg);
	else
		printf("   %s: also: %s\n", cur, msg);
}

void case_end(void)
{
	if (cur_bad) {
		printf("FAIL: %s (%s)\n", cur, cur_why);
		n_fail++;
	} else {
		printf("PASS: %s\n", cur);
		n_pass++;
	}
	fflush(stdout);
}

/* ---- devices and sides --------------------------------------------------- */

struct dev da, db;

void dev_open(struct dev *d, const char *name)
{
	struct ibv_device **list;
	struct ibv_port_attr pa;
	int i, n;

	d->name = name;
	list = ibv_get_device_list(&n);
	if (!list)
		die("ibv_get_device_list");
	for (i = 0; i < n; i++)
		if (!strcmp(ibv_get_device_name(list[i]), name))
			break;
	if (i == n) {
		errno = ENODEV;
		die("no device %s", name);
	}
	d->ctx = ibv_open_device(list[i]);
	ibv_free_device_list(list);
	if (!d->ctx)
		die("open %s", name);
	if (ibv_query_port(d->ctx, 1, &pa))
		die("query_port %s", name);
	if (pa.state != IBV_PORT_ACTIVE) {
		errno = ENETDOWN;
		die("%s: port not active", name);
	}
	d->lid = pa.lid;
	d->mtu = pa.active_mtu;
	fcntl(d->ctx->async_fd, F_SETFL,
	      fcntl(d->ctx->async_fd, F_GETFL) | O_NONBLOCK);
	d->pd = ibv_alloc_pd(d->ctx);
	d->pd2 = ibv_alloc_pd(d->ctx);
	if (!d->pd || !d->pd2)
		die("alloc_pd %s", name);
}

uint8_t pat(unsigned int seed, size_t i)
{
	uint8_t b = (uint8_t)(seed * 151 + i * 7 + (i >> 8) * 13 + (i >> 16));

	return b ? b : 0xa5;
}

void fill(uint8_t *p, size_t len, unsigned int seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = pat(seed, i);
}

uint8_t *mrp(struct side *s, size_t off)
{
	return s->buf + MR_OFF + off;
}

uint64_t mra(struct side *s, size_t off)
{
	return (uintptr_t)mrp(s, off);
}

/* The side's buffer, CQ and MR (QP: side_qp). @ext: a buffer to use. */
void side_open(struct side *s, struct dev *d, int access,
	       size_t mr_len, unsigned int seed, uint8_t *ext)
{
	memset(s, 0, sizeof(*s));
	s->d = d;
	s->mr_len = mr_len;
	s->buf_len = mr_len + 2 * PAGE;
	if (ext) {
		s->buf = ext;
		s->ext = true;
	} else if (posix_memalign((void **)&s->buf, PAGE, s->buf_len)) {
		die("memory");
	}
	s->want = malloc(s->buf_len);
	s->dontcare = calloc(1, s->buf_len);
	if (!s->want || !s->dontcare)
		die("memory");
	fill(s->buf, s->buf_len, seed);
	memcpy(s->want, s->buf, s->buf_len);
	s->cq = ibv_create_cq(d->ctx, 128, NULL, NULL, 0);
	s->rcq = ibv_create_cq(d->ctx, 64, NULL, NULL, 0);
	if (!s->cq || !s->rcq)
		die("create_cq on %s", d->name);
	s->mr = ibv_reg_mr(d->pd, mrp(s, 0), mr_len, access);
	if (!s->mr)
		die("reg_mr on %s access %#x", d->name, access);
}

/* The side's QP of type @t, its receives from @srq if not NULL. */
static void side_qp_srq(struct side *s, struct ibv_srq *srq,
			enum ibv_qp_type t)
{
	struct ibv_qp_init_attr ia = {
		.send_cq = s->cq, .recv_cq = s->rcq, .srq = srq,
		.qp_type = t,
		.cap = { .max_send_wr = 32, .max_recv_wr = 32,
			 .max_send_sge = 2, .max_recv_sge = 2 },
	};

	s->qp = ibv_create_qp(s->d->pd, &ia);
	if (!s->qp)
		die("create_qp on %s", s->d->name);
}

void side_qp(struct side *s)
{
	side_qp_srq(s, NULL, IBV_QPT_RC);
}

/* An RC, UC or UD QP (qp_connect connects RC and UC). */
void side_qp_type(struct side *s, enum ibv_qp_type t)
{
	side_qp_srq(s, NULL, t);
}

void side_close(struct side *s)
{
	if (s->qp)
		ibv_destroy_qp(s->qp);
	if (s->mr)
		ibv_dereg_mr(s->mr);
	if (s->mr2)
		ibv_dereg_mr(s->mr2);
	if (s->cq)
		ibv_destroy_cq(s->cq);
	if (s->rcq)
		ibv_destroy_cq(s->rcq);
	if (!s->ext)
		free(s->buf);
	free(s->want);
	free(s->dontcare);
	memset(s, 0, sizeof(*s));
}

const struct qpopt opt_std = {
	.qp_access = ACC_REMOTE, .timeout = 14, .retry = 7, .rnr_retry = 7,
	.min_rnr_timer = 12,
};

/* Frames the test drops on purpose: a 1 s retransmit timer. */
const struct qpopt opt_slow = {
	.qp_access = ACC_REMOTE, .timeout = 18, .retry = 7, .rnr_retry = 7,
	.min_rnr_timer = 12,
};

/* Peer gone cases: short retransmit timer, few retries. */
const struct qpopt opt_short = {
	.qp_access = ACC_REMOTE, .timeout = 12, .retry = 2, .rnr_retry = 7,
	.min_rnr_timer = 12,
};

static uint32_t psn_of(uint32_t qpn)
{
	return (qpn * 0x9e37u + 0x1234) & 0xffffff;
}

/* RESET -> RTS towards (@rqpn, @rlid); UC takes no RC-only attribute. */
void qp_connect(struct side *s, uint32_t rqpn, uint16_t rlid,
		const struct qpopt *o)
{
	bool uc = s->qp->qp_type == IBV_QPT_UC;
	struct ibv_qp_attr a;

	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_INIT;
	a.port_num = 1;
	a.qp_access_flags = o->qp_access;
	if (ibv_modify_qp(s->qp, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX |
			  IBV_QP_PORT | IBV_QP_ACCESS_FLAGS))
		die("INIT");
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTR;
	a.path_mtu = s->d->mtu;
	a.dest_qp_num = rqpn;
	a.rq_psn = psn_of(rqpn);
	a.max_dest_rd_atomic = 4;
	a.min_rnr_timer = o->min_rnr_timer;
	a.ah_attr.dlid = rlid;
	a.ah_attr.port_num = 1;
	if (ibv_modify_qp(s->qp, &a, IBV_QP_STATE | IBV_QP_AV |
			  IBV_QP_PATH_MTU | IBV_QP_DEST_QPN | IBV_QP_RQ_PSN |
			  (uc ? 0 : IBV_QP_MAX_DEST_RD_ATOMIC |
				    IBV_QP_MIN_RNR_TIMER)))
		die("RTR");
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTS;
	a.timeout = o->timeout;
	a.retry_cnt = o->retry;
	a.rnr_retry = o->rnr_retry;
	a.sq_psn = psn_of(s->qp->qp_num);
	a.max_rd_atomic = 4;
	if (ibv_modify_qp(s->qp, &a, IBV_QP_STATE | IBV_QP_SQ_PSN |
			  (uc ? 0 : IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT |
				    IBV_QP_RNR_RETRY |
				    IBV_QP_MAX_QP_RD_ATOMIC)))
		die("RTS");
}

/*
 * A on da, B on db, connected; B's MR has @b_access.  With @ch, B's
 * receive CQ reports to that completion channel; with @srq, B's QP takes
 * its receives from it.
 */
void pair_open_ex(struct side *a, struct side *b, int b_access,
		  size_t mr_len, const struct qpopt *o,
		  struct ibv_comp_channel *ch, struct ibv_srq *srq)
{
	struct qpopt oa = *o;

	side_open(a, &da, ACC_ALL, mr_len, 1, NULL);
	side_open(b, &db, b_access, mr_len, 2, NULL);
	if (ch) {
		ibv_destroy_cq(b->rcq);
		b->rcq = ibv_create_cq(db.ctx, 64, NULL, ch, 0);
		if (!b->rcq)
			die("create_cq with a channel on %s", db.name);
	}
	side_qp(a);
	side_qp_srq(b, srq, IBV_QPT_RC);
	oa.qp_access = ACC_REMOTE;
	qp_connect(a, b->qp->qp_num, db.lid, &oa);
	qp_connect(b, a->qp->qp_num, da.lid, o);
	/* the requester's receive queue must be flushed by its errors too */
	post_recv(a, A_RECV_ID, mra(a, 3584), 256, a->mr->lkey);
}

void pair_open(struct side *a, struct side *b, int b_access,
	       size_t mr_len, const struct qpopt *o)
{
	pair_open_ex(a, b, b_access, mr_len, o, NULL, NULL);
}

static enum ibv_qp_state qp_state(struct ibv_qp *qp)
{
	struct ibv_qp_attr a;
	struct ibv_qp_init_attr ia;

	if (ibv_query_qp(qp, &a, IBV_QP_STATE, &ia))
		return (enum ibv_qp_state)-1;
	return a.qp_state;
}

static const char *state_str(enum ibv_qp_state s)
{
	static const char *n[] = { "RESET", "INIT", "RTR", "RTS", "SQD",
				   "SQE", "ERR" };

	return (unsigned int)s < 7 ? n[s] : "?";
}

/* @qp reaches @st within @ms. */
void expect_state(struct ibv_qp *qp, enum ibv_qp_state st, int ms,
		  const char *who)
{
	enum ibv_qp_state s = qp_state(qp);

	while (s != st && ms-- > 0) {
		usleep(1000);
		s = qp_state(qp);
	}
	expect(s == st, "%s QP state %s got %s", who, state_str(st),
	       state_str(s));
}

/* Forget the async events of @d so far. */
void async_drain(struct dev *d)
{
	struct ibv_async_event e;

	while (!ibv_get_async_event(d->ctx, &e))
		ibv_ack_async_event(&e);
}

/* @d reports @ev for @qp within @ms (other events are skipped). */
void expect_qp_event(struct dev *d, struct ibv_qp *qp,
		     enum ibv_event_type ev, int ms, const char *who)
{
	double end = now_s() + ms / 1000.0;
	struct ibv_async_event e;
	struct pollfd p = { .fd = d->ctx->async_fd, .events = POLLIN };
	bool seen = false;
	char got[200] = "";

	while (!seen && now_s() < end) {
		if (poll(&p, 1, 50) != 1 || ibv_get_async_event(d->ctx, &e))
			continue;
		if (e.event_type == ev && e.element.qp == qp)
			seen = true;
		else if (strlen(got) < sizeof(got) - 40)
			snprintf(got + strlen(got), sizeof(got) - strlen(got),
				 "%s%s", got[0] ? ", " : "",
				 ibv_event_type_str(e.event_type));
		ibv_ack_async_event(&e);
	}
	if (!got[0])
		strcpy(got, "none");
	expect(seen, "%s async event %s got %s", who, ibv_event_type_str(ev),
	       got);
}

/* ---- posting and polling ------------------------------------------------- */

int post_rdma(struct side *s, uint64_t id, enum ibv_wr_opcode op,
	      uint64_t laddr, uint32_t len, uint32_t lkey,
	      uint64_t raddr, uint32_t rkey)
{
	struct ibv_sge sge = { .addr = laddr, .length = len, .lkey = lkey };
	struct ibv_send_wr wr = {
		.wr_id = id, .sg_list = &sge, .num_sge = 1, .opcode = op,
		.send_flags = IBV_SEND_SIGNALED,
	}, *bad;

	if (op == IBV_WR_ATOMIC_FETCH_AND_ADD ||
	    op == IBV_WR_ATOMIC_CMP_AND_SWP) {
		wr.wr.atomic.remote_addr = raddr;
		wr.wr.atomic.rkey = rkey;
		wr.wr.atomic.compare_add = 0x0101010101010101ULL;
		wr.wr.atomic.swap = 0x5a5a5a5a5a5a5a5aULL;
	} else {
		wr.wr.rdma.remote_addr = raddr;
		wr.wr.rdma.rkey = rkey;
	}
	return ibv_post_send(s->qp, &wr, &bad);
}

int post_recv(struct side *s, uint64_t id, uint64_t addr,
	      uint32_t len, uint32_t lkey)
{
	struct ibv_sge sge = { .addr = addr, .length = len, .lkey = lkey };
	struct ibv_recv_wr wr = { .wr_id = id, .sg_list = &sge, .num_sge = 1 },
			   *bad;

	return ibv_post_recv(s->qp, &wr, &bad);
}

/* One completion within @ms: 1, none: 0. */
static int poll_one(struct ibv_cq *cq, struct ibv_wc *wc, int ms)
{
	double end = now_s() + ms / 1000.0;
	int r;

	for (;;) {
		r = ibv_poll_cq(cq, 1, wc);
		if (r)
			return r < 0 ? 0 : 1;
		if (now_s() > end)
			return 0;
		usleep(200);
	}
}

const char *st(enum ibv_wc_status s)
{
	return ibv_wc_status_str(s);
}

/* The next completion of its queue of @s is @id with @status. */
bool expect_wc(struct side *s, uint64_t id, enum ibv_wc_status status,
	       const char *who, struct ibv_wc *out)
{
	struct ibv_wc wc;

	if (!poll_one(id >= RECV_ID ? s->rcq : s->cq, &wc, WAIT_MS)) {
		expect(false, "%s wr %#" PRIx64 " %s got no completion in %d ms",
		       who, id, st(status), WAIT_MS);
		return false;
	}
	if (out)
		*out = wc;
	expect(wc.wr_id == id && wc.status == status,
	       "%s wr %#" PRIx64 " %s got wr %#" PRIx64 " %s", who, id,
	       st(status), wc.wr_id, st(wc.status));
	expect(wc.qp_num == s->qp->qp_num, "%s qp_num %u got %u", who,
		       s->qp->qp_num, wc.qp_num);
	return wc.wr_id == id && wc.status == status;
}

void expect_none(struct side *s, int ms, const char *who)
{
	struct ibv_wc wc;

	if (poll_one(s->cq, &wc, ms) || poll_one(s->rcq, &wc, 0))
		expect(false, "%s no completion got wr %#" PRIx64 " %s", who,
		       wc.wr_id, st(wc.status));
}

/* Only the bytes we allowed changed, everywhere in the buffer. */
void expect_buf(struct side *s, const char *who)
{
	size_t i, nbad = 0, first = 0;

	for (i = 0; i < s->buf_len; i++) {
		if (s->dontcare[i] || s->buf[i] == s->want[i])
			continue;
		if (!nbad++)
			first = i;
	}
	if (nbad)
		expect(false, "%s buffer unchanged at MR%+ld (%zu bytes differ)"
		       " %#x got %#x", who, (long)first - MR_OFF, nbad,
		       s->want[first], s->buf[first]);
}

void allow(struct side *s, size_t mr_off, size_t len)
{
	memset(s->dontcare + MR_OFF + mr_off, 1, len);
}

struct target tgt(struct side *b)
{
	return (struct target){ .addr = mra(b, 0),
				.rkey = b->mr ? b->mr->rkey : 0 };
}

/* A WRITE of @len bytes from A's MR at @off to B's MR at @off. */
void post_write(struct side *a, struct target t, uint64_t id,
		size_t off, uint32_t len)
{
	if (post_rdma(a, id, IBV_WR_RDMA_WRITE, mra(a, off), len, a->mr->lkey,
		      t.addr + off, t.rkey))
		expect(false, "post_send of wr %#" PRIx64 " 0 got %d", id, errno);
}

/*
 * B's side of a WRITE from A at @off that succeeded: A's bytes there are
 * its seed-1 pattern (side_open), so B knows them without A's buffer.
 */
void written(struct side *b, size_t off, uint32_t len)
{
	for (size_t i = MR_OFF + off; i < MR_OFF + off + len; i++)
		b->want[i] = pat(1, i);
}

/* A good WRITE, with its effect on B in this process. */
void good_write(struct side *a, struct side *b, uint64_t id,
		size_t off, uint32_t len, enum effect eff)
{
	post_write(a, tgt(b), id, off, len);
	if (eff == APPLIED)
		memcpy(b->want + MR_OFF + off, a->want + MR_OFF + off, len);
	else if (eff == MAYBE)
		allow(b, off, len);
}

/* After an error: the QP is in ERR and flushes what is posted at once. */
void expect_flushes_later(struct side *a, struct target t)
{
	post_write(a, t, 0x4, 1024, 16);
	expect_wc(a, 0x4, IBV_WC_WR_FLUSH_ERR, "requester (posted in ERR)",
		  NULL);
	expect_wc(a, A_RECV_ID, IBV_WC_WR_FLUSH_ERR, "requester receive", NULL);
	expect_none(a, QUIET_MS, "requester");
	expect_state(a->qp, IBV_QPS_ERR, 0, "requester");
}
