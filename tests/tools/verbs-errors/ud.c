// SPDX-License-Identifier: GPL-2.0
/*
 * UD: a datagram larger than the receive buffer it finds completes that
 * receive with IBV_WC_LOC_LEN_ERR and costs nothing else: the QP stays
 * in RTS and the next datagram is received normally.
 */
#include "verbs-errors.h"

#define UD_QKEY		0x11111111
#define UD_GRH		40	/* a UD receive buffer starts with the GRH */

static void ud_connect(struct side *s)
{
	struct ibv_qp_attr a;

	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_INIT;
	a.port_num = 1;
	a.qkey = UD_QKEY;
	if (ibv_modify_qp(s->qp, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX |
			  IBV_QP_PORT | IBV_QP_QKEY))
		die("UD INIT");
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTR;
	if (ibv_modify_qp(s->qp, &a, IBV_QP_STATE))
		die("UD RTR");
	a.qp_state = IBV_QPS_RTS;
	a.sq_psn = 0x123;
	if (ibv_modify_qp(s->qp, &a, IBV_QP_STATE | IBV_QP_SQ_PSN))
		die("UD RTS");
}

static void ud_send(struct side *a, struct ibv_ah *ah, uint32_t qpn,
		    uint64_t id, size_t off, uint32_t len)
{
	struct ibv_sge sge = { .addr = mra(a, off), .length = len,
			       .lkey = a->mr->lkey };
	struct ibv_send_wr wr = {
		.wr_id = id, .sg_list = &sge, .num_sge = 1,
		.opcode = IBV_WR_SEND, .send_flags = IBV_SEND_SIGNALED,
	}, *bad;

	wr.wr.ud.ah = ah;
	wr.wr.ud.remote_qpn = qpn;
	wr.wr.ud.remote_qkey = UD_QKEY;
	if (ibv_post_send(a->qp, &wr, &bad))
		expect(false, "post_send of wr %#" PRIx64 " 0 got %d", id,
		       errno);
}

/*
 * B posts a receive of 64 bytes and one of 2048 (each behind its GRH);
 * A sends 1024 bytes, then (once the first receive completed, so that
 * the datagrams cannot swap receives over two rails) 1000.
 */
void case_ud_too_big(void)
{
	const size_t r1 = 0, r2 = 1024, s1 = 2048, s2 = 0;
	const uint32_t big = 1024, fit = 1000;
	struct ibv_ah_attr aa = { .dlid = db.lid, .port_num = 1 };
	struct side a, b;
	struct ibv_ah *ah;
	struct ibv_wc wc;

	case_begin("ud-datagram-too-big-for-recv");
	side_open(&a, &da, ACC_ALL, SMALL, 1, NULL);
	side_open(&b, &db, ACC_ALL, SMALL, 2, NULL);
	side_qp_type(&a, IBV_QPT_UD);
	side_qp_type(&b, IBV_QPT_UD);
	ud_connect(&a);
	ud_connect(&b);
	ah = ibv_create_ah(da.pd, &aa);
	if (!ah)
		die("create_ah on %s", da.name);
	if (post_recv(&b, RECV_ID, mra(&b, r1), UD_GRH + 64, b.mr->lkey) ||
	    post_recv(&b, RECV_ID + 1, mra(&b, r2), UD_GRH + 2048,
		      b.mr->lkey))
		expect(false, "post_recv 0 got %d", errno);
	/* a failed receive may have filled its buffer; the GRH is the HCA's */
	allow(&b, r1, UD_GRH + 64);
	allow(&b, r2, UD_GRH);

	ud_send(&a, ah, b.qp->qp_num, 0x1, s1, big);
	expect_wc(&b, RECV_ID, IBV_WC_LOC_LEN_ERR, "receiver (too big)", NULL);
	expect_state(b.qp, IBV_QPS_RTS, 0, "receiver");
	ud_send(&a, ah, b.qp->qp_num, 0x2, s2, fit);
	memcpy(b.want + MR_OFF + r2 + UD_GRH, a.want + MR_OFF + s2, fit);
	if (expect_wc(&b, RECV_ID + 1, IBV_WC_SUCCESS, "receiver", &wc))
		expect(wc.opcode == IBV_WC_RECV &&
		       wc.byte_len == UD_GRH + fit &&
		       wc.src_qp == a.qp->qp_num,
		       "receiver RECV of %u bytes from QP %u got opcode %d of %u bytes from %u",
		       UD_GRH + fit, a.qp->qp_num, wc.opcode, wc.byte_len,
		       wc.src_qp);
	expect_wc(&a, 0x1, IBV_WC_SUCCESS, "sender (too big)", NULL);
	expect_wc(&a, 0x2, IBV_WC_SUCCESS, "sender", NULL);
	expect_none(&b, QUIET_MS, "receiver");
	expect_state(a.qp, IBV_QPS_RTS, 0, "sender");
	expect_state(b.qp, IBV_QPS_RTS, 0, "receiver");
	expect_buf(&b, "receiver");
	expect_buf(&a, "sender");
	ibv_destroy_ah(ah);
	side_close(&a);
	side_close(&b);
	case_end();
}
