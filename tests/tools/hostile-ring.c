// SPDX-License-Identifier: GPL-2.0
/*
 * hostile-ring: write garbage into the rings a tbib device shares with
 * the process and check that the kernel answers like an HCA (error
 * completions, error states, EINVAL) and never trusts what it reads.
 *
 *   hostile-ring [DEVICE]     (default tbib0)
 *
 * The rings are found without relying on librxe's private structures:
 * every ring is an mmap of the uverbs file, so the mappings that appear
 * in /proc/self/maps when a QP or CQ is created are its rings, and their
 * rxe_queue_buf header (element size, index mask) tells SQ from RQ.
 *
 * Needs no peer.  With no transport registered (or with one), a WQE that
 * is malformed must complete with LOC_QP_OP_ERR / LOC_LEN_ERR and move an
 * RC QP to ERROR, a UC/UD QP to SQE; everything behind it is flushed.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <infiniband/verbs.h>
#include <rdma/ib_user_verbs.h>
#include <rdma/rdma_user_rxe.h>

#include "ring.h"

static int failures;
static struct ibv_context *ctx;
static struct ibv_pd *pd;
static struct ibv_mr *mr;
static struct ibv_cq *cq;
static struct ibv_ah *ah;
static uint16_t lid;
static char buf[1 << 16];

static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", ok ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		failures++;
}

static void die(const char *what)
{
	printf("FAIL: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* ---- finding rings (ring.h) ---------------------------------------------- */

static int uverbs_maps(struct ring_map *m)
{
	int n = ring_maps(m);

	if (n < 0)
		die("/proc/self/maps");
	return n;
}

/* The new ring (mapped since @before was taken) with this element size. */
static struct rxe_queue_buf *new_ring(const struct ring_map *before,
				      int nbefore, unsigned int log2_elem)
{
	struct ring_map now[RING_MAXMAP];
	int n = uverbs_maps(now);

	return ring_find_new(before, nbefore, now, n, log2_elem);
}

/* ---- raw uverbs commands ------------------------------------------------ */

/* POST_SEND carrying one real work request, which librxe never sends. */
static int post_send_with_wr(struct ibv_qp *qp)
{
	struct {
		struct ib_uverbs_cmd_hdr hdr;
		struct ib_uverbs_post_send cmd;
		struct ib_uverbs_send_wr wr;
		struct ib_uverbs_sge sge;
	} req;
	struct ib_uverbs_post_send_resp resp;

	memset(&req, 0, sizeof(req));
	req.hdr.command = IB_USER_VERBS_CMD_POST_SEND;
	req.hdr.in_words = sizeof(req) / 4;
	req.hdr.out_words = sizeof(resp) / 4;
	req.cmd.response = (uintptr_t)&resp;
	req.cmd.qp_handle = qp->handle;
	req.cmd.wr_count = 1;
	req.cmd.sge_count = 1;
	req.cmd.wqe_size = sizeof(struct ib_uverbs_send_wr);
	req.wr.wr_id = 0x3e3e;
	req.wr.num_sge = 1;
	req.wr.opcode = IB_UVERBS_WR_SEND;
	req.sge.addr = (uintptr_t)buf;
	req.sge.length = 8;
	req.sge.lkey = mr->lkey;
	if (write(qp->context->cmd_fd, &req, sizeof(req)) != sizeof(req))
		return errno;
	return 0;
}

/* ---- QP helpers ------------------------------------------------------------ */

struct tqp {
	struct ibv_qp *qp;
	struct rxe_queue_buf *sq, *rq;
	unsigned int sq_log2, rq_log2;
	uint32_t sq_mask, rq_mask;
};

static int modify(struct ibv_qp *qp, enum ibv_qp_state s)
{
	struct ibv_qp_attr a = {
		.qp_state = s, .port_num = 1, .qkey = 0x11111111,
		.qp_access_flags = IBV_ACCESS_REMOTE_WRITE,
		.path_mtu = IBV_MTU_4096, .dest_qp_num = 0x42,
		.ah_attr = { .dlid = lid, .port_num = 1 },
		.max_dest_rd_atomic = 1, .min_rnr_timer = 1,
		.timeout = 14, .retry_cnt = 7, .rnr_retry = 7, .max_rd_atomic = 1,
	};
	int mask = IBV_QP_STATE;

	if (s == IBV_QPS_INIT)
		mask |= IBV_QP_PKEY_INDEX | IBV_QP_PORT |
			(qp->qp_type == IBV_QPT_UD ? IBV_QP_QKEY : IBV_QP_ACCESS_FLAGS);
	if (s == IBV_QPS_RTR && qp->qp_type != IBV_QPT_UD)
		mask |= IBV_QP_AV | IBV_QP_PATH_MTU | IBV_QP_DEST_QPN | IBV_QP_RQ_PSN;
	if (s == IBV_QPS_RTR && qp->qp_type == IBV_QPT_RC)
		mask |= IBV_QP_MAX_DEST_RD_ATOMIC | IBV_QP_MIN_RNR_TIMER;
	if (s == IBV_QPS_RTS)
		mask |= IBV_QP_SQ_PSN;
	if (s == IBV_QPS_RTS && qp->qp_type == IBV_QPT_RC)
		mask |= IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT | IBV_QP_RNR_RETRY |
			IBV_QP_MAX_QP_RD_ATOMIC;
	return ibv_modify_qp(qp, &a, mask);
}

static int to_rts(struct ibv_qp *qp)
{
	return modify(qp, IBV_QPS_INIT) || modify(qp, IBV_QPS_RTR) ||
	       modify(qp, IBV_QPS_RTS);
}

static enum ibv_qp_state state_of(struct ibv_qp *qp)
{
	struct ibv_qp_attr a;
	struct ibv_qp_init_attr ia;

	if (ibv_query_qp(qp, &a, IBV_QP_STATE, &ia))
		return (enum ibv_qp_state)-1;
	return a.qp_state;
}

/*
 * An RC/UC/UD QP with a 64-slot SQ (256-byte slots: one SGE or 48 bytes
 * inline) and a 128-slot RQ (64-byte slots), in RTS, its rings located.
 */
static void make_qp(struct tqp *t, enum ibv_qp_type type, struct ibv_cq *qcq)
{
	struct ibv_qp_init_attr ia = {
		.send_cq = qcq, .recv_cq = qcq, .qp_type = type,
		.cap = { .max_send_wr = 63, .max_recv_wr = 127,
			 .max_send_sge = 1, .max_recv_sge = 1 },
	};
	struct ring_map before[RING_MAXMAP];
	int n = uverbs_maps(before);

	memset(t, 0, sizeof(*t));
	t->qp = ibv_create_qp(pd, &ia);
	if (!t->qp)
		die("ibv_create_qp");
	t->sq_log2 = 8;
	t->rq_log2 = 6;
	t->sq = new_ring(before, n, t->sq_log2);
	t->rq = new_ring(before, n, t->rq_log2);
	if (!t->sq || !t->rq || t->sq->index_mask != 63 || t->rq->index_mask != 127) {
		printf("FAIL: rings of the new QP not found\n");
		exit(1);
	}
	t->sq_mask = t->sq->index_mask;
	t->rq_mask = t->rq->index_mask;
	if (to_rts(t->qp))
		die("QP to RTS");
}

/* Put a WQE into the SQ ring behind librxe's back. */
static struct rxe_send_wqe *sq_put(struct tqp *t, uint64_t wr_id, uint32_t opcode,
				   uint32_t flags)
{
	uint32_t prod = ring_producer(t->sq);
	struct rxe_send_wqe *w = ring_slot(t->sq, prod, t->sq_log2, t->sq_mask);

	memset(w, 0, 1u << t->sq_log2);
	w->wr.wr_id = wr_id;
	w->wr.opcode = opcode;
	w->wr.send_flags = flags;
	ring_advance(t->sq, prod, t->sq_mask);
	return w;
}

/* A valid signaled SEND through librxe: lands behind the garbage. */
static int post_valid(struct tqp *t, uint64_t wr_id)
{
	struct ibv_sge sge = { .addr = (uintptr_t)buf, .length = 16,
			       .lkey = mr->lkey };
	struct ibv_send_wr wr = { .wr_id = wr_id, .sg_list = &sge, .num_sge = 1,
				  .opcode = IBV_WR_SEND,
				  .send_flags = IBV_SEND_SIGNALED }, *bad;

	if (t->qp->qp_type == IBV_QPT_UD) {
		wr.wr.ud.ah = ah;	/* librxe reads the AH of a UD WR */
		wr.wr.ud.remote_qpn = 1;
		wr.wr.ud.remote_qkey = 0x11111111;
	}
	return ibv_post_send(t->qp, &wr, &bad);
}

/* Collect completions of @q for up to @ms (stops early at @want). */
static int collect(struct ibv_cq *q, struct ibv_wc *wc, int max, int want, int ms)
{
	int n = 0;

	while (ms-- > 0 && n < max) {
		int r = ibv_poll_cq(q, max - n, wc + n);

		if (r < 0)
			return -1;
		n += r;
		if (n >= want)
			break;
		usleep(1000);
	}
	return n;
}

static const struct ibv_wc *find(const struct ibv_wc *wc, int n, uint64_t id,
				 int *count)
{
	const struct ibv_wc *hit = NULL;
	int i;

	*count = 0;
	for (i = 0; i < n; i++)
		if (wc[i].wr_id == id) {
			hit = &wc[i];
			(*count)++;
		}
	return hit;
}

static void drain(struct ibv_cq *q)
{
	struct ibv_wc wc[64];

	while (ibv_poll_cq(q, 64, wc) > 0)
		;
}

/*
 * One malformed WQE at the head of a fresh QP's SQ, a valid WR behind it:
 * the bad one completes with @want and the QP goes to @want_state, the
 * valid one is flushed.
 */
static void bad_head(const char *what, enum ibv_qp_type type,
		     void (*fill)(struct rxe_send_wqe *w),
		     uint32_t opcode, uint32_t flags,
		     enum ibv_wc_status want, enum ibv_qp_state want_state)
{
	struct ibv_wc wc[16];
	const struct ibv_wc *b, *g;
	struct tqp t;
	int n, nb, ng, r;

	make_qp(&t, type, cq);
	fill(sq_put(&t, 0xbad0, opcode, flags));
	r = post_valid(&t, 0x600d);
	check(r == 0, "%s: doorbell after garbage accepted (%d)", what, r);
	n = collect(cq, wc, 16, 2, 3000);
	b = find(wc, n, 0xbad0, &nb);
	check(b && nb == 1 && b->status == want,
	      "%s: bad WQE completes once with status %d (got %d, n %d)", what,
	      want, b ? (int)b->status : -1, nb);
	g = find(wc, n, 0x600d, &ng);
	check(g && ng == 1 && g->status == IBV_WC_WR_FLUSH_ERR,
	      "%s: the valid WR behind it is flushed (status %d)", what,
	      g ? (int)g->status : -1);
	check(b && g && b < g, "%s: completions in order", what);
	check(state_of(t.qp) == want_state, "%s: QP in state %d (is %d)", what,
	      want_state, state_of(t.qp));
	if (want_state == IBV_QPS_SQE) {
		struct ibv_qp_attr a = { .qp_state = IBV_QPS_RTS };

		check(ibv_modify_qp(t.qp, &a, IBV_QP_STATE) == 0, "%s: SQE -> RTS",
		      what);
		check(state_of(t.qp) == IBV_QPS_RTS, "%s: back in RTS", what);
	}
	check(ibv_destroy_qp(t.qp) == 0, "%s: destroy", what);
	drain(cq);
}

static void fill_none(struct rxe_send_wqe *w)
{
	(void)w;
}

static void fill_huge_sge(struct rxe_send_wqe *w)
{
	w->dma.num_sge = 0xffffffff;
	w->dma.length = 100;
}

static void fill_many_sge(struct rxe_send_wqe *w)
{
	w->dma.num_sge = 2;	/* the QP was created with one */
}

static void fill_huge_inline(struct rxe_send_wqe *w)
{
	w->dma.length = 0x7fffffff;
}

static void fill_bad_ah(struct rxe_send_wqe *w)
{
	w->wr.wr.ud.ah_num = 0x7fffffff;
	w->wr.wr.ud.remote_qpn = 1;
	w->dma.num_sge = 0;
}

static void fill_huge_len(struct rxe_send_wqe *w)
{
	/* one SGE of 4 GiB - 1: more than the 2 GiB an IB message may have */
	w->dma.num_sge = 1;
	w->dma.sge[0].addr = (uintptr_t)buf;
	w->dma.sge[0].length = 0xffffffff;
	w->dma.sge[0].lkey = mr->lkey;
}

/* A structurally valid SEND whose lkey does not exist. */
static void test_bad_lkey(void)
{
	struct ibv_wc wc[16];
	const struct ibv_wc *b;
	struct rxe_send_wqe *w;
	struct tqp t;
	int n, nb;

	make_qp(&t, IBV_QPT_RC, cq);
	w = sq_put(&t, 0xbad1, IBV_WR_SEND, IBV_SEND_SIGNALED);
	w->dma.num_sge = 1;
	w->dma.length = 100;
	w->dma.sge[0].addr = (uintptr_t)buf;
	w->dma.sge[0].length = 100;
	w->dma.sge[0].lkey = mr->lkey ^ 0x5a5a5a00;
	check(ring_doorbell(t.qp) == 0, "bad lkey: doorbell");
	usleep(300000);
	/* a transport fails it (LOC_PROT_ERR); without one it waits */
	check(modify(t.qp, IBV_QPS_ERR) == 0, "bad lkey: QP to ERR");
	n = collect(cq, wc, 16, 1, 3000);
	b = find(wc, n, 0xbad1, &nb);
	check(b && nb == 1 && (b->status == IBV_WC_LOC_PROT_ERR ||
			       b->status == IBV_WC_WR_FLUSH_ERR),
	      "bad lkey: completes once, LOC_PROT_ERR or flushed (status %d)",
	      b ? (int)b->status : -1);
	check(ibv_destroy_qp(t.qp) == 0, "bad lkey: destroy");
	drain(cq);
}

/* Producer index far outside the ring, then garbage everywhere. */
static void test_indices_and_garbage(void)
{
	struct ibv_wc wc[256];
	struct ibv_cq *gcq;
	struct tqp t;
	uint32_t i;
	int n, r;

	make_qp(&t, IBV_QPT_RC, cq);
	t.sq->producer_index = 0xdeadbeef;
	r = ring_doorbell(t.qp);
	check(r == 0, "producer 0xdeadbeef: doorbell does not fail (%d)", r);
	usleep(200000);
	check(modify(t.qp, IBV_QPS_ERR) == 0, "producer 0xdeadbeef: QP to ERR");
	n = collect(cq, wc, 256, 256, 1000);
	check(n >= 0 && n <= 63, "producer 0xdeadbeef: at most one ring of "
	      "completions (%d)", n);
	check(modify(t.qp, IBV_QPS_RESET) == 0 && t.sq->producer_index == 0 &&
	      t.sq->consumer_index == 0, "RESET empties the ring (prod %u cons %u)",
	      t.sq->producer_index, t.sq->consumer_index);
	check(to_rts(t.qp) == 0, "QP usable again after RESET");
	r = post_valid(&t, 0x600e);
	check(r == 0, "valid post after RESET");
	check(modify(t.qp, IBV_QPS_ERR) == 0, "to ERR");
	n = collect(cq, wc, 256, 1, 3000);
	check(n == 1 && wc[0].wr_id == 0x600e,
	      "the valid WR completes once after RESET (n %d)", n);
	drain(cq);

	check(ibv_destroy_qp(t.qp) == 0, "destroy");

	/*
	 * Garbage in every byte of both rings, headers included.  Each
	 * doorbell in ERR flushes whatever the producer index claims, so
	 * this floods its CQ: give it one of its own.
	 */
	gcq = ibv_create_cq(ctx, 255, NULL, NULL, 0);
	if (!gcq)
		die("ibv_create_cq");
	make_qp(&t, IBV_QPT_RC, gcq);
	srand(4711);
	for (i = 0; i < (64u << t.sq_log2); i++)
		t.sq->data[i] = rand();
	for (i = 0; i < (128u << t.rq_log2); i++)
		t.rq->data[i] = rand();
	t.sq->log2_elem_size = rand();
	t.sq->index_mask = rand();
	t.sq->consumer_index = rand();
	t.rq->log2_elem_size = rand();
	t.rq->index_mask = rand();
	t.rq->producer_index = rand();
	t.rq->consumer_index = rand();
	for (i = 0; i < 20; i++) {
		t.sq->producer_index = rand();
		r = ring_doorbell(t.qp);
		if (r)
			break;
	}
	check(r == 0, "garbage everywhere: 20 doorbells accepted");
	usleep(300000);
	modify(t.qp, IBV_QPS_ERR);
	n = collect(gcq, wc, 256, 256, 1500);
	check(n >= 0, "garbage everywhere: %d completions, no crash", n);
	check(ibv_destroy_qp(t.qp) == 0 && ibv_destroy_cq(gcq) == 0,
	      "garbage everywhere: destroy");
}

/* Receive ring garbage: flushed with its wr_ids, num_sge never trusted. */
static void test_rq_garbage(void)
{
	struct ibv_wc wc[16];
	struct rxe_recv_wqe *w;
	struct tqp t;
	int i, n, flushed = 0;

	make_qp(&t, IBV_QPT_RC, cq);
	for (i = 0; i < 4; i++) {
		w = ring_slot(t.rq, i, t.rq_log2, t.rq_mask);
		memset(w, 0xff, 1u << t.rq_log2);
		w->wr_id = 0x4ec0 + i;
		w->dma.num_sge = i ? 0xffffffff : 0x10000;
	}
	ring_publish(t.rq, 4);
	check(modify(t.qp, IBV_QPS_ERR) == 0, "RQ garbage: QP to ERR");
	n = collect(cq, wc, 16, 4, 3000);
	for (i = 0; i < n; i++)
		if (wc[i].wr_id >= 0x4ec0 && wc[i].wr_id < 0x4ec4 &&
		    wc[i].status == IBV_WC_WR_FLUSH_ERR &&
		    wc[i].opcode == IBV_WC_RECV)
			flushed++;
	check(flushed == 4, "RQ garbage: 4 receives flushed (%d of %d)", flushed, n);
	check(ibv_destroy_qp(t.qp) == 0, "RQ garbage: destroy");
	drain(cq);
}

/* A hostile consumer index makes the CQ look full: CQ error event. */
static void test_cq_overflow(void)
{
	struct ring_map before[RING_MAXMAP];
	struct ibv_async_event ev;
	struct rxe_queue_buf *q;
	struct ibv_cq *small;
	struct pollfd pfd;
	struct tqp t;
	int n, r, got = 0;

	n = uverbs_maps(before);
	small = ibv_create_cq(ctx, 15, NULL, NULL, 0);
	if (!small)
		die("ibv_create_cq");
	q = new_ring(before, n, 6);
	check(q && q->index_mask == 15, "small CQ ring found");
	if (!q)
		return;
	q->consumer_index = (q->producer_index + 1) & q->index_mask;

	make_qp(&t, IBV_QPT_RC, small);
	sq_put(&t, 0xbad2, 0x55, IBV_SEND_SIGNALED);
	check(ring_doorbell(t.qp) == 0, "CQ overflow: doorbell");
	pfd.fd = ctx->async_fd;
	pfd.events = POLLIN;
	while ((r = poll(&pfd, 1, 3000)) == 1 && !ibv_get_async_event(ctx, &ev)) {
		if (ev.event_type == IBV_EVENT_CQ_ERR && ev.element.cq == small)
			got++;
		ibv_ack_async_event(&ev);
		if (got)
			break;
	}
	check(got == 1, "CQ overflow raises IBV_EVENT_CQ_ERR");
	usleep(200000);
	check(state_of(t.qp) == IBV_QPS_ERR, "CQ overflow: QP in ERR");
	check(ibv_destroy_qp(t.qp) == 0 && ibv_destroy_cq(small) == 0,
	      "CQ overflow: destroy QP and CQ");
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "tbib0";
	struct ibv_device **list;
	struct ibv_port_attr pa;
	struct tqp t;
	int i, n, r;

	list = ibv_get_device_list(&n);
	if (!list)
		die("ibv_get_device_list");
	for (i = 0; i < n; i++)
		if (!strcmp(ibv_get_device_name(list[i]), name))
			break;
	if (i == n) {
		printf("FAIL: no device %s\n", name);
		return 1;
	}
	ctx = ibv_open_device(list[i]);
	if (!ctx)
		die("ibv_open_device");
	ibv_free_device_list(list);
	if (ibv_query_port(ctx, 1, &pa))
		die("ibv_query_port");
	lid = pa.lid ? pa.lid : 1;
	pd = ibv_alloc_pd(ctx);
	mr = pd ? ibv_reg_mr(pd, buf, sizeof(buf), IBV_ACCESS_LOCAL_WRITE) : NULL;
	cq = ibv_create_cq(ctx, 255, NULL, NULL, 0);
	{
		struct ibv_ah_attr aa = { .dlid = lid, .port_num = 1 };

		ah = pd ? ibv_create_ah(pd, &aa) : NULL;
	}
	if (!pd || !mr || !cq || !ah)
		die("setup");

	bad_head("bad opcode", IBV_QPT_RC, fill_none, 0x55, IBV_SEND_SIGNALED,
		 IBV_WC_LOC_QP_OP_ERR, IBV_QPS_ERR);
	bad_head("kernel-only opcode REG_MR", IBV_QPT_RC, fill_none,
		 0x20 /* the kernel's IB_WR_REG_MR */, 0, IBV_WC_LOC_QP_OP_ERR,
		 IBV_QPS_ERR);
	bad_head("unknown send flag", IBV_QPT_RC, fill_none, IBV_WR_SEND,
		 0x80000000, IBV_WC_LOC_QP_OP_ERR, IBV_QPS_ERR);
	bad_head("num_sge 0xffffffff", IBV_QPT_RC, fill_huge_sge, IBV_WR_SEND, 0,
		 IBV_WC_LOC_QP_OP_ERR, IBV_QPS_ERR);
	bad_head("num_sge above the QP's", IBV_QPT_RC, fill_many_sge, IBV_WR_SEND,
		 0, IBV_WC_LOC_QP_OP_ERR, IBV_QPS_ERR);
	bad_head("inline 2 GiB", IBV_QPT_RC, fill_huge_inline, IBV_WR_SEND,
		 IBV_SEND_INLINE, IBV_WC_LOC_LEN_ERR, IBV_QPS_ERR);
	bad_head("inline READ", IBV_QPT_RC, fill_none, IBV_WR_RDMA_READ,
		 IBV_SEND_INLINE, IBV_WC_LOC_QP_OP_ERR, IBV_QPS_ERR);
	bad_head("message of 4 GiB", IBV_QPT_RC, fill_huge_len, IBV_WR_SEND, 0,
		 IBV_WC_LOC_LEN_ERR, IBV_QPS_ERR);
	bad_head("READ on UC", IBV_QPT_UC, fill_none, IBV_WR_RDMA_READ, 0,
		 IBV_WC_LOC_QP_OP_ERR, IBV_QPS_SQE);
	bad_head("RDMA WRITE on UD", IBV_QPT_UD, fill_none, IBV_WR_RDMA_WRITE, 0,
		 IBV_WC_LOC_QP_OP_ERR, IBV_QPS_SQE);
	bad_head("UD with unknown ah_num", IBV_QPT_UD, fill_bad_ah, IBV_WR_SEND, 0,
		 IBV_WC_LOC_QP_OP_ERR, IBV_QPS_SQE);
	test_bad_lkey();
	test_indices_and_garbage();
	test_rq_garbage();
	test_cq_overflow();

	/* doorbells the kernel must refuse */
	make_qp(&t, IBV_QPT_RC, cq);
	r = post_send_with_wr(t.qp);
	check(r == EINVAL, "POST_SEND with a work request on a user QP: EINVAL (%d)", r);
	check(modify(t.qp, IBV_QPS_RESET) == 0, "to RESET");
	r = ring_doorbell(t.qp);
	check(r == EINVAL, "doorbell in RESET: EINVAL (%d)", r);
	check(ibv_destroy_qp(t.qp) == 0, "destroy");

	printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}
