// SPDX-License-Identifier: GPL-2.0
/*
 * Shared receive queues (see srq.h).
 */
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include <rdma/rdma_user_rxe.h>

#include "kmod/mmap.h"
#include "kmod/srq.h"
#include "kmod/verbs.h"

/* SRQ numbers reported to userspace (the rxe ABI has a field for it). */
static DEFINE_XARRAY_ALLOC1(tbib_srqs);
static u32 tbib_srq_next;

static size_t tbib_srq_elem_size(bool user, u32 max_sge)
{
	if (user)
		return sizeof(struct rxe_recv_wqe) +
		       max_sge * sizeof(struct rxe_sge);
	return tbib_recv_wqe_size(max_sge);
}

/* Producer index: the process owns it for user SRQs.  Lock held. */
static u32 tbib_srq_prod(const struct tbib_srq *srq)
{
	return srq->user ? tbib_queue_user_prod(&srq->q) : srq->q.prod;
}

static void tbib_srq_event(struct tbib_srq *srq, enum ib_event_type type)
{
	struct ib_event ev = {
		.device = srq->ibsrq.device,
		.element.srq = &srq->ibsrq,
		.event = type,
	};

	if (srq->ibsrq.event_handler)
		srq->ibsrq.event_handler(&ev, srq->ibsrq.srq_context);
}

int tbib_srq_take(struct tbib_srq *srq, struct tbib_recv_wqe *w)
{
	unsigned long flags;
	bool limit_hit = false;
	u32 prod, cons;
	void *slot;

	spin_lock_irqsave(&srq->lock, flags);
	prod = tbib_srq_prod(srq);
	cons = srq->q.cons;
	if (prod == cons) {
		spin_unlock_irqrestore(&srq->lock, flags);
		return -EAGAIN;
	}
	slot = tbib_queue_slot(&srq->q, cons);
	if (srq->user)
		tbib_recv_wqe_from_user(slot, srq->max_sge, w);
	else
		memcpy(w, slot, tbib_recv_wqe_size(((struct tbib_recv_wqe *)slot)->num_sge));
	cons = tbib_queue_next(&srq->q, cons);
	tbib_queue_publish_cons(&srq->q, cons);
	if (srq->limit && tbib_queue_count(&srq->q, prod, cons) < srq->limit) {
		srq->limit = 0;
		limit_hit = true;
	}
	spin_unlock_irqrestore(&srq->lock, flags);

	if (limit_hit)
		tbib_srq_event(srq, IB_EVENT_SRQ_LIMIT_REACHED);
	return 0;
}

int tbib_create_srq(struct ib_srq *ibsrq, struct ib_srq_init_attr *init,
		    struct ib_udata *udata)
{
	struct tbib_srq *srq = to_tsrq(ibsrq);
	struct rxe_create_srq_resp uresp = {};
	struct ib_srq_attr *attr = &init->attr;
	int err;

	if (init->srq_type != IB_SRQT_BASIC)
		return -EOPNOTSUPP;
	if (attr->max_wr < 1 || attr->max_wr > TBIB_MAX_SRQ_WR ||
	    attr->max_sge < 1 || attr->max_sge > TBIB_MAX_SGE ||
	    attr->srq_limit > attr->max_wr)
		return -EINVAL;
	if (udata && udata->outlen < sizeof(uresp))
		return -EINVAL;
	if (!tbib_res_get(TBIB_RES_SRQ))
		return -ENOMEM;

	spin_lock_init(&srq->lock);
	srq->user = !!udata;
	srq->max_sge = attr->max_sge;
	err = xa_alloc_cyclic(&tbib_srqs, &srq->srq_num, srq,
			      XA_LIMIT(1, 0xffffff), &tbib_srq_next, GFP_KERNEL);
	if (err < 0)
		goto fail;
	err = tbib_queue_init(&srq->q, tbib_udata_ucontext(udata), attr->max_wr,
			      tbib_srq_elem_size(srq->user, srq->max_sge));
	if (err)
		goto fail_num;
	srq->limit = attr->srq_limit;
	attr->max_wr = tbib_queue_capacity(&srq->q);
	if (udata) {
		tbib_queue_mminfo(&srq->q, &uresp.mi);
		uresp.srq_num = srq->srq_num;
		err = ib_copy_to_udata(udata, &uresp, sizeof(uresp));
		if (err)
			goto fail_queue;
	}
	return 0;

fail_queue:
	tbib_queue_cleanup(&srq->q);
fail_num:
	xa_erase(&tbib_srqs, srq->srq_num);
fail:
	tbib_res_put(TBIB_RES_SRQ);
	return err;
}

/*
 * Resize: a new ring with the live entries; for a user SRQ the new mmap
 * information goes to the address the provider passed in its command
 * (librxe holds its SRQ lock, so nothing is posted meanwhile).
 */
static int tbib_srq_resize(struct tbib_srq *srq, u32 max_wr,
			   struct ib_udata *udata)
{
	struct rxe_modify_srq_cmd ucmd = {};
	struct tbib_queue nq, old;
	unsigned long flags;
	struct mminfo mi;
	int err;

	if (max_wr < 1 || max_wr > TBIB_MAX_SRQ_WR)
		return -EINVAL;
	if (udata) {
		if (udata->inlen < sizeof(ucmd))
			return -EINVAL;
		err = ib_copy_from_udata(&ucmd, udata, sizeof(ucmd));
		if (err)
			return err;
	}
	err = tbib_queue_init(&nq, tbib_udata_ucontext(udata), max_wr,
			      tbib_srq_elem_size(srq->user, srq->max_sge));
	if (err)
		return err;
	if (udata) {
		tbib_queue_mminfo(&nq, &mi);
		if (copy_to_user(u64_to_user_ptr(ucmd.mmap_info_addr), &mi,
				 sizeof(mi))) {
			err = -EFAULT;
			goto out;
		}
	}

	spin_lock_irqsave(&srq->lock, flags);
	if (srq->limit > tbib_queue_capacity(&nq)) {
		err = -EINVAL;
	} else {
		err = tbib_queue_copy_entries(&nq, &srq->q, tbib_srq_prod(srq),
					      srq->q.cons);
	}
	if (!err) {
		old = srq->q;
		srq->q = nq;
		nq = old;
	}
	spin_unlock_irqrestore(&srq->lock, flags);
out:
	tbib_queue_cleanup(&nq);
	return err;
}

int tbib_modify_srq(struct ib_srq *ibsrq, struct ib_srq_attr *attr,
		    enum ib_srq_attr_mask mask, struct ib_udata *udata)
{
	struct tbib_srq *srq = to_tsrq(ibsrq);
	unsigned long flags;
	int err = 0;

	if (mask & ~(IB_SRQ_MAX_WR | IB_SRQ_LIMIT))
		return -EINVAL;
	if (!!udata != srq->user)
		return -EINVAL;
	if (mask & IB_SRQ_MAX_WR) {
		err = tbib_srq_resize(srq, attr->max_wr, udata);
		if (err)
			return err;
	}
	if (mask & IB_SRQ_LIMIT) {
		spin_lock_irqsave(&srq->lock, flags);
		if (attr->srq_limit > tbib_queue_capacity(&srq->q))
			err = -EINVAL;
		else
			srq->limit = attr->srq_limit;
		spin_unlock_irqrestore(&srq->lock, flags);
	}
	return err;
}

int tbib_query_srq(struct ib_srq *ibsrq, struct ib_srq_attr *attr)
{
	struct tbib_srq *srq = to_tsrq(ibsrq);
	unsigned long flags;

	spin_lock_irqsave(&srq->lock, flags);
	attr->max_wr = tbib_queue_capacity(&srq->q);
	attr->max_sge = srq->max_sge;
	attr->srq_limit = srq->limit;
	spin_unlock_irqrestore(&srq->lock, flags);
	return 0;
}

int tbib_destroy_srq(struct ib_srq *ibsrq, struct ib_udata *udata)
{
	struct tbib_srq *srq = to_tsrq(ibsrq);

	/* ib_core refuses while a QP is attached, so nobody takes from it */
	xa_erase(&tbib_srqs, srq->srq_num);
	tbib_queue_cleanup(&srq->q);
	tbib_res_put(TBIB_RES_SRQ);
	return 0;
}

int tbib_post_srq_recv(struct ib_srq *ibsrq, const struct ib_recv_wr *wr,
		       const struct ib_recv_wr **bad_wr)
{
	struct tbib_srq *srq = to_tsrq(ibsrq);
	unsigned long flags;
	int err = 0;

	/* a process posts into the ring; librxe never calls this */
	if (srq->user) {
		*bad_wr = wr;
		return -EINVAL;
	}
	spin_lock_irqsave(&srq->lock, flags);
	for (; wr; wr = wr->next) {
		u32 prod = srq->q.prod;

		if (tbib_queue_next(&srq->q, prod) == srq->q.cons) {
			err = -ENOMEM;
			break;
		}
		err = tbib_recv_wqe_from_wr(wr, srq->max_sge,
					    tbib_queue_slot(&srq->q, prod));
		if (err)
			break;
		tbib_queue_publish_prod(&srq->q, tbib_queue_next(&srq->q, prod));
	}
	spin_unlock_irqrestore(&srq->lock, flags);
	if (err)
		*bad_wr = wr;
	return err;
}
