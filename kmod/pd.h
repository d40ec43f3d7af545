/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Protection domains.  A PD carries no state of its own: it is the
 * identity that MRs, AHs, SRQs and QPs are compared by (an lkey, rkey or
 * AH is usable only by a QP of the same PD).  PDs of different processes
 * are different, so the PD check also keeps processes apart.
 */
#ifndef TBIB_PD_H
#define TBIB_PD_H

#include <rdma/ib_verbs.h>

struct tbib_pd {
	struct ib_pd ibpd;
};

static inline struct tbib_pd *to_tpd(struct ib_pd *ibpd)
{
	return container_of(ibpd, struct tbib_pd, ibpd);
}

int tbib_alloc_pd(struct ib_pd *ibpd, struct ib_udata *udata);
int tbib_dealloc_pd(struct ib_pd *ibpd, struct ib_udata *udata);

#endif /* TBIB_PD_H */
