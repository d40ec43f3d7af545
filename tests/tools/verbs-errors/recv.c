// SPDX-License-Identifier: GPL-2.0
/*
 * SEND and RNR: posting SENDs (post_send_op, post_send_msg, used by many
 * files), RNR retried until a late receive comes, and RNR retried until
 * the responder's QP is destroyed.  The bad receives themselves are shared
 * cases, in twohost.c.
 */
#include "verbs-errors.h"

/* ---- SEND: RNR and receive errors ---------------------------------------- */

/*
 * A signaled SEND-like @op of @len bytes from A's MR at @off (no SGE for
 * LOCAL_INV), with send flags @flags and the key @inv to invalidate.
 */
int post_send_op(struct side *a, uint64_t id, enum ibv_wr_opcode op,
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

int post_send_msg(struct side *a, uint64_t id, size_t off, uint32_t len)
{
	return post_send_op(a, id, IBV_WR_SEND, off, len, 0, 0);
}

/*
 * RNR retried until the receive comes: a SEND (or WRITE with immediate)
 * of @len bytes, the receive posted 100 ms later.
 */
void case_rnr_late_recv(const char *name, uint32_t len, bool imm)
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
void case_rnr_then_peer_gone(void)
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
