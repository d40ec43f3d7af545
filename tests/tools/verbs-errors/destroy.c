// SPDX-License-Identifier: GPL-2.0
/*
 * Destroy in use: PDs, CQs refused with EBUSY while MRs or QPs use them, and
 * the refused objects still working afterwards.
 */
#include "verbs-errors.h"

/* ---- destroy in use ------------------------------------------------------ */

static bool is_ebusy(int r)
{
	return r == EBUSY || (r < 0 && errno == EBUSY);
}

void case_busy(void)
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
