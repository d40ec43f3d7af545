/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Completion queues.
 *
 * A CQ is a ring of struct ib_uverbs_wc shared with the process (user
 * CQ, polled by librxe without a syscall) or a ring of struct ib_wc
 * (kernel CQ, polled through poll_cq).  The transport adds completions
 * with tbib_cq_post(); the completion handler (completion channel of a
 * process, or a kernel ULP's comp_handler) runs from a work item, never
 * from inside tbib_cq_post(), so the transport may post completions
 * while holding its own locks.
 *
 * Lock: cq->lock (irqsave) protects the ring, notify and overflow.  It
 * is the innermost lock of the verbs layer: QP and SRQ locks nest
 * outside it.
 */
#ifndef TBIB_CQ_H
#define TBIB_CQ_H

#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <rdma/ib_verbs.h>

#include "kmod/queue.h"

struct tbib_cq {
	struct ib_cq		ibcq;
	spinlock_t		lock;
	struct tbib_queue	q;
	bool			user;
	bool			overflow;	/* ring was full: CQ in error */
	u8			notify;		/* 0, IB_CQ_SOLICITED, IB_CQ_NEXT_COMP */
	struct work_struct	comp_work;	/* calls ibcq.comp_handler */
};

static inline struct tbib_cq *to_tcq(struct ib_cq *ibcq)
{
	return container_of(ibcq, struct tbib_cq, ibcq);
}

/*
 * wc_flags of librxe's ring are the *userspace* enum ibv_wc_flags, which
 * differ from the kernel's IB_WC_* from bit 2 on (librxe copies the ring
 * entry into struct ibv_wc as it is).
 */
#define TBIB_UWC_GRH		(1U << 0)
#define TBIB_UWC_WITH_IMM	(1U << 1)
#define TBIB_UWC_IP_CSUM_OK	(1U << 2)
#define TBIB_UWC_WITH_INV	(1U << 3)

/**
 * tbib_cq_post - add a completion
 * @cq: the CQ
 * @wc: the completion; wc->qp must be set.  Copied.
 * @solicited: the completion answers a solicited event (for
 *	IB_CQ_SOLICITED notification)
 *
 * Returns 0, or -ENOSPC when the CQ overflowed: the completion is lost,
 * the CQ is in error from now on and IB_EVENT_CQ_ERR was raised; the
 * caller should move the QP to the error state.  Any context.
 */
int tbib_cq_post(struct tbib_cq *cq, const struct ib_wc *wc, bool solicited);

/* ib_device_ops */
int tbib_create_cq(struct ib_cq *ibcq, const struct ib_cq_init_attr *attr,
		   struct uverbs_attr_bundle *attrs);
int tbib_destroy_cq(struct ib_cq *ibcq, struct ib_udata *udata);
int tbib_resize_user_cq(struct ib_cq *ibcq, unsigned int cqe,
			struct ib_udata *udata);
int tbib_poll_cq(struct ib_cq *ibcq, int num_entries, struct ib_wc *wc);
int tbib_req_notify_cq(struct ib_cq *ibcq, enum ib_cq_notify_flags flags);

#endif /* TBIB_CQ_H */
