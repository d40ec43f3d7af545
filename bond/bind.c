// SPDX-License-Identifier: GPL-2.0
/*
 * A rail's oper state and its binding to a peer (bind.h), the bond's
 * side of the rail set (every frame and link change of a rail arrives
 * here), and the bond's identity: its list, its LID and LID conflicts.
 */

#include <linux/skbuff.h>

#include "bond/bond.h"
#include "bond/bind.h"
#include "bond/hello.h"
#include "bond/peer.h"
#include "bond/trace.h"

LIST_HEAD(tbib_bonds);

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
	struct tbib_bond *b = tbib_rail_bond(rail);
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

	b->ops->rail_changed(rail);
	if (notify)
		b->ops->rail_event(rail, TBIB_CMD_RAIL_SET);
	b->ops->port_event(b);
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
	tbib_rail_bond(rail)->ops->rail_changed(rail);
}

/* The rail layer's report of a changed input; cfg lock held. */
static void tbib_bind_changed(struct tbib_rail *rail,
			      enum tbib_rail_change what)
{
	struct tbib_bond *b = tbib_rail_bond(rail);

	lockdep_assert_held(&tbib_cfg_lock);

	switch (what) {
	case TBIB_RAIL_CHG_ADDED:
		b->ops->rail_event(rail, TBIB_CMD_RAIL_ADD);
		/* Quietly: RAIL_ADD already carries the initial state. */
		if (tbib_rail_base_state(rail) != TBIB_RAIL_STATE_DOWN)
			__tbib_rail_set_state(rail, TBIB_RAIL_STATE_PROBING,
					      TBIB_RAIL_WHY_ADDED, false);
		b->ops->port_event(b);
		tbib_hello_start(rail);
		break;
	case TBIB_RAIL_CHG_REMOVING:
		/* Sends a BYE if the link still works. */
		__tbib_rail_set_state(rail, TBIB_RAIL_STATE_DOWN,
				      TBIB_RAIL_WHY_DELETED, false);
		break;
	case TBIB_RAIL_CHG_REMOVED:
		b->ops->rail_changed(rail);
		b->ops->rail_event(rail, TBIB_CMD_RAIL_DEL);
		b->ops->port_event(b);
		break;
	case TBIB_RAIL_CHG_CARRIER:
		tbib_rail_update(rail, TBIB_RAIL_WHY_CARRIER);
		/* phys_state follows the carrier even when the state did not
		 * move
		 */
		b->ops->port_event(b);
		break;
	case TBIB_RAIL_CHG_ADMIN:
		b->ops->rail_event(rail, TBIB_CMD_RAIL_SET);
		tbib_rail_update(rail, TBIB_RAIL_WHY_ADMIN);
		b->ops->port_event(b);
		break;
	case TBIB_RAIL_CHG_MTU:
		b->ops->rail_event(rail, TBIB_CMD_RAIL_SET);
		tbib_rail_update(rail, TBIB_RAIL_WHY_MTU);
		/* Tell the peer about the new size right away. */
		tbib_hello_kick(rail);
		break;
	case TBIB_RAIL_CHG_RATE:
		b->ops->rail_event(rail, TBIB_CMD_RAIL_SET);
		b->ops->port_event(b);
		break;
	case TBIB_RAIL_CHG_WEIGHT:
		b->ops->rail_event(rail, TBIB_CMD_RAIL_SET);
		b->ops->rail_changed(rail);
		b->ops->port_event(b);
		break;
	case TBIB_RAIL_CHG_NAME:
		b->ops->rail_event(rail, TBIB_CMD_RAIL_SET);
		break;
	case TBIB_RAIL_CHG_GOING_DOWN:
		/* Last chance to tell the peer before the link stops. */
		tbib_hello_send_bye(rail);
		break;
	}
}

/* Every frame of a rail: control frames to the handshake, the rest up. */
static void tbib_bind_rx(struct tbib_rail *rail, struct sk_buff *skb,
			 u64 src)
{
	u8 version = skb->data[0], type = skb->data[1];

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
	tbib_rail_bond(rail)->ops->rx(rail, skb);
	return;
drop:
	kfree_skb(skb);
}

static const char *tbib_bind_name(const struct tbib_rail_set *set)
{
	return tbib_bond_name(container_of(set, struct tbib_bond, rails));
}

static void tbib_bind_detach(struct tbib_rail *rail)
{
	tbib_hello_stop(rail);
	cancel_work_sync(&rail->hello_work);
}

const struct tbib_rail_set_ops tbib_bind_rail_set_ops = {
	.name = tbib_bind_name,
	.init = tbib_hello_init,
	.rx = tbib_bind_rx,
	.changed = tbib_bind_changed,
	.detach = tbib_bind_detach,
};

void tbib_bond_init(struct tbib_bond *b, struct tbib_stats *stats)
{
	lockdep_assert_held(&tbib_cfg_lock);
	tbib_rail_set_init(&b->rails, &tbib_bind_rail_set_ops, stats);
	INIT_LIST_HEAD(&b->peers);
	b->num_peers = 0;
	b->next_peer_id = 1;
	b->stats = stats;
	list_add_tail(&b->node, &tbib_bonds);
}

void tbib_bond_fini(struct tbib_bond *b)
{
	lockdep_assert_held(&tbib_cfg_lock);
	list_del_init(&b->node);
}

void tbib_bond_check_lid_conflict(struct tbib_bond *b,
				  struct tbib_peer *quiet)
{
	struct tbib_peer *peer, *other;
	bool conflict = false;

	lockdep_assert_held(&tbib_cfg_lock);

	list_for_each_entry(peer, &b->peers, node) {
		bool clash = peer->lid == b->lid;

		if (clash)
			conflict = true;
		list_for_each_entry(other, &b->peers, node)
			if (other != peer && other->lid == peer->lid)
				clash = true;
		if (clash && !peer->lid_conflict)
			pr_warn("tbib: %s: peer %016llx uses LID 0x%x, which is %s\n",
				tbib_bond_name(b), peer->guid, peer->lid,
				peer->lid == b->lid ? "ours" :
				"also used by another peer");
		if (clash == peer->lid_conflict)
			continue;
		peer->lid_conflict = clash;
		/* @quiet announces its own change */
		if (peer != quiet && peer->announced)
			b->ops->peer_event(peer, TBIB_CMD_PEER_SET);
	}
	if (conflict == b->lid_conflict)
		return;
	b->lid_conflict = conflict;
	b->ops->bond_event(b);
}

void tbib_bond_set_lid(struct tbib_bond *b, u32 lid)
{
	struct tbib_peer *self;

	lockdep_assert_held(&tbib_cfg_lock);

	WRITE_ONCE(b->lid, lid);
	self = rcu_dereference_protected(b->self_peer,
					 lockdep_is_held(&tbib_cfg_lock));
	if (self)
		WRITE_ONCE(self->lid, lid);
	tbib_bond_check_lid_conflict(b, NULL);
	/* Tell the peers at once instead of waiting for the next keepalive. */
	tbib_hello_announce(b);
}
