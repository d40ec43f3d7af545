// SPDX-License-Identifier: GPL-2.0
/*
 * verbs-errors: negative tests of RC between two verbs devices in one
 * machine (tbib0 -> tbib1 by default; any pair of HCAs that reach each
 * other, rxe included, for comparison).
 *
 *   verbs-errors [-a DEV] [-b DEV] [-v] cases [NAME...]
 *   verbs-errors [-a DEV] [-b DEV] kill-peer | rail-del | lost-ack |
 *                                  lost-nak | buf-change | exit-open | hold
 *   verbs-errors [-d DEV] [-p PORT] remote [HOST]
 *
 * cases: every error an RC requester (A, on -a) and responder (B, on -b)
 * must report, with the exact IB completion status on each side: remote
 * access errors (wrong rkey, out of bounds, missing access rights), local
 * protection errors, RNR, a receive buffer too small or bad, the peer QP
 * destroyed under a transfer, objects in use refused with EBUSY, SEND
 * with Invalidate and LOCAL_INV of keys that cannot be invalidated.  Each
 * error case runs on a fresh QP pair and posts a good WRITE before the bad
 * request and another after it: the first must succeed, the second be
 * flushed, and so must a WR posted once the QP is in ERROR.  Both target
 * and source buffers are compared byte by byte afterwards: only what the
 * successful operations wrote may have changed (plus, where IB allows it,
 * the buffer of the failed operation itself); the pages around each MR
 * must never change.  Also with traffic: a CQ armed for solicited
 * completions only, the SRQ limit event, resizing CQs that hold
 * completions.  NAMEs select cases by substring.
 *
 * kill-peer: B lives in a child process that is SIGKILLed in the middle
 * of a stream of WRITEs: A must get IB_WC_RETRY_EXC_ERR in bounded time.
 *
 * rail-del: streams WRITEs, prints READY and, after SIGUSR1 (sent by the
 * test just before it deletes B's rails), expects IB_WC_RETRY_EXC_ERR.
 *
 * lost-ack: a SEND whose ACKs the test drops (B's frames, between DROP
 * and SIGUSR1), its receiver's QP destroyed (DESTROYED, then SIGUSR1 when
 * B's frames pass again): the SEND must still complete with success.
 *
 * lost-nak: WRITEs with a bad rkey whose NAKs the test drops (B's frames,
 * between DROP and SIGUSR1; REFUSED, then SIGUSR1 when they pass again),
 * one responder QP left in ERROR, one destroyed: both requesters must
 * still fail with IBV_WC_REM_ACCESS_ERR.
 *
 * buf-change: an RDMA WRITE whose source the application changes before
 * it completes, its first transmission dropped by the test (between
 * DROP and SIGUSR1, then CHANGED and SIGUSR1 when its frames pass): it
 * must complete with success and deliver the changed bytes.
 *
 * exit-open: a child opens both devices, connects a pair, leaves WRITEs,
 * SENDs, receives, an SRQ, an armed CQ with a channel and a UD QP in
 * flight, and exits without cleaning up; then both devices must still
 * work.
 *
 * hold: streams WRITEs from A to B and prints HOLDING; when B's device is
 * deleted (fatal event on B) A must get IB_WC_RETRY_EXC_ERR, then it
 * prints PEER-GONE and keeps its objects until A's device goes too
 * (module unload), prints DEVICE-GONE and exits.
 *
 * remote: the cases that need no second device of this host -- remote
 * access errors, RNR with rnr_retry 0, bad receives, the peer's process
 * killed and the peer's rails deleted under a stream -- with A on this
 * host's -d DEV and B on another's, over TCP port -p (18515): without
 * HOST, B listens (and prints DELETE-RAILS when the test is to delete its
 * rails, then waits for SIGUSR1); with HOST, A connects and runs them.
 * Both ends report each case, A's report includes B's verdict.
 *
 * Prints "PASS: case" or "FAIL: case (expected X got Y)" per case; exits
 * 1 if any case failed, 2 on a setup error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <infiniband/verbs.h>

#define PAGE		4096
#define MR_OFF		PAGE	/* each MR has a guard page on both sides */
#define SMALL		PAGE	/* MR size of the single-operation cases */
#define BIG		(1 << 20)	/* MR size of the streaming cases */
#define CHUNK		(64 << 10)	/* one WRITE of a stream */
#define NSLOTS		(BIG / CHUNK)
#define DEPTH		4	/* WRITEs of a stream in flight */
#define WAIT_MS		5000	/* for a completion that must come */
#define QUIET_MS	150	/* for one that must not */
#define BOUND_S		5.0	/* RETRY_EXC_ERR at most this long after */

#define ACC_ALL		(IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | \
			 IBV_ACCESS_REMOTE_READ | IBV_ACCESS_REMOTE_ATOMIC)
#define ACC_REMOTE	(IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ | \
			 IBV_ACCESS_REMOTE_ATOMIC)

static const char *name_a = "tbib0", *name_b = "tbib1";
static int verbose;

#define die(...) do { printf("FAIL: setup: " __VA_ARGS__); \
		      printf(" (%s)\n", strerror(errno)); exit(2); } while (0)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- case bookkeeping ---------------------------------------------------- */

static const char *cur;
static char cur_why[512];
static int cur_bad, n_pass, n_fail;

static void case_begin(const char *name)
{
	cur = name;
	cur_bad = 0;
	cur_why[0] = 0;
	if (verbose)
		printf("   %s ...\n", name);
	fflush(stdout);
}

/* A failed expectation: the first one is the case's reason, all printed. */
static void __attribute__((format(printf, 2, 3))) expect(bool ok, const char *fmt, ...)
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

static void case_end(void)
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

struct dev {
	const char *name;
	struct ibv_context *ctx;
	struct ibv_pd *pd, *pd2;
	uint16_t lid;
	enum ibv_mtu mtu;
};

static struct dev da, db;

static void dev_open(struct dev *d, const char *name)
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

/*
 * One end of a connection.  buf holds a guard page, the MR (mr_len bytes),
 * a guard page; want is what buf must hold, dontcare marks the bytes a
 * failed operation may have changed.
 */
struct side {
	struct dev *d;
	struct ibv_cq *cq, *rcq;	/* send, receive completions */
	struct ibv_qp *qp;
	uint8_t *buf, *want, *dontcare;
	size_t mr_len, buf_len;
	struct ibv_mr *mr;
	struct ibv_mr *mr2;	/* the same memory in the second PD */
	bool ext;		/* buf is not ours to free */
};

static uint8_t pat(unsigned int seed, size_t i)
{
	uint8_t b = (uint8_t)(seed * 151 + i * 7 + (i >> 8) * 13 + (i >> 16));

	return b ? b : 0xa5;
}

static void fill(uint8_t *p, size_t len, unsigned int seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = pat(seed, i);
}

static uint8_t *mrp(struct side *s, size_t off)
{
	return s->buf + MR_OFF + off;
}

static uint64_t mra(struct side *s, size_t off)
{
	return (uintptr_t)mrp(s, off);
}

/* The side's buffer, CQ and MR (QP: side_qp). @ext: a buffer to use. */
static void side_open(struct side *s, struct dev *d, int access,
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

/* The side's QP, its receives from @srq if not NULL. */
static void side_qp_srq(struct side *s, struct ibv_srq *srq)
{
	struct ibv_qp_init_attr ia = {
		.send_cq = s->cq, .recv_cq = s->rcq, .srq = srq,
		.qp_type = IBV_QPT_RC,
		.cap = { .max_send_wr = 32, .max_recv_wr = 32,
			 .max_send_sge = 2, .max_recv_sge = 2 },
	};

	s->qp = ibv_create_qp(s->d->pd, &ia);
	if (!s->qp)
		die("create_qp on %s", s->d->name);
}

static void side_qp(struct side *s)
{
	side_qp_srq(s, NULL);
}

static void side_close(struct side *s)
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

struct qpopt {
	int qp_access;		/* of the responder */
	uint8_t timeout, retry, rnr_retry, min_rnr_timer;
};

static const struct qpopt opt_std = {
	.qp_access = ACC_REMOTE, .timeout = 14, .retry = 7, .rnr_retry = 7,
	.min_rnr_timer = 12,
};

/* Frames the test drops on purpose: a 1 s retransmit timer. */
static const struct qpopt opt_slow = {
	.qp_access = ACC_REMOTE, .timeout = 18, .retry = 7, .rnr_retry = 7,
	.min_rnr_timer = 12,
};

/* Peer gone cases: short retransmit timer, few retries. */
static const struct qpopt opt_short = {
	.qp_access = ACC_REMOTE, .timeout = 12, .retry = 2, .rnr_retry = 7,
	.min_rnr_timer = 12,
};

static uint32_t psn_of(uint32_t qpn)
{
	return (qpn * 0x9e37u + 0x1234) & 0xffffff;
}

/* RESET -> RTS towards (@rqpn, @rlid). */
static void qp_connect(struct side *s, uint32_t rqpn, uint16_t rlid,
		       const struct qpopt *o)
{
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
			  IBV_QP_MAX_DEST_RD_ATOMIC | IBV_QP_MIN_RNR_TIMER))
		die("RTR");
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTS;
	a.timeout = o->timeout;
	a.retry_cnt = o->retry;
	a.rnr_retry = o->rnr_retry;
	a.sq_psn = psn_of(s->qp->qp_num);
	a.max_rd_atomic = 4;
	if (ibv_modify_qp(s->qp, &a, IBV_QP_STATE | IBV_QP_TIMEOUT |
			  IBV_QP_RETRY_CNT | IBV_QP_RNR_RETRY | IBV_QP_SQ_PSN |
			  IBV_QP_MAX_QP_RD_ATOMIC))
		die("RTS");
}

#define A_RECV_ID	0x200

static int post_recv(struct side *s, uint64_t id, uint64_t addr,
		     uint32_t len, uint32_t lkey);

/*
 * A on da, B on db, connected; B's MR has @b_access.  With @ch, B's
 * receive CQ reports to that completion channel; with @srq, B's QP takes
 * its receives from it.
 */
static void pair_open_ex(struct side *a, struct side *b, int b_access,
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
	side_qp_srq(b, srq);
	oa.qp_access = ACC_REMOTE;
	qp_connect(a, b->qp->qp_num, db.lid, &oa);
	qp_connect(b, a->qp->qp_num, da.lid, o);
	/* the requester's receive queue must be flushed by its errors too */
	post_recv(a, A_RECV_ID, mra(a, 3584), 256, a->mr->lkey);
}

static void pair_open(struct side *a, struct side *b, int b_access,
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
static void expect_state(struct ibv_qp *qp, enum ibv_qp_state st, int ms,
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
static void async_drain(struct dev *d)
{
	struct ibv_async_event e;

	while (!ibv_get_async_event(d->ctx, &e))
		ibv_ack_async_event(&e);
}

/* @d reports @ev for @qp within @ms (other events are skipped). */
static void expect_qp_event(struct dev *d, struct ibv_qp *qp,
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

static int post_rdma(struct side *s, uint64_t id, enum ibv_wr_opcode op,
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

static int post_recv(struct side *s, uint64_t id, uint64_t addr,
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

static const char *st(enum ibv_wc_status s)
{
	return ibv_wc_status_str(s);
}

/* Receive WRs have ids from RECV_ID on: their completions go to rcq. */
#define RECV_ID		0x100

/* The next completion of its queue of @s is @id with @status. */
static bool expect_wc(struct side *s, uint64_t id, enum ibv_wc_status status,
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

static void expect_none(struct side *s, int ms, const char *who)
{
	struct ibv_wc wc;

	if (poll_one(s->cq, &wc, ms) || poll_one(s->rcq, &wc, 0))
		expect(false, "%s no completion got wr %#" PRIx64 " %s", who,
		       wc.wr_id, st(wc.status));
}

/* Only the bytes we allowed changed, everywhere in the buffer. */
static void expect_buf(struct side *s, const char *who)
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

static void allow(struct side *s, size_t mr_off, size_t len)
{
	memset(s->dontcare + MR_OFF + mr_off, 1, len);
}

enum effect {
	APPLIED,	/* must have been executed */
	MAYBE,		/* may have been executed */
	NOT_RUN,	/* must not have been executed */
};

/* What A's requests address: B's MR, in this process or on another host. */
struct target {
	uint64_t addr;
	uint32_t rkey;
};

static struct target tgt(struct side *b)
{
	return (struct target){ .addr = mra(b, 0),
				.rkey = b->mr ? b->mr->rkey : 0 };
}

/* A WRITE of @len bytes from A's MR at @off to B's MR at @off. */
static void post_write(struct side *a, struct target t, uint64_t id,
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
static void written(struct side *b, size_t off, uint32_t len)
{
	for (size_t i = MR_OFF + off; i < MR_OFF + off + len; i++)
		b->want[i] = pat(1, i);
}

/* A good WRITE, with its effect on B in this process. */
static void good_write(struct side *a, struct side *b, uint64_t id,
		       size_t off, uint32_t len, enum effect eff)
{
	post_write(a, tgt(b), id, off, len);
	if (eff == APPLIED)
		memcpy(b->want + MR_OFF + off, a->want + MR_OFF + off, len);
	else if (eff == MAYBE)
		allow(b, off, len);
}

/* After an error: the QP is in ERR and flushes what is posted at once. */
static void expect_flushes_later(struct side *a, struct target t)
{
	post_write(a, t, 0x4, 1024, 16);
	expect_wc(a, 0x4, IBV_WC_WR_FLUSH_ERR, "requester (posted in ERR)",
		  NULL);
	expect_wc(a, A_RECV_ID, IBV_WC_WR_FLUSH_ERR, "requester receive", NULL);
	expect_none(a, QUIET_MS, "requester");
	expect_state(a->qp, IBV_QPS_ERR, 0, "requester");
}

/* ---- remote errors ------------------------------------------------------- */

enum key { K_OK, K_FLIP, K_NONE, K_PD2, K_OTHERDEV };

struct rcase {
	const char *name;
	enum ibv_wr_opcode op;
	int b_access;			/* B's MR */
	int b_qp_access;		/* B's QP (0: all remote) */
	enum key key;
	int64_t roff;			/* remote address - B's MR start */
	bool wrap;			/* remote address near 2^64 instead */
	uint32_t len;
	enum ibv_wc_status want;
	size_t mr;			/* MR size (0: SMALL) */
	bool partial;			/* READ: part of the data may land */
	bool revoke;			/* b_qp_access set later, in RTS */
};

static const struct rcase rcases[] = {
	{ .name = "write-bad-rkey", .op = IBV_WR_RDMA_WRITE,
	  .b_access = ACC_ALL, .key = K_FLIP, .roff = 256, .len = 64,
	  .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "write-unknown-rkey", .op = IBV_WR_RDMA_WRITE,
	  .b_access = ACC_ALL, .key = K_NONE, .roff = 256, .len = 64,
	  .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "write-rkey-other-pd", .op = IBV_WR_RDMA_WRITE,
	  .b_access = ACC_ALL, .key = K_PD2, .roff = 256, .len = 64,
	  .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "write-rkey-other-device", .op = IBV_WR_RDMA_WRITE,
	  .b_access = ACC_ALL, .key = K_OTHERDEV, .roff = 256, .len = 64,
	  .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "read-bad-rkey", .op = IBV_WR_RDMA_READ,
	  .b_access = ACC_ALL, .key = K_FLIP, .roff = 256, .len = 64,
	  .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "read-rkey-other-pd", .op = IBV_WR_RDMA_READ,
	  .b_access = ACC_ALL, .key = K_PD2, .roff = 256, .len = 64,
	  .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "fetch-add-bad-rkey", .op = IBV_WR_ATOMIC_FETCH_AND_ADD,
	  .b_access = ACC_ALL, .key = K_FLIP, .roff = 256, .len = 8,
	  .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "cmp-swap-bad-rkey", .op = IBV_WR_ATOMIC_CMP_AND_SWP,
	  .b_access = ACC_ALL, .key = K_NONE, .roff = 256, .len = 8,
	  .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "write-one-past-end", .op = IBV_WR_RDMA_WRITE,
	  .b_access = ACC_ALL, .key = K_OK, .roff = SMALL, .len = 1,
	  .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "write-across-end", .op = IBV_WR_RDMA_WRITE,
	  .b_access = ACC_ALL, .key = K_OK, .roff = SMALL - 8, .len = 16,
	  .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "write-before-start", .op = IBV_WR_RDMA_WRITE,
	  .b_access = ACC_ALL, .key = K_OK, .roff = -1, .len = 16,
	  .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "write-len-wraps", .op = IBV_WR_RDMA_WRITE,
	  .b_access = ACC_ALL, .key = K_OK, .roff = 0, .wrap = true,
	  .len = 2048, .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "read-one-past-end", .op = IBV_WR_RDMA_READ,
	  .b_access = ACC_ALL, .key = K_OK, .roff = SMALL, .len = 1,
	  .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "read-across-end", .op = IBV_WR_RDMA_READ,
	  .b_access = ACC_ALL, .key = K_OK, .roff = SMALL - 1024,
	  .len = 2048, .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "read-len-wraps", .op = IBV_WR_RDMA_READ,
	  .b_access = ACC_ALL, .key = K_OK, .roff = 0, .wrap = true,
	  .len = 2048, .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "fetch-add-past-end", .op = IBV_WR_ATOMIC_FETCH_AND_ADD,
	  .b_access = ACC_ALL, .key = K_OK, .roff = SMALL, .len = 8,
	  .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "write-no-remote-write", .op = IBV_WR_RDMA_WRITE,

	  .b_access = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_READ | IBV_ACCESS_REMOTE_ATOMIC,
	  .key = K_OK, .roff = 256, .len = 64, .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "read-no-remote-read", .op = IBV_WR_RDMA_READ,

	  .b_access = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_ATOMIC,
	  .key = K_OK, .roff = 256, .len = 64, .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "fetch-add-no-remote-atomic", .op = IBV_WR_ATOMIC_FETCH_AND_ADD,

	  .b_access = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ,
	  .key = K_OK, .roff = 256, .len = 8, .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "cmp-swap-no-remote-atomic", .op = IBV_WR_ATOMIC_CMP_AND_SWP,

	  .b_access = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ,
	  .key = K_OK, .roff = 256, .len = 8, .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "write-bad-rkey-multi-packet", .op = IBV_WR_RDMA_WRITE,
	  .b_access = ACC_ALL, .key = K_FLIP, .roff = 256, .len = 200 << 10,
	  .want = IBV_WC_REM_ACCESS_ERR, .mr = BIG },
	{ .name = "write-multi-packet-across-end", .op = IBV_WR_RDMA_WRITE,
	  .b_access = ACC_ALL, .key = K_OK, .roff = BIG - (100 << 10),
	  .len = 200 << 10, .want = IBV_WC_REM_ACCESS_ERR, .mr = BIG },
	/* longer than one READ request of tbib (read_chunk_kb, 256 KiB) */
	{ .name = "read-long-across-end", .op = IBV_WR_RDMA_READ,
	  .b_access = ACC_ALL, .key = K_OK, .roff = BIG - (300 << 10),
	  .len = 400 << 10, .want = IBV_WC_REM_ACCESS_ERR, .mr = BIG,
	  .partial = true },
	{ .name = "write-qp-no-remote-write", .op = IBV_WR_RDMA_WRITE,
	  .b_access = ACC_ALL,
	  .b_qp_access = IBV_ACCESS_REMOTE_READ | IBV_ACCESS_REMOTE_ATOMIC,
	  .key = K_OK, .roff = 256, .len = 64, .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "read-qp-no-remote-read", .op = IBV_WR_RDMA_READ,
	  .b_access = ACC_ALL,
	  .b_qp_access = IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_ATOMIC,
	  .key = K_OK, .roff = 256, .len = 64, .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "write-qp-access-revoked-in-rts", .op = IBV_WR_RDMA_WRITE,
	  .b_access = ACC_ALL, .b_qp_access = IBV_ACCESS_REMOTE_READ,
	  .key = K_OK, .roff = 256, .len = 64, .want = IBV_WC_REM_ACCESS_ERR,
	  .revoke = true },
	{ .name = "atomic-qp-no-remote-atomic", .op = IBV_WR_ATOMIC_FETCH_AND_ADD,
	  .b_access = ACC_ALL,
	  .b_qp_access = IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ,
	  .key = K_OK, .roff = 256, .len = 8, .want = IBV_WC_REM_ACCESS_ERR },
};

/* A zero-length WRITE or READ names no memory: the rkey is not checked. */
static void case_zero_length(void)
{
	struct side a, b;

	case_begin("zero-length-bad-rkey-succeeds");
	pair_open(&a, &b, ACC_ALL, SMALL, &opt_std);
	if (post_rdma(&a, 0x1, IBV_WR_RDMA_WRITE, mra(&a, 0), 0, a.mr->lkey,
		      mra(&b, 0), b.mr->rkey ^ 0x80) ||
	    post_rdma(&a, 0x2, IBV_WR_RDMA_READ, mra(&a, 0), 0, a.mr->lkey,
		      mra(&b, 0), b.mr->rkey ^ 0x80))
		expect(false, "post_send 0 got %d", errno);
	good_write(&a, &b, 0x3, 64, 64, APPLIED);
	expect_wc(&a, 0x1, IBV_WC_SUCCESS, "requester", NULL);
	expect_wc(&a, 0x2, IBV_WC_SUCCESS, "requester", NULL);
	expect_wc(&a, 0x3, IBV_WC_SUCCESS, "requester", NULL);
	expect_state(b.qp, IBV_QPS_RTS, 0, "responder");
	expect_buf(&b, "responder");
	expect_buf(&a, "requester");
	side_close(&a);
	side_close(&b);
	case_end();
}

/*
 * A READ, then a request the responder refuses: the responder answers
 * every request before the bad one (IB), so the READ completes with all
 * its data and only the bad request fails.
 */
static void case_read_then_error(const char *name, uint32_t rlen)
{
	struct side a, b;
	size_t mr = rlen > 2048 ? BIG : SMALL;
	struct ibv_sge rs = { .length = rlen },
		       ws = { .length = 64 };
	struct ibv_send_wr w = { .wr_id = 0x2, .sg_list = &ws, .num_sge = 1,
				 .opcode = IBV_WR_RDMA_WRITE,
				 .send_flags = IBV_SEND_SIGNALED },
			   r = { .wr_id = 0x1, .next = &w, .sg_list = &rs,
				 .num_sge = 1, .opcode = IBV_WR_RDMA_READ,
				 .send_flags = IBV_SEND_SIGNALED }, *bad;

	case_begin(name);
	pair_open(&a, &b, ACC_ALL, mr, &opt_std);
	/* one doorbell: the responder gets both before it answers the READ */
	rs.addr = mra(&a, 0);
	rs.lkey = a.mr->lkey;
	r.wr.rdma.remote_addr = mra(&b, 0);
	r.wr.rdma.rkey = b.mr->rkey;
	ws.addr = mra(&a, mr - 64);
	ws.lkey = a.mr->lkey;
	w.wr.rdma.remote_addr = mra(&b, mr - 64);
	w.wr.rdma.rkey = b.mr->rkey ^ 0x80;
	if (ibv_post_send(a.qp, &r, &bad))
		expect(false, "post_send 0 got %d", errno);
	good_write(&a, &b, 0x3, mr - 128, 16, NOT_RUN);
	memcpy(a.want + MR_OFF, b.want + MR_OFF, rlen);
	expect_wc(&a, 0x1, IBV_WC_SUCCESS, "requester (the READ)", NULL);
	expect_wc(&a, 0x2, IBV_WC_REM_ACCESS_ERR, "requester", NULL);
	expect_wc(&a, 0x3, IBV_WC_WR_FLUSH_ERR, "requester", NULL);
	expect_flushes_later(&a, tgt(&b));
	expect_state(b.qp, IBV_QPS_ERR, 2000, "responder");
	expect_buf(&b, "responder");
	expect_buf(&a, "requester");
	side_close(&a);
	side_close(&b);
	case_end();
}

/* ---- local errors -------------------------------------------------------- */

enum lkind { L_LKEY_FLIP, L_PAST_END, L_BEFORE_START, L_NO_LOCAL_WRITE };

struct lcase {
	const char *name;
	enum ibv_wr_opcode op;
	enum lkind kind;
	uint32_t len;
};

static const struct lcase lcases[] = {
	{ "send-bad-lkey", IBV_WR_SEND, L_LKEY_FLIP, 64 },
	{ "write-bad-lkey", IBV_WR_RDMA_WRITE, L_LKEY_FLIP, 64 },
	{ "read-bad-lkey", IBV_WR_RDMA_READ, L_LKEY_FLIP, 64 },
	{ "atomic-bad-lkey", IBV_WR_ATOMIC_FETCH_AND_ADD, L_LKEY_FLIP, 8 },
	{ "send-sge-past-mr-end", IBV_WR_SEND, L_PAST_END, 64 },
	{ "write-sge-before-mr", IBV_WR_RDMA_WRITE, L_BEFORE_START, 64 },
	{ "read-sge-past-mr-end", IBV_WR_RDMA_READ, L_PAST_END, 64 },
	{ "read-into-read-only-mr", IBV_WR_RDMA_READ, L_NO_LOCAL_WRITE, 64 },
};

static void run_lcase(const struct lcase *lc)
{
	struct side a, b;
	struct ibv_mr *ro = NULL;
	struct ibv_sge sge;
	struct ibv_send_wr wr, *bad;
	bool rd = lc->op == IBV_WR_RDMA_READ ||
		  lc->op == IBV_WR_ATOMIC_FETCH_AND_ADD;

	case_begin(lc->name);
	pair_open(&a, &b, ACC_ALL, SMALL, &opt_std);
	sge.lkey = a.mr->lkey;
	sge.length = lc->len;
	sge.addr = mra(&a, 2048);
	switch (lc->kind) {
	case L_LKEY_FLIP:
		sge.lkey ^= 0x80;
		break;
	case L_PAST_END:	/* the last byte is one past the MR */
		sge.addr = mra(&a, SMALL - lc->len + 1);
		break;
	case L_BEFORE_START:
		sge.addr = mra(&a, 0) - 1;
		break;
	case L_NO_LOCAL_WRITE:
		ro = ibv_reg_mr(da.pd, mrp(&a, 0), SMALL, 0);
		if (!ro)
			die("read-only MR");
		sge.lkey = ro->lkey;
		break;
	}
	/* READ data may land in the part of the SGE inside the MR */
	if (rd && lc->kind == L_PAST_END)
		allow(&a, sge.addr - mra(&a, 0), lc->len - 1);

	if (post_recv(&b, 0x100, mra(&b, 3072), 512, b.mr->lkey))
		expect(false, "post_recv 0 got %d", errno);
	good_write(&a, &b, 0x1, 0, 16, APPLIED);
	memset(&wr, 0, sizeof(wr));
	wr.wr_id = 0x2;
	wr.sg_list = &sge;
	wr.num_sge = 1;
	wr.opcode = lc->op;
	wr.send_flags = IBV_SEND_SIGNALED;
	if (lc->op == IBV_WR_ATOMIC_FETCH_AND_ADD) {
		wr.wr.atomic.remote_addr = mra(&b, 256);
		wr.wr.atomic.rkey = b.mr->rkey;
		wr.wr.atomic.compare_add = 1;
		/* the add may have been done remotely: a READ-like op */
		allow(&b, 256, 8);
	} else {
		wr.wr.rdma.remote_addr = mra(&b, 256);
		wr.wr.rdma.rkey = b.mr->rkey;
	}
	if (ibv_post_send(a.qp, &wr, &bad))
		expect(false, "post_send of the bad request 0 got %d", errno);
	/*
	 * After a READ or atomic the next WRITE may go out before the
	 * response shows the local error: it may be executed remotely.
	 */
	good_write(&a, &b, 0x3, 512, 16, rd ? MAYBE : NOT_RUN);

	expect_wc(&a, 0x1, IBV_WC_SUCCESS, "requester", NULL);
	expect_wc(&a, 0x2, IBV_WC_LOC_PROT_ERR, "requester", NULL);
	expect_wc(&a, 0x3, IBV_WC_WR_FLUSH_ERR, "requester", NULL);
	expect_flushes_later(&a, tgt(&b));

	/* a local error is the requester's alone */
	expect_none(&b, QUIET_MS, "responder");
	expect_state(b.qp, IBV_QPS_RTS, 0, "responder");
	expect_buf(&b, "responder");
	expect_buf(&a, "requester");
	if (ro)
		ibv_dereg_mr(ro);
	side_close(&a);
	side_close(&b);
	case_end();
}

/* ---- SEND: RNR and receive errors ---------------------------------------- */

/*
 * A signaled SEND-like @op of @len bytes from A's MR at @off (no SGE for
 * LOCAL_INV), with send flags @flags and the key @inv to invalidate.
 */
static int post_send_op(struct side *a, uint64_t id, enum ibv_wr_opcode op,
			size_t off, uint32_t len, unsigned int flags,
			uint32_t inv)
{
	struct ibv_sge sge = { .addr = mra(a, off), .length = len,
			       .lkey = a->mr->lkey };
	struct ibv_send_wr wr = {
		.wr_id = id, .sg_list = &sge, .num_sge = 1, .opcode = op,
		.send_flags = IBV_SEND_SIGNALED | flags,
	}, *bad;

	if (op == IBV_WR_LOCAL_INV) {
		wr.sg_list = NULL;
		wr.num_sge = 0;
	}
	if (op == IBV_WR_LOCAL_INV || op == IBV_WR_SEND_WITH_INV)
		wr.invalidate_rkey = inv;
	return ibv_post_send(a->qp, &wr, &bad);
}

static int post_send_msg(struct side *a, uint64_t id, size_t off, uint32_t len)
{
	return post_send_op(a, id, IBV_WR_SEND, off, len, 0, 0);
}

/*
 * RNR retried until the receive comes: a SEND (or WRITE with immediate)
 * of @len bytes, the receive posted 100 ms later.
 */
static void case_rnr_late_recv(const char *name, uint32_t len, bool imm)
{
	struct qpopt o = opt_std;
	struct side a, b;
	struct ibv_wc wc;
	struct ibv_sge sge;
	struct ibv_send_wr wr, *bad;
	size_t mr = len > 3000 ? BIG : SMALL, roff = len > 3000 ? 8192 : 512;
	enum ibv_wc_opcode wop = imm ? IBV_WC_RECV_RDMA_WITH_IMM : IBV_WC_RECV;

	case_begin(name);
	o.rnr_retry = 7;
	o.min_rnr_timer = 14;		/* 1.28 ms */
	pair_open(&a, &b, ACC_ALL, mr, &o);
	sge = (struct ibv_sge){ .addr = mra(&a, 100), .length = len,
				.lkey = a.mr->lkey };
	memset(&wr, 0, sizeof(wr));
	wr.wr_id = 0x1;
	wr.sg_list = &sge;
	wr.num_sge = 1;
	wr.send_flags = IBV_SEND_SIGNALED;
	wr.opcode = imm ? IBV_WR_RDMA_WRITE_WITH_IMM : IBV_WR_SEND;
	wr.imm_data = htonl(0x12345678);
	wr.wr.rdma.remote_addr = mra(&b, roff);
	wr.wr.rdma.rkey = b.mr->rkey;
	if (ibv_post_send(a.qp, &wr, &bad))
		expect(false, "post_send 0 got %d", errno);
	usleep(100000);
	expect_none(&a, 1, "requester before the receive");
	/* WRITE with immediate: the data goes by the RETH, not the receive */
	if (post_recv(&b, 0x100, mra(&b, roff), imm ? 0 : len + 500,
		      b.mr->lkey))
		expect(false, "post_recv 0 got %d", errno);
	expect_wc(&a, 0x1, IBV_WC_SUCCESS, "requester", NULL);
	if (expect_wc(&b, 0x100, IBV_WC_SUCCESS, "responder", &wc)) {
		expect(wc.byte_len == len && wc.opcode == wop &&
		       wc.src_qp == a.qp->qp_num,
		       "responder opcode %d of %u bytes from QP %u got opcode %d len %u from %u",
		       wop, len, a.qp->qp_num, wc.opcode, wc.byte_len, wc.src_qp);
		if (imm)
			expect((wc.wc_flags & IBV_WC_WITH_IMM) &&
			       wc.imm_data == htonl(0x12345678),
			       "immediate 0x12345678 got %#x (flags %#x)",
			       ntohl(wc.imm_data), wc.wc_flags);
	}
	memcpy(b.want + MR_OFF + roff, a.want + MR_OFF + 100, len);
	expect_state(a.qp, IBV_QPS_RTS, 0, "requester");
	expect_state(b.qp, IBV_QPS_RTS, 0, "responder");
	expect_buf(&b, "responder");
	expect_buf(&a, "requester");
	side_close(&a);
	side_close(&b);
	case_end();
}

/* RNR retried forever, then the responder goes: the retries run out. */
static void case_rnr_then_peer_gone(void)
{
	struct qpopt o = opt_short;
	struct side a, b;
	struct ibv_wc wc;
	double t0;

	case_begin("send-rnr-then-peer-qp-destroyed");
	o.rnr_retry = 7;
	o.min_rnr_timer = 14;
	pair_open(&a, &b, ACC_ALL, SMALL, &o);
	post_send_msg(&a, 0x1, 0, 64);
	post_send_msg(&a, 0x2, 64, 64);
	usleep(100000);
	expect_none(&a, 1, "requester in RNR");
	ibv_destroy_qp(b.qp);
	b.qp = NULL;
	t0 = now_s();
	if (expect_wc(&a, 0x1, IBV_WC_RETRY_EXC_ERR, "requester", &wc))
		expect(now_s() - t0 <= BOUND_S, "error within %.0f s got %.2f s",
		       BOUND_S, now_s() - t0);
	expect_wc(&a, 0x2, IBV_WC_WR_FLUSH_ERR, "requester", NULL);
	expect_flushes_later(&a, tgt(&b));
	expect_buf(&b, "responder");
	expect_buf(&a, "requester");
	side_close(&a);
	side_close(&b);
	case_end();
}

/* ---- notification, SRQ limit, CQ resize ---------------------------------- */

/*
 * Wait up to @ms for an event of @ch for @cq; acknowledges what it reads.
 * True if one came.
 */
static bool chan_event(struct ibv_comp_channel *ch, struct ibv_cq *cq, int ms)
{
	struct pollfd p = { .fd = ch->fd, .events = POLLIN };
	struct ibv_cq *ecq;
	void *ectx;

	if (poll(&p, 1, ms) != 1 || ibv_get_cq_event(ch, &ecq, &ectx))
		return false;
	ibv_ack_cq_events(ecq, 1);
	expect(ecq == cq, "event for the receive CQ got another CQ");
	return ecq == cq;
}

/* The next receive completion of @s is @id, a SEND of @len bytes. */
static void expect_recv(struct side *s, uint64_t id, uint32_t len,
			const char *who)
{
	struct ibv_wc wc;

	if (expect_wc(s, id, IBV_WC_SUCCESS, who, &wc))
		expect(wc.opcode == IBV_WC_RECV && wc.byte_len == len,
		       "%s wr %#" PRIx64 " RECV of %u bytes got opcode %d "
		       "of %u", who, id, len, wc.opcode, wc.byte_len);
}

/*
 * A receive CQ armed for solicited completions only
 * (ibv_req_notify_cq(cq, 1)): a SEND without IBV_SEND_SOLICITED raises no
 * event, one with it does, once per arming; an unsuccessful completion
 * raises one too (IB).
 */
static void case_notify_solicited(void)
{
	struct ibv_comp_channel *ch;
	struct side a, b;
	int i;

	case_begin("cq-notify-solicited");
	ch = ibv_create_comp_channel(db.ctx);
	if (!ch)
		die("completion channel");
	pair_open_ex(&a, &b, ACC_ALL, SMALL, &opt_std, ch, NULL);
	for (i = 0; i < 4; i++)
		if (post_recv(&b, RECV_ID + i, mra(&b, 1024 + i * 256),
			      i < 3 ? 256 : 16, b.mr->lkey))
			expect(false, "post_recv 0 got %d", errno);
	expect(ibv_req_notify_cq(b.rcq, 1) == 0,
	       "arm the CQ for solicited completions 0 got error");

	/* the completion is in the CQ before the requester's ACK comes */
	post_send_op(&a, 0x1, IBV_WR_SEND, 0, 64, 0, 0);
	expect_wc(&a, 0x1, IBV_WC_SUCCESS, "requester", NULL);
	expect(!chan_event(ch, b.rcq, 300),
	       "no event for a SEND without SOLICITED got one");
	expect_recv(&b, RECV_ID, 64, "responder");
	memcpy(b.want + MR_OFF + 1024, a.want + MR_OFF, 64);

	post_send_op(&a, 0x2, IBV_WR_SEND, 100, 64, IBV_SEND_SOLICITED, 0);
	expect_wc(&a, 0x2, IBV_WC_SUCCESS, "requester", NULL);
	expect(chan_event(ch, b.rcq, WAIT_MS),
	       "event for a SOLICITED SEND got none in %d ms", WAIT_MS);
	expect_recv(&b, RECV_ID + 1, 64, "responder");
	memcpy(b.want + MR_OFF + 1280, a.want + MR_OFF + 100, 64);

	/* that used up the arming */
	post_send_op(&a, 0x3, IBV_WR_SEND, 200, 64, IBV_SEND_SOLICITED, 0);
	expect_wc(&a, 0x3, IBV_WC_SUCCESS, "requester", NULL);
	expect(!chan_event(ch, b.rcq, 300),
	       "no event for a SOLICITED SEND after the CQ fired got one");
	expect_recv(&b, RECV_ID + 2, 64, "responder");
	memcpy(b.want + MR_OFF + 1536, a.want + MR_OFF + 200, 64);

	/* an error completion: a plain SEND too long for the receive */
	expect(ibv_req_notify_cq(b.rcq, 1) == 0, "arm again 0 got error");
	allow(&b, 1792, 16);
	post_send_op(&a, 0x4, IBV_WR_SEND, 300, 64, 0, 0);
	expect_wc(&a, 0x4, IBV_WC_REM_INV_REQ_ERR, "requester", NULL);
	expect(chan_event(ch, b.rcq, WAIT_MS),
	       "event for an error completion got none in %d ms", WAIT_MS);
	expect_wc(&b, RECV_ID + 3, IBV_WC_LOC_LEN_ERR, "responder", NULL);
	expect_flushes_later(&a, tgt(&b));
	expect_none(&b, QUIET_MS, "responder");
	expect_state(b.qp, IBV_QPS_ERR, 2000, "responder");
	expect_buf(&b, "responder");
	expect_buf(&a, "requester");
	side_close(&a);
	side_close(&b);
	ibv_destroy_comp_channel(ch);
	case_end();
}

/* IBV_EVENT_SRQ_LIMIT_REACHED events of @d for @srq during @ms. */
static int srq_limit_events(struct dev *d, struct ibv_srq *srq, int ms)
{
	double end = now_s() + ms / 1000.0;
	struct pollfd p = { .fd = d->ctx->async_fd, .events = POLLIN };
	struct ibv_async_event e;
	int n = 0;

	while (now_s() < end) {
		if (poll(&p, 1, 20) != 1 || ibv_get_async_event(d->ctx, &e))
			continue;
		if (e.event_type == IBV_EVENT_SRQ_LIMIT_REACHED &&
		    e.element.srq == srq)
			n++;
		else
			printf("   %s: also async event %s\n", cur,
			       ibv_event_type_str(e.event_type));
		ibv_ack_async_event(&e);
	}
	return n;
}

/*
 * SRQ limit: 8 receives posted, limit 4; the 4th SEND leaves 4 (not below
 * the limit: no event), the 5th leaves 3: one IBV_EVENT_SRQ_LIMIT_REACHED,
 * and the limit is disarmed (query: 0, no event for the 6th and 7th).
 */
static void case_srq_limit(void)
{
	struct ibv_srq_init_attr sia = {
		.attr = { .max_wr = 16, .max_sge = 1 },
	};
	struct ibv_srq_attr sa;
	struct ibv_srq *srq;
	struct side a, b;
	int i, n;

	case_begin("srq-limit-event");
	async_drain(&db);
	srq = ibv_create_srq(db.pd, &sia);
	if (!srq)
		die("create_srq on %s", db.name);
	pair_open_ex(&a, &b, ACC_ALL, SMALL, &opt_std, NULL, srq);
	for (i = 0; i < 8; i++) {
		struct ibv_sge sge = { .addr = mra(&b, 1024 + i * 128),
				       .length = 128, .lkey = b.mr->lkey };
		struct ibv_recv_wr wr = { .wr_id = RECV_ID + i, .sg_list = &sge,
					  .num_sge = 1 }, *bad;

		if (ibv_post_srq_recv(srq, &wr, &bad))
			expect(false, "post_srq_recv 0 got %d", errno);
	}
	memset(&sa, 0, sizeof(sa));
	sa.srq_limit = 4;
	expect(ibv_modify_srq(srq, &sa, IBV_SRQ_LIMIT) == 0,
	       "arm the SRQ limit 0 got %d", errno);
	memset(&sa, 0, sizeof(sa));
	expect(ibv_query_srq(srq, &sa) == 0 && sa.srq_limit == 4,
	       "query_srq limit 4 got %u", sa.srq_limit);

	for (i = 0; i < 7; i++) {
		post_send_msg(&a, 0x1 + i, i * 64, 64);
		expect_wc(&a, 0x1 + i, IBV_WC_SUCCESS, "requester", NULL);
		expect_recv(&b, RECV_ID + i, 64, "responder");
		memcpy(b.want + MR_OFF + 1024 + i * 128,
		       a.want + MR_OFF + i * 64, 64);
		if (i == 3) {
			n = srq_limit_events(&db, srq, 300);
			expect(n == 0, "no limit event with 4 receives left "
			       "(limit 4) got %d", n);
		} else if (i == 4) {
			/* the event comes before the receive's completion */
			n = srq_limit_events(&db, srq, 1000);
			expect(n == 1, "one limit event with 3 receives left "
			       "got %d", n);
			memset(&sa, 0, sizeof(sa));
			sa.srq_limit = 99;
			expect(ibv_query_srq(srq, &sa) == 0 &&
			       sa.srq_limit == 0,
			       "query_srq after the event: limit 0 got %u",
			       sa.srq_limit);
		}
	}
	n = srq_limit_events(&db, srq, 300);
	expect(n == 0, "no limit event once disarmed got %d", n);
	expect_none(&b, QUIET_MS, "responder");
	expect_state(b.qp, IBV_QPS_RTS, 0, "responder");
	expect_buf(&b, "responder");
	expect_buf(&a, "requester");
	side_close(&a);
	side_close(&b);
	expect(ibv_destroy_srq(srq) == 0, "destroy_srq 0 got %d", errno);
	case_end();
}

/*
 * Resize both CQs while they hold unpolled completions: larger, smaller
 * than what they hold (refused), down to just above it; then more
 * completions.  All come out in order with their wr_ids.
 */
static void case_resize_cq(void)
{
	struct side a, b;
	struct ibv_wc wc;
	double end;
	int i, r;

	case_begin("resize-cq-unpolled");
	pair_open(&a, &b, ACC_ALL, SMALL, &opt_std);
	for (i = 0; i < 14; i++)
		if (post_recv(&b, RECV_ID + i, mra(&b, 1024 + i * 64), 64,
			      b.mr->lkey))
			expect(false, "post_recv 0 got %d", errno);
	for (i = 0; i < 12; i++) {
		post_send_msg(&a, 0x10 + i, i * 32, 32);
		memcpy(b.want + MR_OFF + 1024 + i * 64,
		       a.want + MR_OFF + i * 32, 32);
	}
	/* the last SEND landed (its completion is posted right after) */
	end = now_s() + WAIT_MS / 1000.0;
	while (memcmp(mrp(&b, 1024 + 11 * 64), a.want + MR_OFF + 11 * 32, 32) &&
	       now_s() < end)
		usleep(1000);
	usleep(300000);		/* and the ACKs came */

	r = ibv_resize_cq(b.rcq, 1000);
	expect(r == 0 && b.rcq->cqe >= 1000,
	       "resize receive CQ to 1000: 0 got %d (%d entries)", r,
	       b.rcq->cqe);
	r = ibv_resize_cq(a.cq, 500);
	expect(r == 0 && a.cq->cqe >= 500,
	       "resize send CQ to 500: 0 got %d (%d entries)", r, a.cq->cqe);
	r = ibv_resize_cq(b.rcq, 4);
	expect(r != 0, "resize to 4 below the 12 completions held refused "
	       "got 0 (%d entries)", b.rcq->cqe);
	r = ibv_resize_cq(b.rcq, 12);
	expect(r == 0 && b.rcq->cqe >= 12 && b.rcq->cqe < 1000,
	       "resize receive CQ to 12 (held): 0 got %d (%d entries)", r,
	       b.rcq->cqe);

	/* new completions go after the copied ones */
	for (i = 12; i < 14; i++) {
		post_send_msg(&a, 0x10 + i, i * 32, 32);
		memcpy(b.want + MR_OFF + 1024 + i * 64,
		       a.want + MR_OFF + i * 32, 32);
	}
	for (i = 0; i < 14; i++) {
		if (expect_wc(&a, 0x10 + i, IBV_WC_SUCCESS, "requester", &wc))
			expect(wc.opcode == IBV_WC_SEND,
			       "requester opcode SEND got %d", wc.opcode);
		expect_recv(&b, RECV_ID + i, 32, "responder");
	}
	expect_none(&a, QUIET_MS, "requester");
	expect_none(&b, 1, "responder");
	expect_state(a.qp, IBV_QPS_RTS, 0, "requester");
	expect_state(b.qp, IBV_QPS_RTS, 0, "responder");
	expect_buf(&b, "responder");
	expect_buf(&a, "requester");
	side_close(&a);
	side_close(&b);
	case_end();
}

/* ---- invalidation from userspace ----------------------------------------- */

/*
 * The MRs of @a and @b still work (were not invalidated): a new QP pair
 * WRITEs from A's MR into B's through its rkey.
 */
static void expect_mrs_work(struct side *a, struct side *b)
{
	struct qpopt oa = opt_std;

	ibv_destroy_qp(a->qp);
	ibv_destroy_qp(b->qp);
	side_qp(a);
	side_qp(b);
	oa.qp_access = ACC_REMOTE;
	qp_connect(a, b->qp->qp_num, db.lid, &oa);
	qp_connect(b, a->qp->qp_num, da.lid, &opt_std);
	good_write(a, b, 0x20, 2560, 64, APPLIED);
	expect_wc(a, 0x20, IBV_WC_SUCCESS, "requester (new QPs, same MRs)",
		  NULL);
}

/*
 * SEND with Invalidate naming an ordinary MR's rkey (only fast-reg MRs
 * can be invalidated) or no key at all: IB responder error class J.  The
 * responder does not NAK the message (nor acknowledge it): its receive
 * completes with an error, it goes to ERROR; the requester runs out of
 * retries.  The MR stays valid.
 */
static void case_send_inv(const char *name, bool unknown)
{
	struct side a, b;
	uint32_t rkey;

	case_begin(name);
	async_drain(&db);
	pair_open(&a, &b, ACC_ALL, SMALL, &opt_short);
	rkey = unknown ? b.mr->rkey + 0x3100 : b.mr->rkey;
	if (post_recv(&b, 0x100, mra(&b, 1024), 512, b.mr->lkey) ||
	    post_recv(&b, 0x101, mra(&b, 2048), 512, b.mr->lkey))
		expect(false, "post_recv 0 got %d", errno);
	good_write(&a, &b, 0x1, 0, 16, APPLIED);
	if (post_send_op(&a, 0x2, IBV_WR_SEND_WITH_INV, 100, 64, 0, rkey))
		expect(false, "post SEND_WITH_INV 0 got %d", errno);
	allow(&b, 1024, 64);	/* the message did arrive */
	good_write(&a, &b, 0x3, 512, 16, NOT_RUN);

	expect_wc(&a, 0x1, IBV_WC_SUCCESS, "requester", NULL);
	expect_wc(&a, 0x2, IBV_WC_RETRY_EXC_ERR, "requester (no NAK)", NULL);
	expect_wc(&a, 0x3, IBV_WC_WR_FLUSH_ERR, "requester", NULL);
	expect_flushes_later(&a, tgt(&b));
	expect_wc(&b, 0x100, IBV_WC_LOC_ACCESS_ERR, "responder", NULL);
	expect_wc(&b, 0x101, IBV_WC_WR_FLUSH_ERR, "responder", NULL);
	expect_none(&b, QUIET_MS, "responder");
	expect_state(b.qp, IBV_QPS_ERR, 2000, "responder");
	expect_qp_event(&db, b.qp, IBV_EVENT_QP_ACCESS_ERR, 2000, "responder");
	expect_buf(&b, "responder");
	expect_buf(&a, "requester");
	expect_mrs_work(&a, &b);
	expect_buf(&b, "responder");
	side_close(&a);
	side_close(&b);
	case_end();
}

/*
 * LOCAL_INV of an ordinary MR (no memory windows, no fast-reg MRs in
 * userspace): a local QP operation error of the requester alone; the MR
 * stays valid.
 */
static void case_local_inv(void)
{
	struct side a, b;

	case_begin("local-inv-user-mr");
	pair_open(&a, &b, ACC_ALL, SMALL, &opt_std);
	if (post_recv(&b, 0x100, mra(&b, 3072), 512, b.mr->lkey))
		expect(false, "post_recv 0 got %d", errno);
	good_write(&a, &b, 0x1, 0, 16, APPLIED);
	if (post_send_op(&a, 0x2, IBV_WR_LOCAL_INV, 0, 0, 0, a.mr->rkey))
		expect(false, "post LOCAL_INV 0 got %d", errno);
	good_write(&a, &b, 0x3, 512, 16, NOT_RUN);

	expect_wc(&a, 0x1, IBV_WC_SUCCESS, "requester", NULL);
	expect_wc(&a, 0x2, IBV_WC_LOC_QP_OP_ERR, "requester", NULL);
	expect_wc(&a, 0x3, IBV_WC_WR_FLUSH_ERR, "requester", NULL);
	expect_flushes_later(&a, tgt(&b));
	expect_none(&b, QUIET_MS, "responder");
	expect_state(b.qp, IBV_QPS_RTS, 0, "responder");
	expect_buf(&b, "responder");
	expect_buf(&a, "requester");
	expect_mrs_work(&a, &b);
	expect_buf(&b, "responder");
	side_close(&a);
	side_close(&b);
	case_end();
}

/* ---- WRITE streams (peer gone) ------------------------------------------- */

struct flow {
	struct side *a;
	enum ibv_wr_opcode op;		/* WRITE, or READ the other way */
	uint64_t raddr;
	uint32_t rkey;
	uint64_t posted, done;		/* WR ids are 0, 1, ... */
	uint64_t ok;
	uint8_t slot_ok[NSLOTS], slot_tried[NSLOTS];
	bool failed;			/* saw the first error */
	enum ibv_wc_status err;
	double t_err;
};

static void flow_init(struct flow *f, struct side *a, uint64_t raddr,
		      uint32_t rkey)
{
	memset(f, 0, sizeof(*f));
	f->a = a;
	f->op = IBV_WR_RDMA_WRITE;
	f->raddr = raddr;
	f->rkey = rkey;
}

/* Keep DEPTH WRITEs in flight. */
static void flow_post(struct flow *f)
{
	while (f->posted - f->done < DEPTH) {
		unsigned int slot = f->posted % NSLOTS;

		if (post_rdma(f->a, f->posted, f->op,
			      mra(f->a, slot * CHUNK), CHUNK, f->a->mr->lkey,
			      f->raddr + slot * CHUNK, f->rkey))
			break;
		f->slot_tried[slot] = 1;
		f->posted++;
	}
}

/*
 * Poll what is there: in order, successes until the first error, which
 * is remembered, then flushes only.
 */
static void flow_poll(struct flow *f)
{
	struct ibv_wc wc[16];
	int i, n;

	n = ibv_poll_cq(f->a->cq, 16, wc);
	for (i = 0; i < n; i++, f->done++) {
		expect(wc[i].wr_id == f->done,
		       "completion of wr %" PRIu64 " got wr %" PRIu64,
		       f->done, wc[i].wr_id);
		if (!f->failed && wc[i].status == IBV_WC_SUCCESS) {
			f->ok++;
			f->slot_ok[wc[i].wr_id % NSLOTS] = 1;
		} else if (!f->failed) {
			f->failed = true;
			f->err = wc[i].status;
			f->t_err = now_s();
		} else {
			expect(wc[i].status == IBV_WC_WR_FLUSH_ERR,
			       "wr %" PRIu64 " after the error %s got %s",
			       f->done, st(IBV_WC_WR_FLUSH_ERR),
			       st(wc[i].status));
		}
	}
}

/* Poll until every posted WR completed or @ms passed. */
static void flow_drain(struct flow *f, int ms)
{
	double end = now_s() + ms / 1000.0;

	while (f->done < f->posted && now_s() < end) {
		flow_poll(f);
		usleep(500);
	}
	expect(f->done == f->posted, "all %" PRIu64 " WRs completed got %" PRIu64,
	       f->posted, f->done);
}

/* The error came, was RETRY_EXC_ERR, at most BOUND_S after @t0. */
static void flow_expect_retry_exc(struct flow *f, double t0, const char *what)
{
	expect(f->failed, "%s: %s got none", what, st(IBV_WC_RETRY_EXC_ERR));
	if (!f->failed)
		return;
	expect(f->err == IBV_WC_RETRY_EXC_ERR, "%s: %s got %s", what,
	       st(IBV_WC_RETRY_EXC_ERR), st(f->err));
	expect(f->t_err - t0 <= BOUND_S, "%s: error within %.0f s got %.2f s",
	       what, BOUND_S, f->t_err - t0);
	printf("   %s: %" PRIu64 " ok, then %s %.3f s after, %" PRIu64
	       " flushed\n", what, f->ok, st(f->err), f->t_err - t0,
	       f->done - f->ok - 1);
	expect_state(f->a->qp, IBV_QPS_ERR, 1000, "requester");
}

/* What the target of a stream between A and @b must hold now. */
static void flow_set_want(struct flow *f, struct side *b)
{
	struct side *from = f->a, *to = b;
	unsigned int s;

	if (f->op == IBV_WR_RDMA_READ) {
		from = b;
		to = f->a;
	}
	for (s = 0; s < NSLOTS; s++) {
		if (f->slot_ok[s])
			memcpy(to->want + MR_OFF + s * CHUNK,
			       from->want + MR_OFF + s * CHUNK, CHUNK);
		else if (f->slot_tried[s])
			allow(to, s * CHUNK, CHUNK);
	}
}

/* Stream until @n WRITEs succeeded (or an error, or 30 s). */
static void flow_until_ok(struct flow *f, uint64_t n)
{
	double end = now_s() + 30;

	while (f->ok < n && !f->failed && now_s() < end) {
		flow_post(f);
		flow_poll(f);
		usleep(200);
	}
	expect(f->ok >= n && !f->failed,
	       "%" PRIu64 " WRITEs before the fault got %" PRIu64 " (%s)", n,
	       f->ok, f->failed ? st(f->err) : "no error");
}

/* The transfer goes on until the first error (or @secs), then drains. */
static void flow_until_error(struct flow *f, int secs)
{
	double end = now_s() + secs;

	while (!f->failed && now_s() < end) {
		flow_post(f);
		flow_poll(f);
		usleep(200);
	}
	flow_drain(f, 5000);
}

enum fault {
	F_DESTROY,		/* the peer QP destroyed */
	F_PEER_ERR,		/* the peer QP moved to ERROR */
	F_DEREG,		/* the target MR deregistered */
};

/*
 * A stream of WRITEs or READs, then the fault: the peer QP destroyed or
 * in ERROR (it answers nothing: IB_WC_RETRY_EXC_ERR after the retries),
 * or the MR the stream targets deregistered (IB_WC_REM_ACCESS_ERR, the
 * responder goes to ERROR).
 */
static void case_stream_fault(const char *name, enum ibv_wr_opcode op,
			      enum fault fault)
{
	struct ibv_qp_attr qa = { .qp_state = IBV_QPS_ERR };
	struct side a, b;
	struct flow f;
	double t0;

	case_begin(name);
	async_drain(&db);
	pair_open(&a, &b, ACC_ALL, BIG, &opt_short);
	flow_init(&f, &a, mra(&b, 0), b.mr->rkey);
	f.op = op;
	flow_until_ok(&f, 3);
	switch (fault) {
	case F_DESTROY:
		ibv_destroy_qp(b.qp);
		b.qp = NULL;
		break;
	case F_PEER_ERR:
		expect(ibv_modify_qp(b.qp, &qa, IBV_QP_STATE) == 0,
		       "modify to ERR 0 got %d", errno);
		break;
	case F_DEREG:
		expect(ibv_dereg_mr(b.mr) == 0, "dereg_mr 0 got %d", errno);
		b.mr = NULL;
		break;
	}
	t0 = now_s();
	flow_until_error(&f, 15);
	if (fault == F_DEREG) {
		expect(f.failed && f.err == IBV_WC_REM_ACCESS_ERR,
		       "%s got %s", st(IBV_WC_REM_ACCESS_ERR),
		       f.failed ? st(f.err) : "no error");
		expect_state(b.qp, IBV_QPS_ERR, 2000, "responder");
		expect_qp_event(&db, b.qp, IBV_EVENT_QP_ACCESS_ERR, 2000,
				"responder");
		expect_state(a.qp, IBV_QPS_ERR, 1000, "requester");
	} else {
		flow_expect_retry_exc(&f, t0, name);
	}
	expect_flushes_later(&a, tgt(&b));
	flow_set_want(&f, &b);
	if (b.qp)
		expect_none(&b, 1, "responder");
	expect_buf(&b, "responder");
	expect_buf(&a, "requester");
	side_close(&a);
	side_close(&b);
	case_end();
}

/* ---- destroy in use ------------------------------------------------------ */

static bool is_ebusy(int r)
{
	return r == EBUSY || (r < 0 && errno == EBUSY);
}

static void case_busy(void)
{
	struct ibv_pd *pd;
	struct ibv_mr *mr;
	struct ibv_cq *scq, *rcq;
	struct ibv_qp *qp;
	struct ibv_qp_init_attr ia = {
		.qp_type = IBV_QPT_RC,
		.cap = { .max_send_wr = 4, .max_recv_wr = 4, .max_send_sge = 1,
			 .max_recv_sge = 1 },
	};
	struct side a, b;
	static uint8_t mem[PAGE];
	int r;

	case_begin("dealloc-pd-with-mr-ebusy");
	pd = ibv_alloc_pd(da.ctx);
	mr = pd ? ibv_reg_mr(pd, mem, sizeof(mem), IBV_ACCESS_LOCAL_WRITE) : NULL;
	if (!mr)
		die("pd/mr");
	r = ibv_dealloc_pd(pd);
	expect(is_ebusy(r), "dealloc_pd EBUSY got %d (errno %d)", r, errno);
	expect(ibv_dereg_mr(mr) == 0, "dereg_mr 0 got error");
	expect(ibv_dealloc_pd(pd) == 0, "dealloc_pd after dereg 0 got error");
	case_end();

	case_begin("dealloc-pd-with-qp-ebusy");
	pd = ibv_alloc_pd(da.ctx);
	scq = ibv_create_cq(da.ctx, 8, NULL, NULL, 0);
	rcq = ibv_create_cq(da.ctx, 8, NULL, NULL, 0);
	if (!pd || !scq || !rcq)
		die("pd/cq");
	ia.send_cq = scq;
	ia.recv_cq = rcq;
	qp = ibv_create_qp(pd, &ia);
	if (!qp)
		die("qp");
	r = ibv_dealloc_pd(pd);
	expect(is_ebusy(r), "dealloc_pd EBUSY got %d (errno %d)", r, errno);
	case_end();

	case_begin("destroy-cq-with-qp-ebusy");
	r = ibv_destroy_cq(scq);
	expect(is_ebusy(r), "destroy send CQ EBUSY got %d (errno %d)", r, errno);
	r = ibv_destroy_cq(rcq);
	expect(is_ebusy(r), "destroy recv CQ EBUSY got %d (errno %d)", r, errno);
	expect(ibv_destroy_qp(qp) == 0, "destroy_qp 0 got error");
	expect(ibv_destroy_cq(scq) == 0 && ibv_destroy_cq(rcq) == 0,
	       "destroy CQs after the QP 0 got error");
	expect(ibv_dealloc_pd(pd) == 0, "dealloc_pd after the QP 0 got error");
	case_end();

	/* refused destroys leave working objects */
	case_begin("busy-objects-still-work");
	pair_open(&a, &b, ACC_ALL, SMALL, &opt_std);
	r = ibv_dealloc_pd(da.pd);
	expect(is_ebusy(r), "dealloc_pd in use EBUSY got %d", r);
	r = ibv_destroy_cq(a.cq);
	expect(is_ebusy(r), "destroy_cq in use EBUSY got %d", r);
	r = ibv_dealloc_pd(db.pd);
	expect(is_ebusy(r), "dealloc_pd in use EBUSY got %d", r);
	good_write(&a, &b, 0x1, 64, 256, APPLIED);
	expect_wc(&a, 0x1, IBV_WC_SUCCESS, "requester", NULL);
	expect_buf(&b, "responder");
	side_close(&a);
	side_close(&b);
	case_end();
}

/* ---- cases that also run across two hosts -------------------------------- */

/*
 * The remote access errors, RNR without retries and the bad receives run
 * with A and B in this process (two devices of one host) and with B in
 * another process, on another host (remote mode, over TCP).  Each is cut
 * in B's steps (open, ready, check) and A's (open, connect, run); what
 * one end needs of the other travels in struct ends.
 */
struct ends {
	uint32_t qpn, rkey, rkey_pd2;
	uint16_t lid;
	uint64_t addr;			/* the MR's start */
};

struct recv_err {
	const char *name;
	size_t mr, roff;		/* B's MR size, its receive buffer */
	uint32_t rlen, slen;		/* the receive's, the SEND's length */
	bool bad_lkey;
	size_t may_off, may_len;	/* what the failed receive may fill */
	enum ibv_wc_status want_a, want_b;
};

static const struct recv_err recv_errs[] = {
	{ "recv-too-small", SMALL, 1024, 16, 64, false, 1024, 16,
	  IBV_WC_REM_INV_REQ_ERR, IBV_WC_LOC_LEN_ERR },
	/* the first packets fit, not the rest */
	{ "recv-too-small-multi-packet", BIG, 64 << 10, 10000, 30000, false,
	  64 << 10, 10000, IBV_WC_REM_INV_REQ_ERR, IBV_WC_LOC_LEN_ERR },
	{ "recv-bad-lkey", SMALL, 1024, 64, 64, true, 0, 0,
	  IBV_WC_REM_OP_ERR, IBV_WC_LOC_PROT_ERR },
	/* the part inside the MR may be written */
	{ "recv-sge-past-mr-end", SMALL, SMALL - 32, 64, 64, false,
	  SMALL - 32, 32, IBV_WC_REM_OP_ERR, IBV_WC_LOC_PROT_ERR },
};

/* A SEND that finds no receive is refused at once: RNR retries 0. */
static const struct qpopt opt_rnr0 = {
	.qp_access = ACC_REMOTE, .timeout = 14, .retry = 7, .rnr_retry = 0,
	.min_rnr_timer = 12,
};

struct xcase {
	const char *name;
	const struct rcase *rc;		/* a remote access error, or */
	const struct recv_err *re;	/* a bad receive, or neither: RNR */
};

#define ARRAY_SIZE(x)	(sizeof(x) / sizeof((x)[0]))

/* Case @i of the list both hosts share; false past its end. */
static bool xcase_get(uint32_t i, struct xcase *x)
{
	memset(x, 0, sizeof(*x));
	if (i < ARRAY_SIZE(rcases)) {
		x->rc = &rcases[i];
		x->name = x->rc->name;
	} else if (i == ARRAY_SIZE(rcases)) {
		x->name = "send-rnr-retry-0";
	} else if (i - ARRAY_SIZE(rcases) - 1 < ARRAY_SIZE(recv_errs)) {
		x->re = &recv_errs[i - ARRAY_SIZE(rcases) - 1];
		x->name = x->re->name;
	} else {
		return false;
	}
	return true;
}

static size_t xcase_mr(const struct xcase *x)
{
	if (x->rc)
		return x->rc->mr ? x->rc->mr : SMALL;
	return x->re ? x->re->mr : SMALL;
}

/* B's QP access flags in RTS */
static int rcase_qp_access(const struct rcase *rc)
{
	return rc->b_qp_access ? rc->b_qp_access : ACC_REMOTE;
}

/* The good request before the bad one can be a WRITE */
static bool rcase_write_ok(const struct rcase *rc)
{
	return (rc->b_access & IBV_ACCESS_REMOTE_WRITE) &&
	       (rcase_qp_access(rc) & IBV_ACCESS_REMOTE_WRITE);
}

static void x_b_open(const struct xcase *x, struct side *b, struct dev *d,
		     struct ends *e)
{
	side_open(b, d, x->rc ? x->rc->b_access : ACC_ALL, xcase_mr(x), 2,
		  NULL);
	side_qp(b);
	if (x->rc && x->rc->key == K_PD2) {
		b->mr2 = ibv_reg_mr(d->pd2, mrp(b, 0), b->mr_len, ACC_ALL);
		if (!b->mr2)
			die("reg_mr on pd2");
	}
	*e = (struct ends){ .qpn = b->qp->qp_num, .lid = d->lid,
			    .rkey = b->mr->rkey, .addr = mra(b, 0),
			    .rkey_pd2 = b->mr2 ? b->mr2->rkey : 0 };
}

/* B connected to A, with the case's receives */
static void x_b_ready(const struct xcase *x, struct side *b,
		      const struct ends *ea)
{
	const struct recv_err *re = x->re;
	struct qpopt o = opt_std;

	if (x->rc && !x->rc->revoke)
		o.qp_access = rcase_qp_access(x->rc);
	qp_connect(b, ea->qpn, ea->lid, &o);
	if (x->rc && x->rc->revoke) {
		struct ibv_qp_attr qa = {
			.qp_state = IBV_QPS_RTS,
			.qp_access_flags = rcase_qp_access(x->rc),
		};

		if (ibv_modify_qp(b->qp, &qa, IBV_QP_STATE | IBV_QP_ACCESS_FLAGS))
			die("RTS->RTS access flags");
	}
	if (x->rc) {
		/* a receive that the QP's going to ERROR must flush */
		if (post_recv(b, 0x100, mra(b, 3072), 512, b->mr->lkey))
			expect(false, "post_recv 0 got %d", errno);
	} else if (re) {
		if (post_recv(b, 0x100, mra(b, re->roff), re->rlen,
			      b->mr->lkey ^ (re->bad_lkey ? 0x80 : 0)) ||
		    post_recv(b, 0x101, mra(b, 2048), 1024, b->mr->lkey))
			expect(false, "post_recv 0 got %d", errno);
	}
}

static void x_b_check(const struct xcase *x, struct side *b)
{
	const struct rcase *rc = x->rc;
	const struct recv_err *re = x->re;

	if (rc) {
		if (rcase_write_ok(rc))
			written(b, 0, 16);
		/* the responder: ERROR, with its event, its receive flushed */
		expect_state(b->qp, IBV_QPS_ERR, 2000, "responder");
		expect_qp_event(b->d, b->qp, rc->want == IBV_WC_REM_ACCESS_ERR ?
				IBV_EVENT_QP_ACCESS_ERR : IBV_EVENT_QP_REQ_ERR,
				2000, "responder");
		expect_wc(b, 0x100, IBV_WC_WR_FLUSH_ERR, "responder", NULL);
		expect_none(b, QUIET_MS, "responder");
	} else if (re) {
		written(b, 0, 16);
		allow(b, re->may_off, re->may_len);
		expect_wc(b, 0x100, re->want_b, "responder", NULL);
		expect_wc(b, 0x101, IBV_WC_WR_FLUSH_ERR, "responder", NULL);
		expect_none(b, QUIET_MS, "responder");
		expect_state(b->qp, IBV_QPS_ERR, 2000, "responder");
		/* too long a SEND is the IB "invalid request" */
		if (re->want_a == IBV_WC_REM_INV_REQ_ERR)
			expect_qp_event(b->d, b->qp, IBV_EVENT_QP_REQ_ERR, 2000,
					"responder");
	} else {
		/* RNR is no error of the responder: it is up and unharmed */
		expect_state(b->qp, IBV_QPS_RTS, 0, "responder");
		post_recv(b, 0x100, mra(b, 2048), 512, b->mr->lkey);
		expect_none(b, QUIET_MS, "responder");
	}
	expect_buf(b, "responder");
}

static void x_a_open(const struct xcase *x, struct side *a, struct dev *d,
		     struct ends *e)
{
	side_open(a, d, ACC_ALL, xcase_mr(x), 1, NULL);
	side_qp(a);
	*e = (struct ends){ .qpn = a->qp->qp_num, .lid = d->lid };
}

static void x_a_connect(const struct xcase *x, struct side *a,
			const struct ends *eb)
{
	qp_connect(a, eb->qpn, eb->lid, x->rc || x->re ? &opt_std : &opt_rnr0);
	/* the requester's receive queue must be flushed by its errors too */
	post_recv(a, A_RECV_ID, mra(a, 3584), 256, a->mr->lkey);
}

/* A good request, the bad one, one that must not run: their statuses */
static void x_a_rcase(const struct rcase *rc, struct side *a,
		      const struct ends *eb)
{
	struct target t = { .addr = eb->addr, .rkey = eb->rkey };
	uint64_t raddr = rc->wrap ? (uint64_t)0 - rc->len / 2 :
			 eb->addr + (uint64_t)rc->roff;
	uint32_t rkey = eb->rkey;
	size_t loff = 2048, i;

	if (rc->partial)
		allow(a, loff, rc->len);
	switch (rc->key) {
	case K_OK:
		break;
	case K_FLIP:
		rkey ^= 0x80;
		break;
	case K_NONE:
		rkey += 0x3100;
		break;
	case K_PD2:
		rkey = eb->rkey_pd2;
		break;
	case K_OTHERDEV:
		/* A's own MR: valid keys, but of the wrong device */
		rkey = a->mr->rkey;
		raddr = mra(a, rc->roff);
		break;
	}
	if (!rcase_write_ok(rc)) {
		/* no WRITE allowed: a READ of B's pattern is the good one */
		if (post_rdma(a, 0x1, IBV_WR_RDMA_READ, mra(a, 0), 16,
			      a->mr->lkey, eb->addr, eb->rkey))
			expect(false, "post READ 0 got %d", errno);
		for (i = MR_OFF; i < MR_OFF + 16; i++)
			a->want[i] = pat(2, i);
	} else {
		post_write(a, t, 0x1, 0, 16);
	}
	if (post_rdma(a, 0x2, rc->op, mra(a, loff), rc->len, a->mr->lkey,
		      raddr, rkey))
		expect(false, "post_send of the bad request 0 got %d", errno);
	/* nothing after the refused request may execute */
	post_write(a, t, 0x3, 512, 16);

	expect_wc(a, 0x1, IBV_WC_SUCCESS, "requester", NULL);
	expect_wc(a, 0x2, rc->want, "requester", NULL);
	expect_wc(a, 0x3, IBV_WC_WR_FLUSH_ERR, "requester", NULL);
}

static void x_a_run(const struct xcase *x, struct side *a,
		    const struct ends *eb)
{
	const struct recv_err *re = x->re;
	struct target t = { .addr = eb->addr, .rkey = eb->rkey };

	if (x->rc) {
		x_a_rcase(x->rc, a, eb);
	} else if (re) {
		post_write(a, t, 0x1, 0, 16);
		post_send_msg(a, 0x2, 100, re->slen);
		post_send_msg(a, 0x3, 200, 64);
		expect_wc(a, 0x1, IBV_WC_SUCCESS, "requester", NULL);
		expect_wc(a, 0x2, re->want_a, "requester", NULL);
		expect_wc(a, 0x3, IBV_WC_WR_FLUSH_ERR, "requester", NULL);
	} else {
		post_send_msg(a, 0x1, 0, 64);
		post_send_msg(a, 0x2, 64, 64);
		expect_wc(a, 0x1, IBV_WC_RNR_RETRY_EXC_ERR, "requester", NULL);
		expect_wc(a, 0x2, IBV_WC_WR_FLUSH_ERR, "requester", NULL);
	}
	expect_flushes_later(a, t);
	expect_buf(a, "requester");
}

/* Both ends in this process: B on db, A on da. */
static void run_xcase(const struct xcase *x)
{
	struct side a, b;
	struct ends ea, eb;

	case_begin(x->name);
	async_drain(&db);
	x_b_open(x, &b, &db, &eb);
	x_a_open(x, &a, &da, &ea);
	x_b_ready(x, &b, &ea);
	x_a_connect(x, &a, &eb);
	x_a_run(x, &a, &eb);
	x_b_check(x, &b);
	side_close(&a);
	side_close(&b);
	case_end();
}

static bool want_case(const char *name, int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (strstr(name, argv[i]))
			return true;
	return false;
}

static void run_cases(int argc, char **argv)
{
	struct xcase x;
	size_t i;

#define WANT(n) (!argc || want_case(n, argc, argv))
	for (i = 0; xcase_get(i, &x); i++)
		if (WANT(x.name))
			run_xcase(&x);
	for (i = 0; i < ARRAY_SIZE(lcases); i++)
		if (WANT(lcases[i].name))
			run_lcase(&lcases[i]);
	if (WANT("send-rnr-retry-7-late-recv"))
		case_rnr_late_recv("send-rnr-retry-7-late-recv", 3000, false);
	if (WANT("send-multi-packet-rnr-late-recv"))
		case_rnr_late_recv("send-multi-packet-rnr-late-recv", 40000, false);
	if (WANT("write-imm-multi-packet-rnr-late-recv"))
		case_rnr_late_recv("write-imm-multi-packet-rnr-late-recv", 40000,
				   true);
	if (WANT("send-rnr-then-peer-qp-destroyed"))
		case_rnr_then_peer_gone();
	if (WANT("read-then-bad-write"))
		case_read_then_error("read-then-bad-write", 64);
	if (WANT("long-read-then-bad-write"))
		case_read_then_error("long-read-then-bad-write", 900 << 10);
	if (WANT("zero-length-bad-rkey-succeeds"))
		case_zero_length();
	if (WANT("cq-notify-solicited"))
		case_notify_solicited();
	if (WANT("srq-limit-event"))
		case_srq_limit();
	if (WANT("resize-cq-unpolled"))
		case_resize_cq();
	if (WANT("send-inv-user-mr"))
		case_send_inv("send-inv-user-mr", false);
	if (WANT("send-inv-unknown-rkey"))
		case_send_inv("send-inv-unknown-rkey", true);
	if (WANT("local-inv-user-mr"))
		case_local_inv();
	if (WANT("peer-qp-destroyed-write"))
		case_stream_fault("peer-qp-destroyed-write", IBV_WR_RDMA_WRITE,
				  F_DESTROY);
	if (WANT("peer-qp-destroyed-read"))
		case_stream_fault("peer-qp-destroyed-read", IBV_WR_RDMA_READ,
				  F_DESTROY);
	if (WANT("peer-qp-in-error-write"))
		case_stream_fault("peer-qp-in-error-write", IBV_WR_RDMA_WRITE,
				  F_PEER_ERR);
	if (WANT("target-mr-dereg-under-write"))
		case_stream_fault("target-mr-dereg-under-write",
				  IBV_WR_RDMA_WRITE, F_DEREG);
	if (WANT("source-mr-dereg-under-read"))
		case_stream_fault("source-mr-dereg-under-read",
				  IBV_WR_RDMA_READ, F_DEREG);
	if (WANT("ebusy"))
		case_busy();
#undef WANT
}

/* ---- processes ----------------------------------------------------------- */

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

/* Stream; the test deletes B's rails after SIGUSR1. */
static void mode_rail_del(void)
{
	struct side a, b;
	struct flow f;
	double t0, end;

	signal(SIGUSR1, on_usr1);
	dev_open(&da, name_a);
	dev_open(&db, name_b);
	case_begin("peer-rails-deleted");
	pair_open(&a, &b, ACC_ALL, BIG, &opt_short);
	flow_init(&f, &a, mra(&b, 0), b.mr->rkey);
	flow_until_ok(&f, 3);
	printf("READY\n");
	fflush(stdout);
	/* the transfer goes on until the rails are gone */
	end = now_s() + 60;
	while (!got_usr1 && !f.failed && now_s() < end) {
		flow_post(&f);
		flow_poll(&f);
		usleep(200);
	}
	expect(got_usr1, "SIGUSR1 got %s", f.failed ? st(f.err) : "timeout");
	t0 = now_s();
	flow_until_error(&f, 15);
	flow_expect_retry_exc(&f, t0, "peer rails deleted");
	flow_set_want(&f, &b);
	expect_none(&b, 1, "responder");
	expect_buf(&b, "responder");
	expect_buf(&a, "requester");
	side_close(&a);
	side_close(&b);
	case_end();
}

/* Print @what, then wait up to a minute for the test's SIGUSR1. */
static bool wait_usr1(const char *what)
{
	double end = now_s() + 60;

	got_usr1 = 0;
	printf("%s\n", what);
	fflush(stdout);
	while (!got_usr1 && now_s() < end)
		usleep(1000);
	expect(got_usr1, "no SIGUSR1 after %s", what);
	return got_usr1;
}

/* ---- two processes, two hosts -------------------------------------------- */

/*
 * Remote mode: B's process serves A's cases over a stream socket (TCP
 * between two hosts; a socketpair for kill-peer on one host).  A sends a
 * case number; B opens its end and sends its struct ends, A answers with
 * its own, B connects and sends 'R', A connects, runs and checks its side
 * and sends 'D', B checks its side and sends its verdict.  Each case of B
 * runs in a child that opens the device itself (no verbs context crosses
 * a fork), so that the fault cases can kill B's process like any other.
 */
enum { X_END = 0xffffffffu, X_KILL = 0xfffffffeu, X_RAILS = 0xfffffffdu };

struct verdict {
	int32_t bad;
	char why[512];
};

static int xsock = -1;
static int xport = 18515;

static void xwrite(int fd, const void *p, size_t n)
{
	if (write(fd, p, n) != (ssize_t)n)
		die("socket write");
}

static void xread(int fd, void *p, size_t n)
{
	ssize_t r;

	for (size_t got = 0; got < n; got += r) {
		r = read(fd, (char *)p + got, n - got);
		if (r <= 0) {
			if (!r)
				errno = ECONNRESET;
			die("socket read (the other end is gone)");
		}
	}
}

/* The other end's verdict on its side of the case. */
static void verdict_send(void)
{
	struct verdict v = { .bad = cur_bad };

	snprintf(v.why, sizeof(v.why), "%s", cur_why);
	xwrite(xsock, &v, sizeof(v));
}

static void verdict_take(void)
{
	struct verdict v;

	xread(xsock, &v, sizeof(v));
	v.why[sizeof(v.why) - 1] = 0;
	if (v.bad)
		expect(false, "responder: %s", v.why);
}

/* B's end of case @i, in a child process: its exit status is the verdict */
static int serve_case(uint32_t i)
{
	struct xcase x;
	struct side b;
	struct ends ea, eb;
	char c;

	if (!xcase_get(i, &x)) {
		errno = EINVAL;
		die("no case %u", i);
	}
	dev_open(&db, name_b);
	case_begin(x.name);
	x_b_open(&x, &b, &db, &eb);
	xwrite(xsock, &eb, sizeof(eb));
	xread(xsock, &ea, sizeof(ea));
	x_b_ready(&x, &b, &ea);
	xwrite(xsock, "R", 1);
	xread(xsock, &c, 1);
	x_b_check(&x, &b);
	verdict_send();
	side_close(&b);
	case_end();
	return cur_bad ? 1 : 0;
}

/*
 * B's end of a stream that a fault ends.  B's QP is in a child whose
 * buffer is shared with this process, which checks it afterwards.
 * X_KILL: the child SIGKILLs itself when A says so ('K'); X_RAILS: this
 * process prints DELETE-RAILS and waits for SIGUSR1, which the test sends
 * once it has deleted this host's rails.  'F' tells A the fault is done.
 */
static void serve_fault(uint32_t fault)
{
	uint8_t ok[NSLOTS], tried[NSLOTS];
	struct side b;
	struct ends ea, eb;
	int status = 0, up[2];
	uint8_t *shared;
	pid_t pid;
	char c;

	case_begin(fault == X_KILL ? "peer-process-killed" :
		   "peer-rails-deleted");
	shared = mmap(NULL, BIG + 2 * PAGE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED || pipe(up))
		die("mmap/pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		close(up[0]);
		dev_open(&db, name_b);
		side_open(&b, &db, ACC_ALL, BIG, 2, shared);
		side_qp(&b);
		eb = (struct ends){ .qpn = b.qp->qp_num, .lid = db.lid,
				    .rkey = b.mr->rkey, .addr = mra(&b, 0) };
		xwrite(xsock, &eb, sizeof(eb));
		xread(xsock, &ea, sizeof(ea));
		qp_connect(&b, ea.qpn, ea.lid, &opt_short);
		xwrite(xsock, "R", 1);
		xread(xsock, &c, 1);
		if (fault == X_KILL)
			kill(getpid(), SIGKILL);
		xwrite(up[1], "K", 1);
		for (;;)
			pause();
	}
	close(up[1]);
	if (fault == X_KILL) {
		expect(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
		       WTERMSIG(status) == SIGKILL,
		       "B's process killed by SIGKILL got status %#x", status);
		if (!WIFSIGNALED(status))
			die("B's process ended");
	} else {
		if (read(up[0], &c, 1) != 1)
			die("B's process ended");
		wait_usr1("DELETE-RAILS");
	}
	xwrite(xsock, "F", 1);
	xread(xsock, ok, sizeof(ok));
	xread(xsock, tried, sizeof(tried));

	/* the child filled the shared buffer with its pattern: that is B */
	memset(&b, 0, sizeof(b));
	b.buf = shared;
	b.ext = true;
	b.buf_len = BIG + 2 * PAGE;
	b.want = malloc(b.buf_len);
	b.dontcare = calloc(1, b.buf_len);
	if (!b.want || !b.dontcare)
		die("memory");
	fill(b.want, b.buf_len, 2);
	for (unsigned int s = 0; s < NSLOTS; s++) {
		if (ok[s])
			written(&b, s * CHUNK, CHUNK);
		else if (tried[s])
			allow(&b, s * CHUNK, CHUNK);
	}
	expect_buf(&b, "responder (shared memory)");
	verdict_send();
	if (fault != X_KILL) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	close(up[0]);
	side_close(&b);
	munmap(shared, BIG + 2 * PAGE);
	case_end();
}

/* B: serve cases on xsock until A is done. */
static void serve(void)
{
	uint32_t i;
	int status;
	pid_t pid;

	signal(SIGUSR1, on_usr1);
	for (;;) {
		xread(xsock, &i, sizeof(i));
		if (i == X_END)
			break;
		if (i == X_KILL || i == X_RAILS) {
			serve_fault(i);
			continue;
		}
		pid = fork();
		if (pid < 0)
			die("fork");
		if (!pid)
			exit(serve_case(i));
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) > 1)
			die("B's process of case %u ended with status %#x", i,
			    status);
		if (WEXITSTATUS(status))
			n_fail++;
		else
			n_pass++;
	}
}

/* A's end of case @i. */
static void remote_case(uint32_t i)
{
	struct xcase x;
	struct side a;
	struct ends ea, eb;
	char c;

	xcase_get(i, &x);
	case_begin(x.name);
	xwrite(xsock, &i, sizeof(i));
	x_a_open(&x, &a, &da, &ea);
	xread(xsock, &eb, sizeof(eb));
	xwrite(xsock, &ea, sizeof(ea));
	xread(xsock, &c, 1);
	x_a_connect(&x, &a, &eb);
	x_a_run(&x, &a, &eb);
	xwrite(xsock, "D", 1);
	verdict_take();
	side_close(&a);
	case_end();
}

/*
 * A's end of a fault case: WRITEs streamed into B until the fault, then
 * IB_WC_RETRY_EXC_ERR within BOUND_S of it.
 */
static void remote_fault(uint32_t fault)
{
	struct side a;
	struct ends ea, eb;
	struct flow f;
	double t0;
	char c;

	case_begin(fault == X_KILL ? "peer-process-killed" :
		   "peer-rails-deleted");
	xwrite(xsock, &fault, sizeof(fault));
	side_open(&a, &da, ACC_ALL, BIG, 1, NULL);
	side_qp(&a);
	ea = (struct ends){ .qpn = a.qp->qp_num, .lid = da.lid };
	xread(xsock, &eb, sizeof(eb));
	xwrite(xsock, &ea, sizeof(ea));
	xread(xsock, &c, 1);
	qp_connect(&a, eb.qpn, eb.lid, &opt_short);
	flow_init(&f, &a, eb.addr, eb.rkey);
	flow_until_ok(&f, 3);
	xwrite(xsock, "K", 1);
	xread(xsock, &c, 1);
	t0 = now_s();
	flow_until_error(&f, 15);
	flow_expect_retry_exc(&f, t0, fault == X_KILL ? "peer process killed" :
			      "peer rails deleted");
	xwrite(xsock, f.slot_ok, sizeof(f.slot_ok));
	xwrite(xsock, f.slot_tried, sizeof(f.slot_tried));
	verdict_take();
	expect_buf(&a, "requester");
	side_close(&a);
	case_end();
}

/* A: every case of the shared list, the faults last. */
static void remote_all(const uint32_t *faults, int nfaults)
{
	struct xcase x;
	uint32_t i, end = X_END;

	for (i = 0; xcase_get(i, &x); i++)
		remote_case(i);
	for (i = 0; i < (uint32_t)nfaults; i++)
		remote_fault(faults[i]);
	xwrite(xsock, &end, sizeof(end));
}

/* Both ends over TCP: A connects to @host, B (no @host) listens. */
static void mode_remote(const char *host)
{
	static const uint32_t faults[] = { X_KILL, X_RAILS };
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(xport) };
	int one = 1, ls;
	double end = now_s() + 60;

	if (!host) {
		ls = socket(AF_INET, SOCK_STREAM, 0);
		if (ls < 0 ||
		    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
		    bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, 1))
			die("listen on port %d", xport);
		printf("LISTENING\n");
		xsock = accept(ls, NULL, NULL);
		if (xsock < 0)
			die("accept");
		close(ls);
		serve();
		return;
	}
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		errno = EINVAL;
		die("host %s: an IPv4 address please", host);
	}
	dev_open(&da, name_a);
	for (;;) {
		xsock = socket(AF_INET, SOCK_STREAM, 0);
		if (xsock >= 0 &&
		    !connect(xsock, (struct sockaddr *)&sa, sizeof(sa)))
			break;
		if (xsock >= 0)
			close(xsock);
		if (now_s() > end)
			die("connect to %s:%d", host, xport);
		usleep(200000);
	}
	setsockopt(xsock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	remote_all(faults, ARRAY_SIZE(faults));
}

/* B in a child process, SIGKILLed in the middle of a stream of WRITEs. */
static void mode_kill_peer(void)
{
	static const uint32_t faults[] = { X_KILL };
	uint32_t end = X_END;
	int sv[2], status;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		die("socketpair");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		close(sv[0]);
		xsock = sv[1];
		serve();
		exit(n_fail ? 1 : 0);
	}
	close(sv[1]);
	xsock = sv[0];
	dev_open(&da, name_a);
	remote_fault(faults[0]);
	xwrite(xsock, &end, sizeof(end));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		printf("FAIL: B's process ended with status %#x\n", status);
		n_fail++;
	}
}

/*
 * The ACK of a SEND is lost and the receiver destroys its QP as soon as
 * the receive completed (as ibv_rc_pingpong does): the sender's
 * retransmission must still be acknowledged (by what B's QP left behind)
 * and the SEND complete with success.  The test drops B's frames between
 * DROP and DESTROYED.
 */
static void mode_lost_ack(void)
{
	const uint32_t len = 65536;
	struct side a, b;
	struct ibv_wc wc;

	signal(SIGUSR1, on_usr1);
	dev_open(&da, name_a);
	dev_open(&db, name_b);
	case_begin("last-ack-lost-receiver-gone");
	pair_open(&a, &b, ACC_ALL, BIG, &opt_slow);
	if (post_recv(&b, RECV_ID, mra(&b, 0), len, b.mr->lkey))
		die("post_recv");
	if (!wait_usr1("DROP"))
		goto out;
	if (post_send_op(&a, 1, IBV_WR_SEND, 0, len, 0, 0))
		die("post_send");
	if (expect_wc(&b, RECV_ID, IBV_WC_SUCCESS, "receiver", &wc)) {
		expect(wc.byte_len == len, "receiver byte_len %u got %u", len,
		       wc.byte_len);
		memcpy(b.want + MR_OFF, a.buf + MR_OFF, len);
		expect_buf(&b, "receiver");
	}
	/* B's ACKs are dropped: the sender cannot know yet */
	expect_none(&a, QUIET_MS, "sender while the ACKs are dropped");
	if (ibv_destroy_qp(b.qp))
		die("destroy_qp");
	b.qp = NULL;
	if (!wait_usr1("DESTROYED"))
		goto out;
	/* up to two of A's 1 s retransmit intervals and its resend */
	expect_wc(&a, 1, IBV_WC_SUCCESS, "sender after B's QP is gone", NULL);
out:
	side_close(&a);
	side_close(&b);
	case_end();
}

/*
 * The NAK of a request the responder refuses is lost (the test drops B's
 * frames between DROP and REFUSED): the requester's resend must get it
 * again, from B's QP in ERROR and from one destroyed since, and fail
 * with the remote access error, not retry exceeded.
 */
static void mode_lost_nak(void)
{
	struct side a[2], b[2];
	int i;

	signal(SIGUSR1, on_usr1);
	dev_open(&da, name_a);
	dev_open(&db, name_b);
	case_begin("fatal-nak-lost");
	for (i = 0; i < 2; i++)
		pair_open(&a[i], &b[i], ACC_ALL, SMALL, &opt_slow);
	if (!wait_usr1("DROP"))
		goto out;
	for (i = 0; i < 2; i++) {
		if (post_rdma(&a[i], 1, IBV_WR_RDMA_WRITE, mra(&a[i], 0), 64,
			      a[i].mr->lkey, mra(&b[i], 0), b[i].mr->rkey ^ 0x80))
			die("post WRITE");
		expect_state(b[i].qp, IBV_QPS_ERR, 2000, "responder");
	}
	/* the NAKs are dropped: the requesters cannot know yet */
	expect_none(&a[0], QUIET_MS, "requester while the NAKs are dropped");
	expect_none(&a[1], 0, "requester while the NAKs are dropped");
	if (ibv_destroy_qp(b[1].qp))
		die("destroy_qp");
	b[1].qp = NULL;
	if (!wait_usr1("REFUSED"))
		goto out;
	/* up to two of A's 1 s retransmit intervals */
	expect_wc(&a[0], 1, IBV_WC_REM_ACCESS_ERR,
		  "requester, responder in ERROR", NULL);
	expect_wc(&a[1], 1, IBV_WC_REM_ACCESS_ERR,
		  "requester, responder destroyed", NULL);
	for (i = 0; i < 2; i++) {
		expect_buf(&b[i], "responder");
		expect_buf(&a[i], "requester");
	}
out:
	for (i = 0; i < 2; i++) {
		side_close(&a[i]);
		side_close(&b[i]);
	}
	case_end();
}

/*
 * The application writes to the source of an RDMA WRITE before the WRITE
 * completed (IB leaves the data at the target undefined, but the
 * transfer must go on).  The test drops A's WRITE frames between DROP
 * and CHANGED, so that only retransmissions carry the message: the WRITE
 * must complete with success and the target hold the bytes of the
 * buffer as it was changed (no retransmission happens before the change:
 * the QP's timeout is 1 s and it has no round trip sample for a probe).
 */
static void mode_buf_change(void)
{
	const uint32_t len = 65536;
	struct side a, b;

	signal(SIGUSR1, on_usr1);
	dev_open(&da, name_a);
	dev_open(&db, name_b);
	case_begin("write-source-changed-before-completion");
	pair_open(&a, &b, ACC_ALL, BIG, &opt_slow);
	if (!wait_usr1("DROP"))
		goto out;
	if (post_rdma(&a, 1, IBV_WR_RDMA_WRITE, mra(&a, 0), len, a.mr->lkey,
		      mra(&b, 0), b.mr->rkey))
		die("post WRITE");
	fill(mrp(&a, 0), len, 7);
	memcpy(a.want + MR_OFF, mrp(&a, 0), len);
	/* its frames are dropped: it cannot complete yet */
	expect_none(&a, QUIET_MS, "writer while its frames are dropped");
	if (!wait_usr1("CHANGED"))
		goto out;
	expect_wc(&a, 1, IBV_WC_SUCCESS, "writer after changing its buffer",
		  NULL);
	memcpy(b.want + MR_OFF, mrp(&a, 0), len);
	expect_buf(&b, "target");
	expect_buf(&a, "source");
out:
	side_close(&a);
	side_close(&b);
	case_end();
}

/* Everything open, traffic in flight, exit without cleanup. */
static void child_dirty_exit(void)
{
	struct side a, b;
	struct flow f;
	struct ibv_comp_channel *ch;
	struct ibv_cq *ecq;
	struct ibv_srq *srq;
	struct ibv_srq_init_attr sa = { .attr = { .max_wr = 16, .max_sge = 1 } };
	struct ibv_qp_init_attr ia = {
		.qp_type = IBV_QPT_UD,
		.cap = { .max_send_wr = 4, .max_recv_wr = 4, .max_send_sge = 1,
			 .max_recv_sge = 1 },
	};
	struct ibv_ah_attr aa = { .dlid = 0, .port_num = 1 };
	struct ibv_ah *ah;
	struct ibv_qp *ud;
	int i;

	dev_open(&da, name_a);
	dev_open(&db, name_b);
	pair_open(&a, &b, ACC_ALL, BIG, &opt_std);
	for (i = 0; i < 8; i++)
		post_recv(&b, 0x100 + i, mra(&b, i * 1024), 1024, b.mr->lkey);
	flow_init(&f, &a, mra(&b, 0), b.mr->rkey);
	flow_post(&f);
	post_send_msg(&a, 0x55, 0, 512);
	ch = ibv_create_comp_channel(db.ctx);
	ecq = ch ? ibv_create_cq(db.ctx, 16, NULL, ch, 0) : NULL;
	if (!ecq || ibv_req_notify_cq(ecq, 0))
		die("channel/cq");
	srq = ibv_create_srq(db.pd, &sa);
	if (!srq)
		die("srq");
	for (i = 0; i < 4; i++) {
		struct ibv_sge sge = { .addr = mra(&b, 8192), .length = 64,
				       .lkey = b.mr->lkey };
		struct ibv_recv_wr wr = { .wr_id = i, .sg_list = &sge,
					  .num_sge = 1 }, *bad;

		ibv_post_srq_recv(srq, &wr, &bad);
	}
	ia.send_cq = ecq;
	ia.recv_cq = ecq;
	ia.srq = srq;
	ud = ibv_create_qp(db.pd, &ia);
	aa.dlid = da.lid;
	ah = ibv_create_ah(db.pd, &aa);
	if (!ud || !ah)
		die("ud qp/ah");
	_exit(0);
}

static void mode_exit_open(void)
{
	struct side a, b;
	double t0 = now_s();
	int status = 0;
	pid_t pid;

	case_begin("dirty-exit-with-traffic");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid)
		child_dirty_exit();
	/* the exit must not hang on anything the kernel holds */
	while (waitpid(pid, &status, WNOHANG) == 0 && now_s() - t0 < 60)
		usleep(10000);
	if (now_s() - t0 >= 60) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		expect(false, "exit within 60 s got a hang");
	}
	expect(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "child exit 0 got status %#x", status);
	printf("   child exited after %.2f s\n", now_s() - t0);
	case_end();

	/* both devices still work */
	case_begin("devices-work-after-dirty-exit");
	dev_open(&da, name_a);
	dev_open(&db, name_b);
	pair_open(&a, &b, ACC_ALL, SMALL, &opt_std);
	good_write(&a, &b, 0x1, 0, 1000, APPLIED);
	post_recv(&b, 0x100, mra(&b, 2048), 512, b.mr->lkey);
	post_send_msg(&a, 0x2, 1024, 300);
	memcpy(b.want + MR_OFF + 2048, a.want + MR_OFF + 1024, 300);
	if (post_rdma(&a, 0x3, IBV_WR_RDMA_READ, mra(&a, 3072), 512, a.mr->lkey,
		      mra(&b, 3072), b.mr->rkey))
		expect(false, "post READ 0 got %d", errno);
	memcpy(a.want + MR_OFF + 3072, b.want + MR_OFF + 3072, 512);
	expect_wc(&a, 0x1, IBV_WC_SUCCESS, "requester", NULL);
	expect_wc(&a, 0x2, IBV_WC_SUCCESS, "requester", NULL);
	expect_wc(&a, 0x3, IBV_WC_SUCCESS, "requester", NULL);
	expect_wc(&b, 0x100, IBV_WC_SUCCESS, "responder", NULL);
	expect_buf(&b, "responder");
	expect_buf(&a, "requester");
	side_close(&a);
	side_close(&b);
	case_end();
}

/* Wait up to @ms for @ev on @ctx's async fd (non-blocking). */
static bool wait_async(struct ibv_context *ctx, enum ibv_event_type ev, int ms)
{
	double end = now_s() + ms / 1000.0;
	struct ibv_async_event e;
	struct pollfd p = { .fd = ctx->async_fd, .events = POLLIN };

	fcntl(ctx->async_fd, F_SETFL,
	      fcntl(ctx->async_fd, F_GETFL) | O_NONBLOCK);
	while (now_s() < end) {
		if (poll(&p, 1, 100) == 1 && !ibv_get_async_event(ctx, &e)) {
			enum ibv_event_type t = e.event_type;

			ibv_ack_async_event(&e);
			if (verbose)
				printf("   %s: async event %s\n",
				       ibv_get_device_name(ctx->device),
				       ibv_event_type_str(t));
			if (t == ev)
				return true;
		}
	}
	return false;
}

/* Peer device deleted under a stream, then our own (rmmod). */
static void mode_hold(void)
{
	struct ibv_async_event e;
	struct pollfd p;
	struct side a, b;
	struct flow f;
	double t0 = 0, end;
	bool fatal = false;

	dev_open(&da, name_a);
	dev_open(&db, name_b);
	case_begin("peer-device-deleted");
	pair_open(&a, &b, ACC_ALL, BIG, &opt_short);
	post_recv(&b, 0x100, mra(&b, 0), 64, b.mr->lkey);
	flow_init(&f, &a, mra(&b, 0), b.mr->rkey);
	flow_until_ok(&f, 3);
	fcntl(db.ctx->async_fd, F_SETFL,
	      fcntl(db.ctx->async_fd, F_GETFL) | O_NONBLOCK);
	printf("HOLDING\n");
	fflush(stdout);
	end = now_s() + 60;
	while (!f.failed && now_s() < end) {
		p = (struct pollfd){ .fd = db.ctx->async_fd, .events = POLLIN };
		if (!fatal && poll(&p, 1, 0) == 1 &&
		    !ibv_get_async_event(db.ctx, &e)) {
			if (e.event_type == IBV_EVENT_DEVICE_FATAL) {
				fatal = true;
				t0 = now_s();
			}
			ibv_ack_async_event(&e);
		}
		flow_post(&f);
		flow_poll(&f);
		usleep(200);
	}
	if (!fatal)
		fatal = wait_async(db.ctx, IBV_EVENT_DEVICE_FATAL, 10000);
	expect(fatal, "%s fatal event got none", name_b);
	if (!t0)
		t0 = now_s();
	flow_drain(&f, 5000);
	flow_expect_retry_exc(&f, t0, "peer device deleted");
	expect_buf(&a, "requester");
	case_end();
	printf("PEER-GONE\n");
	fflush(stdout);

	case_begin("own-device-deleted-while-held");
	expect(wait_async(da.ctx, IBV_EVENT_DEVICE_FATAL, 60000),
	       "%s fatal event got none in 60 s", name_a);
	printf("DEVICE-GONE\n");
	/* after disassociation the objects can still be let go of */
	side_close(&a);
	side_close(&b);
	ibv_dealloc_pd(da.pd);
	ibv_dealloc_pd(da.pd2);
	ibv_dealloc_pd(db.pd);
	ibv_dealloc_pd(db.pd2);
	expect(ibv_close_device(da.ctx) == 0 && ibv_close_device(db.ctx) == 0,
	       "close_device 0 got error");
	case_end();
}

int main(int argc, char **argv)
{
	const char *mode;
	int c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt(argc, argv, "a:b:d:p:v")) != -1) {
		switch (c) {
		case 'a':
			name_a = optarg;
			break;
		case 'b':
			name_b = optarg;
			break;
		case 'd':
			name_a = optarg;
			name_b = optarg;
			break;
		case 'p':
			xport = atoi(optarg);
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			fprintf(stderr, "usage: verbs-errors [-a DEV] [-b DEV] [-v] "
				"cases [NAME...] | kill-peer | rail-del | lost-ack | lost-nak |\n"
				"buf-change | "
				"exit-open | hold\n"
				"       verbs-errors [-d DEV] [-p PORT] remote [HOST]\n");
			return 2;
		}
	}
	mode = optind < argc ? argv[optind++] : "cases";
	if (!strcmp(mode, "cases")) {
		dev_open(&da, name_a);
		dev_open(&db, name_b);
		run_cases(argc - optind, argv + optind);
	} else if (!strcmp(mode, "kill-peer")) {
		mode_kill_peer();
	} else if (!strcmp(mode, "rail-del")) {
		mode_rail_del();
	} else if (!strcmp(mode, "lost-ack")) {
		mode_lost_ack();
	} else if (!strcmp(mode, "buf-change")) {
		mode_buf_change();
	} else if (!strcmp(mode, "lost-nak")) {
		mode_lost_nak();
	} else if (!strcmp(mode, "exit-open")) {
		mode_exit_open();
	} else if (!strcmp(mode, "hold")) {
		mode_hold();
	} else if (!strcmp(mode, "remote")) {
		mode_remote(optind < argc ? argv[optind] : NULL);
	} else {
		fprintf(stderr, "verbs-errors: unknown mode %s\n", mode);
		return 2;
	}
	printf("%s: %d passed, %d failed\n", n_fail ? "FAIL" : "PASS", n_pass,
	       n_fail);
	return n_fail ? 1 : 0;
}
