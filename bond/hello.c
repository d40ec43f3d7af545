// SPDX-License-Identifier: GPL-2.0
/*
 * Rail handshake: see hello.h for the protocol.
 *
 * Receive runs in softirq: it validates the frame and, in the common case
 * (keepalive of the bound peer), only records the time.  Anything that
 * changes state is handed to rail->hello_work, which runs in process
 * context under the cfg lock, so peers and netlink events are only ever
 * touched there.
 */

#include <linux/jiffies.h>
#include <linux/minmax.h>
#include <linux/moduleparam.h>
#include <linux/skbuff.h>

#include "bond/hello.h"
#include "bond/hellowire.h"
#include "bond/peer.h"
#include "bond/bind.h"
#include "rail/rail.h"

/* Tunables for slow or lossy links; clamped where they are used. */
static unsigned int hello_probe_ms = TBIB_HELLO_PROBE_MS;
module_param(hello_probe_ms, uint, 0644);
MODULE_PARM_DESC(hello_probe_ms, "HELLO period while probing, ms (10..10000, default 100)");
static unsigned int hello_keepalive_ms = TBIB_HELLO_KEEPALIVE_MS;
module_param(hello_keepalive_ms, uint, 0644);
MODULE_PARM_DESC(hello_keepalive_ms, "keepalive period of an up rail, ms (10..10000, default 250)");
static unsigned int hello_misses = TBIB_HELLO_MISSES;
module_param(hello_misses, uint, 0644);
MODULE_PARM_DESC(hello_misses, "missed keepalives that take a rail down (2..100, default 4)");

static unsigned int tbib_hello_keepalive_ms(void)
{
	return clamp(READ_ONCE(hello_keepalive_ms), 10U, 10000U);
}

static unsigned long tbib_hello_interval(u8 state)
{
	switch (state) {
	case TBIB_RAIL_STATE_UP:
		return msecs_to_jiffies(tbib_hello_keepalive_ms());
	case TBIB_RAIL_STATE_PROBING:
		return msecs_to_jiffies(clamp(READ_ONCE(hello_probe_ms),
					      10U, 10000U));
	default:
		/* Nothing to send; tbib_hello_start() wakes it on the way up. */
		return msecs_to_jiffies(TBIB_HELLO_IDLE_MS);
	}
}

static unsigned long tbib_hello_dead_time(void)
{
	return msecs_to_jiffies(tbib_hello_keepalive_ms() *
				clamp(READ_ONCE(hello_misses), 2U, 100U));
}

/* Builds and sends one HELLO or BYE; any context. */
static void tbib_hello_send(struct tbib_rail *rail, u8 type, gfp_t gfp)
{
	struct tbib_bond *b = tbib_rail_bond(rail);
	struct tbib_hello_fields h = {};
	struct sk_buff *skb;
	unsigned long flags;

	skb = tbib_rail_alloc_skb(rail, TBIB_HELLO_LEN, gfp);
	if (!skb) {
		tbib_stat_inc(&rail->stats, TBIB_A_STATS_TX_DROP);
		return;
	}
	h.type = type;
	h.caps = TBIB_HELLO_CAP_CSUM | TBIB_HELLO_CAP_BOUND |
		 TBIB_HELLO_CAP_SEQ;
	h.guid = b->guid;
	h.generation = b->generation;
	/* the number orders what the frame reports: take them together */
	spin_lock_irqsave(&rail->hello_lock, flags);
	if (tbib_rail_is_up(rail))
		h.flags = TBIB_HELLO_F_BOUND;
	h.seen_guid = rail->seen_guid;
	h.seen_generation = rail->seen_gen;
	h.seq = ++rail->tx_seq;
	spin_unlock_irqrestore(&rail->hello_lock, flags);
	h.lid = READ_ONCE(b->lid);
	h.rail_id = rail->id;
	h.mtu = READ_ONCE(rail->mtu);
	h.rate_mbps = READ_ONCE(rail->rate_mbps);
	/* writes all TBIB_HELLO_LEN bytes, the CRC32C last */
	tbib_hello_encode(skb_put(skb, TBIB_HELLO_LEN), TBIB_HELLO_LEN, &h);

	if (!rail->ops->xmit(rail, skb))
		tbib_stat_inc(&rail->stats, TBIB_A_STATS_PROBES_TX);
	else
		tbib_stat_inc(&rail->stats, TBIB_A_STATS_TX_DROP);
}

static void tbib_hello_timer(struct timer_list *t)
{
	struct tbib_rail *rail = timer_container_of(rail, t, hello_timer);
	u8 state = READ_ONCE(rail->oper_state);

	if (state == TBIB_RAIL_STATE_UP &&
	    time_after(jiffies, READ_ONCE(rail->hello_last_rx) +
				tbib_hello_dead_time())) {
		spin_lock(&rail->hello_lock);
		rail->hello_pending |= TBIB_HELLO_PENDING_TIMEOUT;
		spin_unlock(&rail->hello_lock);
		queue_work(system_dfl_wq, &rail->hello_work);
	}
	if (state != TBIB_RAIL_STATE_DOWN) {
		rcu_read_lock();
		tbib_hello_send(rail, TBIB_CTL_HELLO, GFP_ATOMIC);
		rcu_read_unlock();
	}
	mod_timer(&rail->hello_timer, jiffies + tbib_hello_interval(state));
}

void tbib_hello_kick(struct tbib_rail *rail)
{
	if (READ_ONCE(rail->oper_state) == TBIB_RAIL_STATE_DOWN)
		return;
	tbib_hello_send(rail, TBIB_CTL_HELLO, GFP_KERNEL);
}

void tbib_hello_send_bye(struct tbib_rail *rail)
{
	if (READ_ONCE(rail->oper_state) == TBIB_RAIL_STATE_DOWN)
		return;
	tbib_hello_send(rail, TBIB_CTL_BYE, GFP_KERNEL);
}

void tbib_hello_announce(struct tbib_bond *b)
{
	struct tbib_rail *rail;

	lockdep_assert_held(&tbib_cfg_lock);
	list_for_each_entry(rail, &b->rails.list, node)
		tbib_hello_kick(rail);
}

void tbib_hello_reset(struct tbib_rail *rail)
{
	lockdep_assert_held(&tbib_cfg_lock);

	spin_lock_bh(&rail->hello_lock);
	memset(&rail->cand, 0, sizeof(rail->cand));
	rail->seen_guid = 0;
	rail->seen_gen = 0;
	rail->hello_pending &= ~TBIB_HELLO_PENDING_TIMEOUT;
	spin_unlock_bh(&rail->hello_lock);
	WRITE_ONCE(rail->dst_addr, rail->peer_mac);
	WRITE_ONCE(rail->peer_link_mtu, 0);
	WRITE_ONCE(rail->peer_rail_id, 0);
	WRITE_ONCE(rail->peer_up, false);
}

/* Does HELLO @c say its sender takes transport frames on this link? */
static bool tbib_hello_peer_bound(const struct tbib_hello_info *c)
{
	/* a peer that does not tell is taken at its word that it hears us */
	return !(c->caps & TBIB_HELLO_CAP_BOUND) ||
	       (c->flags & TBIB_HELLO_F_BOUND);
}

/* Binds @rail to the candidate @c that hears us; cfg lock held. */
static void tbib_hello_bind(struct tbib_rail *rail,
			    const struct tbib_hello_info *c)
{
	struct tbib_bond *b = tbib_rail_bond(rail);
	struct tbib_peer *peer;

	peer = tbib_peer_find_guid(b, c->guid);
	if (peer && peer->generation != c->gen) {
		/* The remote restarted: drop everything bound to its past. */
		tbib_peer_reset(peer);
		peer = NULL;
	}
	if (!peer) {
		peer = tbib_peer_create(b, c->guid, c->gen, c->lid);
		if (!peer)
			return;		/* no memory: the next HELLO retries */
	} else {
		tbib_peer_set_lid(peer, c->lid);
	}
	if (tbib_peer_add_rail(peer, rail)) {
		/* Deletes the peer again if it has no other rail. */
		tbib_peer_del_rail(peer, rail);
		return;
	}
	WRITE_ONCE(rail->peer_rail_id, c->rail_id);
	WRITE_ONCE(rail->peer_link_mtu, c->mtu);
	WRITE_ONCE(rail->dst_addr, c->addr);
	WRITE_ONCE(rail->hello_last_rx, jiffies);
	WRITE_ONCE(rail->peer_up, tbib_hello_peer_bound(c));
	rcu_assign_pointer(rail->peer, peer);
	tbib_rail_set_state(rail, TBIB_RAIL_STATE_UP, TBIB_RAIL_WHY_BOUND);
	/* Answer at once: the other end may still wait to hear its name. */
	tbib_hello_kick(rail);
}

/* A HELLO that needs a decision; cfg lock held. */
static void tbib_hello_handle(struct tbib_rail *rail,
			      const struct tbib_hello_info *c)
{
	struct tbib_peer *peer;
	bool new_cand;

	if (rail->oper_state == TBIB_RAIL_STATE_DOWN)
		return;

	peer = rcu_dereference_protected(rail->peer,
					 lockdep_is_held(&tbib_cfg_lock));
	if (rail->oper_state == TBIB_RAIL_STATE_UP && peer) {
		if (c->guid != peer->guid) {
			/* Someone else on a shared segment: ignore. */
			tbib_stat_inc(&rail->stats,
				      TBIB_A_STATS_RX_DROP_PEER);
			return;
		}
		if (c->gen != peer->generation) {
			/* The peer restarted: all its rails must rebind. */
			tbib_peer_reset(peer);
		} else if (!c->heard_us) {
			/* It lost us (its keepalive timer fired): re-probe. */
			tbib_rail_set_state(rail, TBIB_RAIL_STATE_PROBING,
					    TBIB_RAIL_WHY_PEER_LOST_US);
		} else {
			/* Alive and well: follow what it announces. */
			tbib_peer_set_lid(peer, c->lid);
			WRITE_ONCE(rail->peer_rail_id, c->rail_id);
			WRITE_ONCE(rail->peer_link_mtu, c->mtu);
			WRITE_ONCE(rail->dst_addr, c->addr);
			WRITE_ONCE(rail->hello_last_rx, jiffies);
			if (tbib_hello_peer_bound(c)) {
				tbib_rail_set_peer_up(rail, true);
			} else if (rail->peer_up) {
				/*
				 * It went back to probing and found us again
				 * (its HELLO that did not name us was lost):
				 * stop sending until it binds, and name it now
				 * so it does.
				 */
				tbib_rail_set_peer_up(rail, false);
				tbib_hello_kick(rail);
			}
			return;
		}
	}

	/* PROBING: the sender becomes the candidate we name. */
	spin_lock_bh(&rail->hello_lock);
	new_cand = rail->seen_guid != c->guid || rail->seen_gen != c->gen;
	rail->seen_guid = c->guid;
	rail->seen_gen = c->gen;
	spin_unlock_bh(&rail->hello_lock);
	WRITE_ONCE(rail->dst_addr, c->addr);

	if (c->heard_us)
		tbib_hello_bind(rail, c);
	else if (new_cand)
		tbib_hello_kick(rail);	/* tell it at once that we hear it */
}

static void tbib_hello_work(struct work_struct *work)
{
	struct tbib_rail *rail = container_of(work, struct tbib_rail,
					      hello_work);
	struct tbib_hello_info cand, bye;
	struct tbib_peer *peer;
	u32 pending;

	mutex_lock(&tbib_cfg_lock);
	if (rail->dead)
		goto out;

	spin_lock_bh(&rail->hello_lock);
	pending = rail->hello_pending;
	rail->hello_pending = 0;
	cand = rail->cand;
	bye = rail->bye;
	spin_unlock_bh(&rail->hello_lock);

	peer = rcu_dereference_protected(rail->peer,
					 lockdep_is_held(&tbib_cfg_lock));

	if ((pending & TBIB_HELLO_PENDING_BYE) && peer &&
	    bye.guid == peer->guid && bye.gen == peer->generation) {
		tbib_rail_set_state(rail, TBIB_RAIL_STATE_PROBING,
				    TBIB_RAIL_WHY_BYE);
		peer = NULL;
		/* A HELLO of the same instance sent before its BYE is stale. */
		if (cand.guid == bye.guid && cand.gen == bye.gen &&
		    !tbib_hello_newer(cand.caps, cand.rail_id, cand.seq,
				      bye.caps, bye.rail_id, bye.seq))
			pending &= ~TBIB_HELLO_PENDING_HELLO;
	}
	if ((pending & TBIB_HELLO_PENDING_TIMEOUT) && peer &&
	    time_after(jiffies, READ_ONCE(rail->hello_last_rx) +
				tbib_hello_dead_time())) {
		pr_info("tbib: %s: rail %u: peer %016llx silent, re-probing\n",
			tbib_rail_set_name(rail->set), rail->id, peer->guid);
		tbib_rail_set_state(rail, TBIB_RAIL_STATE_PROBING,
				    TBIB_RAIL_WHY_KEEPALIVE);
	}
	if (pending & TBIB_HELLO_PENDING_HELLO)
		tbib_hello_handle(rail, &cand);
out:
	mutex_unlock(&tbib_cfg_lock);
}

/*
 * Copies and checks a control frame: 0, or the counter of the reason it
 * must be dropped.
 */
static int tbib_hello_parse(struct sk_buff *skb, struct tbib_hello_fields *f)
{
	u8 buf[TBIB_HELLO_LEN];
	int err;

	/* the decoder reads no byte past TBIB_HELLO_LEN */
	if (skb_copy_bits(skb, 0, buf,
			  min_t(unsigned int, skb->len, sizeof(buf))))
		return TBIB_A_STATS_RX_DROP_MALFORMED;
	err = tbib_hello_decode(buf, skb->len, f);
	if (!err)
		return 0;
	return err == TBIB_HELLO_ERR_CRC ? TBIB_A_STATS_RX_DROP_CSUM :
					   TBIB_A_STATS_RX_DROP_MALFORMED;
}

/*
 * Checks a frame's number against the last numbered frame taken from the
 * same rail of the same peer instance, and records it if it is newer: 0,
 * or the counter of the reason it must be dropped.  Called with
 * hello_lock held, in the section that also stores the frame for the
 * work, so the work always sees the newest.
 */
static int tbib_hello_check_seq(struct tbib_rail *rail,
				const struct tbib_hello_fields *f)
{
	struct tbib_hello_seq_state st = {
		.guid = rail->rx_seq_guid,
		.gen = rail->rx_seq_gen,
		.rail_id = rail->rx_seq_rail,
		.seq = rail->rx_seq,
	};

	switch (tbib_hello_seq_check(&st, f)) {
	case TBIB_HELLO_DROP_STALE:
		return TBIB_A_STATS_RX_DROP_STALE;
	case TBIB_HELLO_DROP_MALFORMED:
		return TBIB_A_STATS_RX_DROP_MALFORMED;
	case TBIB_HELLO_TAKE:
		break;
	}
	rail->rx_seq_guid = st.guid;
	rail->rx_seq_gen = st.gen;
	rail->rx_seq_rail = st.rail_id;
	rail->rx_seq = st.seq;
	return 0;
}

void tbib_hello_rx(struct tbib_rail *rail, struct sk_buff *skb, u64 src)
{
	struct tbib_bond *b = tbib_rail_bond(rail);
	struct tbib_hello_fields h;
	struct tbib_hello_info info;
	struct tbib_peer *peer;
	bool fast = false;
	int bad;
	u8 type;

	bad = tbib_hello_parse(skb, &h);
	if (bad) {
		tbib_stat_inc(&rail->stats, bad);
		goto out;
	}
	type = h.type;
	info.addr = src;
	info.guid = h.guid;
	info.gen = h.generation;
	info.lid = h.lid;
	info.rail_id = h.rail_id;
	info.mtu = h.mtu;
	info.caps = h.caps;
	info.flags = h.flags;
	info.seq = h.seq;
	info.rate_mbps = h.rate_mbps;
	info.heard_us = h.seen_guid == b->guid &&
			h.seen_generation == b->generation;

	/* Our own frame (looped back), or a frame from a foreign MAC. */
	if (info.guid == b->guid ||
	    (rail->peer_mac && src != rail->peer_mac)) {
		tbib_stat_inc(&rail->stats, TBIB_A_STATS_RX_DROP_PEER);
		goto out;
	}

	if (READ_ONCE(rail->oper_state) == TBIB_RAIL_STATE_UP) {
		peer = rcu_dereference(rail->peer);
		fast = type == TBIB_CTL_HELLO && peer && info.heard_us &&
		       info.guid == peer->guid &&
		       info.gen == peer->generation &&
		       info.lid == READ_ONCE(peer->lid) &&
		       info.rail_id == READ_ONCE(rail->peer_rail_id) &&
		       src == READ_ONCE(rail->dst_addr) &&
		       info.mtu == READ_ONCE(rail->peer_link_mtu) &&
		       READ_ONCE(rail->peer_up) == tbib_hello_peer_bound(&info);
	}

	spin_lock(&rail->hello_lock);
	bad = tbib_hello_check_seq(rail, &h);
	if (bad) {
		spin_unlock(&rail->hello_lock);
		tbib_stat_inc(&rail->stats, bad);
		goto out;
	}
	if (fast) {
		/* Keepalive of the bound peer: the only thing to do. */
		WRITE_ONCE(rail->hello_last_rx, jiffies);
	} else if (type == TBIB_CTL_BYE) {
		rail->bye = info;
		rail->hello_pending |= TBIB_HELLO_PENDING_BYE;
	} else {
		rail->cand = info;
		rail->hello_pending |= TBIB_HELLO_PENDING_HELLO;
	}
	spin_unlock(&rail->hello_lock);
	tbib_stat_inc(&rail->stats, TBIB_A_STATS_PROBES_RX);
	if (!fast)
		queue_work(system_dfl_wq, &rail->hello_work);
out:
	kfree_skb(skb);
}

void tbib_hello_init(struct tbib_rail *rail)
{
	spin_lock_init(&rail->hello_lock);
	timer_setup(&rail->hello_timer, tbib_hello_timer, 0);
	INIT_WORK(&rail->hello_work, tbib_hello_work);
}

void tbib_hello_start(struct tbib_rail *rail)
{
	mod_timer(&rail->hello_timer, jiffies + 1);
}

void tbib_hello_stop(struct tbib_rail *rail)
{
	/* The timer re-arms itself: shut it down for good first. */
	timer_shutdown_sync(&rail->hello_timer);
}
