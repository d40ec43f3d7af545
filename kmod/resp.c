// SPDX-License-Identifier: GPL-2.0
/*
 * Responder: request packets -> memory and receive WQEs, in PSN order.
 *
 * Every RC/UC request packet goes through the reorder window: the one
 * with the expected PSN is processed at once, later ones wait (as skbs,
 * not copied) until the gap before them fills, earlier ones are
 * duplicates.  So data of PSN n is placed only after every PSN before it,
 * exactly as on one in-order link, and an application polling on the last
 * byte of a WRITE sees the whole message (DESIGN.md 4.2).
 *
 * RC errors, as IB has them:
 *   no receive WQE for a SEND (or WRITE with immediate): RNR NAK; the
 *	window restarts at that PSN (a new SACK epoch) so the requester
 *	resends from there after the RNR timer;
 *   bad rkey, bounds or permission: NAK remote access error, the QP goes
 *	to ERROR (IB_EVENT_QP_ACCESS_ERR);
 *   malformed sequence, too long a message: NAK invalid request, ERROR
 *	(IB_EVENT_QP_REQ_ERR);
 *   SEND with Invalidate of a key that cannot be invalidated (IB class J):
 *	no NAK, the message is not acknowledged either (the requester runs
 *	out of retries); the receive WQE completes with a local access
 *	error, ERROR (IB_EVENT_QP_ACCESS_ERR);
 *   a bad local receive buffer: the receive WQE completes with the local
 *	error, NAK remote operational error, ERROR.
 * UC drops the message instead, and only it: the next FIRST or ONLY packet
 * is received normally (tbib_resp_begin); UC also gives up on gaps
 * (ack.c).  UD: a datagram too big for its receive WQE completes that WQE
 * with a local length error, and the QP goes on.
 *
 * READ and atomic requests are remembered (struct tbib_rcache): a
 * duplicate READ is served again from the remembered request (the data is
 * read anew, as IB does), minus what a queued response of that READ is
 * still going to send (tbib_resp_read_trim: asking again for what is only
 * late must not double the load); a duplicate atomic gets the stored
 * original value, never a second execution, if it asks for exactly what
 * that request did (else an invalid request).  READ responses are sent by
 * tbib_resp_tx, from this softirq for small ones and the QP's work for
 * the rest.
 */

#include "kmod/conn.h"
#include "bond/peer.h"
#include "bond/psn.h"
#include "kmod/mw.h"
#include "rail/rail.h"

enum tbib_resp_res {
	TBIB_RESP_NEXT,		/* go on with the next packet */
	TBIB_RESP_STOP,		/* RNR or fatal error: stop the batch */
};

static bool tbib_op_is_send(u8 op)
{
	return op >= TBIB_OP_SEND_FIRST && op <= TBIB_OP_SEND_ONLY_INV;
}

static bool tbib_op_is_write(u8 op)
{
	return op >= TBIB_OP_WRITE_FIRST && op <= TBIB_OP_WRITE_ONLY_IMM;
}

static bool tbib_op_has_imm(u8 op)
{
	return op == TBIB_OP_SEND_LAST_IMM || op == TBIB_OP_SEND_ONLY_IMM ||
	       op == TBIB_OP_WRITE_LAST_IMM || op == TBIB_OP_WRITE_ONLY_IMM ||
	       op == TBIB_OP_UD_SEND_ONLY_IMM;
}

static bool tbib_op_has_inv(u8 op)
{
	return op == TBIB_OP_SEND_LAST_INV || op == TBIB_OP_SEND_ONLY_INV;
}

/*
 * Forget the message in progress.  A receive WQE it took stays taken: UC
 * uses it for the next message (IB), RC only ends a message without
 * completing its WQE on a fatal error, and then the flush completes it.
 */
static void tbib_rmsg_end(struct tbib_conn *c)
{
	struct tbib_rmsg *m = &c->rmsg;

	tbib_sgl_release(&m->sgl);
	m->kind = TBIB_RMSG_NONE;
	m->drop = false;
	m->off = 0;
}

/* The fatal error's NAK and the QP error, after the READs before it. */
static void tbib_resp_fail_end(struct tbib_conn *c, struct tbib_peer *peer)
{
	c->err_drain = false;
	tbib_ack_send_nak(c, peer, c->err_syndrome, c->err_psn);
	tbib_qp_error(c->qp, c->err_event);
}

/*
 * A fatal error of the responder.  RC: answer the READs accepted before
 * @psn, answer @psn with @syndrome (a NAK refusing it, or an ACK of the
 * PSNs before it only), complete the receive WQE in progress with
 * @wc_status (if any, else it is flushed), QP to ERROR with @event.  UC:
 * drop the rest of the message.
 */
static int tbib_resp_fail(struct tbib_conn *c, struct tbib_peer *peer,
			  u32 psn, u8 syndrome, u8 wc_status,
			  enum ib_event_type event)
{
	struct tbib_rmsg *m = &c->rmsg;
	struct ib_wc wc;

	if (c->type == IB_QPT_UC) {
		m->drop = true;
		return TBIB_RESP_NEXT;
	}
	pr_info_ratelimited("tbib: %s: QP %u: request PSN %u refused (AETH %#x, status %u)\n",
			    tbib_dev_name(c->dev), c->qpn, psn, syndrome,
			    wc_status);
	if (m->have_wqe && wc_status) {
		memset(&wc, 0, sizeof(wc));
		wc.status = wc_status;
		wc.opcode = IB_WC_RECV;
		wc.src_qp = c->dqpn;
		wc.slid = c->dlid;
		tbib_rq_complete(c->qp, &wc, false);
		m->have_wqe = false;
		m->rwqe = NULL;
	}
	tbib_rmsg_end(c);
	c->rx_err = true;
	if (c->type != IB_QPT_RC) {
		tbib_qp_error(c->qp, event);
		return TBIB_RESP_STOP;
	}
	c->err_syndrome = syndrome;
	c->err_psn = psn;
	c->err_event = event;
	/* nothing before @psn is acknowledged but by the answers below */
	c->ack_pending = 0;
	c->ack_now = false;
	/*
	 * An HCA answers requests in order: the READs queued before the bad
	 * request get their data before it is refused, and the requester
	 * waits for that data before it fails the WQE the NAK names.  A
	 * peer can queue gigabytes of them (dozens of READs of up to 2 GiB),
	 * so only a budget goes out from here; the QP's work sends the rest,
	 * then the NAK, and only then does the QP go to ERROR (which forgets
	 * the queue).  Meanwhile every request is dropped (rx_err).
	 */
	if (peer && c->job_head != c->job_tail) {
		c->err_drain = true;
		tbib_resp_tx(c, peer, TBIB_RESP_FAIL_BUDGET);
		if (c->err_drain)
			tbib_conn_kick(c);
		return TBIB_RESP_STOP;
	}
	c->job_head = c->job_tail;
	tbib_resp_fail_end(c, peer);
	return TBIB_RESP_STOP;
}

static int tbib_resp_fatal(struct tbib_conn *c, struct tbib_peer *peer,
			   u32 psn, enum tbib_nak code, u8 wc_status,
			   enum ib_event_type event)
{
	return tbib_resp_fail(c, peer, psn, tbib_aeth_nak(code), wc_status,
			      event);
}

/*
 * SEND with Invalidate naming a key that may not be invalidated (not a
 * fast-reg MR of this PD nor a type 2 window bound to this QP, or no such
 * key): IB class J.  The message itself
 * was received, so it is not NAKed, but not acknowledged either; the
 * receive WQE completes in error.
 */
static int tbib_resp_inv_fail(struct tbib_conn *c, struct tbib_peer *peer,
			      u32 psn)
{
	return tbib_resp_fail(c, peer, psn, tbib_aeth_ack(0),
			      IB_WC_LOC_ACCESS_ERR, IB_EVENT_QP_ACCESS_ERR);
}

static int tbib_resp_inv_req(struct tbib_conn *c, struct tbib_peer *peer,
			     u32 psn)
{
	return tbib_resp_fatal(c, peer, psn, TBIB_NAK_INV_REQ, 0,
			       IB_EVENT_QP_REQ_ERR);
}

static int tbib_resp_access_err(struct tbib_conn *c, struct tbib_peer *peer,
				u32 psn)
{
	return tbib_resp_fatal(c, peer, psn, TBIB_NAK_REM_ACCESS, 0,
			       IB_EVENT_QP_ACCESS_ERR);
}

/* No receive WQE: RC answers RNR, UC drops the message. */
static int tbib_resp_rnr(struct tbib_conn *c, struct tbib_peer *peer, u32 psn)
{
	if (c->type == IB_QPT_UC) {
		c->rmsg.drop = true;
		return TBIB_RESP_NEXT;
	}
	tbib_rxwin_reset(c->rw, psn, tbib_conn_free_held, c);
	tbib_ack_send_rnr(c, peer, psn);
	/*
	 * Until @psn comes again, no plain ACK: one with the new epoch that
	 * overtook the NAK would make the requester resend at once instead
	 * of waiting out the RNR timer.
	 */
	c->rnr_hold = true;
	return TBIB_RESP_STOP;
}

/*
 * Take a receive WQE for a message.  NULL: none (*fatal false) or an
 * invalid one (*fatal true, already handled).
 */
static struct tbib_recv_wqe *tbib_resp_take(struct tbib_conn *c,
					    struct tbib_peer *peer, u32 psn,
					    int *res)
{
	struct tbib_recv_wqe *w = c->rmsg.have_wqe ? c->rmsg.rwqe :
				  tbib_rq_take(c->qp);

	*res = TBIB_RESP_NEXT;
	if (!w) {
		*res = tbib_resp_rnr(c, peer, psn);
		return NULL;
	}
	c->rmsg.have_wqe = true;
	c->rmsg.rwqe = w;
	if (w->status != IB_WC_SUCCESS) {
		*res = tbib_resp_fatal(c, peer, psn, TBIB_NAK_REM_OP,
				       w->status, IB_EVENT_QP_FATAL);
		return NULL;
	}
	return w;
}

/* Complete the receive WQE of the message; a CQ overflow is fatal. */
static int tbib_resp_complete_status(struct tbib_conn *c,
				     const struct tbib_pkt *p, u8 status,
				     enum ib_wc_opcode opcode, u32 byte_len,
				     u32 wc_flags)
{
	struct ib_wc wc;

	memset(&wc, 0, sizeof(wc));
	wc.status = status;
	wc.opcode = opcode;
	wc.byte_len = byte_len;
	wc.wc_flags = wc_flags;
	if (wc_flags & IB_WC_WITH_IMM)
		wc.ex.imm_data = cpu_to_be32(p->imm);
	else if (wc_flags & IB_WC_WITH_INVALIDATE)
		wc.ex.invalidate_rkey = p->ieth_rkey;
	if (c->type == IB_QPT_UD) {
		wc.src_qp = p->deth.src_qpn;
		wc.slid = p->bth.slid;
	} else {
		wc.src_qp = c->dqpn;
		wc.slid = c->dlid;
	}
	c->rmsg.have_wqe = false;
	c->rmsg.rwqe = NULL;
	if (tbib_rq_complete(c->qp, &wc, p->bth.flags & TBIB_F_SOLICITED) ==
	    -ENOSPC) {
		tbib_qp_error(c->qp, IB_EVENT_QP_FATAL);
		return TBIB_RESP_STOP;
	}
	return TBIB_RESP_NEXT;
}

static int tbib_resp_complete(struct tbib_conn *c, const struct tbib_pkt *p,
			      enum ib_wc_opcode opcode, u32 byte_len,
			      u32 wc_flags)
{
	return tbib_resp_complete_status(c, p, IB_WC_SUCCESS, opcode, byte_len,
					 wc_flags);
}

/*
 * A FIRST or ONLY packet: a new message.  RC: the one before must have
 * ended.  UC: whatever became of the one before, its missing tail or its
 * error dropped that message only; this one is received normally.  (A
 * message dropped by an error is swallowed up to its LAST packet, or up
 * to the next FIRST or ONLY one if its LAST is lost too, as IB has it.)
 */
static int tbib_resp_begin(struct tbib_conn *c, struct tbib_peer *peer,
			   u32 psn)
{
	if (c->rmsg.kind != TBIB_RMSG_NONE && c->type == IB_QPT_RC)
		return tbib_resp_inv_req(c, peer, psn);
	tbib_rmsg_end(c);
	return TBIB_RESP_NEXT;
}

static int tbib_resp_send(struct tbib_conn *c, struct tbib_peer *peer,
			  struct sk_buff *skb, const struct tbib_pkt *p,
			  u8 opf)
{
	struct tbib_rmsg *m = &c->rmsg;
	u32 psn = p->bth.psn, flags = 0, len = p->bth.paylen;
	struct tbib_recv_wqe *w;
	int res, err;

	if (opf & TBIB_OPF_FIRST) {
		if (tbib_resp_begin(c, peer, psn) == TBIB_RESP_STOP)
			return TBIB_RESP_STOP;
		w = tbib_resp_take(c, peer, psn, &res);
		if (!w) {
			if (res == TBIB_RESP_NEXT)	/* UC: swallow it */
				m->kind = TBIB_RMSG_SEND;
			return res;
		}
		m->kind = TBIB_RMSG_SEND;
		m->off = 0;
		tbib_sgl_init(&m->sgl, c->qp, w->sge, w->num_sge,
			      IB_ACCESS_LOCAL_WRITE);
	} else if (m->kind != TBIB_RMSG_SEND) {
		if (c->type == IB_QPT_RC)
			return tbib_resp_inv_req(c, peer, psn);
		return TBIB_RESP_NEXT;		/* UC: rest of a lost one */
	}
	if (m->drop)
		goto out;
	if (p->bth.offset != m->off)
		return tbib_resp_inv_req(c, peer, psn);
	if (m->off + len > m->rwqe->length)
		return tbib_resp_fatal(c, peer, psn, TBIB_NAK_INV_REQ,
				       IB_WC_LOC_LEN_ERR, IB_EVENT_QP_REQ_ERR);
	if (len) {
		err = tbib_sgl_copy_from_skb(&m->sgl, skb, p->hdr_len, len);
		tbib_sgl_release(&m->sgl);
		if (err)
			return tbib_resp_fatal(c, peer, psn, TBIB_NAK_REM_OP,
					       err == -ENOSPC ?
					       IB_WC_LOC_LEN_ERR :
					       IB_WC_LOC_PROT_ERR,
					       IB_EVENT_QP_FATAL);
	}
	m->off += len;
out:
	if (!(opf & TBIB_OPF_LAST))
		return TBIB_RESP_NEXT;
	c->msn++;
	if (m->drop) {
		/* UC: the receive WQE (if any) is used by the next one */
		tbib_rmsg_end(c);
		return TBIB_RESP_NEXT;
	}
	if (tbib_op_has_imm(p->bth.opcode))
		flags |= IB_WC_WITH_IMM;
	if (tbib_op_has_inv(p->bth.opcode)) {
		if (tbib_key_invalidate(&c->qp->ibqp, p->ieth_rkey, true))
			return tbib_resp_inv_fail(c, peer, psn);
		flags |= IB_WC_WITH_INVALIDATE;
	}
	len = m->off;
	tbib_rmsg_end(c);
	return tbib_resp_complete(c, p, IB_WC_RECV, len, flags);
}

static int tbib_resp_write(struct tbib_conn *c, struct tbib_peer *peer,
			   struct sk_buff *skb, const struct tbib_pkt *p,
			   u8 opf)
{
	struct tbib_rmsg *m = &c->rmsg;
	u32 psn = p->bth.psn, len = p->bth.paylen;
	struct tbib_mr *mr;
	int res, err;

	if (opf & TBIB_OPF_FIRST) {
		if (tbib_resp_begin(c, peer, psn) == TBIB_RESP_STOP)
			return TBIB_RESP_STOP;
		if (p->reth.dma_len) {
			if (!(c->access & IB_ACCESS_REMOTE_WRITE))
				return tbib_resp_access_err(c, peer, psn);
			mr = tbib_rkey_get(&c->qp->ibqp, p->reth.rkey,
					   IB_ACCESS_REMOTE_WRITE, p->reth.va,
					   p->reth.dma_len);
			if (!mr)
				return tbib_resp_access_err(c, peer, psn);
			tbib_mr_put(mr);
		}
		/*
		 * WRITE_ONLY with immediate: the receive WQE before anything
		 * changes, so that after an RNR NAK the resent packet finds
		 * the state as it was.
		 */
		if ((opf & TBIB_OPF_LAST) && tbib_op_has_imm(p->bth.opcode) &&
		    !tbib_resp_take(c, peer, psn, &res)) {
			m->drop = false;	/* UC: this one packet is lost */
			return res;
		}
		m->kind = TBIB_RMSG_WRITE;
		m->off = 0;
		m->va = p->reth.va;
		m->rkey = p->reth.rkey;
		m->len = p->reth.dma_len;
	} else if (m->kind != TBIB_RMSG_WRITE) {
		if (c->type == IB_QPT_RC)
			return tbib_resp_inv_req(c, peer, psn);
		return TBIB_RESP_NEXT;
	}
	if (m->drop)
		goto out;
	if (p->bth.offset != m->off || m->off + len > m->len)
		return tbib_resp_inv_req(c, peer, psn);
	if ((opf & TBIB_OPF_LAST) && m->off + len != m->len)
		return tbib_resp_inv_req(c, peer, psn);
	/* WRITE with immediate: the receive WQE first (RNR before data) */
	if ((opf & TBIB_OPF_LAST) && tbib_op_has_imm(p->bth.opcode) &&
	    !tbib_resp_take(c, peer, psn, &res))
		return res;
	if (len) {
		/* Checked per packet: the MR may have gone meanwhile. */
		mr = tbib_rkey_get(&c->qp->ibqp, m->rkey,
				   IB_ACCESS_REMOTE_WRITE, m->va + m->off, len);
		if (!mr)
			return tbib_resp_access_err(c, peer, psn);
		err = tbib_mr_copy_from_skb(mr, m->va + m->off, skb,
					    p->hdr_len, len);
		tbib_mr_put(mr);
		if (err)
			return tbib_resp_access_err(c, peer, psn);
	}
	m->off += len;
out:
	if (!(opf & TBIB_OPF_LAST))
		return TBIB_RESP_NEXT;
	c->msn++;
	if (m->drop || !tbib_op_has_imm(p->bth.opcode)) {
		tbib_rmsg_end(c);
		return TBIB_RESP_NEXT;
	}
	len = m->len;
	tbib_rmsg_end(c);
	return tbib_resp_complete(c, p, IB_WC_RECV_RDMA_WITH_IMM, len,
				  IB_WC_WITH_IMM);
}

/*
 * The newest remembered READ or atomic with @psn, if @psn may still be a
 * resend at all (TBIB_RESP_DUP_WIN): an entry of the same PSN from before
 * the 24-bit PSN wrapped is another request.
 */
static struct tbib_rcache *tbib_cache_find(struct tbib_conn *c, u32 psn,
					   bool atomic)
{
	s32 behind = tbib_psn_diff(tbib_rxwin_expected(c->rw), psn);
	unsigned int i;

	if (behind <= 0 || behind > TBIB_RESP_DUP_WIN)
		return NULL;
	for (i = 1; i <= TBIB_RESP_CACHE; i++) {
		struct tbib_rcache *e = &c->cache[(c->cache_next +
						   TBIB_RESP_CACHE - i) %
						  TBIB_RESP_CACHE];

		if (e->valid && e->psn == psn && e->atomic == atomic)
			return e;
	}
	return NULL;
}

static struct tbib_rcache *tbib_cache_add(struct tbib_conn *c, u32 psn,
					  bool atomic)
{
	struct tbib_rcache *e = &c->cache[c->cache_next];

	c->cache_next = (c->cache_next + 1) % TBIB_RESP_CACHE;
	memset(e, 0, sizeof(*e));
	e->valid = true;
	e->psn = psn;
	e->atomic = atomic;
	e->msn = c->msn & TBIB_MSN_MASK;
	return e;
}

/*
 * Queue the READ response of [va, va + len) at message offset @off;
 * @resend: it answers a duplicate request.  A resend goes ahead of the
 * first-time responses queued (behind earlier resends): it fills a gap
 * the requester is waiting for, while they are new data that can wait,
 * and behind them it would stall the requester for as long as the whole
 * queue takes (up to max_dest_rd_atomic READs) once per loss.  The
 * requester places responses by offset, in any order.
 */
static void tbib_resp_queue_read(struct tbib_conn *c, u32 psn, u64 va,
				 u32 rkey, u32 off, u32 len, u32 msn,
				 bool resend)
{
	struct tbib_rjob *j;
	u32 i, next;

	if (((c->job_tail + 1) % TBIB_RESP_JOBS) == c->job_head)
		return;		/* full: the requester will ask again */
	if (resend) {
		c->job_head = (c->job_head + TBIB_RESP_JOBS - 1) % TBIB_RESP_JOBS;
		for (i = c->job_head;; i = next) {
			next = (i + 1) % TBIB_RESP_JOBS;
			if (next == c->job_tail || !c->jobs[next].resend)
				break;
			c->jobs[i] = c->jobs[next];
		}
		j = &c->jobs[i];
	} else {
		j = &c->jobs[c->job_tail];
		c->job_tail = (c->job_tail + 1) % TBIB_RESP_JOBS;
	}
	j->psn = psn;
	j->va = va;
	j->rkey = rkey;
	j->off = off;
	j->left = len;
	j->msn = msn;
	j->started = false;
	j->resend = resend;
}

/*
 * A duplicate READ request for [*off, *off + *len): the part of it that a
 * queued response of the same READ is still going to send is no loss,
 * only late (the requester cannot tell); leave it out.  Returns false if
 * nothing is left to send.  What was already sent is sent again: the
 * requester asks for a range only when it is missing there.
 */
static bool tbib_resp_read_trim(struct tbib_conn *c, u32 psn, u32 *off,
				u32 *len)
{
	u32 s = *off, e = *off + *len, i;

	for (i = c->job_head; i != c->job_tail; i = (i + 1) % TBIB_RESP_JOBS) {
		const struct tbib_rjob *j = &c->jobs[i];
		u32 js = j->off, je = j->off + j->left;

		if (j->psn != psn || !j->left || je <= s || js >= e)
			continue;
		if (js <= s && je >= e)
			return false;		/* all of it still to come */
		if (js <= s)
			s = je;			/* its head is still to come */
		else if (je >= e)
			e = js;			/* its tail is still to come */
		/* (a queued piece inside it: send it all, rare) */
	}
	*off = s;
	*len = e - s;
	return true;
}

static int tbib_resp_read(struct tbib_conn *c, struct tbib_peer *peer,
			  const struct tbib_pkt *p)
{
	u32 psn = p->bth.psn, len = p->reth.dma_len;
	struct tbib_rcache *e;
	struct tbib_mr *mr;

	if (c->rmsg.kind != TBIB_RMSG_NONE)
		return tbib_resp_inv_req(c, peer, psn);
	/* no IB message is longer than 2^31 bytes, a READ neither */
	if ((u64)p->bth.offset + len > TBIB_MAX_MSG_SIZE)
		return tbib_resp_inv_req(c, peer, psn);
	if (len) {
		if (!(c->access & IB_ACCESS_REMOTE_READ))
			return tbib_resp_access_err(c, peer, psn);
		mr = tbib_rkey_get(&c->qp->ibqp, p->reth.rkey,
				   IB_ACCESS_REMOTE_READ, p->reth.va, len);
		if (!mr)
			return tbib_resp_access_err(c, peer, psn);
		tbib_mr_put(mr);
	}
	c->msn++;
	e = tbib_cache_add(c, psn, false);
	e->va = p->reth.va;
	e->rkey = p->reth.rkey;
	e->len = len;
	e->base_off = p->bth.offset;
	tbib_resp_queue_read(c, psn, e->va, e->rkey, e->base_off, len, e->msn,
			     false);
	return TBIB_RESP_NEXT;
}

static void tbib_resp_send_atomic_ack(struct tbib_conn *c,
				      struct tbib_peer *peer,
				      const struct tbib_rcache *e)
{
	struct tbib_pkt p;

	tbib_pkt_init(c, &p, TBIB_OP_ATOMIC_ACK, true);
	p.bth.psn = e->psn;
	p.aeth.syndrome = tbib_aeth_ack(0);
	p.aeth.msn = e->msn;
	p.atomic_orig = e->orig;
	tbib_send_hdr_only(peer, &p);
}

static int tbib_resp_atomic(struct tbib_conn *c, struct tbib_peer *peer,
			    const struct tbib_pkt *p)
{
	const struct tbib_atomic_eth *a = &p->atomic;
	u32 psn = p->bth.psn;
	struct tbib_rcache *e;
	struct tbib_mr *mr;
	u64 orig;
	int err;

	if (c->rmsg.kind != TBIB_RMSG_NONE)
		return tbib_resp_inv_req(c, peer, psn);
	if (!(c->access & IB_ACCESS_REMOTE_ATOMIC))
		return tbib_resp_access_err(c, peer, psn);
	if (a->va & 7)
		return tbib_resp_inv_req(c, peer, psn);
	mr = tbib_rkey_get(&c->qp->ibqp, a->rkey, IB_ACCESS_REMOTE_ATOMIC,
			   a->va, 8);
	if (!mr)
		return tbib_resp_access_err(c, peer, psn);
	if (p->bth.opcode == TBIB_OP_CMP_SWP)
		err = tbib_mr_atomic(mr, a->va, true, a->compare, a->swap_add,
				     &orig);
	else
		err = tbib_mr_atomic(mr, a->va, false, a->swap_add, 0, &orig);
	tbib_mr_put(mr);
	if (err)
		return tbib_resp_inv_req(c, peer, psn);
	c->msn++;
	e = tbib_cache_add(c, psn, true);
	e->opcode = p->bth.opcode;
	e->rkey = a->rkey;
	e->va = a->va;
	e->swap_add = a->swap_add;
	e->compare = p->bth.opcode == TBIB_OP_CMP_SWP ? a->compare : 0;
	e->orig = orig;
	tbib_resp_send_atomic_ack(c, peer, e);
	return TBIB_RESP_NEXT;
}

/*
 * FLUSH of a range or of a whole MR (IBA annex A19).  Everything before it
 * in PSN order is placed by now, with CPU stores, so it is globally
 * visible: what is left is to check the request as an HCA would (the QP
 * allows the placement type, else an invalid request as for an opcode the
 * QP does not take; the MR allows it over the range, else a remote access
 * error) and acknowledge it, which completes the requester's FLUSH.
 * Persistence is never granted: no MR can have IB_ACCESS_FLUSH_PERSISTENT.
 */
static int tbib_resp_flush(struct tbib_conn *c, struct tbib_peer *peer,
			   struct sk_buff *skb, const struct tbib_pkt *p)
{
	u32 psn = p->bth.psn;
	int access = 0;
	u8 feth[4];

	if (c->rmsg.kind != TBIB_RMSG_NONE || p->bth.paylen != sizeof(feth) ||
	    skb_copy_bits(skb, p->hdr_len, feth, sizeof(feth)))
		return tbib_resp_inv_req(c, peer, psn);
	if (!feth[0] || (feth[0] & ~(IB_FLUSH_GLOBAL | IB_FLUSH_PERSISTENT)) ||
	    (feth[1] != IB_FLUSH_RANGE && feth[1] != IB_FLUSH_MR))
		return tbib_resp_inv_req(c, peer, psn);
	if (feth[0] & IB_FLUSH_GLOBAL)
		access |= IB_ACCESS_FLUSH_GLOBAL;
	if (feth[0] & IB_FLUSH_PERSISTENT)
		access |= IB_ACCESS_FLUSH_PERSISTENT;
	if (!access || (access & ~c->access))
		return tbib_resp_inv_req(c, peer, psn);
	if (tbib_mr_flush(c->qp->ibqp.device, c->qp->ibqp.pd, p->reth.rkey,
			  access, p->reth.va, p->reth.dma_len,
			  feth[1] == IB_FLUSH_MR))
		return tbib_resp_access_err(c, peer, psn);
	c->msn++;
	return TBIB_RESP_NEXT;
}

/*
 * ATOMIC WRITE: 8 bytes stored at once at an 8-byte aligned address, with
 * the rights of an RDMA WRITE; acknowledged like one.  Not in a message.
 */
static int tbib_resp_atomic_write(struct tbib_conn *c, struct tbib_peer *peer,
				  struct sk_buff *skb, const struct tbib_pkt *p)
{
	u32 psn = p->bth.psn;
	struct tbib_mr *mr;
	u64 val;
	int err;

	if (c->rmsg.kind != TBIB_RMSG_NONE)
		return tbib_resp_inv_req(c, peer, psn);
	if (p->bth.paylen != 8 || p->reth.dma_len != 8 || (p->reth.va & 7) ||
	    skb_copy_bits(skb, p->hdr_len, &val, sizeof(val)))
		return tbib_resp_inv_req(c, peer, psn);
	if (!(c->access & IB_ACCESS_REMOTE_WRITE))
		return tbib_resp_access_err(c, peer, psn);
	mr = tbib_rkey_get(&c->qp->ibqp, p->reth.rkey, IB_ACCESS_REMOTE_WRITE,
			   p->reth.va, 8);
	if (!mr)
		return tbib_resp_access_err(c, peer, psn);
	err = tbib_mr_atomic_write(mr, p->reth.va, val);
	tbib_mr_put(mr);
	if (err)
		return tbib_resp_access_err(c, peer, psn);
	c->msn++;
	return TBIB_RESP_NEXT;
}

/* One request packet, in PSN order.  The caller frees @skb. */
static int tbib_resp_one(struct tbib_conn *c, struct tbib_peer *peer,
			 struct sk_buff *skb, const struct tbib_pkt *p)
{
	const struct tbib_op_info *op = tbib_wire_op_info(p->bth.opcode);
	u8 code = p->bth.opcode;

	if (tbib_op_is_send(code))
		return tbib_resp_send(c, peer, skb, p, op->flags);
	if (tbib_op_is_write(code))
		return tbib_resp_write(c, peer, skb, p, op->flags);
	if (c->type != IB_QPT_RC)
		return TBIB_RESP_NEXT;	/* UC has no READ or atomics */
	if (code == TBIB_OP_READ_REQ)
		return tbib_resp_read(c, peer, p);
	if (code == TBIB_OP_ATOMIC_WRITE)
		return tbib_resp_atomic_write(c, peer, skb, p);
	if (code == TBIB_OP_FLUSH)
		return tbib_resp_flush(c, peer, skb, p);
	return tbib_resp_atomic(c, peer, p);
}

/* A request below the window: answer it, never execute it again. */
static void tbib_resp_dup(struct tbib_conn *c, struct tbib_peer *peer,
			  const struct tbib_pkt *p)
{
	struct tbib_rcache *e;
	u32 base, len = p->reth.dma_len;

	if (c->type != IB_QPT_RC)
		return;
	switch (p->bth.opcode) {
	case TBIB_OP_READ_REQ:
		tbib_stat_inc(&peer->stats, TBIB_A_STATS_RX_DUP_READ_REQ);
		e = tbib_cache_find(c, p->bth.psn, false);
		base = p->bth.offset;
		/* only (a part of) the request we executed */
		if (!e || p->reth.rkey != e->rkey || base < e->base_off ||
		    (u64)base + len > (u64)e->base_off + e->len ||
		    p->reth.va != e->va + (base - e->base_off))
			return;
		if (!tbib_resp_read_trim(c, e->psn, &base, &len)) {
			tbib_stat_inc(&peer->stats,
				      TBIB_A_STATS_READ_REQ_MERGED);
			return;
		}
		tbib_resp_queue_read(c, e->psn,
				     e->va + (base - e->base_off), e->rkey,
				     base, len, e->msn, true);
		return;
	case TBIB_OP_CMP_SWP:
	case TBIB_OP_FETCH_ADD:
		e = tbib_cache_find(c, p->bth.psn, true);
		if (!e)
			return;
		/*
		 * The stored original value answers only the request that
		 * produced it: a "duplicate" asking for something else is
		 * an invalid request (IB), not that request's result.
		 */
		if (p->bth.opcode != e->opcode || p->atomic.rkey != e->rkey ||
		    p->atomic.va != e->va ||
		    p->atomic.swap_add != e->swap_add ||
		    (p->bth.opcode == TBIB_OP_CMP_SWP &&
		     p->atomic.compare != e->compare)) {
			tbib_resp_inv_req(c, peer, p->bth.psn);
			return;
		}
		tbib_resp_send_atomic_ack(c, peer, e);
		return;
	default:
		tbib_ack_note(c, true);
	}
}

void tbib_resp_rx(struct tbib_conn *c, struct tbib_rail *rail,
		  struct tbib_peer *peer, struct sk_buff *skb,
		  struct tbib_pkt *p)
{
	struct tbib_dev *dev = c->dev;
	enum tbib_rxwin_res res;
	void *item;
	u32 psn;
	int ret;

	if (!c->rx_on || c->rx_err) {
		/*
		 * Until the QP is stopped (then tbib_linger_rx answers), a
		 * resend of what the fatal NAK refused means it was lost.
		 */
		if (c->rx_err && !c->err_drain && c->type == IB_QPT_RC &&
		    tbib_linger_failed_match(c->err_psn, p->bth.psn)) {
			tbib_ack_send_nak(c, peer, c->err_syndrome, c->err_psn);
			tbib_stat_inc(&dev->stats, TBIB_A_STATS_TX_LINGER_ACK);
		}
		kfree_skb(skb);
		return;
	}
	res = tbib_rxwin_insert(c->rw, p->bth.psn, skb);
	switch (res) {
	case TBIB_RXWIN_HELD:
		tbib_stat_inc(&peer->stats, TBIB_A_STATS_RX_OOO);
		tbib_stat_depth_add(&dev->stats, 1);
		tbib_ack_note(c, false);
		break;
	case TBIB_RXWIN_IN_ORDER:
		c->rnr_hold = false;
		for (;;) {
			ret = tbib_resp_one(c, peer, skb, p);
			kfree_skb(skb);
			if (ret == TBIB_RESP_STOP || c->rx_err)
				break;
			tbib_ack_note(c, p->bth.flags & TBIB_F_ACKREQ);
			if (!tbib_rxwin_pop(c->rw, &item, &psn))
				break;
			tbib_stat_depth_add(&dev->stats, -1);
			skb = item;
			/* it was decoded and checked when it arrived */
			if (tbib_wire_decode_hdr(skb->data, skb_headlen(skb),
						 skb->len, p)) {
				kfree_skb(skb);
				break;
			}
		}
		break;
	case TBIB_RXWIN_DUP_OLD:
		tbib_stat_inc(&peer->stats, TBIB_A_STATS_RX_DUP);
		tbib_resp_dup(c, peer, p);
		kfree_skb(skb);
		break;
	case TBIB_RXWIN_DUP_HELD:
		/* a resend of what we hold: our SACK of it was lost */
		tbib_stat_inc(&peer->stats, TBIB_A_STATS_RX_DUP);
		kfree_skb(skb);
		if (c->type == IB_QPT_RC)
			tbib_ack_note(c, true);
		break;
	default:
		tbib_stat_inc(&peer->stats, TBIB_A_STATS_RX_DROP_WINDOW);
		kfree_skb(skb);
		if (c->type == IB_QPT_RC)
			tbib_ack_note(c, true);
		break;
	}
	if (!c->rx_err) {
		tbib_ack_flush(c, peer);
		if (c->job_head != c->job_tail &&
		    tbib_resp_tx(c, peer, tbib_tx_budget / 4 + 1) &&
		    c->job_head != c->job_tail)
			tbib_conn_kick(c);
	}
}

/* ---- READ responses --------------------------------------------------- */

struct tbib_read_fill {
	struct tbib_mr *mr;
	u64 va;
};

static int tbib_resp_fill(void *ctx, void *buf, u32 len)
{
	struct tbib_read_fill *f = ctx;
	int err = tbib_mr_copy(f->mr, f->va, buf, len, TBIB_FROM_MR);

	f->va += len;
	return err;
}

/* One response packet of job @j; 1 sent, 0 nothing to do, <0 stop. */
static int tbib_resp_read_pkt(struct tbib_conn *c, struct tbib_peer *peer,
			      struct tbib_rjob *j, u32 maxpay, bool crc)
{
	struct tbib_read_fill f = { .va = j->va };
	u32 len = min(j->left, maxpay);
	bool first = !j->started, last = len == j->left;
	struct sk_buff *skb;
	struct tbib_pkt p;
	u8 op;
	int hl, err = 0;

	if (first && last)
		op = TBIB_OP_READ_RESP_ONLY;
	else if (first)
		op = TBIB_OP_READ_RESP_FIRST;
	else
		op = last ? TBIB_OP_READ_RESP_LAST : TBIB_OP_READ_RESP_MIDDLE;
	tbib_pkt_init(c, &p, op, true);
	if (j->resend)
		p.bth.flags |= TBIB_F_RETRANS;
	p.bth.psn = j->psn;
	p.bth.paylen = len;
	p.bth.offset = j->off;
	if (crc)
		p.bth.flags |= TBIB_F_CRC;
	p.aeth.syndrome = tbib_aeth_ack(0);
	p.aeth.msn = j->msn;
	hl = tbib_wire_hdr_len(&p);
	if (hl < 0)
		return hl;
	skb = tbib_frame_alloc(hl, len, crc);
	if (!skb)
		return -ENOMEM;
	if (len) {
		f.mr = tbib_rkey_get(&c->qp->ibqp, j->rkey,
				     IB_ACCESS_REMOTE_READ, j->va, len);
		if (!f.mr) {
			kfree_skb(skb);
			return -EACCES;
		}
		err = tbib_frame_fill(skb, hl, len, tbib_resp_fill, &f);
		tbib_mr_put(f.mr);
	}
	if (!err)
		err = tbib_frame_finish(skb, &p);
	if (err) {
		kfree_skb(skb);
		return err;
	}
	/*
	 * No rail free now, or the link refused it: the same packet again
	 * later.  Never progress: a loop over a job whose every packet is
	 * dropped would copy all of it for nothing.
	 */
	if (tbib_spray_xmit(peer, skb, 0) < 0)
		return -EBUSY;
	j->started = true;
	j->va += len;
	j->off += len;
	j->left -= len;
	return 1;
}

unsigned int tbib_resp_tx(struct tbib_conn *c, struct tbib_peer *peer,
			  unsigned int budget)
{
	unsigned int n = 0;
	struct tbib_rjob *j;
	u32 maxpay;
	bool crc;
	int ret;

	if (!c->rx_on || (c->rx_err && !c->err_drain))
		return 0;
	maxpay = peer ? tbib_conn_payload(peer, &crc) : 0;
	if (!maxpay) {
		/* a fatal error waits for none of it: no rail to the peer */
		if (c->err_drain) {
			c->job_head = c->job_tail;
			tbib_resp_fail_end(c, peer);
		}
		return 0;
	}
	while (n < budget && c->job_head != c->job_tail) {
		j = &c->jobs[c->job_head];
		ret = tbib_resp_read_pkt(c, peer, j, maxpay, crc);
		if (ret == -ENOMEM || ret == -EBUSY) {
			/*
			 * Every rail's queue is full (or no memory): nothing
			 * else may come to restart this, so look again soon.
			 */
			if (!hrtimer_is_queued(&c->ack_timer))
				hrtimer_start(&c->ack_timer,
					      ns_to_ktime(TBIB_RESP_RETRY_NS),
					      HRTIMER_MODE_REL_SOFT);
			break;
		}
		if (ret == -EACCES) {
			/*
			 * The MR went away after the request was accepted:
			 * refuse it and answer none of the later ones.
			 */
			c->job_head = c->job_tail;
			tbib_resp_access_err(c, peer, j->psn);
			break;
		}
		if (ret < 0 || !j->left)
			c->job_head = (c->job_head + 1) % TBIB_RESP_JOBS;
		if (ret > 0)
			n++;
	}
	if (c->err_drain && c->job_head == c->job_tail)
		tbib_resp_fail_end(c, peer);
	return n;
}

/* UC: PSNs before the first held one will not come; skip them. */
void tbib_resp_uc_gap(struct tbib_conn *c, struct tbib_peer *peer)
{
	struct tbib_pkt p;
	void *item;
	u32 psn;

	if (!tbib_rxwin_depth(c->rw) || !c->gap_ns ||
	    ktime_get_ns() - c->gap_ns < (u64)tbib_uc_gap_ms * NSEC_PER_MSEC) {
		tbib_ack_flush(c, peer);
		return;
	}
	/* the message in progress lost a packet */
	tbib_rmsg_end(c);
	c->rmsg.kind = TBIB_RMSG_NONE;
	while (!tbib_rxwin_pop(c->rw, &item, &psn)) {
		/* an empty slot: pretend it came, as a lost packet */
		tbib_rxwin_insert(c->rw, tbib_rxwin_expected(c->rw), NULL);
	}
	/* item is the first held packet: resume with it */
	for (;;) {
		struct sk_buff *skb = item;

		tbib_stat_depth_add(&c->dev->stats, -1);
		if (!tbib_wire_decode_hdr(skb->data, skb_headlen(skb),
					  skb->len, &p))
			tbib_resp_one(c, peer, skb, &p);
		kfree_skb(skb);
		if (!tbib_rxwin_pop(c->rw, &item, &psn))
			break;
	}
	c->gap_ns = 0;
	tbib_ack_flush(c, peer);
}

/* ---- UD ------------------------------------------------------------------ */

void tbib_resp_ud_rx(struct tbib_conn *c, struct sk_buff *skb,
		     struct tbib_pkt *p)
{
	struct tbib_recv_wqe *w;
	struct tbib_sgl sgl;
	u32 len = p->bth.paylen;
	int err;

	if (!c->rx_on || p->deth.qkey != c->qkey)
		goto out;
	w = tbib_rq_take(c->qp);
	if (!w)
		goto out;		/* UD: no receive WQE, the packet is lost */
	c->rmsg.have_wqe = true;
	c->rmsg.rwqe = w;
	if (w->status != IB_WC_SUCCESS) {
		tbib_resp_fatal(c, NULL, 0, 0, w->status, IB_EVENT_QP_FATAL);
		goto out;
	}
	/*
	 * The first 40 bytes of the buffer are the (absent) GRH.  A datagram
	 * too big for the rest fails this receive only, as on an HCA: the
	 * WQE completes with a local length error, the QP stays as it is
	 * and the next datagram takes the next WQE.
	 */
	if ((u64)len + TBIB_GRH_LEN > w->length) {
		tbib_resp_complete_status(c, p, IB_WC_LOC_LEN_ERR, IB_WC_RECV,
					  0, 0);
		goto out;
	}
	tbib_sgl_init(&sgl, c->qp, w->sge, w->num_sge, IB_ACCESS_LOCAL_WRITE);
	err = tbib_sgl_seek(&sgl, TBIB_GRH_LEN);
	if (!err && len)
		err = tbib_sgl_copy_from_skb(&sgl, skb, p->hdr_len, len);
	tbib_sgl_release(&sgl);
	if (err) {
		tbib_resp_fatal(c, NULL, 0, 0, IB_WC_LOC_PROT_ERR,
				IB_EVENT_QP_FATAL);
		goto out;
	}
	tbib_resp_complete(c, p, IB_WC_RECV, len + TBIB_GRH_LEN,
			   tbib_op_has_imm(p->bth.opcode) ? IB_WC_WITH_IMM : 0);
out:
	kfree_skb(skb);
}
