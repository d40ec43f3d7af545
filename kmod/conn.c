// SPDX-License-Identifier: GPL-2.0
/*
 * Per-QP transport state: allocation, reset, timers (see conn.h).
 */

#include <linux/jhash.h>
#include <linux/slab.h>

#include "kmod/conn.h"
#include "bond/psn.h"

/* Any constant: the generation only has to differ between connections. */
#define TBIB_GEN_SEED	0x7b1b6e6e

u32 tbib_conn_gen(u32 src_qpn, u32 dst_qpn, u32 psn)
{
	return jhash_3words(src_qpn, dst_qpn, psn, TBIB_GEN_SEED);
}

/*
 * Retransmit timeout: the QP's timeout attribute (4.096 us << timeout, IB),
 * never below tbib_rto_min_ms: a software link in a VM has latencies no
 * real HCA has.  timeout 0 ("infinite") uses the floor but never gives up.
 */
u64 tbib_conn_rto_ns(const struct tbib_conn *c)
{
	u64 floor = (u64)max(tbib_rto_min_ms, 1U) * NSEC_PER_MSEC;
	u64 ns = c->timeout ? 4096ULL << c->timeout : 0;

	return max(ns, floor);
}

void tbib_conn_lost_on_rail(struct tbib_conn *c, u8 slot, u8 why)
{
	struct tbib_txtrack *tt = c->tt;
	struct tbib_txtrack_info info;
	u32 psn;

	/*
	 * The tracker keeps the rail of a lost PSN: this also relabels PSNs
	 * lost earlier on that rail and not resent yet, which is harmless.
	 */
	for (psn = tt->una; psn != tt->nxt; psn = tbib_psn_add(psn, 1))
		if (!tbib_txtrack_get(tt, psn, &info) && info.rail == slot &&
		    (info.flags & TBIB_TXT_LOST))
			c->lost_why[psn & (TBIB_CONN_WIN - 1)] = why;
}

void tbib_conn_free_held(void *ctx, void *item)
{
	struct tbib_conn *c = ctx;

	tbib_stat_depth_add(&c->dev->stats, -1);
	kfree_skb(item);
}

struct tbib_conn *tbib_conn_alloc(struct tbib_qp *qp)
{
	struct tbib_conn *c;
	u8 type = qp->ibqp.qp_type;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return NULL;
	c->qp = qp;
	c->dev = to_tbib_dev(qp->ibqp.device);
	c->type = type;
	c->qpn = qp->ibqp.qp_num;
	spin_lock_init(&c->lock);
	INIT_LIST_HEAD(&c->node);

	c->ring = kvcalloc(TBIB_CONN_RING, sizeof(*c->ring), GFP_KERNEL);
	if (!c->ring)
		goto fail;
	if (type == IB_QPT_RC) {
		c->tt = kvzalloc(tbib_txtrack_size(TBIB_CONN_WIN), GFP_KERNEL);
		c->store = kvcalloc(TBIB_CONN_WIN, sizeof(*c->store),
				    GFP_KERNEL);
		c->sent_ns = kvcalloc(TBIB_CONN_WIN, sizeof(*c->sent_ns),
				      GFP_KERNEL);
		c->lost_why = kvzalloc(TBIB_CONN_WIN, GFP_KERNEL);
		if (!c->tt || !c->store || !c->sent_ns || !c->lost_why)
			goto fail;
		tbib_txtrack_init(c->tt, TBIB_CONN_WIN, 0);
	}
	if (type == IB_QPT_RC || type == IB_QPT_UC) {
		c->rw = kvzalloc(tbib_rxwin_size(TBIB_CONN_WIN), GFP_KERNEL);
		if (!c->rw)
			goto fail;
		tbib_rxwin_init(c->rw, TBIB_CONN_WIN, 0);
	}

	hrtimer_setup(&c->rto_timer, tbib_comp_rto_fn, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL_SOFT);
	hrtimer_setup(&c->rnr_timer, tbib_comp_rnr_fn, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL_SOFT);
	hrtimer_setup(&c->ack_timer, tbib_ack_timer_fn, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL_SOFT);
	return c;

fail:
	tbib_conn_free(c);	/* the parts not allocated are NULL */
	return NULL;
}

/* Everything must be quiesced and reset (tbib_conn_quiesce + reset_*). */
void tbib_conn_free(struct tbib_conn *c)
{
	kvfree(c->rw);
	kvfree(c->lost_why);
	kvfree(c->sent_ns);
	kvfree(c->store);
	kvfree(c->tt);
	kvfree(c->ring);
	kfree(c);
}

void tbib_conn_quiesce(struct tbib_conn *c, bool tx, bool rx)
{
	spin_lock_bh(&c->lock);
	if (tx)
		c->tx_on = false;
	if (rx && c->rx_on) {
		tbib_linger_note(c);
		c->rx_on = false;
	}
	spin_unlock_bh(&c->lock);
	/*
	 * The timers and the work check the flags under the lock and do not
	 * rearm themselves once they are off; a callback already running
	 * finishes first.
	 */
	if (tx) {
		hrtimer_cancel(&c->rto_timer);
		hrtimer_cancel(&c->rnr_timer);
	}
	if (rx)
		hrtimer_cancel(&c->ack_timer);
	if (tx && rx)
		cancel_work_sync(&c->work);
}

/*
 * Let go of every send WQE (the verbs layer completes or drops them), the
 * frames kept for retransmission and the READ/atomic tracking.
 */
void tbib_conn_reset_tx(struct tbib_conn *c)
{
	u32 i;

	tbib_sgl_release(&c->sgl);
	memset(&c->sgl, 0, sizeof(c->sgl));
	if (c->store) {
		for (i = 0; i < TBIB_CONN_WIN; i++) {
			kfree_skb(c->store[i]);
			c->store[i] = NULL;
		}
	}
	c->store_bytes = 0;
	c->r_head = 0;
	c->r_build = 0;
	c->r_tail = 0;
	memset(c->rd, 0, sizeof(c->rd));
	c->rd_busy = 0;
	c->rd_bytes = 0;
	c->rd_rails = 0;
	c->fence_wait = false;
	c->retries = 0;
	c->rnr_tries = 0;
	c->rnr_wait = false;
	c->nak = false;
	c->since_ackreq = 0;
	c->srtt_ns = 0;
	c->srtt_hint_ns = 0;
	c->rttvar_ns = 0;
	c->probed = false;
	/* what was in flight is no longer this connection's */
	tbib_conn_flow_sync(c);
}

void tbib_conn_init_tx(struct tbib_conn *c, u32 psn)
{
	tbib_conn_reset_tx(c);
	if (c->tt)
		tbib_txtrack_init(c->tt, TBIB_CONN_WIN, psn);
	c->next_psn = psn;
	c->progress_ns = ktime_get_ns();
}

void tbib_conn_reset_rx(struct tbib_conn *c)
{
	struct tbib_rmsg *m = &c->rmsg;

	if (c->rw)
		tbib_rxwin_flush(c->rw, tbib_conn_free_held, c);
	tbib_sgl_release(&m->sgl);
	memset(m, 0, sizeof(*m));
	memset(c->cache, 0, sizeof(c->cache));
	c->cache_next = 0;
	c->job_head = 0;
	c->job_tail = 0;
	c->ack_pending = 0;
	c->ack_now = false;
	c->rx_err = false;
	c->err_drain = false;
	c->rnr_hold = false;
	c->gap_ns = 0;
}

void tbib_conn_init_rx(struct tbib_conn *c, u32 psn)
{
	tbib_conn_reset_rx(c);
	if (c->rw)
		tbib_rxwin_init(c->rw, TBIB_CONN_WIN, psn);
	c->msn = 0;
}
