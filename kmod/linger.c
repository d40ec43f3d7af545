// SPDX-License-Identifier: GPL-2.0
/*
 * Final ACKs of stopped RC responders: see linger.h.
 *
 * The table is small and per device; the oldest entry is overwritten
 * first, so a burst of short-lived QPs only shortens how long each one
 * lingers.  Lookups happen only for frames that found no live QP, which
 * are rare, so a linear scan under one lock is enough.
 */

#include <linux/jiffies.h>
#include <linux/string.h>

#include "kmod/conn.h"
#include "kmod/linger.h"
#include "bond/psn.h"
#include "rail/stats.h"

void tbib_linger_init(struct tbib_linger *l)
{
	spin_lock_init(&l->lock);
	l->next = 0;
	memset(l->ent, 0, sizeof(l->ent));
}

void tbib_linger_note(struct tbib_conn *c)
{
	struct tbib_linger *l = &c->dev->linger;
	struct tbib_linger_ent *e;
	struct tbib_sack s;
	unsigned long exp;

	lockdep_assert_held(&c->lock);
	if (c->type != IB_QPT_RC || !c->rw)
		return;
	/*
	 * An ACK still waiting for its coalescing timer goes now: the timer
	 * is about to be cancelled.  Not while an RNR NAK holds them back,
	 * nor after the fatal NAK.
	 */
	if (c->ack_pending && !c->rnr_hold && !c->rx_err) {
		rcu_read_lock();
		tbib_ack_send(c, tbib_spray_peer(&c->dev->bond, c->dlid),
			      tbib_aeth_ack(0));
		rcu_read_unlock();
	}
	tbib_rxwin_sack(c->rw, &s);
	if (c->rx_err)
		s.cum = c->err_psn;
	exp = jiffies + msecs_to_jiffies(TBIB_LINGER_MS);

	spin_lock_bh(&l->lock);
	e = &l->ent[l->next];
	l->next = (l->next + 1) % TBIB_LINGER_SLOTS;
	e->expires = exp ? exp : 1;
	e->qpn = c->qpn;
	e->dlid = c->dlid;
	e->dqpn = c->dqpn;
	e->gen = c->gen_rx;
	e->cum = s.cum;
	e->msn = c->msn;
	e->epoch = s.epoch;
	e->nak = c->rx_err ? c->err_syndrome : 0;
	spin_unlock_bh(&l->lock);
}

bool tbib_linger_failed_match(u32 err_psn, u32 psn)
{
	s32 d = tbib_psn_diff(psn, err_psn);

	return d > -TBIB_CONN_WIN && d < TBIB_CONN_WIN;
}

bool tbib_linger_rx(struct tbib_dev *dev, struct tbib_peer *peer,
		    const struct tbib_pkt *p)
{
	const struct tbib_op_info *op = tbib_wire_op_info(p->bth.opcode);
	struct tbib_linger *l = &dev->linger;
	struct tbib_linger_ent *e, found;
	struct tbib_pkt a;
	bool hit = false;
	s32 behind;
	int i;

	if (p->bth.dlid != READ_ONCE(dev->bond.lid) ||
	    !op || !(op->flags & TBIB_OPF_REQ) ||
	    p->bth.opcode == TBIB_OP_UD_SEND_ONLY ||
	    p->bth.opcode == TBIB_OP_UD_SEND_ONLY_IMM)
		return false;

	spin_lock_bh(&l->lock);
	for (i = 0; i < TBIB_LINGER_SLOTS; i++) {
		e = &l->ent[i];
		if (!e->expires || time_after(jiffies, e->expires)) {
			e->expires = 0;
			continue;
		}
		if (e->qpn != p->bth.dqpn || e->dqpn != p->bth.sqpn ||
		    e->dlid != p->bth.slid || e->gen != p->bth.gen)
			continue;
		found = *e;
		hit = true;
		break;
	}
	spin_unlock_bh(&l->lock);
	if (!hit)
		return false;

	memset(&a, 0, sizeof(a));
	a.bth.opcode = TBIB_OP_ACK;
	a.bth.dlid = found.dlid;
	a.bth.slid = READ_ONCE(dev->bond.lid);
	a.bth.dqpn = found.dqpn;
	a.bth.sqpn = found.qpn;
	a.bth.gen = found.gen;
	a.sack.cum = found.cum;
	a.sack.latest = tbib_psn_sub(found.cum, 1);
	a.sack.epoch = found.epoch;
	a.aeth.msn = found.msn & TBIB_MSN_MASK;
	if (found.nak) {
		/* the NAK again, as tbib_ack_send_nak() sent it */
		if (!tbib_linger_failed_match(found.cum, p->bth.psn))
			return false;
		a.bth.psn = found.cum;
		a.aeth.syndrome = found.nak;
	} else {
		/*
		 * Only requests that wrote or delivered data, that the QP had
		 * received, no older than its window: the answer to a
		 * duplicate READ or atomic is data we no longer have.
		 */
		behind = tbib_psn_diff(found.cum, p->bth.psn);
		if (!(op->flags & TBIB_OPF_PAYLOAD) ||
		    behind <= 0 || behind > TBIB_CONN_WIN)
			return false;
		a.bth.psn = tbib_psn_sub(found.cum, 1);
		a.aeth.syndrome = tbib_aeth_ack(0);
	}
	if (tbib_send_hdr_only(peer, &a))
		return false;
	tbib_stat_inc(&dev->stats, TBIB_A_STATS_TX_LINGER_ACK);
	return true;
}
