// SPDX-License-Identifier: GPL-2.0
/*
 * verbs-objects: exercise every verbs object of a tbib device through the
 * stock librxe provider, without needing a peer.
 *
 *   verbs-objects [DEVICE [HOLD_SECONDS]]     (default tbib0, 0)
 *
 * The device reports exactly the capability bits tbib implements
 * (device_cap_flags_ex: RDMA FLUSH only on 6.2+), max_mw and HCA atomics;
 * PD; MRs (keys distinct, lkey == rkey, random-looking, rereg, bad
 * access refused); CQs (create, resize, limits, completion channel);
 * SRQ (limit, query, resize); RC/UC/UD QPs through RESET->INIT->RTR->RTS
 * with the right masks, wrong masks and values refused with EINVAL,
 * query_qp; AHs; receives and a send posted into the rings and seen by
 * the kernel (they come back as flush completions when the QP is moved
 * to ERROR); destroy in use refused; destroy in several orders; and exit
 * with objects still open (the kernel must clean up).
 *
 * With HOLD_SECONDS, it then keeps everything open (a QP in RTS with
 * mapped rings, CQ, SRQ, MR) and prints "HOLDING" so that a test can
 * delete the device under it; it exits once the device is gone (a verb
 * fails) or the time is up.
 *
 * Prints one line per check; exits 0 if all passed.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <infiniband/verbs.h>
#include <rdma/ib_user_verbs.h>

static int failures;

static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", ok ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		failures++;
}

static void die(const char *what)
{
	printf("FAIL: %s: %s\n", what, strerror(errno));
	exit(1);
}

static struct ibv_context *ctx;
static struct ibv_device_attr dattr;
static struct ibv_port_attr pattr;

/* Poll @cq until @n completions arrived or @ms passed; returns the count. */
static int poll_n(struct ibv_cq *cq, struct ibv_wc *wc, int n, int ms)
{
	int got = 0;

	while (got < n && ms-- > 0) {
		int r = ibv_poll_cq(cq, n - got, wc + got);

		if (r < 0)
			return -1;
		got += r;
		if (got < n)
			usleep(1000);
	}
	return got;
}

static int to_init(struct ibv_qp *qp)
{
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_INIT,
		.pkey_index = 0,
		.port_num = 1,
		.qp_access_flags = IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ |
				   IBV_ACCESS_REMOTE_ATOMIC,
		.qkey = 0x11111111,
	};
	int mask = IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT;

	mask |= qp->qp_type == IBV_QPT_UD ? IBV_QP_QKEY : IBV_QP_ACCESS_FLAGS;
	return ibv_modify_qp(qp, &a, mask);
}

static int to_rtr(struct ibv_qp *qp, uint32_t dqpn)
{
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_RTR,
		.path_mtu = IBV_MTU_4096,
		.dest_qp_num = dqpn,
		.rq_psn = 0x123456,
		.max_dest_rd_atomic = 4,
		.min_rnr_timer = 12,
		.ah_attr = { .dlid = pattr.lid ? pattr.lid : 1, .sl = 0,
			     .port_num = 1 },
	};
	int mask = IBV_QP_STATE;

	if (qp->qp_type == IBV_QPT_RC)
		mask |= IBV_QP_AV | IBV_QP_PATH_MTU | IBV_QP_DEST_QPN |
			IBV_QP_RQ_PSN | IBV_QP_MAX_DEST_RD_ATOMIC |
			IBV_QP_MIN_RNR_TIMER;
	else if (qp->qp_type == IBV_QPT_UC)
		mask |= IBV_QP_AV | IBV_QP_PATH_MTU | IBV_QP_DEST_QPN |
			IBV_QP_RQ_PSN;
	return ibv_modify_qp(qp, &a, mask);
}

static int to_rts(struct ibv_qp *qp)
{
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_RTS,
		.sq_psn = 0x654321,
		.timeout = 14,
		.retry_cnt = 7,
		.rnr_retry = 7,
		.max_rd_atomic = 4,
	};
	int mask = IBV_QP_STATE | IBV_QP_SQ_PSN;

	if (qp->qp_type == IBV_QPT_RC)
		mask |= IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT | IBV_QP_RNR_RETRY |
			IBV_QP_MAX_QP_RD_ATOMIC;
	return ibv_modify_qp(qp, &a, mask);
}

static int to_state(struct ibv_qp *qp, enum ibv_qp_state s)
{
	struct ibv_qp_attr a = { .qp_state = s };

	return ibv_modify_qp(qp, &a, IBV_QP_STATE);
}

static enum ibv_qp_state qp_state(struct ibv_qp *qp)
{
	struct ibv_qp_attr a;
	struct ibv_qp_init_attr ia;

	if (ibv_query_qp(qp, &a, IBV_QP_STATE, &ia))
		return (enum ibv_qp_state)-1;
	return a.qp_state;
}

static struct ibv_qp *make_qp(struct ibv_pd *pd, struct ibv_cq *scq,
			      struct ibv_cq *rcq, struct ibv_srq *srq,
			      enum ibv_qp_type type, struct ibv_qp_cap *cap)
{
	struct ibv_qp_init_attr ia = {
		.send_cq = scq, .recv_cq = rcq, .srq = srq, .qp_type = type,
		.cap = *cap, .sq_sig_all = 0,
	};
	struct ibv_qp *qp = ibv_create_qp(pd, &ia);

	if (qp)
		*cap = ia.cap;
	return qp;
}

/* ---- MRs ---------------------------------------------------------------- */

/*
 * librxe does not implement ibv_rereg_mr() (libibverbs answers
 * EOPNOTSUPP without asking the kernel), so send the uverbs REREG_MR
 * command ourselves.  The MR keeps its handle; the new keys are stored
 * into @mr.  Returns 0 or an errno.
 */
static int rereg(struct ibv_mr *mr, int flags, void *addr, size_t len,
		 int access)
{
	struct {
		struct ib_uverbs_cmd_hdr hdr;
		struct ib_uverbs_rereg_mr cmd;
	} req;
	struct ib_uverbs_rereg_mr_resp resp;

	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	req.hdr.command = IB_USER_VERBS_CMD_REREG_MR;
	req.hdr.in_words = sizeof(req) / 4;
	req.hdr.out_words = sizeof(resp) / 4;
	req.cmd.response = (uintptr_t)&resp;
	req.cmd.mr_handle = mr->handle;
	req.cmd.flags = flags;
	req.cmd.start = (uintptr_t)addr;
	req.cmd.length = len;
	req.cmd.hca_va = (uintptr_t)addr;
	req.cmd.pd_handle = mr->pd->handle;
	req.cmd.access_flags = access;
	if (write(mr->context->cmd_fd, &req, sizeof(req)) != sizeof(req))
		return errno;
	mr->lkey = resp.lkey;
	mr->rkey = resp.rkey;
	return 0;
}

#define NMR 16

static void test_mr(struct ibv_pd *pd)
{
	static char buf[NMR][8192];
	struct ibv_mr *mr[NMR], *m;
	uint32_t idx[NMR];
	int i, j, distinct = 1, same_lr = 1, ap = 1, seq = 0;

	for (i = 0; i < NMR; i++) {
		mr[i] = ibv_reg_mr(pd, buf[i], sizeof(buf[i]),
				   IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE |
				   IBV_ACCESS_REMOTE_READ);
		if (!mr[i])
			die("ibv_reg_mr");
		idx[i] = mr[i]->lkey >> 8;
		if (mr[i]->lkey != mr[i]->rkey)
			same_lr = 0;
	}
	for (i = 0; i < NMR; i++)
		for (j = i + 1; j < NMR; j++)
			if (mr[i]->lkey == mr[j]->lkey || idx[i] == idx[j])
				distinct = 0;
	/* consecutive or evenly spaced indices would be guessable */
	for (i = 2; i < NMR; i++)
		if (idx[i] - idx[i - 1] != idx[1] - idx[0])
			ap = 0;
	for (i = 1; i < NMR; i++)
		if (idx[i] == idx[i - 1] + 1)
			seq++;
	printf("   keys: %08x %08x %08x %08x ...\n", mr[0]->lkey, mr[1]->lkey,
	       mr[2]->lkey, mr[3]->lkey);
	check(distinct, "MR keys and key indices are distinct");
	check(same_lr, "lkey == rkey");
	check(!ap && seq < 3, "MR key indices are not sequential");

	/* access checks done for us by ib_core, still must fail */
	m = ibv_reg_mr(pd, buf[0], 4096, IBV_ACCESS_REMOTE_WRITE);
	check(!m, "REMOTE_WRITE without LOCAL_WRITE refused");
	if (m)
		ibv_dereg_mr(m);
	m = ibv_reg_mr(pd, NULL, 4096, IBV_ACCESS_LOCAL_WRITE);
	check(!m, "registering unmapped memory refused");
	if (m)
		ibv_dereg_mr(m);
	m = ibv_reg_mr(pd, buf[0], 4096, IBV_ACCESS_ON_DEMAND);
	check(!m, "ODP refused (not supported)");
	if (m)
		ibv_dereg_mr(m);

	/* rereg: access in place, translation -> new keys */
	{
		uint32_t old = mr[0]->lkey;
		int r = rereg(mr[0], IBV_REREG_MR_CHANGE_ACCESS, NULL, 0,
			      IBV_ACCESS_LOCAL_WRITE);

		check(r == 0 && mr[0]->lkey == old,
		      "rereg access in place keeps the key (returned %d)", r);
		r = rereg(mr[0], IBV_REREG_MR_CHANGE_TRANSLATION, buf[1], 4096,
			  0);
		check(r == 0 && mr[0]->lkey != old,
		      "rereg translation gives a new key %08x -> %08x (%d)",
		      old, mr[0]->lkey, r);
		r = rereg(mr[0], IBV_REREG_MR_CHANGE_ACCESS, NULL, 0,
			  IBV_ACCESS_REMOTE_WRITE);
		check(r != 0, "rereg to REMOTE_WRITE without LOCAL_WRITE refused");
		m = ibv_reg_mr(pd, buf[2], 4096, 0);	/* pinned read-only */
		check(m != NULL, "read-only MR");
		if (m) {
			old = m->lkey;
			r = rereg(m, IBV_REREG_MR_CHANGE_ACCESS, NULL, 0,
				  IBV_ACCESS_LOCAL_WRITE);
			check(r == 0 && m->lkey != old,
			      "making a read-only MR writable re-pins it: new key (%d)",
			      r);
			check(ibv_dereg_mr(m) == 0, "dereg rereg'd MR");
		}
	}
	for (i = 0; i < NMR; i++)
		check(ibv_dereg_mr(mr[i]) == 0, "dereg MR %d", i);
}

/* ---- CQs ----------------------------------------------------------------- */

static void test_cq(void)
{
	struct ibv_cq *cq;
	int r;

	cq = ibv_create_cq(ctx, 100, NULL, NULL, 0);
	if (!cq)
		die("ibv_create_cq");
	check(cq->cqe >= 100, "CQ of 100 has %d entries", cq->cqe);
	r = ibv_resize_cq(cq, 1000);
	check(r == 0 && cq->cqe >= 1000, "resize CQ to 1000: %d, %d entries", r, cq->cqe);
	r = ibv_resize_cq(cq, 10);
	check(r == 0 && cq->cqe >= 10, "resize CQ to 10: %d, %d entries", r, cq->cqe);
	r = ibv_req_notify_cq(cq, 0);
	check(r == 0, "req_notify_cq");
	check(ibv_destroy_cq(cq) == 0, "destroy CQ");

	cq = ibv_create_cq(ctx, dattr.max_cqe, NULL, NULL, 0);
	check(cq != NULL, "CQ of max_cqe=%d", dattr.max_cqe);
	if (cq)
		ibv_destroy_cq(cq);
	cq = ibv_create_cq(ctx, dattr.max_cqe + 1, NULL, NULL, 0);
	check(cq == NULL, "CQ of max_cqe+1 refused");
	if (cq)
		ibv_destroy_cq(cq);
	cq = ibv_create_cq(ctx, 0, NULL, NULL, 0);
	check(cq == NULL, "CQ of 0 entries refused");
	if (cq)
		ibv_destroy_cq(cq);
}

/* ---- SRQ ----------------------------------------------------------------- */

static struct ibv_srq *test_srq(struct ibv_pd *pd, struct ibv_mr *mr)
{
	struct ibv_srq_init_attr ia = { .attr = { .max_wr = 64, .max_sge = 2 } };
	struct ibv_srq_attr a;
	struct ibv_recv_wr wr, *bad;
	struct ibv_sge sge = { .addr = (uintptr_t)mr->addr, .length = 64,
			       .lkey = mr->lkey };
	struct ibv_srq *srq;
	int i, r;

	srq = ibv_create_srq(pd, &ia);
	if (!srq)
		die("ibv_create_srq");
	check(ia.attr.max_wr >= 64, "SRQ of 64 has %u", ia.attr.max_wr);
	a.srq_limit = 16;
	check(ibv_modify_srq(srq, &a, IBV_SRQ_LIMIT) == 0, "arm SRQ limit");
	memset(&a, 0, sizeof(a));
	check(ibv_query_srq(srq, &a) == 0 && a.srq_limit == 16 && a.max_sge == 2,
	      "query SRQ: limit %u sge %u", a.srq_limit, a.max_sge);
	a.srq_limit = 100000;
	check(ibv_modify_srq(srq, &a, IBV_SRQ_LIMIT) != 0, "SRQ limit > max_wr refused");
	for (i = 0; i < 8; i++) {
		wr = (struct ibv_recv_wr){ .wr_id = 1000 + i, .sg_list = &sge,
					   .num_sge = 1 };
		r = ibv_post_srq_recv(srq, &wr, &bad);
		if (r)
			break;
	}
	check(i == 8, "post 8 SRQ receives");
	a.max_wr = 200;
	r = ibv_modify_srq(srq, &a, IBV_SRQ_MAX_WR);
	check(r == 0, "resize SRQ to 200 (returned %d)", r);
	memset(&a, 0, sizeof(a));
	check(ibv_query_srq(srq, &a) == 0 && a.max_wr >= 200,
	      "SRQ now holds %u", a.max_wr);
	for (i = 0; i < 8; i++) {
		wr = (struct ibv_recv_wr){ .wr_id = 2000 + i, .sg_list = &sge,
					   .num_sge = 1 };
		if (ibv_post_srq_recv(srq, &wr, &bad))
			break;
	}
	check(i == 8, "post 8 more SRQ receives after resize");
	return srq;
}

/* ---- QPs ----------------------------------------------------------------- */

static void test_qp_caps(struct ibv_pd *pd, struct ibv_cq *cq)
{
	struct ibv_qp_cap cap = { .max_send_wr = dattr.max_qp_wr,
				  .max_recv_wr = dattr.max_qp_wr,
				  .max_send_sge = dattr.max_sge,
				  .max_recv_sge = dattr.max_sge };
	struct ibv_qp_init_attr ia = { .send_cq = cq, .recv_cq = cq,
				       .qp_type = IBV_QPT_RAW_PACKET,
				       .cap = { 1, 1, 1, 1, 0 } };
	struct ibv_qp *qp;

	qp = make_qp(pd, cq, cq, NULL, IBV_QPT_RC, &cap);
	check(qp != NULL, "RC QP at the device limits (wr %d sge %d)",
	      dattr.max_qp_wr, dattr.max_sge);
	if (qp)
		ibv_destroy_qp(qp);
	cap = (struct ibv_qp_cap){ .max_send_wr = dattr.max_qp_wr + 1,
				   .max_recv_wr = 1, .max_send_sge = 1,
				   .max_recv_sge = 1 };
	qp = make_qp(pd, cq, cq, NULL, IBV_QPT_RC, &cap);
	check(qp == NULL, "RC QP with max_qp_wr+1 refused");
	if (qp)
		ibv_destroy_qp(qp);
	cap = (struct ibv_qp_cap){ .max_send_wr = 1, .max_recv_wr = 1,
				   .max_send_sge = dattr.max_sge + 1,
				   .max_recv_sge = 1 };
	qp = make_qp(pd, cq, cq, NULL, IBV_QPT_RC, &cap);
	check(qp == NULL, "RC QP with max_sge+1 refused");
	if (qp)
		ibv_destroy_qp(qp);
	qp = ibv_create_qp(pd, &ia);
	check(qp == NULL, "raw packet QP refused");
	if (qp)
		ibv_destroy_qp(qp);
	cap = (struct ibv_qp_cap){ .max_send_wr = 10, .max_recv_wr = 10,
				   .max_send_sge = 3, .max_recv_sge = 3,
				   .max_inline_data = 100 };
	qp = make_qp(pd, cq, cq, NULL, IBV_QPT_RC, &cap);
	check(qp && cap.max_send_wr >= 10 && cap.max_send_sge >= 3 &&
	      cap.max_inline_data >= 100 && cap.max_recv_wr >= 10 &&
	      cap.max_recv_sge >= 3,
	      "caps rounded up and reported: wr %u/%u sge %u/%u inline %u",
	      cap.max_send_wr, cap.max_recv_wr, cap.max_send_sge,
	      cap.max_recv_sge, cap.max_inline_data);
	if (qp)
		ibv_destroy_qp(qp);
}

static void test_rc_states(struct ibv_qp *qp)
{
	struct ibv_qp_attr a;
	struct ibv_qp_init_attr ia;
	int r;

	/* RESET -> RTR skips INIT */
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTR;
	r = ibv_modify_qp(qp, &a, IBV_QP_STATE);
	check(r == EINVAL, "RESET->RTR refused with EINVAL (got %d)", r);
	/* RESET -> INIT without the required ACCESS_FLAGS */
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_INIT;
	a.port_num = 1;
	r = ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT);
	check(r == EINVAL, "RC RESET->INIT without ACCESS_FLAGS: EINVAL (got %d)", r);
	/* RESET -> INIT with a QKEY (not an RC attribute) */
	a.qkey = 1;
	r = ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT |
			  IBV_QP_ACCESS_FLAGS | IBV_QP_QKEY);
	check(r == EINVAL, "RC RESET->INIT with QKEY: EINVAL (got %d)", r);
	/* bad port */
	a.port_num = 2;
	r = ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT |
			  IBV_QP_ACCESS_FLAGS);
	check(r != 0, "port 2 refused (got %d)", r);
	check(qp_state(qp) == IBV_QPS_RESET, "still RESET after refused modifies");

	check(to_init(qp) == 0, "RC RESET->INIT");
	/* INIT -> RTR without DEST_QPN */
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTR;
	a.path_mtu = IBV_MTU_1024;
	a.ah_attr.dlid = 1;
	a.ah_attr.port_num = 1;
	r = ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU |
			  IBV_QP_RQ_PSN | IBV_QP_MAX_DEST_RD_ATOMIC |
			  IBV_QP_MIN_RNR_TIMER);
	check(r == EINVAL, "INIT->RTR without DEST_QPN: EINVAL (got %d)", r);
	/* DLID 0 */
	a.ah_attr.dlid = 0;
	a.dest_qp_num = qp->qp_num;
	r = ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU |
			  IBV_QP_DEST_QPN | IBV_QP_RQ_PSN |
			  IBV_QP_MAX_DEST_RD_ATOMIC | IBV_QP_MIN_RNR_TIMER);
	check(r != 0, "INIT->RTR with DLID 0 refused (got %d)", r);
	/* too many responder resources */
	a.ah_attr.dlid = 1;
	a.max_dest_rd_atomic = 255;
	r = ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU |
			  IBV_QP_DEST_QPN | IBV_QP_RQ_PSN |
			  IBV_QP_MAX_DEST_RD_ATOMIC | IBV_QP_MIN_RNR_TIMER);
	check(r != 0, "max_dest_rd_atomic 255 refused (got %d)", r);
	check(qp_state(qp) == IBV_QPS_INIT, "still INIT");

	check(to_rtr(qp, qp->qp_num) == 0, "RC INIT->RTR");
	/* RTR -> RTS without the RC timers */
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTS;
	r = ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_SQ_PSN);
	check(r == EINVAL, "RC RTR->RTS without TIMEOUT etc.: EINVAL (got %d)", r);
	check(to_rts(qp) == 0, "RC RTR->RTS");

	memset(&a, 0, sizeof(a));
	r = ibv_query_qp(qp, &a, IBV_QP_STATE | IBV_QP_AV | IBV_QP_DEST_QPN |
			 IBV_QP_SQ_PSN | IBV_QP_RQ_PSN | IBV_QP_TIMEOUT |
			 IBV_QP_RETRY_CNT | IBV_QP_RNR_RETRY |
			 IBV_QP_MAX_QP_RD_ATOMIC | IBV_QP_MAX_DEST_RD_ATOMIC |
			 IBV_QP_MIN_RNR_TIMER | IBV_QP_PATH_MTU | IBV_QP_CAP,
			 &ia);
	check(r == 0, "query_qp");
	check(a.qp_state == IBV_QPS_RTS && a.dest_qp_num == qp->qp_num &&
	      a.sq_psn == 0x654321 && a.rq_psn == 0x123456 && a.timeout == 14 &&
	      a.retry_cnt == 7 && a.rnr_retry == 7 && a.max_rd_atomic == 4 &&
	      a.max_dest_rd_atomic == 4 && a.min_rnr_timer == 12 &&
	      a.path_mtu == IBV_MTU_4096 &&
	      a.ah_attr.dlid == (pattr.lid ? pattr.lid : 1),
	      "query_qp returns what was set (state %d dqpn %u psn %x/%x to %u "
	      "retry %u/%u rd %u/%u rnr %u mtu %d dlid %u)", a.qp_state,
	      a.dest_qp_num, a.sq_psn, a.rq_psn, a.timeout, a.retry_cnt,
	      a.rnr_retry, a.max_rd_atomic, a.max_dest_rd_atomic,
	      a.min_rnr_timer, a.path_mtu, a.ah_attr.dlid);
	check(ia.qp_type == IBV_QPT_RC && ia.cap.max_send_wr >= 16,
	      "query_qp init attributes");
	/* RTS -> RTS may change the RNR timer, not the timeout */
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTS;
	a.min_rnr_timer = 5;
	r = ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_MIN_RNR_TIMER);
	check(r == 0, "RTS->RTS changing min_rnr_timer (got %d)", r);
	a.timeout = 10;
	r = ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_TIMEOUT);
	check(r == EINVAL, "RTS->RTS changing timeout: EINVAL (got %d)", r);
	/* RTS -> RTR is not a transition */
	a.qp_state = IBV_QPS_RTR;
	r = ibv_modify_qp(qp, &a, IBV_QP_STATE);
	check(r == EINVAL, "RTS->RTR refused with EINVAL (got %d)", r);
}

/*
 * Receives and a send posted into the rings are seen by the kernel: moving
 * the QP to ERROR must flush each of them exactly once, with its wr_id,
 * and the completion channel must fire.
 */
static void test_flush(struct ibv_pd *pd, struct ibv_mr *mr)
{
	struct ibv_comp_channel *ch = ibv_create_comp_channel(ctx);
	struct ibv_cq *cq, *ev_cq;
	struct ibv_qp *qp;
	struct ibv_qp_cap cap = { .max_send_wr = 16, .max_recv_wr = 16,
				  .max_send_sge = 2, .max_recv_sge = 2 };
	struct ibv_sge sge = { .addr = (uintptr_t)mr->addr, .length = 256,
			       .lkey = mr->lkey };
	struct ibv_send_wr swr = { .wr_id = 0x5e4d, .sg_list = &sge, .num_sge = 1,
				   .opcode = IBV_WR_SEND,
				   .send_flags = IBV_SEND_SIGNALED }, *sbad;
	struct ibv_recv_wr rwr, *rbad;
	struct ibv_wc wc[64];
	struct pollfd pfd;
	void *ev_ctx;
	int i, n, r, seen_send = 0, seen_recv = 0, bad = 0;

	if (!ch)
		die("ibv_create_comp_channel");
	cq = ibv_create_cq(ctx, 64, NULL, ch, 0);
	if (!cq)
		die("ibv_create_cq");
	qp = make_qp(pd, cq, cq, NULL, IBV_QPT_RC, &cap);
	if (!qp)
		die("ibv_create_qp");
	check(to_init(qp) == 0 && to_rtr(qp, qp->qp_num) == 0 && to_rts(qp) == 0,
	      "flush QP to RTS");
	for (i = 0; i < 4; i++) {
		rwr = (struct ibv_recv_wr){ .wr_id = 0x7000 + i, .sg_list = &sge,
					    .num_sge = 1 };
		r = ibv_post_recv(qp, &rwr, &rbad);
		if (r)
			break;
	}
	check(i == 4, "post 4 receives");
	r = ibv_post_send(qp, &swr, &sbad);
	check(r == 0, "post a send (doorbell accepted: %d)", r);
	usleep(200000);
	n = ibv_poll_cq(cq, 64, wc);
	/* no peer: nothing may complete successfully yet */
	for (i = 0; i < n; i++)
		if (wc[i].status == IBV_WC_SUCCESS)
			bad++;
	check(bad == 0, "no successful completion without a peer (%d early)", n);

	check(ibv_req_notify_cq(cq, 0) == 0, "arm CQ");
	check(to_state(qp, IBV_QPS_ERR) == 0, "RTS->ERR");
	check(qp_state(qp) == IBV_QPS_ERR, "QP in ERR");

	pfd.fd = ch->fd;
	pfd.events = POLLIN;
	r = poll(&pfd, 1, 3000);
	check(r == 1, "completion channel fired");
	if (r == 1 && ibv_get_cq_event(ch, &ev_cq, &ev_ctx) == 0) {
		check(ev_cq == cq, "event for our CQ");
		ibv_ack_cq_events(ev_cq, 1);
	}

	n += poll_n(cq, wc + n, 5 - n, 3000);
	for (i = 0; i < n; i++) {
		if (wc[i].wr_id == 0x5e4d)
			seen_send++;
		else if (wc[i].wr_id >= 0x7000 && wc[i].wr_id < 0x7004)
			seen_recv++;
		if (wc[i].wr_id >= 0x7000 && wc[i].wr_id < 0x7004 &&
		    (wc[i].status != IBV_WC_WR_FLUSH_ERR ||
		     wc[i].opcode != IBV_WC_RECV || wc[i].qp_num != qp->qp_num))
			bad++;
	}
	check(seen_send == 1, "the send came back once (%d)", seen_send);
	check(seen_recv == 4, "the 4 receives were flushed (%d)", seen_recv);
	check(bad == 0, "flush completions have FLUSH_ERR/RECV/qp_num");
	check(ibv_poll_cq(cq, 64, wc) == 0, "nothing more in the CQ");

	/* posting in ERR flushes at once */
	swr.wr_id = 0x5e4e;
	r = ibv_post_send(qp, &swr, &sbad);
	n = poll_n(cq, wc, 1, 2000);
	check(r == 0 && n == 1 && wc[0].wr_id == 0x5e4e &&
	      wc[0].status == IBV_WC_WR_FLUSH_ERR,
	      "send posted in ERR flushed at once (r %d n %d)", r, n);

	/* back to RESET and up again: the rings are usable */
	check(to_state(qp, IBV_QPS_RESET) == 0, "ERR->RESET");
	check(to_init(qp) == 0 && to_rtr(qp, qp->qp_num) == 0 && to_rts(qp) == 0,
	      "RESET->INIT->RTR->RTS again");
	check(ibv_destroy_qp(qp) == 0, "destroy flush QP");
	check(ibv_destroy_cq(cq) == 0, "destroy flush CQ");
	check(ibv_destroy_comp_channel(ch) == 0, "destroy channel");
}

static void test_uc_ud(struct ibv_pd *pd, struct ibv_cq *cq, struct ibv_mr *mr)
{
	struct ibv_qp_cap cap = { .max_send_wr = 8, .max_recv_wr = 8,
				  .max_send_sge = 1, .max_recv_sge = 1,
				  .max_inline_data = 64 };
	struct ibv_ah_attr aa = { .dlid = pattr.lid ? pattr.lid : 1, .port_num = 1 };
	struct ibv_sge sge = { .addr = (uintptr_t)mr->addr, .length = 32,
			       .lkey = mr->lkey };
	struct ibv_send_wr swr, *bad;
	struct ibv_wc wc[8];
	struct ibv_qp *uc, *ud;
	struct ibv_ah *ah, *ah2;
	int r, n;

	uc = make_qp(pd, cq, cq, NULL, IBV_QPT_UC, &cap);
	check(uc != NULL, "create UC QP");
	check(uc && to_init(uc) == 0 && to_rtr(uc, 77) == 0 && to_rts(uc) == 0,
	      "UC RESET->INIT->RTR->RTS");

	cap = (struct ibv_qp_cap){ .max_send_wr = 8, .max_recv_wr = 8,
				   .max_send_sge = 1, .max_recv_sge = 1 };
	ud = make_qp(pd, cq, cq, NULL, IBV_QPT_UD, &cap);
	check(ud != NULL, "create UD QP");
	if (!ud)
		return;
	/* UD INIT needs a QKEY */
	{
		struct ibv_qp_attr a = { .qp_state = IBV_QPS_INIT, .port_num = 1 };

		r = ibv_modify_qp(ud, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX |
				  IBV_QP_PORT);
		check(r == EINVAL, "UD RESET->INIT without QKEY: EINVAL (got %d)", r);
	}
	check(to_init(ud) == 0 && to_rtr(ud, 0) == 0 && to_rts(ud) == 0,
	      "UD RESET->INIT->RTR->RTS");

	ah = ibv_create_ah(pd, &aa);
	check(ah != NULL, "create AH for DLID %u", aa.dlid);
	aa.dlid = 0;
	ah2 = ibv_create_ah(pd, &aa);
	check(ah2 == NULL, "AH with DLID 0 refused");
	if (ah2)
		ibv_destroy_ah(ah2);
	aa.dlid = 0xc001;
	ah2 = ibv_create_ah(pd, &aa);
	check(ah2 == NULL, "AH with a multicast DLID refused");
	if (ah2)
		ibv_destroy_ah(ah2);
	aa.dlid = 5;
	aa.is_global = 1;
	aa.grh.hop_limit = 1;
	ah2 = ibv_create_ah(pd, &aa);
	check(ah2 != NULL, "AH with a GRH");
	if (ah2)
		check(ibv_destroy_ah(ah2) == 0, "destroy AH");
	if (!ah)
		return;

	/* a UD send goes through the AH number in the WQE */
	swr = (struct ibv_send_wr){ .wr_id = 0xd0d, .sg_list = &sge, .num_sge = 1,
				    .opcode = IBV_WR_SEND,
				    .send_flags = IBV_SEND_SIGNALED };
	swr.wr.ud.ah = ah;
	swr.wr.ud.remote_qpn = 0x99;
	swr.wr.ud.remote_qkey = 0x11111111;
	r = ibv_post_send(ud, &swr, &bad);
	check(r == 0, "UD send posted");
	usleep(200000);
	check(to_state(ud, IBV_QPS_ERR) == 0, "UD to ERR");
	n = poll_n(cq, wc, 1, 3000);
	check(n == 1 && wc[0].wr_id == 0xd0d &&
	      (wc[0].status == IBV_WC_SUCCESS || wc[0].status == IBV_WC_WR_FLUSH_ERR),
	      "the UD send completed once (n %d status %d)", n,
	      n ? (int)wc[0].status : -1);
	check(ibv_destroy_qp(ud) == 0, "destroy UD QP");
	check(ibv_destroy_ah(ah) == 0, "destroy AH after its QP");
	if (uc)
		check(ibv_destroy_qp(uc) == 0, "destroy UC QP");
}

/*
 * ibv_devinfo -v must be honest: exactly the capabilities tbib implements
 * are reported, no more, no fewer.  RDMA FLUSH needs a 6.2+ ib_core.
 */
static void test_cap_flags(struct ibv_context *ctx, const char *name)
{
	const uint64_t atomic_write = 1ULL << 40, flush_global = 1ULL << 38;
	uint64_t want = IBV_DEVICE_CURR_QP_STATE_MOD |
			IBV_DEVICE_PORT_ACTIVE_EVENT |
			IBV_DEVICE_SYS_IMAGE_GUID |
			IBV_DEVICE_RC_RNR_NAK_GEN |
			IBV_DEVICE_SRQ_RESIZE |
			IBV_DEVICE_MEM_WINDOW |
			IBV_DEVICE_MEM_MGT_EXTENSIONS |
			IBV_DEVICE_MEM_WINDOW_TYPE_2B | atomic_write;
	struct ibv_device_attr_ex dx;
	struct utsname u;
	unsigned int maj = 0, min = 0;

	memset(&dx, 0, sizeof(dx));
	if (ibv_query_device_ex(ctx, NULL, &dx) || uname(&u))
		die("ibv_query_device_ex");
	if (sscanf(u.release, "%u.%u", &maj, &min) == 2 &&
	    (maj > 6 || (maj == 6 && min >= 2)))
		want |= flush_global;
	check(dx.device_cap_flags_ex == want,
	      "%s reports exactly its capabilities: device_cap_flags_ex %#llx, want %#llx (kernel %s)",
	      name, (unsigned long long)dx.device_cap_flags_ex,
	      (unsigned long long)want, u.release);
	check(dx.orig_attr.max_mw > 0 && dx.orig_attr.atomic_cap == IBV_ATOMIC_HCA,
	      "%s: max_mw %d, atomic_cap %d", name, dx.orig_attr.max_mw,
	      dx.orig_attr.atomic_cap);
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "tbib0";
	struct ibv_device **list;
	struct ibv_pd *pd, *pd2;
	struct ibv_cq *cq, *cq2;
	struct ibv_mr *mr, *mr2;
	struct ibv_srq *srq;
	struct ibv_qp *qp, *sqp, *leak_qp;
	struct ibv_qp_cap cap = { .max_send_wr = 16, .max_recv_wr = 16,
				  .max_send_sge = 2, .max_recv_sge = 2 };
	static char buf[1 << 16];
	int i, n, r;

	list = ibv_get_device_list(&n);
	if (!list)
		die("ibv_get_device_list");
	for (i = 0; i < n; i++)
		if (!strcmp(ibv_get_device_name(list[i]), name))
			break;
	if (i == n) {
		printf("FAIL: no device %s\n", name);
		return 1;
	}
	ctx = ibv_open_device(list[i]);
	if (!ctx)
		die("ibv_open_device");
	ibv_free_device_list(list);
	if (ibv_query_device(ctx, &dattr) || ibv_query_port(ctx, 1, &pattr))
		die("query");
	printf("   %s: max_qp %d max_qp_wr %d max_sge %d max_cqe %d max_mr %d "
	       "max_srq_wr %d rd_atom %d/%d lid %u\n", name, dattr.max_qp,
	       dattr.max_qp_wr, dattr.max_sge, dattr.max_cqe, dattr.max_mr,
	       dattr.max_srq_wr, dattr.max_qp_rd_atom, dattr.max_qp_init_rd_atom,
	       pattr.lid);
	check(dattr.max_qp > 0 && dattr.max_qp_wr > 0 && dattr.max_sge > 0 &&
	      dattr.max_cqe > 0 && dattr.max_mr > 0 && dattr.max_pd > 0 &&
	      dattr.max_srq > 0 && dattr.max_srq_wr > 0 && dattr.max_ah > 0 &&
	      dattr.max_qp_rd_atom > 0 && dattr.atomic_cap != IBV_ATOMIC_NONE,
	      "device limits are reported");

	test_cap_flags(ctx, name);

	pd = ibv_alloc_pd(ctx);
	if (!pd)
		die("ibv_alloc_pd");
	test_mr(pd);
	test_cq();

	mr = ibv_reg_mr(pd, buf, sizeof(buf), IBV_ACCESS_LOCAL_WRITE |
			IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ |
			IBV_ACCESS_REMOTE_ATOMIC);
	if (!mr)
		die("ibv_reg_mr");
	cq = ibv_create_cq(ctx, 256, NULL, NULL, 0);
	if (!cq)
		die("ibv_create_cq");

	test_qp_caps(pd, cq);
	srq = test_srq(pd, mr);

	qp = make_qp(pd, cq, cq, NULL, IBV_QPT_RC, &cap);
	if (!qp)
		die("create RC QP");
	test_rc_states(qp);
	test_flush(pd, mr);
	test_uc_ud(pd, cq, mr);

	/* a QP on the SRQ */
	sqp = make_qp(pd, cq, cq, srq, IBV_QPT_RC, &cap);
	check(sqp != NULL && cap.max_recv_wr == 0, "RC QP on the SRQ");

	/* objects in use cannot go */
	check(ibv_destroy_cq(cq) != 0, "destroy CQ in use refused");
	check(ibv_destroy_srq(srq) != 0, "destroy SRQ in use refused");
	check(ibv_dealloc_pd(pd) != 0, "dealloc PD in use refused");

	/* destroy in another order: QP, then CQ while a second PD/MR live */
	pd2 = ibv_alloc_pd(ctx);
	mr2 = pd2 ? ibv_reg_mr(pd2, buf, 4096, IBV_ACCESS_LOCAL_WRITE) : NULL;
	check(pd2 && mr2, "second PD and MR");
	cq2 = ibv_create_cq(ctx, 16, NULL, NULL, 0);
	check(cq2 != NULL, "second CQ");
	check(ibv_dealloc_pd(pd2) != 0, "dealloc PD with an MR refused");
	check(ibv_dereg_mr(mr2) == 0 && ibv_dealloc_pd(pd2) == 0,
	      "MR then PD");
	check(ibv_destroy_cq(cq2) == 0, "CQ without QP");

	/* many QPs: numbers, rings and mappings come and go */
	for (i = 0, r = 0; i < 64; i++) {
		struct ibv_qp_cap c = cap;
		struct ibv_qp *t = make_qp(pd, cq, cq, NULL,
					   i % 3 == 0 ? IBV_QPT_UD :
					   i % 3 == 1 ? IBV_QPT_UC : IBV_QPT_RC, &c);

		if (!t || to_init(t) || ibv_destroy_qp(t))
			r++;
	}
	check(r == 0, "64 QPs created, moved to INIT and destroyed (%d failed)", r);

	/* exit with things open: QP on SRQ, a QP in RTS, MR, CQ, PD */
	leak_qp = make_qp(pd, cq, cq, NULL, IBV_QPT_RC, &cap);
	check(leak_qp && to_init(leak_qp) == 0 && to_rtr(leak_qp, 5) == 0 &&
	      to_rts(leak_qp) == 0, "QP left open in RTS");
	check(ibv_destroy_qp(qp) == 0, "destroy the state-machine QP");

	printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
	fflush(stdout);
	if (argc > 2) {
		int secs = atoi(argv[2]);
		struct ibv_qp_attr qa;
		struct ibv_qp_init_attr qia;

		printf("HOLDING\n");
		fflush(stdout);
		for (i = 0; i < secs * 10; i++) {
			if (ibv_query_qp(leak_qp, &qa, IBV_QP_STATE, &qia)) {
				printf("device gone after %d.%d s\n", i / 10, i % 10);
				break;
			}
			/* the rings stay readable: the mapping is not torn away */
			(void)ibv_poll_cq(cq, 1, (struct ibv_wc[1]){});
			usleep(100000);
		}
	}
	return failures ? 1 : 0;
}
