// SPDX-License-Identifier: GPL-2.0
/*
 * Queue pairs: create/destroy, the QP number table, the state machine
 * (modify/query) and errors.  Work queue handling is in wq.c; the rules
 * for the transport are in qp.h.
 */
#include <linux/slab.h>
#include <linux/xarray.h>
#include <rdma/rdma_user_rxe.h>

#include "kmod/ah.h"
#include "kmod/mmap.h"
#include "kmod/qp.h"
#include "kmod/transport.h"
#include "kmod/verbs.h"

/*
 * QP number -> QP.  Numbers are allocated cyclically (a number is
 * reused as late as possible) from 16 up; a number is reserved while the
 * QP is being built and published only when it is complete.
 */
static DEFINE_XARRAY_ALLOC(tbib_qps);
static u32 tbib_qpn_next;
#define TBIB_QPN_MIN	16
#define TBIB_QPN_MAX	0xffffff

/* modify_qp attributes tbib understands (ALT_PATH: no APM, refused). */
#define TBIB_QP_ATTR_KNOWN (IB_QP_STATE | IB_QP_CUR_STATE |		\
	IB_QP_EN_SQD_ASYNC_NOTIFY | IB_QP_ACCESS_FLAGS | IB_QP_PKEY_INDEX | \
	IB_QP_PORT | IB_QP_QKEY | IB_QP_AV | IB_QP_PATH_MTU |		\
	IB_QP_TIMEOUT | IB_QP_RETRY_CNT | IB_QP_RNR_RETRY | IB_QP_RQ_PSN | \
	IB_QP_MAX_QP_RD_ATOMIC | IB_QP_MIN_RNR_TIMER | IB_QP_SQ_PSN |	\
	IB_QP_MAX_DEST_RD_ATOMIC | IB_QP_PATH_MIG_STATE | IB_QP_CAP |	\
	IB_QP_DEST_QPN)

#define TBIB_QP_ACCESS_OK (IB_ACCESS_REMOTE_WRITE | IB_ACCESS_REMOTE_READ | \
			   IB_ACCESS_REMOTE_ATOMIC | IB_ACCESS_FLUSH_GLOBAL | \
			   IB_ACCESS_FLUSH_PERSISTENT)

/* ---- lookup ------------------------------------------------------------ */

struct tbib_qp *tbib_qp_get(struct ib_device *ibdev, u32 qpn)
{
	struct tbib_qp *qp;

	rcu_read_lock();
	qp = xa_load(&tbib_qps, qpn);
	if (qp && (qp->ibqp.device != ibdev || !refcount_inc_not_zero(&qp->ref)))
		qp = NULL;
	rcu_read_unlock();
	return qp;
}

void tbib_qp_put(struct tbib_qp *qp)
{
	if (refcount_dec_and_test(&qp->ref))
		complete(&qp->released);
}

/* ---- events and errors --------------------------------------------------- */

void tbib_qp_event(struct tbib_qp *qp, enum ib_event_type type)
{
	struct ib_event ev = {
		.device = qp->ibqp.device,
		.element.qp = &qp->ibqp,
		.event = type,
	};

	if (qp->ibqp.event_handler)
		qp->ibqp.event_handler(&ev, qp->ibqp.qp_context);
}

static void tbib_qp_set_state(struct tbib_qp *qp, enum ib_qp_state state)
{
	unsigned long flags;

	spin_lock_irqsave(&qp->state_lock, flags);
	WRITE_ONCE(qp->state, state);
	spin_unlock_irqrestore(&qp->state_lock, flags);
}

/*
 * Move to @state (ERROR or SQE) from the data path, unless the QP is
 * being destroyed, is in RESET, or is already there (or in ERROR).
 */
static bool tbib_qp_enter_error(struct tbib_qp *qp, enum ib_qp_state state)
{
	unsigned long flags;
	bool changed = false;

	spin_lock_irqsave(&qp->state_lock, flags);
	if (!qp->destroyed && qp->state != IB_QPS_RESET &&
	    qp->state != IB_QPS_ERR && qp->state != state) {
		WRITE_ONCE(qp->state, state);
		changed = true;
	}
	spin_unlock_irqrestore(&qp->state_lock, flags);
	if (changed)
		queue_work(system_dfl_wq, &qp->err_work);
	return changed;
}

void tbib_qp_error(struct tbib_qp *qp, enum ib_event_type event)
{
	if (tbib_qp_enter_error(qp, IB_QPS_ERR) && event)
		tbib_qp_event(qp, event);
}

/* A send-side error: RC QPs go to ERROR, UC and UD only lose their SQ. */
void tbib_qp_sq_error(struct tbib_qp *qp)
{
	enum ib_qp_state state = tbib_qp_state(qp);

	/* SQE exists only after RTS; elsewhere a send error is fatal */
	if (qp->ibqp.qp_type == IB_QPT_RC ||
	    (state != IB_QPS_RTS && state != IB_QPS_SQD)) {
		tbib_qp_error(qp, 0);
		return;
	}
	tbib_qp_enter_error(qp, IB_QPS_SQE);
}

/*
 * Process context, after the data path moved the QP to ERROR or SQE:
 * let the transport stop, then flush.  Serialised with modify_qp (which
 * may have moved the QP on meanwhile).
 */
static void tbib_qp_err_work(struct work_struct *work)
{
	struct tbib_qp *qp = container_of(work, struct tbib_qp, err_work);
	enum ib_qp_state state;

	mutex_lock(&qp->mutex);
	state = tbib_qp_state(qp);
	if (state == IB_QPS_ERR || state == IB_QPS_SQE) {
		tbib_transport_qp_error(qp);
		tbib_qp_flush(qp, state == IB_QPS_SQE);
	}
	mutex_unlock(&qp->mutex);
}

void tbib_qp_kick(struct tbib_qp *qp)
{
	tbib_transport_sq_kick(qp);
}

/* ---- create / destroy ----------------------------------------------------- */

static int tbib_qp_check_init(struct ib_qp_init_attr *init)
{
	struct ib_qp_cap *cap = &init->cap;

	switch (init->qp_type) {
	case IB_QPT_RC:
	case IB_QPT_UC:
	case IB_QPT_UD:
		break;
	default:
		return -EOPNOTSUPP;	/* GSI/SMI: no MAD on this device */
	}
	if (init->create_flags)
		return -EOPNOTSUPP;
	if (init->sq_sig_type != IB_SIGNAL_ALL_WR &&
	    init->sq_sig_type != IB_SIGNAL_REQ_WR)
		return -EINVAL;
	if (!init->send_cq || !init->recv_cq)
		return -EINVAL;
	if (cap->max_send_wr > TBIB_MAX_QP_WR ||
	    cap->max_send_sge > TBIB_MAX_SGE ||
	    cap->max_inline_data > TBIB_MAX_INLINE)
		return -EINVAL;
	if (!init->srq && (cap->max_recv_wr > TBIB_MAX_QP_WR ||
			   cap->max_recv_sge > TBIB_MAX_SGE))
		return -EINVAL;
	return 0;
}

/*
 * The send queue.  A slot holds either max_send_sge SGEs or
 * max_inline_data bytes (they share the space), so both are rounded up
 * to what the slot holds and reported back, as rxe does.
 */
static int tbib_qp_init_sq(struct tbib_qp *qp, struct ib_ucontext *uctx,
			   struct ib_qp_cap *cap)
{
	struct tbib_sq *sq = &qp->sq;
	u32 payload;
	size_t elem;
	int err;

	payload = max_t(u32, cap->max_send_sge * sizeof(struct ib_sge),
			cap->max_inline_data);
	sq->max_sge = min_t(u32, payload / sizeof(struct ib_sge), TBIB_MAX_SGE);
	sq->max_inline = min_t(u32, payload, TBIB_MAX_INLINE);
	elem = qp->user ? sizeof(struct rxe_send_wqe) + payload :
			  tbib_send_wqe_size(sq->max_sge, sq->max_inline);
	err = tbib_queue_init(&sq->q, uctx, cap->max_send_wr, elem);
	if (err)
		return err;
	sq->max_wr = tbib_queue_capacity(&sq->q);
	if (qp->user) {
		sq->stride = ALIGN(tbib_send_wqe_size(sq->max_sge, sq->max_inline),
				   8);
		sq->shadow = kvcalloc(sq->q.mask + 1, sq->stride, GFP_KERNEL);
		if (!sq->shadow) {
			tbib_queue_cleanup(&sq->q);
			return -ENOMEM;
		}
	}
	cap->max_send_wr = sq->max_wr;
	cap->max_send_sge = sq->max_sge;
	cap->max_inline_data = sq->max_inline;
	return 0;
}

static int tbib_qp_init_rq(struct tbib_qp *qp, struct ib_ucontext *uctx,
			   struct ib_qp_cap *cap)
{
	struct tbib_rq *rq = &qp->rq;
	size_t elem;
	int err;

	if (qp->srq) {
		cap->max_recv_wr = 0;
		cap->max_recv_sge = 0;
		return 0;
	}
	rq->max_sge = cap->max_recv_sge;
	elem = qp->user ? sizeof(struct rxe_recv_wqe) +
			  rq->max_sge * sizeof(struct rxe_sge) :
			  tbib_recv_wqe_size(rq->max_sge);
	err = tbib_queue_init(&rq->q, uctx, cap->max_recv_wr, elem);
	if (err)
		return err;
	rq->max_wr = tbib_queue_capacity(&rq->q);
	cap->max_recv_wr = rq->max_wr;
	return 0;
}

static void tbib_qp_free_queues(struct tbib_qp *qp)
{
	kfree(qp->rwqe);
	qp->rwqe = NULL;
	kvfree(qp->sq.shadow);
	qp->sq.shadow = NULL;
	tbib_queue_cleanup(&qp->sq.q);
	tbib_queue_cleanup(&qp->rq.q);
}

int tbib_create_qp(struct ib_qp *ibqp, struct ib_qp_init_attr *init,
		   struct ib_udata *udata)
{
	struct ib_ucontext *uctx = tbib_udata_ucontext(udata);
	struct tbib_qp *qp = to_tqp(ibqp);
	struct rxe_create_qp_resp uresp = {};
	u32 qpn, rsge;
	int err;

	err = tbib_qp_check_init(init);
	if (err)
		return err;
	if (udata && udata->outlen < sizeof(uresp))
		return -EINVAL;
	if (!tbib_res_get(TBIB_RES_QP))
		return -ENOMEM;

	refcount_set(&qp->ref, 1);
	init_completion(&qp->released);
	mutex_init(&qp->mutex);
	spin_lock_init(&qp->state_lock);
	spin_lock_init(&qp->sq.lock);
	spin_lock_init(&qp->rq.lock);
	INIT_WORK(&qp->err_work, tbib_qp_err_work);
	qp->state = IB_QPS_RESET;
	qp->user = !!udata;
	qp->sig_all = init->sq_sig_type == IB_SIGNAL_ALL_WR;
	qp->scq = to_tcq(init->send_cq);
	qp->rcq = to_tcq(init->recv_cq);
	qp->srq = init->srq ? to_tsrq(init->srq) : NULL;
	qp->attr.port_num = 1;
	qp->attr.path_mtu = IB_MTU_4096;

	err = tbib_qp_init_sq(qp, uctx, &init->cap);
	if (err)
		goto fail;
	err = tbib_qp_init_rq(qp, uctx, &init->cap);
	if (err)
		goto fail_queues;
	rsge = qp->srq ? qp->srq->max_sge : qp->rq.max_sge;
	qp->rwqe = kmalloc(tbib_recv_wqe_size(rsge), GFP_KERNEL);
	if (!qp->rwqe) {
		err = -ENOMEM;
		goto fail_queues;
	}

	err = xa_alloc_cyclic(&tbib_qps, &qpn, NULL,
			      XA_LIMIT(TBIB_QPN_MIN, TBIB_QPN_MAX),
			      &tbib_qpn_next, GFP_KERNEL);
	if (err < 0)
		goto fail_queues;
	ibqp->qp_num = qpn;

	err = tbib_transport_qp_create(qp);
	if (err)
		goto fail_qpn;
	if (udata) {
		tbib_queue_mminfo(&qp->rq.q, &uresp.rq_mi);
		tbib_queue_mminfo(&qp->sq.q, &uresp.sq_mi);
		err = ib_copy_to_udata(udata, &uresp, sizeof(uresp));
		if (err)
			goto fail_tp;
	}
	/* complete: make it findable by number */
	xa_store(&tbib_qps, qpn, qp, GFP_KERNEL);
	return 0;

fail_tp:
	tbib_transport_qp_destroy(qp);
fail_qpn:
	xa_erase(&tbib_qps, qpn);
fail_queues:
	tbib_qp_free_queues(qp);
fail:
	tbib_res_put(TBIB_RES_QP);
	return err;
}

/*
 * No completions are generated for a destroyed QP (IB semantics).  Order
 * matters: stop data-path errors, make the number unfindable, wait for
 * lookups in flight to drop their references, then let the transport
 * tear down its state (its timers may run until then, on a live QP).
 */
int tbib_destroy_qp(struct ib_qp *ibqp, struct ib_udata *udata)
{
	struct tbib_qp *qp = to_tqp(ibqp);

	spin_lock_irq(&qp->state_lock);
	qp->destroyed = true;
	spin_unlock_irq(&qp->state_lock);
	cancel_work_sync(&qp->err_work);

	xa_erase(&tbib_qps, ibqp->qp_num);
	synchronize_rcu();		/* no lookup can find it any more */
	tbib_qp_put(qp);
	wait_for_completion(&qp->released);

	mutex_lock(&qp->mutex);
	tbib_transport_qp_destroy(qp);
	mutex_unlock(&qp->mutex);

	tbib_qp_free_queues(qp);
	tbib_res_put(TBIB_RES_QP);
	return 0;
}

/* ---- modify / query ------------------------------------------------------ */

/* Check every attribute in @mask and stage it in @na; nothing changes yet. */
static int tbib_qp_stage_attrs(struct tbib_qp *qp, const struct ib_qp_attr *attr,
			       int mask, struct tbib_qp_attrs *na)
{
	if ((mask & IB_QP_PKEY_INDEX) && attr->pkey_index != 0)
		return -EINVAL;
	if ((mask & IB_QP_PORT) && attr->port_num != 1)
		return -EINVAL;
	if ((mask & IB_QP_PATH_MTU) &&
	    (attr->path_mtu < IB_MTU_256 || attr->path_mtu > IB_MTU_4096))
		return -EINVAL;
	if ((mask & IB_QP_TIMEOUT) && attr->timeout > 31)
		return -EINVAL;
	if ((mask & IB_QP_RETRY_CNT) && attr->retry_cnt > 7)
		return -EINVAL;
	if ((mask & IB_QP_RNR_RETRY) && attr->rnr_retry > 7)
		return -EINVAL;
	if ((mask & IB_QP_MIN_RNR_TIMER) && attr->min_rnr_timer > 31)
		return -EINVAL;
	if ((mask & IB_QP_MAX_QP_RD_ATOMIC) &&
	    attr->max_rd_atomic > TBIB_MAX_RD_ATOMIC)
		return -EINVAL;
	if ((mask & IB_QP_MAX_DEST_RD_ATOMIC) &&
	    attr->max_dest_rd_atomic > TBIB_MAX_RD_ATOMIC)
		return -EINVAL;
	if ((mask & IB_QP_DEST_QPN) && attr->dest_qp_num > TBIB_QPN_MAX)
		return -EINVAL;
	if ((mask & IB_QP_PATH_MIG_STATE) &&
	    attr->path_mig_state != IB_MIG_MIGRATED)
		return -EINVAL;	/* no alternate path to migrate to */

	*na = qp->attr;
	if (mask & IB_QP_AV) {
		int err = tbib_av_from_attr(qp->ibqp.device, &attr->ah_attr,
					    &na->av);
		if (err)
			return err;
	}
	if (mask & IB_QP_PKEY_INDEX)
		na->pkey_index = attr->pkey_index;
	if (mask & IB_QP_PORT)
		na->port_num = attr->port_num;
	if (mask & IB_QP_QKEY)
		na->qkey = attr->qkey;
	if (mask & IB_QP_ACCESS_FLAGS)
		na->access = attr->qp_access_flags & TBIB_QP_ACCESS_OK;
	if (mask & IB_QP_PATH_MTU)
		na->path_mtu = attr->path_mtu;
	if (mask & IB_QP_TIMEOUT)
		na->timeout = attr->timeout;
	if (mask & IB_QP_RETRY_CNT)
		na->retry_cnt = attr->retry_cnt;
	if (mask & IB_QP_RNR_RETRY)
		na->rnr_retry = attr->rnr_retry;
	if (mask & IB_QP_MIN_RNR_TIMER)
		na->min_rnr_timer = attr->min_rnr_timer;
	if (mask & IB_QP_RQ_PSN)
		na->rq_psn = attr->rq_psn & 0xffffff;
	if (mask & IB_QP_SQ_PSN)
		na->sq_psn = attr->sq_psn & 0xffffff;
	if (mask & IB_QP_MAX_QP_RD_ATOMIC)
		na->max_rd_atomic = attr->max_rd_atomic;
	if (mask & IB_QP_MAX_DEST_RD_ATOMIC)
		na->max_dest_rd_atomic = attr->max_dest_rd_atomic;
	if (mask & IB_QP_DEST_QPN)
		na->dest_qp_num = attr->dest_qp_num;
	if (mask & IB_QP_PATH_MIG_STATE)
		na->path_mig_state = attr->path_mig_state;
	if (mask & IB_QP_EN_SQD_ASYNC_NOTIFY)
		na->sq_draining_notify = attr->en_sqd_async_notify;
	return 0;
}

/* SQ has no WQE handed out and not completed. */
static bool tbib_sq_idle(struct tbib_qp *qp)
{
	bool idle;

	spin_lock_irq(&qp->sq.lock);
	idle = qp->sq.next == qp->sq.q.cons;
	spin_unlock_irq(&qp->sq.lock);
	return idle;
}

int tbib_modify_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr, int mask,
		   struct ib_udata *udata)
{
	struct tbib_qp *qp = to_tqp(ibqp);
	enum ib_qp_state cur, next;
	struct tbib_qp_attrs na;
	bool drained = false;
	int err;

	if (mask & ~TBIB_QP_ATTR_KNOWN)
		return -EOPNOTSUPP;

	mutex_lock(&qp->mutex);
	cur = tbib_qp_state(qp);
	err = -EINVAL;
	if ((mask & IB_QP_CUR_STATE) && attr->cur_qp_state != cur)
		goto out;
	next = (mask & IB_QP_STATE) ? attr->qp_state : cur;
	if (!ib_modify_qp_is_ok(cur, next, ibqp->qp_type, mask))
		goto out;
	err = tbib_qp_stage_attrs(qp, attr, mask, &na);
	if (err)
		goto out;

	/*
	 * Leaving SQE before the error work ran: what was posted before the
	 * error is flushed first, as the work would have done.
	 */
	if (cur == IB_QPS_SQE && next == IB_QPS_RTS && !qp->sq_flushed) {
		tbib_transport_qp_error(qp);
		tbib_qp_flush(qp, true);
	}

	qp->attr = na;
	tbib_qp_set_state(qp, next);

	tbib_transport_qp_modify(qp, cur, mask);

	if (next == IB_QPS_RESET && cur != IB_QPS_RESET) {
		/* the transport let go in qp_modify: drop every WQE */
		tbib_sq_reset(qp);
		tbib_rq_reset(qp);
	} else if (next == IB_QPS_ERR && cur != IB_QPS_ERR) {
		tbib_transport_qp_error(qp);
		tbib_qp_flush(qp, false);
	} else if (next == IB_QPS_SQD && cur != IB_QPS_SQD &&
		   qp->attr.sq_draining_notify && tbib_sq_idle(qp)) {
		qp->attr.sq_draining_notify = false;
		drained = true;
	} else if (cur == IB_QPS_SQE && next == IB_QPS_RTS) {
		spin_lock_irq(&qp->sq.lock);
		qp->sq_flushed = false;
		spin_unlock_irq(&qp->sq.lock);
	}
	err = 0;
out:
	mutex_unlock(&qp->mutex);
	if (!err && drained)
		tbib_qp_event(qp, IB_EVENT_SQ_DRAINED);
	if (!err && next == IB_QPS_RTS)
		tbib_qp_kick(qp);	/* WQEs posted in INIT/RTR/SQD */
	return err;
}

int tbib_query_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr, int mask,
		  struct ib_qp_init_attr *init)
{
	struct tbib_qp *qp = to_tqp(ibqp);
	const struct tbib_qp_attrs *a = &qp->attr;

	memset(attr, 0, sizeof(*attr));
	memset(init, 0, sizeof(*init));

	mutex_lock(&qp->mutex);
	attr->qp_state = tbib_qp_state(qp);
	attr->cur_qp_state = attr->qp_state;
	attr->path_mtu = a->path_mtu;
	attr->path_mig_state = IB_MIG_MIGRATED;
	attr->qkey = a->qkey;
	attr->rq_psn = a->rq_psn;
	attr->sq_psn = a->sq_psn;
	attr->dest_qp_num = a->dest_qp_num;
	attr->qp_access_flags = a->access;
	attr->pkey_index = a->pkey_index;
	attr->en_sqd_async_notify = a->sq_draining_notify;
	attr->sq_draining = attr->qp_state == IB_QPS_SQD && !tbib_sq_idle(qp);
	attr->max_rd_atomic = a->max_rd_atomic;
	attr->max_dest_rd_atomic = a->max_dest_rd_atomic;
	attr->min_rnr_timer = a->min_rnr_timer;
	attr->port_num = a->port_num;
	attr->timeout = a->timeout;
	attr->retry_cnt = a->retry_cnt;
	attr->rnr_retry = a->rnr_retry;
	if (ibqp->qp_type != IB_QPT_UD && a->av.dlid)
		tbib_av_to_attr(&a->av, &attr->ah_attr);
	mutex_unlock(&qp->mutex);

	attr->cap.max_send_wr = qp->sq.max_wr;
	attr->cap.max_send_sge = qp->sq.max_sge;
	attr->cap.max_inline_data = qp->sq.max_inline;
	attr->cap.max_recv_wr = qp->srq ? 0 : qp->rq.max_wr;
	attr->cap.max_recv_sge = qp->srq ? 0 : qp->rq.max_sge;

	init->qp_type = ibqp->qp_type;
	init->send_cq = ibqp->send_cq;
	init->recv_cq = ibqp->recv_cq;
	init->srq = ibqp->srq;
	init->cap = attr->cap;
	init->sq_sig_type = qp->sig_all ? IB_SIGNAL_ALL_WR : IB_SIGNAL_REQ_WR;
	init->port_num = 1;
	return 0;
}
