// SPDX-License-Identifier: GPL-2.0
/*
 * mw: memory windows (IB types 1 and 2B) from userspace, through librxe's
 * bind and invalidate paths.  Device A owns the memory, the MRs, the
 * windows and the responder QPs; the requester QPs of device B reach A's
 * memory only through window rkeys (A and B may be one device: loopback).
 *
 *   mw [-a DEV] [-b DEV] [-x]			(default tbib0, tbib0)
 *
 * -x: exit with a window still bound to an MR and QPs open, to leave their
 * teardown to the kernel (an MR with a window bound refuses dereg until
 * the window is gone).
 *
 * A's 64 KiB buffer is registered with LOCAL_WRITE | MW_BIND and no remote
 * right of its own, and every responder QP allows READ, WRITE and ATOMIC:
 * only a window's rights can refuse an access.  Checked:
 *  1. A reports IBV_DEVICE_MEM_WINDOW and _TYPE_2B, and max_mw > 0;
 *  2. a type 1 and a type 2 window allocate with nonzero rkeys unlike each
 *     other and unlike the MR's keys; 16 type 2 windows have distinct
 *     rkeys whose indexes are not consecutive; all 16 deallocate;
 *  3. type 1 (ibv_bind_mw): the bind completes IBV_WC_SUCCESS with
 *     IBV_WC_BIND_MW; WRITE and READ inside the window succeed, byte for
 *     byte, through two different QP pairs;
 *  4. type 1, refused with IBV_WC_REM_ACCESS_ERR: a WRITE ending 8 bytes
 *     past the window; FETCH_ADD without the atomic right; the rkey from
 *     before a rebind; READ after a rebind to write only; the keys before
 *     and after an unbind (length 0);
 *  5. type 1 binds completing IBV_WC_MW_BIND_ERR: MR without MW_BIND,
 *     range past the MR's end, remote write on an MR without local write
 *     (remote read on it binds); LOCAL_INV of a type 1 rkey completes
 *     IBV_WC_LOC_QP_OP_ERR and the window stays usable;
 *  6. type 2 (BIND_MW work request on the responder QP): WRITE, READ and
 *     FETCH_ADD inside it succeed, byte for byte;
 *  7. type 2: access through a QP it is not bound to is refused
 *     (REM_ACCESS_ERR); a bind while bound, of length 0, zero-based, or on
 *     a QP of another PD completes IBV_WC_MW_BIND_ERR;
 *  8. type 2 invalidation: LOCAL_INV completes IBV_WC_LOCAL_INV and then
 *     access is refused; a rebind with the next key works; SEND with
 *     Invalidate: the receive has IBV_WC_WITH_INV and the rkey, and then
 *     access is refused;
 *  9. SEND with Invalidate naming a type 1 rkey: A's receive completes
 *     IBV_WC_LOC_ACCESS_ERR, the sender with some error; the window stays;
 * 10. an MR with a window bound does not deregister and the window keeps
 *     working; once the window is deallocated its rkey is refused and the
 *     MR deregisters.
 * No refused access changes a byte of A's memory.  A remote access error
 * or a failed bind breaks the QPs: every such case gets a fresh pair.
 *
 * Prints one line per check and "mw: N passed, N failed".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <getopt.h>
#include <infiniband/verbs.h>

#define TOOL_NAME "mw"
#include "tool.h"

#define BUF_SZ		(64 * 1024)	/* A's buffer, B's buffer */
#define SMALL_SZ	4096		/* mr_nobind, mr_ro */
#define A2_SZ		(16 * 1024)	/* mrA2 (MR/MW lifetime) */
#define N_ALLOC		16
/* every responder QP: the window, not the QP, must refuse */
#define QP_ACC		(IBV_ACCESS_REMOTE_READ | IBV_ACCESS_REMOTE_WRITE | \
			 IBV_ACCESS_REMOTE_ATOMIC)
#define W_RW		(IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ)


/* A check failed that the rest cannot do without. */
static void bail(void)
{
	printf("mw: %d passed, %d failed\n", n_pass, n_fail);
	exit(1);
}

struct side {
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	struct ibv_cq *cq;		/* send and receive CQ of its QPs */
	uint16_t lid;
};

/* Two connected RC QPs */
struct pair {
	struct ibv_qp *a;	/* on A: responder; binds are posted on it */
	struct ibv_qp *b;	/* on B: requester */
};

/* Memory of A that remote accesses aim at */
struct tgt {
	uint8_t *buf;
	size_t size;
};

static struct side A, B;
static struct pair p1, p2;
static struct ibv_pd *pdA2;		/* a second PD on A */
static struct ibv_mr *mrA, *mr_nobind, *mr_ro, *mrB;
static struct tgt ta, tro;		/* mrA's and mr_ro's memory */
static uint8_t *bufB, *bufN;		/* mrB's and mr_nobind's memory */
static uint8_t saved[BUF_SZ], expect_buf[BUF_SZ];
static uint64_t next_id = 1;		/* wr_id of the next work request */
static int post_err;			/* of the last failed post */
static uint32_t rnd = 0x2545f491;

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

static void side_open(struct side *s, struct ibv_context *ctx)
{
	struct ibv_port_attr pa;

	memset(s, 0, sizeof(*s));
	s->ctx = ctx;
	s->pd = ibv_alloc_pd(ctx);
	s->cq = ibv_create_cq(ctx, 64, NULL, NULL, 0);
	if (!s->pd || !s->cq || ibv_query_port(ctx, 1, &pa))
		die("pd/cq/port");
	s->lid = pa.lid;
}

static struct ibv_qp *qp_create(struct side *s, struct ibv_pd *pd)
{
	struct ibv_qp_init_attr a = {
		.send_cq = s->cq, .recv_cq = s->cq, .qp_type = IBV_QPT_RC,
		.cap = { .max_send_wr = 16, .max_recv_wr = 4,
			 .max_send_sge = 1, .max_recv_sge = 1 },
	};
	struct ibv_qp *qp = ibv_create_qp(pd, &a);

	if (!qp)
		die("ibv_create_qp");
	return qp;
}

/*
 * @qp to RTS, connected to QP @dqpn at @dlid.  @slow: a requester that
 * gives up soon (timeout 10, about 4 ms, and one retry).
 */
static void qp_connect(struct ibv_qp *qp, uint32_t dqpn, uint16_t dlid,
		       int access, int slow)
{
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_INIT, .port_num = 1,
		.qp_access_flags = access,
	};

	if (ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX |
			  IBV_QP_PORT | IBV_QP_ACCESS_FLAGS))
		die("modify INIT");
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTR;
	a.path_mtu = IBV_MTU_4096;
	a.dest_qp_num = dqpn;
	a.rq_psn = 1;
	a.max_dest_rd_atomic = 1;
	a.min_rnr_timer = 12;
	a.ah_attr.dlid = dlid;
	a.ah_attr.port_num = 1;
	if (ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU |
			  IBV_QP_DEST_QPN | IBV_QP_RQ_PSN |
			  IBV_QP_MAX_DEST_RD_ATOMIC | IBV_QP_MIN_RNR_TIMER))
		die("modify RTR");
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTS;
	a.timeout = slow ? 10 : 14;
	a.retry_cnt = slow ? 1 : 7;
	a.rnr_retry = 7;
	a.sq_psn = 1;
	a.max_rd_atomic = 1;
	if (ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_TIMEOUT |
			  IBV_QP_RETRY_CNT | IBV_QP_RNR_RETRY | IBV_QP_SQ_PSN |
			  IBV_QP_MAX_QP_RD_ATOMIC))
		die("modify RTS");
}

static void drain(struct ibv_cq *cq)
{
	struct ibv_wc wc;

	while (ibv_poll_cq(cq, 1, &wc) > 0)
		;
}

static void qp_destroy(struct ibv_qp *qp)
{
	int err;

	if (!qp)
		return;
	err = ibv_destroy_qp(qp);
	if (err)
		check(0, "destroy of QP %#x: %s", qp->qp_num, strerror(err));
}

static void pair_destroy(struct pair *p)
{
	qp_destroy(p->a);
	qp_destroy(p->b);
	p->a = p->b = NULL;
	drain(A.cq);
	drain(B.cq);
}

/*
 * A fresh connected pair in place of @p: the responder QP on A in @pd
 * allows @access; the requester on B is @slow (qp_connect()).
 */
static void pair_new(struct pair *p, struct ibv_pd *pd, int access, int slow)
{
	pair_destroy(p);
	p->a = qp_create(&A, pd);
	p->b = qp_create(&B, B.pd);
	qp_connect(p->a, p->b->qp_num, B.lid, access, slow);
	qp_connect(p->b, p->a->qp_num, A.lid, 0, slow);
}

/* Post @wr, signaled, with the next wr_id: that wr_id, or 0 (post_err). */
static uint64_t post(struct ibv_qp *qp, struct ibv_send_wr *wr)
{
	struct ibv_send_wr *bad;
	int err;

	wr->wr_id = next_id++;
	wr->send_flags |= IBV_SEND_SIGNALED;
	err = ibv_post_send(qp, wr, &bad);
	if (err) {
		post_err = err;
		return 0;
	}
	return wr->wr_id;
}

/* RDMA WRITE or READ of @len bytes of B's buffer by @p's requester. */
static uint64_t post_rdma(struct pair *p, enum ibv_wr_opcode op,
			  uint32_t rkey, uint64_t raddr, uint32_t len)
{
	struct ibv_sge sge = {
		.addr = (uintptr_t)bufB, .length = len, .lkey = mrB->lkey,
	};
	struct ibv_send_wr wr = {
		.sg_list = &sge, .num_sge = 1, .opcode = op,
		.wr.rdma = { .remote_addr = raddr, .rkey = rkey },
	};

	return post(p->b, &wr);
}

/* FETCH_AND_ADD of @add at @raddr; the original value lands in B's buffer. */
static uint64_t post_fadd(struct pair *p, uint32_t rkey, uint64_t raddr,
			  uint64_t add)
{
	struct ibv_sge sge = {
		.addr = (uintptr_t)bufB, .length = 8, .lkey = mrB->lkey,
	};
	struct ibv_send_wr wr = {
		.sg_list = &sge, .num_sge = 1,
		.opcode = IBV_WR_ATOMIC_FETCH_AND_ADD,
		.wr.atomic = { .remote_addr = raddr, .compare_add = add,
			       .rkey = rkey },
	};

	return post(p->b, &wr);
}

/* SEND with Invalidate of @rkey, @len bytes of B's buffer. */
static uint64_t post_send_inv(struct pair *p, uint32_t rkey, uint32_t len)
{
	struct ibv_sge sge = {
		.addr = (uintptr_t)bufB, .length = len, .lkey = mrB->lkey,
	};
	struct ibv_send_wr wr = {
		.sg_list = &sge, .num_sge = 1,
		.opcode = IBV_WR_SEND_WITH_INV, .invalidate_rkey = rkey,
	};

	return post(p->b, &wr);
}

static uint64_t post_local_inv(struct ibv_qp *qp, uint32_t rkey)
{
	struct ibv_send_wr wr = {
		.opcode = IBV_WR_LOCAL_INV, .invalidate_rkey = rkey,
	};

	return post(qp, &wr);
}

/* A receive of up to @len bytes into mr_nobind's memory. */
static uint64_t post_recv(struct ibv_qp *qp, uint32_t len)
{
	struct ibv_sge sge = {
		.addr = (uintptr_t)bufN, .length = len, .lkey = mr_nobind->lkey,
	};
	struct ibv_recv_wr wr = {
		.wr_id = next_id++, .sg_list = &sge, .num_sge = 1,
	};
	struct ibv_recv_wr *bad;
	int err = ibv_post_recv(qp, &wr, &bad);

	if (err) {
		post_err = err;
		return 0;
	}
	return wr.wr_id;
}

/* One completion of @cq (10 s at most). */
static int poll1(struct ibv_cq *cq, struct ibv_wc *wc)
{
	time_t end = time(NULL) + 10;
	int n;

	while ((n = ibv_poll_cq(cq, 1, wc)) == 0 && time(NULL) < end)
		usleep(50);
	return n == 1 ? 0 : -1;
}

/*
 * The completion of work request @id (0: its post failed) on @cq,
 * skipping strays (flushes of QPs destroyed since); a check fails if there
 * is none.  0 if found; else wc->status is IBV_WC_GENERAL_ERR.
 */
static int wait_id(struct ibv_cq *cq, uint64_t id, struct ibv_wc *wc,
		   const char *what)
{
	wc->status = IBV_WC_GENERAL_ERR;
	if (!id) {
		check(0, "%s: post: %s", what, strerror(post_err));
		return -1;
	}
	for (;;) {
		if (poll1(cq, wc)) {
			wc->status = IBV_WC_GENERAL_ERR;
			check(0, "%s: no completion in 10 s", what);
			return -1;
		}
		if (wc->wr_id == id)
			return 0;
		printf("note: %s: stray completion wr_id %" PRIu64
		       " (%s) skipped\n", what, (uint64_t)wc->wr_id,
		       ibv_wc_status_str(wc->status));
	}
}

static const char *op_str(int op)
{
	switch (op) {
	case IBV_WC_SEND:	return "SEND";
	case IBV_WC_RDMA_WRITE:	return "RDMA_WRITE";
	case IBV_WC_RDMA_READ:	return "RDMA_READ";
	case IBV_WC_FETCH_ADD:	return "FETCH_ADD";
	case IBV_WC_BIND_MW:	return "BIND_MW";
	case IBV_WC_LOCAL_INV:	return "LOCAL_INV";
	case IBV_WC_RECV:	return "RECV";
	}
	return "?";
}

/*
 * Check that work request @id completes on @cq with @want, and (if @want
 * is success and @opcode >= 0) with @opcode.  1 if so.
 */
static int expect_status(struct ibv_cq *cq, uint64_t id,
			 enum ibv_wc_status want, int opcode,
			 struct ibv_wc *wc, const char *what)
{
	int ok;

	if (wait_id(cq, id, wc, what))
		return 0;
	if (want != IBV_WC_SUCCESS || opcode < 0) {
		ok = wc->status == want;
		check(ok, "%s: %s (want %s)", what,
		      ibv_wc_status_str(wc->status), ibv_wc_status_str(want));
		return ok;
	}
	ok = wc->status == want && (int)wc->opcode == opcode;
	check(ok, "%s: %s, %s (want %s, %s)", what,
	      ibv_wc_status_str(wc->status), op_str(wc->opcode),
	      ibv_wc_status_str(want), op_str(opcode));
	return ok;
}

/*
 * Bind type 1 @mw with ibv_bind_mw() on @qp to [@addr, @addr + @len) of
 * @mr with rights @acc; check that it completes with @want.  librxe gives
 * mw->rkey its next key byte when it posts the bind: put the old key back
 * unless the bind succeeded.
 */
static int bind1(struct ibv_qp *qp, struct ibv_mw *mw, struct ibv_mr *mr,
		 const void *addr, uint64_t len, unsigned int acc,
		 enum ibv_wc_status want, const char *what)
{
	struct ibv_mw_bind b = {
		.wr_id = next_id++, .send_flags = IBV_SEND_SIGNALED,
		.bind_info = { .mr = mr, .addr = (uintptr_t)addr,
			       .length = len, .mw_access_flags = acc },
	};
	uint32_t old = mw->rkey;
	struct ibv_wc wc;
	int err, ok;

	err = ibv_bind_mw(qp, mw, &b);
	if (err) {
		check(0, "%s: ibv_bind_mw: %s", what, strerror(err));
		return 0;
	}
	ok = expect_status(A.cq, b.wr_id, want, IBV_WC_BIND_MW, &wc, what);
	if (wc.status != IBV_WC_SUCCESS)
		mw->rkey = old;
	return ok;
}

/*
 * Bind type 2 @mw by a BIND_MW work request on @qp, with the next key
 * byte; as bind1().  mw->rkey becomes the new key if the bind succeeded.
 */
static int bind2(struct ibv_qp *qp, struct ibv_mw *mw, struct ibv_mr *mr,
		 const void *addr, uint64_t len, unsigned int acc,
		 enum ibv_wc_status want, const char *what)
{
	uint32_t rkey = ibv_inc_rkey(mw->rkey);
	struct ibv_send_wr wr = {
		.opcode = IBV_WR_BIND_MW,
		.bind_mw = { .mw = mw, .rkey = rkey,
			     .bind_info = { .mr = mr, .addr = (uintptr_t)addr,
					    .length = len,
					    .mw_access_flags = acc } },
	};
	struct ibv_wc wc;
	int ok;

	ok = expect_status(A.cq, post(qp, &wr), want, IBV_WC_BIND_MW, &wc,
			   what);
	if (wc.status == IBV_WC_SUCCESS)
		mw->rkey = rkey;
	return ok;
}

/* A WRITE of @len new bytes at @off of @t succeeds; nothing else changes. */
static void ok_write(struct pair *p, uint32_t rkey, const struct tgt *t,
		     size_t off, uint32_t len, const char *what)
{
	struct ibv_wc wc;

	fill(bufB, len);
	memcpy(expect_buf, t->buf, t->size);
	memcpy(expect_buf + off, bufB, len);
	if (!expect_status(B.cq, post_rdma(p, IBV_WR_RDMA_WRITE, rkey,
					   (uintptr_t)t->buf + off, len),
			   IBV_WC_SUCCESS, IBV_WC_RDMA_WRITE, &wc, what))
		return;
	check(!memcmp(t->buf + off, bufB, len), "%s: %u bytes at +%#zx written",
	      what, len, off);
	check(!memcmp(t->buf, expect_buf, t->size),
	      "%s: no byte outside them changed", what);
}

/* A READ of @len bytes at @off of @t succeeds and returns them. */
static void ok_read(struct pair *p, uint32_t rkey, const struct tgt *t,
		    size_t off, uint32_t len, const char *what)
{
	struct ibv_wc wc;

	fill(bufB, len);
	if (!expect_status(B.cq, post_rdma(p, IBV_WR_RDMA_READ, rkey,
					   (uintptr_t)t->buf + off, len),
			   IBV_WC_SUCCESS, IBV_WC_RDMA_READ, &wc, what))
		return;
	check(!memcmp(bufB, t->buf + off, len),
	      "%s: %u bytes at +%#zx read back", what, len, off);
}

/* A FETCH_ADD of @add at @off of @t succeeds: original value, new value. */
static void ok_fadd(struct pair *p, uint32_t rkey, const struct tgt *t,
		    size_t off, uint64_t add, const char *what)
{
	uint64_t orig, got, now;
	struct ibv_wc wc;

	memcpy(&orig, t->buf + off, 8);
	now = orig + add;
	memcpy(expect_buf, t->buf, t->size);
	memcpy(expect_buf + off, &now, 8);
	fill(bufB, 8);
	if (!expect_status(B.cq,
			   post_fadd(p, rkey, (uintptr_t)t->buf + off, add),
			   IBV_WC_SUCCESS, IBV_WC_FETCH_ADD, &wc, what))
		return;
	memcpy(&got, bufB, 8);
	check(got == orig, "%s: returned %#" PRIx64 " (want %#" PRIx64 ")",
	      what, got, orig);
	memcpy(&now, t->buf + off, 8);
	check(!memcmp(t->buf, expect_buf, t->size),
	      "%s: A holds %#" PRIx64 " (want %#" PRIx64 "), nothing else changed",
	      what, now, orig + add);
}

/*
 * @op (RDMA WRITE, RDMA READ or FETCH_ADD) of @len bytes at @off of @t
 * completes IBV_WC_REM_ACCESS_ERR, and no byte of @t changes.  Breaks @p.
 */
static void refused(struct pair *p, enum ibv_wr_opcode op, uint32_t rkey,
		    const struct tgt *t, size_t off, uint32_t len,
		    const char *what)
{
	uint64_t raddr = (uintptr_t)t->buf + off, id;
	struct ibv_wc wc;

	memcpy(saved, t->buf, t->size);
	fill(bufB, len);
	if (op == IBV_WR_ATOMIC_FETCH_AND_ADD)
		id = post_fadd(p, rkey, raddr, 0x0101010101010101ULL);
	else
		id = post_rdma(p, op, rkey, raddr, len);
	if (!id) {
		check(0, "%s: post: %s", what, strerror(post_err));
		return;
	}
	expect_status(B.cq, id, IBV_WC_REM_ACCESS_ERR, -1, &wc, what);
	usleep(100000);
	check(!memcmp(saved, t->buf, t->size), "%s: A's memory unchanged",
	      what);
}

/* 1. */
static void test_caps(const char *name)
{
	struct ibv_device_attr_ex dx;
	unsigned int f;

	memset(&dx, 0, sizeof(dx));
	if (ibv_query_device_ex(A.ctx, NULL, &dx))
		die("ibv_query_device_ex");
	f = dx.orig_attr.device_cap_flags;
	check(!!(f & IBV_DEVICE_MEM_WINDOW),
	      "%s reports IBV_DEVICE_MEM_WINDOW (device_cap_flags %#x)",
	      name, f);
	check(!!(f & IBV_DEVICE_MEM_WINDOW_TYPE_2B),
	      "%s reports IBV_DEVICE_MEM_WINDOW_TYPE_2B", name);
	check(dx.orig_attr.max_mw > 0, "%s: max_mw %d", name,
	      dx.orig_attr.max_mw);
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

/* 2. */
static void test_alloc(struct ibv_mw **mw1, struct ibv_mw **mw2)
{
	struct ibv_mw *mws[N_ALLOC];
	uint32_t keys[N_ALLOC], r1, r2;
	int i, n, dup = 0, consecutive = 1, bad = 0;

	*mw1 = ibv_alloc_mw(A.pd, IBV_MW_TYPE_1);
	check(*mw1 != NULL, "alloc type 1 window%s%s", *mw1 ? "" : ": ",
	      *mw1 ? "" : strerror(errno));
	*mw2 = ibv_alloc_mw(A.pd, IBV_MW_TYPE_2);
	check(*mw2 != NULL, "alloc type 2 window%s%s", *mw2 ? "" : ": ",
	      *mw2 ? "" : strerror(errno));
	if (!*mw1 || !*mw2)
		bail();
	r1 = (*mw1)->rkey;
	r2 = (*mw2)->rkey;
	check(r1 && r2 && r1 != r2 && r1 != mrA->lkey && r1 != mrA->rkey &&
	      r2 != mrA->lkey && r2 != mrA->rkey,
	      "window rkeys %#x (type 1), %#x (type 2): nonzero, distinct, not mrA's (%#x/%#x)",
	      r1, r2, mrA->lkey, mrA->rkey);

	for (n = 0; n < N_ALLOC; n++) {
		mws[n] = ibv_alloc_mw(A.pd, IBV_MW_TYPE_2);
		if (!mws[n])
			break;
		keys[n] = mws[n]->rkey;
	}
	check(n == N_ALLOC, "%d of %d more type 2 windows allocate", n,
	      N_ALLOC);
	qsort(keys, n, sizeof(keys[0]), cmp_u32);
	for (i = 1; i < n; i++) {
		if (keys[i] == keys[i - 1])
			dup++;
		if ((keys[i] >> 8) != (keys[i - 1] >> 8) + 1)
			consecutive = 0;
	}
	check(n > 1 && !dup, "their rkeys are distinct (%d duplicates)", dup);
	check(n > 1 && !consecutive,
	      "their rkey indexes are not consecutive (sorted: %#x..%#x)",
	      n ? keys[0] >> 8 : 0, n ? keys[n - 1] >> 8 : 0);
	for (i = 0; i < n; i++)
		if (ibv_dealloc_mw(mws[i]))
			bad++;
	check(!bad, "dealloc of %d type 2 windows: %d failed", n, bad);
}

/* 3.  Leaves mw1 bound to [+4K, +12K) of mrA, write|read. */
static void test_type1_basic(struct ibv_mw *mw1)
{
	uint8_t *buf = ta.buf;

	pair_new(&p1, A.pd, QP_ACC, 0);
	pair_new(&p2, A.pd, QP_ACC, 0);
	bind1(p1.a, mw1, mrA, buf + 4096, 8192, W_RW, IBV_WC_SUCCESS,
	      "type 1 bind [+4K, +12K) write|read");
	ok_write(&p1, mw1->rkey, &ta, 4096, 4096,
		 "type 1: WRITE 4 KiB at the window start");
	ok_read(&p1, mw1->rkey, &ta, 8192, 4096,
		"type 1: READ 4 KiB ending at the window end");
	ok_write(&p2, mw1->rkey, &ta, 10240, 2048,
		 "type 1 through a second pair: WRITE");
	ok_read(&p2, mw1->rkey, &ta, 4096, 8192,
		"type 1 through a second pair: READ of the whole window");
}

/* 4.  Leaves mw1 unbound. */
static void test_type1_refused(struct ibv_mw *mw1)
{
	uint8_t *buf = ta.buf;
	uint32_t old;

	refused(&p1, IBV_WR_RDMA_WRITE, mw1->rkey, &ta, 8200, 4096,
		"type 1: WRITE ending 8 bytes past the window");
	pair_new(&p1, A.pd, QP_ACC, 0);
	refused(&p1, IBV_WR_ATOMIC_FETCH_AND_ADD, mw1->rkey, &ta, 4096, 8,
		"type 1: FETCH_ADD without the atomic right");

	pair_new(&p1, A.pd, QP_ACC, 0);
	old = mw1->rkey;
	bind1(p1.a, mw1, mrA, buf + 16384, 4096, IBV_ACCESS_REMOTE_WRITE,
	      IBV_WC_SUCCESS, "type 1 rebind to [+16K, +20K) write only");
	refused(&p1, IBV_WR_RDMA_WRITE, old, &ta, 4096, 64,
		"type 1: WRITE with the rkey from before the rebind");
	pair_new(&p1, A.pd, QP_ACC, 0);
	ok_write(&p1, mw1->rkey, &ta, 16384, 4096,
		 "type 1 after the rebind: WRITE with the new rkey");
	refused(&p1, IBV_WR_RDMA_READ, mw1->rkey, &ta, 16384, 64,
		"type 1 after the rebind: READ without the read right");

	pair_new(&p1, A.pd, QP_ACC, 0);
	old = mw1->rkey;
	bind1(p1.a, mw1, mrA, buf, 0, 0, IBV_WC_SUCCESS,
	      "type 1 unbind (length 0)");
	refused(&p1, IBV_WR_RDMA_WRITE, mw1->rkey, &ta, 16384, 64,
		"type 1 after the unbind: WRITE with the window's rkey");
	pair_new(&p1, A.pd, QP_ACC, 0);
	refused(&p1, IBV_WR_RDMA_WRITE, old, &ta, 16384, 64,
		"type 1 after the unbind: WRITE with the rkey bound before");
}

/* 5.  Leaves mw1 bound to [+4K, +12K) of mrA, write|read. */
static void test_type1_bind_errors(struct ibv_mw *mw1)
{
	uint8_t *buf = ta.buf;
	struct ibv_wc wc;

	pair_new(&p1, A.pd, QP_ACC, 0);
	bind1(p1.a, mw1, mr_nobind, bufN, SMALL_SZ, W_RW, IBV_WC_MW_BIND_ERR,
	      "type 1 bind to an MR without MW_BIND");
	pair_new(&p1, A.pd, QP_ACC, 0);
	bind1(p1.a, mw1, mrA, buf + 60 * 1024, 8192, W_RW, IBV_WC_MW_BIND_ERR,
	      "type 1 bind of [+60K, +68K), past the MR's end");
	pair_new(&p1, A.pd, QP_ACC, 0);
	bind1(p1.a, mw1, mr_ro, tro.buf, SMALL_SZ, IBV_ACCESS_REMOTE_WRITE,
	      IBV_WC_MW_BIND_ERR,
	      "type 1 bind with remote write to an MR without local write");
	pair_new(&p1, A.pd, QP_ACC, 0);
	if (bind1(p1.a, mw1, mr_ro, tro.buf, SMALL_SZ, IBV_ACCESS_REMOTE_READ,
		  IBV_WC_SUCCESS,
		  "type 1 bind with remote read to the MR without local write"))
		ok_read(&p1, mw1->rkey, &tro, 0, SMALL_SZ,
			"type 1 on the MR without local write: READ");

	bind1(p1.a, mw1, mrA, buf + 4096, 8192, W_RW, IBV_WC_SUCCESS,
	      "type 1 rebind to [+4K, +12K) write|read");
	expect_status(A.cq, post_local_inv(p1.a, mw1->rkey),
		      IBV_WC_LOC_QP_OP_ERR, -1, &wc,
		      "LOCAL_INV of a type 1 rkey");
	pair_new(&p1, A.pd, QP_ACC, 0);
	ok_write(&p1, mw1->rkey, &ta, 4096, 256,
		 "type 1 after the refused LOCAL_INV: WRITE");
}

/* 6.  Leaves mw2 bound to p1.a, [+8K, +16K) of mrA, write|read|atomic. */
static void test_type2_basic(struct ibv_mw *mw2)
{
	pair_new(&p1, A.pd, QP_ACC, 0);
	bind2(p1.a, mw2, mrA, ta.buf + 8192, 8192, QP_ACC, IBV_WC_SUCCESS,
	      "type 2 bind [+8K, +16K) write|read|atomic on the responder QP");
	ok_write(&p1, mw2->rkey, &ta, 8192, 4096,
		 "type 2: WRITE 4 KiB at the window start");
	ok_read(&p1, mw2->rkey, &ta, 12288, 4096,
		"type 2: READ 4 KiB ending at the window end");
	ok_fadd(&p1, mw2->rkey, &ta, 8192 + 64, 0x0000000100000001ULL,
		"type 2: FETCH_ADD");
}

/* 7.  Returns a new type 2 window bound to p1.a, [+8K, +16K) write|read. */
static struct ibv_mw *test_type2_refused(struct ibv_mw *mw2)
{
	uint8_t *buf = ta.buf;
	struct ibv_mw *mw;

	pair_new(&p2, A.pd, QP_ACC, 0);
	refused(&p2, IBV_WR_RDMA_WRITE, mw2->rkey, &ta, 8192, 64,
		"type 2 through a QP it is not bound to: WRITE");
	bind2(p1.a, mw2, mrA, buf + 8192, 8192, QP_ACC, IBV_WC_MW_BIND_ERR,
	      "type 2 bind while bound");

	mw = ibv_alloc_mw(A.pd, IBV_MW_TYPE_2);
	if (!mw)
		die("ibv_alloc_mw");
	pair_new(&p1, A.pd, QP_ACC, 0);
	bind2(p1.a, mw, mrA, buf + 8192, 0, W_RW, IBV_WC_MW_BIND_ERR,
	      "type 2 bind of length 0");
	pair_new(&p1, A.pd, QP_ACC, 0);
	bind2(p1.a, mw, mrA, buf + 8192, 8192, W_RW | IBV_ACCESS_ZERO_BASED,
	      IBV_WC_MW_BIND_ERR, "type 2 zero-based bind");
	pair_new(&p1, pdA2, QP_ACC, 0);
	bind2(p1.a, mw, mrA, buf + 8192, 8192, W_RW, IBV_WC_MW_BIND_ERR,
	      "type 2 bind on a QP of another PD");
	pair_new(&p1, A.pd, QP_ACC, 0);
	bind2(p1.a, mw, mrA, buf + 8192, 8192, W_RW, IBV_WC_SUCCESS,
	      "type 2 bind of that window on a QP of its PD");
	return mw;
}

/* 8.  @mw: bound to p1.a, [+8K, +16K) write|read.  Leaves it free. */
static void test_type2_inval(struct ibv_mw *mw)
{
	uint8_t *buf = ta.buf;
	uint64_t rid, sid;
	struct ibv_wc wc;
	uint32_t rkey;

	ok_write(&p1, mw->rkey, &ta, 8192, 64,
		 "type 2 before LOCAL_INV: WRITE");
	rkey = mw->rkey;
	expect_status(A.cq, post_local_inv(p1.a, rkey), IBV_WC_SUCCESS,
		      IBV_WC_LOCAL_INV, &wc, "LOCAL_INV of a type 2 rkey");
	refused(&p1, IBV_WR_RDMA_WRITE, rkey, &ta, 8192, 64,
		"type 2 after LOCAL_INV: WRITE");

	pair_new(&p1, A.pd, QP_ACC, 0);
	bind2(p1.a, mw, mrA, buf + 8192, 8192, W_RW, IBV_WC_SUCCESS,
	      "type 2 rebind after LOCAL_INV with the next key");
	ok_write(&p1, mw->rkey, &ta, 8192, 4096,
		 "type 2 after the rebind: WRITE");

	rkey = mw->rkey;
	memset(bufN, 0, 64);
	rid = post_recv(p1.a, 64);
	fill(bufB, 32);
	sid = post_send_inv(&p1, rkey, 32);
	expect_status(B.cq, sid, IBV_WC_SUCCESS, IBV_WC_SEND, &wc,
		      "SEND with Invalidate of a type 2 rkey: send");
	if (expect_status(A.cq, rid, IBV_WC_SUCCESS, IBV_WC_RECV, &wc,
			  "SEND with Invalidate of a type 2 rkey: receive")) {
		const char *s = "SEND with Invalidate of a type 2 rkey";

		check((wc.wc_flags & IBV_WC_WITH_INV) &&
		      wc.invalidated_rkey == rkey,
		      "%s: receive has IBV_WC_WITH_INV (wc_flags %#x), rkey %#x (want %#x)",
		      s, wc.wc_flags, wc.invalidated_rkey, rkey);
		check(wc.byte_len == 32 && !memcmp(bufN, bufB, 32),
		      "%s: %u bytes received (want the 32 sent)", s,
		      wc.byte_len);
	}
	refused(&p1, IBV_WR_RDMA_WRITE, rkey, &ta, 8192, 64,
		"type 2 after SEND with Invalidate: WRITE");
}

/* 9.  @mw1: bound to [+4K, +12K) write|read. */
static void test_send_inv_type1(struct ibv_mw *mw1)
{
	const char *s = "SEND with Invalidate of a type 1 rkey";
	uint64_t rid, sid;
	struct ibv_wc wc;

	pair_new(&p1, A.pd, QP_ACC, 1);
	rid = post_recv(p1.a, 64);
	fill(bufB, 32);
	sid = post_send_inv(&p1, mw1->rkey, 32);
	expect_status(A.cq, rid, IBV_WC_LOC_ACCESS_ERR, -1, &wc,
		      "SEND with Invalidate of a type 1 rkey: receive");
	if (!wait_id(B.cq, sid, &wc, s))
		check(wc.status != IBV_WC_SUCCESS,
		      "%s: sender completes %s (want an error)", s,
		      ibv_wc_status_str(wc.status));
	pair_new(&p1, A.pd, QP_ACC, 0);
	ok_write(&p1, mw1->rkey, &ta, 4096, 64,
		 "type 1 after SEND with Invalidate named it: WRITE");
}

/* 10. */
static void test_lifetime(void)
{
	uint8_t *buf2 = aligned_alloc(4096, A2_SZ);
	struct tgt t2 = { buf2, A2_SZ };
	struct ibv_mr *mr2;
	struct ibv_mw *mw;
	uint32_t rkey;
	int ret;

	if (!buf2)
		die("aligned_alloc");
	fill(buf2, A2_SZ);
	mr2 = ibv_reg_mr(A.pd, buf2, A2_SZ,
			 IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_MW_BIND);
	mw = ibv_alloc_mw(A.pd, IBV_MW_TYPE_1);
	if (!mr2 || !mw)
		die("mrA2/ibv_alloc_mw");
	pair_new(&p1, A.pd, QP_ACC, 0);
	if (!bind1(p1.a, mw, mr2, buf2, A2_SZ, W_RW, IBV_WC_SUCCESS,
		   "type 1 bind to all of mrA2"))
		return;
	ret = ibv_dereg_mr(mr2);
	check(ret != 0, "dereg of mrA2 with a window bound fails (%s)",
	      ret ? strerror(ret) : "it succeeded");
	if (!ret)
		mr2 = NULL;
	ok_write(&p1, mw->rkey, &t2, 4096, 4096,
		 "after the refused dereg: WRITE through the window");
	rkey = mw->rkey;
	ret = ibv_dealloc_mw(mw);
	check(!ret, "dealloc of the window bound to mrA2%s%s",
	      ret ? ": " : "", ret ? strerror(ret) : "");
	refused(&p1, IBV_WR_RDMA_WRITE, rkey, &t2, 4096, 64,
		"WRITE with the rkey of the deallocated window");
	if (!mr2) {
		check(0, "dereg of mrA2 after the dealloc: it was gone before");
		return;
	}
	ret = ibv_dereg_mr(mr2);
	check(!ret, "dereg of mrA2 after the dealloc%s%s", ret ? ": " : "",
	      ret ? strerror(ret) : "");
}

int main(int argc, char **argv)
{
	const char *da = "tbib0", *db = "tbib0";
	struct ibv_mw *mw1, *mw2, *mw3;
	int c, leave = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt(argc, argv, "a:b:x")) != -1) {
		switch (c) {
		case 'a': da = optarg; break;
		case 'b': db = optarg; break;
		case 'x': leave = 1; break;
		default:
			fprintf(stderr, "usage: mw [-a DEV] [-b DEV] [-x]\n");
			return 2;
		}
	}
	side_open(&A, open_dev(da));
	side_open(&B, strcmp(da, db) ? open_dev(db) : A.ctx);
	pdA2 = ibv_alloc_pd(A.ctx);
	if (!pdA2)
		die("ibv_alloc_pd");

	ta.buf = aligned_alloc(4096, BUF_SZ);
	ta.size = BUF_SZ;
	tro.buf = aligned_alloc(4096, SMALL_SZ);
	tro.size = SMALL_SZ;
	bufN = aligned_alloc(4096, SMALL_SZ);
	bufB = aligned_alloc(4096, BUF_SZ);
	if (!ta.buf || !tro.buf || !bufN || !bufB)
		die("aligned_alloc");
	fill(ta.buf, BUF_SZ);
	fill(tro.buf, SMALL_SZ);
	fill(bufN, SMALL_SZ);
	fill(bufB, BUF_SZ);
	/* A's memory: no remote right but through windows */
	mrA = ibv_reg_mr(A.pd, ta.buf, BUF_SZ,
			 IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_MW_BIND);
	mr_nobind = ibv_reg_mr(A.pd, bufN, SMALL_SZ, IBV_ACCESS_LOCAL_WRITE);
	mr_ro = ibv_reg_mr(A.pd, tro.buf, SMALL_SZ, IBV_ACCESS_MW_BIND);
	mrB = ibv_reg_mr(B.pd, bufB, BUF_SZ, IBV_ACCESS_LOCAL_WRITE);
	if (!mrA || !mr_nobind || !mr_ro || !mrB)
		die("ibv_reg_mr");

	test_caps(da);
	test_alloc(&mw1, &mw2);
	test_type1_basic(mw1);
	test_type1_refused(mw1);
	test_type1_bind_errors(mw1);
	test_type2_basic(mw2);
	mw3 = test_type2_refused(mw2);
	test_type2_inval(mw3);
	test_send_inv_type1(mw1);
	test_lifetime();

	if (leave) {
		struct ibv_mw_bind bind = {
			.wr_id = 0xe1, .send_flags = IBV_SEND_SIGNALED,
			.bind_info = { .mr = mrA, .addr = (uintptr_t)ta.buf,
				       .length = BUF_SZ,
				       .mw_access_flags = IBV_ACCESS_REMOTE_READ },
		};

		/* p1's responder QP may be in error by now: a fresh pair */
		pair_new(&p1, A.pd, QP_ACC, 0);
		check(!ibv_bind_mw(p1.a, mw1, &bind), "bind before exit posted");
		printf("mw: %d passed, %d failed (exiting with a window bound)\n",
		       n_pass, n_fail);
		exit(n_fail ? 1 : 0);
	}
	pair_destroy(&p1);
	pair_destroy(&p2);
	ibv_dealloc_mw(mw1);
	ibv_dealloc_mw(mw2);
	ibv_dealloc_mw(mw3);
	ibv_dereg_mr(mrA);
	ibv_dereg_mr(mr_nobind);
	ibv_dereg_mr(mr_ro);
	ibv_dereg_mr(mrB);

	printf("mw: %d passed, %d failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}
