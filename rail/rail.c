// SPDX-License-Identifier: GPL-2.0
/*
 * Generic rail object: lifetime, state machine inputs, transmit and
 * receive dispatch shared by all rail types.
 */

#include <linux/slab.h>

#include "rail/rail.h"
#include "rail/hello.h"
#include "netlink/nl.h"
#include "bond/peer.h"
#include "kmod/transport.h"
#include "kmod/trace.h"

int tbib_rail_init(struct tbib_rail *rail, struct tbib_dev *dev,
		   const struct tbib_rail_ops *ops)
{
	int ret;

	ret = tbib_stats_init(&rail->stats);
	if (ret)
		return ret;
	INIT_LIST_HEAD(&rail->node);
	rail->dev = dev;
	rail->ops = ops;
	rail->admin_up = TBIB_ADMIN_UP;
	rail->weight = TBIB_WEIGHT_DEFAULT;
	rail->csum = true;
	rail->oper_state = TBIB_RAIL_STATE_DOWN;
	rail->rate_mbps = TBIB_RAIL_RATE_DEFAULT;
	tbib_hello_init(rail);
	return 0;
}

/* The state the inputs (admin, carrier, MTU) allow, short of binding. */
static u8 tbib_rail_base_state(const struct tbib_rail *rail)
{
	if (!rail->admin_up || !rail->carrier ||
	    rail->mtu < TBIB_RAIL_MTU_MIN)
		return TBIB_RAIL_STATE_DOWN;
	return TBIB_RAIL_STATE_PROBING;
}

static void __tbib_rail_set_state(struct tbib_rail *rail, u8 state, u8 why,
				  bool notify)
{
	struct tbib_dev *dev = rail->dev;
	struct tbib_peer *peer;
	u8 old = rail->oper_state;

	lockdep_assert_held(&tbib_cfg_lock);

	if (old == state)
		return;
	trace_tbib_rail_state(rail, old, state, why);
	/*
	 * Going down for a local reason (admin down, MTU, removal) while the
	 * link still works: tell the peer so it fails over now rather than
	 * after missed keepalives.
	 */
	if (state == TBIB_RAIL_STATE_DOWN && rail->carrier)
		tbib_hello_send_bye(rail);
	WRITE_ONCE(rail->oper_state, state);
	if (old == TBIB_RAIL_STATE_UP) {
		peer = rcu_dereference_protected(rail->peer,
					lockdep_is_held(&tbib_cfg_lock));
		RCU_INIT_POINTER(rail->peer, NULL);
		tbib_stat_inc(&rail->stats, TBIB_A_STATS_RAIL_DOWN);
		/* May delete the peer (its last rail). */
		if (peer)
			tbib_peer_del_rail(peer, rail);
	}
	if (state == TBIB_RAIL_STATE_UP)
		tbib_stat_inc(&rail->stats, TBIB_A_STATS_RAIL_UP);
	else
		tbib_hello_reset(rail);
	/* The timer idles while DOWN: probe right away. */
	if (old == TBIB_RAIL_STATE_DOWN && !rail->dead)
		tbib_hello_start(rail);

	tbib_transport_rail_changed(rail);
	if (notify)
		tbib_nl_rail_event(rail, TBIB_CMD_RAIL_SET);
	tbib_dev_port_event(dev);
}

void tbib_rail_set_state(struct tbib_rail *rail, u8 state, u8 why)
{
	__tbib_rail_set_state(rail, state, why, true);
}

/* Re-evaluates DOWN <-> PROBING after input @why changed. */
static void tbib_rail_update(struct tbib_rail *rail, u8 why)
{
	u8 base = tbib_rail_base_state(rail);

	if (base == TBIB_RAIL_STATE_DOWN) {
		tbib_rail_set_state(rail, TBIB_RAIL_STATE_DOWN, why);
	} else if (rail->oper_state == TBIB_RAIL_STATE_DOWN) {
		tbib_rail_set_state(rail, TBIB_RAIL_STATE_PROBING, why);
		tbib_hello_kick(rail);
	}
}

void tbib_rail_set_carrier(struct tbib_rail *rail, bool carrier)
{
	lockdep_assert_held(&tbib_cfg_lock);
	if (rail->carrier == carrier)
		return;
	WRITE_ONCE(rail->carrier, carrier);
	tbib_rail_update(rail, TBIB_RAIL_WHY_CARRIER);
	/* phys_state follows the carrier even when the state did not move */
	tbib_dev_port_event(rail->dev);
}

void tbib_rail_set_admin(struct tbib_rail *rail, bool up)
{
	lockdep_assert_held(&tbib_cfg_lock);
	if (rail->admin_up == up)
		return;
	rail->admin_up = up;
	tbib_nl_rail_event(rail, TBIB_CMD_RAIL_SET);
	tbib_rail_update(rail, TBIB_RAIL_WHY_ADMIN);
	tbib_dev_port_event(rail->dev);
}

void tbib_rail_set_mtu(struct tbib_rail *rail, u32 mtu)
{
	lockdep_assert_held(&tbib_cfg_lock);
	if (rail->mtu == mtu)
		return;
	if (mtu < TBIB_RAIL_MTU_MIN)
		pr_warn("tbib: %s: rail %u: MTU %u is below %u, rail stays down\n",
			tbib_dev_name(rail->dev), rail->id, mtu,
			TBIB_RAIL_MTU_MIN);
	WRITE_ONCE(rail->mtu, mtu);
	tbib_nl_rail_event(rail, TBIB_CMD_RAIL_SET);
	tbib_rail_update(rail, TBIB_RAIL_WHY_MTU);
	/* Tell the peer about the new size right away. */
	tbib_hello_kick(rail);
}

void tbib_rail_set_rate(struct tbib_rail *rail, u64 mbps)
{
	lockdep_assert_held(&tbib_cfg_lock);
	if (!mbps)
		mbps = TBIB_RAIL_RATE_DEFAULT;
	if (rail->rate_mbps == mbps)
		return;
	WRITE_ONCE(rail->rate_mbps, mbps);
	tbib_nl_rail_event(rail, TBIB_CMD_RAIL_SET);
	tbib_dev_port_event(rail->dev);
}

void tbib_rail_set_weight(struct tbib_rail *rail, u32 weight)
{
	lockdep_assert_held(&tbib_cfg_lock);
	if (rail->weight == weight)
		return;
	WRITE_ONCE(rail->weight, weight);
	tbib_nl_rail_event(rail, TBIB_CMD_RAIL_SET);
	tbib_transport_rail_changed(rail);
	tbib_dev_port_event(rail->dev);
}

void tbib_rail_set_peer_up(struct tbib_rail *rail, bool up)
{
	lockdep_assert_held(&tbib_cfg_lock);
	if (rail->peer_up == up || !tbib_rail_is_up(rail))
		return;
	WRITE_ONCE(rail->peer_up, up);
	/*
	 * The port counts the rail while it is bound: only the transport
	 * gains it, or loses it (what was in flight on it is resent).
	 */
	tbib_transport_rail_changed(rail);
}

struct tbib_rail *tbib_rail_find(struct tbib_dev *dev, u32 id)
{
	struct tbib_rail *rail;

	lockdep_assert_held(&tbib_cfg_lock);
	list_for_each_entry(rail, &dev->rails, node)
		if (rail->id == id)
			return rail;
	return NULL;
}

int tbib_rail_link(struct tbib_rail *rail)
{
	struct tbib_dev *dev = rail->dev;
	int ret;

	lockdep_assert_held(&tbib_cfg_lock);

	rail->id = dev->next_rail_id++;
	rail->dst_addr = rail->peer_mac;
	ret = rail->ops->start(rail);
	if (ret)
		return ret;
	list_add_tail_rcu(&rail->node, &dev->rails);
	dev->num_rails++;
	tbib_nl_rail_event(rail, TBIB_CMD_RAIL_ADD);
	/* Quietly: RAIL_ADD already carries the initial state. */
	if (tbib_rail_base_state(rail) != TBIB_RAIL_STATE_DOWN)
		__tbib_rail_set_state(rail, TBIB_RAIL_STATE_PROBING,
				      TBIB_RAIL_WHY_ADDED, false);
	tbib_dev_port_event(dev);
	tbib_hello_start(rail);
	return 0;
}

void tbib_rail_unlink(struct tbib_rail *rail)
{
	struct tbib_dev *dev = rail->dev;

	lockdep_assert_held(&tbib_cfg_lock);

	/* Sends a BYE if the link still works. */
	__tbib_rail_set_state(rail, TBIB_RAIL_STATE_DOWN, TBIB_RAIL_WHY_DELETED,
			      false);
	rail->dead = true;
	list_del_rcu(&rail->node);
	dev->num_rails--;
	tbib_transport_rail_changed(rail);
	tbib_nl_rail_event(rail, TBIB_CMD_RAIL_DEL);
	/* From now on the device counts for it (see stats.h). */
	tbib_stats_fold(&dev->stats, &rail->stats);
	tbib_dev_port_event(dev);
}

void tbib_rail_destroy(struct tbib_rail *rail)
{
	tbib_hello_stop(rail);
	rail->ops->stop(rail);		/* no receive callback after this */
	cancel_work_sync(&rail->hello_work);
	/* Transmitters and list walkers found it under RCU. */
	synchronize_rcu();
	rail->ops->release(rail);
	tbib_stats_free(&rail->stats);
	rail->ops->free(rail);
}

void tbib_rail_del_all(struct tbib_dev *dev)
{
	struct tbib_rail *rail;

	/*
	 * One at a time: destroying needs the lock released, and the device
	 * is DEAD, so no rail can be added meanwhile.
	 */
	for (;;) {
		mutex_lock(&tbib_cfg_lock);
		rail = list_first_entry_or_null(&dev->rails, struct tbib_rail,
						node);
		if (rail)
			tbib_rail_unlink(rail);
		mutex_unlock(&tbib_cfg_lock);
		if (!rail)
			return;
		tbib_rail_destroy(rail);
	}
}

struct sk_buff *tbib_rail_alloc_skb(struct tbib_rail *rail, unsigned int len,
				    gfp_t gfp)
{
	unsigned int headroom = READ_ONCE(rail->headroom);
	struct sk_buff *skb;

	skb = alloc_skb(headroom + len, gfp);
	if (skb)
		skb_reserve(skb, headroom);
	return skb;
}

int tbib_rail_xmit(struct tbib_rail *rail, struct sk_buff *skb)
{
	unsigned int len = skb->len;
	int ret;

	ret = rail->ops->xmit(rail, skb);
	if (unlikely(ret)) {
		tbib_stat_inc(&rail->stats, TBIB_A_STATS_TX_DROP);
		return ret;
	}
	tbib_stat_inc(&rail->stats, TBIB_A_STATS_TX_PACKETS);
	tbib_stat_add(&rail->stats, TBIB_A_STATS_TX_BYTES, len);
	return 0;
}

void tbib_rail_rx(struct tbib_rail *rail, struct sk_buff *skb, u64 src)
{
	u8 version, type;

	if (unlikely(!pskb_may_pull(skb, 2))) {
		tbib_stat_inc(&rail->stats, TBIB_A_STATS_RX_DROP_MALFORMED);
		goto drop;
	}
	version = skb->data[0];
	type = skb->data[1];
	if (unlikely(version != TBIB_FRAME_VERSION)) {
		tbib_stat_inc(&rail->stats, TBIB_A_STATS_RX_DROP_MALFORMED);
		goto drop;
	}
	if (type <= TBIB_FRAME_TYPE_CTL_MAX) {
		tbib_hello_rx(rail, skb, src);
		return;
	}

	/* Transport frames only from the peer this rail is bound to. */
	if (unlikely(!tbib_rail_is_up(rail) || !rcu_access_pointer(rail->peer) ||
		     src != READ_ONCE(rail->dst_addr))) {
		tbib_stat_inc(&rail->stats, TBIB_A_STATS_RX_DROP_PEER);
		goto drop;
	}
	tbib_stat_inc(&rail->stats, TBIB_A_STATS_RX_PACKETS);
	tbib_stat_add(&rail->stats, TBIB_A_STATS_RX_BYTES, skb->len);
	tbib_transport_rx(rail, skb);
	return;
drop:
	kfree_skb(skb);
}
