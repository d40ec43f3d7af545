// SPDX-License-Identifier: GPL-2.0
/*
 * Completion queues (see cq.h).
 */
#include <linux/slab.h>
#include <rdma/ib_user_verbs.h>
#include <rdma/uverbs_ioctl.h>

#include "kmod/cq.h"
#include "kmod/mmap.h"
#include "kmod/verbs.h"

static void tbib_cq_comp_work(struct work_struct *work)
{
	struct tbib_cq *cq = container_of(work, struct tbib_cq, comp_work);

	if (cq->ibcq.comp_handler)
		cq->ibcq.comp_handler(&cq->ibcq, cq->ibcq.cq_context);
}

static void tbib_cq_event(struct tbib_cq *cq, enum ib_event_type type)
{
	struct ib_event ev = {
		.device = cq->ibcq.device,
		.element.cq = &cq->ibcq,
		.event = type,
	};

	if (cq->ibcq.event_handler)
		cq->ibcq.event_handler(&ev, cq->ibcq.cq_context);
}

/* Consumer index of the ring: the process owns it for user CQs. */
static u32 tbib_cq_cons(const struct tbib_cq *cq)
{
	return cq->user ? tbib_queue_user_cons(&cq->q) : cq->q.cons;
}

static u32 tbib_uwc_flags(int flags)
{
	u32 u = 0;

	if (flags & IB_WC_GRH)
		u |= TBIB_UWC_GRH;
	if (flags & IB_WC_WITH_IMM)
		u |= TBIB_UWC_WITH_IMM;
	if (flags & IB_WC_WITH_INVALIDATE)
		u |= TBIB_UWC_WITH_INV;
	return u;
}

static void tbib_cq_write(struct tbib_cq *cq, void *slot, const struct ib_wc *wc)
{
	struct ib_uverbs_wc u;

	if (!cq->user) {
		memcpy(slot, wc, sizeof(*wc));
		return;
	}
	memset(&u, 0, sizeof(u));
	u.wr_id = wc->wr_id;
	u.status = wc->status;
	u.opcode = wc->opcode;
	u.vendor_err = wc->vendor_err;
	u.byte_len = wc->byte_len;
	u.ex.imm_data = wc->ex.imm_data;	/* or the invalidated rkey */
	u.qp_num = wc->qp->qp_num;
	u.src_qp = wc->src_qp;
	u.wc_flags = tbib_uwc_flags(wc->wc_flags);
	u.pkey_index = wc->pkey_index;
	u.slid = wc->slid;
	u.sl = wc->sl;
	u.dlid_path_bits = wc->dlid_path_bits;
	u.port_num = wc->port_num;
	memcpy(slot, &u, sizeof(u));
}

int tbib_cq_post(struct tbib_cq *cq, const struct ib_wc *wc, bool solicited)
{
	unsigned long flags;
	bool notify = false, overflow = false;
	u32 prod;

	spin_lock_irqsave(&cq->lock, flags);
	if (cq->overflow) {
		spin_unlock_irqrestore(&cq->lock, flags);
		return -ENOSPC;
	}
	prod = cq->q.prod;
	if (tbib_queue_count(&cq->q, prod, tbib_cq_cons(cq)) >=
	    tbib_queue_capacity(&cq->q)) {
		cq->overflow = true;
		overflow = true;
	} else {
		tbib_cq_write(cq, tbib_queue_slot(&cq->q, prod), wc);
		tbib_queue_publish_prod(&cq->q, tbib_queue_next(&cq->q, prod));
		if (cq->notify == IB_CQ_NEXT_COMP ||
		    (cq->notify == IB_CQ_SOLICITED &&
		     (solicited || wc->status != IB_WC_SUCCESS))) {
			cq->notify = 0;
			notify = true;
		}
	}
	spin_unlock_irqrestore(&cq->lock, flags);

	if (overflow) {
		tbib_cq_event(cq, IB_EVENT_CQ_ERR);
		return -ENOSPC;
	}
	if (notify)
		queue_work(system_highpri_wq, &cq->comp_work);
	return 0;
}

static size_t tbib_cq_elem_size(bool user)
{
	return user ? sizeof(struct ib_uverbs_wc) : sizeof(struct ib_wc);
}

int tbib_create_cq(struct ib_cq *ibcq, const struct ib_cq_init_attr *attr,
		   struct uverbs_attr_bundle *attrs)
{
	struct ib_udata *ud = attrs ? &attrs->driver_udata : NULL;
	struct tbib_cq *cq = to_tcq(ibcq);
	struct rxe_create_cq_resp uresp;
	int err;

	if (attr->flags)
		return -EOPNOTSUPP;
	if (attr->cqe < 1 || attr->cqe > TBIB_MAX_CQE ||
	    attr->comp_vector >= ibcq->device->num_comp_vectors)
		return -EINVAL;
	if (ud && ud->outlen < sizeof(uresp))
		return -EINVAL;
	if (!tbib_res_get(TBIB_RES_CQ))
		return -ENOMEM;

	spin_lock_init(&cq->lock);
	INIT_WORK(&cq->comp_work, tbib_cq_comp_work);
	cq->user = !!ud;
	err = tbib_queue_init(&cq->q, tbib_udata_ucontext(ud), attr->cqe,
			      tbib_cq_elem_size(cq->user));
	if (err)
		goto fail;
	if (ud) {
		tbib_queue_mminfo(&cq->q, &uresp.mi);
		err = ib_copy_to_udata(ud, &uresp, sizeof(uresp));
		if (err)
			goto fail_queue;
	}
	ibcq->cqe = tbib_queue_capacity(&cq->q);
	return 0;

fail_queue:
	tbib_queue_cleanup(&cq->q);
fail:
	tbib_res_put(TBIB_RES_CQ);
	return err;
}

int tbib_destroy_cq(struct ib_cq *ibcq, struct ib_udata *udata)
{
	struct tbib_cq *cq = to_tcq(ibcq);

	/* no QP uses the CQ any more (ib_core checks), so no new posts */
	cancel_work_sync(&cq->comp_work);
	tbib_queue_cleanup(&cq->q);
	tbib_res_put(TBIB_RES_CQ);
	return 0;
}

/*
 * New ring, live entries copied over under the lock, then the old ring
 * is released (librxe holds its CQ lock across the whole call, so the
 * process does not poll the old ring meanwhile).
 */
int tbib_resize_user_cq(struct ib_cq *ibcq, unsigned int cqe,
			struct ib_udata *udata)
{
	struct tbib_cq *cq = to_tcq(ibcq);
	struct rxe_resize_cq_resp uresp;
	struct tbib_queue nq, old;
	unsigned long flags;
	int err;

	if (!cqe || cqe > TBIB_MAX_CQE)
		return -EINVAL;
	if (!!udata != cq->user || (udata && udata->outlen < sizeof(uresp)))
		return -EINVAL;
	err = tbib_queue_init(&nq, tbib_udata_ucontext(udata), cqe,
			      tbib_cq_elem_size(cq->user));
	if (err)
		return err;
	if (udata) {
		tbib_queue_mminfo(&nq, &uresp.mi);
		err = ib_copy_to_udata(udata, &uresp, sizeof(uresp));
		if (err)
			goto fail;
	}

	spin_lock_irqsave(&cq->lock, flags);
	err = tbib_queue_copy_entries(&nq, &cq->q, cq->q.prod, tbib_cq_cons(cq));
	if (!err) {
		old = cq->q;
		cq->q = nq;
		nq = old;
		ibcq->cqe = tbib_queue_capacity(&cq->q);
	}
	spin_unlock_irqrestore(&cq->lock, flags);
fail:
	tbib_queue_cleanup(&nq);	/* the old ring, or the unused new one */
	return err;
}

int tbib_poll_cq(struct ib_cq *ibcq, int num_entries, struct ib_wc *wc)
{
	struct tbib_cq *cq = to_tcq(ibcq);
	unsigned long flags;
	int n = 0;
	u32 cons;

	/* user CQs are polled from the shared ring by librxe */
	if (cq->user)
		return -EINVAL;
	spin_lock_irqsave(&cq->lock, flags);
	cons = cq->q.cons;
	while (n < num_entries && cons != cq->q.prod) {
		memcpy(&wc[n++], tbib_queue_slot(&cq->q, cons), sizeof(*wc));
		cons = tbib_queue_next(&cq->q, cons);
	}
	tbib_queue_publish_cons(&cq->q, cons);
	spin_unlock_irqrestore(&cq->lock, flags);
	return n;
}

int tbib_req_notify_cq(struct ib_cq *ibcq, enum ib_cq_notify_flags flags)
{
	struct tbib_cq *cq = to_tcq(ibcq);
	unsigned long irqflags;
	int ret = 0;

	spin_lock_irqsave(&cq->lock, irqflags);
	/* an armed "next completion" covers a later "solicited" request */
	if (cq->notify != IB_CQ_NEXT_COMP)
		cq->notify = flags & IB_CQ_SOLICITED_MASK;
	if ((flags & IB_CQ_REPORT_MISSED_EVENTS) &&
	    cq->q.prod != tbib_cq_cons(cq))
		ret = 1;
	spin_unlock_irqrestore(&cq->lock, irqflags);
	return ret;
}
