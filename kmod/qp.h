/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Queue pairs: object, state machine, work queues and the interface of
 * the transport (requester / responder / completer).
 *
 * Types: RC, UC, UD.  No GSI/SMI (no MAD on this device).
 *
 * ---------------------------------------------------------------------
 * Send queue, as seen by the transport
 *
 *   slots  [cons ......... next ......... prod)
 *           handed out,    validated      posted, not yet looked at
 *           not completed  copies ahead   (user ring: not even copied)
 *
 *   tbib_sq_next()      copies (user QPs) and validates the WQE at
 *                       `next`, zeroes its tp[] scratch and hands it out.
 *                       NULL when there is none or the QP is not in a
 *                       sending state (RTS; SQD stops new hand-outs).
 *   tbib_sq_complete()  completes the oldest handed-out WQE (at `cons`):
 *                       a CQE if it was signaled, sq_sig_all is set or
 *                       status != success; frees the ring slot.  Returns
 *                       -ENOSPC if the CQ overflowed (the CQE is lost):
 *                       then call tbib_qp_error(qp, IB_EVENT_QP_FATAL).
 *   tbib_sq_peek_done() the WQE at `cons` (oldest outstanding), or NULL.
 *
 *   Handed-out WQEs stay valid (and unchanged, except tp[]) until they
 *   are completed or the QP is flushed.  Completions are in order.
 *
 *   A WQE with wqe->status != IB_WC_SUCCESS is invalid (malformed ring
 *   entry, unknown AH, ...).  The transport must not execute it: once
 *   every WQE before it has completed it calls tbib_sq_fail(), which
 *   completes it with its status and moves the QP to ERROR (RC) or SQE
 *   (UC, UD).  It should stop calling tbib_sq_next() past it.
 *
 * Receive queue (or SRQ of the QP)
 *
 *   tbib_rq_take()      takes the next receive WQE (copied, validated)
 *                       into qp->rwqe and returns it; NULL if there is
 *                       none (RC: answer RNR NAK), if one is already
 *                       taken, or if the QP does not receive in its state
 *                       (receiving: RTR, RTS, SQD, SQE).  Its ->status
 *                       may say it is invalid: complete it with that
 *                       status and fail the QP.  It belongs to the
 *                       transport until
 *   tbib_rq_complete()  posts its completion to the receive CQ.
 *   tbib_rq_current()   the taken WQE or NULL (e.g. middle of a message).
 *
 *   User processes post receives into the ring without a syscall, so
 *   receives they post after the QP's error flush are never flushed:
 *   they go away with the QP (as with rxe).
 *
 * Memory: resolve SGEs with struct tbib_sgl (sgl.h), rkeys with
 * tbib_mr_get() (mr.h), execute LOCAL_INV / SEND_WITH_INV with
 * tbib_mr_invalidate() and REG_MR with tbib_mr_fast_reg().
 *
 * Connection generation: the transport derives one for every connection
 * (tbib_conn_gen(), from both QP numbers and the initial PSN) and puts it
 * on the wire, so a reused QP number never accepts a frame meant for the
 * QP that had it before.
 *
 * Errors and state
 *
 *   tbib_qp_error()     the transport detected a fatal condition (retry
 *                       exceeded after completing the WQE with
 *                       IB_WC_RETRY_EXC_ERR, CQ overflow, ...): QP state
 *                       -> ERROR, optional async event, and a work item
 *                       calls ops->qp_error() then flushes every
 *                       outstanding WQE with IB_WC_WR_FLUSH_ERR.
 *   tbib_qp_state()     current state (READ_ONCE, any context).
 *
 * Lookup
 *
 *   tbib_qp_get()       QP by number on a device, with a reference;
 *   tbib_qp_put()       RCU lookup, any context.  destroy_qp waits until
 *                       every reference is dropped: hold them briefly.
 *
 * Transport hooks the verbs call (kmod/transport.h):
 *   tbib_transport_qp_create / _qp_destroy / _qp_modify / _qp_error /
 *   _sq_kick.
 *
 * ---------------------------------------------------------------------
 * Locking (outer to inner):
 *
 *   qp->mutex         verbs side only (modify, query, destroy); the
 *                     qp_create/qp_modify/qp_error/qp_destroy hooks run
 *                     under it, in process context, and may sleep.
 *   transport locks   the transport's own per-QP locks
 *   qp->sq.lock       SQ indices, hand-out, completion    (irqsave)
 *   qp->rq.lock       RQ indices, qp->rwqe                 (irqsave)
 *     srq->lock       SRQ ring                              (irqsave)
 *   cq->lock          CQ ring                               (irqsave)
 *
 *   The sq/rq API functions take these locks themselves: call them with
 *   none of the verbs locks held.  They never call a transport hook or
 *   a completion handler (those run from work items), so the transport
 *   may hold its own locks; they may raise async events (SRQ limit, SQ
 *   drained, CQ error), whose handlers are safe in atomic context.
 *   sq_kick is called with no verbs lock held, possibly from atomic
 *   context (kernel ib_post_send()).
 *
 * QP attributes the transport needs are in qp->attr.  They change only
 * in modify_qp, under qp->mutex, and the qp_modify hook runs right after
 * they changed: copy what the data path needs there.
 */
#ifndef TBIB_QP_H
#define TBIB_QP_H

#include <linux/completion.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <rdma/ib_verbs.h>

#include "kmod/cq.h"
#include "kmod/queue.h"
#include "kmod/srq.h"
#include "kmod/wqe.h"

struct tbib_qp_attrs {
	u32		dest_qp_num;
	u32		qkey;
	u32		sq_psn;		/* 24 bits */
	u32		rq_psn;		/* 24 bits */
	int		access;		/* IB_ACCESS_REMOTE_* of the responder */
	enum ib_mtu	path_mtu;
	struct tbib_av	av;		/* primary path (RC, UC) */
	u16		pkey_index;
	u8		port_num;
	u8		timeout;	/* 4.096 us * 2^timeout, 0 = infinite */
	u8		retry_cnt;
	u8		rnr_retry;	/* 7 = infinite */
	u8		min_rnr_timer;	/* IB encoding (0..31) */
	u8		max_rd_atomic;	/* initiator depth */
	u8		max_dest_rd_atomic; /* responder resources */
	u8		path_mig_state;
	bool		sq_draining_notify;
};

struct tbib_sq {
	spinlock_t		lock;
	struct tbib_queue	q;	/* user: rxe_send_wqe; kernel: tbib_send_wqe */
	void			*shadow; /* user: validated copies, per slot */
	size_t			stride;	/* bytes per shadow slot */
	u32			next;	/* next slot to hand out */
	u32			max_wr;
	u32			max_sge;
	u32			max_inline;
};

struct tbib_rq {
	spinlock_t		lock;
	struct tbib_queue	q;	/* user: rxe_recv_wqe; kernel: tbib_recv_wqe */
	u32			max_wr;
	u32			max_sge;
};

struct tbib_qp {
	struct ib_qp		ibqp;
	refcount_t		ref;
	struct completion	released;
	struct mutex		mutex;

	/* state: written under state_lock, read with READ_ONCE */
	spinlock_t		state_lock;
	enum ib_qp_state	state;
	bool			destroyed;	/* destroy_qp began (state_lock) */
	bool			user;
	bool			sig_all;	/* IB_SIGNAL_ALL_WR */
	/*
	 * The error flush ran (SQ part under sq.lock, RQ part under
	 * rq.lock): from then on WQEs posted in SQE/ERROR are flushed at
	 * once; before, the flush itself will take them.
	 */
	bool			sq_flushed;
	bool			rq_flushed;
	struct tbib_qp_attrs	attr;

	struct tbib_sq		sq;
	struct tbib_rq		rq;
	struct tbib_srq		*srq;
	struct tbib_cq		*scq;
	struct tbib_cq		*rcq;

	/* receive WQE taken by the transport (rq.lock) */
	struct tbib_recv_wqe	*rwqe;
	bool			rwqe_busy;

	struct work_struct	err_work;
	void			*tp;		/* transport private */
};

static inline struct tbib_qp *to_tqp(struct ib_qp *ibqp)
{
	return container_of(ibqp, struct tbib_qp, ibqp);
}

static inline enum ib_qp_state tbib_qp_state(const struct tbib_qp *qp)
{
	return READ_ONCE(qp->state);
}

/* ---- transport API (see the top of this file) ------------------------- */

struct tbib_qp *tbib_qp_get(struct ib_device *ibdev, u32 qpn);
void tbib_qp_put(struct tbib_qp *qp);

struct tbib_send_wqe *tbib_sq_next(struct tbib_qp *qp);
struct tbib_send_wqe *tbib_sq_peek_done(struct tbib_qp *qp);
int tbib_sq_complete(struct tbib_qp *qp, enum ib_wc_status status);
void tbib_sq_fail(struct tbib_qp *qp);

struct tbib_recv_wqe *tbib_rq_take(struct tbib_qp *qp);
struct tbib_recv_wqe *tbib_rq_current(struct tbib_qp *qp);
/*
 * @wc: filled by the transport: status, opcode (IB_WC_RECV or
 * IB_WC_RECV_RDMA_WITH_IMM), byte_len, ex, wc_flags, src_qp, slid, sl,
 * pkey_index.  wr_id, qp and port_num are set here.  @solicited: the
 * message had the solicited-event bit.  Returns 0, -EINVAL if no WQE was
 * taken, or -ENOSPC (CQ overflow, see tbib_cq_post()).
 */
int tbib_rq_complete(struct tbib_qp *qp, struct ib_wc *wc, bool solicited);

/*
 * @event: IB_EVENT_QP_FATAL, IB_EVENT_QP_REQ_ERR, IB_EVENT_QP_ACCESS_ERR
 * to report, or 0 for none (the error was reported by a completion).
 * Any context.  No-op if the QP is already in ERROR or RESET.
 */
void tbib_qp_error(struct tbib_qp *qp, enum ib_event_type event);
/* Raise an affiliated async event on the QP (e.g. IB_EVENT_COMM_EST). */
void tbib_qp_event(struct tbib_qp *qp, enum ib_event_type event);

/* ---- inside the verbs layer ------------------------------------------ */

void tbib_qp_flush(struct tbib_qp *qp, bool sq_only);
void tbib_qp_sq_error(struct tbib_qp *qp);
void tbib_qp_kick(struct tbib_qp *qp);
void tbib_sq_reset(struct tbib_qp *qp);
void tbib_rq_reset(struct tbib_qp *qp);

/* ib_device_ops */
int tbib_create_qp(struct ib_qp *ibqp, struct ib_qp_init_attr *init,
		   struct ib_udata *udata);
int tbib_modify_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr, int mask,
		   struct ib_udata *udata);
int tbib_query_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr, int mask,
		  struct ib_qp_init_attr *init);
int tbib_destroy_qp(struct ib_qp *ibqp, struct ib_udata *udata);
int tbib_post_send(struct ib_qp *ibqp, const struct ib_send_wr *wr,
		   const struct ib_send_wr **bad_wr);
int tbib_post_recv(struct ib_qp *ibqp, const struct ib_recv_wr *wr,
		   const struct ib_recv_wr **bad_wr);

#endif /* TBIB_QP_H */
