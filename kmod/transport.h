/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hooks from the control plane (rails, peers) into the reliable transport
 * (kmod/transport.c; its parts are described in kmod/conn.h), and its
 * module init/exit.
 */
#ifndef TBIB_TRANSPORT_H
#define TBIB_TRANSPORT_H

#include <linux/skbuff.h>

struct tbib_dev;
struct tbib_rail;
struct tbib_peer;

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
 * Module init: creates the transmit workqueue and installs the transport
 * in the verbs layer (before any device exists).  Module exit: after
 * every device is gone.
 */
int tbib_transport_init(void);
void tbib_transport_exit(void);

#endif /* TBIB_TRANSPORT_H */
