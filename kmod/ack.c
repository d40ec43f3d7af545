// SPDX-License-Identifier: GPL-2.0
/*
 * Acknowledgements of the responder (RC): cumulative PSN + selective
 * bitmap of what the reorder window holds, coalesced.
 *
 * An ACK goes out
 *   - at once when a packet asks for it (ACKREQ: the requester sets it on
 *     the last packet of a signaled message and when its window fills),
 *     for a duplicate (the requester is retransmitting: tell it what we
 *     have), when a packet lands outside the window, and with every NAK;
 *   - after tbib_ack_every packets otherwise;
 *   - else tbib_ack_delay_us after the first unacknowledged packet.
 * The decision is taken at the end of a receive batch (tbib_ack_flush),
 * so a burst of in-order packets popped from the window costs one ACK.
 *
 * For UC the same timer watches gaps in the window instead: nothing will
 * ever fill them, so after tbib_uc_gap_ms the message is given up.
 */

#include "kmod/conn.h"
#include "bond/psn.h"

void tbib_pkt_init(struct tbib_conn *c, struct tbib_pkt *p, u8 opcode,
		   bool response)
{
	memset(p, 0, sizeof(*p));
	p->bth.opcode = opcode;
	p->bth.dlid = c->dlid;
	p->bth.slid = READ_ONCE(c->dev->bond.lid);
	p->bth.dqpn = c->dqpn;
	p->bth.sqpn = c->qpn;
	p->bth.gen = response ? c->gen_rx : c->gen_tx;
}

int tbib_send_hdr_only(struct tbib_peer *peer, struct tbib_pkt *p)
{
	struct sk_buff *skb;
	bool crc;
	int len;

	if (!peer || !tbib_conn_payload(peer, &crc))
		return -ENOLINK;
	if (crc)
		p->bth.flags |= TBIB_F_CRC;
	len = tbib_wire_hdr_len(p);
	if (len < 0)
		return len;
	skb = tbib_frame_alloc(len, 0, crc);
	if (!skb)
		return -ENOMEM;
	if (tbib_frame_finish(skb, p)) {
		kfree_skb(skb);
		return -EINVAL;
	}
	len = tbib_spray_xmit(peer, skb, 0);
	return len < 0 ? len : 0;
}

static void tbib_ack_sent(struct tbib_conn *c)
{
	c->ack_pending = 0;
	c->ack_now = false;
}

void tbib_ack_send(struct tbib_conn *c, struct tbib_peer *peer, u8 syndrome)
{
	struct tbib_pkt p;

	tbib_pkt_init(c, &p, TBIB_OP_ACK, true);
	tbib_rxwin_sack(c->rw, &p.sack);
	p.bth.psn = tbib_psn_sub(p.sack.cum, 1);
	p.aeth.syndrome = syndrome;
	p.aeth.msn = c->msn & TBIB_MSN_MASK;
	tbib_send_hdr_only(peer, &p);
	tbib_ack_sent(c);
}

/*
 * A NAK names the PSN it refuses: everything before it is acknowledged,
 * nothing after (the requester resends from there, or fails the WQE).
 * With an ACK syndrome it acknowledges what came before @psn only.
 */
void tbib_ack_send_nak(struct tbib_conn *c, struct tbib_peer *peer,
		       u8 syndrome, u32 psn)
{
	struct tbib_pkt p;

	tbib_pkt_init(c, &p, TBIB_OP_ACK, true);
	p.sack.cum = psn;
	p.sack.latest = tbib_psn_sub(psn, 1);
	p.sack.epoch = c->rw->epoch;
	p.bth.psn = psn;
	p.aeth.syndrome = syndrome;
	p.aeth.msn = c->msn & TBIB_MSN_MASK;
	pr_debug("%s qp %u: NAK %#x psn %u epoch %u\n", tbib_dev_name(c->dev),
		 c->qpn, syndrome, psn, p.sack.epoch);
	tbib_send_hdr_only(peer, &p);
	tbib_ack_sent(c);
}

/* RNR NAK of @psn (no receive WQE for it); see tbib_ack_flush(). */
void tbib_ack_send_rnr(struct tbib_conn *c, struct tbib_peer *peer, u32 psn)
{
	tbib_ack_send_nak(c, peer, tbib_aeth_rnr(c->min_rnr_timer), psn);
	c->rnr_nak_ns = ktime_get_ns();
}

void tbib_ack_note(struct tbib_conn *c, bool now)
{
	c->ack_pending++;
	if (now)
		c->ack_now = true;
}

static void tbib_ack_arm(struct tbib_conn *c, u64 ns)
{
	if (!hrtimer_is_queued(&c->ack_timer))
		hrtimer_start(&c->ack_timer, ns_to_ktime(ns),
			      HRTIMER_MODE_REL_SOFT);
}

void tbib_ack_flush(struct tbib_conn *c, struct tbib_peer *peer)
{
	if (c->type == IB_QPT_UC) {
		if (tbib_rxwin_depth(c->rw)) {
			if (!c->gap_ns)
				c->gap_ns = ktime_get_ns();
			tbib_ack_arm(c, (u64)tbib_uc_gap_ms * NSEC_PER_MSEC);
		} else {
			c->gap_ns = 0;
		}
		return;
	}
	if (c->rnr_hold) {
		/*
		 * No plain ACK until the refused PSN comes again (see
		 * tbib_resp_rnr()).  But packets still arriving a whole
		 * minimum retransmit period after the RNR NAK mean the
		 * requester may have lost it, and with it the news of the
		 * new SACK epoch: it would never resend the PSNs from the
		 * refused one on that we SACKed and then dropped, and time
		 * out for ever.  Say it again.
		 */
		if (c->ack_pending &&
		    ktime_get_ns() - c->rnr_nak_ns >=
		    (u64)max(tbib_rto_min_ms, 1U) * NSEC_PER_MSEC)
			tbib_ack_send_rnr(c, peer, c->rw->expected);
		c->ack_pending = 0;
		c->ack_now = false;
		return;
	}
	if (c->ack_now || c->ack_pending >= max(tbib_ack_every, 1U))
		tbib_ack_send(c, peer, tbib_aeth_ack(0));
	else if (c->ack_pending)
		tbib_ack_arm(c, (u64)tbib_ack_delay_us * NSEC_PER_USEC);
}

enum hrtimer_restart tbib_ack_timer_fn(struct hrtimer *t)
{
	struct tbib_conn *c = container_of(t, struct tbib_conn, ack_timer);
	struct tbib_peer *peer;

	spin_lock(&c->lock);
	if (c->rx_on) {
		rcu_read_lock();
		peer = tbib_spray_peer(&c->dev->bond, c->dlid);
		if (c->type == IB_QPT_UC)
			tbib_resp_uc_gap(c, peer);
		else if (c->ack_pending)
			tbib_ack_send(c, peer, tbib_aeth_ack(0));
		rcu_read_unlock();
		/* READ responses that found no rail free (kmod/resp.c) */
		if (c->job_head != c->job_tail)
			tbib_conn_kick(c);
	}
	spin_unlock(&c->lock);
	return HRTIMER_NORESTART;
}
