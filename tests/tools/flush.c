// SPDX-License-Identifier: GPL-2.0
/*
 * flush: RDMA FLUSH (IBA annex A19) from a QP of device A to memory of
 * device B in this process (A and B may be one device: loopback).
 *
 *   flush [-a DEV] [-b DEV] [-n]			(default tbib0, tbib0)
 *
 * -n: the kernel has no FLUSH (before 6.2): A reports none, an MR asking
 * for FLUSH_GLOBAL is refused, a FLUSH WQE completes IBV_WC_LOC_QP_OP_ERR.
 *
 * librxe 44 has no ibv_wr_flush() (rdma-core 45 added it), but the rxe
 * ABI carries FLUSH, so this program posts it as a newer librxe does:
 * the send WQE (opcode 14, IB_UVERBS_WR_FLUSH, and the flush member of
 * the WQE's union) goes into the slot at the SQ ring's producer index,
 * the producer index is advanced with a release store and the doorbell
 * is rung (ring.h finds the ring).  librxe 45 puts the length in
 * dma.length and dma.resid and the address also in iova; this program
 * writes those too, and the length into the flush member as well.
 *
 * A is the requester, B the responder that owns the memory; B's QPs
 * allow REMOTE_WRITE | FLUSH_GLOBAL unless said otherwise.  Checked:
 *  1. A reports IB_UVERBS_DEVICE_FLUSH_GLOBAL (device_cap_flags_ex bit
 *     38) and not FLUSH_PERSISTENT (bit 39); on B an MR registers with
 *     IBV_ACCESS_FLUSH_GLOBAL, and one with IBV_ACCESS_FLUSH_PERSISTENT
 *     is refused;
 *  2. 64 RDMA WRITEs of 4 KiB of distinct random data (unsignaled but
 *     the last), then a FLUSH (GLOBAL, RANGE) of the 256 KiB written: the
 *     last WRITE completes IBV_WC_SUCCESS, the FLUSH IBV_WC_SUCCESS with
 *     opcode 8 (IB_UVERBS_WC_FLUSH), and right then B's buffer holds
 *     every byte written; 20 rounds with fresh data;
 *  3. a FLUSH of level MR (the whole MR; address and length 0) succeeds;
 *  4. a FLUSH of length 0 at a valid address succeeds;
 *  5. a FLUSH whose range ends past the MR's end completes
 *     IBV_WC_REM_ACCESS_ERR; also when the length is only where librxe 45
 *     puts it (dma.length/resid, the flush member's length 0);
 *  6. a FLUSH with a bad rkey: IBV_WC_REM_ACCESS_ERR;
 *  7. a FLUSH of an MR registered without FLUSH_GLOBAL (with remote
 *     write): IBV_WC_REM_ACCESS_ERR;
 *  8. a FLUSH to a responder QP without FLUSH_GLOBAL access:
 *     IBV_WC_REM_INV_REQ_ERR;
 *  9. a FLUSH of type PERSISTENT to a responder QP allowing FLUSH_GLOBAL
 *     and FLUSH_PERSISTENT: IBV_WC_REM_ACCESS_ERR (no MR grants it);
 * 10. malformed FLUSH WQEs (type 0, type 4, level 2) and a FLUSH on a
 *     connected UC QP complete IBV_WC_LOC_QP_OP_ERR;
 * 11. after each refused FLUSH (5 to 10) no byte of B's memory changed.
 * A refused FLUSH breaks the QPs: every such case gets a fresh pair.
 *
 * Prints one line per check and "flush: N passed, N failed"; exits 0 if
 * none failed, 1 if one did, 2 if the setup failed.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <infiniband/verbs.h>

#define TOOL_NAME "flush"
#include "tool.h"
#include "ring.h"

/* Not named by the rdma-core 44 headers (the "_" keeps clear of newer ones) */
#define IBV_WR_FLUSH_			14	/* IB_UVERBS_WR_FLUSH */
#define IBV_WC_FLUSH_			8	/* IB_UVERBS_WC_FLUSH */
#define IBV_ACCESS_FLUSH_GLOBAL_	(1 << 8)
#define IBV_ACCESS_FLUSH_PERSISTENT_	(1 << 9)
#define CAP_FLUSH_GLOBAL		(1ULL << 38)
#define CAP_FLUSH_PERSISTENT		(1ULL << 39)
/* FLUSH placement type (bits) and selectivity level */
#define FLUSH_GLOBAL			1
#define FLUSH_PERSISTENT		2
#define FLUSH_RANGE			0
#define FLUSH_MR			1

#define CHUNK		4096
#define N_WRITES	64
#define BUF_SZ		(N_WRITES * CHUNK)	/* B's FLUSH MR; A's source */
#define NF_SZ		(16 * CHUNK)		/* B's MR without FLUSH right */
#define ROUNDS		20
#define SQ_WR		127	/* 128 slots: 64 WRITEs and the FLUSH fit */
#define RW		(IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE)
#define QP_ACC		(IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_FLUSH_GLOBAL_)

/*
 * The flush member of the union wr.wr of struct rxe_send_wr.  The
 * kernel's rdma_user_rxe.h has it since 6.2 and rdma-core's since 45;
 * the rdma-core 44 header on the build host does not, so it is laid
 * over wr.wr here.
 */
struct flush_wr {
	__aligned_u64	remote_addr;
	__u32		length;
	__u32		rkey;
	__u8		type;
	__u8		level;
};

_Static_assert(offsetof(struct flush_wr, length) == 8, "flush.length");
_Static_assert(offsetof(struct flush_wr, rkey) == 12, "flush.rkey");
_Static_assert(offsetof(struct flush_wr, type) == 16, "flush.type");
_Static_assert(offsetof(struct flush_wr, level) == 17, "flush.level");
_Static_assert(sizeof(struct flush_wr) <=
	       sizeof(((struct rxe_send_wr *)0)->wr), "flush in wr.wr");

/* What a FLUSH asks for. */
struct flush_req {
	uint64_t addr;
	uint32_t len;
	uint32_t rkey;
	uint8_t type;
	uint8_t level;
	int dma_only;	/* length only in dma.length/resid, as librxe 45 */
};

struct side {
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	struct ibv_cq *cq;		/* send and receive CQ of its QPs */
	uint16_t lid;
};

/* Two connected QPs: requester on A, its SQ ring located; responder on B */
struct pair {
	struct ibv_qp *a;
	struct ibv_qp *b;
	struct rxe_queue_buf *sq;
	unsigned int sq_log2;
	uint32_t sq_mask;
	uint64_t base;		/* the first wr_id of this pair */
};

static struct side A, B;
static struct pair P;
static struct ibv_mr *mr_src;	/* A: the data the WRITEs send */
static struct ibv_mr *mr_fl;	/* B: RW | FLUSH_GLOBAL */
static struct ibv_mr *mr_nf;	/* B: RW, no FLUSH right */
static uint8_t *src, *buf, *nf;
static uint8_t saved[BUF_SZ], saved_nf[NF_SZ];
static uint64_t next_id = 1;	/* wr_id of the next work request */
static int post_err;		/* of the last failed post */
static uint32_t rnd = 0x6b8b4567;

/* A check failed that the rest cannot do without. */
static void bail(void)
{
	printf("flush: %d passed, %d failed\n", n_pass, n_fail);
	exit(1);
}

static void fill(uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		rnd ^= rnd << 13;
		rnd ^= rnd >> 17;
		rnd ^= rnd << 5;
		p[i] = rnd >> 24;
	}
}

static size_t count_diff(const uint8_t *x, const uint8_t *y, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += x[i] != y[i];
	return n;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void side_open(struct side *s, struct ibv_context *ctx)
{
	struct ibv_port_attr pa;

	memset(s, 0, sizeof(*s));
	s->ctx = ctx;
	s->pd = ibv_alloc_pd(ctx);
	/* room for a whole SQ of flushed WQEs */
	s->cq = ibv_create_cq(ctx, 255, NULL, NULL, 0);
	if (!s->pd || !s->cq || ibv_query_port(ctx, 1, &pa))
		die("pd/cq/port");
	s->lid = pa.lid;
}

static struct ibv_qp *qp_create(struct side *s, enum ibv_qp_type type)
{
	struct ibv_qp_init_attr a = {
		.send_cq = s->cq, .recv_cq = s->cq, .qp_type = type,
		.cap = { .max_send_wr = SQ_WR, .max_recv_wr = 1,
			 .max_send_sge = 1, .max_recv_sge = 1 },
	};
	struct ibv_qp *qp = ibv_create_qp(s->pd, &a);

	if (!qp)
		die("ibv_create_qp");
	return qp;
}

/*
 * The requester QP of @p on A, and its SQ ring: the new uverbs mapping
 * whose slots hold a struct rxe_send_wqe and one SGE (no inline data),
 * rounded up to a power of two as the rxe ABI does.
 */
static void requester_create(struct pair *p, enum ibv_qp_type type)
{
	struct ring_map before[RING_MAXMAP], now[RING_MAXMAP];
	int nb, nn;

	nb = ring_maps(before);
	if (nb < 0)
		die("reading /proc/self/maps");
	p->a = qp_create(&A, type);
	nn = ring_maps(now);
	if (nn < 0)
		die("reading /proc/self/maps");
	p->sq_log2 = ring_log2_slot(sizeof(struct rxe_send_wqe) +
				    sizeof(struct rxe_sge));
	p->sq = ring_find_new(before, nb, now, nn, p->sq_log2);
	if (!p->sq || p->sq->index_mask < N_WRITES + 1)
		die("finding the SQ ring of the requester QP");
	p->sq_mask = p->sq->index_mask;
}

/* @qp to RTS, connected to QP @dqpn at @dlid.  0 or an errno. */
static int qp_connect(struct ibv_qp *qp, uint32_t dqpn, uint16_t dlid,
		      int access)
{
	int rc = qp->qp_type == IBV_QPT_RC, mask, err;
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_INIT, .port_num = 1,
		.qp_access_flags = access,
	};

	err = ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX |
			    IBV_QP_PORT | IBV_QP_ACCESS_FLAGS);
	if (err)
		return err;
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTR;
	a.path_mtu = IBV_MTU_4096;
	a.dest_qp_num = dqpn;
	a.rq_psn = 1;
	a.ah_attr.dlid = dlid;
	a.ah_attr.port_num = 1;
	mask = IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU | IBV_QP_DEST_QPN |
	       IBV_QP_RQ_PSN;
	if (rc) {
		a.max_dest_rd_atomic = 1;
		a.min_rnr_timer = 12;
		mask |= IBV_QP_MAX_DEST_RD_ATOMIC | IBV_QP_MIN_RNR_TIMER;
	}
	err = ibv_modify_qp(qp, &a, mask);
	if (err)
		return err;
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTS;
	a.sq_psn = 1;
	mask = IBV_QP_STATE | IBV_QP_SQ_PSN;
	if (rc) {
		a.timeout = 14;
		a.retry_cnt = 7;
		a.rnr_retry = 7;
		a.max_rd_atomic = 1;
		mask |= IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT | IBV_QP_RNR_RETRY |
			IBV_QP_MAX_QP_RD_ATOMIC;
	}
	return ibv_modify_qp(qp, &a, mask);
}

static void drain(struct ibv_cq *cq)
{
	struct ibv_wc wc;

	while (ibv_poll_cq(cq, 1, &wc) > 0)
		;
}

static void pair_destroy(struct pair *p)
{
	int err;

	if (p->a) {
		err = ibv_destroy_qp(p->a);
		if (err)
			check(0, "destroy of requester QP: %s", strerror(err));
	}
	if (p->b) {
		err = ibv_destroy_qp(p->b);
		if (err)
			check(0, "destroy of responder QP: %s", strerror(err));
	}
	memset(p, 0, sizeof(*p));
	drain(A.cq);
	drain(B.cq);
}

/*
 * A fresh connected pair of @type in @p; the responder allows @access.
 * A responder refusing FLUSH access bits is a failed check (-1), any
 * other connect failure a setup failure.
 */
static int pair_new(struct pair *p, enum ibv_qp_type type, int access,
		    const char *what)
{
	int err;

	pair_destroy(p);
	requester_create(p, type);
	p->b = qp_create(&B, type);
	p->base = next_id;
	if (qp_connect(p->a, p->b->qp_num, B.lid, 0))
		die("connecting the requester QP");
	err = qp_connect(p->b, p->a->qp_num, A.lid, access);
	if (err && (access & (IBV_ACCESS_FLUSH_GLOBAL_ |
			      IBV_ACCESS_FLUSH_PERSISTENT_))) {
		check(0, "%s: responder QP with access %#x: %s", what, access,
		      strerror(err));
		return -1;
	}
	if (err)
		die("connecting the responder QP");
	return 0;
}

/*
 * Post FLUSH @f, signaled, on @p's requester QP as librxe 45's
 * ibv_wr_flush() and ibv_wr_complete() would: the WQE into the slot at
 * the producer index, the index advanced with a release store, the
 * doorbell rung.  Its wr_id, or 0 (post_err).
 */
static uint64_t post_flush(struct pair *p, const struct flush_req *f)
{
	struct flush_wr fw = {
		.remote_addr = f->addr, .length = f->dma_only ? 0 : f->len,
		.rkey = f->rkey, .type = f->type, .level = f->level,
	};
	struct rxe_send_wqe *w;
	uint64_t id = next_id++;
	uint32_t prod;

	if (ring_full(p->sq, p->sq_mask)) {
		post_err = ENOSPC;
		return 0;
	}
	prod = ring_producer(p->sq);
	w = ring_slot(p->sq, prod, p->sq_log2, p->sq_mask);
	memset(w, 0, (size_t)1 << p->sq_log2);
	w->wr.wr_id = id;
	w->wr.opcode = IBV_WR_FLUSH_;
	w->wr.send_flags = IBV_SEND_SIGNALED;
	memcpy(&w->wr.wr, &fw, sizeof(fw));
	w->dma.length = f->len;
	w->dma.resid = f->len;
	w->iova = f->addr;
	ring_advance(p->sq, prod, p->sq_mask);
	/*
	 * Not ibv_post_send(qp, NULL, &bad): librxe 44 returns EINVAL for
	 * an empty list before it rings the doorbell.  Ring it as librxe
	 * does after posting.
	 */
	post_err = ring_doorbell(p->a);
	return post_err ? 0 : id;
}

/*
 * The 64 RDMA WRITEs of a round: chunk i of A's source to chunk i of B's
 * buffer, only the last signaled.  Its wr_id, or 0 (post_err).
 */
static uint64_t post_writes(struct pair *p)
{
	struct ibv_send_wr wr[N_WRITES], *bad;
	struct ibv_sge sge[N_WRITES];
	int i;

	memset(wr, 0, sizeof(wr));
	for (i = 0; i < N_WRITES; i++) {
		sge[i].addr = (uintptr_t)src + (size_t)i * CHUNK;
		sge[i].length = CHUNK;
		sge[i].lkey = mr_src->lkey;
		wr[i].wr_id = next_id++;
		wr[i].next = i + 1 < N_WRITES ? &wr[i + 1] : NULL;
		wr[i].sg_list = &sge[i];
		wr[i].num_sge = 1;
		wr[i].opcode = IBV_WR_RDMA_WRITE;
		wr[i].wr.rdma.remote_addr = (uintptr_t)buf + (size_t)i * CHUNK;
		wr[i].wr.rdma.rkey = mr_fl->rkey;
	}
	wr[N_WRITES - 1].send_flags = IBV_SEND_SIGNALED;
	post_err = ibv_post_send(p->a, wr, &bad);
	return post_err ? 0 : wr[N_WRITES - 1].wr_id;
}

/*
 * The next completion on A's CQ that is not of an earlier pair's QPs
 * (those are skipped), 10 s at most for each.  0, or -1 if none came.
 */
static int next_wc(const struct pair *p, struct ibv_wc *wc)
{
	for (;;) {
		uint64_t end = now_ms() + 10000;
		int n;

		while ((n = ibv_poll_cq(A.cq, 1, wc)) == 0 && now_ms() < end)
			usleep(50);
		if (n != 1)
			return -1;
		if (wc->wr_id >= p->base)
			return 0;
		printf("note: completion of an earlier QP skipped (wr_id %"
		       PRIu64 ", %s)\n", (uint64_t)wc->wr_id,
		       ibv_wc_status_str(wc->status));
	}
}

/*
 * Work request @id (0: its post failed) completes next with @want, and
 * if that is success with opcode @opcode: one check.  1 if so.
 */
static int expect(const struct pair *p, uint64_t id, enum ibv_wc_status want,
		  int opcode, const char *what)
{
	struct ibv_wc wc;
	int ok;

	if (!id) {
		check(0, "%s: post failed: %s", what, strerror(post_err));
		return 0;
	}
	if (next_wc(p, &wc)) {
		check(0, "%s: no completion in 10 s", what);
		return 0;
	}
	if (wc.wr_id != id) {
		check(0, "%s: completion of wr_id %" PRIu64 " (%s) instead of %"
		      PRIu64, what, (uint64_t)wc.wr_id,
		      ibv_wc_status_str(wc.status), id);
		return 0;
	}
	if (want != IBV_WC_SUCCESS) {
		ok = wc.status == want;
		check(ok, "%s: %s (want %s)", what,
		      ibv_wc_status_str(wc.status), ibv_wc_status_str(want));
		return ok;
	}
	ok = wc.status == want && (int)wc.opcode == opcode;
	check(ok, "%s: %s, opcode %d (want %s, opcode %d)", what,
	      ibv_wc_status_str(wc.status), (int)wc.opcode,
	      ibv_wc_status_str(want), opcode);
	return ok;
}

/* 1. */
static void test_caps(const char *name)
{
	struct ibv_device_attr_ex dx;
	struct ibv_mr *mr;
	uint64_t f;

	memset(&dx, 0, sizeof(dx));
	if (ibv_query_device_ex(A.ctx, NULL, &dx))
		die("ibv_query_device_ex");
	f = dx.device_cap_flags_ex;
	check(!!(f & CAP_FLUSH_GLOBAL),
	      "%s reports FLUSH_GLOBAL (device_cap_flags_ex %#" PRIx64
	      ", bit 38)", name, f);
	check(!(f & CAP_FLUSH_PERSISTENT),
	      "%s does not report FLUSH_PERSISTENT (bit 39)", name);

	mr_fl = ibv_reg_mr(B.pd, buf, BUF_SZ, RW | IBV_ACCESS_FLUSH_GLOBAL_);
	check(mr_fl != NULL,
	      "MR with LOCAL_WRITE|REMOTE_WRITE|FLUSH_GLOBAL registers%s%s",
	      mr_fl ? "" : ": ", mr_fl ? "" : strerror(errno));
	errno = 0;
	mr = ibv_reg_mr(B.pd, buf, BUF_SZ, RW | IBV_ACCESS_FLUSH_PERSISTENT_);
	check(!mr,
	      "MR with LOCAL_WRITE|REMOTE_WRITE|FLUSH_PERSISTENT refused (%s)",
	      mr ? "it registered" : strerror(errno));
	if (mr)
		ibv_dereg_mr(mr);
	if (!mr_fl)
		bail();
}

/* 2. */
static void test_data_then_flush(void)
{
	const char *what = "64 WRITEs then FLUSH";
	struct flush_req f = {
		.addr = (uintptr_t)buf, .len = BUF_SZ, .rkey = mr_fl->rkey,
		.type = FLUSH_GLOBAL, .level = FLUSH_RANGE,
	};
	struct ibv_wc ww, fw;
	uint64_t id_w, id_f;
	int r, i, ok, got_w, got_f;
	size_t diff;

	for (r = 0; r < ROUNDS; r++) {
		/* the first round, and a round after a failed one */
		if (!P.a && pair_new(&P, IBV_QPT_RC, QP_ACC, what))
			return;
		fill(src, BUF_SZ);
		/* distinct chunks whatever the generator does */
		for (i = 0; i < N_WRITES; i++) {
			uint64_t tag = (uint64_t)r << 32 | (uint64_t)i;

			memcpy(src + (size_t)i * CHUNK, &tag, sizeof(tag));
		}
		id_w = post_writes(&P);
		id_f = id_w ? post_flush(&P, &f) : 0;
		if (!id_w || !id_f) {
			check(0, "%s, round %d: post of the %s failed: %s",
			      what, r, id_w ? "FLUSH" : "WRITEs",
			      strerror(post_err));
			pair_destroy(&P);
			continue;
		}
		got_w = !next_wc(&P, &ww);
		got_f = got_w && !next_wc(&P, &fw);
		/* B's memory at the moment the FLUSH completed */
		diff = got_f ? count_diff(buf, src, BUF_SZ) : BUF_SZ;
		ok = got_w && ww.wr_id == id_w && ww.status == IBV_WC_SUCCESS &&
		     ww.opcode == IBV_WC_RDMA_WRITE;
		ok = ok && got_f && fw.wr_id == id_f &&
		     fw.status == IBV_WC_SUCCESS &&
		     (int)fw.opcode == IBV_WC_FLUSH_ && !diff;
		if (!got_w || !got_f) {
			/* something is badly stuck: no more rounds */
			check(0, "%s, round %d: no %s completion in 10 s", what,
			      r, got_w ? "FLUSH" : "WRITE");
			pair_destroy(&P);
			return;
		}
		check(ok, "%s, round %d: last WRITE (wr_id %" PRIu64 ", want %"
		      PRIu64 ") %s; FLUSH (wr_id %" PRIu64 ", want %" PRIu64
		      ") %s, opcode %d (want %d); %zu of %d bytes of B differ",
		      what, r, (uint64_t)ww.wr_id, id_w,
		      ibv_wc_status_str(ww.status), (uint64_t)fw.wr_id, id_f,
		      ibv_wc_status_str(fw.status), (int)fw.opcode,
		      IBV_WC_FLUSH_, diff, BUF_SZ);
		if (!ok)
			pair_destroy(&P);
	}
}

/* 3. and 4. */
static void test_flush_ok(void)
{
	struct flush_req whole = {
		.addr = 0, .len = 0, .rkey = mr_fl->rkey,
		.type = FLUSH_GLOBAL, .level = FLUSH_MR,
	};
	struct flush_req empty = {
		.addr = (uintptr_t)buf + CHUNK, .len = 0, .rkey = mr_fl->rkey,
		.type = FLUSH_GLOBAL, .level = FLUSH_RANGE,
	};
	const char *w1 = "FLUSH level MR (address and length 0)";
	const char *w2 = "FLUSH of length 0 at a valid address";

	if (!pair_new(&P, IBV_QPT_RC, QP_ACC, w1))
		expect(&P, post_flush(&P, &whole), IBV_WC_SUCCESS,
		       IBV_WC_FLUSH_, w1);
	if (!pair_new(&P, IBV_QPT_RC, QP_ACC, w2))
		expect(&P, post_flush(&P, &empty), IBV_WC_SUCCESS,
		       IBV_WC_FLUSH_, w2);
}

/*
 * FLUSH @f on a fresh pair of @type whose responder allows @access
 * completes with @want, and no byte of B's memory changes.
 */
static void refused(enum ibv_qp_type type, int access,
		    const struct flush_req *f, enum ibv_wc_status want,
		    const char *what)
{
	if (pair_new(&P, type, access, what))
		return;
	memcpy(saved, buf, BUF_SZ);
	memcpy(saved_nf, nf, NF_SZ);
	expect(&P, post_flush(&P, f), want, IBV_WC_FLUSH_, what);
	usleep(100000);
	check(!memcmp(saved, buf, BUF_SZ) && !memcmp(saved_nf, nf, NF_SZ),
	      "%s: B's memory unchanged", what);
}

/* 5. to 11. */
static void test_refused(void)
{
	uint32_t rk = mr_fl->rkey;
	/* the same MR index, another key byte */
	uint32_t bad_rk = (rk & ~0xffu) | ((rk + 0x5b) & 0xff);
	struct flush_req past = {
		.addr = (uintptr_t)buf + BUF_SZ - CHUNK, .len = 2 * CHUNK,
		.rkey = rk, .type = FLUSH_GLOBAL, .level = FLUSH_RANGE,
	};
	struct flush_req f = {
		.addr = (uintptr_t)buf, .len = CHUNK, .rkey = rk,
		.type = FLUSH_GLOBAL, .level = FLUSH_RANGE,
	};

	refused(IBV_QPT_RC, QP_ACC, &past, IBV_WC_REM_ACCESS_ERR,
		"FLUSH of [end - 4K, end + 4K) of the MR, past its end");
	past.dma_only = 1;
	refused(IBV_QPT_RC, QP_ACC, &past, IBV_WC_REM_ACCESS_ERR,
		"FLUSH past the MR's end, length only in dma (as librxe 45)");

	f.rkey = bad_rk;
	refused(IBV_QPT_RC, QP_ACC, &f, IBV_WC_REM_ACCESS_ERR,
		"FLUSH with a bad rkey");

	f.rkey = mr_nf->rkey;
	f.addr = (uintptr_t)nf;
	refused(IBV_QPT_RC, QP_ACC, &f, IBV_WC_REM_ACCESS_ERR,
		"FLUSH of an MR without FLUSH_GLOBAL");
	f.rkey = rk;
	f.addr = (uintptr_t)buf;

	refused(IBV_QPT_RC, IBV_ACCESS_REMOTE_WRITE, &f, IBV_WC_REM_INV_REQ_ERR,
		"FLUSH to a responder QP without FLUSH_GLOBAL");

	f.type = FLUSH_PERSISTENT;
	refused(IBV_QPT_RC, QP_ACC | IBV_ACCESS_FLUSH_PERSISTENT_, &f,
		IBV_WC_REM_ACCESS_ERR,
		"FLUSH type PERSISTENT to a QP allowing GLOBAL|PERSISTENT");

	f.type = 0;
	refused(IBV_QPT_RC, QP_ACC, &f, IBV_WC_LOC_QP_OP_ERR,
		"malformed FLUSH WQE: type 0");
	f.type = 4;
	refused(IBV_QPT_RC, QP_ACC, &f, IBV_WC_LOC_QP_OP_ERR,
		"malformed FLUSH WQE: type 4");
	f.type = FLUSH_GLOBAL;
	f.level = 2;
	refused(IBV_QPT_RC, QP_ACC, &f, IBV_WC_LOC_QP_OP_ERR,
		"malformed FLUSH WQE: level 2");
	f.level = FLUSH_RANGE;

	/* refused by the requester: the responder's rights do not matter */
	refused(IBV_QPT_UC, IBV_ACCESS_REMOTE_WRITE, &f, IBV_WC_LOC_QP_OP_ERR,
		"FLUSH on a UC QP");
}

/*
 * -n: a kernel without FLUSH (before 6.2): nothing reported, an MR asking
 * for FLUSH_GLOBAL refused, and a FLUSH WQE is a local QP operation error.
 */
static void test_absent(const char *name)
{
	struct ibv_device_attr_ex dx;
	struct flush_req f = {
		.addr = (uintptr_t)nf, .len = CHUNK, .rkey = mr_nf->rkey,
		.type = FLUSH_GLOBAL, .level = FLUSH_RANGE,
	};
	struct ibv_mr *mr;

	memset(&dx, 0, sizeof(dx));
	if (ibv_query_device_ex(A.ctx, NULL, &dx))
		die("ibv_query_device_ex");
	check(!(dx.device_cap_flags_ex & (CAP_FLUSH_GLOBAL | CAP_FLUSH_PERSISTENT)),
	      "%s reports no FLUSH (device_cap_flags_ex %#" PRIx64 ")", name,
	      (uint64_t)dx.device_cap_flags_ex);
	mr = ibv_reg_mr(B.pd, buf, BUF_SZ, RW | IBV_ACCESS_FLUSH_GLOBAL_);
	check(!mr, "MR with FLUSH_GLOBAL refused");
	if (mr)
		ibv_dereg_mr(mr);
	refused(IBV_QPT_RC, IBV_ACCESS_REMOTE_WRITE, &f, IBV_WC_LOC_QP_OP_ERR,
		"FLUSH where the kernel has none");
}

int main(int argc, char **argv)
{
	const char *da = "tbib0", *db = "tbib0";
	int c, absent = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt(argc, argv, "a:b:n")) != -1) {
		switch (c) {
		case 'a': da = optarg; break;
		case 'b': db = optarg; break;
		case 'n': absent = 1; break;
		default:
			fprintf(stderr, "usage: flush [-a DEV] [-b DEV] [-n]\n");
			return 2;
		}
	}
	side_open(&A, open_dev(da));
	side_open(&B, strcmp(da, db) ? open_dev(db) : A.ctx);

	src = aligned_alloc(4096, BUF_SZ);
	buf = aligned_alloc(4096, BUF_SZ);
	nf = aligned_alloc(4096, NF_SZ);
	if (!src || !buf || !nf)
		die("aligned_alloc");
	fill(src, BUF_SZ);
	fill(buf, BUF_SZ);
	fill(nf, NF_SZ);
	mr_src = ibv_reg_mr(A.pd, src, BUF_SZ, IBV_ACCESS_LOCAL_WRITE);
	mr_nf = ibv_reg_mr(B.pd, nf, NF_SZ, RW);
	if (!mr_src || !mr_nf)
		die("ibv_reg_mr");

	if (absent) {
		test_absent(da);
	} else {
		test_caps(da);
		test_data_then_flush();
		test_flush_ok();
		test_refused();
	}

	pair_destroy(&P);
	if (mr_fl)
		ibv_dereg_mr(mr_fl);
	ibv_dereg_mr(mr_nf);
	ibv_dereg_mr(mr_src);

	printf("flush: %d passed, %d failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}
