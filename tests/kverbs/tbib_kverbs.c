// SPDX-License-Identifier: GPL-2.0
/*
 * Test only: kernel verbs on a tbib device, the way in-kernel ULPs use
 * them (ib_alloc_pd with its DMA MR, ib_alloc_cq with softirq and direct
 * polling, kernel QPs with ib_post_send/ib_post_recv, ib_drain_qp, SRQs,
 * AHs, fast-reg MRs with ib_map_mr_sg, CQ resize, refused requests).
 *
 *   modprobe tbib_kverbs dev=tbib0
 *
 * Every check prints "tbib_kverbs: ok: ..." or "tbib_kverbs: FAIL: ...";
 * loading fails with -EIO if any check failed, so the guest test only
 * needs the exit status of modprobe.  Needs no peer: without a transport
 * nothing is delivered, and everything posted comes back flushed.
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

static int failures;

#define CHECK(cond, fmt, ...) do {					\
	if (cond) {							\
		pr_info("tbib_kverbs: ok: " fmt "\n", ##__VA_ARGS__);	\
	} else {							\
		pr_err("tbib_kverbs: FAIL: " fmt "\n", ##__VA_ARGS__);	\
		failures++;						\
	}								\
} while (0)

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

static int kv_modify(struct ib_qp *qp, enum ib_qp_state s, u32 lid)
{
	struct ib_qp_attr a = {
		.qp_state = s, .port_num = 1, .qkey = 0x1234,
		.qp_access_flags = IB_ACCESS_REMOTE_WRITE,
		.path_mtu = IB_MTU_4096, .dest_qp_num = qp->qp_num,
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
	err = ib_resize_cq(cq, 200);
	CHECK(!err && cq->cqe >= 200, "resize CQ with entries in it (%d, %d)",
	      err, cq->cqe);
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
		ud.remote_qkey = 0x1234;
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

static int __init tbib_kverbs_init(void)
{
	struct ib_port_attr pa;
	struct ib_device *dev;
	struct ib_pd *pd, *gpd;
	struct ib_qp_init_attr gsi = {};
	struct ib_cq *cq;
	struct ib_qp *qp;
	u32 lid;

	dev = ib_device_get_by_name(dev_name_param, RDMA_DRIVER_RXE);
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
