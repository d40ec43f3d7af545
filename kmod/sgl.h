/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A cursor over the SGE list of a WQE, for the transport: resolves each
 * lkey (against the QP's PD, with the access the direction needs and
 * the bounds of the SGE) and moves bytes between the SGEs and a buffer,
 * an skb, or (for zero-copy transmit) hands out pages.
 *
 * The cursor holds a reference on the MR of the current SGE.  Call
 * tbib_sgl_release() whenever it is parked (end of a packet, waiting for
 * an ACK): deregistration waits for that reference.  The next access
 * resolves the lkey again, so an MR deregistered in between yields
 * -EACCES rather than a stale access.
 *
 * Errors: -EACCES  bad lkey / PD / access / bounds -> IB_WC_LOC_PROT_ERR
 *         -ENOSPC  the SGEs are shorter than the data -> IB_WC_LOC_LEN_ERR
 */
#ifndef TBIB_SGL_H
#define TBIB_SGL_H

#include <linux/skbuff.h>
#include <rdma/ib_verbs.h>

#include "kmod/mr.h"

struct tbib_qp;

struct tbib_sgl {
	struct ib_device	*ibdev;
	struct ib_pd		*pd;
	const struct ib_sge	*sge;
	u32			num_sge;
	u32			idx;	/* current SGE */
	u32			off;	/* offset inside it */
	int			access;	/* 0: read, IB_ACCESS_LOCAL_WRITE: write */
	struct tbib_mr		*mr;	/* MR of sge[idx] (referenced) or NULL */
};

void tbib_sgl_init(struct tbib_sgl *s, struct tbib_qp *qp,
		   const struct ib_sge *sge, u32 num_sge, int access);
void tbib_sgl_release(struct tbib_sgl *s);
/* Move to byte @offset of the list (retransmission). 0 or -ENOSPC. */
int tbib_sgl_seek(struct tbib_sgl *s, u64 offset);
int tbib_sgl_copy(struct tbib_sgl *s, void *buf, u32 len,
		  enum tbib_copy_dir dir);
int tbib_sgl_copy_from_skb(struct tbib_sgl *s, const struct sk_buff *skb,
			   int offset, u32 len);
/*
 * The next piece of data as a page (no page reference taken), offset and
 * length (at most @max), and advance past it.  For building skb frags:
 * get_page() it before tbib_sgl_release().
 */
int tbib_sgl_next_page(struct tbib_sgl *s, u32 max, struct page **page,
		       unsigned int *offset, unsigned int *len);

#endif /* TBIB_SGL_H */
