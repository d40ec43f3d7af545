// SPDX-License-Identifier: GPL-2.0
/*
 * The loopback rail: every device has one, bound to the device itself, so
 * that a QP can talk to a QP of the same device (destination LID = our
 * own), as on any HCA.  It never appears in the rail list, the netlink
 * dumps or the port's speed, and it needs no link, no handshake and no
 * port ACTIVE.
 *
 * A frame sent on it goes through a queue to a work item, which hands it
 * to tbib_rail_rx() exactly as a link would: the transport cannot tell it
 * from a wire (ordering, ACKs, retransmission, RNR, errors all the same).
 * The hop through the work is what keeps the locks apart: the sender
 * holds its QP's lock while transmitting, and the receiving QP may be the
 * same one.  The queue is bounded like a link's: a frame beyond it is
 * dropped and counted (tx_drop), and the transport resends it.
 */

#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "rail/rail.h"

/* The largest transport frame: 64 KiB of payload and its headers. */
#define TBIB_LOOP_MTU		(64 * 1024 + 128)
/* What the scheduler believes of it (it has one rail to choose from). */
#define TBIB_LOOP_RATE_MBPS	100000
/* Frames queued at most; beyond 3/4 of it the rail reports itself busy. */
#define TBIB_LOOP_QLEN		1024
/* Frames delivered per run of the work before it yields. */
#define TBIB_LOOP_BATCH		64

struct tbib_loop_rail {
	struct tbib_rail rail;
	struct sk_buff_head q;
	struct work_struct work;
	bool stopped;			/* q.lock: no more frames taken */
};

static struct tbib_loop_rail *to_loop(struct tbib_rail *rail)
{
	return container_of(rail, struct tbib_loop_rail, rail);
}

static int tbib_loop_xmit(struct tbib_rail *rail, struct sk_buff *skb)
{
	struct tbib_loop_rail *lr = to_loop(rail);
	unsigned long flags;
	bool taken = false;

	spin_lock_irqsave(&lr->q.lock, flags);
	if (!lr->stopped && skb_queue_len(&lr->q) < TBIB_LOOP_QLEN) {
		__skb_queue_tail(&lr->q, skb);
		taken = true;
	}
	spin_unlock_irqrestore(&lr->q.lock, flags);
	if (!taken) {
		kfree_skb(skb);
		return -ENOBUFS;
	}
	queue_work(system_percpu_wq, &lr->work);
	return 0;
}

static bool tbib_loop_tx_busy(struct tbib_rail *rail)
{
	return skb_queue_len_lockless(&to_loop(rail)->q) >=
	       TBIB_LOOP_QLEN * 3 / 4;
}

/* Receive side: softirq context as for a link (BH off, RCU held). */
static void tbib_loop_work(struct work_struct *work)
{
	struct tbib_loop_rail *lr = container_of(work, struct tbib_loop_rail,
						 work);
	struct sk_buff *skb;
	unsigned int n;

	for (n = 0; n < TBIB_LOOP_BATCH; n++) {
		skb = skb_dequeue(&lr->q);
		if (!skb)
			return;
		local_bh_disable();
		rcu_read_lock();
		tbib_rail_rx(&lr->rail, skb, 0);
		rcu_read_unlock();
		local_bh_enable();
	}
	/* more left: requeue rather than loop, other work gets its turn */
	if (!skb_queue_empty_lockless(&lr->q))
		queue_work(system_percpu_wq, &lr->work);
}

static const char *tbib_loop_link_name(const struct tbib_rail *rail)
{
	return "loopback";
}

/* Only xmit, tx_busy and link_name are ever called on this rail. */
static const struct tbib_rail_ops tbib_loop_rail_ops = {
	.name = "loopback",
	.xmit = tbib_loop_xmit,
	.tx_busy = tbib_loop_tx_busy,
	.link_name = tbib_loop_link_name,
};

struct tbib_rail *tbib_rail_loop_create(struct tbib_rail_set *set)
{
	struct tbib_loop_rail *lr;

	lr = kzalloc(sizeof(*lr), GFP_KERNEL);
	if (!lr)
		return NULL;
	if (tbib_rail_init(&lr->rail, set, &tbib_loop_rail_ops)) {
		kfree(lr);
		return NULL;
	}
	skb_queue_head_init(&lr->q);
	INIT_WORK(&lr->work, tbib_loop_work);
	lr->rail.csum = false;		/* memory to memory */
	lr->rail.carrier = true;
	lr->rail.mtu = TBIB_LOOP_MTU;
	lr->rail.rate_mbps = TBIB_LOOP_RATE_MBPS;
	lr->rail.oper_state = TBIB_RAIL_STATE_UP;
	lr->rail.peer_up = true;
	return &lr->rail;
}

void tbib_rail_loop_destroy(struct tbib_rail *rail)
{
	struct tbib_loop_rail *lr;

	if (!rail)
		return;
	lr = to_loop(rail);
	spin_lock_irq(&lr->q.lock);
	lr->stopped = true;
	spin_unlock_irq(&lr->q.lock);
	cancel_work_sync(&lr->work);
	skb_queue_purge(&lr->q);
	/* drops and the like stay counted; loopback is no link traffic */
	tbib_stats_fold_peer(rail->set->stats, &rail->stats);
	tbib_stats_free(&rail->stats);
	kfree(lr);
}
