// SPDX-License-Identifier: GPL-2.0
/*
 * Invalidation from userspace: SEND with Invalidate and LOCAL_INV of keys
 * that cannot be invalidated (ordinary MRs, unknown keys); the MRs must
 * stay valid.
 */
#include "verbs-errors.h"

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
void case_send_inv(const char *name, bool unknown)
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
void case_local_inv(void)
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
