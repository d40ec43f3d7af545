/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory windows: remote access rights to a range of an MR, granted and
 * revoked by the QP's owner without registering memory.
 *
 * Keys.  A window has a key in the MR key space (mr.h): a random index
 * that stays for the window's life and a key byte that each bind replaces
 * with the one the consumer chose (librxe's ibv_bind_mw() increments it),
 * so a key handed out before a rebind stops working.
 *
 * Types, as rxe has them (IB types 1 and 2B):
 *   type 1	bound by ibv_bind_mw() (a BIND_MW WQE that librxe posts), usable
 *		by every QP of the window's PD, rebound at will; a bind of
 *		length 0 unbinds.  Cannot be invalidated.
 *   type 2	bound by a BIND_MW WQE to the QP that posts it: remote access
 *		through it must arrive at that QP.  Bound only when free;
 *		freed by LOCAL_INV on any QP of its PD, or by a SEND with
 *		Invalidate arriving at the QP it is bound to.  The binding
 *		is to the QP number: a destroyed QP's windows serve no QP
 *		until its number comes round again (QPNs are handed out
 *		cyclically from 16, 2^24 of them).
 * Windows are virtual-address based; zero-based windows are refused.
 *
 * Rules checked by a bind (failures complete with IB_WC_MW_BIND_ERR): the
 * window, the QP and the MR are of one PD, the MR is a user MR registered
 * with IB_ACCESS_MW_BIND, the range lies inside it, and remote write or
 * atomic rights need an MR with local write.  An MR with windows bound
 * cannot be deregistered or reregistered (-EBUSY).
 *
 * Locking.  mw->lock orders a bind, an invalidation, the dealloc and the
 * lookups of one window (BH context: the receive path looks windows up);
 * mr.c's bind lock nests inside it.  Windows are found under RCU, so
 * dealloc waits for an RCU grace period before ib_core frees the window.
 */
#ifndef TBIB_MW_H
#define TBIB_MW_H

#include <linux/spinlock.h>
#include <rdma/ib_verbs.h>

struct tbib_mr;
struct tbib_send_wqe;

enum tbib_mw_state {
	TBIB_MW_FREE,		/* type 2: not bound */
	TBIB_MW_VALID,		/* bound (type 1: maybe to nothing) */
	TBIB_MW_DEAD,		/* being deallocated */
};

struct tbib_mw {
	struct ib_mw		ibmw;	/* type, pd; rkey as allocated */
	spinlock_t		lock;	/* everything below */
	u32			key;	/* the key it answers to now */
	enum tbib_mw_state	state;
	int			access;	/* IB_ACCESS_REMOTE_* */
	u64			addr;	/* window: [addr, addr + length) */
	u64			length;
	struct tbib_mr		*mr;	/* bound MR (tbib_mr_bind_get), or NULL */
	u32			qpn;	/* type 2: the QP it is bound to */
};

/*
 * Find the memory for a remote access through @rkey arriving at @qp: an
 * MR (as tbib_mr_get()) or a window valid for @qp that grants @access over
 * [@iova, @iova + @len).  Returns the MR behind it with a reference (drop
 * with tbib_mr_put()), or NULL.  Any context.
 */
struct tbib_mr *tbib_rkey_get(struct ib_qp *qp, u32 rkey, int access,
			      u64 iova, u64 len);
/*
 * Invalidate @key for @qp: a fast-reg MR of its PD, or a type 2 window of
 * its PD (@remote: a SEND with Invalidate, which may only free a window
 * bound to @qp).  0 or -EINVAL.  Any context.
 */
int tbib_key_invalidate(struct ib_qp *qp, u32 key, bool remote);
/* Execute a BIND_MW WQE of @qp.  0 or -EINVAL (IB_WC_MW_BIND_ERR). */
int tbib_mw_bind(struct ib_qp *qp, const struct tbib_send_wqe *w);

int tbib_alloc_mw(struct ib_mw *ibmw, struct ib_udata *udata);
int tbib_dealloc_mw(struct ib_mw *ibmw);

#endif /* TBIB_MW_H */
