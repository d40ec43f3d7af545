// SPDX-License-Identifier: GPL-2.0
/*
 * Spraying: every packet to a peer goes to the rail expected to finish it
 * first (DESIGN.md 7), chosen by the portable scheduler (sched.c) that
 * each peer owns here; plus the frame helpers shared by the requester and
 * the responder.
 *
 * Rail slots.  The sender tracker and the scheduler index rails 0..15.  A
 * rail gets the lowest free slot of its device when the transport first
 * hears of it and keeps it until it is removed; rail->spray_slot holds
 * slot + 1 (0: none, e.g. a 17th rail, which then carries no transport
 * traffic).
 *
 * Queued bytes.  The scheduler wants to know what each rail still has to
 * send.  A rail's queue drains at its rate, so the backlog is modelled as
 * a fluid: before each pick, what the rail can have sent since the last
 * pick at its effective rate is taken off.  Links that are slower than
 * announced are skipped while their transmit queue is stopped.
 *
 * In-flight bytes.  Packets the peer acknowledges (RC requests) are not
 * modelled: each flow (an RC requester) tells the scheduler what its
 * sender tracker has in flight on each rail (struct tbib_spray_flow, the
 * share it reported), at the send and again after every change of its
 * tracker (tbib_spray_flow_sync).  A report belongs to one tbib_tpeer,
 * recognised by pointer and generation, so a peer that went and came
 * back starts from a clean slate.
 *
 * Per-peer state (struct tbib_tpeer, peer->tp) is created when the
 * first rail to the peer comes up and freed (after an RCU grace period)
 * when the peer goes, both under the cfg lock; the data path reads it
 * under RCU and may find it NULL.  tpeer->lock serialises the scheduler.
 */

#include <linux/netdevice.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "bond/spray.h"
#include "bond/sched.h"
#include "bond/txtrack.h"
#include "bond/peer.h"
#include "rail/rail.h"
#include "bond/trace.h"

struct tbib_tpeer {
	spinlock_t lock;
	u64 gen;			/* tells reincarnations apart */
	struct tbib_sched sched;
	u64 drain_ns[TBIB_MAX_RAILS];
	struct tbib_rail __rcu *rail[TBIB_MAX_RAILS];
	u64 srtt_ns;			/* a QP's latest; READ_ONCE/WRITE_ONCE */
	struct rcu_head rcu;
};

static atomic64_t tbib_tpeer_gen = ATOMIC64_INIT(0);

void tbib_spray_slot_release(struct tbib_rail *rail)
{
	lockdep_assert_held(&tbib_cfg_lock);
	WRITE_ONCE(rail->spray_slot, 0);
}

int tbib_spray_slot(const struct tbib_rail *rail)
{
	int v = READ_ONCE(rail->spray_slot);

	return v ? v - 1 : -1;
}

/* cfg lock held */
static void tbib_spray_assign_slot(struct tbib_rail *rail)
{
	struct tbib_rail *r;
	u32 used = 0;
	int s;

	if (rail->spray_slot)
		return;
	list_for_each_entry(r, &tbib_rail_bond(rail)->rails.list, node) {
		s = tbib_spray_slot(r);
		if (s >= 0)
			used |= 1U << s;
	}
	for (s = 0; s < TBIB_MAX_RAILS; s++) {
		if (!(used & (1U << s))) {
			WRITE_ONCE(rail->spray_slot, s + 1);
			return;
		}
	}
	pr_warn_once("tbib: %s: more than %d rails, rail %u carries no traffic\n",
		     tbib_rail_set_name(rail->set), TBIB_MAX_RAILS, rail->id);
}

static u64 tbib_rail_kbps(const struct tbib_rail *rail)
{
	return min_t(u64, READ_ONCE(rail->rate_mbps) * 1000,
		     TBIB_SCHED_MAX_KBPS);
}

/* Bring @tp in line with the rails the peer has now; cfg lock held. */
static void tbib_spray_sync(struct tbib_peer *peer, struct tbib_tpeer *tp)
{
	struct tbib_peer_rails *pr;
	struct tbib_rail *rail, *old;
	bool present[TBIB_MAX_RAILS] = { };
	unsigned int i;
	int s;

	pr = rcu_dereference_protected(peer->rails,
				       lockdep_is_held(&tbib_cfg_lock));
	spin_lock_bh(&tp->lock);
	for (i = 0; i < pr->num; i++) {
		rail = pr->rail[i];
		s = tbib_spray_slot(rail);
		/* not before the other end takes transport frames too */
		if (s < 0 || !rail->peer_up)
			continue;
		present[s] = true;
		old = rcu_dereference_protected(tp->rail[s],
						lockdep_is_held(&tbib_cfg_lock));
		if (old != rail) {
			tbib_sched_rail_add(&tp->sched, s, tbib_rail_kbps(rail),
					    rail->weight,
					    tbib_rail_path_mtu(rail));
			tp->drain_ns[s] = ktime_get_ns();
			rcu_assign_pointer(tp->rail[s], rail);
		} else {
			tbib_sched_set_weight(&tp->sched, s, rail->weight);
			tbib_sched_set_link(&tp->sched, s, tbib_rail_kbps(rail));
			tbib_sched_set_mtu(&tp->sched, s,
					   tbib_rail_path_mtu(rail));
		}
	}
	for (s = 0; s < TBIB_MAX_RAILS; s++) {
		if (present[s] || !rcu_access_pointer(tp->rail[s]))
			continue;
		tbib_sched_rail_del(&tp->sched, s);
		RCU_INIT_POINTER(tp->rail[s], NULL);
	}
	spin_unlock_bh(&tp->lock);
}

void tbib_spray_rail_changed(struct tbib_rail *rail)
{
	struct tbib_bond *b = tbib_rail_bond(rail);
	struct tbib_peer *peer;
	struct tbib_tpeer *tp;

	lockdep_assert_held(&tbib_cfg_lock);

	if (!rail->dead)
		tbib_spray_assign_slot(rail);

	/* Every peer drops the rails it no longer has, the bound one gains. */
	list_for_each_entry(peer, &b->peers, node) {
		tp = peer->tp;
		if (!tp && rcu_access_pointer(rail->peer) == peer &&
		    tbib_rail_is_up(rail)) {
			tp = kzalloc(sizeof(*tp), GFP_KERNEL);
			if (!tp)
				continue;	/* the peer stays unusable */
			spin_lock_init(&tp->lock);
			tp->gen = atomic64_inc_return(&tbib_tpeer_gen);
			tbib_sched_init(&tp->sched);
			WRITE_ONCE(peer->tp, tp);
		}
		if (tp)
			tbib_spray_sync(peer, tp);
	}
}

void tbib_spray_peer_gone(struct tbib_peer *peer)
{
	struct tbib_tpeer *tp = peer->tp;

	lockdep_assert_held(&tbib_cfg_lock);
	if (!tp)
		return;
	WRITE_ONCE(peer->tp, NULL);
	kfree_rcu(tp, rcu);
}

/*
 * /sys/kernel/debug/tbib/sched: each peer's scheduler, a line per rail
 * slot: what it believes of the rail (nominal and measured rate, weight)
 * and what it has on it.  Takes the cfg lock, so peers and tpeers stay.
 */
void tbib_spray_show(struct seq_file *m)
{
	struct tbib_peer *peer;
	struct tbib_tpeer *tp;
	struct tbib_bond *b;
	unsigned int s;

	mutex_lock(&tbib_cfg_lock);
	list_for_each_entry(b, &tbib_bonds, node) {
		list_for_each_entry(peer, &b->peers, node) {
			tp = peer->tp;
			if (!tp)
				continue;
			seq_printf(m, "%s peer lid %u\n", tbib_bond_name(b),
				   peer->lid);
			spin_lock_bh(&tp->lock);
			for (s = 0; s < TBIB_MAX_RAILS; s++) {
				const struct tbib_sched_rail *r =
					&tp->sched.rail[s];

				if (!r->present)
					continue;
				seq_printf(m, "  slot %u up %d weight %u link_kbps %llu meas_kbps %llu eff_kbps %llu queued %llu inflight %llu slow_ticks %u picked %llu/%llu\n",
					   s, r->up, r->weight, r->link_kbps,
					   r->meas_kbps,
					   tbib_sched_eff_kbps(&tp->sched, s),
					   r->queued, r->inflight,
					   r->slow_ticks, r->picked_bytes,
					   r->picked_pkts);
			}
			spin_unlock_bh(&tp->lock);
		}
	}
	mutex_unlock(&tbib_cfg_lock);
}

struct tbib_peer *tbib_spray_peer(struct tbib_bond *b, u32 lid)
{
	struct tbib_peer *self = rcu_dereference(b->self_peer);

	/* our own LID loops back, even if a peer claims it too */
	if (self && lid == READ_ONCE(b->lid))
		return self;
	return tbib_peer_find_lid_rcu(b, lid);
}

int tbib_spray_self_init(struct tbib_peer *self, struct tbib_rail *loop)
{
	struct tbib_tpeer *tp;

	lockdep_assert_held(&tbib_cfg_lock);
	tp = kzalloc(sizeof(*tp), GFP_KERNEL);
	if (!tp)
		return -ENOMEM;
	spin_lock_init(&tp->lock);
	tp->gen = atomic64_inc_return(&tbib_tpeer_gen);
	tbib_sched_init(&tp->sched);
	/* its own slot space: the self peer has this one rail only */
	WRITE_ONCE(loop->spray_slot, 1);
	self->tp = tp;
	tbib_spray_sync(self, tp);
	return 0;
}

/*
 * The round trip to a peer as its QPs measure it, for a new QP that has
 * no sample of its own yet: without one it has no tail loss probe, and
 * the first loss it meets waits for the QP's IB timeout (seconds with
 * perftest's -u 19).  Stored only on a change of an eighth or more, so
 * QPs sending side by side do not pull the cache line to and fro.
 */
void tbib_spray_rtt_note(struct tbib_peer *peer, u64 srtt_ns)
{
	struct tbib_tpeer *tp = READ_ONCE(peer->tp);
	u64 old;

	if (!tp)
		return;
	old = READ_ONCE(tp->srtt_ns);
	if (srtt_ns > old + old / 8 || srtt_ns < old - old / 8)
		WRITE_ONCE(tp->srtt_ns, srtt_ns);
}

u64 tbib_spray_rtt_hint(struct tbib_peer *peer)
{
	struct tbib_tpeer *tp = READ_ONCE(peer->tp);

	return tp ? READ_ONCE(tp->srtt_ns) : 0;
}

u32 tbib_spray_payload(struct tbib_peer *peer, u32 cap, bool *crc)
{
	struct tbib_peer_rails *pr = rcu_dereference(peer->rails);
	unsigned int i, n = READ_ONCE(pr->num);
	u32 mtu = 0, m;

	*crc = false;
	for (i = 0; i < n; i++) {
		struct tbib_rail *rail = READ_ONCE(pr->rail[i]);

		if (!rail || tbib_spray_slot(rail) < 0)
			continue;
		m = tbib_rail_path_mtu(rail);
		if (!mtu || m < mtu)
			mtu = m;
		if (READ_ONCE(rail->csum))
			*crc = true;
	}
	if (mtu <= TBIB_PKT_OVERHEAD)
		return 0;
	m = mtu - TBIB_PKT_OVERHEAD;
	m = min3(m, TBIB_WIRE_MAX_PAYLOAD, cap);
	/* Whole cache lines: cheaper copies on both ends. */
	return m > 64 ? m & ~63U : m;
}

int tbib_spray_rail_id(struct tbib_peer *peer, int slot)
{
	struct tbib_tpeer *tp = READ_ONCE(peer->tp);
	struct tbib_rail *rail;

	if (!tp || slot < 0 || slot >= TBIB_MAX_RAILS)
		return -1;
	rail = rcu_dereference(tp->rail[slot]);
	return rail ? (int)rail->id : -1;
}

/* The rail for @bytes; tp->lock held. */
static int tbib_spray_pick(struct tbib_tpeer *tp, u32 bytes, u32 excl)
{
	struct tbib_sched *s = &tp->sched;
	u64 now = ktime_get_ns();
	unsigned int r;

	for (r = 0; r < TBIB_MAX_RAILS; r++) {
		struct tbib_sched_rail *sr = &s->rail[r];
		u64 drained;

		if (!sr->present)
			continue;
		if (sr->queued) {
			/* kbit/s * ns / 8e6 = bytes */
			drained = div64_u64((now - tp->drain_ns[r]) *
					    tbib_sched_eff_kbps(s, r),
					    8000000ULL);
			if (drained) {
				tbib_sched_completed(s, r,
						     min_t(u64, drained,
							   sr->queued));
				tp->drain_ns[r] = now;
			}
		} else {
			tp->drain_ns[r] = now;
		}
	}
	tbib_sched_tick(s, now);
	return tbib_sched_pick_excl(s, bytes, excl);
}

/* Does @f's in-flight report belong to @tp and @lid?  Forget it if not. */
static void tbib_spray_bind(struct tbib_spray_flow *f, u32 lid,
			    struct tbib_tpeer *tp)
{
	if (f->tp == tp && f->gen == tp->gen && f->lid == lid)
		return;
	memset(f->rep, 0, sizeof(f->rep));
	f->tp = tp;
	f->gen = tp->gen;
	f->lid = lid;
}

/* Send for @f (NULL: a packet nobody acknowledges); see tbib_spray_xmit. */
static int tbib_spray_send(struct tbib_peer *peer, struct sk_buff *skb,
			   u32 excl, struct tbib_spray_flow *f, u32 lid)
{
	struct tbib_tpeer *tp = READ_ONCE(peer->tp);
	struct tbib_rail *rail = NULL;
	u32 len = skb->len, stopped = 0;
	int slot = -ENOLINK, r;

	if (unlikely(!tp)) {
		kfree_skb(skb);
		return -ENOLINK;
	}
	spin_lock(&tp->lock);
	/*
	 * A rail whose link queue is stopped is marked and the pick redone;
	 * the marks are a hint for this packet only.
	 */
	while (!rail) {
		slot = tbib_spray_pick(tp, len, excl);
		if (slot < 0)
			break;
		rail = rcu_dereference(tp->rail[slot]);
		if (!rail) {
			slot = -ENOLINK;
			break;
		}
		if (rail->ops->tx_busy && rail->ops->tx_busy(rail)) {
			tbib_sched_set_stopped(&tp->sched, slot, true);
			stopped |= 1U << slot;
			rail = NULL;
		}
	}
	if (rail && f) {
		/* the tracker records the same bytes right after */
		tbib_spray_bind(f, lid, tp);
		tbib_sched_sent(&tp->sched, slot, len);
		f->rep[slot] += len;
	} else if (rail) {
		tbib_sched_queued(&tp->sched, slot, len);
	}
	for (r = 0; stopped; r++, stopped >>= 1)
		if (stopped & 1)
			tbib_sched_set_stopped(&tp->sched, r, false);
	spin_unlock(&tp->lock);

	if (!rail) {
		kfree_skb(skb);
		return slot < 0 ? slot : -ENOLINK;
	}
	trace_tbib_tx(rail, skb);
	if (tbib_rail_xmit(rail, skb))
		return -ENOBUFS;
	tbib_stat_inc(&peer->stats, TBIB_A_STATS_TX_PACKETS);
	tbib_stat_add(&peer->stats, TBIB_A_STATS_TX_BYTES, len);
	return slot;
}

int tbib_spray_xmit(struct tbib_peer *peer, struct sk_buff *skb, u32 excl)
{
	return tbib_spray_send(peer, skb, excl, NULL, 0);
}

int tbib_spray_xmit_tracked(struct tbib_spray_flow *f, u32 dlid,
			    struct tbib_peer *peer, struct sk_buff *skb,
			    u32 excl)
{
	return tbib_spray_send(peer, skb, excl, f, dlid);
}

void tbib_spray_flow_sync(struct tbib_bond *b, struct tbib_spray_flow *f,
			  u32 dlid, const struct tbib_txtrack *tt, bool live)
{
	struct tbib_tpeer *tp = NULL;
	struct tbib_peer *peer;
	unsigned int r;
	u32 want;

	live = live && tt;
	rcu_read_lock();
	if (f->tp) {
		/* the peer the report went to, if it is still the same */
		peer = tbib_spray_peer(b, f->lid);
		tp = peer ? READ_ONCE(peer->tp) : NULL;
		if (tp != f->tp || tp->gen != f->gen)
			tp = NULL;
	}
	if (tp && (!live || f->lid != dlid)) {
		/* withdraw everything from the old peer */
		spin_lock_bh(&tp->lock);
		for (r = 0; r < TBIB_MAX_RAILS; r++)
			if (f->rep[r])
				tbib_sched_inflight_sub(&tp->sched, r,
							f->rep[r]);
		spin_unlock_bh(&tp->lock);
		tp = NULL;
	}
	if (!tp) {
		memset(f->rep, 0, sizeof(f->rep));
		f->tp = NULL;
		if (!live)
			goto out;
		peer = tbib_spray_peer(b, dlid);
		tp = peer ? READ_ONCE(peer->tp) : NULL;
		if (!tp)
			goto out;
		tbib_spray_bind(f, dlid, tp);
	}
	spin_lock_bh(&tp->lock);
	for (r = 0; r < TBIB_MAX_RAILS; r++) {
		want = tt->rail[r].bytes;
		if (want > f->rep[r])
			tbib_sched_inflight_add(&tp->sched, r,
						want - f->rep[r]);
		else if (want < f->rep[r])
			tbib_sched_inflight_sub(&tp->sched, r,
						f->rep[r] - want);
		f->rep[r] = want;
	}
	spin_unlock_bh(&tp->lock);
out:
	rcu_read_unlock();
}

/*
 * Copy @paylen bytes into the payload of @skb (after @hdr_len header
 * bytes, in the linear part or the fragments tbib_frame_alloc made) with
 * @fill, piece by piece.
 */
int tbib_frame_fill(struct sk_buff *skb, u32 hdr_len, u32 paylen,
		    int (*fill)(void *ctx, void *buf, u32 len), void *ctx)
{
	unsigned int i;
	int err;

	if (!skb_shinfo(skb)->nr_frags)
		return paylen ? fill(ctx, skb->data + hdr_len, paylen) : 0;
	for (i = 0; paylen && i < skb_shinfo(skb)->nr_frags; i++) {
		skb_frag_t *f = &skb_shinfo(skb)->frags[i];
		u32 n = min_t(u32, paylen, skb_frag_size(f));

		err = fill(ctx, skb_frag_address(f), n);
		if (err)
			return err;
		paylen -= n;
	}
	return paylen ? -EINVAL : 0;
}

struct sk_buff *tbib_frame_alloc(u32 hdr_len, u32 paylen, bool crc)
{
	u32 tail = paylen + (crc ? TBIB_CRC_LEN : 0);
	struct sk_buff *skb;

	/* Small frames stay linear; big payloads go to page fragments. */
	if (paylen <= 256) {
		skb = alloc_skb(TBIB_HEADROOM + hdr_len + tail, GFP_ATOMIC);
		if (!skb)
			return NULL;
		skb_reserve(skb, TBIB_HEADROOM);
		skb_put(skb, hdr_len + tail);
		return skb;
	}
	if (DIV_ROUND_UP(tail, PAGE_SIZE) > MAX_SKB_FRAGS)
		return NULL;
	skb = alloc_skb(TBIB_HEADROOM + hdr_len, GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, TBIB_HEADROOM);
	skb_put(skb, hdr_len);
	while (tail) {
		u32 n = min_t(u32, tail, PAGE_SIZE);
		struct page *page = alloc_page(GFP_ATOMIC | __GFP_NOWARN);

		if (!page) {
			kfree_skb(skb);
			return NULL;
		}
		skb_add_rx_frag(skb, skb_shinfo(skb)->nr_frags, page, 0, n,
				PAGE_SIZE);
		tail -= n;
	}
	return skb;
}

u32 tbib_skb_crc32c(const struct sk_buff *skb, u32 len)
{
	struct skb_seq_state st;
	const u8 *data;
	u32 crc = ~0U, consumed = 0, n;

	skb_prepare_seq_read((struct sk_buff *)skb, 0, len, &st);
	while (consumed < len && (n = skb_seq_read(consumed, &data, &st))) {
		/* a block may run past the end asked for */
		n = min(n, len - consumed);
		crc = tbib_crc32c_raw(crc, data, n);
		consumed += n;
	}
	skb_abort_seq_read(&st);
	return ~crc;
}

int tbib_frame_finish(struct sk_buff *skb, const struct tbib_pkt *p)
{
	u32 covered;
	__be32 crc;
	int len;

	len = tbib_wire_encode_hdr(skb->data, skb_headlen(skb), p);
	if (len < 0)
		return len;
	if (!(p->bth.flags & TBIB_F_CRC))
		return 0;
	covered = len + p->bth.paylen;
	crc = cpu_to_be32(tbib_skb_crc32c(skb, covered));
	return skb_store_bits(skb, covered, &crc, sizeof(crc));
}
