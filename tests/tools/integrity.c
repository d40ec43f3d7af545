// SPDX-License-Identifier: GPL-2.0
/*
 * integrity: data-integrity test of an RC connection between two verbs
 * devices (tbib, or any other HCA for comparison).
 *
 *   server:  integrity -d DEV [options]
 *   client:  integrity -d DEV [options] HOST
 *
 * Both ends run the same pseudo-random script (seeded by -S): a sequence
 * of batches, each of 1..8 operations of every kind -- SEND, SEND with
 * immediate, RDMA WRITE, WRITE with immediate, RDMA READ, compare-and-swap,
 * fetch-and-add -- with random sizes (0 .. -s bytes), random scatter/gather
 * layouts on both ends (1..4 SGEs, random gaps) and inline SENDs, then a
 * control SEND.  Every payload byte is a function of (operation, offset),
 * never zero, so the receiver checks each byte it got against what it
 * must be; READ data and atomic results are checked by the client against
 * the server's known contents and a shadow of its counters.
 *
 * Last-byte polling: some batches end with a WRITE the server watches by
 * polling the last byte of its (zeroed) target; the moment it changes the
 * whole message must be there -- the ordering rule of an IB HCA that
 * applications (ib_write_lat, MPI, NCCL-style flags) depend on.
 *
 * Every work request is signaled: each must complete exactly once, with
 * success and the right opcode and length.  With -D SECONDS the client
 * runs batches until that much time has passed (at most -n) and flags the
 * last batch's control message, so that the server, which cannot know the
 * count in advance, stops with it: a run that outlasts a fault sequence
 * whatever the speed of the machine.  SIGUSR1 makes the client's current
 * batch the last one (a test stops the run when its faults are done).  The QP number, LID, PSN and
 * the server's buffer keys are exchanged over TCP (-p port).  Exit 0 when
 * all is right, 1 on the first wrong byte, status or a stall (-w seconds
 * without progress), 2 on a setup error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <infiniband/verbs.h>

#define MAX_OPS		8		/* operations per batch */
#define MAX_SGE		4
#define NCOUNTERS	8		/* atomic targets */
#define READ_TAG	0x5eadULL	/* tag of the server's READ source */
#define CTRL_FAIL	0xffffffffu
#define CTRL_LAST	0x80000000u	/* immediate flag: the last batch */

enum kind { K_SEND, K_SEND_IMM, K_WRITE, K_WRITE_IMM, K_READ, K_CSWAP,
	    K_FADD, K_NKINDS };

static const char *kind_name[K_NKINDS] = {
	"SEND", "SEND_IMM", "WRITE", "WRITE_IMM", "READ", "CMP_SWP", "FETCH_ADD",
};

struct piece {
	uint64_t off;		/* in the side's slot */
	uint32_t len;
};

struct op {
	enum kind kind;
	uint32_t len;
	uint64_t tag;
	bool inl;		/* SEND inline */
	bool polled;		/* WRITE the server polls on */
	int nl, nr;		/* pieces on the client (l) / server (r) */
	struct piece l[MAX_SGE], r[MAX_SGE];
	uint64_t roff;		/* WRITE/READ: offset in the server region */
	int counter;		/* atomics */
	uint64_t a, b;		/* atomics: add / compare, swap */
	uint64_t expect;	/* atomics: original value */
};

struct remote {
	uint32_t lid, qpn, psn, rkey;
	uint64_t target, rsrc, counters;
};

static struct {
	const char *dev, *host;
	int port, ib_port;
	unsigned long iters;
	uint64_t seed;
	uint32_t max;
	int timeout, retry, rnr_timer, wait_s;
	double duration;	/* -D: client runs batches this long */
	int read_pct;		/* -R: this share of operations are READs */
	int verbose;
} cfg = {
	.port = 18700, .ib_port = 1, .iters = 200, .seed = 1, .max = 65536,
	.timeout = 14, .retry = 7, .rnr_timer = 1, .wait_s = 60,
};

static struct ibv_context *ctx;
static struct ibv_pd *pd;
static struct ibv_cq *cq;
static struct ibv_qp *qp;
static struct ibv_mr *mr;
static uint8_t *mem;
static size_t slot_sz, mem_sz;
/* layout of mem: [0] ctrl, slots (MAX_OPS), read source, counters */
static uint8_t *ctrl, *slots, *rsrc;
static uint64_t *counters;
static uint32_t max_inline;
static uint64_t shadow[NCOUNTERS];
static unsigned long n_ops, n_bytes, n_batches;
static double t_start;
static volatile sig_atomic_t stop_req;	/* SIGUSR1: finish this batch */
/* longest wait for a completion: what a fault costs the application */
static double t_last_wc, max_gap, max_gap_at;

#define die(...) do { fprintf(stderr, "integrity: " __VA_ARGS__); \
		      fputc('\n', stderr); exit(2); } while (0)
#define bad(...) do { fprintf(stderr, "integrity: FAIL: " __VA_ARGS__); \
		      fputc('\n', stderr); fail_out(); } while (0)

static void fail_out(void);

/* ---- pseudo-random script ---- */

static uint64_t rng_state;

static uint64_t mix(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd(void)
{
	rng_state = mix(rng_state);
	return rng_state;
}

static uint32_t rnd_below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

/* The byte every payload must have at @off of the data tagged @tag. */
static uint8_t pat(uint64_t tag, uint64_t off)
{
	uint8_t b = (uint8_t)(mix(tag * 0x100000001b3ULL ^ (off >> 3)) >>
			      ((off & 7) * 8));

	return b ? b : 0x5a;
}

static void fill(uint8_t *p, uint64_t tag, uint64_t off, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		p[i] = pat(tag, off + i);
}

/* First wrong byte of p[0..len) against (tag, off..), or -1. */
static long check(const uint8_t *p, uint64_t tag, uint64_t off, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		if (p[i] != pat(tag, off + i))
			return i;
	return -1;
}

static uint32_t rnd_len(void)
{
	uint32_t r = rnd_below(100);

	if (r < 10)
		return rnd_below(2);			/* 0 or 1 */
	if (r < 50)
		return rnd_below(257);
	if (r < 80)
		return rnd_below(cfg.max < 16384 ? cfg.max + 1 : 16385);
	return rnd_below(cfg.max + 1);
}

/* Cut len into 1..MAX_SGE pieces placed in a slot with random gaps. */
static int layout(struct piece *pc, uint32_t len)
{
	int n = 1 + rnd_below(MAX_SGE), i;
	uint32_t cut[MAX_SGE + 1];
	uint64_t pos = rnd_below(64);

	if (len < (uint32_t)n)
		n = 1;
	/* n pieces of at least one byte (a 0-byte message: one empty SGE) */
	cut[0] = 0;
	for (i = 1; i < n; i++)
		cut[i] = cut[i - 1] + 1 +
			 rnd_below(len - (n - i) - cut[i - 1]);
	cut[n] = len;
	for (i = 0; i < n; i++) {
		pc[i].len = cut[i + 1] - cut[i];
		pc[i].off = pos;
		pos += pc[i].len + rnd_below(64);
	}
	return n;
}

static void gen_op(struct op *o, uint64_t batch, int j)
{
	uint32_t r = rnd_below(100);

	/* -R: a READ-heavy script (both ends draw the same numbers) */
	if (cfg.read_pct && rnd_below(100) < (uint32_t)cfg.read_pct)
		r = 70;
	memset(o, 0, sizeof(*o));
	o->tag = (cfg.seed << 32) ^ (batch << 4) ^ (uint64_t)j;
	o->kind = r < 20 ? K_SEND : r < 30 ? K_SEND_IMM : r < 55 ? K_WRITE :
		  r < 65 ? K_WRITE_IMM : r < 85 ? K_READ :
		  r < 92 ? K_CSWAP : K_FADD;
	o->len = rnd_len();
	o->nl = layout(o->l, o->len);
	o->nr = layout(o->r, o->len);
	o->roff = rnd_below(64);
	o->inl = (o->kind == K_SEND || o->kind == K_SEND_IMM) &&
		 o->len <= max_inline && rnd_below(2);
	o->counter = rnd_below(NCOUNTERS);
	o->a = rnd();
	o->b = rnd();
	if (o->kind == K_CSWAP || o->kind == K_FADD) {
		o->len = 8;
		o->nl = 1;
		o->l[0].off = 8 * rnd_below(8);
		o->l[0].len = 8;
	}
	if (o->kind == K_CSWAP && rnd_below(2))
		o->a = UINT64_MAX;	/* compare with the current value */
}

/* ---- verbs helpers ---- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int sock = -1;

static void fail_out(void)
{
	/* tell the other side, best effort, then stop */
	const char *hook = getenv("INTEGRITY_ON_FAIL");
	uint32_t v = CTRL_FAIL;
	ssize_t r = -1;

	/* state dumps (debugfs) while the QPs still exist */
	if (hook && *hook && system(hook) < 0)
		perror("INTEGRITY_ON_FAIL");
	if (sock >= 0)
		r = write(sock, &v, sizeof(v));
	(void)r;
	exit(1);
}

static void sock_xchg(void *out, void *in, size_t n)
{
	size_t got = 0;
	ssize_t r;

	if (write(sock, out, n) != (ssize_t)n)
		die("tcp write: %s", strerror(errno));
	while (got < n) {
		r = read(sock, (char *)in + got, n - got);
		if (r <= 0)
			die("tcp read: %s", r ? strerror(errno) : "peer closed");
		got += r;
	}
}

static void tcp_connect(void)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res;
	char port[16];
	int one = 1, ls, tries;

	snprintf(port, sizeof(port), "%d", cfg.port);
	if (cfg.host) {
		if (getaddrinfo(cfg.host, port, &hints, &res))
			die("cannot resolve %s", cfg.host);
		for (tries = 0; tries < 300; tries++) {
			sock = socket(AF_INET, SOCK_STREAM, 0);
			if (!connect(sock, res->ai_addr, res->ai_addrlen))
				break;
			close(sock);
			sock = -1;
			usleep(100000);
		}
		freeaddrinfo(res);
		if (sock < 0)
			die("cannot connect to %s:%d", cfg.host, cfg.port);
	} else {
		struct sockaddr_in a = { .sin_family = AF_INET,
					 .sin_port = htons(cfg.port) };

		ls = socket(AF_INET, SOCK_STREAM, 0);
		setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 1))
			die("cannot listen on %d: %s", cfg.port, strerror(errno));
		sock = accept(ls, NULL, NULL);
		if (sock < 0)
			die("accept: %s", strerror(errno));
		close(ls);
	}
}

static void setup(void)
{
	struct ibv_device **list;
	struct ibv_port_attr pa;
	struct ibv_qp_init_attr ia = {
		.qp_type = IBV_QPT_RC,
		.cap = { .max_send_wr = 64, .max_recv_wr = 64,
			 .max_send_sge = MAX_SGE, .max_recv_sge = MAX_SGE,
			 .max_inline_data = 256 },
		.sq_sig_all = 1,
	};
	int i, n;

	list = ibv_get_device_list(&n);
	for (i = 0; list && i < n; i++)
		if (!cfg.dev || !strcmp(ibv_get_device_name(list[i]), cfg.dev))
			break;
	if (!list || i == n)
		die("no device %s", cfg.dev ? cfg.dev : "");
	ctx = ibv_open_device(list[i]);
	if (!ctx)
		die("cannot open %s", cfg.dev);
	ibv_free_device_list(list);
	if (ibv_query_port(ctx, cfg.ib_port, &pa))
		die("query_port");
	pd = ibv_alloc_pd(ctx);
	cq = ibv_create_cq(ctx, 256, NULL, NULL, 0);
	if (!pd || !cq)
		die("pd/cq");
	ia.send_cq = cq;
	ia.recv_cq = cq;
	qp = ibv_create_qp(pd, &ia);
	if (!qp)
		die("create_qp: %s", strerror(errno));
	max_inline = ia.cap.max_inline_data;

	slot_sz = ((size_t)cfg.max + 4 * 64 + 64 + 4095) & ~4095UL;
	mem_sz = 4096 + MAX_OPS * slot_sz + slot_sz + 4096;
	if (posix_memalign((void **)&mem, 4096, mem_sz))
		die("no memory");
	memset(mem, 0, mem_sz);
	ctrl = mem;
	slots = mem + 4096;
	rsrc = slots + MAX_OPS * slot_sz;
	counters = (uint64_t *)(rsrc + slot_sz);
	/*
	 * The READ source holds its pattern before the peer learns where it
	 * is: filled after the exchange, a READ of the first batch could
	 * overtake the fill and bring back zeros (which tbib was blamed for).
	 */
	fill(rsrc, READ_TAG, 0, slot_sz);
	mr = ibv_reg_mr(pd, mem, mem_sz, IBV_ACCESS_LOCAL_WRITE |
			IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ |
			IBV_ACCESS_REMOTE_ATOMIC);
	if (!mr)
		die("reg_mr: %s", strerror(errno));
}

static void connect_qp(struct remote *me, struct remote *peer)
{
	struct ibv_port_attr pa;
	struct ibv_qp_attr a;

	ibv_query_port(ctx, cfg.ib_port, &pa);
	me->lid = pa.lid;
	me->qpn = qp->qp_num;
	me->psn = (uint32_t)(mix(cfg.seed ^ qp->qp_num ^ (uint64_t)getpid()) &
			     0xffffff);
	me->rkey = mr->rkey;
	me->target = (uintptr_t)slots;
	me->rsrc = (uintptr_t)rsrc;
	me->counters = (uintptr_t)counters;
	sock_xchg(me, peer, sizeof(*me));

	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_INIT;
	a.port_num = cfg.ib_port;
	a.qp_access_flags = IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ |
			    IBV_ACCESS_REMOTE_ATOMIC;
	if (ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX |
			  IBV_QP_PORT | IBV_QP_ACCESS_FLAGS))
		die("INIT");
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTR;
	a.path_mtu = pa.active_mtu;
	a.dest_qp_num = peer->qpn;
	a.rq_psn = peer->psn;
	a.max_dest_rd_atomic = 16;
	a.min_rnr_timer = cfg.rnr_timer;
	a.ah_attr.dlid = peer->lid;
	a.ah_attr.port_num = cfg.ib_port;
	if (ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU |
			  IBV_QP_DEST_QPN | IBV_QP_RQ_PSN |
			  IBV_QP_MAX_DEST_RD_ATOMIC | IBV_QP_MIN_RNR_TIMER))
		die("RTR: %s", strerror(errno));
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTS;
	a.timeout = cfg.timeout;
	a.retry_cnt = cfg.retry;
	a.rnr_retry = 7;
	a.sq_psn = me->psn;
	a.max_rd_atomic = 16;
	if (ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_TIMEOUT |
			  IBV_QP_RETRY_CNT | IBV_QP_RNR_RETRY | IBV_QP_SQ_PSN |
			  IBV_QP_MAX_QP_RD_ATOMIC))
		die("RTS: %s", strerror(errno));
	/* both ends ready before anything is sent */
	sock_xchg(me, peer, sizeof(*me));
}

static void post_recv(uint64_t wr_id, uint8_t *base, const struct piece *pc,
		      int n)
{
	struct ibv_sge sge[MAX_SGE];
	struct ibv_recv_wr wr = { .wr_id = wr_id, .sg_list = sge, .num_sge = n };
	struct ibv_recv_wr *badwr;
	int i;

	for (i = 0; i < n; i++) {
		sge[i].addr = (uintptr_t)(base + pc[i].off);
		sge[i].length = pc[i].len;
		sge[i].lkey = mr->lkey;
	}
	if (ibv_post_recv(qp, &wr, &badwr))
		die("post_recv: %s", strerror(errno));
}

/* Wait for the next completion; fails on error status or a stall. */
static void poll_one(struct ibv_wc *wc)
{
	double end = now_s() + cfg.wait_s;
	int spins = 0, n;

	for (;;) {
		n = ibv_poll_cq(cq, 1, wc);
		if (n < 0)
			die("poll_cq");
		if (n) {
			double t = now_s();

			if (wc->status != IBV_WC_SUCCESS)
				bad("wr_id %#" PRIx64 " completed with %s (%d)",
				    wc->wr_id, ibv_wc_status_str(wc->status),
				    wc->status);
			if (t_last_wc && t - t_last_wc > max_gap) {
				max_gap = t - t_last_wc;
				max_gap_at = t_last_wc - t_start;
			}
			t_last_wc = t;
			return;
		}
		if (++spins > 100) {
			uint32_t v = 0;

			usleep(20);
			/* the other side gave up: it said so, or closed */
			if (!(spins & 1023) &&
			    (n = recv(sock, &v, sizeof(v),
				      MSG_DONTWAIT | MSG_PEEK)) >= 0 &&
			    (n == 0 || v == CTRL_FAIL)) {
				fprintf(stderr, "integrity: FAIL: the other side failed\n");
				exit(1);
			}
		}
		if (now_s() > end)
			bad("no completion for %d s (%lu ops done)", cfg.wait_s,
			    n_ops);
	}
}

/* ---- the script ---- */

#define WR_CTRL		0xc0000000ULL

static int gen_batch(struct op *ops, uint64_t b)
{
	int n = 1 + rnd_below(MAX_OPS), j;

	for (j = 0; j < n; j++)
		gen_op(&ops[j], b, j);
	/* sometimes end with a WRITE the server polls on */
	if (rnd_below(3) == 0 && ops[n - 1].len) {
		ops[n - 1].kind = K_WRITE;
		ops[n - 1].polled = true;
		ops[n - 1].inl = false;
	}
	return n;
}

static bool uses_recv(const struct op *o)
{
	return o->kind == K_SEND || o->kind == K_SEND_IMM ||
	       o->kind == K_WRITE_IMM;
}

static void client_post(const struct op *o, uint64_t b, int j,
			const struct remote *peer)
{
	uint8_t *slot = slots + j * slot_sz;
	struct ibv_sge sge[MAX_SGE];
	struct ibv_send_wr wr, *badwr;
	int i;

	memset(&wr, 0, sizeof(wr));
	wr.wr_id = (b << 8) | j;
	wr.sg_list = sge;
	wr.num_sge = o->nl;
	wr.send_flags = IBV_SEND_SIGNALED;
	for (i = 0; i < o->nl; i++) {
		sge[i].addr = (uintptr_t)(slot + o->l[i].off);
		sge[i].length = o->l[i].len;
		sge[i].lkey = mr->lkey;
	}
	switch (o->kind) {
	case K_SEND:
	case K_SEND_IMM:
	case K_WRITE:
	case K_WRITE_IMM: {
		uint64_t pos = 0;

		for (i = 0; i < o->nl; i++) {
			fill(slot + o->l[i].off, o->tag, pos, o->l[i].len);
			pos += o->l[i].len;
		}
		if (o->inl)
			wr.send_flags |= IBV_SEND_INLINE;
		wr.opcode = o->kind == K_SEND ? IBV_WR_SEND :
			    o->kind == K_SEND_IMM ? IBV_WR_SEND_WITH_IMM :
			    o->kind == K_WRITE ? IBV_WR_RDMA_WRITE :
			    IBV_WR_RDMA_WRITE_WITH_IMM;
		wr.imm_data = htonl((uint32_t)o->tag);
		wr.wr.rdma.remote_addr = peer->target + j * slot_sz + o->roff;
		wr.wr.rdma.rkey = peer->rkey;
		break;
	}
	case K_READ:
		for (i = 0; i < o->nl; i++)
			memset(slot + o->l[i].off, 0, o->l[i].len);
		wr.opcode = IBV_WR_RDMA_READ;
		wr.wr.rdma.remote_addr = peer->rsrc + o->roff;
		wr.wr.rdma.rkey = peer->rkey;
		break;
	case K_CSWAP:
	case K_FADD:
		memset(slot + o->l[0].off, 0, 8);
		wr.opcode = o->kind == K_CSWAP ? IBV_WR_ATOMIC_CMP_AND_SWP :
						 IBV_WR_ATOMIC_FETCH_AND_ADD;
		wr.wr.atomic.remote_addr = peer->counters + 8 * o->counter;
		wr.wr.atomic.rkey = peer->rkey;
		if (o->kind == K_FADD) {
			wr.wr.atomic.compare_add = o->a;
		} else {
			wr.wr.atomic.compare_add = o->a;
			wr.wr.atomic.swap = o->b;
		}
		break;
	default:
		break;
	}
	if (ibv_post_send(qp, &wr, &badwr))
		die("post_send %s: %s", kind_name[o->kind], strerror(errno));
}

/*
 * A READ completed with wrong data: is it late (completion before the
 * data), or did it never come (or go elsewhere)?  Look again after a
 * while and describe the operation and its pieces.
 */
static const struct op *cur_ops;	/* the client's batch */
static int cur_n;

static void read_diag(const struct op *o, int j, const struct ibv_wc *wc)
{
	uint8_t *slot = slots + j * slot_sz;
	uint64_t pos = 0;
	long k;
	int i;

	fprintf(stderr, "integrity: READ wr_id %#" PRIx64 " slot %d len %u roff %" PRIu64 " wc byte_len %u, %d pieces:\n",
		wc->wr_id, j, o->len, o->roff, wc->byte_len, o->nl);
	for (i = 0; i < o->nl; i++) {
		uint32_t nz = 0, ok = 0, x;

		for (x = 0; x < o->l[i].len; x++) {
			nz += slot[o->l[i].off + x] != 0;
			ok += slot[o->l[i].off + x] ==
			      pat(READ_TAG, o->roff + pos + x);
		}
		fprintf(stderr, "integrity:   piece %d: slot off %" PRIu64 " len %u (msg off %" PRIu64 "): %u nonzero, %u right\n",
			i, o->l[i].off, o->l[i].len, pos, nz, ok);
		pos += o->l[i].len;
	}
	for (i = 0; i < cur_n; i++)
		fprintf(stderr, "integrity:   batch op %d: %s len %u nl %d roff %" PRIu64 "\n",
			i, kind_name[cur_ops[i].kind], cur_ops[i].len,
			cur_ops[i].nl, cur_ops[i].roff);
	usleep(300000);
	pos = 0;
	for (i = 0; i < o->nl; i++) {
		k = check(slot + o->l[i].off, READ_TAG, o->roff + pos,
			  o->l[i].len);
		fprintf(stderr, "integrity:   300 ms later piece %d: %s (first wrong %ld)\n",
			i, k < 0 ? "right" : "still wrong", k);
		pos += o->l[i].len;
	}
}

/* Client: check the local result of op j (READ data, atomic value). */
static void client_check(struct op *o, int j, const struct ibv_wc *wc)
{
	uint8_t *slot = slots + j * slot_sz;
	uint64_t pos = 0, v;
	long k;
	int i;

	switch (o->kind) {
	case K_READ:
		if (wc->opcode != IBV_WC_RDMA_READ)
			bad("READ completed as opcode %d", wc->opcode);
		for (i = 0; i < o->nl; i++) {
			k = check(slot + o->l[i].off, READ_TAG, o->roff + pos,
				  o->l[i].len);
			if (k >= 0) {
				read_diag(o, j, wc);
				bad("READ %u bytes: byte %" PRIu64 " is %#x, want %#x",
				    o->len, pos + k, slot[o->l[i].off + k],
				    pat(READ_TAG, o->roff + pos + k));
			}
			pos += o->l[i].len;
		}
		break;
	case K_CSWAP:
	case K_FADD:
		memcpy(&v, slot + o->l[0].off, 8);
		if (v != o->expect)
			bad("%s on counter %d returned %#" PRIx64 ", want %#" PRIx64,
			    kind_name[o->kind], o->counter, v, o->expect);
		break;
	default:
		if ((o->kind == K_SEND || o->kind == K_SEND_IMM) &&
		    wc->opcode != IBV_WC_SEND)
			bad("SEND completed as opcode %d", wc->opcode);
		break;
	}
	n_bytes += o->len;
}

static void run_client(const struct remote *peer)
{
	struct op ops[MAX_OPS];
	bool done[MAX_OPS + 1];
	struct ibv_send_wr wr, *badwr;
	struct ibv_sge sge;
	struct ibv_wc wc;
	uint64_t b;
	int n, j, left;

	for (b = 1; b <= cfg.iters; b++) {
		bool last = b == cfg.iters || stop_req ||
			    (cfg.duration > 0 && now_s() - t_start >= cfg.duration);

		n = gen_batch(ops, b);
		cur_ops = ops;
		cur_n = n;
		/* the server's answer to this batch */
		post_recv(WR_CTRL | b, ctrl + 64, &(struct piece){ 0, 8 }, 1);
		for (j = 0; j < n; j++) {
			struct op *o = &ops[j];

			/* shadow of the counters: in script order */
			if (o->kind == K_FADD) {
				o->expect = shadow[o->counter];
				shadow[o->counter] += o->a;
			} else if (o->kind == K_CSWAP) {
				/* UINT64_MAX: compare with the current value */
				if (o->a == UINT64_MAX)
					o->a = shadow[o->counter];
				o->expect = shadow[o->counter];
				if (o->a == shadow[o->counter])
					shadow[o->counter] = o->b;
			}
			client_post(o, b, j, peer);
		}
		/* end of batch: SEND with the batch number as immediate */
		memcpy(ctrl, &b, 8);
		sge = (struct ibv_sge){ (uintptr_t)ctrl, 8, mr->lkey };
		memset(&wr, 0, sizeof(wr));
		wr.wr_id = WR_CTRL | (b << 8) | 0xff;
		wr.sg_list = &sge;
		wr.num_sge = 1;
		wr.opcode = IBV_WR_SEND_WITH_IMM;
		wr.imm_data = htonl(((uint32_t)b & ~CTRL_LAST) |
				    (last ? CTRL_LAST : 0));
		wr.send_flags = IBV_SEND_SIGNALED;
		if (ibv_post_send(qp, &wr, &badwr))
			die("post_send ctrl: %s", strerror(errno));

		memset(done, 0, sizeof(done));
		for (left = n + 2; left; left--) {
			poll_one(&wc);
			if (wc.wr_id == (WR_CTRL | b)) {
				uint64_t r;

				memcpy(&r, ctrl + 64, 8);
				if (r != b)
					bad("server reports failure at batch %" PRIu64, b);
				if (done[MAX_OPS])
					bad("answer of batch %" PRIu64 " twice", b);
				done[MAX_OPS] = true;
				continue;
			}
			if (wc.wr_id == (WR_CTRL | (b << 8) | 0xff))
				continue;
			j = wc.wr_id & 0xff;
			if ((wc.wr_id >> 8) != b || j >= n || done[j])
				bad("unexpected or repeated completion %#" PRIx64,
				    wc.wr_id);
			done[j] = true;
			client_check(&ops[j], j, &wc);
			n_ops++;
		}
		n_batches = b;
		if (cfg.verbose && b % 50 == 0)
			printf("batch %" PRIu64 ": %lu ops, %lu bytes in %.1f s\n",
			       b, n_ops, n_bytes, now_s() - t_start);
		if (last)
			break;
	}
}

/* Server: check op j of the batch as it landed here. */
static void server_check(const struct op *o, int j, const struct ibv_wc *wc)
{
	uint8_t *slot = slots + j * slot_sz;
	uint64_t pos = 0;
	long k;
	int i;

	if (o->kind == K_WRITE || o->kind == K_WRITE_IMM) {
		k = check(slot + o->roff, o->tag, 0, o->len);
		if (k >= 0)
			bad("%s %u bytes: byte %ld is %#x, want %#x",
			    kind_name[o->kind], o->len, k, slot[o->roff + k],
			    pat(o->tag, k));
		if (o->roff && slot[o->roff - 1])
			bad("%s wrote before its target", kind_name[o->kind]);
		if (slot[o->roff + o->len])
			bad("%s wrote past its target", kind_name[o->kind]);
		memset(slot + o->roff, 0, o->len);
	} else if (o->kind == K_SEND || o->kind == K_SEND_IMM) {
		if (wc->byte_len != o->len)
			bad("SEND of %u bytes arrived with byte_len %u", o->len,
			    wc->byte_len);
		for (i = 0; i < o->nr; i++) {
			k = check(slot + o->r[i].off, o->tag, pos, o->r[i].len);
			if (k >= 0)
				bad("SEND %u bytes: byte %" PRIu64 " is %#x, want %#x",
				    o->len, pos + k, slot[o->r[i].off + k],
				    pat(o->tag, pos + k));
			memset(slot + o->r[i].off, 0, o->r[i].len);
			pos += o->r[i].len;
		}
	}
	if (o->kind == K_SEND_IMM || o->kind == K_WRITE_IMM) {
		if (!(wc->wc_flags & IBV_WC_WITH_IMM) ||
		    ntohl(wc->imm_data) != (uint32_t)o->tag)
			bad("%s: immediate %#x, want %#x", kind_name[o->kind],
			    ntohl(wc->imm_data), (uint32_t)o->tag);
	}
	if (o->kind == K_WRITE_IMM && (wc->opcode != IBV_WC_RECV_RDMA_WITH_IMM ||
				       wc->byte_len != o->len))
		bad("WRITE_IMM completed as opcode %d len %u", wc->opcode,
		    wc->byte_len);
	if (o->kind != K_WRITE_IMM && uses_recv(o) && wc->opcode != IBV_WC_RECV)
		bad("SEND received as opcode %d", wc->opcode);
}

static void run_server(void)
{
	struct op ops[MAX_OPS];
	struct ibv_send_wr wr, *badwr;
	struct ibv_sge sge;
	struct ibv_wc wc;
	int n, j, k, recvs[MAX_OPS + 1], nrecv;
	bool last = false;
	uint64_t b;

	for (b = 1; b <= cfg.iters; b++) {
		n = gen_batch(ops, b);
		/* receives in the order the client's messages consume them */
		for (j = 0, nrecv = 0; j < n; j++) {
			if (!uses_recv(&ops[j]))
				continue;
			recvs[nrecv++] = j;
			post_recv((b << 8) | j, slots + j * slot_sz, ops[j].r,
				  ops[j].nr);
		}
		post_recv(WR_CTRL | b, ctrl, &(struct piece){ 0, 8 }, 1);

		/* a WRITE polled on its last byte: all of it is there */
		if (ops[n - 1].polled) {
			const struct op *o = &ops[n - 1];
			volatile uint8_t *last = slots + (n - 1) * slot_sz +
						 o->roff + o->len - 1;
			double end = now_s() + cfg.wait_s;
			long bad_at;

			while (*last == 0) {
				if (now_s() > end)
					bad("polled WRITE never arrived");
			}
			__sync_synchronize();
			bad_at = check(slots + (n - 1) * slot_sz + o->roff,
				       o->tag, 0, o->len);
			if (bad_at >= 0) {
				const uint8_t *base = slots + (n - 1) * slot_sz +
						      o->roff;

				bad("last byte (%#x, want %#x) of a %u byte WRITE seen before byte %ld (%#x, want %#x)",
				    base[o->len - 1],
				    pat(o->tag, o->len - 1), o->len, bad_at,
				    base[bad_at], pat(o->tag, bad_at));
			}
		}

		/* every receive, in order, then the control message */
		for (k = 0; k <= nrecv; k++) {
			poll_one(&wc);
			if (k == nrecv) {
				uint32_t imm = ntohl(wc.imm_data);

				if (wc.wr_id != (WR_CTRL | b) ||
				    (imm & ~CTRL_LAST) != ((uint32_t)b & ~CTRL_LAST))
					bad("batch %" PRIu64 ": control message %#" PRIx64,
					    b, wc.wr_id);
				last = imm & CTRL_LAST;
				break;
			}
			j = recvs[k];
			if (wc.wr_id != ((b << 8) | j))
				bad("batch %" PRIu64 ": completion %#" PRIx64
				    " out of order (want op %d)", b, wc.wr_id, j);
			server_check(&ops[j], j, &wc);
		}
		/* WRITEs without receive: placed before the control SEND */
		for (j = 0; j < n; j++) {
			if (ops[j].kind == K_WRITE)
				server_check(&ops[j], j, NULL);
			n_ops++;
			n_bytes += ops[j].len;
		}
		/* answer: the batch number */
		memcpy(ctrl + 64, &b, 8);
		sge = (struct ibv_sge){ (uintptr_t)(ctrl + 64), 8, mr->lkey };
		memset(&wr, 0, sizeof(wr));
		wr.wr_id = WR_CTRL | 0xfe;
		wr.sg_list = &sge;
		wr.num_sge = 1;
		wr.opcode = IBV_WR_SEND;
		wr.send_flags = IBV_SEND_SIGNALED;
		if (ibv_post_send(qp, &wr, &badwr))
			die("post_send answer: %s", strerror(errno));
		poll_one(&wc);
		if (wc.wr_id != (WR_CTRL | 0xfe))
			bad("unexpected completion %#" PRIx64, wc.wr_id);
		n_batches = b;
		if (cfg.verbose && b % 50 == 0)
			printf("batch %" PRIu64 ": %lu ops, %lu bytes in %.1f s\n",
			       b, n_ops, n_bytes, now_s() - t_start);
		if (last)
			break;
	}
}

static void on_usr1(int sig)
{
	(void)sig;
	stop_req = 1;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: integrity -d DEV [-p PORT] [-n BATCHES] [-S SEED] [-s MAXSIZE]\n"
		"                 [-t QP_TIMEOUT] [-r RETRY_CNT] [-w STALL_S] [-D SECONDS]\n"
		"                 [-R READ_PCT] [-v] [HOST]\n"
		"  -n  batches (with -D: at most; the client decides, the server\n"
		"      stops with it)   -D  client runs batches for SECONDS\n"
		"  -t  QP timeout attribute (4.096 us << t)   -r  retry_cnt (0..7)\n"
		"  -R  make READ_PCT %% of the operations RDMA READs (default: 20 %%)\n"
		"environment: INTEGRITY_ON_FAIL=CMD runs CMD (sh) on a failure, before teardown\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct remote me, peer;
	double t0;
	int c;

	while ((c = getopt(argc, argv, "d:p:n:S:s:t:r:w:i:D:R:v")) != -1) {
		switch (c) {
		case 'd': cfg.dev = optarg; break;
		case 'p': cfg.port = atoi(optarg); break;
		case 'n': cfg.iters = strtoul(optarg, NULL, 0); break;
		case 'S': cfg.seed = strtoull(optarg, NULL, 0); break;
		case 's': cfg.max = strtoul(optarg, NULL, 0); break;
		case 't': cfg.timeout = atoi(optarg); break;
		case 'r': cfg.retry = atoi(optarg); break;
		case 'w': cfg.wait_s = atoi(optarg); break;
		case 'i': cfg.ib_port = atoi(optarg); break;
		case 'D': cfg.duration = strtod(optarg, NULL); break;
		case 'R': cfg.read_pct = atoi(optarg); break;
		case 'v': cfg.verbose = 1; break;
		default: usage();
		}
	}
	if (optind < argc)
		cfg.host = argv[optind];
	if (!cfg.dev || cfg.max > (64u << 20) || cfg.port <= 0 ||
	    cfg.timeout < 0 || cfg.timeout > 31 || cfg.retry < 0 ||
	    cfg.retry > 7 || cfg.duration < 0 || cfg.read_pct < 0 ||
	    cfg.read_pct > 100)
		usage();

	signal(SIGUSR1, on_usr1);
	setup();
	tcp_connect();
	connect_qp(&me, &peer);
	rng_state = cfg.seed;
	t0 = now_s();
	t_start = t0;
	if (cfg.host)
		run_client(&peer);
	else
		run_server();
	/* both done before either closes the socket */
	me.lid = 0;
	sock_xchg(&me, &peer, sizeof(me));
	printf("integrity: OK %s: %lu batches, %lu ops, %lu bytes checked in %.1f s\n",
	       cfg.host ? "client" : "server", n_batches, n_ops, n_bytes,
	       now_s() - t0);
	printf("integrity: longest wait for a completion %.0f ms (from %.1f s)\n",
	       max_gap * 1e3, max_gap_at);
	return 0;
}
