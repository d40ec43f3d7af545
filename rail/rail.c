// SPDX-License-Identifier: GPL-2.0
/*
 * Generic rail object: lifetime, link inputs, transmit, and the receive
 * hand-off to the set's owner, shared by all rail types.
 */

#include <linux/slab.h>

#include "rail/rail.h"

DEFINE_MUTEX(tbib_cfg_lock);
LIST_HEAD(tbib_rails);

void tbib_rail_set_init(struct tbib_rail_set *set,
			const struct tbib_rail_set_ops *ops,
			struct tbib_stats *stats)
{
	INIT_LIST_HEAD(&set->list);
	set->num = 0;
	set->next_id = 1;
	set->ops = ops;
	set->stats = stats;
}

int tbib_rail_init(struct tbib_rail *rail, struct tbib_rail_set *set,
		   const struct tbib_rail_ops *ops)
{
	int ret;

	ret = tbib_stats_init(&rail->stats);
	if (ret)
		return ret;
	INIT_LIST_HEAD(&rail->node);
	INIT_LIST_HEAD(&rail->all);
	rail->set = set;
	rail->ops = ops;
	rail->admin_up = TBIB_ADMIN_UP;
	rail->weight = TBIB_WEIGHT_DEFAULT;
	rail->csum = true;
	rail->oper_state = TBIB_RAIL_STATE_DOWN;
	rail->rate_mbps = TBIB_RAIL_RATE_DEFAULT;
	set->ops->init(rail);
	return 0;
}

static void tbib_rail_changed(struct tbib_rail *rail,
			      enum tbib_rail_change what)
{
	rail->set->ops->changed(rail, what);
}

void tbib_rail_set_carrier(struct tbib_rail *rail, bool carrier)
{
	lockdep_assert_held(&tbib_cfg_lock);
	if (rail->carrier == carrier)
		return;
	WRITE_ONCE(rail->carrier, carrier);
	tbib_rail_changed(rail, TBIB_RAIL_CHG_CARRIER);
}

void tbib_rail_set_admin(struct tbib_rail *rail, bool up)
{
	lockdep_assert_held(&tbib_cfg_lock);
	if (rail->admin_up == up)
		return;
	rail->admin_up = up;
	tbib_rail_changed(rail, TBIB_RAIL_CHG_ADMIN);
}

void tbib_rail_set_mtu(struct tbib_rail *rail, u32 mtu)
{
	lockdep_assert_held(&tbib_cfg_lock);
	if (rail->mtu == mtu)
		return;
	if (mtu < TBIB_RAIL_MTU_MIN)
		pr_warn("tbib: %s: rail %u: MTU %u is below %u, rail stays down\n",
			tbib_rail_set_name(rail->set), rail->id, mtu,
			TBIB_RAIL_MTU_MIN);
	WRITE_ONCE(rail->mtu, mtu);
	tbib_rail_changed(rail, TBIB_RAIL_CHG_MTU);
}

void tbib_rail_set_rate(struct tbib_rail *rail, u64 mbps)
{
	lockdep_assert_held(&tbib_cfg_lock);
	if (!mbps)
		mbps = TBIB_RAIL_RATE_DEFAULT;
	if (rail->rate_mbps == mbps)
		return;
	WRITE_ONCE(rail->rate_mbps, mbps);
	tbib_rail_changed(rail, TBIB_RAIL_CHG_RATE);
}

void tbib_rail_set_weight(struct tbib_rail *rail, u32 weight)
{
	lockdep_assert_held(&tbib_cfg_lock);
	if (rail->weight == weight)
		return;
	WRITE_ONCE(rail->weight, weight);
	tbib_rail_changed(rail, TBIB_RAIL_CHG_WEIGHT);
}

void tbib_rail_renamed(struct tbib_rail *rail)
{
	lockdep_assert_held(&tbib_cfg_lock);
	tbib_rail_changed(rail, TBIB_RAIL_CHG_NAME);
}

void tbib_rail_going_down(struct tbib_rail *rail)
{
	lockdep_assert_held(&tbib_cfg_lock);
	tbib_rail_changed(rail, TBIB_RAIL_CHG_GOING_DOWN);
}

struct tbib_rail *tbib_rail_find(struct tbib_rail_set *set, u32 id)
{
	struct tbib_rail *rail;

	lockdep_assert_held(&tbib_cfg_lock);
	list_for_each_entry(rail, &set->list, node)
		if (rail->id == id)
			return rail;
	return NULL;
}

int tbib_rail_link(struct tbib_rail *rail)
{
	struct tbib_rail_set *set = rail->set;
	int ret;

	lockdep_assert_held(&tbib_cfg_lock);

	rail->id = set->next_id++;
	rail->dst_addr = rail->peer_mac;
	ret = rail->ops->start(rail);
	if (ret)
		return ret;
	list_add_tail_rcu(&rail->node, &set->list);
	list_add_tail(&rail->all, &tbib_rails);
	set->num++;
	tbib_rail_changed(rail, TBIB_RAIL_CHG_ADDED);
	return 0;
}

void tbib_rail_unlink(struct tbib_rail *rail)
{
	struct tbib_rail_set *set = rail->set;

	lockdep_assert_held(&tbib_cfg_lock);

	tbib_rail_changed(rail, TBIB_RAIL_CHG_REMOVING);
	rail->dead = true;
	list_del_rcu(&rail->node);
	list_del_init(&rail->all);
	set->num--;
	tbib_rail_changed(rail, TBIB_RAIL_CHG_REMOVED);
	/* From now on the set's owner counts for it (see stats.h). */
	tbib_stats_fold(set->stats, &rail->stats);
}

void tbib_rail_destroy(struct tbib_rail *rail)
{
	rail->ops->stop(rail);		/* no receive callback after this */
	rail->set->ops->detach(rail);
	/* Transmitters and list walkers found it under RCU. */
	synchronize_rcu();
	rail->ops->release(rail);
	tbib_stats_free(&rail->stats);
	rail->ops->free(rail);
}

void tbib_rail_del_all(struct tbib_rail_set *set)
{
	struct tbib_rail *rail;

	/*
	 * One at a time: destroying needs the lock released, and the owner
	 * is dying, so no rail can be added meanwhile.
	 */
	for (;;) {
		mutex_lock(&tbib_cfg_lock);
		rail = list_first_entry_or_null(&set->list, struct tbib_rail,
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
	if (unlikely(!pskb_may_pull(skb, 2))) {
		tbib_stat_inc(&rail->stats, TBIB_A_STATS_RX_DROP_MALFORMED);
		kfree_skb(skb);
		return;
	}
	rail->set->ops->rx(rail, skb, src);
}
