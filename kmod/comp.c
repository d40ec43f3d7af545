// SPDX-License-Identifier: GPL-2.0
/*
 * Completer (RC requester side): ACKs, NAKs, READ responses and atomic
 * ACKs in; completions out, strictly in send queue order; the retransmit
 * and RNR timers.
 *
 * ACK: cumulative PSN + SACK bitmap applied to the sender tracker, which
 * finds the PSNs lost on their rail (a later PSN on the same FIFO rail
 * was acknowledged) for an immediate resend; frames below the cumulative
 * PSN are freed.  READ responses carry the READ's PSN and their offset:
 * they are placed at once and the covered ranges counted; a READ chunk is
 * complete when every byte arrived.  A READ response or atomic ACK also
 * acknowledges every PSN up to its own (the responder executes in order).
 *
 * A SEND/WRITE WQE completes once its last PSN is acknowledged, a READ
 * or atomic once its data is in, a local operation once it ran.
 *
 * Retransmit timer (tbib_conn_rto_ns): periodic while WQEs are
 * outstanding.  No forward progress for a whole period is a timeout:
 * everything unacknowledged is resent, and after retry_cnt timeouts in a
 * row the oldest WQE completes with IB_WC_RETRY_EXC_ERR.
 *
 * READ data that is missing is asked for again, range by range, in three
 * ways: at once when later responses passed it on every rail (the rails
 * are FIFO: tbib_rd_rails_passed()); by the tail loss probe, the first
 * missing range of the oldest READ only; and when the oldest READ got
 * nothing for a whole period.  READs are answered one after the other,
 * so a READ waiting behind others is never late.
 *
 * RNR NAK: pause for the time the NAK names, then resend from its PSN;
 * after rnr_retry of them in a row (7: forever) IB_WC_RNR_RETRY_EXC_ERR.
 * Other NAKs fail the WQE holding their PSN with the IB status they map
 * to (remote access, invalid request, remote operation) and the QP goes
 * to the error state.
 */

#include "kmod/conn.h"
#include "bond/peer.h"
#include "bond/psn.h"
#include "kmod/trace.h"

/* IB RNR timer encoding (min_rnr_timer, RNR NAK) in microseconds. */
static const u32 tbib_rnr_us[32] = {
	655360, 10, 20, 30, 40, 60, 80, 120, 160, 240, 320, 480, 640, 960,
	1280, 1920, 2560, 3840, 5120, 7680, 10240, 15360, 20480, 30720,
	40960, 61440, 81920, 122880, 163840, 245760, 327680, 491520,
};

void tbib_comp_progress(struct tbib_conn *c)
{
	c->progress_ns = ktime_get_ns();
	c->retries = 0;
	c->probed = false;
}

/*
 * Tail loss probe time: two round trips without any progress.  The
 * round trip is measured from send to the ACK naming the packet as its
 * latest arrival, so it includes the rails' queues and the responder's
 * ACK coalescing; the floor keeps a scheduling hiccup of the VM or the
 * slowest of unequal rails from looking like a loss.  No deviation term
 * as in TCP's RTO: a probe resends only a few packets, so a spurious one
 * costs little, while a late one stalls the QP for all of it (and a
 * host that deschedules the responder now and then inflates the
 * deviation to several round trips).  Until the QP has a sample of its
 * own, the peer's round trip as other QPs measured it stands in.  0: no
 * probe (no round trip known, or not before the retransmit timer anyway).
 */
static u64 tbib_comp_pto_ns(const struct tbib_conn *c, u64 rto)
{
	u64 srtt = c->srtt_ns ?: c->srtt_hint_ns, pto;

	if (!srtt)
		return 0;
	pto = max(2 * srtt, (u64)TBIB_PTO_MIN_NS);
	return pto < rto ? pto : 0;
}

/*
 * How long until the timer should look again.  At the probe's pace also
 * after a probe: the progress the resent packets bring makes the next
 * probe due one probe time later, and the timer, already queued, would
 * otherwise hold it back until its next tick (rto / 4, 268 ms with the
 * perftest default timeout).
 */
static u64 tbib_comp_tick_ns(const struct tbib_conn *c, u64 rto)
{
	u64 pto = tbib_comp_pto_ns(c, rto);
	u64 tick = rto / 4;

	if (pto)
		tick = min(tick, pto / 2);
	return max(tick, (u64)NSEC_PER_MSEC);
}

void tbib_comp_arm_rto(struct tbib_conn *c)
{
	u64 rto = tbib_conn_rto_ns(c), first = rto;

	/* in bulk transfers the timer stays armed: this is the first tick */
	if (tbib_comp_pto_ns(c, rto))
		first = tbib_comp_tick_ns(c, rto);
	if (!hrtimer_is_queued(&c->rto_timer))
		hrtimer_start(&c->rto_timer, ns_to_ktime(first),
			      HRTIMER_MODE_REL_SOFT);
}

/* A round trip sample: @psn, in flight since @old_una, just arrived. */
static void tbib_comp_rtt(struct tbib_conn *c, u32 old_una, u32 psn)
{
	u64 s, d;

	if (!tbib_psn_in(psn, old_una, c->tt->nxt))
		return;
	s = ktime_get_ns() - c->sent_ns[psn & (TBIB_CONN_WIN - 1)];
	if (!c->srtt_ns) {
		c->srtt_ns = max(s, 1ULL);
		c->rttvar_ns = s / 2;
		return;
	}
	d = s > c->srtt_ns ? s - c->srtt_ns : c->srtt_ns - s;
	c->rttvar_ns = c->rttvar_ns - c->rttvar_ns / 4 + d / 4;
	c->srtt_ns = max(c->srtt_ns - c->srtt_ns / 8 + s / 8, 1ULL);
}

void tbib_comp_release(struct tbib_conn *c, u32 from, u32 to)
{
	struct sk_buff **slot;

	for (; from != to; from = tbib_psn_add(from, 1)) {
		slot = &c->store[from & (TBIB_CONN_WIN - 1)];
		if (*slot) {
			c->store_bytes -= (*slot)->len;
			consume_skb(*slot);
			*slot = NULL;
		}
	}
}

/* Apply a tracker result: free what is acknowledged, note progress. */
static void tbib_comp_acked(struct tbib_conn *c, u32 old_una,
			    const struct tbib_txtrack_ack *a)
{
	if (!a->una_advanced)
		return;
	tbib_comp_release(c, old_una, c->tt->una);
	tbib_comp_progress(c);
	c->rnr_tries = 0;
}

/* Implicit acknowledgement of everything before @psn + 1. */
static void tbib_comp_ack_upto(struct tbib_conn *c, u32 psn)
{
	struct tbib_txtrack_ack a;
	u32 una = c->tt->una;

	if (tbib_psn_lt(psn, una))
		return;
	if (!tbib_txtrack_ack_upto(c->tt, tbib_psn_add(psn, 1), &a))
		tbib_comp_acked(c, una, &a);
}

static u8 tbib_nak_status(u8 code)
{
	switch (code) {
	case TBIB_NAK_REM_ACCESS:
		return IB_WC_REM_ACCESS_ERR;
	case TBIB_NAK_REM_OP:
		return IB_WC_REM_OP_ERR;
	default:
		return IB_WC_REM_INV_REQ_ERR;
	}
}

static void tbib_comp_fatal(struct tbib_conn *c, u32 psn, u8 status)
{
	/*
	 * The first error in send queue order wins.  A NAK of a later
	 * request leaves the WQEs before it waiting for their answers (a
	 * READ's data); if one of them then runs out of retries, it is the
	 * one that fails, or the send queue would wait for it forever.
	 */
	if (c->nak && !tbib_psn_lt(psn, c->nak_psn))
		return;
	c->nak = true;
	c->nak_psn = psn;
	c->nak_status = status;
	trace_tbib_qp_error(c, psn, status);
}

/* Everything from @psn on must be sent again (enum tbib_lost_why @why). */
static void tbib_comp_resend_from(struct tbib_conn *c, u32 psn, u8 why)
{
	struct tbib_txtrack *tt = c->tt;

	if (tbib_psn_lt(psn, tt->una))
		psn = tt->una;
	for (; psn != tt->nxt; psn = tbib_psn_add(psn, 1))
		if (!tbib_txtrack_mark_lost(tt, psn))
			c->lost_why[psn & (TBIB_CONN_WIN - 1)] = why;
}

static void tbib_comp_ack(struct tbib_conn *c, const struct tbib_pkt *p)
{
	u8 syn = p->aeth.syndrome, type = syn & TBIB_AETH_TYPE_MASK;
	struct tbib_txtrack_ack a;
	u32 una = c->tt->una, cum = p->sack.cum;

	if (tbib_txtrack_on_sack(c->tt, &p->sack, &a) || a.stale)
		return;
	tbib_comp_rtt(c, una, p->sack.latest);
	if (type != TBIB_AETH_ACK || a.renege)
		pr_debug("%s qp %u: ack syn %#x cum %u epoch %u renege %d: una %u -> %u nxt %u\n",
			 tbib_dev_name(c->dev), c->qpn, syn, cum, p->sack.epoch,
			 a.renege, una, c->tt->una, c->tt->nxt);
	tbib_comp_acked(c, una, &a);

	if (type == TBIB_AETH_RNR) {
		if (c->rnr_retry != 7 && ++c->rnr_tries > c->rnr_retry) {
			tbib_comp_fatal(c, cum, IB_WC_RNR_RETRY_EXC_ERR);
			return;
		}
		tbib_comp_resend_from(c, cum, TBIB_LOST_RNR);
		c->rnr_wait = true;
		hrtimer_start(&c->rnr_timer,
			      ns_to_ktime((u64)tbib_rnr_us[syn & TBIB_AETH_VAL_MASK] *
					  NSEC_PER_USEC),
			      HRTIMER_MODE_REL_SOFT);
		/* the RNR wait is progress of a kind: no timeout meanwhile */
		c->progress_ns = ktime_get_ns();
	} else if (type == TBIB_AETH_NAK) {
		u8 code = syn & TBIB_AETH_VAL_MASK;

		if (code == TBIB_NAK_PSN_SEQ)
			tbib_comp_resend_from(c, cum, TBIB_LOST_NAK);
		else
			tbib_comp_fatal(c, cum, tbib_nak_status(code));
	}
}

static struct tbib_rd *tbib_comp_find_rd(struct tbib_conn *c, u32 psn,
					 bool atomic)
{
	unsigned int i;

	for (i = 0; i < TBIB_CONN_RD; i++) {
		struct tbib_rd *rd = &c->rd[i];

		if (rd->used && rd->psn == psn && rd->atomic == atomic)
			return rd;
	}
	return NULL;
}

/* Was READ/atomic @a issued after @b? (rd->seq wraps) */
static bool tbib_rd_after(u32 a, u32 b)
{
	return (s32)(a - b) > 0;
}

/* Is @rd the oldest READ still waiting for data (atomics aside)? */
static bool tbib_rd_oldest(const struct tbib_conn *c, const struct tbib_rd *rd)
{
	unsigned int i;

	for (i = 0; i < TBIB_CONN_RD; i++)
		if (c->rd[i].used && !c->rd[i].atomic &&
		    tbib_rd_after(rd->seq, c->rd[i].seq))
			return false;
	return true;
}

/*
 * The responder answers READs in order, one after the other: a READ that
 * got nothing yet was waiting for the ones before it, not late.  Its wait
 * starts when the one before it finishes.
 */
static void tbib_comp_rd_done(struct tbib_conn *c, struct tbib_rd *rd)
{
	struct tbib_swqe *e = tbib_ring_at(c, rd->ring_idx);
	u64 now = ktime_get_ns();
	unsigned int i;

	if (e->rd_open)
		e->rd_open--;
	c->rd_bytes -= rd->len;
	rd->used = false;
	c->rd_busy--;
	for (i = 0; i < TBIB_CONN_RD; i++)
		if (c->rd[i].used && !c->rd[i].have &&
		    tbib_rd_after(c->rd[i].seq, rd->seq))
			c->rd[i].stamp = max(c->rd[i].stamp, now);
	tbib_comp_progress(c);
}

/*
 * Record [s, e) as covered in @rd.  Returns the bytes it adds, 0 for a
 * duplicate, or -ENOSPC when it would need more ranges than we keep (the
 * packet is dropped and asked for again later).  With @commit false
 * nothing changes.
 */
static int tbib_rd_cover(struct tbib_rd *rd, u32 s, u32 e, bool commit)
{
	u32 i, j, ns = s, ne = e, old = 0;

	/* ranges [i, j) touch [s, e) */
	for (i = 0; i < rd->nivl && rd->ivl[i].e < s; i++)
		;
	for (j = i; j < rd->nivl && rd->ivl[j].s <= e; j++) {
		ns = min(ns, rd->ivl[j].s);
		ne = max(ne, rd->ivl[j].e);
		old += rd->ivl[j].e - rd->ivl[j].s;
	}
	if (ne - ns == old)
		return 0;		/* nothing new */
	if (i == j && rd->nivl == TBIB_RD_IVL)
		return -ENOSPC;
	if (!commit)
		return 1;
	if (i == j) {
		memmove(&rd->ivl[i + 1], &rd->ivl[i],
			(rd->nivl - i) * sizeof(rd->ivl[0]));
		rd->nivl++;
	} else if (j - i > 1) {
		memmove(&rd->ivl[i + 1], &rd->ivl[j],
			(rd->nivl - j) * sizeof(rd->ivl[0]));
		rd->nivl -= j - i - 1;
	}
	rd->ivl[i].s = ns;
	rd->ivl[i].e = ne;
	return (int)(ne - ns - old);
}

/*
 * Fast detection of lost READ responses.  Rails are FIFO, and the
 * responder sends the responses of a QP in request order and each in
 * offset order: so once a rail delivered a first-time response packet
 * that was sent after the one at offset o of READ X (a later offset of
 * X, or a later READ), everything the rail carried of X before o has
 * arrived or is lost.  A gap of X that ends at or before o on every rail
 * that carries this QP's responses is lost and asked for again at once,
 * instead of after the timer.  Resent responses (TBIB_F_RETRANS) jump
 * the responder's queue and prove nothing; neither does a rail that
 * carried nothing of this QP yet (it is not waited for either).
 */
static bool tbib_rd_rails_passed(const struct tbib_conn *c,
				 const struct tbib_rd *rd, u32 end)
{
	unsigned int r;

	if (!c->rd_rails)
		return false;
	for (r = 0; r < TBIB_MAX_RAILS; r++) {
		if (!(c->rd_rails & (1U << r)))
			continue;
		if (tbib_rd_after(c->rd_rail_seq[r], rd->seq))
			continue;
		if ((rd->rails_seen & (1U << r)) && rd->rail_hi[r] >= end)
			continue;
		return false;
	}
	return true;
}

/* Note a first-time response packet of @rd at @start on rail @slot. */
static void tbib_comp_read_note(struct tbib_conn *c, struct tbib_rd *rd,
				int slot, u32 start)
{
	u32 bit;

	if (slot < 0 || slot >= TBIB_MAX_RAILS)
		return;
	bit = 1U << slot;
	if (!(c->rd_rails & bit) ||
	    tbib_rd_after(rd->seq, c->rd_rail_seq[slot]))
		c->rd_rail_seq[slot] = rd->seq;
	c->rd_rails |= bit;
	if (!(rd->rails_seen & bit) || start > rd->rail_hi[slot])
		rd->rail_hi[slot] = start;
	rd->rails_seen |= bit;
}

/* Ask again for the gaps of @rd that every rail has passed. */
static void tbib_comp_read_gaps_rd(struct tbib_conn *c, struct tbib_peer *peer,
				   struct tbib_rd *rd)
{
	u32 pos = 0, i, gs, ge;

	for (i = 0; i <= rd->nivl && rd->fast_upto < rd->len; i++) {
		ge = i < rd->nivl ? rd->ivl[i].s : rd->len;
		gs = max(pos, rd->fast_upto);
		if (i < rd->nivl)
			pos = rd->ivl[i].e;
		if (ge <= gs)
			continue;
		if (!tbib_rd_rails_passed(c, rd, ge))
			return;
		tbib_req_reask(c, peer, rd, gs, ge,
			       TBIB_A_STATS_READ_REREQ_GAP);
		rd->fast_upto = ge;
		rd->stamp = ktime_get_ns();
	}
}

static void tbib_comp_read_gaps(struct tbib_conn *c, struct tbib_peer *peer)
{
	unsigned int i;

	for (i = 0; i < TBIB_CONN_RD; i++) {
		struct tbib_rd *rd = &c->rd[i];

		if (rd->used && !rd->atomic && rd->fast_upto < rd->len)
			tbib_comp_read_gaps_rd(c, peer, rd);
	}
}

void tbib_comp_rail_down(struct tbib_conn *c, int slot)
{
	if (slot >= 0 && slot < TBIB_MAX_RAILS)
		c->rd_rails &= ~(1U << slot);
}

static void tbib_comp_read_resp(struct tbib_conn *c, struct tbib_peer *peer,
				int slot, struct sk_buff *skb,
				const struct tbib_pkt *p)
{
	u32 len = p->bth.paylen, rel, psn = p->bth.psn;
	bool first_time = !(p->bth.flags & TBIB_F_RETRANS);
	const struct tbib_send_wqe *w;
	struct tbib_sgl sgl;
	struct tbib_swqe *e;
	struct tbib_rd *rd;
	int add, err;

	tbib_stat_add(&peer->stats, TBIB_A_STATS_RX_READ_BYTES, len);
	rd = tbib_comp_find_rd(c, psn, false);
	if (!rd || p->bth.offset < rd->off ||
	    (u64)p->bth.offset + len > rd->off + rd->len) {
		tbib_stat_inc(&peer->stats, TBIB_A_STATS_RX_DUP);
		tbib_stat_add(&peer->stats, TBIB_A_STATS_RX_READ_DUP_BYTES, len);
		return;
	}
	rel = p->bth.offset - rd->off;
	add = len ? tbib_rd_cover(rd, rel, rel + len, false) : 0;
	if (len && add <= 0) {
		/* (-ENOSPC: dropped, asked for again later) */
		if (!add) {
			tbib_stat_inc(&peer->stats, TBIB_A_STATS_RX_DUP);
			tbib_stat_add(&peer->stats,
				      TBIB_A_STATS_RX_READ_DUP_BYTES, len);
		}
		return;
	}
	/*
	 * A round trip sample: the first answer to a READ asked for once,
	 * when nothing was queued before it at the responder.  (A READ-only
	 * QP gets no other sample: its requests are acknowledged by the
	 * responses, and without one there is no tail loss probe.)
	 */
	if (rd->rtt_sample && !rd->nivl && !rd->retries && !rd->fast_upto)
		tbib_comp_rtt(c, c->tt->una, psn);
	e = tbib_ring_at(c, rd->ring_idx);
	w = e->w;
	if (len) {
		tbib_sgl_init(&sgl, c->qp, w->sge, w->num_sge,
			      IB_ACCESS_LOCAL_WRITE);
		err = tbib_sgl_seek(&sgl, p->bth.offset);
		if (!err)
			err = tbib_sgl_copy_from_skb(&sgl, skb, p->hdr_len, len);
		tbib_sgl_release(&sgl);
		if (err) {
			/* the local buffer is bad: the WQE fails */
			e->status = err == -ENOSPC ? IB_WC_LOC_LEN_ERR :
						     IB_WC_LOC_PROT_ERR;
			tbib_comp_rd_done(c, rd);
			return;
		}
		add = tbib_rd_cover(rd, rel, rel + len, true);
		if ((u32)add < len)
			tbib_stat_add(&peer->stats,
				      TBIB_A_STATS_RX_READ_DUP_BYTES,
				      len - add);
		rd->have += add;
		rd->retries = 0;	/* counts asking in vain only */
	}
	rd->stamp = ktime_get_ns();
	if (first_time)
		tbib_comp_read_note(c, rd, slot, rel);
	tbib_comp_ack_upto(c, psn);
	if (rd->have == rd->len)
		tbib_comp_rd_done(c, rd);
	else
		tbib_comp_progress(c);
	if (first_time)
		tbib_comp_read_gaps(c, peer);
}

static void tbib_comp_atomic_ack(struct tbib_conn *c, struct tbib_peer *peer,
				 const struct tbib_pkt *p)
{
	struct tbib_rd *rd = tbib_comp_find_rd(c, p->bth.psn, true);
	const struct tbib_send_wqe *w;
	struct tbib_sgl sgl;
	struct tbib_swqe *e;
	u64 orig = p->atomic_orig;
	int err;

	if (!rd) {
		tbib_stat_inc(&peer->stats, TBIB_A_STATS_RX_DUP);
		return;
	}
	e = tbib_ring_at(c, rd->ring_idx);
	w = e->w;
	/* the original value lands in the first SGE, in host order */
	tbib_sgl_init(&sgl, c->qp, w->sge, 1, IB_ACCESS_LOCAL_WRITE);
	err = tbib_sgl_copy(&sgl, &orig, sizeof(orig), TBIB_TO_MR);
	tbib_sgl_release(&sgl);
	if (err)
		e->status = IB_WC_LOC_PROT_ERR;
	tbib_comp_ack_upto(c, rd->psn);
	tbib_comp_rd_done(c, rd);
}

void tbib_comp_rx(struct tbib_conn *c, struct tbib_peer *peer, int slot,
		  struct sk_buff *skb, struct tbib_pkt *p)
{
	if (!c->tx_on || !c->tt || c->sq_err)
		return;
	switch (p->bth.opcode) {
	case TBIB_OP_ACK:
		tbib_comp_ack(c, p);
		break;
	case TBIB_OP_ATOMIC_ACK:
		tbib_comp_atomic_ack(c, peer, p);
		break;
	default:
		tbib_comp_read_resp(c, peer, slot, skb, p);
		break;
	}
	tbib_comp_run(c);
}

/* Is the WQE at the head finished? */
static bool tbib_comp_done(struct tbib_conn *c, const struct tbib_swqe *e)
{
	if (!e->built)
		return false;
	switch (e->kind) {
	case TBIB_SK_LOCAL:
		return true;
	case TBIB_SK_DATA:
		return !c->tt || tbib_psn_le(e->end_psn, c->tt->una);
	default:
		return !e->rd_open;
	}
}

void tbib_comp_run(struct tbib_conn *c)
{
	struct tbib_swqe *e;
	int err;

	while (c->r_head != c->r_tail && !c->sq_err) {
		e = tbib_ring_at(c, c->r_head);
		if (!e->status && !tbib_comp_done(c, e)) {
			/*
			 * A NAK (or exhausted retries) fails the WQE holding
			 * its PSN; earlier ones may still finish normally.
			 */
			if (!c->nak || (e->built &&
					!tbib_psn_lt(c->nak_psn, e->end_psn)))
				return;
			e->status = c->nak_status;
		}
		if (e->status) {
			/*
			 * Complete it with its error; the QP goes to ERROR
			 * (RC) or SQE (UC, UD) and the rest is flushed.
			 */
			e->w->status = e->status;
			c->sq_err = true;
			tbib_sq_fail(c->qp);
			return;
		}
		err = tbib_sq_complete(c->qp, IB_WC_SUCCESS);
		c->r_head = tbib_ring_next(c->r_head);
		if (err == -ENOSPC) {
			/* CQ overflow: the CQ raised its event, the QP fails */
			c->sq_err = true;
			tbib_qp_error(c->qp, IB_EVENT_QP_FATAL);
			return;
		}
		if (c->tt)
			tbib_comp_progress(c);
	}
}

/* Has the responder got the request of @rd (so its answer is missing)? */
static bool tbib_rd_requested(struct tbib_conn *c, const struct tbib_rd *rd)
{
	struct tbib_txtrack_info info;

	if (tbib_psn_lt(rd->psn, c->tt->una))
		return true;
	return !tbib_txtrack_get(c->tt, rd->psn, &info) &&
	       (info.flags & TBIB_TXT_ACKED);
}

/* Retries exhausted: the oldest WQE fails, the QP with it. */
static void tbib_comp_retry_exc(struct tbib_conn *c, const char *why)
{
	struct tbib_swqe *e = tbib_ring_at(c, c->r_head);
	unsigned int i;

	pr_debug("%s qp %u: retry exceeded (%s): wqe op %u len %llu psn %u..%u off %llu, una %u nxt %u nlost %u, retries %u\n",
		 tbib_dev_name(c->dev), c->qpn, why, e->w->opcode,
		 e->w->length, e->first_psn, e->end_psn, e->off,
		 c->tt->una, c->tt->nxt, c->tt->nlost, c->retries);
	for (i = 0; i < TBIB_CONN_RD; i++)
		if (c->rd[i].used)
			pr_debug("%s qp %u:  rd psn %u atomic %d off %llu len %u have %u nivl %u retries %u ring %u (head %u rd_open %u)\n",
				 tbib_dev_name(c->dev), c->qpn, c->rd[i].psn,
				 c->rd[i].atomic, c->rd[i].off, c->rd[i].len,
				 c->rd[i].have, c->rd[i].nivl,
				 c->rd[i].retries, c->rd[i].ring_idx,
				 c->r_head, e->rd_open);
	trace_tbib_retry_exceeded(c, e, why);
	tbib_comp_fatal(c, tbib_ring_at(c, c->r_head)->first_psn,
			IB_WC_RETRY_EXC_ERR);
	tbib_comp_run(c);
}

/*
 * Up to @limit of the packets in flight that were sent a whole period
 * ago are lost, lowest PSN first; what went out later (a retransmission, new
 * packets) gets its own period.
 */
static void tbib_comp_mark_old(struct tbib_conn *c, u64 rto, u8 why,
			       u32 limit)
{
	struct tbib_txtrack *tt = c->tt;
	struct tbib_txtrack_info info;
	u64 now = ktime_get_ns();
	u32 psn;

	for (psn = tt->una; psn != tt->nxt && limit;
	     psn = tbib_psn_add(psn, 1)) {
		if (tbib_txtrack_get(tt, psn, &info) ||
		    !(info.flags & TBIB_TXT_LINKED))
			continue;
		/*
		 * A probe resends the request of the oldest READ only: the
		 * later ones wait behind it at the responder anyway (or are
		 * found lost by the SACKs once it arrives), and resending a
		 * READ whose answer is on its way doubles that answer.
		 */
		if (why == TBIB_LOST_PROBE && c->rd_busy) {
			struct tbib_rd *rd = tbib_comp_find_rd(c, psn, false);

			if (rd && !tbib_rd_oldest(c, rd))
				continue;
		}
		if (now - c->sent_ns[psn & (TBIB_CONN_WIN - 1)] >= rto &&
		    !tbib_txtrack_mark_lost(tt, psn)) {
			c->lost_why[psn & (TBIB_CONN_WIN - 1)] = why;
			limit--;
		}
	}
}

/* A whole retransmit period without progress. */
static void tbib_comp_timeout(struct tbib_conn *c, struct tbib_peer *peer,
			      u64 rto)
{
	unsigned int i;

	if (c->timeout && ++c->retries > c->retry_cnt) {
		tbib_comp_retry_exc(c, "no progress");
		return;
	}
	tbib_comp_mark_old(c, rto, TBIB_LOST_TIMEOUT, U32_MAX);
	if (!c->tt->nlost && tbib_txtrack_probe(c->tt))
		c->lost_why[c->tt->una & (TBIB_CONN_WIN - 1)] =
			TBIB_LOST_TIMEOUT;
	if (tbib_req_retransmit(c, peer, tbib_tx_budget, true) >=
	    tbib_tx_budget)
		tbib_conn_kick(c);
	for (i = 0; i < TBIB_CONN_RD; i++)
		if (c->rd[i].used && tbib_rd_requested(c, &c->rd[i]))
			tbib_req_rerequest(c, peer, &c->rd[i],
					   TBIB_A_STATS_READ_REREQ_TIMEOUT);
	c->progress_ns = ktime_get_ns();
}

/*
 * Is @rd the READ the responder should be answering now: requested, and
 * no READ before it still waiting for data?  (Atomics are answered at
 * once, ahead of queued READ data: each is its own turn.)
 */
static bool tbib_rd_turn(struct tbib_conn *c, const struct tbib_rd *rd)
{
	return tbib_rd_requested(c, rd) && (rd->atomic || tbib_rd_oldest(c, rd));
}

/*
 * Tail loss of READ data: the oldest READ stopped getting its data and
 * nothing came after it to prove a loss.  Ask again for its first
 * missing range only, the smallest request that tells the responder
 * where to resume; if that range is still queued there, the responder
 * merges the two and nothing is sent twice.
 */
static void tbib_comp_probe_read(struct tbib_conn *c, struct tbib_peer *peer)
{
	u32 gs = 0, ge;
	unsigned int i;

	for (i = 0; i < TBIB_CONN_RD; i++) {
		struct tbib_rd *rd = &c->rd[i];

		if (!rd->used || rd->atomic || !rd->len ||
		    !tbib_rd_turn(c, rd))
			continue;
		if (rd->nivl && rd->ivl[0].s == 0)
			gs = rd->ivl[0].e;
		ge = rd->nivl > (gs ? 1 : 0) ? rd->ivl[gs ? 1 : 0].s : rd->len;
		tbib_req_reask(c, peer, rd, gs, ge,
			       TBIB_A_STATS_READ_REREQ_LATE);
		rd->fast_upto = max(rd->fast_upto, ge);
		rd->stamp = ktime_get_ns();
		return;
	}
}

/*
 * Tail loss: nothing acknowledged for a few round trips.  The rail-aware
 * fast retransmit needs a later packet on the lost one's rail to arrive;
 * when the lost packets were the last ones sent (the application waits
 * for their completions) none comes, and the retransmit timer (the QP's
 * IB timeout, often a second) would stall the QP.  Resend the oldest of
 * what has been waiting for the probe time, once until the next
 * progress; unlike a timeout this does not count against retry_cnt.
 * Only the oldest few: they hold up the cumulative ACK, and when the
 * responder is merely slow (a VM without its CPU) resending the whole
 * window would double its load just when it is behind.  The progress
 * the oldest bring makes the next probe due for the rest (the timer
 * keeps ticking at the probe's pace, see tbib_comp_tick_ns()).
 */
static void tbib_comp_probe(struct tbib_conn *c, struct tbib_peer *peer,
			    u64 pto)
{
	c->probed = true;
	tbib_comp_mark_old(c, pto, TBIB_LOST_PROBE, TBIB_PTO_MAX_PKTS);
	if (tbib_req_retransmit(c, peer, tbib_tx_budget, true) >=
	    tbib_tx_budget)
		tbib_conn_kick(c);
	tbib_comp_probe_read(c, peer);
}

enum hrtimer_restart tbib_comp_rto_fn(struct hrtimer *t)
{
	struct tbib_conn *c = container_of(t, struct tbib_conn, rto_timer);
	enum hrtimer_restart ret = HRTIMER_NORESTART;
	struct tbib_peer *peer;
	u64 now, rto, pto;
	unsigned int i;

	spin_lock(&c->lock);
	if (!c->tx_on || c->sq_err || !c->tt || c->r_head == c->r_tail)
		goto out;
	now = ktime_get_ns();
	rto = tbib_conn_rto_ns(c);
	rcu_read_lock();
	peer = tbib_spray_peer(&c->dev->bond, c->dlid);
	pto = c->probed || c->rnr_wait ? 0 : tbib_comp_pto_ns(c, rto);
	if (!c->rnr_wait && now - c->progress_ns >= rto) {
		tbib_comp_timeout(c, peer, rto);
	} else if (pto && now - c->progress_ns >= pto) {
		tbib_comp_probe(c, peer, pto);
	} else {
		/*
		 * READ data that stopped coming while the rest moves on;
		 * only the READ whose turn it is can be late.
		 */
		for (i = 0; i < TBIB_CONN_RD; i++) {
			struct tbib_rd *rd = &c->rd[i];

			/* backing off: late data is not lost data */
			if (!rd->used ||
			    now - rd->stamp < rto << min_t(u8, rd->retries, 3) ||
			    !tbib_rd_turn(c, rd))
				continue;
			if (c->timeout && rd->retries >= c->retry_cnt) {
				tbib_comp_retry_exc(c, "read data");
				break;
			}
			tbib_req_rerequest(c, peer, rd,
					   TBIB_A_STATS_READ_REREQ_LATE);
		}
	}
	rcu_read_unlock();
	tbib_conn_flow_sync(c);
	/* (not if the data path armed it again meanwhile) */
	if (c->tx_on && !c->sq_err && c->r_head != c->r_tail &&
	    !hrtimer_is_queued(t)) {
		hrtimer_forward_now(t, ns_to_ktime(tbib_comp_tick_ns(c, rto)));
		ret = HRTIMER_RESTART;
	}
out:
	spin_unlock(&c->lock);
	return ret;
}

enum hrtimer_restart tbib_comp_rnr_fn(struct hrtimer *t)
{
	struct tbib_conn *c = container_of(t, struct tbib_conn, rnr_timer);

	spin_lock(&c->lock);
	if (c->tx_on && c->rnr_wait) {
		c->rnr_wait = false;
		c->progress_ns = ktime_get_ns();
		if (tbib_conn_tx(c, tbib_tx_budget))
			tbib_conn_kick(c);
	}
	spin_unlock(&c->lock);
	return HRTIMER_NORESTART;
}
