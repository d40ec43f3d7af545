// SPDX-License-Identifier: GPL-2.0
/*
 * Work queues of a QP: posting (kernel verbs and the user doorbell), the
 * send/receive queue interface of the transport, flush and reset.
 * Index rules and locking are described in qp.h and queue.h.
 */
#include <linux/string.h>

#include "kmod/qp.h"
#include "kmod/verbs.h"

/* ---- send queue ---------------------------------------------------------- */

/* Kernel copy of the send WQE in slot @idx. */
static struct tbib_send_wqe *tbib_sq_wqe(struct tbib_qp *qp, u32 idx)
{
	struct tbib_sq *sq = &qp->sq;

	if (qp->user)
		return sq->shadow + (size_t)(idx & sq->q.mask) * sq->stride;
	return tbib_queue_slot(&sq->q, idx);
}

/* Producer index: the process owns it for user QPs.  sq.lock held. */
static u32 tbib_sq_prod(struct tbib_qp *qp)
{
	return qp->user ? tbib_queue_user_prod(&qp->sq.q) : qp->sq.q.prod;
}

/*
 * Retire the send WQE in slot @idx: its slot goes back to the poster,
 * then its completion (if it needs one) goes to the CQ.  In that order: a
 * process that polls the completion may post at once, and librxe fails a
 * post (ENOMEM) on a ring it still sees full.  The WQE is read before the
 * slot is released: a user's new WQE may land in it at once (the kernel
 * copy in sq.shadow is only written under sq.lock, but a kernel QP's WQE
 * lives in the ring itself).  sq.lock held.
 */
static int tbib_sq_retire(struct tbib_qp *qp, u32 idx,
			  enum ib_wc_status status)
{
	const struct tbib_send_wqe *w = tbib_sq_wqe(qp, idx);
	struct tbib_sq *sq = &qp->sq;
	bool post;
	struct ib_wc wc;

	post = status != IB_WC_SUCCESS || qp->sig_all ||
	       (w->send_flags & IB_SEND_SIGNALED);
	if (post) {
		memset(&wc, 0, sizeof(wc));
		wc.wr_id = w->wr_id;
		wc.status = status;
		wc.opcode = tbib_send_wc_opcode(w->opcode);
		wc.byte_len = min_t(u64, w->length, U32_MAX);
		wc.qp = &qp->ibqp;
		wc.port_num = 1;
	}
	tbib_queue_publish_cons(&sq->q, tbib_queue_next(&sq->q, idx));
	return post ? tbib_cq_post(qp->scq, &wc, false) : 0;
}

struct tbib_send_wqe *tbib_sq_next(struct tbib_qp *qp)
{
	struct tbib_sq *sq = &qp->sq;
	struct tbib_send_wqe *w = NULL;
	unsigned long flags;
	u32 cons, avail, handed;

	spin_lock_irqsave(&sq->lock, flags);
	if (tbib_qp_state(qp) != IB_QPS_RTS)
		goto out;
	cons = sq->q.cons;
	/*
	 * A process can move its producer index anywhere: never hand out
	 * more than it claims is posted, nor more than the ring holds, so
	 * `next` stays between cons and prod whatever it writes.
	 */
	avail = tbib_queue_count(&sq->q, tbib_sq_prod(qp), cons);
	handed = tbib_queue_count(&sq->q, sq->next, cons);
	if (handed >= avail)
		goto out;
	w = tbib_sq_wqe(qp, sq->next);
	if (qp->user)
		tbib_send_wqe_from_user(qp, tbib_queue_slot(&sq->q, sq->next), w);
	memset(w->tp, 0, sizeof(w->tp));
	sq->next = tbib_queue_next(&sq->q, sq->next);
out:
	spin_unlock_irqrestore(&sq->lock, flags);
	return w;
}

struct tbib_send_wqe *tbib_sq_peek_done(struct tbib_qp *qp)
{
	struct tbib_sq *sq = &qp->sq;
	struct tbib_send_wqe *w = NULL;
	unsigned long flags;

	spin_lock_irqsave(&sq->lock, flags);
	if (sq->next != sq->q.cons)
		w = tbib_sq_wqe(qp, sq->q.cons);
	spin_unlock_irqrestore(&sq->lock, flags);
	return w;
}

/* Complete the oldest handed-out WQE.  sq.lock held. */
static int tbib_sq_complete_locked(struct tbib_qp *qp, enum ib_wc_status status,
				   bool *drained)
{
	struct tbib_sq *sq = &qp->sq;
	int err;

	if (sq->next == sq->q.cons)
		return -EINVAL;
	err = tbib_sq_retire(qp, sq->q.cons, status);
	if (sq->next == sq->q.cons && tbib_qp_state(qp) == IB_QPS_SQD &&
	    qp->attr.sq_draining_notify) {
		qp->attr.sq_draining_notify = false;
		*drained = true;
	}
	return err;
}

int tbib_sq_complete(struct tbib_qp *qp, enum ib_wc_status status)
{
	unsigned long flags;
	bool drained = false;
	int err;

	spin_lock_irqsave(&qp->sq.lock, flags);
	err = tbib_sq_complete_locked(qp, status, &drained);
	spin_unlock_irqrestore(&qp->sq.lock, flags);
	if (drained)
		tbib_qp_event(qp, IB_EVENT_SQ_DRAINED);
	return err;
}

void tbib_sq_fail(struct tbib_qp *qp)
{
	struct tbib_sq *sq = &qp->sq;
	enum ib_wc_status status;
	unsigned long flags;
	bool drained = false;

	spin_lock_irqsave(&sq->lock, flags);
	if (sq->next == sq->q.cons) {
		spin_unlock_irqrestore(&sq->lock, flags);
		return;
	}
	status = tbib_sq_wqe(qp, sq->q.cons)->status;
	if (status == IB_WC_SUCCESS)
		status = IB_WC_LOC_QP_OP_ERR;
	tbib_sq_complete_locked(qp, status, &drained);
	spin_unlock_irqrestore(&sq->lock, flags);
	tbib_qp_sq_error(qp);
}

/* Flush every WQE of the SQ, handed out or not.  sq.lock held. */
static void tbib_sq_flush_locked(struct tbib_qp *qp)
{
	struct tbib_sq *sq = &qp->sq;
	u32 cons = sq->q.cons;
	u32 handed = tbib_queue_count(&sq->q, sq->next, cons);
	u32 n = max(handed, tbib_queue_count(&sq->q, tbib_sq_prod(qp), cons));
	u32 i;

	for (i = 0; i < n; i++) {
		u32 idx = (cons + i) & sq->q.mask;
		struct tbib_send_wqe *w = tbib_sq_wqe(qp, idx);

		if (qp->user && i >= handed)
			tbib_send_wqe_from_user(qp, tbib_queue_slot(&sq->q, idx), w);
		tbib_sq_retire(qp, idx, IB_WC_WR_FLUSH_ERR);
	}
	sq->next = (cons + n) & sq->q.mask;
	qp->sq_flushed = true;
}

void tbib_sq_reset(struct tbib_qp *qp)
{
	unsigned long flags;

	spin_lock_irqsave(&qp->sq.lock, flags);
	qp->sq.next = 0;
	tbib_queue_reset(&qp->sq.q);
	qp->sq_flushed = false;
	spin_unlock_irqrestore(&qp->sq.lock, flags);
}

/* ---- receive queue ------------------------------------------------------- */

static int tbib_rq_post_wc(struct tbib_qp *qp, struct ib_wc *wc, bool solicited)
{
	wc->wr_id = qp->rwqe->wr_id;
	wc->qp = &qp->ibqp;
	wc->port_num = 1;
	return tbib_cq_post(qp->rcq, wc, solicited);
}

/* Receive processing happens in RTR and in every state after it. */
static bool tbib_qp_can_receive(enum ib_qp_state state)
{
	return state == IB_QPS_RTR || state == IB_QPS_RTS ||
	       state == IB_QPS_SQD || state == IB_QPS_SQE;
}

/* Copy own-RQ slot @idx into qp->rwqe, reading the slot once. */
static void tbib_rq_copy_slot(struct tbib_qp *qp, u32 idx)
{
	void *slot = tbib_queue_slot(&qp->rq.q, idx);

	if (qp->user) {
		tbib_recv_wqe_from_user(slot, qp->rq.max_sge, qp->rwqe);
	} else {
		struct tbib_recv_wqe *k = slot;

		memcpy(qp->rwqe, k, tbib_recv_wqe_size(k->num_sge));
	}
}

static u32 tbib_rq_prod(struct tbib_qp *qp)
{
	return qp->user ? tbib_queue_user_prod(&qp->rq.q) : qp->rq.q.prod;
}

/* Take the oldest entry of the QP's own RQ into qp->rwqe.  rq.lock held. */
static int tbib_rq_take_own(struct tbib_qp *qp)
{
	struct tbib_rq *rq = &qp->rq;
	u32 cons = rq->q.cons;

	if (cons == tbib_rq_prod(qp))
		return -EAGAIN;
	tbib_rq_copy_slot(qp, cons);
	tbib_queue_publish_cons(&rq->q, tbib_queue_next(&rq->q, cons));
	return 0;
}

struct tbib_recv_wqe *tbib_rq_take(struct tbib_qp *qp)
{
	struct tbib_recv_wqe *w = NULL;
	unsigned long flags;
	int err;

	spin_lock_irqsave(&qp->rq.lock, flags);
	if (qp->rwqe_busy || !tbib_qp_can_receive(tbib_qp_state(qp)))
		goto out;
	if (qp->srq)
		err = tbib_srq_take(qp->srq, qp->rwqe);
	else
		err = tbib_rq_take_own(qp);
	if (!err) {
		qp->rwqe_busy = true;
		w = qp->rwqe;
	}
out:
	spin_unlock_irqrestore(&qp->rq.lock, flags);
	return w;
}

struct tbib_recv_wqe *tbib_rq_current(struct tbib_qp *qp)
{
	struct tbib_recv_wqe *w;
	unsigned long flags;

	spin_lock_irqsave(&qp->rq.lock, flags);
	w = qp->rwqe_busy ? qp->rwqe : NULL;
	spin_unlock_irqrestore(&qp->rq.lock, flags);
	return w;
}

int tbib_rq_complete(struct tbib_qp *qp, struct ib_wc *wc, bool solicited)
{
	unsigned long flags;
	int err = -EINVAL;

	spin_lock_irqsave(&qp->rq.lock, flags);
	if (qp->rwqe_busy) {
		qp->rwqe_busy = false;
		err = tbib_rq_post_wc(qp, wc, solicited);
	}
	spin_unlock_irqrestore(&qp->rq.lock, flags);
	return err;
}

/* Flush the taken WQE and the QP's own RQ.  rq.lock held. */
static void tbib_rq_flush_locked(struct tbib_qp *qp)
{
	struct ib_wc wc;

	memset(&wc, 0, sizeof(wc));
	wc.status = IB_WC_WR_FLUSH_ERR;
	wc.opcode = IB_WC_RECV;
	if (qp->rwqe_busy) {
		qp->rwqe_busy = false;
		tbib_rq_post_wc(qp, &wc, false);
	}
	/*
	 * An SRQ's WQEs belong to the other QPs attached to it.  The
	 * producer index is read once: a process bumping it meanwhile must
	 * not keep us here.
	 */
	if (!qp->srq) {
		struct tbib_rq *rq = &qp->rq;
		u32 cons = rq->q.cons;
		u32 n = tbib_queue_count(&rq->q, tbib_rq_prod(qp), cons);

		while (n--) {
			tbib_rq_copy_slot(qp, cons);
			tbib_rq_post_wc(qp, &wc, false);
			cons = tbib_queue_next(&rq->q, cons);
		}
		tbib_queue_publish_cons(&rq->q, cons);
	}
	qp->rq_flushed = true;
}

void tbib_rq_reset(struct tbib_qp *qp)
{
	unsigned long flags;

	spin_lock_irqsave(&qp->rq.lock, flags);
	qp->rwqe_busy = false;
	if (!qp->srq)
		tbib_queue_reset(&qp->rq.q);
	qp->rq_flushed = false;
	spin_unlock_irqrestore(&qp->rq.lock, flags);
}

/* Complete everything outstanding with IB_WC_WR_FLUSH_ERR. */
void tbib_qp_flush(struct tbib_qp *qp, bool sq_only)
{
	unsigned long flags;

	spin_lock_irqsave(&qp->sq.lock, flags);
	tbib_sq_flush_locked(qp);
	spin_unlock_irqrestore(&qp->sq.lock, flags);
	if (sq_only)
		return;
	spin_lock_irqsave(&qp->rq.lock, flags);
	tbib_rq_flush_locked(qp);
	spin_unlock_irqrestore(&qp->rq.lock, flags);
	/*
	 * A QP on an SRQ in ERROR takes nothing more from the SRQ: tell the
	 * consumer it may now destroy it (ib_drain_qp() waits for this).
	 */
	if (qp->srq)
		tbib_qp_event(qp, IB_EVENT_QP_LAST_WQE_REACHED);
}

/* ---- posting -------------------------------------------------------------- */

static bool tbib_sq_flushes(enum ib_qp_state state)
{
	return state == IB_QPS_ERR || state == IB_QPS_SQE;
}

/*
 * The user doorbell (POST_SEND with no work requests).  The WQEs are in
 * the ring already; they are copied and checked when the transport takes
 * them.  Posting in RESET is an error; in INIT and RTR WQEs wait for
 * RTS; in SQE and ERROR they are flushed at once (after the error flush
 * itself ran, which handles everything posted before it).
 */
static int tbib_doorbell(struct tbib_qp *qp)
{
	enum ib_qp_state state = tbib_qp_state(qp);
	unsigned long flags;

	if (state == IB_QPS_RESET)
		return -EINVAL;
	if (tbib_sq_flushes(state)) {
		spin_lock_irqsave(&qp->sq.lock, flags);
		if (qp->sq_flushed)
			tbib_sq_flush_locked(qp);
		spin_unlock_irqrestore(&qp->sq.lock, flags);
	} else if (state == IB_QPS_RTS) {
		tbib_qp_kick(qp);
	}
	return 0;
}

int tbib_post_send(struct ib_qp *ibqp, const struct ib_send_wr *wr,
		   const struct ib_send_wr **bad_wr)
{
	struct tbib_qp *qp = to_tqp(ibqp);
	struct tbib_sq *sq = &qp->sq;
	enum ib_qp_state state;
	unsigned long flags;
	int err = 0;

	if (qp->user) {
		/* librxe rings the doorbell with an empty list only */
		if (wr) {
			*bad_wr = wr;
			return -EINVAL;
		}
		return tbib_doorbell(qp);
	}

	/* kernel QPs: sending before RTS is an immediate error, as in rxe */
	state = tbib_qp_state(qp);
	if (state != IB_QPS_RTS && state != IB_QPS_SQD && !tbib_sq_flushes(state)) {
		*bad_wr = wr;
		return -EINVAL;
	}

	spin_lock_irqsave(&sq->lock, flags);
	for (; wr; wr = wr->next) {
		u32 prod = sq->q.prod;

		if (tbib_queue_next(&sq->q, prod) == sq->q.cons) {
			err = -ENOMEM;
			break;
		}
		err = tbib_send_wqe_from_wr(qp, wr, tbib_queue_slot(&sq->q, prod));
		if (err)
			break;
		tbib_queue_publish_prod(&sq->q, tbib_queue_next(&sq->q, prod));
	}
	if (tbib_sq_flushes(tbib_qp_state(qp)) && qp->sq_flushed)
		tbib_sq_flush_locked(qp);
	spin_unlock_irqrestore(&sq->lock, flags);

	if (err)
		*bad_wr = wr;
	if (tbib_qp_state(qp) == IB_QPS_RTS)
		tbib_qp_kick(qp);
	return err;
}

int tbib_post_recv(struct ib_qp *ibqp, const struct ib_recv_wr *wr,
		   const struct ib_recv_wr **bad_wr)
{
	struct tbib_qp *qp = to_tqp(ibqp);
	struct tbib_rq *rq = &qp->rq;
	unsigned long flags;
	int err = 0;

	/* user QPs post into the ring; QPs with an SRQ have no RQ */
	if (qp->user || qp->srq || tbib_qp_state(qp) == IB_QPS_RESET) {
		*bad_wr = wr;
		return -EINVAL;
	}

	spin_lock_irqsave(&rq->lock, flags);
	for (; wr; wr = wr->next) {
		u32 prod = rq->q.prod;

		if (tbib_queue_next(&rq->q, prod) == rq->q.cons) {
			err = -ENOMEM;
			break;
		}
		err = tbib_recv_wqe_from_wr(wr, rq->max_sge,
					    tbib_queue_slot(&rq->q, prod));
		if (err)
			break;
		tbib_queue_publish_prod(&rq->q, tbib_queue_next(&rq->q, prod));
	}
	if (tbib_qp_state(qp) == IB_QPS_ERR && qp->rq_flushed)
		tbib_rq_flush_locked(qp);
	spin_unlock_irqrestore(&rq->lock, flags);

	if (err)
		*bad_wr = wr;
	return err;
}
