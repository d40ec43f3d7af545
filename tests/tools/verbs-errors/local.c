// SPDX-License-Identifier: GPL-2.0
/*
 * Local errors: requests whose own SGE is bad (wrong lkey, outside the MR,
 * a READ into an MR without local write): IBV_WC_LOC_PROT_ERR for the
 * requester alone, the responder unharmed.
 */
#include "verbs-errors.h"

/* ---- local errors -------------------------------------------------------- */

const struct lcase lcases[] = {
	{ "send-bad-lkey", IBV_WR_SEND, L_LKEY_FLIP, 64 },
	{ "write-bad-lkey", IBV_WR_RDMA_WRITE, L_LKEY_FLIP, 64 },
	{ "read-bad-lkey", IBV_WR_RDMA_READ, L_LKEY_FLIP, 64 },
	{ "atomic-bad-lkey", IBV_WR_ATOMIC_FETCH_AND_ADD, L_LKEY_FLIP, 8 },
	{ "send-sge-past-mr-end", IBV_WR_SEND, L_PAST_END, 64 },
	{ "write-sge-before-mr", IBV_WR_RDMA_WRITE, L_BEFORE_START, 64 },
	{ "read-sge-past-mr-end", IBV_WR_RDMA_READ, L_PAST_END, 64 },
	{ "read-into-read-only-mr", IBV_WR_RDMA_READ, L_NO_LOCAL_WRITE, 64 },
};

const size_t n_lcases = ARRAY_SIZE(lcases);

void run_lcase(const struct lcase *lc)
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
