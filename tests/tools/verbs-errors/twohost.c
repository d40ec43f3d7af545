// SPDX-License-Identifier: GPL-2.0
/*
 * The cases that also run across two hosts: the remote access errors of
 * remote.c, RNR without retries and the bad receives, cut in B's steps and
 * A's so that they run both in this process (run_xcase) and with B in
 * another process on another host (pair.c).
 */
#include "verbs-errors.h"

/* ---- cases that also run across two hosts -------------------------------- */

/*
 * The remote access errors, RNR without retries and the bad receives run
 * with A and B in this process (two devices of one host) and with B in
 * another process, on another host (remote mode, over TCP).  Each is cut
 * in B's steps (open, ready, check) and A's (open, connect, run); what
 * one end needs of the other travels in struct ends.
 */
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

/* Case @i of the list both hosts share; false past its end. */
bool xcase_get(uint32_t i, struct xcase *x)
{
	memset(x, 0, sizeof(*x));
	if (i < n_rcases) {
		x->rc = &rcases[i];
		x->name = x->rc->name;
	} else if (i == n_rcases) {
		x->name = "send-rnr-retry-0";
	} else if (i - n_rcases - 1 < ARRAY_SIZE(recv_errs)) {
		x->re = &recv_errs[i - n_rcases - 1];
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

void x_b_open(const struct xcase *x, struct side *b, struct dev *d,
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
void x_b_ready(const struct xcase *x, struct side *b,
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

void x_b_check(const struct xcase *x, struct side *b)
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

void x_a_open(const struct xcase *x, struct side *a, struct dev *d,
	      struct ends *e)
{
	side_open(a, d, ACC_ALL, xcase_mr(x), 1, NULL);
	side_qp(a);
	*e = (struct ends){ .qpn = a->qp->qp_num, .lid = d->lid };
}

void x_a_connect(const struct xcase *x, struct side *a,
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

void x_a_run(const struct xcase *x, struct side *a,
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
void run_xcase(const struct xcase *x)
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
