/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the striping core's events (bond/bond.h, fanned out by
 * kmod/device.c) do to the reliable transport (kmod/transport.c; its
 * parts are described in kmod/conn.h), and its module init/exit.
 */
#ifndef TBIB_TRANSPORT_H
#define TBIB_TRANSPORT_H

#include <linux/skbuff.h>
#include <rdma/ib_verbs.h>

struct tbib_dev;
struct tbib_rail;
struct tbib_peer;
struct tbib_qp;

/*
 * A transport frame (type >= TBIB_FRAME_TYPE_TRANSPORT_MIN) arrived on
 * @rail, which is UP and bound to a peer (rcu_dereference(rail->peer));
 * the link source address matched that peer.  skb->data points at the
 * version byte, at least 2 bytes are linear.  Softirq, rcu_read_lock()
 * held.  Must consume @skb.
 */
void tbib_transport_rx(struct tbib_rail *rail, struct sk_buff *skb);

/*
 * @rail changed oper state (UP <-> PROBING/DOWN) or was removed (then
 * rail->dead is set).  Called under the cfg lock, process context, after
 * the peer's rail set has been updated; frames in flight on a rail that
 * went down should be resent on the others.
 */
void tbib_transport_rail_changed(struct tbib_rail *rail);

/*
 * @peer is being deleted (its last rail went, it restarted, or the device
 * goes away); it is already unlinked and peer->dead is set.  cfg lock
 * held.  The peer memory stays valid until the last tbib_peer_put().
 */
void tbib_transport_peer_gone(struct tbib_peer *peer);

/*
 * A device is being torn down (after ib_core removed every client and user
 * context, before its rails and peers go).  cfg lock NOT held.
 */
void tbib_transport_dev_teardown(struct tbib_dev *dev);

/*
 * The verbs layer's calls (kmod/qp.c):
 * @qp_create: a QP was built (rings exist, number assigned, not yet
 *	findable by tbib_qp_get()); set up qp->tp.  Process context, may
 *	sleep.  A negative errno fails create_qp.
 * @qp_destroy: the QP goes away: it is no longer findable, no lookup
 *	reference is left, and no data-path error can be raised any more.
 *	Stop timers and work, free qp->tp; after return the transport must
 *	not touch the QP.  Process context, qp->mutex held.
 * @qp_modify: modify_qp changed the QP (qp->state and qp->attr are the
 *	new ones; @old_state is the previous state, @mask the attribute
 *	mask).  For RESET the rings are emptied right after this returns:
 *	let go of every WQE.  For ERROR, qp_error follows.  Process
 *	context, qp->mutex held.
 * @qp_error: the QP is in ERROR (or SQE for a UC/UD send error) and is
 *	about to be flushed: stop using its WQEs (of the SQ only, for SQE)
 *	before returning.  Process context, qp->mutex held.
 * @sq_kick: send WQEs may be available (doorbell, post_send, move to
 *	RTS): run or schedule the requester, which pulls them with
 *	tbib_sq_next().  Any context (kernel ib_post_send() may run in
 *	atomic context), no verbs lock held.
 */
int tbib_transport_qp_create(struct tbib_qp *qp);
void tbib_transport_qp_destroy(struct tbib_qp *qp);
void tbib_transport_qp_modify(struct tbib_qp *qp, enum ib_qp_state old_state,
			      int mask);
void tbib_transport_qp_error(struct tbib_qp *qp);
void tbib_transport_sq_kick(struct tbib_qp *qp);

/*
 * Module init: creates the transmit workqueue (before any device
 * exists).  Module exit: after every device is gone.
 */
int tbib_transport_init(void);
void tbib_transport_exit(void);

#endif /* TBIB_TRANSPORT_H */
