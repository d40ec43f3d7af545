// SPDX-License-Identifier: GPL-2.0
/*
 * WRITE (and READ) streams: struct flow keeps DEPTH requests in flight and
 * checks their completions in order (also used by the process and
 * two-host modes); the cases where the peer QP is destroyed or in ERROR or
 * the target MR is deregistered under a stream.
 */
#include "verbs-errors.h"

/* ---- WRITE streams (peer gone) ------------------------------------------- */

void flow_init(struct flow *f, struct side *a, uint64_t raddr,
	       uint32_t rkey)
{
	memset(f, 0, sizeof(*f));
	f->a = a;
	f->op = IBV_WR_RDMA_WRITE;
	f->raddr = raddr;
	f->rkey = rkey;
}

/* Keep DEPTH WRITEs in flight. */
void flow_post(struct flow *f)
{
	while (f->posted - f->done < DEPTH) {
		unsigned int slot = f->posted % NSLOTS;

		if (post_rdma(f->a, f->posted, f->op,
			      mra(f->a, slot * CHUNK), CHUNK, f->a->mr->lkey,
			      f->raddr + slot * CHUNK, f->rkey))
			break;
		f->slot_tried[slot] = 1;
		f->posted++;
	}
}

/*
 * Poll what is there: in order, successes until the first error, which
 * is remembered, then flushes only.
 */
void flow_poll(struct flow *f)
{
	struct ibv_wc wc[16];
	int i, n;

	n = ibv_poll_cq(f->a->cq, 16, wc);
	for (i = 0; i < n; i++, f->done++) {
		expect(wc[i].wr_id == f->done,
		       "completion of wr %" PRIu64 " got wr %" PRIu64,
		       f->done, wc[i].wr_id);
		if (!f->failed && wc[i].status == IBV_WC_SUCCESS) {
			f->ok++;
			f->slot_ok[wc[i].wr_id % NSLOTS] = 1;
		} else if (!f->failed) {
			f->failed = true;
			f->err = wc[i].status;
			f->t_err = now_s();
		} else {
			expect(wc[i].status == IBV_WC_WR_FLUSH_ERR,
			       "wr %" PRIu64 " after the error %s got %s",
			       f->done, st(IBV_WC_WR_FLUSH_ERR),
			       st(wc[i].status));
		}
	}
}

/* Poll until every posted WR completed or @ms passed. */
void flow_drain(struct flow *f, int ms)
{
	double end = now_s() + ms / 1000.0;

	while (f->done < f->posted && now_s() < end) {
		flow_poll(f);
		usleep(500);
	}
	expect(f->done == f->posted, "all %" PRIu64 " WRs completed got %" PRIu64,
	       f->posted, f->done);
}

/* The error came, was RETRY_EXC_ERR, at most BOUND_S after @t0. */
void flow_expect_retry_exc(struct flow *f, double t0, const char *what)
{
	expect(f->failed, "%s: %s got none", what, st(IBV_WC_RETRY_EXC_ERR));
	if (!f->failed)
		return;
	expect(f->err == IBV_WC_RETRY_EXC_ERR, "%s: %s got %s", what,
	       st(IBV_WC_RETRY_EXC_ERR), st(f->err));
	expect(f->t_err - t0 <= BOUND_S, "%s: error within %.0f s got %.2f s",
	       what, BOUND_S, f->t_err - t0);
	printf("   %s: %" PRIu64 " ok, then %s %.3f s after, %" PRIu64
	       " flushed\n", what, f->ok, st(f->err), f->t_err - t0,
	       f->done - f->ok - 1);
	expect_state(f->a->qp, IBV_QPS_ERR, 1000, "requester");
}

/* What the target of a stream between A and @b must hold now. */
void flow_set_want(struct flow *f, struct side *b)
{
	struct side *from = f->a, *to = b;
	unsigned int s;

	if (f->op == IBV_WR_RDMA_READ) {
		from = b;
		to = f->a;
	}
	for (s = 0; s < NSLOTS; s++) {
		if (f->slot_ok[s])
			memcpy(to->want + MR_OFF + s * CHUNK,
			       from->want + MR_OFF + s * CHUNK, CHUNK);
		else if (f->slot_tried[s])
			allow(to, s * CHUNK, CHUNK);
	}
}

/* Stream until @n WRITEs succeeded (or an error, or 30 s). */
void flow_until_ok(struct flow *f, uint64_t n)
{
	double end = now_s() + 30;

	while (f->ok < n && !f->failed && now_s() < end) {
		flow_post(f);
		flow_poll(f);
		usleep(200);
	}
	expect(f->ok >= n && !f->failed,
	       "%" PRIu64 " WRITEs before the fault got %" PRIu64 " (%s)", n,
	       f->ok, f->failed ? st(f->err) : "no error");
}

/* The transfer goes on until the first error (or @secs), then drains. */
void flow_until_error(struct flow *f, int secs)
{
	double end = now_s() + secs;

	while (!f->failed && now_s() < end) {
		flow_post(f);
		flow_poll(f);
		usleep(200);
	}
	flow_drain(f, 5000);
}

/*
 * A stream of WRITEs or READs, then the fault: the peer QP destroyed or
 * in ERROR (it answers nothing: IB_WC_RETRY_EXC_ERR after the retries),
 * or the MR the stream targets deregistered (IB_WC_REM_ACCESS_ERR, the
 * responder goes to ERROR).
 */
void case_stream_fault(const char *name, enum ibv_wr_opcode op,
		       enum fault fault)
{
	struct ibv_qp_attr qa = { .qp_state = IBV_QPS_ERR };
	struct side a, b;
	struct flow f;
	double t0;

	case_begin(name);
	async_drain(&db);
	pair_open(&a, &b, ACC_ALL, BIG, &opt_short);
	flow_init(&f, &a, mra(&b, 0), b.mr->rkey);
	f.op = op;
	flow_until_ok(&f, 3);
	switch (fault) {
	case F_DESTROY:
		ibv_destroy_qp(b.qp);
		b.qp = NULL;
		break;
	case F_PEER_ERR:
		expect(ibv_modify_qp(b.qp, &qa, IBV_QP_STATE) == 0,
		       "modify to ERR 0 got %d", errno);
		break;
	case F_DEREG:
		expect(ibv_dereg_mr(b.mr) == 0, "dereg_mr 0 got %d", errno);
		b.mr = NULL;
		break;
	}
	t0 = now_s();
	flow_until_error(&f, 15);
	if (fault == F_DEREG) {
		expect(f.failed && f.err == IBV_WC_REM_ACCESS_ERR,
		       "%s got %s", st(IBV_WC_REM_ACCESS_ERR),
		       f.failed ? st(f.err) : "no error");
		expect_state(b.qp, IBV_QPS_ERR, 2000, "responder");
		expect_qp_event(&db, b.qp, IBV_EVENT_QP_ACCESS_ERR, 2000,
				"responder");
		expect_state(a.qp, IBV_QPS_ERR, 1000, "requester");
	} else {
		flow_expect_retry_exc(&f, t0, name);
	}
	expect_flushes_later(&a, tgt(&b));
	flow_set_want(&f, &b);
	if (b.qp)
		expect_none(&b, 1, "responder");
	expect_buf(&b, "responder");
	expect_buf(&a, "requester");
	side_close(&a);
	side_close(&b);
	case_end();
}
