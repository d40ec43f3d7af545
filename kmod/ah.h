/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Address handles (IB link layer: a DLID, SL, rate, optional GRH).
 *
 * A user UD send names its AH by number (rxe ABI: ah_num returned by
 * create_ah, carried in the WQE).  Numbers index an RCU-protected table
 * of small records that are freed after a grace period, so the send
 * path can resolve a number without a reference and without racing
 * destroy_ah (which may be called in atomic context and cannot wait).
 */
#ifndef TBIB_AH_H
#define TBIB_AH_H

#include <rdma/ib_verbs.h>

#include "kmod/wqe.h"

struct tbib_ah_rec {
	struct rcu_head		rcu;
	struct ib_device	*ibdev;
	struct ib_pd		*pd;
	struct tbib_av		av;
};

struct tbib_ah {
	struct ib_ah		ibah;
	u32			ah_num;
	struct tbib_ah_rec	*rec;
};

static inline struct tbib_ah *to_tah(struct ib_ah *ibah)
{
	return container_of(ibah, struct tbib_ah, ibah);
}

/*
 * Copy the address of AH @ah_num into *@av if it exists on @ibdev and
 * belongs to @pd.  0 or -EINVAL.  Any context.
 */
int tbib_ah_resolve(struct ib_device *ibdev, struct ib_pd *pd, u32 ah_num,
		    struct tbib_av *av);
/*
 * Check an address vector given by a ULP (AH or QP primary path) and
 * convert it; 0 or -EINVAL (RoCE/OPA attributes, bad port, DLID 0 or
 * multicast, SL > 15).
 */
int tbib_av_from_attr(struct ib_device *ibdev, const struct rdma_ah_attr *attr,
		      struct tbib_av *av);
void tbib_av_to_attr(const struct tbib_av *av, struct rdma_ah_attr *attr);

/* ib_device_ops */
int tbib_create_ah(struct ib_ah *ibah, struct rdma_ah_init_attr *init,
		   struct ib_udata *udata);
int tbib_query_ah(struct ib_ah *ibah, struct rdma_ah_attr *attr);
int tbib_destroy_ah(struct ib_ah *ibah, u32 flags);

#endif /* TBIB_AH_H */
