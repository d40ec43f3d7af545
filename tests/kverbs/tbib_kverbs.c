// SPDX-License-Identifier: GPL-2.0
/*
 * Test only: kernel verbs on a tbib device, the way in-kernel ULPs use
 * them (ib_alloc_pd with its DMA MR, ib_alloc_cq with softirq and direct
 * polling, kernel QPs with ib_post_send/ib_post_recv, ib_drain_qp, SRQs,
 * AHs, fast-reg MRs with ib_map_mr_sg, CQ resize where the kernel still
 * offers it to kernel users (before 7.1), refused requests).
 *
 *   modprobe tbib_kverbs dev=tbib0
 *
 * Every check prints "tbib_kverbs: ok: ..." or "tbib_kverbs: FAIL: ...";
 * loading fails with -EIO if any check failed, so the guest test only
 * needs the exit status of modprobe.  Needs no peer: without a transport
 * nothing is delivered, and everything posted comes back flushed.
 *
 *   modprobe tbib_kverbs dev=tbib0 peer=tbib1
 *
 * instead moves data between two devices joined by a rail (their ports
 * ACTIVE): RC QPs connected by LID carry a SEND, RDMA WRITE and READ to a
 * fast-reg MR of the peer, SEND_WITH_INV and LOCAL_INV of it (the dead
 * key then gets a remote access error), and a UD QP a SEND through an AH.
 * Every byte and completion field is checked.
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <rdma/ib_verbs.h>

static char *dev_name_param = "tbib0";
module_param_named(dev, dev_name_param, charp, 0444);
MODULE_PARM_DESC(dev, "tbib device to test");

static char *peer_name_param = "";
module_param_named(peer, peer_name_param, charp, 0444);
MODULE_PARM_DESC(peer, "second tbib device, joined to dev by a rail: move data between them");

#define KV_QKEY		0x1234

static int failures;

#define CHECK(cond, fmt, ...) do {					\
	if (cond) {							\
		pr_info("tbib_kverbs: ok: " fmt "\n", ##__VA_ARGS__);	\
	} else {							\
		pr_err("tbib_kverbs: FAIL: " fmt "\n", ##__VA_ARGS__);	\
		failures++;						\
	}								\
} while (0)

/*
 * The device named @name, with a reference, or NULL.  ib_core's lookup by
 * name is not exported (since 7.0): an IB client is told of every device.
 */
static const char *kv_want;
static struct ib_device *kv_found;

static int kv_client_add(struct ib_device *dev)
{
	if (!kv_found && dev->ops.driver_id == RDMA_DRIVER_RXE &&
	    !strcmp(dev_name(&dev->dev), kv_want) && ib_device_try_get(dev))
		kv_found = dev;
	return 0;
}

static void kv_client_remove(struct ib_device *dev, void *data)
{
}

static struct ib_client kv_client = {
	.name = "tbib_kverbs",
	.add = kv_client_add,
	.remove = kv_client_remove,
};

static struct ib_device *kv_get_device(const char *name)
{
	kv_want = name;
	kv_found = NULL;
	/* add() runs for every registered device before this returns */
	if (ib_register_client(&kv_client))
		return NULL;
	ib_unregister_client(&kv_client);
	return kv_found;
}

/* A completion context that counts what came back. */
struct kv_cqe {
	struct ib_cqe cqe;
	atomic_t done;
	atomic_t flushed;
	atomic_t other;
};

static void kv_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct kv_cqe *c = container_of(wc->wr_cqe, struct kv_cqe, cqe);

	atomic_inc(&c->done);
	if (wc->status == IB_WC_WR_FLUSH_ERR)
		atomic_inc(&c->flushed);
	else
		atomic_inc(&c->other);
}

/* Move @qp to @s; RC/UC talk to QP @dqpn at LID @lid. */
static int kv_modify_to(struct ib_qp *qp, enum ib_qp_state s, u32 lid,
			u32 dqpn, int access)
{
	struct ib_qp_attr a = {
		.qp_state = s, .port_num = 1, .qkey = KV_QKEY,
		.qp_access_flags = access,
		.path_mtu = IB_MTU_4096, .dest_qp_num = dqpn,
		.max_dest_rd_atomic = 1, .min_rnr_timer = 1, .timeout = 14,
		.retry_cnt = 7, .rnr_retry = 7, .max_rd_atomic = 1,
	};
	int mask = IB_QP_STATE;

	a.ah_attr.type = RDMA_AH_ATTR_TYPE_IB;
	rdma_ah_set_dlid(&a.ah_attr, lid);
	rdma_ah_set_port_num(&a.ah_attr, 1);
	if (s == IB_QPS_INIT)
		mask |= IB_QP_PKEY_INDEX | IB_QP_PORT |
			(qp->qp_type == IB_QPT_UD ? IB_QP_QKEY : IB_QP_ACCESS_FLAGS);
	if (s == IB_QPS_RTR && qp->qp_type != IB_QPT_UD)
		mask |= IB_QP_AV | IB_QP_PATH_MTU | IB_QP_DEST_QPN | IB_QP_RQ_PSN;
	if (s == IB_QPS_RTR && qp->qp_type == IB_QPT_RC)
		mask |= IB_QP_MAX_DEST_RD_ATOMIC | IB_QP_MIN_RNR_TIMER;
	if (s == IB_QPS_RTS)
		mask |= IB_QP_SQ_PSN;
	if (s == IB_QPS_RTS && qp->qp_type == IB_QPT_RC)
		mask |= IB_QP_TIMEOUT | IB_QP_RETRY_CNT | IB_QP_RNR_RETRY |
			IB_QP_MAX_QP_RD_ATOMIC;
	return ib_modify_qp(qp, &a, mask);
}

static int kv_modify(struct ib_qp *qp, enum ib_qp_state s, u32 lid)
{
	return kv_modify_to(qp, s, lid, qp->qp_num, IB_ACCESS_REMOTE_WRITE);
}

static int kv_to_rts(struct ib_qp *qp, u32 lid)
{
	return kv_modify(qp, IB_QPS_INIT, lid) ?: kv_modify(qp, IB_QPS_RTR, lid) ?:
	       kv_modify(qp, IB_QPS_RTS, lid);
}

static struct ib_qp *kv_qp(struct ib_pd *pd, struct ib_cq *cq,
			   struct ib_srq *srq, enum ib_qp_type type)
{
	struct ib_qp_init_attr ia = {
		.send_cq = cq, .recv_cq = cq, .srq = srq, .qp_type = type,
		.sq_sig_type = IB_SIGNAL_REQ_WR,
		.cap = { .max_send_wr = 16, .max_recv_wr = srq ? 0 : 16,
			 .max_send_sge = 2, .max_recv_sge = srq ? 0 : 2,
			 .max_inline_data = 64 },
	};

	return ib_create_qp(pd, &ia);
}

/* RC QP: receives and sends posted, then ib_drain_qp flushes them all. */
static void kv_test_rc(struct ib_device *dev, struct ib_pd *pd, u32 lid)
{
	struct kv_cqe c = { .cqe.done = kv_done };
	struct ib_send_wr swr = { .wr_cqe = &c.cqe, .opcode = IB_WR_SEND,
				  .send_flags = IB_SEND_SIGNALED };
	const struct ib_send_wr *sbad;
	const struct ib_recv_wr *rbad;
	struct ib_recv_wr rwr = { .wr_cqe = &c.cqe };
	struct ib_sge sge[5];
	struct ib_cq *cq;
	struct ib_qp *qp;
	void *buf;
	int i, err;

	buf = kzalloc(4096, GFP_KERNEL);
	cq = ib_alloc_cq(dev, NULL, 64, 0, IB_POLL_SOFTIRQ);
	CHECK(buf && !IS_ERR(cq), "softirq CQ");
	if (!buf || IS_ERR(cq))
		goto out_buf;
	qp = kv_qp(pd, cq, NULL, IB_QPT_RC);
	CHECK(!IS_ERR(qp), "kernel RC QP (%d)", PTR_ERR_OR_ZERO(qp));
	if (IS_ERR(qp))
		goto out_cq;

	for (i = 0; i < 5; i++) {
		sge[i].addr = ib_dma_map_single(dev, buf + i * 64, 64,
						DMA_BIDIRECTIONAL);
		sge[i].length = 64;
		sge[i].lkey = pd->local_dma_lkey;
	}
	swr.sg_list = sge;
	swr.num_sge = 1;
	err = ib_post_send(qp, &swr, &sbad);
	CHECK(err == -EINVAL, "send before RTS refused (%d)", err);
	err = kv_modify(qp, IB_QPS_INIT, lid);
	CHECK(!err, "RESET->INIT (%d)", err);
	rwr.sg_list = sge;
	rwr.num_sge = 2;
	for (i = 0; i < 4 && !err; i++)
		err = ib_post_recv(qp, &rwr, &rbad);
	CHECK(!err, "4 receives posted in INIT (%d)", err);
	rwr.num_sge = 3;
	err = ib_post_recv(qp, &rwr, &rbad);
	CHECK(err == -EINVAL && rbad == &rwr, "receive with 3 SGEs refused (%d)", err);
	err = kv_modify(qp, IB_QPS_RTR, lid) ?: kv_modify(qp, IB_QPS_RTS, lid);
	CHECK(!err, "INIT->RTR->RTS (%d)", err);

	/* 2 SGEs asked, 64 bytes inline: the slot holds 4 SGEs, not 5 */
	swr.num_sge = 5;
	err = ib_post_send(qp, &swr, &sbad);
	CHECK(err == -EINVAL && sbad == &swr, "send with 5 SGEs refused (%d)", err);
	swr.num_sge = 1;
	swr.opcode = IB_WR_RDMA_WRITE;
	err = 0;
	for (i = 0; i < 2 && !err; i++)
		err = ib_post_send(qp, &swr, &sbad);
	swr.opcode = IB_WR_SEND;
	swr.send_flags = IB_SEND_SIGNALED | IB_SEND_INLINE;
	err = err ?: ib_post_send(qp, &swr, &sbad);
	CHECK(!err, "3 sends posted (one inline) (%d)", err);
	swr.num_sge = 0;
	swr.opcode = IB_WR_RDMA_READ;
	swr.send_flags = IB_SEND_INLINE;
	err = ib_post_send(qp, &swr, &sbad);
	CHECK(err == -EINVAL, "inline READ refused (%d)", err);

	ib_drain_qp(qp);
	/* 4 receives + 3 sends, plus what a transport may have completed */
	CHECK(atomic_read(&c.done) == 7,
	      "drain: every WR completed once (%d: %d flushed, %d other)",
	      atomic_read(&c.done), atomic_read(&c.flushed),
	      atomic_read(&c.other));

	for (i = 0; i < 5; i++)
		ib_dma_unmap_single(dev, sge[i].addr, 64, DMA_BIDIRECTIONAL);
	err = ib_destroy_qp(qp);
	CHECK(!err, "destroy RC QP (%d)", err);
out_cq:
	ib_free_cq(cq);
out_buf:
	kfree(buf);
}

/* A direct-polled CQ sees flushes through ib_poll_cq; resize keeps them. */
static void kv_test_direct(struct ib_device *dev, struct ib_pd *pd, u32 lid)
{
	struct ib_send_wr swr = { .opcode = IB_WR_SEND,
				  .send_flags = IB_SEND_SIGNALED };
	const struct ib_send_wr *sbad;
	struct ib_wc wc[8];
	struct ib_cq *cq;
	struct ib_qp *qp;
	int i, n, err;

	cq = ib_alloc_cq(dev, NULL, 16, 0, IB_POLL_DIRECT);
	CHECK(!IS_ERR(cq), "direct CQ");
	if (IS_ERR(cq))
		return;
	qp = kv_qp(pd, cq, NULL, IB_QPT_UC);
	CHECK(!IS_ERR(qp), "kernel UC QP");
	if (IS_ERR(qp))
		goto out_cq;
	err = kv_to_rts(qp, lid);
	CHECK(!err, "UC to RTS (%d)", err);
	for (i = 0; i < 3 && !err; i++) {
		swr.wr_id = 100 + i;
		err = ib_post_send(qp, &swr, &sbad);
	}
	CHECK(!err, "3 zero-length sends posted (%d)", err);
	err = kv_modify(qp, IB_QPS_ERR, lid);
	CHECK(!err, "UC to ERR (%d)", err);
#ifdef KV_HAVE_IB_RESIZE_CQ
	err = ib_resize_cq(cq, 200);
	CHECK(!err && cq->cqe >= 200, "resize CQ with entries in it (%d, %d)",
	      err, cq->cqe);
#else
	pr_info("tbib_kverbs: skip: this kernel has no ib_resize_cq()\n");
#endif
	/* UC sends may have gone out (success) or been flushed */
	n = ib_poll_cq(cq, 8, wc);
	CHECK(n == 3 && wc[0].wr_id == 100 && wc[1].wr_id == 101 &&
	      wc[2].wr_id == 102 && wc[0].qp == qp &&
	      (wc[2].status == IB_WC_WR_FLUSH_ERR ||
	       wc[2].status == IB_WC_SUCCESS),
	      "3 sends completed in order, kept by the resize (%d)", n);
	swr.wr_id = 200;
	err = ib_post_send(qp, &swr, &sbad);
	n = ib_poll_cq(cq, 8, wc);
	CHECK(!err && n == 1 && wc[0].wr_id == 200 &&
	      wc[0].status == IB_WC_WR_FLUSH_ERR, "send in ERR flushed at once");
	err = ib_destroy_qp(qp);
	CHECK(!err, "destroy UC QP (%d)", err);
out_cq:
	ib_free_cq(cq);
}

static atomic_t kv_last_wqe;

static void kv_qp_event(struct ib_event *ev, void *ctx)
{
	if (ev->event == IB_EVENT_QP_LAST_WQE_REACHED)
		atomic_inc(&kv_last_wqe);
}

/* An RC QP on an SRQ: ERROR raises LAST_WQE_REACHED, drain works. */
static void kv_test_srq_rc(struct ib_device *dev, struct ib_pd *pd,
			   struct ib_srq *srq, struct ib_cq *cq, u32 lid)
{
	struct ib_qp_init_attr ia = {
		.send_cq = cq, .recv_cq = cq, .srq = srq, .qp_type = IB_QPT_RC,
		.sq_sig_type = IB_SIGNAL_REQ_WR, .event_handler = kv_qp_event,
		.cap = { .max_send_wr = 4, .max_send_sge = 1 },
	};
	struct ib_qp *qp = ib_create_qp(pd, &ia);
	int err;

	CHECK(!IS_ERR(qp), "RC QP on the SRQ");
	if (IS_ERR(qp))
		return;
	err = kv_to_rts(qp, lid);
	CHECK(!err, "RC on SRQ to RTS (%d)", err);
	atomic_set(&kv_last_wqe, 0);
	ib_drain_qp(qp);
	CHECK(atomic_read(&kv_last_wqe) == 1, "drain raised LAST_WQE_REACHED once (%d)",
	      atomic_read(&kv_last_wqe));
	err = ib_destroy_qp(qp);
	CHECK(!err, "destroy RC QP on SRQ (%d)", err);
}

static void kv_test_srq_ud(struct ib_device *dev, struct ib_pd *pd, u32 lid)
{
	struct ib_srq_init_attr sia = { .attr = { .max_wr = 32, .max_sge = 1 },
					.srq_type = IB_SRQT_BASIC };
	struct kv_cqe c = { .cqe.done = kv_done };
	struct ib_recv_wr rwr = { .wr_cqe = &c.cqe };
	struct ib_ud_wr ud = {};
	const struct ib_recv_wr *rbad;
	const struct ib_send_wr *sbad;
	struct rdma_ah_attr aa = {};
	struct ib_srq_attr sa = {};
	struct ib_srq *srq;
	struct ib_cq *cq;
	struct ib_qp *qp;
	struct ib_ah *ah;
	int i, err;

	cq = ib_alloc_cq(dev, NULL, 64, 0, IB_POLL_WORKQUEUE);
	CHECK(!IS_ERR(cq), "workqueue CQ");
	if (IS_ERR(cq))
		return;
	srq = ib_create_srq(pd, &sia);
	CHECK(!IS_ERR(srq), "kernel SRQ (%d)", PTR_ERR_OR_ZERO(srq));
	if (IS_ERR(srq))
		goto out_cq;
	for (err = 0, i = 0; i < 8 && !err; i++)
		err = ib_post_srq_recv(srq, &rwr, &rbad);
	CHECK(!err, "8 SRQ receives (%d)", err);
	sa.srq_limit = 4;
	err = ib_modify_srq(srq, &sa, IB_SRQ_LIMIT);
	CHECK(!err, "arm SRQ limit (%d)", err);
	memset(&sa, 0, sizeof(sa));
	err = ib_query_srq(srq, &sa);
	CHECK(!err && sa.srq_limit == 4 && sa.max_wr >= 32, "query SRQ");

	kv_test_srq_rc(dev, pd, srq, cq, lid);

	qp = kv_qp(pd, cq, srq, IB_QPT_UD);
	CHECK(!IS_ERR(qp), "kernel UD QP on the SRQ");
	if (IS_ERR(qp))
		goto out_srq;
	err = ib_post_recv(qp, &rwr, &rbad);
	CHECK(err == -EINVAL, "post_recv on an SRQ QP refused (%d)", err);
	err = kv_to_rts(qp, lid);
	CHECK(!err, "UD to RTS (%d)", err);

	aa.type = rdma_ah_find_type(dev, 1);
	rdma_ah_set_dlid(&aa, lid);
	rdma_ah_set_port_num(&aa, 1);
	ah = rdma_create_ah(pd, &aa, RDMA_CREATE_AH_SLEEPABLE);
	CHECK(!IS_ERR(ah), "kernel AH (%d)", PTR_ERR_OR_ZERO(ah));
	if (!IS_ERR(ah)) {
		ud.wr.wr_cqe = &c.cqe;
		ud.wr.opcode = IB_WR_SEND;
		ud.wr.send_flags = IB_SEND_SIGNALED;
		ud.ah = ah;
		ud.remote_qpn = 0x55;
		ud.remote_qkey = KV_QKEY;
		err = ib_post_send(qp, &ud.wr, &sbad);
		CHECK(!err, "UD send posted (%d)", err);
		ud.wr.opcode = IB_WR_RDMA_WRITE;
		err = ib_post_send(qp, &ud.wr, &sbad);
		CHECK(err == -EINVAL, "RDMA WRITE on UD refused (%d)", err);
		err = kv_modify(qp, IB_QPS_ERR, lid);
		CHECK(!err, "UD to ERR (%d)", err);
		/* the SRQ's receives belong to the SRQ, not the QP: not flushed */
		for (i = 0; i < 200 && atomic_read(&c.done) < 1; i++)
			msleep(10);
		msleep(50);
		CHECK(atomic_read(&c.done) == 1, "UD send completed once, SRQ "
		      "receives untouched (%d)", atomic_read(&c.done));
		rdma_destroy_ah(ah, RDMA_DESTROY_AH_SLEEPABLE);
	}
	err = ib_destroy_qp(qp);
	CHECK(!err, "destroy UD QP (%d)", err);
out_srq:
	ib_destroy_srq(srq);
out_cq:
	ib_free_cq(cq);
}

/* Fast-reg MR: map a scatterlist, post REG_MR and LOCAL_INV, drain. */
static void kv_test_frmr(struct ib_device *dev, struct ib_pd *pd, u32 lid)
{
	struct kv_cqe c = { .cqe.done = kv_done };
	struct ib_reg_wr reg = {};
	struct ib_send_wr inv = { .wr_cqe = &c.cqe, .opcode = IB_WR_LOCAL_INV,
				  .send_flags = IB_SEND_SIGNALED };
	const struct ib_send_wr *bad;
	struct scatterlist sg[3];
	struct page *pages[3] = {};
	struct ib_cq *cq;
	struct ib_qp *qp;
	struct ib_mr *mr;
	int i, n, err;

	CHECK(dev->attrs.device_cap_flags & IB_DEVICE_MEM_MGT_EXTENSIONS,
	      "device offers memory management extensions");
	mr = ib_alloc_mr(pd, IB_MR_TYPE_MEM_REG, 8);
	CHECK(!IS_ERR(mr), "fast-reg MR (%d)", PTR_ERR_OR_ZERO(mr));
	if (IS_ERR(mr))
		return;
	sg_init_table(sg, 3);
	for (i = 0; i < 3; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		if (!pages[i])
			goto out_pages;
		sg_set_page(&sg[i], pages[i], PAGE_SIZE, 0);
	}
	n = ib_dma_map_sg(dev, sg, 3, DMA_BIDIRECTIONAL);
	CHECK(n > 0, "map sg (%d)", n);
	err = ib_map_mr_sg(mr, sg, n, NULL, PAGE_SIZE);
	CHECK(err == n && mr->length == 3 * PAGE_SIZE,
	      "ib_map_mr_sg mapped %d of %d, length %llu", err, n, mr->length);

	cq = ib_alloc_cq(dev, NULL, 16, 0, IB_POLL_SOFTIRQ);
	qp = IS_ERR(cq) ? ERR_CAST(cq) : kv_qp(pd, cq, NULL, IB_QPT_RC);
	CHECK(!IS_ERR(qp), "QP for REG_MR");
	if (IS_ERR(qp))
		goto out_unmap;
	err = kv_to_rts(qp, lid);
	ib_update_fast_reg_key(mr, ib_inc_rkey(mr->rkey));
	reg.wr.wr_cqe = &c.cqe;
	reg.wr.opcode = IB_WR_REG_MR;
	reg.wr.send_flags = IB_SEND_SIGNALED;
	reg.mr = mr;
	reg.key = mr->rkey;
	reg.access = IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_WRITE;
	err = err ?: ib_post_send(qp, &reg.wr, &bad);
	inv.ex.invalidate_rkey = mr->rkey;
	err = err ?: ib_post_send(qp, &inv, &bad);
	CHECK(!err, "REG_MR and LOCAL_INV posted (%d)", err);
	ib_drain_qp(qp);
	CHECK(atomic_read(&c.done) == 2, "both completed once (%d, %d flushed)",
	      atomic_read(&c.done), atomic_read(&c.flushed));
	ib_destroy_qp(qp);
	ib_free_cq(cq);
out_unmap:
	ib_dma_unmap_sg(dev, sg, 3, DMA_BIDIRECTIONAL);
out_pages:
	for (i = 0; i < 3; i++)
		if (pages[i])
			__free_page(pages[i]);
	err = ib_dereg_mr(mr);
	CHECK(!err, "dereg fast-reg MR (%d)", err);
}

/* ---- two devices joined by a rail: data really moves ------------------- */

#define KV_BUF		8192		/* each end's buffer */
#define KV_FR_PAGES	2		/* pages of the fast-reg MR */
#define KV_WAIT_MS	5000		/* longest wait for one completion */
#define KV_GRH		40		/* UD receives start with a GRH */
#define KV_RACCESS	(IB_ACCESS_REMOTE_WRITE | IB_ACCESS_REMOTE_READ)

/* One device: PD, a direct-polled CQ, one buffer with the PD's DMA lkey. */
struct kv_end {
	struct ib_device *dev;
	struct ib_pd *pd;
	struct ib_cq *cq;
	struct ib_qp *qp;		/* RC */
	struct ib_qp *ud;
	u8 *buf;
	u64 dma;
	u32 lid;
};

/* a = dev (the requester), b = peer (owns the fast-reg MR) */
struct kv_pair {
	struct kv_end a, b;
	struct ib_mr *mr;
	struct page *pages[KV_FR_PAGES];
	struct scatterlist sg[KV_FR_PAGES];
	int nsg;			/* mapped entries of sg */
	struct ib_ah *ah;		/* on a, to b */
};

/* CHECK that also yields the condition, to stop at the first failure */
#define KV_OK(cond, fmt, ...) ({					\
	bool __ok = (cond);						\
	CHECK(__ok, fmt, ##__VA_ARGS__);				\
	__ok;								\
})

static u8 kv_byte(u8 seed, u32 off)
{
	return seed ^ (u8)(off * 13 + (off >> 8));
}

/* Bytes @off.. of message @seed, and their check, byte by byte. */
static void kv_fill(u8 *p, u32 len, u8 seed, u32 off)
{
	u32 i;

	for (i = 0; i < len; i++)
		p[i] = kv_byte(seed, off + i);
}

static bool kv_data_ok(const u8 *p, u32 len, u8 seed, u32 off,
		       const char *what)
{
	u32 i;

	for (i = 0; i < len; i++) {
		if (p[i] != kv_byte(seed, off + i)) {
			pr_err("tbib_kverbs: %s: byte %u is %#04x, sent %#04x\n",
			       what, off + i, p[i], kv_byte(seed, off + i));
			return false;
		}
	}
	return true;
}

static bool kv_all(const u8 *p, u32 len, u8 val, const char *what)
{
	u32 i;

	for (i = 0; i < len; i++) {
		if (p[i] != val) {
			pr_err("tbib_kverbs: %s: byte %u is %#04x, not %#04x\n",
			       what, i, p[i], val);
			return false;
		}
	}
	return true;
}

/* Byte @off of the fast-reg MR's memory (its pages are not contiguous). */
static u8 *kv_mr_byte(struct kv_pair *t, u32 off)
{
	return (u8 *)page_address(t->pages[off >> PAGE_SHIFT]) +
	       offset_in_page(off);
}

static void kv_mr_fill(struct kv_pair *t, u32 off, u32 len, u8 seed)
{
	u32 i;

	for (i = 0; i < len; i++)
		*kv_mr_byte(t, off + i) = kv_byte(seed, i);
}

static bool kv_mr_data_ok(struct kv_pair *t, u32 off, u32 len, u8 seed,
			  const char *what)
{
	u32 i;

	for (i = 0; i < len; i++) {
		u8 v = *kv_mr_byte(t, off + i);

		if (v != kv_byte(seed, i)) {
			pr_err("tbib_kverbs: %s: MR byte %u is %#04x, sent %#04x\n",
			       what, off + i, v, kv_byte(seed, i));
			return false;
		}
	}
	return true;
}

/* The whole MR still holds the pattern @seed (nothing written to it). */
static bool kv_mr_untouched(struct kv_pair *t, u8 seed, const char *what)
{
	return kv_mr_data_ok(t, 0, KV_FR_PAGES * PAGE_SIZE, seed, what);
}

static struct ib_sge kv_sge(struct kv_end *e, u32 off, u32 len)
{
	struct ib_sge sge = {
		.addr = e->dma + off, .length = len,
		.lkey = e->pd->local_dma_lkey,
	};

	return sge;
}

static int kv_post(struct ib_qp *qp, const struct ib_send_wr *wr)
{
	const struct ib_send_wr *bad;

	return ib_post_send(qp, wr, &bad);
}

static int kv_post_recv(struct ib_qp *qp, u64 wr_id, struct ib_sge *sge,
			int n)
{
	struct ib_recv_wr wr = { .wr_id = wr_id, .sg_list = sge, .num_sge = n };
	const struct ib_recv_wr *bad;

	return ib_post_recv(qp, &wr, &bad);
}

/*
 * Wait (bounded) for the next completion on @cq: it must be @wr_id of @qp
 * with @status and, if successful, @opcode.  *@wc is the completion.
 */
static bool kv_expect(struct ib_cq *cq, struct ib_qp *qp, struct ib_wc *wc,
		      const char *what, u64 wr_id, enum ib_wc_status status,
		      enum ib_wc_opcode opcode)
{
	unsigned long end = jiffies + msecs_to_jiffies(KV_WAIT_MS);
	int n;

	while (!(n = ib_poll_cq(cq, 1, wc)) && time_before(jiffies, end))
		msleep(5);
	if (n != 1)
		return KV_OK(false, "%s: no completion within %d ms (%d)",
			     what, KV_WAIT_MS, n);
	return KV_OK(wc->wr_id == wr_id && wc->qp == qp &&
		     wc->status == status &&
		     (status != IB_WC_SUCCESS || wc->opcode == opcode),
		     "%s: wr_id %llu status \"%s\" opcode %d (want %llu \"%s\" %d)",
		     what, wc->wr_id, ib_wc_status_msg(wc->status), wc->opcode,
		     wr_id, ib_wc_status_msg(status), opcode);
}

static bool kv_end_init(struct kv_end *e, const char *name)
{
	struct ib_port_attr pa;
	int err;

	e->dev = kv_get_device(name);
	if (!KV_OK(e->dev, "device %s", name))
		return false;
	err = ib_query_port(e->dev, 1, &pa);
	if (!KV_OK(!err && pa.state == IB_PORT_ACTIVE && pa.lid,
		   "%s: port ACTIVE with a LID (%d, state %d, lid %#x)", name,
		   err, pa.state, pa.lid))
		return false;
	e->lid = pa.lid;
	e->pd = ib_alloc_pd(e->dev, 0);
	if (!KV_OK(!IS_ERR(e->pd), "%s: PD (%d)", name, PTR_ERR_OR_ZERO(e->pd))) {
		e->pd = NULL;
		return false;
	}
	e->cq = ib_alloc_cq(e->dev, NULL, 32, 0, IB_POLL_DIRECT);
	if (!KV_OK(!IS_ERR(e->cq), "%s: CQ (%d)", name, PTR_ERR_OR_ZERO(e->cq))) {
		e->cq = NULL;
		return false;
	}
	e->buf = kzalloc(KV_BUF, GFP_KERNEL);
	if (!KV_OK(e->buf, "%s: buffer", name))
		return false;
	e->dma = ib_dma_map_single(e->dev, e->buf, KV_BUF, DMA_BIDIRECTIONAL);
	if (!KV_OK(!ib_dma_mapping_error(e->dev, e->dma), "%s: map buffer",
		   name)) {
		kfree(e->buf);
		e->buf = NULL;
		return false;
	}
	return true;
}

static void kv_destroy_qp(struct ib_qp **qp)
{
	if (*qp)
		ib_destroy_qp(*qp);
	*qp = NULL;
}

/* QPs are gone before this: nothing may still point into the buffer. */
static void kv_end_fini(struct kv_end *e)
{
	if (e->buf) {
		ib_dma_unmap_single(e->dev, e->dma, KV_BUF, DMA_BIDIRECTIONAL);
		kfree(e->buf);
	}
	if (e->cq)
		ib_free_cq(e->cq);
	if (e->pd)
		ib_dealloc_pd(e->pd);
	if (e->dev)
		ib_device_put(e->dev);
}

static struct ib_qp *kv_pair_qp(struct kv_end *e, enum ib_qp_type type)
{
	struct ib_qp_init_attr ia = {
		.send_cq = e->cq, .recv_cq = e->cq, .qp_type = type,
		.sq_sig_type = IB_SIGNAL_REQ_WR,
		.cap = { .max_send_wr = 8, .max_recv_wr = 8,
			 .max_send_sge = 3, .max_recv_sge = 3 },
	};
	struct ib_qp *qp = ib_create_qp(e->pd, &ia);

	return IS_ERR(qp) ? NULL : qp;
}

static int kv_rc_to_rts(struct ib_qp *qp, struct kv_end *to)
{
	return kv_modify_to(qp, IB_QPS_INIT, to->lid, to->qp->qp_num,
			    KV_RACCESS) ?:
	       kv_modify_to(qp, IB_QPS_RTR, to->lid, to->qp->qp_num,
			    KV_RACCESS) ?:
	       kv_modify_to(qp, IB_QPS_RTS, to->lid, to->qp->qp_num,
			    KV_RACCESS);
}

/* A fresh RC QP on each end, connected to each other by LID. */
static bool kv_connect(struct kv_pair *t)
{
	int err;

	kv_destroy_qp(&t->a.qp);
	kv_destroy_qp(&t->b.qp);
	t->a.qp = kv_pair_qp(&t->a, IB_QPT_RC);
	t->b.qp = kv_pair_qp(&t->b, IB_QPT_RC);
	if (!KV_OK(t->a.qp && t->b.qp, "RC QP on each device"))
		return false;
	err = kv_rc_to_rts(t->a.qp, &t->b) ?: kv_rc_to_rts(t->b.qp, &t->a);
	return KV_OK(!err, "RC QPs %#x (LID %#x) <-> %#x (LID %#x) connected (%d)",
		     t->a.qp->qp_num, t->a.lid, t->b.qp->qp_num, t->b.lid, err);
}

/* (a) SEND from 3 SGEs into a receive of 2 SGEs on the other device. */
static bool kv_pair_send(struct kv_pair *t)
{
	struct ib_sge ssge[3] = {
		kv_sge(&t->a, 0, 100), kv_sge(&t->a, 1000, 2000),
		kv_sge(&t->a, 4000, 1),
	};
	struct ib_sge rsge[2] = { kv_sge(&t->b, 0, 1000), kv_sge(&t->b, 2000, 2000) };
	struct ib_send_wr wr = {
		.wr_id = 11, .opcode = IB_WR_SEND, .send_flags = IB_SEND_SIGNALED,
		.sg_list = ssge, .num_sge = 3,
	};
	u8 *a = t->a.buf, *b = t->b.buf;
	struct ib_wc wc;
	int err;

	kv_fill(a, 100, 1, 0);
	kv_fill(a + 1000, 2000, 1, 100);
	kv_fill(a + 4000, 1, 1, 2100);
	memset(b, 0xee, KV_BUF);
	err = kv_post_recv(t->b.qp, 21, rsge, 2);
	err = err ?: kv_post(t->a.qp, &wr);
	if (!KV_OK(!err, "SEND of 2101 bytes from 3 SGEs posted (%d)", err))
		return false;
	if (!kv_expect(t->b.cq, t->b.qp, &wc, "SEND received", 21,
		       IB_WC_SUCCESS, IB_WC_RECV) ||
	    !KV_OK(wc.byte_len == 2101 &&
		   !(wc.wc_flags & (IB_WC_WITH_IMM | IB_WC_WITH_INVALIDATE)),
		   "receive: byte_len %u (2101), wc_flags %#x", wc.byte_len,
		   wc.wc_flags))
		return false;
	if (!kv_expect(t->a.cq, t->a.qp, &wc, "SEND completed", 11,
		       IB_WC_SUCCESS, IB_WC_SEND))
		return false;
	return KV_OK(kv_data_ok(b, 1000, 1, 0, "SEND") &&
		     kv_data_ok(b + 2000, 1101, 1, 1000, "SEND") &&
		     kv_all(b + 1000, 1000, 0xee, "between receive SGEs") &&
		     kv_all(b + 3101, KV_BUF - 3101, 0xee, "after the message"),
		     "SEND: 2101 bytes arrived byte for byte, nothing else written");
}

/*
 * REG_MR of the peer's fast-reg MR (on @qp of b) with a new key byte.
 * @inv_first: a LOCAL_INV of the current key is chained before it, and
 * the key byte is bumped before both are posted, as iSER does: the MR
 * keeps its old key until the LOCAL_INV runs.
 */
static bool kv_reg_mr(struct kv_pair *t, struct ib_qp *qp, int access,
		      u64 wr_id, bool inv_first)
{
	struct ib_reg_wr reg = {
		.wr = { .wr_id = wr_id, .opcode = IB_WR_REG_MR,
			.send_flags = IB_SEND_SIGNALED },
		.mr = t->mr, .access = access,
	};
	struct ib_send_wr inv = {
		.wr_id = wr_id + 1, .opcode = IB_WR_LOCAL_INV,
		.send_flags = IB_SEND_SIGNALED, .next = &reg.wr,
		.ex.invalidate_rkey = t->mr->rkey,
	};
	struct ib_wc wc;
	int err;

	ib_update_fast_reg_key(t->mr, ib_inc_rkey(t->mr->rkey));
	reg.key = t->mr->rkey;
	err = kv_post(qp, inv_first ? &inv : &reg.wr);
	if (!KV_OK(!err, "%sREG_MR with key %#x posted (%d)",
		   inv_first ? "LOCAL_INV + " : "", reg.key, err))
		return false;
	if (inv_first &&
	    !kv_expect(t->b.cq, qp, &wc, "LOCAL_INV chained before REG_MR",
		       wr_id + 1, IB_WC_SUCCESS, IB_WC_LOCAL_INV))
		return false;
	return kv_expect(t->b.cq, qp, &wc, "REG_MR", wr_id, IB_WC_SUCCESS,
			 IB_WC_REG_MR);
}

static bool kv_frmr_init(struct kv_pair *t)
{
	int i, n;

	t->mr = ib_alloc_mr(t->b.pd, IB_MR_TYPE_MEM_REG, KV_FR_PAGES);
	if (!KV_OK(!IS_ERR(t->mr), "peer fast-reg MR (%d)",
		   PTR_ERR_OR_ZERO(t->mr))) {
		t->mr = NULL;
		return false;
	}
	sg_init_table(t->sg, KV_FR_PAGES);
	for (i = 0; i < KV_FR_PAGES; i++) {
		t->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!KV_OK(t->pages[i], "MR page"))
			return false;
		sg_set_page(&t->sg[i], t->pages[i], PAGE_SIZE, 0);
	}
	t->nsg = ib_dma_map_sg(t->b.dev, t->sg, KV_FR_PAGES, DMA_BIDIRECTIONAL);
	if (!KV_OK(t->nsg > 0, "map MR pages (%d)", t->nsg)) {
		t->nsg = 0;
		return false;
	}
	n = ib_map_mr_sg(t->mr, t->sg, t->nsg, NULL, PAGE_SIZE);
	return KV_OK(n == t->nsg && t->mr->length == KV_FR_PAGES * PAGE_SIZE,
		     "ib_map_mr_sg: %d of %d, length %llu", n, t->nsg,
		     t->mr->length);
}

static void kv_rdma_wr(struct ib_rdma_wr *wr, u64 wr_id,
		       enum ib_wr_opcode op, struct ib_sge *sge, int nsge,
		       u64 addr, u32 rkey)
{
	memset(wr, 0, sizeof(*wr));
	wr->wr.wr_id = wr_id;
	wr->wr.opcode = op;
	wr->wr.send_flags = IB_SEND_SIGNALED;
	wr->wr.sg_list = sge;
	wr->wr.num_sge = nsge;
	wr->remote_addr = addr;
	wr->rkey = rkey;
}

/*
 * RDMA WRITE of @len bytes of pattern @seed to MR offset @off with @rkey,
 * from a; it must complete with @status.  On success the MR holds the
 * data, on failure the MR (filled with pattern 0x5a) is untouched.
 */
static bool kv_write(struct kv_pair *t, u64 wr_id, u32 off, u32 len, u8 seed,
		     u32 rkey, enum ib_wc_status status, const char *what)
{
	struct ib_sge sge[2] = {
		kv_sge(&t->a, 0, len / 2), kv_sge(&t->a, 4096, len - len / 2),
	};
	struct ib_rdma_wr wr;
	struct ib_wc wc;
	int err;

	kv_fill(t->a.buf, len / 2, seed, 0);
	kv_fill(t->a.buf + 4096, len - len / 2, seed, len / 2);
	if (status != IB_WC_SUCCESS)
		kv_mr_fill(t, 0, KV_FR_PAGES * PAGE_SIZE, 0x5a);
	kv_rdma_wr(&wr, wr_id, IB_WR_RDMA_WRITE, sge, 2, t->mr->iova + off,
		   rkey);
	err = kv_post(t->a.qp, &wr.wr);
	if (!KV_OK(!err, "%s: WRITE of %u bytes with rkey %#x posted (%d)",
		   what, len, rkey, err) ||
	    !kv_expect(t->a.cq, t->a.qp, &wc, what, wr_id, status,
		       IB_WC_RDMA_WRITE))
		return false;
	if (status != IB_WC_SUCCESS)
		return KV_OK(kv_mr_untouched(t, 0x5a, what),
			     "%s: refused, MR memory untouched", what);
	return KV_OK(kv_mr_data_ok(t, off, len, seed, what),
		     "%s: %u bytes at MR offset %u verified", what, len, off);
}

/* (b) WRITE to and READ from the peer's fast-reg MR, across its pages. */
static bool kv_pair_rdma(struct kv_pair *t)
{
	struct ib_sge sge[2] = {
		kv_sge(&t->a, 4096, 1200), kv_sge(&t->a, 6000, 800),
	};
	u32 off = PAGE_SIZE - 1000;
	struct ib_rdma_wr wr;
	struct ib_wc wc;
	int err;

	if (!kv_reg_mr(t, t->b.qp, IB_ACCESS_LOCAL_WRITE | KV_RACCESS, 31,
		       false) ||
	    !kv_write(t, 32, PAGE_SIZE - 350, 700, 2, t->mr->rkey,
		      IB_WC_SUCCESS, "WRITE to fast-reg MR"))
		return false;
	if (!KV_OK(*kv_mr_byte(t, PAGE_SIZE - 351) == 0 &&
		   *kv_mr_byte(t, PAGE_SIZE + 350) == 0,
		   "WRITE: the bytes around it untouched"))
		return false;

	kv_mr_fill(t, off, 2000, 3);
	memset(t->a.buf + 4096, 0xee, KV_BUF - 4096);
	kv_rdma_wr(&wr, 33, IB_WR_RDMA_READ, sge, 2, t->mr->iova + off,
		   t->mr->rkey);
	err = kv_post(t->a.qp, &wr.wr);
	if (!KV_OK(!err, "READ of 2000 bytes posted (%d)", err) ||
	    !kv_expect(t->a.cq, t->a.qp, &wc, "READ", 33, IB_WC_SUCCESS,
		       IB_WC_RDMA_READ))
		return false;
	return KV_OK(kv_data_ok(t->a.buf + 4096, 1200, 3, 0, "READ") &&
		     kv_data_ok(t->a.buf + 6000, 800, 3, 1200, "READ") &&
		     kv_all(t->a.buf + 4096 + 1200, 6000 - 4096 - 1200, 0xee,
			    "READ between SGEs") &&
		     kv_all(t->a.buf + 6800, KV_BUF - 6800, 0xee,
			    "READ after the data"),
		     "READ: 2000 bytes across the MR's pages verified");
}

/* (c) SEND with Invalidate of the peer's MR; its rkey is dead then. */
static bool kv_pair_send_inv(struct kv_pair *t)
{
	struct ib_sge ssge = kv_sge(&t->a, 0, 16);
	struct ib_sge rsge = kv_sge(&t->b, 0, 64);
	struct ib_send_wr wr = {
		.wr_id = 41, .opcode = IB_WR_SEND_WITH_INV,
		.send_flags = IB_SEND_SIGNALED, .sg_list = &ssge, .num_sge = 1,
		.ex.invalidate_rkey = t->mr->rkey,
	};
	struct ib_wc wc;
	int err;

	kv_fill(t->a.buf, 16, 4, 0);
	memset(t->b.buf, 0xee, 64);
	err = kv_post_recv(t->b.qp, 42, &rsge, 1) ?: kv_post(t->a.qp, &wr);
	if (!KV_OK(!err, "SEND_WITH_INV of rkey %#x posted (%d)",
		   t->mr->rkey, err) ||
	    !kv_expect(t->b.cq, t->b.qp, &wc, "SEND_WITH_INV received", 42,
		       IB_WC_SUCCESS, IB_WC_RECV) ||
	    !KV_OK(wc.byte_len == 16 && (wc.wc_flags & IB_WC_WITH_INVALIDATE) &&
		   wc.ex.invalidate_rkey == t->mr->rkey,
		   "receive: byte_len %u (16), wc_flags %#x, invalidated rkey %#x (%#x)",
		   wc.byte_len, wc.wc_flags, wc.ex.invalidate_rkey,
		   t->mr->rkey) ||
	    !KV_OK(kv_data_ok(t->b.buf, 16, 4, 0, "SEND_WITH_INV") &&
		   kv_all(t->b.buf + 16, 48, 0xee, "after SEND_WITH_INV"),
		   "SEND_WITH_INV: data verified") ||
	    !kv_expect(t->a.cq, t->a.qp, &wc, "SEND_WITH_INV completed", 41,
		       IB_WC_SUCCESS, IB_WC_SEND))
		return false;
	return kv_write(t, 43, 0, 64, 5, t->mr->rkey, IB_WC_REM_ACCESS_ERR,
			"WRITE with the invalidated rkey");
}

/*
 * (d) On fresh QPs (each access error ends a pair): the MR registered
 * again under a new key byte, that key works; LOCAL_INV on the peer, and
 * the key is refused.  Then re-registration the way iSER does it.
 */
static bool kv_pair_local_inv(struct kv_pair *t)
{
	struct ib_send_wr inv = {
		.wr_id = 53, .opcode = IB_WR_LOCAL_INV,
		.send_flags = IB_SEND_SIGNALED,
	};
	struct ib_wc wc;
	u32 old = t->mr->rkey;
	int err;

	if (!kv_connect(t) ||
	    !kv_reg_mr(t, t->b.qp, IB_ACCESS_LOCAL_WRITE | KV_RACCESS, 51,
		       false) ||
	    !KV_OK(t->mr->rkey != old, "new rkey %#x, old %#x", t->mr->rkey,
		   old) ||
	    !kv_write(t, 52, 100, 128, 6, t->mr->rkey, IB_WC_SUCCESS,
		      "WRITE with the new key"))
		return false;
	inv.ex.invalidate_rkey = t->mr->rkey;
	err = kv_post(t->b.qp, &inv);
	if (!KV_OK(!err, "LOCAL_INV of %#x posted (%d)", t->mr->rkey, err) ||
	    !kv_expect(t->b.cq, t->b.qp, &wc, "LOCAL_INV", 53, IB_WC_SUCCESS,
		       IB_WC_LOCAL_INV) ||
	    !kv_write(t, 54, 100, 128, 7, t->mr->rkey, IB_WC_REM_ACCESS_ERR,
		      "WRITE after LOCAL_INV"))
		return false;
	/*
	 * Valid again, then LOCAL_INV and REG_MR chained (key bumped before
	 * the post): the new key works, the one before does not.
	 */
	if (!kv_connect(t) ||
	    !kv_reg_mr(t, t->b.qp, IB_ACCESS_LOCAL_WRITE | KV_RACCESS, 55,
		       false))
		return false;
	old = t->mr->rkey;
	if (!kv_write(t, 57, 200, 32, 8, old, IB_WC_SUCCESS,
		      "WRITE before the re-registration") ||
	    !kv_reg_mr(t, t->b.qp, IB_ACCESS_LOCAL_WRITE | KV_RACCESS, 58,
		       true) ||
	    !kv_write(t, 60, 300, 32, 9, t->mr->rkey, IB_WC_SUCCESS,
		      "WRITE after LOCAL_INV + REG_MR"))
		return false;
	return kv_write(t, 61, 0, 32, 10, old, IB_WC_REM_ACCESS_ERR,
			"WRITE with the key before the re-registration");
}

/* (e) UD SEND through an AH; the receive starts with 40 bytes of GRH. */
static bool kv_pair_ud(struct kv_pair *t)
{
	struct ib_sge ssge[2] = { kv_sge(&t->a, 0, 200), kv_sge(&t->a, 1000, 300) };
	struct ib_sge rsge[2] = {
		kv_sge(&t->b, 0, KV_GRH), kv_sge(&t->b, 100, 600),
	};
	struct rdma_ah_attr aa = {};
	struct ib_ud_wr wr = {};
	struct ib_wc wc;
	int err;

	t->a.ud = kv_pair_qp(&t->a, IB_QPT_UD);
	t->b.ud = kv_pair_qp(&t->b, IB_QPT_UD);
	if (!KV_OK(t->a.ud && t->b.ud, "UD QP on each device"))
		return false;
	err = kv_to_rts(t->a.ud, t->a.lid) ?: kv_to_rts(t->b.ud, t->b.lid);
	if (!KV_OK(!err, "UD QPs to RTS (%d)", err))
		return false;
	aa.type = rdma_ah_find_type(t->a.dev, 1);
	rdma_ah_set_dlid(&aa, t->b.lid);
	rdma_ah_set_port_num(&aa, 1);
	t->ah = rdma_create_ah(t->a.pd, &aa, RDMA_CREATE_AH_SLEEPABLE);
	if (!KV_OK(!IS_ERR(t->ah), "AH to LID %#x (%d)", t->b.lid,
		   PTR_ERR_OR_ZERO(t->ah))) {
		t->ah = NULL;
		return false;
	}

	kv_fill(t->a.buf, 200, 9, 0);
	kv_fill(t->a.buf + 1000, 300, 9, 200);
	memset(t->b.buf, 0xee, KV_BUF);
	wr.wr.wr_id = 71;
	wr.wr.opcode = IB_WR_SEND;
	wr.wr.send_flags = IB_SEND_SIGNALED;
	wr.wr.sg_list = ssge;
	wr.wr.num_sge = 2;
	wr.ah = t->ah;
	wr.remote_qpn = t->b.ud->qp_num;
	wr.remote_qkey = KV_QKEY;
	err = kv_post_recv(t->b.ud, 72, rsge, 2) ?: kv_post(t->a.ud, &wr.wr);
	if (!KV_OK(!err, "UD SEND of 500 bytes posted (%d)", err) ||
	    !kv_expect(t->b.cq, t->b.ud, &wc, "UD SEND received", 72,
		       IB_WC_SUCCESS, IB_WC_RECV) ||
	    !KV_OK(wc.byte_len == 500 + KV_GRH &&
		   wc.src_qp == t->a.ud->qp_num && wc.slid == t->a.lid &&
		   !(wc.wc_flags & IB_WC_GRH),
		   "UD receive: byte_len %u (%u), src_qp %#x (%#x), slid %#x (%#x), wc_flags %#x (no GRH)",
		   wc.byte_len, 500 + KV_GRH, wc.src_qp, t->a.ud->qp_num,
		   wc.slid, t->a.lid, wc.wc_flags) ||
	    !KV_OK(kv_data_ok(t->b.buf + 100, 500, 9, 0, "UD SEND") &&
		   kv_all(t->b.buf + 600, KV_BUF - 600, 0xee, "after UD SEND"),
		   "UD SEND: 500 bytes after the GRH space verified") ||
	    !kv_expect(t->a.cq, t->a.ud, &wc, "UD SEND completed", 71,
		       IB_WC_SUCCESS, IB_WC_SEND))
		return false;
	return true;
}

static void kv_test_pair(const char *dev, const char *peer)
{
	struct kv_pair *t = kzalloc(sizeof(*t), GFP_KERNEL);
	int i;

	if (!KV_OK(t, "pair state"))
		return;
	if (kv_end_init(&t->a, dev) && kv_end_init(&t->b, peer) &&
	    kv_connect(t) && kv_pair_send(t) && kv_frmr_init(t) &&
	    kv_pair_rdma(t) && kv_pair_send_inv(t) && kv_pair_local_inv(t))
		kv_pair_ud(t);

	/* QPs first (their WQEs name the MR and buffers), then the rest */
	if (t->ah)
		rdma_destroy_ah(t->ah, RDMA_DESTROY_AH_SLEEPABLE);
	kv_destroy_qp(&t->a.ud);
	kv_destroy_qp(&t->b.ud);
	kv_destroy_qp(&t->a.qp);
	kv_destroy_qp(&t->b.qp);
	if (t->mr)
		ib_dereg_mr(t->mr);
	if (t->nsg)
		ib_dma_unmap_sg(t->b.dev, t->sg, KV_FR_PAGES, DMA_BIDIRECTIONAL);
	for (i = 0; i < KV_FR_PAGES; i++)
		if (t->pages[i])
			__free_page(t->pages[i]);
	kv_end_fini(&t->b);
	kv_end_fini(&t->a);
	kfree(t);
}

static int __init tbib_kverbs_init(void)
{
	struct ib_port_attr pa;
	struct ib_device *dev;
	struct ib_pd *pd, *gpd;
	struct ib_qp_init_attr gsi = {};
	struct ib_cq *cq;
	struct ib_qp *qp;
	u32 lid;

	if (*peer_name_param) {
		kv_test_pair(dev_name_param, peer_name_param);
		goto done;
	}
	dev = kv_get_device(dev_name_param);
	if (!dev) {
		pr_err("tbib_kverbs: FAIL: no device %s\n", dev_name_param);
		return -ENODEV;
	}
	if (ib_query_port(dev, 1, &pa)) {
		ib_device_put(dev);
		return -EIO;
	}
	lid = pa.lid ? pa.lid : 1;

	pd = ib_alloc_pd(dev, 0);
	CHECK(!IS_ERR(pd), "kernel PD (%d)", PTR_ERR_OR_ZERO(pd));
	if (IS_ERR(pd))
		goto out;
	CHECK(pd->local_dma_lkey != 0, "PD has a local DMA lkey %08x",
	      pd->local_dma_lkey);
	gpd = ib_alloc_pd(dev, IB_PD_UNSAFE_GLOBAL_RKEY);
	CHECK(!IS_ERR(gpd) && gpd->unsafe_global_rkey != 0 &&
	      gpd->unsafe_global_rkey != pd->local_dma_lkey,
	      "PD with a global rkey");
	if (!IS_ERR(gpd))
		ib_dealloc_pd(gpd);

	/* no MAD on this device: no GSI QP */
	cq = ib_alloc_cq(dev, NULL, 8, 0, IB_POLL_DIRECT);
	if (!IS_ERR(cq)) {
		gsi.send_cq = cq;
		gsi.recv_cq = cq;
		gsi.qp_type = IB_QPT_GSI;
		gsi.cap.max_send_wr = 1;
		gsi.cap.max_recv_wr = 1;
		gsi.cap.max_send_sge = 1;
		gsi.cap.max_recv_sge = 1;
		qp = ib_create_qp(pd, &gsi);
		CHECK(IS_ERR(qp), "GSI QP refused");
		if (!IS_ERR(qp))
			ib_destroy_qp(qp);
		ib_free_cq(cq);
	}

	kv_test_rc(dev, pd, lid);
	kv_test_direct(dev, pd, lid);
	kv_test_srq_ud(dev, pd, lid);
	kv_test_frmr(dev, pd, lid);
	ib_dealloc_pd(pd);
out:
	ib_device_put(dev);
done:
	pr_info("tbib_kverbs: %s: %d failure(s)\n", failures ? "FAIL" : "PASS",
		failures);
	return failures ? -EIO : 0;
}

static void __exit tbib_kverbs_exit(void)
{
}

module_init(tbib_kverbs_init);
module_exit(tbib_kverbs_exit);
MODULE_DESCRIPTION("tbib test: kernel verbs on a tbib device");
MODULE_LICENSE("GPL");
