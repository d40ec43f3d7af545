// SPDX-License-Identifier: GPL-2.0
/*
 * bigmsg: RC messages of the largest size the port allows (max_msg_sz,
 * 2 GiB on tbib) between two verbs devices in one process (tbib0 -> tbib1
 * by default; any pair of HCAs that reach each other by LID).
 *
 *   bigmsg [-a DEV] [-b DEV] [-s SIZE] [-w WAIT_S] [-W STALL_S]
 *          [-t QP_TIMEOUT] [-r RETRY_CNT] [-j THREADS]
 *
 * One RC QP on each device, connected directly with ibv_modify_qp.  A
 * source buffer and a destination buffer of SIZE bytes (default: the
 * port's max_msg_sz) are registered on both devices; the destination has
 * a guard page on each side, inside its MRs, that must never change.
 * Then, each as ONE work request of SIZE bytes:
 *
 *   WRITE  A's source -> B's destination
 *   READ   B's source -> A's destination
 *   SEND   A's source -> a receive of SIZE bytes on B's destination
 *
 * Before each, the source is filled with a pattern of a new seed and the
 * destination poisoned; after it, every byte of the destination is
 * checked.  Each 8-byte word is x ^ x >> 29 with x = (offset + seed) * K,
 * K odd: a bijection of the offset, so a word that lands anywhere else
 * (off by 4 KiB, by 64 MiB, by 2^31 or 2^32 ...), data of an earlier
 * operation or no data at all never passes.  A wrong word is traced back
 * to the offset (and operation) it belongs to.
 *
 * Last, the negative case: a WRITE of two SGEs that sum to max_msg_sz +
 * 4096 must complete with IBV_WC_LOC_LEN_ERR (or be refused by the post
 * with EINVAL) and change nothing at the target.
 *
 * Prints the time and MB/s of each operation and, on success,
 * "bigmsg: 3 ops of SIZE bytes verified".  Exit 0 when all is right, 1
 * on a wrong byte, status, opcode, length or a completion that does not
 * come (the operation takes more than WAIT_S seconds, or no new data
 * lands at the target for STALL_S: a hang, reported with how far the data
 * got), 2 on a setup error.  Progress is printed every 30 s.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <infiniband/verbs.h>

#define PAGE		4096UL
#define K_MUL		0x9e3779b97f4a7c15ULL	/* odd: x * K is a bijection */
#define POISON		0xa5
#define POISON_WORD	(0x0101010101010101ULL * POISON)
#define GUARD_BYTE	0x3c
#define MAX_THREADS	16
#define MAX_RANGES	8

#define ACC_ALL		(IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | \
			 IBV_ACCESS_REMOTE_READ)

static struct {
	const char *dev_a, *dev_b;
	uint64_t size;		/* 0: the port's max_msg_sz */
	int wait_s, stall_s, timeout, retry, threads;
} cfg = {
	.dev_a = "tbib0", .dev_b = "tbib1", .wait_s = 300, .stall_s = 60,
	.timeout = 18,
	.retry = 7,
};

#define die(...) do { fprintf(stderr, "bigmsg: setup: " __VA_ARGS__); \
		      fputc('\n', stderr); exit(2); } while (0)
#define bad(...) do { printf("bigmsg: FAIL: " __VA_ARGS__); \
		      putchar('\n'); fflush(stdout); exit(1); } while (0)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- pattern ------------------------------------------------------------ */

/*
 * The word at byte offset @off (a multiple of 8) of the data of @seed:
 * x = (off + seed) * K, then x ^ x >> 29 so that its low bytes depend on
 * all of the offset too.  Both steps are bijections.  The fill and the
 * check step x by 8 * K from word to word.
 */
static inline uint64_t pat_x(uint64_t x)
{
	return x ^ (x >> 29);
}

static inline uint64_t pat(uint64_t seed, uint64_t off)
{
	return pat_x((off + seed) * K_MUL);
}

/* K_MUL^-1 mod 2^64 (Newton: each step doubles the correct low bits). */
static uint64_t k_inv(void)
{
	uint64_t x = K_MUL;	/* right in the low 3 bits */
	int i;

	for (i = 0; i < 5; i++)
		x *= 2 - K_MUL * x;
	return x;
}

/* the seeds of the operations; op 0 is the WRITE */
static uint64_t seed_of(int op)
{
	return 0x5eed000000000000ULL + ((uint64_t)(op + 1) << 40) +
	       0x1234567ULL * (op + 1);
}

enum job_kind { J_FILL, J_VERIFY, J_SET };

struct range {
	uint64_t start, end;	/* byte offsets of a run of wrong words */
};

struct job {
	enum job_kind kind;
	uint64_t *p;		/* this thread's part */
	uint64_t off, len;	/* its byte offset in the buffer, length */
	uint64_t seed;
	int byte;		/* J_SET */
	/* J_VERIFY results */
	uint64_t nbad;		/* wrong words */
	struct range r[MAX_RANGES];
	int nr;
	bool more_ranges;
	pthread_t tid;
};

static void *job_run(void *arg)
{
	struct job *j = arg;
	uint64_t n = j->len / 8, i, v = (j->off + j->seed) * K_MUL,
		 step = 8 * K_MUL;

	switch (j->kind) {
	case J_FILL:
		for (i = 0; i < n; i++, v += step)
			j->p[i] = pat_x(v);
		break;
	case J_SET:
		memset(j->p, j->byte, j->len);
		break;
	case J_VERIFY:
		/* blocks of 512 words OR-ed together, the exact scan if wrong */
		for (i = 0; i < n; ) {
			uint64_t e = i + 512 < n ? i + 512 : n, acc = 0, k,
				 w = v;

			for (k = i; k < e; k++, w += step)
				acc |= j->p[k] ^ pat_x(w);
			if (acc) {
				for (k = i, w = v; k < e; k++, w += step) {
					uint64_t o = j->off + 8 * k;

					if (j->p[k] == pat_x(w))
						continue;
					j->nbad++;
					if (j->nr && j->r[j->nr - 1].end == o) {
						j->r[j->nr - 1].end = o + 8;
					} else if (j->nr < MAX_RANGES) {
						j->r[j->nr].start = o;
						j->r[j->nr].end = o + 8;
						j->nr++;
					} else {
						j->more_ranges = true;
					}
				}
			}
			v = w;
			i = e;
		}
		break;
	}
	return NULL;
}

static int nthreads;

/* Runs @kind over buf[0..len) in nthreads parts; returns the jobs. */
static struct job *run_jobs(enum job_kind kind, void *buf, uint64_t len,
			    uint64_t seed, int byte)
{
	static struct job jobs[MAX_THREADS];
	uint64_t part = (len / nthreads) & ~(PAGE - 1), off = 0;
	int t;

	for (t = 0; t < nthreads; t++) {
		struct job *j = &jobs[t];

		memset(j, 0, sizeof(*j));
		j->kind = kind;
		j->off = off;
		j->len = t == nthreads - 1 ? len - off : part;
		j->p = (uint64_t *)((uint8_t *)buf + off);
		j->seed = seed;
		j->byte = byte;
		off += j->len;
		if (t && pthread_create(&j->tid, NULL, job_run, j))
			die("pthread_create: %s", strerror(errno));
	}
	job_run(&jobs[0]);
	for (t = 1; t < nthreads; t++)
		pthread_join(jobs[t].tid, NULL);
	return jobs;
}

/* ---- devices, buffers, QPs ------------------------------------------------ */

struct side {
	const char *name;
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	struct ibv_cq *cq;
	struct ibv_qp *qp;
	struct ibv_port_attr pa;
	struct ibv_device_attr da;
	struct ibv_mr *src_mr, *dst_mr, *extra_mr;
};

static struct side A, B;
static uint64_t size;
static uint8_t *src, *dmap, *dst, *extra;	/* dmap: guard, dst, guard */
static uint64_t dmap_len;

static const char *op_name[] = { "WRITE", "READ", "SEND" };

static void open_side(struct side *s, const char *name)
{
	struct ibv_device **list;
	int i, n;

	s->name = name;
	list = ibv_get_device_list(&n);
	for (i = 0; list && i < n; i++)
		if (!strcmp(ibv_get_device_name(list[i]), name))
			break;
	if (!list || i == n)
		die("no device %s", name);
	s->ctx = ibv_open_device(list[i]);
	if (!s->ctx)
		die("cannot open %s: %s", name, strerror(errno));
	ibv_free_device_list(list);
	if (ibv_query_device(s->ctx, &s->da))
		die("%s: query_device: %s", name, strerror(errno));
	if (ibv_query_port(s->ctx, 1, &s->pa))
		die("%s: query_port: %s", name, strerror(errno));
	if (s->pa.state != IBV_PORT_ACTIVE)
		die("%s: port not active (%s)", name,
		    ibv_port_state_str(s->pa.state));
	s->pd = ibv_alloc_pd(s->ctx);
	s->cq = ibv_create_cq(s->ctx, 16, NULL, NULL, 0);
	if (!s->pd || !s->cq)
		die("%s: pd/cq: %s", name, strerror(errno));
}

static void create_qp(struct side *s)
{
	struct ibv_qp_init_attr ia = {
		.qp_type = IBV_QPT_RC,
		.send_cq = s->cq, .recv_cq = s->cq,
		.cap = { .max_send_wr = 4, .max_recv_wr = 4,
			 .max_send_sge = 2, .max_recv_sge = 2 },
		.sq_sig_all = 1,
	};

	s->qp = ibv_create_qp(s->pd, &ia);
	if (!s->qp)
		die("%s: create_qp: %s", s->name, strerror(errno));
}

static void connect_qp(struct side *s, const struct side *peer)
{
	struct ibv_qp_attr a;

	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_INIT;
	a.port_num = 1;
	a.qp_access_flags = IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ;
	if (ibv_modify_qp(s->qp, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX |
			  IBV_QP_PORT | IBV_QP_ACCESS_FLAGS))
		die("%s: INIT: %s", s->name, strerror(errno));
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTR;
	a.path_mtu = s->pa.active_mtu;
	a.dest_qp_num = peer->qp->qp_num;
	a.rq_psn = 0x1000 + peer->qp->qp_num;
	a.max_dest_rd_atomic = 16;
	a.min_rnr_timer = 12;
	a.ah_attr.dlid = peer->pa.lid;
	a.ah_attr.port_num = 1;
	if (ibv_modify_qp(s->qp, &a, IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU |
			  IBV_QP_DEST_QPN | IBV_QP_RQ_PSN |
			  IBV_QP_MAX_DEST_RD_ATOMIC | IBV_QP_MIN_RNR_TIMER))
		die("%s: RTR: %s", s->name, strerror(errno));
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTS;
	a.timeout = cfg.timeout;
	a.retry_cnt = cfg.retry;
	a.rnr_retry = 7;
	a.sq_psn = 0x1000 + s->qp->qp_num;
	a.max_rd_atomic = 16;
	if (ibv_modify_qp(s->qp, &a, IBV_QP_STATE | IBV_QP_TIMEOUT |
			  IBV_QP_RETRY_CNT | IBV_QP_RNR_RETRY | IBV_QP_SQ_PSN |
			  IBV_QP_MAX_QP_RD_ATOMIC))
		die("%s: RTS: %s", s->name, strerror(errno));
}

static void *map_buf(uint64_t len, const char *what)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p == MAP_FAILED)
		die("mmap %s (%" PRIu64 " bytes): %s", what, len,
		    strerror(errno));
	return p;
}

static struct ibv_mr *reg(struct side *s, void *p, uint64_t len, int acc,
			  const char *what)
{
	double t = now_s();
	struct ibv_mr *mr = ibv_reg_mr(s->pd, p, len, acc);

	if (!mr)
		die("%s: reg_mr %s (%" PRIu64 " bytes): %s", s->name, what, len,
		    strerror(errno));
	printf("bigmsg: %s: %s MR of %#" PRIx64 " bytes registered in %.1f s\n",
	       s->name, what, len, now_s() - t);
	return mr;
}

/* ---- completions ----------------------------------------------------------- */

/*
 * Progress of an operation, seen from the target: the 1 MiB chunks of
 * dst whose first word is no longer the poison.
 */
#define CHUNK		(1UL << 20)

static uint64_t placed(void)
{
	uint64_t n = 0, o;

	for (o = 0; o < size; o += CHUNK)
		n += *(volatile uint64_t *)(dst + o) != POISON_WORD;
	return n;
}

/*
 * Next completion of @s.  Fails the test when none comes within WAIT_S of
 * @t0 (the start of the operation) or when nothing new lands in dst for
 * STALL_S: a hang is a clear failure that says how far the data got.
 */
static void wait_wc(struct side *s, struct ibv_wc *wc, double t0,
		    const char *what)
{
	double t, last_change = now_s(), next_check = 0,
	       next_print = t0 + 30;
	uint64_t seen = placed(), cur, nchunks = (size + CHUNK - 1) / CHUNK;
	int n;

	for (;;) {
		n = ibv_poll_cq(s->cq, 1, wc);
		if (n < 0)
			bad("%s: poll_cq on %s failed (%d)", what, s->name, n);
		if (n)
			return;
		t = now_s();
		if (t >= next_check) {
			cur = placed();
			if (cur != seen) {
				seen = cur;
				last_change = t;
			}
			next_check = t + 1;
		}
		if (t - last_change > cfg.stall_s)
			bad("%s: no completion on %s and no new data for %d s: %" PRIu64 " of %" PRIu64 " MiB placed after %.0f s",
			    what, s->name, cfg.stall_s, seen, nchunks, t - t0);
		if (t - t0 > cfg.wait_s)
			bad("%s: no completion on %s within %d s: %" PRIu64 " of %" PRIu64 " MiB placed",
			    what, s->name, cfg.wait_s, seen, nchunks);
		if (t >= next_print) {
			printf("bigmsg: %s: %" PRIu64 " of %" PRIu64 " MiB placed after %.0f s\n",
			       what, seen, nchunks, t - t0);
			next_print += 30;
		}
		/* sleep: under emulation the driver needs the CPU */
		usleep(2000);
	}
}

/* No completion may be left on @s. */
static void no_more_wc(struct side *s, const char *what)
{
	struct ibv_wc wc;
	int n = ibv_poll_cq(s->cq, 1, &wc);

	if (n > 0)
		bad("%s: unexpected completion on %s: wr_id %#" PRIx64 " status %s (%d) opcode %d byte_len %u",
		    what, s->name, wc.wr_id, ibv_wc_status_str(wc.status),
		    wc.status, wc.opcode, wc.byte_len);
}

static void expect_wc(const struct side *s, const struct ibv_wc *wc,
		      uint64_t wr_id, enum ibv_wc_opcode opcode,
		      const char *what)
{
	if (wc->status != IBV_WC_SUCCESS)
		bad("%s: %s completion wr_id %#" PRIx64 " has status %s (%d), vendor_err %#x",
		    what, s->name, wc->wr_id, ibv_wc_status_str(wc->status),
		    wc->status, wc->vendor_err);
	if (wc->wr_id != wr_id)
		bad("%s: %s completion has wr_id %#" PRIx64 ", want %#" PRIx64,
		    what, s->name, wc->wr_id, wr_id);
	if (wc->opcode != opcode)
		bad("%s: %s completion has opcode %d, want %d", what, s->name,
		    wc->opcode, opcode);
	if (wc->qp_num != s->qp->qp_num)
		bad("%s: %s completion of QP %#x, want %#x", what, s->name,
		    wc->qp_num, s->qp->qp_num);
}

/* ---- checks of the destination ------------------------------------------- */

static void check_guards(const char *what)
{
	uint64_t i;

	for (i = 0; i < PAGE; i++) {
		if (dmap[i] != GUARD_BYTE)
			bad("%s: the page before the destination changed: byte -%#" PRIx64 " is %#x",
			    what, PAGE - i, dmap[i]);
		if (dst[size + i] != GUARD_BYTE)
			bad("%s: the page after the destination changed: byte %#" PRIx64 " (size + %#" PRIx64 ") is %#x",
			    what, size + i, i, dst[size + i]);
	}
}

/* What the wrong word @v at @off is: data of another offset or op? */
static void explain(uint64_t off, uint64_t v, int op)
{
	/* undo the xorshift, then the multiplication */
	uint64_t x = v ^ (v >> 29) ^ (v >> 58), p = x * k_inv(), o;
	int s;

	if (v == POISON_WORD) {
		printf("bigmsg:   at %#" PRIx64 ": the poison: never written\n", off);
		return;
	}
	if (!v) {
		printf("bigmsg:   at %#" PRIx64 ": zeros\n", off);
		return;
	}
	for (s = 0; s < 4; s++) {
		o = p - seed_of(s);
		if (o < size && !(o & 7)) {
			int64_t d = (int64_t)(off - o);

			printf("bigmsg:   at %#" PRIx64 ": the word of offset %#" PRIx64 " of %s data (displaced by %s%#" PRIx64 ")\n",
			       off, o, s == op ? "this op's" :
			       s < 3 ? op_name[s] : "the negative WRITE's",
			       d < 0 ? "-" : "+", d < 0 ? -(uint64_t)d : (uint64_t)d);
			return;
		}
	}
	printf("bigmsg:   at %#" PRIx64 ": %#018" PRIx64 ", no word of any pattern\n",
	       off, v);
}

/* Every byte of dst must be the data of @seed (op @op). */
static void verify(const char *what, int op, uint64_t seed)
{
	double t = now_s();
	struct job *jobs = run_jobs(J_VERIFY, dst, size, seed, 0);
	uint64_t nbad = 0, first, w, want;
	const struct range *r0 = NULL;
	int t_, i, b;

	for (t_ = 0; t_ < nthreads; t_++) {
		nbad += jobs[t_].nbad;
		if (!r0 && jobs[t_].nr)
			r0 = &jobs[t_].r[0];
	}
	check_guards(what);
	if (!nbad) {
		printf("bigmsg: %s: all %" PRIu64 " bytes right (checked in %.1f s)\n",
		       what, size, now_s() - t);
		return;
	}
	/* the first wrong byte of the first wrong word */
	first = r0->start;
	memcpy(&w, dst + first, 8);
	want = pat(seed, first);
	for (b = 0; b < 8; b++)
		if (((w ^ want) >> (8 * b)) & 0xff)
			break;
	printf("bigmsg: %s: %" PRIu64 " of %" PRIu64 " words wrong; runs of wrong words:\n",
	       what, nbad, size / 8);
	for (t_ = 0; t_ < nthreads; t_++) {
		for (i = 0; i < jobs[t_].nr; i++) {
			const struct range *r = &jobs[t_].r[i];

			printf("bigmsg:   [%#" PRIx64 ", %#" PRIx64 ") %" PRIu64 " bytes\n",
			       r->start, r->end, r->end - r->start);
			memcpy(&w, dst + r->start, 8);
			explain(r->start, w, op);
		}
		if (jobs[t_].more_ranges)
			printf("bigmsg:   ... more in [%#" PRIx64 ", %#" PRIx64 ")\n",
			       jobs[t_].off, jobs[t_].off + jobs[t_].len);
	}
	memcpy(&w, dst + first, 8);
	bad("%s: first wrong byte at offset %#" PRIx64 " (%#x, want %#x), %" PRIu64 " wrong words",
	    what, first + b, (unsigned)(w >> (8 * b)) & 0xff,
	    (unsigned)(want >> (8 * b)) & 0xff, nbad);
}

/* ---- the operations ---------------------------------------------------------- */

static void prepare(int op)
{
	double t = now_s();

	run_jobs(J_FILL, src, size, seed_of(op), 0);
	run_jobs(J_SET, dst, size, 0, POISON);
	printf("bigmsg: %s: source filled (seed %#" PRIx64 "), destination poisoned in %.1f s\n",
	       op_name[op], seed_of(op), now_s() - t);
	fflush(stdout);
}

static void report(int op, double t)
{
	printf("bigmsg: %s of %" PRIu64 " bytes (one WR) took %.2f s: %.1f MB/s\n",
	       op_name[op], size, t, size / 1e6 / t);
	fflush(stdout);
}

static void post_send(struct side *s, struct ibv_send_wr *wr, const char *what)
{
	struct ibv_send_wr *badwr;
	int err = ibv_post_send(s->qp, wr, &badwr);

	if (err)
		bad("%s: post_send on %s: %s", what, s->name, strerror(err));
}

/*
 * One RDMA WRITE (op 0: A's source -> B's destination) or READ (op 1:
 * B's source -> A's destination) of the whole size, posted on A.
 */
static void op_one_sided(int op)
{
	bool rd = op == 1;
	struct ibv_sge sge = { (uintptr_t)(rd ? dst : src), (uint32_t)size,
			       rd ? A.dst_mr->lkey : A.src_mr->lkey };
	struct ibv_send_wr wr = {
		.wr_id = 0x11 * (op + 1), .sg_list = &sge, .num_sge = 1,
		.opcode = rd ? IBV_WR_RDMA_READ : IBV_WR_RDMA_WRITE,
		.send_flags = IBV_SEND_SIGNALED,
		.wr.rdma = { (uintptr_t)(rd ? src : dst),
			     rd ? B.src_mr->rkey : B.dst_mr->rkey },
	};
	const char *what = op_name[op];
	struct ibv_wc wc;
	double t0;

	prepare(op);
	t0 = now_s();
	post_send(&A, &wr, what);
	wait_wc(&A, &wc, t0, what);
	report(op, now_s() - t0);
	expect_wc(&A, &wc, wr.wr_id, rd ? IBV_WC_RDMA_READ : IBV_WC_RDMA_WRITE,
		  what);
	no_more_wc(&A, what);
	no_more_wc(&B, what);
	verify(what, op, seed_of(op));
}

static void op_send(void)
{
	struct ibv_sge ssge = { (uintptr_t)src, (uint32_t)size, A.src_mr->lkey };
	struct ibv_sge rsge = { (uintptr_t)dst, (uint32_t)size, B.dst_mr->lkey };
	struct ibv_send_wr wr = {
		.wr_id = 0x33, .sg_list = &ssge, .num_sge = 1,
		.opcode = IBV_WR_SEND, .send_flags = IBV_SEND_SIGNALED,
	};
	struct ibv_recv_wr rwr = { .wr_id = 0x34, .sg_list = &rsge, .num_sge = 1 };
	struct ibv_recv_wr *badr;
	struct ibv_wc swc, rwc;
	double t0, ts, tr;
	int err;

	prepare(2);
	err = ibv_post_recv(B.qp, &rwr, &badr);
	if (err)
		bad("SEND: post_recv of %" PRIu64 " bytes on %s: %s", size,
		    B.name, strerror(err));
	t0 = now_s();
	post_send(&A, &wr, "SEND");
	/* the receive completes when the data is there, the send when acked */
	wait_wc(&B, &rwc, t0, "SEND (receive)");
	tr = now_s() - t0;
	wait_wc(&A, &swc, t0, "SEND");
	ts = now_s() - t0;
	report(2, ts > tr ? ts : tr);
	expect_wc(&B, &rwc, 0x34, IBV_WC_RECV, "SEND (receive)");
	expect_wc(&A, &swc, 0x33, IBV_WC_SEND, "SEND");
	if (rwc.byte_len != (uint32_t)size)
		bad("SEND: the receive completed with byte_len %u (%#x), want %" PRIu64 " (%#" PRIx64 ")",
		    rwc.byte_len, rwc.byte_len, size, size);
	if (rwc.wc_flags & (IBV_WC_WITH_IMM | IBV_WC_WITH_INV))
		bad("SEND: the receive has wc_flags %#x", rwc.wc_flags);
	no_more_wc(&A, "SEND");
	no_more_wc(&B, "SEND");
	verify("SEND", 2, seed_of(2));
}

/*
 * WRITE of max_msg_sz + 4096 bytes in two SGEs: IBV_WC_LOC_LEN_ERR, or
 * EINVAL from the post; nothing may arrive.  The QP is in error after it.
 */
static void op_too_big(void)
{
	struct ibv_sge sge[2] = {
		{ (uintptr_t)src, (uint32_t)size, A.src_mr->lkey },
		{ (uintptr_t)extra, (uint32_t)PAGE, A.extra_mr->lkey },
	};
	struct ibv_send_wr wr = {
		.wr_id = 0x44, .sg_list = sge, .num_sge = 2,
		.opcode = IBV_WR_RDMA_WRITE, .send_flags = IBV_SEND_SIGNALED,
		/* the target MR reaches past dst: only the length can stop it */
		.wr.rdma = { (uintptr_t)dst, B.dst_mr->rkey },
	};
	struct ibv_send_wr *badwr;
	struct ibv_wc wc;
	double t0;
	int err;

	/* data that must not arrive: dst holds the SEND's, verified */
	run_jobs(J_FILL, src, size, seed_of(3), 0);
	memset(extra, 0x77, PAGE);
	t0 = now_s();
	err = ibv_post_send(A.qp, &wr, &badwr);
	if (err == EINVAL) {
		printf("bigmsg: negative: WRITE of %" PRIu64 " bytes (2 SGEs): post refused with EINVAL\n",
		       size + PAGE);
	} else if (err) {
		bad("negative: post of a WRITE of %" PRIu64 " bytes failed with %s, want IBV_WC_LOC_LEN_ERR or EINVAL",
		    size + PAGE, strerror(err));
	} else {
		wait_wc(&A, &wc, t0, "negative WRITE");
		if (wc.wr_id != 0x44)
			bad("negative: completion wr_id %#" PRIx64 ", want 0x44",
			    wc.wr_id);
		if (wc.status != IBV_WC_LOC_LEN_ERR)
			bad("negative: WRITE of %" PRIu64 " bytes (2 SGEs) completed with %s (%d), want %s (%d)",
			    size + PAGE, ibv_wc_status_str(wc.status),
			    wc.status, ibv_wc_status_str(IBV_WC_LOC_LEN_ERR),
			    IBV_WC_LOC_LEN_ERR);
		printf("bigmsg: negative: WRITE of %" PRIu64 " bytes (2 SGEs) completed with %s (%d) in %.2f s\n",
		       size + PAGE, ibv_wc_status_str(wc.status), wc.status,
		       now_s() - t0);
	}
	/* give a wrongly sent message time to land, then nothing changed */
	usleep(500000);
	no_more_wc(&A, "negative WRITE");
	no_more_wc(&B, "negative WRITE");
	verify("negative WRITE: the target still holds the SEND's data", 2,
	       seed_of(2));
}

static void usage(void)
{
	fprintf(stderr,
		"usage: bigmsg [-a DEV] [-b DEV] [-s SIZE] [-w WAIT_S] [-W STALL_S]\n"
		"              [-t QP_TIMEOUT] [-r RETRY_CNT] [-j THREADS]\n"
		"  -a/-b  requester/responder device (tbib0, tbib1)\n"
		"  -s     message size (default: the port's max_msg_sz; the\n"
		"         negative case runs only at max_msg_sz)\n"
		"  -w     seconds an operation may take (300)\n"
		"  -W     seconds without new data at the target before an\n"
		"         operation counts as hung (60)\n"
		"  -t     QP timeout attribute, 4.096 us << t (18)   -r  retry_cnt (7)\n"
		"  -j     threads that fill and check the buffers (online CPUs)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	uint64_t max_msg;
	double t;
	int c;

	while ((c = getopt(argc, argv, "a:b:s:w:W:t:r:j:")) != -1) {
		switch (c) {
		case 'a': cfg.dev_a = optarg; break;
		case 'b': cfg.dev_b = optarg; break;
		case 's': cfg.size = strtoull(optarg, NULL, 0); break;
		case 'w': cfg.wait_s = atoi(optarg); break;
		case 'W': cfg.stall_s = atoi(optarg); break;
		case 't': cfg.timeout = atoi(optarg); break;
		case 'r': cfg.retry = atoi(optarg); break;
		case 'j': cfg.threads = atoi(optarg); break;
		default: usage();
		}
	}
	if (optind != argc || cfg.wait_s <= 0 || cfg.stall_s <= 0 || cfg.timeout < 0 ||
	    cfg.timeout > 31 || cfg.retry < 0 || cfg.retry > 7 ||
	    cfg.threads < 0 || cfg.threads > MAX_THREADS ||
	    (cfg.size & (PAGE - 1)) || cfg.size > 0x80000000ULL)
		usage();
	nthreads = cfg.threads ? cfg.threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > MAX_THREADS)
		nthreads = MAX_THREADS;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		printf("bigmsg: warning: RLIMIT_MEMLOCK unchanged: %s\n",
		       strerror(errno));

	open_side(&A, cfg.dev_a);
	open_side(&B, cfg.dev_b);
	printf("bigmsg: %s: lid %#x, port max_msg_sz %#x, active_mtu %d, max_mr_size %#" PRIx64 ", max_sge %d\n",
	       A.name, A.pa.lid, A.pa.max_msg_sz,
	       128 << A.pa.active_mtu, (uint64_t)A.da.max_mr_size,
	       A.da.max_sge);
	printf("bigmsg: %s: lid %#x, port max_msg_sz %#x, active_mtu %d, max_mr_size %#" PRIx64 ", max_sge %d\n",
	       B.name, B.pa.lid, B.pa.max_msg_sz,
	       128 << B.pa.active_mtu, (uint64_t)B.da.max_mr_size,
	       B.da.max_sge);
	if (A.pa.max_msg_sz != B.pa.max_msg_sz)
		bad("max_msg_sz differs: %s %#x, %s %#x", A.name,
		    A.pa.max_msg_sz, B.name, B.pa.max_msg_sz);
	max_msg = A.pa.max_msg_sz;
	/* tbib: 2 GiB, what IB allows */
	if (!strncmp(A.name, "tbib", 4) && max_msg != 0x80000000ULL)
		bad("%s: port max_msg_sz is %#" PRIx64 ", want 0x80000000",
		    A.name, max_msg);
	size = cfg.size ? cfg.size : max_msg;
	if (size > max_msg)
		die("-s %#" PRIx64 " is above max_msg_sz %#" PRIx64, size,
		    max_msg);
	if (A.da.max_mr_size < size + 2 * PAGE ||
	    B.da.max_mr_size < size + 2 * PAGE)
		die("max_mr_size below %#" PRIx64, size + 2 * PAGE);
	if (A.da.max_sge < 2)
		die("%s: max_sge %d", A.name, A.da.max_sge);

	t = now_s();
	src = map_buf(size, "source");
	dmap_len = size + 2 * PAGE;
	dmap = map_buf(dmap_len, "destination");
	dst = dmap + PAGE;
	extra = map_buf(PAGE, "extra");
	memset(dmap, GUARD_BYTE, PAGE);
	memset(dst + size, GUARD_BYTE, PAGE);
	printf("bigmsg: %" PRIu64 " + %" PRIu64 " bytes mapped in %.1f s, %d threads fill and check\n",
	       size, dmap_len, now_s() - t, nthreads);
	A.src_mr = reg(&A, src, size, IBV_ACCESS_LOCAL_WRITE, "source");
	B.src_mr = reg(&B, src, size, IBV_ACCESS_LOCAL_WRITE |
		       IBV_ACCESS_REMOTE_READ, "source");
	A.dst_mr = reg(&A, dmap, dmap_len, IBV_ACCESS_LOCAL_WRITE,
		       "destination");
	B.dst_mr = reg(&B, dmap, dmap_len, ACC_ALL, "destination");
	A.extra_mr = reg(&A, extra, PAGE, IBV_ACCESS_LOCAL_WRITE, "extra");
	create_qp(&A);
	create_qp(&B);
	connect_qp(&A, &B);
	connect_qp(&B, &A);
	printf("bigmsg: QP %#x on %s -> QP %#x on %s, timeout %d, retry_cnt %d\n",
	       A.qp->qp_num, A.name, B.qp->qp_num, B.name, cfg.timeout,
	       cfg.retry);

	op_one_sided(0);
	op_one_sided(1);
	op_send();
	if (size == max_msg)
		op_too_big();
	else
		printf("bigmsg: -s below max_msg_sz: no negative case\n");

	t = now_s();
	if (ibv_destroy_qp(A.qp) || ibv_destroy_qp(B.qp))
		die("destroy_qp: %s", strerror(errno));
	if (ibv_dereg_mr(A.src_mr) || ibv_dereg_mr(B.src_mr) ||
	    ibv_dereg_mr(A.dst_mr) || ibv_dereg_mr(B.dst_mr) ||
	    ibv_dereg_mr(A.extra_mr))
		die("dereg_mr: %s", strerror(errno));
	if (ibv_destroy_cq(A.cq) || ibv_destroy_cq(B.cq) ||
	    ibv_dealloc_pd(A.pd) || ibv_dealloc_pd(B.pd))
		die("teardown: %s", strerror(errno));
	ibv_close_device(A.ctx);
	ibv_close_device(B.ctx);
	printf("bigmsg: torn down in %.1f s\n", now_s() - t);
	printf("bigmsg: 3 ops of %" PRIu64 " bytes verified\n", size);
	return 0;
}
