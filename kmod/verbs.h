/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The verbs object layer: everything between ib_core/ib_uverbs and the
 * wire transport.
 *
 *   pd.c       protection domains
 *   mr.c       memory regions, keys, memory access for the transport
 *   sgl.c      walking the SGE list of a WQE (lkey resolution + copies)
 *   ah.c       address handles
 *   cq.c       completion queues
 *   srq.c      shared receive queues
 *   qp.c       queue pairs: create/destroy, state machine, errors
 *   wq.c       send/receive queues: posting, transport hand-out, flush
 *   wqe.c      kernel WQE forms, copying/validating user ring entries
 *   queue.c    rings in the rxe user ABI layout
 *   mmap.c     mapping rings into processes
 *   verbs.c    the ib_device_ops table, device limits, transport hooks
 *
 * The transport includes this header and uses the APIs of qp.h (send and
 * receive queues, errors, QP lookup), cq.h (tbib_cq_post), mr.h / sgl.h
 * (memory) and registers its hooks with tbib_transport_register().
 */
#ifndef TBIB_VERBS_H
#define TBIB_VERBS_H

#include <rdma/ib_verbs.h>

#include "kmod/ah.h"
#include "kmod/cq.h"
#include "kmod/mr.h"
#include "kmod/pd.h"
#include "kmod/qp.h"
#include "kmod/sgl.h"
#include "kmod/srq.h"
#include "kmod/wqe.h"

/* create_cq, resize_user_cq and reg_user_mr, as this kernel spells them */
extern const struct ib_device_ops tbib_compat_verbs_ops;

/*
 * Called once per device before ib_register_device(), before the base
 * ops of ibdev.c: ib_set_device_ops() keeps the first value set for each
 * op, so these take precedence (query_device in particular).
 */
void tbib_verbs_set_ops(struct ib_device *ibdev);

/* ---- limits (what query_device reports, and what is enforced) -------- */

#define TBIB_MAX_QP_WR		16383	/* a ring of 16384 slots */
#define TBIB_MAX_SGE		32
#define TBIB_MAX_INLINE		512	/* = TBIB_MAX_SGE * sizeof(ib_sge) */
#define TBIB_MAX_CQE		65535
#define TBIB_MAX_SRQ_WR		16383
#define TBIB_MAX_RD_ATOMIC	16	/* per QP, both directions */
#define TBIB_MAX_FR_PAGES	512	/* pages of a fast-reg MR */
#define TBIB_MAX_MR_SIZE	(1ULL << 38)	/* page array <= 512 MiB */
#define TBIB_MAX_AH		(1 << 16)

/*
 * Object counts.  They are counted for the whole module (all tbib
 * devices together): the limit is about host memory, not one HCA.
 */
enum tbib_res {
	TBIB_RES_PD,
	TBIB_RES_MR,
	TBIB_RES_MW,
	TBIB_RES_CQ,
	TBIB_RES_QP,
	TBIB_RES_SRQ,
	TBIB_RES_AH,
	TBIB_RES_NUM
};

bool tbib_res_get(enum tbib_res res);
void tbib_res_put(enum tbib_res res);

/* ---- transport hooks ---------------------------------------------------- */

/**
 * struct tbib_transport_ops - what the transport provides to the verbs layer
 * @qp_create: a QP was built (rings exist, number assigned, not yet
 *	findable by tbib_qp_get()); set up qp->tp.  Process context, may
 *	sleep.  A negative errno fails create_qp.
 * @qp_destroy: the QP goes away: it is no longer findable, no lookup
 *	reference is left, and no data-path error can be raised any more.
 *	Stop timers and work, free qp->tp; after return the transport must
 *	not touch the QP.  Process context, qp->mutex held.
 * @qp_modify: modify_qp changed the QP (qp->state and qp->attr are the
 *	new ones; @old_state is the previous state, @mask the attribute
 *	mask).  For RESET the rings are emptied right after this returns:
 *	let go of every WQE.  For ERROR, @qp_error follows.  Process
 *	context, qp->mutex held.
 * @qp_error: the QP is in ERROR (or SQE for a UC/UD send error) and is
 *	about to be flushed: stop using its WQEs (of the SQ only, for SQE)
 *	before returning.  Process context, qp->mutex held.
 * @sq_kick: send WQEs may be available (doorbell, post_send, move to
 *	RTS): schedule the requester, which pulls them with tbib_sq_next().
 *	Any context (kernel ib_post_send() may run in atomic context), no
 *	verbs lock held.
 */
struct tbib_transport_ops {
	int (*qp_create)(struct tbib_qp *qp);
	void (*qp_destroy)(struct tbib_qp *qp);
	void (*qp_modify)(struct tbib_qp *qp, enum ib_qp_state old_state,
			  int mask);
	void (*qp_error)(struct tbib_qp *qp);
	void (*sq_kick)(struct tbib_qp *qp);
};

/*
 * Install the transport (module init, before any tbib device exists) or
 * go back to the built-in null transport with NULL (module exit, after
 * the devices are gone).  The null transport moves no data: send WQEs
 * wait until the QP is flushed; an invalid WQE at the head of the SQ
 * completes with its error and fails the QP, as a real HCA would.
 */
void tbib_transport_register(const struct tbib_transport_ops *ops);
const struct tbib_transport_ops *tbib_tp(void);

#endif /* TBIB_VERBS_H */
