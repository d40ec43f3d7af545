/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared receive queues.
 *
 * The ring holds struct rxe_recv_wqe entries written by the process
 * (user SRQ) or struct tbib_recv_wqe entries written by post_srq_recv
 * (kernel SRQ).  The transport takes entries one at a time for the QPs
 * attached to the SRQ (tbib_rq_take() in qp.h); taking one below the armed
 * limit raises IB_EVENT_SRQ_LIMIT_REACHED once and disarms the limit.
 *
 * Lock: srq->lock (irqsave) protects the ring indices and the limit; it
 * nests inside a QP's rq lock and outside cq->lock.
 */
#ifndef TBIB_SRQ_H
#define TBIB_SRQ_H

#include <linux/spinlock.h>
#include <rdma/ib_verbs.h>

#include "kmod/queue.h"
#include "kmod/wqe.h"

struct tbib_srq {
	struct ib_srq		ibsrq;
	spinlock_t		lock;
	struct tbib_queue	q;
	bool			user;
	u32			max_sge;
	u32			limit;		/* 0: not armed */
	u32			srq_num;
};

static inline struct tbib_srq *to_tsrq(struct ib_srq *ibsrq)
{
	return container_of(ibsrq, struct tbib_srq, ibsrq);
}

/*
 * Take the oldest receive WQE into @w (room for srq->max_sge SGEs).
 * Returns 0, or -EAGAIN when the SRQ is empty.  Any context.
 */
int tbib_srq_take(struct tbib_srq *srq, struct tbib_recv_wqe *w);

/* ib_device_ops */
int tbib_create_srq(struct ib_srq *ibsrq, struct ib_srq_init_attr *init,
		    struct ib_udata *udata);
int tbib_modify_srq(struct ib_srq *ibsrq, struct ib_srq_attr *attr,
		    enum ib_srq_attr_mask mask, struct ib_udata *udata);
int tbib_query_srq(struct ib_srq *ibsrq, struct ib_srq_attr *attr);
int tbib_destroy_srq(struct ib_srq *ibsrq, struct ib_udata *udata);
int tbib_post_srq_recv(struct ib_srq *ibsrq, const struct ib_recv_wr *wr,
		       const struct ib_recv_wr **bad_wr);

#endif /* TBIB_SRQ_H */
