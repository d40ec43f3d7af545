// SPDX-License-Identifier: GPL-2.0
/*
 * Address handles (see ah.h).
 */
#include <linux/slab.h>
#include <linux/xarray.h>
#include <rdma/ib_mad.h>
#include <rdma/rdma_user_rxe.h>

#include "kmod/ah.h"
#include "kmod/verbs.h"

/*
 * ah_num -> struct tbib_ah_rec.  IRQ-safe lock: create/destroy_ah may be
 * called from any context when not RDMA_CREATE_AH_SLEEPABLE.
 */
static DEFINE_XARRAY_FLAGS(tbib_ahs, XA_FLAGS_ALLOC1 | XA_FLAGS_LOCK_IRQ);
static u32 tbib_ah_next;

int tbib_av_from_attr(struct ib_device *ibdev, const struct rdma_ah_attr *attr,
		      struct tbib_av *av)
{
	u32 dlid;

	if (attr->type != RDMA_AH_ATTR_TYPE_IB ||
	    !rdma_is_port_valid(ibdev, rdma_ah_get_port_num(attr)))
		return -EINVAL;
	dlid = rdma_ah_get_dlid(attr);
	/* unicast only: no multicast groups without a subnet manager */
	if (!dlid || dlid >= be16_to_cpu(IB_MULTICAST_LID_BASE))
		return -EINVAL;
	if (rdma_ah_get_sl(attr) > 15)
		return -EINVAL;

	memset(av, 0, sizeof(*av));
	av->dlid = dlid;
	av->sl = rdma_ah_get_sl(attr);
	av->src_path_bits = rdma_ah_get_path_bits(attr);
	av->static_rate = rdma_ah_get_static_rate(attr);
	av->port_num = rdma_ah_get_port_num(attr);
	if (rdma_ah_get_ah_flags(attr) & IB_AH_GRH) {
		const struct ib_global_route *grh = rdma_ah_read_grh(attr);

		av->has_grh = true;
		av->dgid = grh->dgid;
		av->flow_label = grh->flow_label;
		av->sgid_index = grh->sgid_index;
		av->hop_limit = grh->hop_limit;
		av->traffic_class = grh->traffic_class;
	}
	return 0;
}

void tbib_av_to_attr(const struct tbib_av *av, struct rdma_ah_attr *attr)
{
	attr->type = RDMA_AH_ATTR_TYPE_IB;
	rdma_ah_set_dlid(attr, av->dlid);
	rdma_ah_set_sl(attr, av->sl);
	rdma_ah_set_path_bits(attr, av->src_path_bits);
	rdma_ah_set_static_rate(attr, av->static_rate);
	rdma_ah_set_port_num(attr, av->port_num);
	if (av->has_grh) {
		union ib_gid dgid = av->dgid;

		rdma_ah_set_ah_flags(attr, IB_AH_GRH);
		rdma_ah_set_grh(attr, &dgid, av->flow_label, av->sgid_index,
				av->hop_limit, av->traffic_class);
	} else {
		rdma_ah_set_ah_flags(attr, 0);
	}
}

int tbib_ah_resolve(struct ib_device *ibdev, struct ib_pd *pd, u32 ah_num,
		    struct tbib_av *av)
{
	struct tbib_ah_rec *rec;
	int err = -EINVAL;

	rcu_read_lock();
	rec = xa_load(&tbib_ahs, ah_num);
	if (rec && rec->ibdev == ibdev && rec->pd == pd) {
		*av = rec->av;
		err = 0;
	}
	rcu_read_unlock();
	return err;
}

int tbib_create_ah(struct ib_ah *ibah, struct rdma_ah_init_attr *init,
		   struct ib_udata *udata)
{
	bool sleep = init->flags & RDMA_CREATE_AH_SLEEPABLE;
	gfp_t gfp = sleep ? GFP_KERNEL : GFP_ATOMIC;
	struct tbib_ah *ah = to_tah(ibah);
	struct rxe_create_ah_resp uresp = {};
	struct tbib_ah_rec *rec;
	unsigned long flags;
	int err;

	if (udata && udata->outlen < sizeof(uresp))
		return -EINVAL;	/* providers older than ah_num: not ours */
	if (!tbib_res_get(TBIB_RES_AH))
		return -ENOMEM;
	rec = kzalloc(sizeof(*rec), gfp);
	if (!rec) {
		err = -ENOMEM;
		goto fail;
	}
	rec->ibdev = ibah->device;
	rec->pd = ibah->pd;
	err = tbib_av_from_attr(ibah->device, init->ah_attr, &rec->av);
	if (err)
		goto fail_rec;

	xa_lock_irqsave(&tbib_ahs, flags);
	err = __xa_alloc_cyclic(&tbib_ahs, &ah->ah_num, rec,
				XA_LIMIT(1, TBIB_MAX_AH), &tbib_ah_next, gfp);
	xa_unlock_irqrestore(&tbib_ahs, flags);
	if (err < 0)
		goto fail_rec;
	ah->rec = rec;

	if (udata) {
		uresp.ah_num = ah->ah_num;
		err = ib_copy_to_udata(udata, &uresp, sizeof(uresp));
		if (err) {
			tbib_destroy_ah(ibah, 0);
			return err;
		}
	}
	return 0;

fail_rec:
	kfree(rec);
fail:
	tbib_res_put(TBIB_RES_AH);
	return err;
}

int tbib_query_ah(struct ib_ah *ibah, struct rdma_ah_attr *attr)
{
	memset(attr, 0, sizeof(*attr));
	tbib_av_to_attr(&to_tah(ibah)->rec->av, attr);
	return 0;
}

int tbib_destroy_ah(struct ib_ah *ibah, u32 flags)
{
	struct tbib_ah *ah = to_tah(ibah);
	unsigned long irqflags;

	xa_lock_irqsave(&tbib_ahs, irqflags);
	__xa_erase(&tbib_ahs, ah->ah_num);
	xa_unlock_irqrestore(&tbib_ahs, irqflags);
	kfree_rcu(ah->rec, rcu);
	ah->rec = NULL;
	tbib_res_put(TBIB_RES_AH);
	return 0;
}
