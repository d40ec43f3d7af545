// SPDX-License-Identifier: GPL-2.0
/*
 * The reliable transport: what the verbs layer calls (kmod/qp.h), what
 * the rails and peers tell it; the receive demux; the
 * per-QP transmit work; module parameters.  The parts and the locking
 * are described in kmod/conn.h.
 *
 * Receive: a transport frame from the rail's bound peer is decoded and
 * checked (header, CRC32C when the frame has one, which it must if the
 * rail wants it, destination LID, source LID of the peer), its QP looked
 * up (reference held while it is processed), then checked against the
 * connection (source QPN, generation of its direction) before the
 * responder (requests), completer (responses) or UD receive takes it.
 * Every drop is counted by reason.
 *
 * Transmit runs inline where it can (the doorbell system call, the
 * receive softirq after an ACK opened the window, the RNR timer), with a
 * budget, and continues from a work item on tbib_tx_wq.
 */

#include <linux/debugfs.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include "kmod/conn.h"
#include "bond/peer.h"
#include "rail/rail.h"
#include "kmod/transport.h"
#include "bond/trace.h"
#include "kmod/trace.h"

unsigned int tbib_max_payload = TBIB_WIRE_MAX_PAYLOAD;
module_param_named(max_payload, tbib_max_payload, uint, 0644);
MODULE_PARM_DESC(max_payload,
		 "Largest packet payload in bytes (default 65536; the rail MTU limits it too)");

unsigned int tbib_rto_min_ms = 10;
module_param_named(rto_min_ms, tbib_rto_min_ms, uint, 0644);
MODULE_PARM_DESC(rto_min_ms, "Floor of the retransmit timeout in ms (default 10)");

unsigned int tbib_ack_delay_us = 50;
module_param_named(ack_delay_us, tbib_ack_delay_us, uint, 0644);
MODULE_PARM_DESC(ack_delay_us, "Longest delay of a coalesced ACK in us (default 50)");

unsigned int tbib_ack_every = 16;
module_param_named(ack_every, tbib_ack_every, uint, 0644);
MODULE_PARM_DESC(ack_every, "ACK at least every N received packets (default 16)");

unsigned int tbib_max_inflight_kb = 1024;
module_param_named(max_inflight_kb, tbib_max_inflight_kb, uint, 0644);
MODULE_PARM_DESC(max_inflight_kb,
		 "Bytes per RC QP in flight (unacknowledged, or READ data asked for) in KiB (default 1024)");

unsigned int tbib_read_chunk_kb = 256;
module_param_named(read_chunk_kb, tbib_read_chunk_kb, uint, 0644);
MODULE_PARM_DESC(read_chunk_kb, "Largest READ request in KiB; longer READs are split (default 256)");

unsigned int tbib_tx_budget = 64;
module_param_named(tx_budget, tbib_tx_budget, uint, 0644);
MODULE_PARM_DESC(tx_budget, "Packets a QP sends per round before yielding (default 64)");

unsigned int tbib_uc_gap_ms = 10;
module_param_named(uc_gap_ms, tbib_uc_gap_ms, uint, 0644);
MODULE_PARM_DESC(uc_gap_ms, "UC: give up on a missing packet after this many ms (default 10)");

bool tbib_zerocopy_tx = true;
module_param_named(zerocopy_tx, tbib_zerocopy_tx, bool, 0644);
MODULE_PARM_DESC(zerocopy_tx,
		 "RC: send payloads from the pages of user MRs without copying them (default Y)");

static struct workqueue_struct *tbib_tx_wq;
/* Every connection, for rail changes; outside conn->lock, inside cfg lock. */
static DEFINE_MUTEX(tbib_conns_lock);
static LIST_HEAD(tbib_conns);

void tbib_conn_kick(struct tbib_conn *c)
{
	queue_work(tbib_tx_wq, &c->work);
}

bool tbib_conn_tx(struct tbib_conn *c, unsigned int budget)
{
	struct tbib_peer *peer = NULL;
	unsigned int n;

	budget = max(budget, 1U);
	rcu_read_lock();
	if (c->type != IB_QPT_UD)
		peer = tbib_spray_peer(&c->dev->bond, c->dlid);
	n = tbib_resp_tx(c, peer, budget);
	if (n < budget)
		n += tbib_req_tx(c, peer, budget - n);
	rcu_read_unlock();
	if (c->tt)
		tbib_conn_flow_sync(c);
	return n >= budget;
}

static void tbib_conn_work(struct work_struct *work)
{
	struct tbib_conn *c = container_of(work, struct tbib_conn, work);
	bool more;

	spin_lock_bh(&c->lock);
	more = tbib_conn_tx(c, tbib_tx_budget);
	spin_unlock_bh(&c->lock);
	/* requeue rather than loop: other QPs get their turn */
	if (more)
		tbib_conn_kick(c);
}

/* ---- verbs hooks ---------------------------------------------------------- */

int tbib_transport_qp_create(struct tbib_qp *qp)
{
	struct tbib_conn *c = tbib_conn_alloc(qp);

	if (!c)
		return -ENOMEM;
	INIT_WORK(&c->work, tbib_conn_work);
	qp->tp = c;
	mutex_lock(&tbib_conns_lock);
	list_add_tail(&c->node, &tbib_conns);
	mutex_unlock(&tbib_conns_lock);
	return 0;
}

void tbib_transport_qp_destroy(struct tbib_qp *qp)
{
	struct tbib_conn *c = qp->tp;

	if (!c)
		return;
	mutex_lock(&tbib_conns_lock);
	list_del(&c->node);
	mutex_unlock(&tbib_conns_lock);
	tbib_conn_quiesce(c, true, true);
	spin_lock_bh(&c->lock);
	tbib_conn_reset_tx(c);
	tbib_conn_reset_rx(c);
	spin_unlock_bh(&c->lock);
	qp->tp = NULL;
	tbib_conn_free(c);
}

/* Attributes the data path reads; lock held. */
static void tbib_tp_copy_attrs(struct tbib_conn *c, const struct tbib_qp_attrs *a)
{
	c->access = a->access;
	c->qkey = a->qkey;
	c->timeout = a->timeout;
	c->retry_cnt = a->retry_cnt;
	c->rnr_retry = a->rnr_retry;
	c->min_rnr_timer = a->min_rnr_timer;
	c->max_rd_atomic = a->max_rd_atomic;
	if (c->type != IB_QPT_UD) {
		c->dlid = a->av.dlid;
		c->dqpn = a->dest_qp_num;
	}
}

void tbib_transport_qp_modify(struct tbib_qp *qp, enum ib_qp_state old,
			      int mask)
{
	enum ib_qp_state state = tbib_qp_state(qp);
	struct tbib_conn *c = qp->tp;
	const struct tbib_qp_attrs *a = &qp->attr;

	if (state == IB_QPS_RESET) {
		tbib_conn_quiesce(c, true, true);
		spin_lock_bh(&c->lock);
		tbib_conn_reset_tx(c);
		tbib_conn_reset_rx(c);
		c->sq_err = false;
		spin_unlock_bh(&c->lock);
		return;
	}
	if (state == IB_QPS_ERR)
		return;		/* qp_error follows */

	spin_lock_bh(&c->lock);
	tbib_tp_copy_attrs(c, a);
	if (state == IB_QPS_RTR && old == IB_QPS_INIT) {
		c->gen_rx = tbib_conn_gen(c->dqpn, c->qpn, a->rq_psn);
		tbib_conn_init_rx(c, a->rq_psn);
		c->rx_on = true;
	}
	if (state == IB_QPS_RTS && old == IB_QPS_RTR) {
		c->gen_tx = tbib_conn_gen(c->qpn, c->dqpn, a->sq_psn);
		tbib_conn_init_tx(c, a->sq_psn);
		c->tx_on = true;
		c->sq_err = false;
	}
	if (state == IB_QPS_RTS && old == IB_QPS_SQE) {
		c->tx_on = true;
		c->sq_err = false;
	}
	spin_unlock_bh(&c->lock);
}

void tbib_transport_qp_error(struct tbib_qp *qp)
{
	struct tbib_conn *c = qp->tp;
	bool sqe = tbib_qp_state(qp) == IB_QPS_SQE;

	tbib_conn_quiesce(c, true, !sqe);
	spin_lock_bh(&c->lock);
	tbib_conn_reset_tx(c);
	if (!sqe)
		tbib_conn_reset_rx(c);
	spin_unlock_bh(&c->lock);
}

/*
 * New send WQEs.  From a system call (the user doorbell) the requester
 * runs right here, which saves a context switch per message; from atomic
 * context with interrupts off it is left to the work.
 */
void tbib_transport_sq_kick(struct tbib_qp *qp)
{
	struct tbib_conn *c = qp->tp;
	bool more;

	if (!c)
		return;
	if (in_hardirq() || irqs_disabled()) {
		tbib_conn_kick(c);
		return;
	}
	spin_lock_bh(&c->lock);
	more = tbib_conn_tx(c, tbib_tx_budget);
	spin_unlock_bh(&c->lock);
	if (more)
		tbib_conn_kick(c);
}

/* ---- receive -------------------------------------------------------------- */

static bool tbib_op_is_ud(u8 op)
{
	return op == TBIB_OP_UD_SEND_ONLY || op == TBIB_OP_UD_SEND_ONLY_IMM;
}

/* Header, CRC and addressing checks; on failure the counter to bump. */
static int tbib_rx_check(struct tbib_rail *rail, struct tbib_peer *peer,
			 struct sk_buff *skb, struct tbib_pkt *p)
{
	u32 hl, covered;
	__be32 crc;

	if (!pskb_may_pull(skb, TBIB_BTH_LEN))
		return TBIB_A_STATS_RX_DROP_MALFORMED;
	hl = skb->data[3] * 4U;
	if (hl < TBIB_BTH_LEN || !pskb_may_pull(skb, hl))
		return TBIB_A_STATS_RX_DROP_MALFORMED;
	if (tbib_wire_decode_hdr(skb->data, skb_headlen(skb), skb->len, p))
		return TBIB_A_STATS_RX_DROP_MALFORMED;
	if (p->bth.flags & TBIB_F_CRC) {
		covered = p->hdr_len + p->bth.paylen;
		if (skb_copy_bits(skb, covered, &crc, sizeof(crc)) ||
		    be32_to_cpu(crc) != tbib_skb_crc32c(skb, covered))
			return TBIB_A_STATS_RX_DROP_CSUM;
	} else if (READ_ONCE(rail->csum)) {
		/* a rail with CRC on takes no frame without one */
		return TBIB_A_STATS_RX_DROP_CSUM;
	}
	if (p->bth.slid != READ_ONCE(peer->lid))
		return TBIB_A_STATS_RX_DROP_PEER;
	return 0;
}

void tbib_transport_rx(struct tbib_rail *rail, struct sk_buff *skb)
{
	struct tbib_peer *peer = rcu_dereference(rail->peer);
	struct tbib_dev *dev = tbib_rail_dev(rail);
	const struct tbib_op_info *op;
	struct tbib_conn *c;
	struct tbib_qp *qp;
	struct tbib_pkt p;
	bool ud, ok;
	int why;

	if (unlikely(!peer)) {
		tbib_stat_inc(&rail->stats, TBIB_A_STATS_RX_DROP_PEER);
		goto drop;
	}
	tbib_stat_inc(&peer->stats, TBIB_A_STATS_RX_PACKETS);
	tbib_stat_add(&peer->stats, TBIB_A_STATS_RX_BYTES, skb->len);
	why = tbib_rx_check(rail, peer, skb, &p);
	if (unlikely(why)) {
		tbib_stat_inc(&rail->stats, why);
		goto drop;
	}
	trace_tbib_rx(rail, skb);
	if (unlikely(p.bth.dlid != READ_ONCE(dev->bond.lid)))
		goto no_qp;
	qp = tbib_qp_get(&dev->ibdev, p.bth.dqpn);
	if (unlikely(!qp))
		goto no_qp;
	c = qp->tp;
	op = tbib_wire_op_info(p.bth.opcode);
	ud = tbib_op_is_ud(p.bth.opcode);

	spin_lock(&c->lock);
	/* the QP must be of the frame's kind and ready for it */
	if (ud)
		ok = c->type == IB_QPT_UD && c->rx_on;
	else if (op->flags & TBIB_OPF_REQ)
		ok = c->type != IB_QPT_UD && c->rx_on;
	else
		ok = c->type == IB_QPT_RC && c->tx_on;
	if (unlikely(!ok)) {
		spin_unlock(&c->lock);
		tbib_qp_put(qp);
		goto no_qp;
	}
	/* ... and, connected, belong to this connection */
	if (!ud && unlikely(p.bth.sqpn != c->dqpn || p.bth.slid != c->dlid ||
			    p.bth.gen != ((op->flags & TBIB_OPF_REQ) ?
					  c->gen_rx : c->gen_tx))) {
		spin_unlock(&c->lock);
		tbib_qp_put(qp);
		/* the QPN's previous connection may linger */
		if (!tbib_linger_rx(dev, peer, &p))
			tbib_stat_inc(&dev->stats, TBIB_A_STATS_RX_DROP_STALE);
		goto drop;
	}

	if (ud) {
		tbib_resp_ud_rx(c, skb, &p);
	} else if (op->flags & TBIB_OPF_REQ) {
		tbib_resp_rx(c, rail, peer, skb, &p);
	} else {
		tbib_comp_rx(c, peer, tbib_spray_slot(rail), skb, &p);
		consume_skb(skb);
		/* the ACK may have opened the window or asked for resends */
		if (tbib_conn_tx(c, tbib_tx_budget / 4 + 1))
			tbib_conn_kick(c);
	}
	spin_unlock(&c->lock);
	tbib_qp_put(qp);
	return;

no_qp:
	if (!tbib_linger_rx(dev, peer, &p))
		tbib_stat_inc(&dev->stats, TBIB_A_STATS_RX_DROP_NO_QP);
drop:
	kfree_skb(skb);
}

/* ---- rails and peers ------------------------------------------------------ */

void tbib_transport_rail_changed(struct tbib_rail *rail)
{
	bool down = rail->dead || !tbib_rail_is_up(rail) ||
		    !rail->peer_up;
	struct tbib_conn *c;
	int slot;

	lockdep_assert_held(&tbib_cfg_lock);
	tbib_spray_rail_changed(rail);
	slot = tbib_spray_slot(rail);
	if (slot < 0)
		return;

	/*
	 * Down: what was in flight on it is lost, resend it on the others
	 * now.  Up, confirmed by the peer, or a new weight: stalled QPs may
	 * go on.
	 */
	mutex_lock(&tbib_conns_lock);
	list_for_each_entry(c, &tbib_conns, node) {
		bool kick = false;

		if (c->dev != tbib_rail_dev(rail))
			continue;
		spin_lock_bh(&c->lock);
		/* loopback QPs use the device's own rail, not this one */
		if (c->dlid == READ_ONCE(tbib_rail_bond(rail)->lid)) {
			spin_unlock_bh(&c->lock);
			continue;
		}
		if (down && c->tt)
			tbib_comp_rail_down(c, slot);
		if (c->tx_on && !down) {
			kick = true;
		} else if (c->tx_on && c->tt &&
			   tbib_txtrack_rail_down(c->tt, slot)) {
			tbib_conn_lost_on_rail(c, slot, TBIB_LOST_RAIL_DOWN);
			kick = true;
		}
		if (kick)
			tbib_conn_kick(c);
		spin_unlock_bh(&c->lock);
	}
	mutex_unlock(&tbib_conns_lock);
	/* a dead rail's slot is free again, now that nothing refers to it */
	if (rail->dead)
		tbib_spray_slot_release(rail);
}

void tbib_transport_peer_gone(struct tbib_peer *peer)
{
	tbib_spray_peer_gone(peer);
}

void tbib_transport_dev_teardown(struct tbib_dev *dev)
{
	/* ib_core destroyed every QP of the device before we get here. */
}

/* /sys/kernel/debug/tbib/conns: the state of every connection. */
static int tbib_conns_show(struct seq_file *m, void *v)
{
	struct tbib_conn *c;

	mutex_lock(&tbib_conns_lock);
	list_for_each_entry(c, &tbib_conns, node) {
		spin_lock_bh(&c->lock);
		seq_printf(m, "%s qp %u type %u dlid %u dqpn %u tx %d rx %d sq_err %d nak %d/%u/%u rnr %d/%u retries %u\n",
			   tbib_dev_name(c->dev), c->qpn, c->type, c->dlid,
			   c->dqpn, c->tx_on, c->rx_on, c->sq_err, c->nak,
			   c->nak_psn, c->nak_status, c->rnr_wait,
			   c->rnr_tries, c->retries);
		seq_printf(m, "  ring head %u build %u tail %u rd_busy %u store %llu next_psn %u srtt %llu us rttvar %llu us probed %d\n",
			   c->r_head, c->r_build, c->r_tail, c->rd_busy,
			   c->store_bytes, c->next_psn, c->srtt_ns / 1000,
			   c->rttvar_ns / 1000, c->probed);
		if (c->r_head != c->r_tail) {
			struct tbib_swqe *e = tbib_ring_at(c, c->r_head);

			seq_printf(m, "  head wqe op %u len %llu kind %u psn %u..%u off %llu built %d rd_open %u status %u\n",
				   e->w->opcode, e->w->length, e->kind,
				   e->first_psn, e->end_psn, e->off, e->built,
				   e->rd_open, e->status);
		}
		if (c->tt)
			seq_printf(m, "  txtrack una %u nxt %u nlost %u nacked %u epoch %u\n",
				   c->tt->una, c->tt->nxt, c->tt->nlost,
				   c->tt->nacked, c->tt->epoch);
		if (c->rw)
			seq_printf(m, "  rxwin expected %u depth %u epoch %u ack_pending %u rnr_hold %d rx_err %d msg %u/%llu jobs %u..%u\n",
				   c->rw->expected, c->rw->depth, c->rw->epoch,
				   c->ack_pending, c->rnr_hold, c->rx_err,
				   c->rmsg.kind, c->rmsg.off, c->job_head,
				   c->job_tail);
		spin_unlock_bh(&c->lock);
	}
	mutex_unlock(&tbib_conns_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tbib_conns);

static int tbib_sched_show(struct seq_file *m, void *v)
{
	tbib_spray_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tbib_sched);

static struct dentry *tbib_debugfs;

int tbib_transport_init(void)
{
	/*
	 * Normal priority on purpose: a busy QP requeues its work for as
	 * long as it has data, and must not starve the rails' keepalives.
	 * Per-CPU: the work runs where the doorbell rang, with the WQEs
	 * it sends still in that CPU's cache.
	 */
	tbib_tx_wq = alloc_workqueue("tbib_tx", WQ_PERCPU, 0);
	if (!tbib_tx_wq)
		return -ENOMEM;
	tbib_debugfs = debugfs_create_dir("tbib", NULL);
	debugfs_create_file("conns", 0400, tbib_debugfs, NULL,
			    &tbib_conns_fops);
	debugfs_create_atomic_t("fail_peer_rails", 0600, tbib_debugfs,
				&tbib_peer_fail_rails);
	debugfs_create_file("sched", 0400, tbib_debugfs, NULL,
			    &tbib_sched_fops);
	return 0;
}

void tbib_transport_exit(void)
{
	debugfs_remove_recursive(tbib_debugfs);
	destroy_workqueue(tbib_tx_wq);
}
