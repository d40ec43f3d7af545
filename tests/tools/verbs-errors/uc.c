// SPDX-License-Identifier: GPL-2.0
/*
 * UC: a message the responder refuses (here a WRITE with a wrong rkey) is
 * dropped silently, UC having no NAK, and only that message: the next
 * FIRST or ONLY packet starts a new one, received normally.  So after the
 * bad WRITE, a good WRITE must land byte for byte and a SEND must complete
 * its receive with the right length, and both QPs stay in RTS.
 */
#include "verbs-errors.h"

/* UC takes remote writes only */
static const struct qpopt opt_uc = {
	.qp_access = IBV_ACCESS_REMOTE_WRITE,
};

/*
 * A WRITE of @bad_len bytes with a wrong rkey (one packet or several),
 * then, if @write_next, a good multi-packet WRITE, then a SEND.
 */
void case_uc_bad_rkey(const char *name, uint32_t bad_len, bool write_next)
{
	const size_t woff = 256 << 10, soff = 512 << 10, roff = 768 << 10;
	const uint32_t wlen = 150000, slen = 3000;
	struct side a, b;
	struct target t;
	struct ibv_wc wc;

	case_begin(name);
	side_open(&a, &da, ACC_ALL, BIG, 1, NULL);
	side_open(&b, &db, ACC_ALL, BIG, 2, NULL);
	side_qp_type(&a, IBV_QPT_UC);
	side_qp_type(&b, IBV_QPT_UC);
	qp_connect(&a, b.qp->qp_num, db.lid, &opt_uc);
	qp_connect(&b, a.qp->qp_num, da.lid, &opt_uc);
	if (post_recv(&b, RECV_ID, mra(&b, roff), slen + 1000, b.mr->lkey))
		expect(false, "post_recv 0 got %d", errno);

	t = tgt(&b);
	t.rkey ^= 0x80;
	post_write(&a, t, 0x1, 0, bad_len);
	if (write_next) {
		post_write(&a, tgt(&b), 0x2, woff, wlen);
		written(&b, woff, wlen);
	}
	if (post_send_msg(&a, 0x3, soff, slen))
		expect(false, "post_send of the SEND 0 got %d", errno);
	memcpy(b.want + MR_OFF + roff, a.want + MR_OFF + soff, slen);

	/* UC: the requester never hears of the error */
	expect_wc(&a, 0x1, IBV_WC_SUCCESS, "requester (bad rkey)", NULL);
	if (write_next)
		expect_wc(&a, 0x2, IBV_WC_SUCCESS, "requester (WRITE)", NULL);
	expect_wc(&a, 0x3, IBV_WC_SUCCESS, "requester (SEND)", NULL);
	if (expect_wc(&b, RECV_ID, IBV_WC_SUCCESS, "responder", &wc))
		expect(wc.opcode == IBV_WC_RECV && wc.byte_len == slen,
		       "responder RECV of %u bytes got opcode %d of %u bytes",
		       slen, wc.opcode, wc.byte_len);
	expect_none(&b, QUIET_MS, "responder");
	expect_state(a.qp, IBV_QPS_RTS, 0, "requester");
	expect_state(b.qp, IBV_QPS_RTS, 0, "responder");
	/* (the receive completion says every WRITE before it is placed) */
	expect_buf(&b, "responder");
	expect_buf(&a, "requester");
	side_close(&a);
	side_close(&b);
	case_end();
}
