// SPDX-License-Identifier: GPL-2.0
/*
 * Completion notification, SRQ limit and CQ resize with traffic: a CQ armed
 * for solicited completions only, the SRQ limit event and its disarming,
 * and resizing CQs that hold unpolled completions.
 */
#include "verbs-errors.h"

/* ---- notification, SRQ limit, CQ resize ---------------------------------- */

/*
 * Wait up to @ms for an event of @ch for @cq; acknowledges what it reads.
 * True if one came.
 */
static bool chan_event(struct ibv_comp_channel *ch, struct ibv_cq *cq, int ms)
{
	struct pollfd p = { .fd = ch->fd, .events = POLLIN };
	struct ibv_cq *ecq;
	void *ectx;

	if (poll(&p, 1, ms) != 1 || ibv_get_cq_event(ch, &ecq, &ectx))
		return false;
	ibv_ack_cq_events(ecq, 1);
	expect(ecq == cq, "event for the receive CQ got another CQ");
	return ecq == cq;
}

/* The next receive completion of @s is @id, a SEND of @len bytes. */
static void expect_recv(struct side *s, uint64_t id, uint32_t len,
			const char *who)
{
	struct ibv_wc wc;

	if (expect_wc(s, id, IBV_WC_SUCCESS, who, &wc))
		expect(wc.opcode == IBV_WC_RECV && wc.byte_len == len,
		       "%s wr %#" PRIx64 " RECV of %u bytes got opcode %d "
		       "of %u", who, id, len, wc.opcode, wc.byte_len);
}

/*
 * A receive CQ armed for solicited completions only
 * (ibv_req_notify_cq(cq, 1)): a SEND without IBV_SEND_SOLICITED raises no
 * event, one with it does, once per arming; an unsuccessful completion
 * raises one too (IB).
 */
void case_notify_solicited(void)
{
	struct ibv_comp_channel *ch;
	struct side a, b;
	int i;

	case_begin("cq-notify-solicited");
	ch = ibv_create_comp_channel(db.ctx);
	if (!ch)
		die("completion channel");
	pair_open_ex(&a, &b, ACC_ALL, SMALL, &opt_std, ch, NULL);
	for (i = 0; i < 4; i++)
		if (post_recv(&b, RECV_ID + i, mra(&b, 1024 + i * 256),
			      i < 3 ? 256 : 16, b.mr->lkey))
			expect(false, "post_recv 0 got %d", errno);
	expect(ibv_req_notify_cq(b.rcq, 1) == 0,
	       "arm the CQ for solicited completions 0 got error");

	/* the completion is in the CQ before the requester's ACK comes */
	post_send_op(&a, 0x1, IBV_WR_SEND, 0, 64, 0, 0);
	expect_wc(&a, 0x1, IBV_WC_SUCCESS, "requester", NULL);
	expect(!chan_event(ch, b.rcq, 300),
	       "no event for a SEND without SOLICITED got one");
	expect_recv(&b, RECV_ID, 64, "responder");
	memcpy(b.want + MR_OFF + 1024, a.want + MR_OFF, 64);

	post_send_op(&a, 0x2, IBV_WR_SEND, 100, 64, IBV_SEND_SOLICITED, 0);
	expect_wc(&a, 0x2, IBV_WC_SUCCESS, "requester", NULL);
	expect(chan_event(ch, b.rcq, WAIT_MS),
	       "event for a SOLICITED SEND got none in %d ms", WAIT_MS);
	expect_recv(&b, RECV_ID + 1, 64, "responder");
	memcpy(b.want + MR_OFF + 1280, a.want + MR_OFF + 100, 64);

	/* that used up the arming */
	post_send_op(&a, 0x3, IBV_WR_SEND, 200, 64, IBV_SEND_SOLICITED, 0);
	expect_wc(&a, 0x3, IBV_WC_SUCCESS, "requester", NULL);
	expect(!chan_event(ch, b.rcq, 300),
	       "no event for a SOLICITED SEND after the CQ fired got one");
	expect_recv(&b, RECV_ID + 2, 64, "responder");
	memcpy(b.want + MR_OFF + 1536, a.want + MR_OFF + 200, 64);

	/* an error completion: a plain SEND too long for the receive */
	expect(ibv_req_notify_cq(b.rcq, 1) == 0, "arm again 0 got error");
	allow(&b, 1792, 16);
	post_send_op(&a, 0x4, IBV_WR_SEND, 300, 64, 0, 0);
	expect_wc(&a, 0x4, IBV_WC_REM_INV_REQ_ERR, "requester", NULL);
	expect(chan_event(ch, b.rcq, WAIT_MS),
	       "event for an error completion got none in %d ms", WAIT_MS);
	expect_wc(&b, RECV_ID + 3, IBV_WC_LOC_LEN_ERR, "responder", NULL);
	expect_flushes_later(&a, tgt(&b));
	expect_none(&b, QUIET_MS, "responder");
	expect_state(b.qp, IBV_QPS_ERR, 2000, "responder");
	expect_buf(&b, "responder");
	expect_buf(&a, "requester");
	side_close(&a);
	side_close(&b);
	ibv_destroy_comp_channel(ch);
	case_end();
}

/* IBV_EVENT_SRQ_LIMIT_REACHED events of @d for @srq during @ms. */
static int srq_limit_events(struct dev *d, struct ibv_srq *srq, int ms)
{
	double end = now_s() + ms / 1000.0;
	struct pollfd p = { .fd = d->ctx->async_fd, .events = POLLIN };
	struct ibv_async_event e;
	int n = 0;

	while (now_s() < end) {
		if (poll(&p, 1, 20) != 1 || ibv_get_async_event(d->ctx, &e))
			continue;
		if (e.event_type == IBV_EVENT_SRQ_LIMIT_REACHED &&
		    e.element.srq == srq)
			n++;
		else
			printf("   %s: also async event %s\n", cur,
			       ibv_event_type_str(e.event_type));
		ibv_ack_async_event(&e);
	}
	return n;
}

/*
 * SRQ limit: 8 receives posted, limit 4; the 4th SEND leaves 4 (not below
 * the limit: no event), the 5th leaves 3: one IBV_EVENT_SRQ_LIMIT_REACHED,
 * and the limit is disarmed (query: 0, no event for the 6th and 7th).
 */
void case_srq_limit(void)
{
	struct ibv_srq_init_attr sia = {
		.attr = { .max_wr = 16, .max_sge = 1 },
	};
	struct ibv_srq_attr sa;
	struct ibv_srq *srq;
	struct side a, b;
	int i, n;

	case_begin("srq-limit-event");
	async_drain(&db);
	srq = ibv_create_srq(db.pd, &sia);
	if (!srq)
		die("create_srq on %s", db.name);
	pair_open_ex(&a, &b, ACC_ALL, SMALL, &opt_std, NULL, srq);
	for (i = 0; i < 8; i++) {
		struct ibv_sge sge = { .addr = mra(&b, 1024 + i * 128),
				       .length = 128, .lkey = b.mr->lkey };
		struct ibv_recv_wr wr = { .wr_id = RECV_ID + i, .sg_list = &sge,
					  .num_sge = 1 }, *bad;

		if (ibv_post_srq_recv(srq, &wr, &bad))
			expect(false, "post_srq_recv 0 got %d", errno);
	}
	memset(&sa, 0, sizeof(sa));
	sa.srq_limit = 4;
	expect(ibv_modify_srq(srq, &sa, IBV_SRQ_LIMIT) == 0,
	       "arm the SRQ limit 0 got %d", errno);
	memset(&sa, 0, sizeof(sa));
	expect(ibv_query_srq(srq, &sa) == 0 && sa.srq_limit == 4,
	       "query_srq limit 4 got %u", sa.srq_limit);

	for (i = 0; i < 7; i++) {
		post_send_msg(&a, 0x1 + i, i * 64, 64);
		expect_wc(&a, 0x1 + i, IBV_WC_SUCCESS, "requester", NULL);
		expect_recv(&b, RECV_ID + i, 64, "responder");
		memcpy(b.want + MR_OFF + 1024 + i * 128,
		       a.want + MR_OFF + i * 64, 64);
		if (i == 3) {
			n = srq_limit_events(&db, srq, 300);
			expect(n == 0, "no limit event with 4 receives left "
			       "(limit 4) got %d", n);
		} else if (i == 4) {
			/* the event comes before the receive's completion */
			n = srq_limit_events(&db, srq, 1000);
			expect(n == 1, "one limit event with 3 receives left "
			       "got %d", n);
			memset(&sa, 0, sizeof(sa));
			sa.srq_limit = 99;
			expect(ibv_query_srq(srq, &sa) == 0 &&
			       sa.srq_limit == 0,
			       "query_srq after the event: limit 0 got %u",
			       sa.srq_limit);
		}
	}
	n = srq_limit_events(&db, srq, 300);
	expect(n == 0, "no limit event once disarmed got %d", n);
	expect_none(&b, QUIET_MS, "responder");
	expect_state(b.qp, IBV_QPS_RTS, 0, "responder");
	expect_buf(&b, "responder");
	expect_buf(&a, "requester");
	side_close(&a);
	side_close(&b);
	expect(ibv_destroy_srq(srq) == 0, "destroy_srq 0 got %d", errno);
	case_end();
}

/*
 * Resize both CQs while they hold unpolled completions: larger, smaller
 * than what they hold (refused), down to just above it; then more
 * completions.  All come out in order with their wr_ids.
 */
void case_resize_cq(void)
{
	struct side a, b;
	struct ibv_wc wc;
	double end;
	int i, r;

	case_begin("resize-cq-unpolled");
	pair_open(&a, &b, ACC_ALL, SMALL, &opt_std);
	for (i = 0; i < 14; i++)
		if (post_recv(&b, RECV_ID + i, mra(&b, 1024 + i * 64), 64,
			      b.mr->lkey))
			expect(false, "post_recv 0 got %d", errno);
	for (i = 0; i < 12; i++) {
		post_send_msg(&a, 0x10 + i, i * 32, 32);
		memcpy(b.want + MR_OFF + 1024 + i * 64,
		       a.want + MR_OFF + i * 32, 32);
	}
	/* the last SEND landed (its completion is posted right after) */
	end = now_s() + WAIT_MS / 1000.0;
	while (memcmp(mrp(&b, 1024 + 11 * 64), a.want + MR_OFF + 11 * 32, 32) &&
	       now_s() < end)
		usleep(1000);
	usleep(300000);		/* and the ACKs came */

	r = ibv_resize_cq(b.rcq, 1000);
	expect(r == 0 && b.rcq->cqe >= 1000,
	       "resize receive CQ to 1000: 0 got %d (%d entries)", r,
	       b.rcq->cqe);
	r = ibv_resize_cq(a.cq, 500);
	expect(r == 0 && a.cq->cqe >= 500,
	       "resize send CQ to 500: 0 got %d (%d entries)", r, a.cq->cqe);
	r = ibv_resize_cq(b.rcq, 4);
	expect(r != 0, "resize to 4 below the 12 completions held refused "
	       "got 0 (%d entries)", b.rcq->cqe);
	r = ibv_resize_cq(b.rcq, 12);
	expect(r == 0 && b.rcq->cqe >= 12 && b.rcq->cqe < 1000,
	       "resize receive CQ to 12 (held): 0 got %d (%d entries)", r,
	       b.rcq->cqe);

	/* new completions go after the copied ones */
	for (i = 12; i < 14; i++) {
		post_send_msg(&a, 0x10 + i, i * 32, 32);
		memcpy(b.want + MR_OFF + 1024 + i * 64,
		       a.want + MR_OFF + i * 32, 32);
	}
	for (i = 0; i < 14; i++) {
		if (expect_wc(&a, 0x10 + i, IBV_WC_SUCCESS, "requester", &wc))
			expect(wc.opcode == IBV_WC_SEND,
			       "requester opcode SEND got %d", wc.opcode);
		expect_recv(&b, RECV_ID + i, 32, "responder");
	}
	expect_none(&a, QUIET_MS, "requester");
	expect_none(&b, 1, "responder");
	expect_state(a.qp, IBV_QPS_RTS, 0, "requester");
	expect_state(b.qp, IBV_QPS_RTS, 0, "responder");
	expect_buf(&b, "responder");
	expect_buf(&a, "requester");
	side_close(&a);
	side_close(&b);
	case_end();
}
