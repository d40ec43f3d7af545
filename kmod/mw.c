// SPDX-License-Identifier: GPL-2.0
/*
 * Memory windows: allocation, binding, invalidation and lookup for
 * remote access (semantics and locking in mw.h).
 */
#include <linux/rcupdate.h>

#include "kmod/mr.h"
#include "kmod/mw.h"
#include "kmod/verbs.h"
#include "kmod/wqe.h"

/* Rights a window can grant. */
#define TBIB_MW_ACCESS_OK	(IB_ACCESS_REMOTE_READ | IB_ACCESS_REMOTE_WRITE | \
				 IB_ACCESS_REMOTE_ATOMIC)
/*
 * Flags a bind may carry: consumers often pass their MR flags, and rxe
 * takes local write there (it means nothing for a window), as well as the
 * optional hints (relaxed ordering) that reg_mr ignores.  Not
 * IB_ZERO_BASED: tbib's windows are virtual-address based.
 */
#define TBIB_MW_BIND_FLAGS_OK	(TBIB_MW_ACCESS_OK | IB_ACCESS_LOCAL_WRITE | \
				 IB_ACCESS_OPTIONAL)

static struct tbib_mw *to_tmw(struct ib_mw *ibmw)
{
	return container_of(ibmw, struct tbib_mw, ibmw);
}

/* Unbind: the caller gives the returned MR back after unlocking. */
static struct tbib_mr *tbib_mw_clear(struct tbib_mw *mw,
				     enum tbib_mw_state state)
{
	struct tbib_mr *mr = mw->mr;

	mw->mr = NULL;
	mw->state = state;
	mw->access = 0;
	mw->addr = 0;
	mw->length = 0;
	mw->qpn = 0;
	return mr;
}

/*
 * Whether @mw (locked) lets @qp reach [@iova, @iova + @len) with @access.
 * Type 2 windows only for the QP they are bound to (IB type 2B).
 */
static bool tbib_mw_grants(const struct tbib_mw *mw, struct ib_qp *qp,
			   u32 rkey, int access, u64 iova, u64 len)
{
	/* (the MR's PD too: ib_uverbs moves an MR after rereg returns) */
	if (mw->key != rkey || mw->state != TBIB_MW_VALID || !mw->mr ||
	    mw->ibmw.device != qp->device || mw->ibmw.pd != qp->pd ||
	    READ_ONCE(mw->mr->ibmr.pd) != qp->pd)
		return false;
	if (mw->ibmw.type == IB_MW_TYPE_2 && mw->qpn != qp->qp_num)
		return false;
	if (!(access & TBIB_MW_ACCESS_OK) || (access & ~mw->access))
		return false;
	return iova >= mw->addr && len <= mw->length &&
	       iova - mw->addr <= mw->length - len;
}

struct tbib_mr *tbib_rkey_get(struct ib_qp *qp, u32 rkey, int access,
			      u64 iova, u64 len)
{
	struct tbib_mr *mr;
	struct tbib_mw *mw;

	mr = tbib_mr_get(qp->device, qp->pd, rkey, access, iova, len);
	if (mr)
		return mr;

	rcu_read_lock();
	mw = tbib_key_find(rkey, TBIB_KEY_MW);
	if (mw) {
		spin_lock_bh(&mw->lock);
		/* the window holds a reference of its MR: never zero here */
		if (tbib_mw_grants(mw, qp, rkey, access, iova, len) &&
		    refcount_inc_not_zero(&mw->mr->ref))
			mr = mw->mr;
		spin_unlock_bh(&mw->lock);
	}
	rcu_read_unlock();
	return mr;
}

/* Invalidate a type 2 window; see tbib_key_invalidate(). */
static int tbib_mw_invalidate(struct ib_qp *qp, u32 key, bool remote)
{
	struct tbib_mr *mr = NULL;
	struct tbib_mw *mw;
	int err = -EINVAL;

	rcu_read_lock();
	mw = tbib_key_find(key, TBIB_KEY_MW);
	if (mw) {
		spin_lock_bh(&mw->lock);
		if (mw->key == key && mw->ibmw.type == IB_MW_TYPE_2 &&
		    mw->state == TBIB_MW_VALID &&
		    mw->ibmw.device == qp->device && mw->ibmw.pd == qp->pd &&
		    (!remote || mw->qpn == qp->qp_num)) {
			mr = tbib_mw_clear(mw, TBIB_MW_FREE);
			err = 0;
		}
		spin_unlock_bh(&mw->lock);
	}
	rcu_read_unlock();
	if (mr)
		tbib_mr_bind_put(mr);
	return err;
}

int tbib_key_invalidate(struct ib_qp *qp, u32 key, bool remote)
{
	if (!tbib_mr_invalidate(qp->device, qp->pd, key))
		return 0;
	return tbib_mw_invalidate(qp, key, remote);
}

/*
 * The MR that the bind @w needs, with a bind reference, or an ERR_PTR.
 * Called with the window locked.
 */
static struct tbib_mr *tbib_mw_bind_mr(struct ib_qp *qp,
				       const struct tbib_send_wqe *w)
{
	struct tbib_mr *mr;
	int err = -EINVAL;

	mr = tbib_mr_get(qp->device, qp->pd, w->wr.mw.mr_lkey, 0,
			 w->wr.mw.addr, w->wr.mw.length);
	if (!mr)
		return ERR_PTR(-EINVAL);
	/* only pinned user memory; writable rights need writable pages */
	if (mr->kind == TBIB_MR_USER &&
	    (READ_ONCE(mr->access) & IB_ACCESS_MW_BIND) &&
	    (!(w->wr.mw.access & (IB_ACCESS_REMOTE_WRITE |
				  IB_ACCESS_REMOTE_ATOMIC)) ||
	     (READ_ONCE(mr->access) & IB_ACCESS_LOCAL_WRITE)))
		err = tbib_mr_bind_get(mr);
	tbib_mr_put(mr);
	return err ? ERR_PTR(err) : mr;
}

int tbib_mw_bind(struct ib_qp *qp, const struct tbib_send_wqe *w)
{
	u32 old_key = w->wr.mw.mw_rkey, new_key = w->wr.mw.rkey;
	struct tbib_mr *mr = NULL, *old = NULL;
	struct tbib_mw *mw;
	int err = -EINVAL;

	/* the new key keeps the index; no zero-based windows */
	if ((old_key >> 8) != (new_key >> 8) ||
	    (w->wr.mw.access & ~TBIB_MW_BIND_FLAGS_OK) ||
	    w->wr.mw.addr + w->wr.mw.length < w->wr.mw.addr)
		return -EINVAL;

	rcu_read_lock();
	mw = tbib_key_find(old_key, TBIB_KEY_MW);
	if (!mw)
		goto out;
	spin_lock_bh(&mw->lock);
	if (mw->key != old_key || mw->ibmw.device != qp->device ||
	    mw->ibmw.pd != qp->pd)
		goto unlock;
	if (mw->ibmw.type == IB_MW_TYPE_1 ? mw->state != TBIB_MW_VALID :
	    mw->state != TBIB_MW_FREE || !w->wr.mw.length)
		goto unlock;
	if (w->wr.mw.length) {
		mr = tbib_mw_bind_mr(qp, w);
		if (IS_ERR(mr)) {
			mr = NULL;
			goto unlock;
		}
	}
	old = tbib_mw_clear(mw, TBIB_MW_VALID);
	mw->key = new_key;
	mw->mr = mr;
	if (mr) {
		mw->access = w->wr.mw.access & TBIB_MW_ACCESS_OK;
		mw->addr = w->wr.mw.addr;
		mw->length = w->wr.mw.length;
	}
	if (mw->ibmw.type == IB_MW_TYPE_2)
		mw->qpn = qp->qp_num;
	err = 0;
unlock:
	spin_unlock_bh(&mw->lock);
out:
	rcu_read_unlock();
	if (old)
		tbib_mr_bind_put(old);
	return err;
}

int tbib_alloc_mw(struct ib_mw *ibmw, struct ib_udata *udata)
{
	struct tbib_mw *mw = to_tmw(ibmw);
	int err;

	if (ibmw->type != IB_MW_TYPE_1 && ibmw->type != IB_MW_TYPE_2)
		return -EINVAL;
	if (!tbib_res_get(TBIB_RES_MW))
		return -ENOMEM;
	spin_lock_init(&mw->lock);
	mw->state = ibmw->type == IB_MW_TYPE_2 ? TBIB_MW_FREE : TBIB_MW_VALID;
	err = tbib_key_insert(mw, TBIB_KEY_MW, &mw->key);
	if (err) {
		tbib_res_put(TBIB_RES_MW);
		return err;
	}
	ibmw->rkey = mw->key;
	return 0;
}

int tbib_dealloc_mw(struct ib_mw *ibmw)
{
	struct tbib_mw *mw = to_tmw(ibmw);
	struct tbib_mr *mr;

	tbib_key_erase(ibmw->rkey);	/* same index as mw->key */
	spin_lock_bh(&mw->lock);
	mr = tbib_mw_clear(mw, TBIB_MW_DEAD);
	spin_unlock_bh(&mw->lock);
	if (mr)
		tbib_mr_bind_put(mr);
	/* lookups that found it before the erase; ib_core frees it next */
	synchronize_rcu();
	tbib_res_put(TBIB_RES_MW);
	return 0;
}
