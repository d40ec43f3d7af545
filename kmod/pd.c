// SPDX-License-Identifier: GPL-2.0
/*
 * PD verbs.  ib_core allocates and frees struct tbib_pd and refuses to
 * destroy a PD that objects still use, so there is nothing to track.
 */
#include "kmod/pd.h"
#include "kmod/verbs.h"

int tbib_alloc_pd(struct ib_pd *ibpd, struct ib_udata *udata)
{
	/* The rxe ABI passes no driver data with ALLOC_PD. */
	if (!tbib_res_get(TBIB_RES_PD))
		return -ENOMEM;
	return 0;
}

int tbib_dealloc_pd(struct ib_pd *ibpd, struct ib_udata *udata)
{
	tbib_res_put(TBIB_RES_PD);
	return 0;
}
