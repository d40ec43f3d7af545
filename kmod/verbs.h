/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The verbs object layer: everything between ib_core/ib_uverbs and the
 * wire transport.
 *
 *   pd.c       protection domains
 *   mr.c       memory regions, keys, memory access for the transport
 *   sgl.c      walking the SGE list of a WQE (lkey resolution + copies)
 *   ah.c       address handles
 *   cq.c       completion queues
 *   srq.c      shared receive queues
 *   qp.c       queue pairs: create/destroy, state machine, errors
 *   wq.c       send/receive queues: posting, transport hand-out, flush
 *   wqe.c      kernel WQE forms, copying/validating user ring entries
 *   queue.c    rings in the rxe user ABI layout
 *   mmap.c     mapping rings into processes
 *   verbs.c    the ib_device_ops table, device limits
 *
 * The transport includes this header and uses the APIs of qp.h (send and
 * receive queues, errors, QP lookup), cq.h (tbib_cq_post), mr.h / sgl.h
 * (memory); the verbs call the transport's QP hooks (kmod/transport.h).
 */
#ifndef TBIB_VERBS_H
#define TBIB_VERBS_H

#include <rdma/ib_verbs.h>

#include "kmod/ah.h"
#include "kmod/cq.h"
#include "kmod/mr.h"
#include "kmod/pd.h"
#include "kmod/qp.h"
#include "kmod/sgl.h"
#include "kmod/srq.h"
#include "kmod/wqe.h"

/* create_cq, resize_user_cq and reg_user_mr, as this kernel spells them */
extern const struct ib_device_ops tbib_compat_verbs_ops;

/*
 * Called once per device before ib_register_device(), before the base
 * ops of ibdev.c: ib_set_device_ops() keeps the first value set for each
 * op, so these take precedence (query_device in particular).
 */
void tbib_verbs_set_ops(struct ib_device *ibdev);

/* ---- limits (what query_device reports, and what is enforced) -------- */

#define TBIB_MAX_QP_WR		16383	/* a ring of 16384 slots */
#define TBIB_MAX_SGE		32
#define TBIB_MAX_INLINE		512	/* = TBIB_MAX_SGE * sizeof(ib_sge) */
#define TBIB_MAX_CQE		65535
#define TBIB_MAX_SRQ_WR		16383
#define TBIB_MAX_RD_ATOMIC	16	/* per QP, both directions */
#define TBIB_MAX_FR_PAGES	512	/* pages of a fast-reg MR */
#define TBIB_MAX_MR_SIZE	(1ULL << 38)	/* page array <= 512 MiB */
#define TBIB_MAX_AH		(1 << 16)

/*
 * Object counts.  They are counted for the whole module (all tbib
 * devices together): the limit is about host memory, not one HCA.
 */
enum tbib_res {
	TBIB_RES_PD,
	TBIB_RES_MR,
	TBIB_RES_MW,
	TBIB_RES_CQ,
	TBIB_RES_QP,
	TBIB_RES_SRQ,
	TBIB_RES_AH,
	TBIB_RES_NUM
};

bool tbib_res_get(enum tbib_res res);
void tbib_res_put(enum tbib_res res);

#endif /* TBIB_VERBS_H */
