// SPDX-License-Identifier: GPL-2.0
/*
 * Requester: turns send WQEs into packets (see kmod/conn.h for the model).
 *
 * WQEs are taken from the send queue in order into the connection's ring;
 * the entry at r_build is being packetised, the ones before it wait for
 * their completion (comp.c).  A message is cut into packets as large as
 * the smallest rail to the peer allows, each with its own PSN and its
 * byte offset in the message.  RC keeps every frame until it is
 * acknowledged and resends it, whole, from there (cloned: the stored
 * frame is never handed to a link).
 *
 * The requester stops taking WQEs at: a full ring or PSN window, too many
 * bytes in flight (tbib_max_inflight_kb), all READ/atomic slots busy, a
 * fenced WQE behind an unfinished READ/atomic, an RNR pause, an invalid
 * WQE (it completes with its error when it reaches the head), or no rail.
 *
 * Payload: RC messages from user MRs go out without a copy (the frame's
 * fragments are the pinned pages, tbib_req_zc_frame()); everything else
 * is copied from the MR into the frame once.
 */

#include "kmod/conn.h"
#include "bond/peer.h"
#include "bond/psn.h"
#include "kmod/mw.h"
#include "kmod/trace.h"

static bool tbib_wqe_signaled(const struct tbib_conn *c,
			      const struct tbib_send_wqe *w)
{
	return c->qp->sig_all || (w->send_flags & IB_SEND_SIGNALED);
}

static u8 tbib_req_kind(u32 opcode)
{
	switch (opcode) {
	case IB_WR_RDMA_READ:
		return TBIB_SK_READ;
	case IB_WR_ATOMIC_CMP_AND_SWP:
	case IB_WR_ATOMIC_FETCH_AND_ADD:
		return TBIB_SK_ATOMIC;
	case IB_WR_LOCAL_INV:
	case IB_WR_REG_MR:
	case IB_WR_BIND_MW:
		return TBIB_SK_LOCAL;
	default:
		return TBIB_SK_DATA;
	}
}

static bool tbib_wr_is_write(u32 opcode)
{
	return opcode == IB_WR_RDMA_WRITE ||
	       opcode == IB_WR_RDMA_WRITE_WITH_IMM ||
	       opcode == IB_WR_ATOMIC_WRITE;
}

/*
 * Payload bytes kept in the WQE itself (inline data, ATOMIC WRITE's value,
 * FLUSH's type and level), or NULL.
 */
static const u8 *tbib_req_inline(const struct tbib_send_wqe *w)
{
	if (w->opcode == IB_WR_ATOMIC_WRITE)
		return (const u8 *)&w->wr.atomic.compare_add;
	if (w->opcode == IB_WR_FLUSH)
		return w->wr.flush.feth;
	if (w->send_flags & IB_SEND_INLINE)
		return w->inline_data;
	return NULL;
}

/* Wire opcode of a packet of a SEND/WRITE message. */
static u8 tbib_req_opcode(u8 qp_type, u32 wr_op, bool first, bool last)
{
	bool write = tbib_wr_is_write(wr_op);

	if (qp_type == IB_QPT_UD)
		return wr_op == IB_WR_SEND_WITH_IMM ? TBIB_OP_UD_SEND_ONLY_IMM :
						      TBIB_OP_UD_SEND_ONLY;
	if (first && last) {
		switch (wr_op) {
		case IB_WR_SEND_WITH_IMM:
			return TBIB_OP_SEND_ONLY_IMM;
		case IB_WR_SEND_WITH_INV:
			return TBIB_OP_SEND_ONLY_INV;
		case IB_WR_RDMA_WRITE:
			return TBIB_OP_WRITE_ONLY;
		case IB_WR_RDMA_WRITE_WITH_IMM:
			return TBIB_OP_WRITE_ONLY_IMM;
		case IB_WR_ATOMIC_WRITE:
			return TBIB_OP_ATOMIC_WRITE;
		case IB_WR_FLUSH:
			return TBIB_OP_FLUSH;
		default:
			return TBIB_OP_SEND_ONLY;
		}
	}
	if (first)
		return write ? TBIB_OP_WRITE_FIRST : TBIB_OP_SEND_FIRST;
	if (!last)
		return write ? TBIB_OP_WRITE_MIDDLE : TBIB_OP_SEND_MIDDLE;
	switch (wr_op) {
	case IB_WR_SEND_WITH_IMM:
		return TBIB_OP_SEND_LAST_IMM;
	case IB_WR_SEND_WITH_INV:
		return TBIB_OP_SEND_LAST_INV;
	case IB_WR_RDMA_WRITE:
		return TBIB_OP_WRITE_LAST;
	case IB_WR_RDMA_WRITE_WITH_IMM:
		return TBIB_OP_WRITE_LAST_IMM;
	default:
		return TBIB_OP_SEND_LAST;
	}
}

struct tbib_fill {
	struct tbib_conn *c;
	const struct tbib_send_wqe *w;
	u64 pos;			/* inline data: offset */
};

static int tbib_req_fill(void *ctx, void *buf, u32 len)
{
	struct tbib_fill *f = ctx;
	const u8 *data = tbib_req_inline(f->w);

	if (data) {
		memcpy(buf, data + f->pos, len);
		f->pos += len;
		return 0;
	}
	return tbib_sgl_copy(&f->c->sgl, buf, len, TBIB_FROM_MR);
}

static u8 tbib_req_err_status(int err)
{
	return err == -ENOSPC ? IB_WC_LOC_LEN_ERR : IB_WC_LOC_PROT_ERR;
}

/*
 * Hand a finished frame to the links.  RC: the frame is stored for
 * retransmission and a clone goes out; the PSN is recorded on the rail
 * used, or as lost if no rail took it (resent when one comes).
 */
static void tbib_req_send_frame(struct tbib_conn *c, struct tbib_peer *peer,
				struct sk_buff *skb, u32 psn)
{
	struct tbib_txtrack *tt = c->tt;
	struct sk_buff *clone;
	u32 len = skb->len;
	int slot = -ENOMEM;

	if (!tt) {
		if (peer)
			tbib_spray_xmit(peer, skb, 0);
		else
			kfree_skb(skb);
		return;
	}
	if (peer) {
		/* before the timer is armed: its first tick depends on it */
		if (c->srtt_ns)
			tbib_spray_rtt_note(peer, c->srtt_ns);
		else if (!c->srtt_hint_ns)
			c->srtt_hint_ns = tbib_spray_rtt_hint(peer);
	}
	c->store[psn & (TBIB_CONN_WIN - 1)] = skb;
	c->sent_ns[psn & (TBIB_CONN_WIN - 1)] = ktime_get_ns();
	c->store_bytes += len;
	clone = skb_clone(skb, GFP_ATOMIC);
	if (clone)
		slot = tbib_spray_xmit_tracked(&c->flow, c->dlid, peer, clone, 0);
	tbib_txtrack_sent(tt, psn, slot >= 0 ? slot : 0, len);
	c->lost_why[psn & (TBIB_CONN_WIN - 1)] = TBIB_LOST_FAST;
	if (slot < 0 && !tbib_txtrack_mark_lost(tt, psn))
		c->lost_why[psn & (TBIB_CONN_WIN - 1)] = TBIB_LOST_UNSENT;
}

/* The entry is fully issued: the next one may start. */
static void tbib_req_built(struct tbib_conn *c, struct tbib_swqe *e)
{
	e->built = true;
	tbib_sgl_release(&c->sgl);
	c->r_build = tbib_ring_next(c->r_build);
}

/* A local error while building: complete it when it reaches the head. */
static void tbib_req_fail(struct tbib_conn *c, struct tbib_swqe *e, u8 status)
{
	e->status = status;
	e->built = true;
	tbib_sgl_release(&c->sgl);
}

/* Below this, referencing pages costs more than copying the bytes. */
#define TBIB_ZC_MIN_PAYLOAD	1024

/*
 * Zero-copy transmit: a frame whose payload fragments are the pages of
 * the user MR (pinned by ib_umem; each fragment holds a page reference,
 * so the page outlives a deregistration while a copy of the frame is
 * queued somewhere).  Only for RC: the WQE completes once the message is
 * acknowledged.  An application that writes to the buffer before that
 * (allowed; the data at the target is then undefined) makes the frame
 * fail its CRC at the receiver: it is lost like any other and resent as
 * a copy (tbib_req_unshare()).  A late duplicate read after the
 * completion fails its CRC the same way and is dropped like the
 * duplicate it is.  The fragments are marked shared so the
 * stack copies before ever writing to them (netem corrupt, ...).
 *
 * NULL when the payload is not all in user MRs, needs more fragments
 * than an skb has, or on any error: the caller then copies (and reports
 * a bad SGE itself).
 */
static struct sk_buff *tbib_req_zc_frame(struct tbib_conn *c, u64 off,
					 u32 hl, u32 paylen, bool crc)
{
	unsigned int max_frags = MAX_SKB_FRAGS - (crc ? 1 : 0);
	struct skb_shared_info *sh;
	struct sk_buff *skb;
	u32 left = paylen;
	int err;

	skb = alloc_skb(TBIB_HEADROOM + hl, GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, TBIB_HEADROOM);
	skb_put(skb, hl);
	sh = skb_shinfo(skb);

	err = tbib_sgl_seek(&c->sgl, off);
	while (!err && left) {
		unsigned int po, n;
		struct page *page;
		skb_frag_t *f;

		err = tbib_sgl_next_page(&c->sgl, left, &page, &po, &n);
		if (err)
			break;
		if (c->sgl.mr->kind != TBIB_MR_USER) {
			err = -EOPNOTSUPP;
			break;
		}
		f = sh->nr_frags ? &sh->frags[sh->nr_frags - 1] : NULL;
		if (f && skb_frag_page(f) == page &&
		    skb_frag_off(f) + skb_frag_size(f) == po) {
			skb_frag_size_add(f, n);
		} else if (sh->nr_frags < max_frags) {
			get_page(page);
			skb_fill_page_desc(skb, sh->nr_frags, page, po, n);
		} else {
			err = -E2BIG;
			break;
		}
		skb->len += n;
		skb->data_len += n;
		skb->truesize += n;
		left -= n;
	}
	tbib_sgl_release(&c->sgl);
	if (!err && crc) {
		void *tail = netdev_alloc_frag(TBIB_CRC_LEN);
		struct page *page;

		if (tail) {
			page = virt_to_head_page(tail);
			skb_fill_page_desc(skb, sh->nr_frags, page,
					   tail - page_address(page),
					   TBIB_CRC_LEN);
			skb->len += TBIB_CRC_LEN;
			skb->data_len += TBIB_CRC_LEN;
			skb->truesize += TBIB_CRC_LEN;
		} else {
			err = -ENOMEM;
		}
	}
	if (err) {
		kfree_skb(skb);
		return NULL;
	}
	sh->flags |= SKBFL_SHARED_FRAG;
	return skb;
}

/*
 * A private copy of zero-copy frame *@slot, to retransmit instead of it.
 * The frame's CRC covers what the application's pages held when it was
 * built; an application may write to a buffer before its WR completes
 * (IB then leaves the data at the target undefined; ucx_perftest stamps
 * a sequence number into the buffer of every put), and the frame would
 * fail its CRC at every retransmission until the QP ran out of retries.
 * The copy carries what the pages hold now, under a CRC of its own, and
 * replaces the frame in the store for any later retransmission.  Returns
 * the frame to send (*@slot itself if it is not zero-copy), NULL if
 * memory is short (try again later).
 */
struct tbib_unshare_fill {
	const struct sk_buff *from;
	u32 pos;
};

static int tbib_unshare_fill(void *ctx, void *buf, u32 len)
{
	struct tbib_unshare_fill *f = ctx;
	int err = skb_copy_bits(f->from, f->pos, buf, len);

	f->pos += len;
	return err;
}

static struct sk_buff *tbib_req_unshare(struct tbib_conn *c,
					struct sk_buff **slot)
{
	struct sk_buff *skb = *slot, *n;
	struct tbib_unshare_fill fill = { .from = skb };
	struct tbib_pkt p;

	if (!(skb_shinfo(skb)->flags & SKBFL_SHARED_FRAG))
		return skb;
	if (WARN_ON_ONCE(tbib_wire_decode_hdr(skb->data, skb_headlen(skb),
					      skb->len, &p)))
		return skb;
	n = tbib_frame_alloc(p.hdr_len, p.bth.paylen,
			     p.bth.flags & TBIB_F_CRC);
	if (!n)
		return NULL;
	fill.pos = p.hdr_len;
	if (tbib_frame_fill(n, p.hdr_len, p.bth.paylen, tbib_unshare_fill,
			    &fill) || tbib_frame_finish(n, &p)) {
		kfree_skb(n);
		return NULL;
	}
	c->store_bytes -= skb->len;
	c->store_bytes += n->len;
	consume_skb(skb);
	*slot = n;
	return n;
}

/* Should the responder acknowledge this packet at once? */
static bool tbib_req_ackreq(struct tbib_conn *c, const struct tbib_send_wqe *w,
			    bool last)
{
	u64 cap = (u64)tbib_max_inflight_kb << 10;

	if ((last && tbib_wqe_signaled(c, w)) || ++c->since_ackreq >= 64 ||
	    tbib_txtrack_space(c->tt) <= TBIB_CONN_WIN / 4 ||
	    c->store_bytes * 2 >= cap) {
		c->since_ackreq = 0;
		return true;
	}
	return false;
}

/* One packet of a SEND or WRITE message (all QP types). */
static int tbib_req_data_pkt(struct tbib_conn *c, struct tbib_peer *peer,
			     struct tbib_swqe *e, u32 maxpay, bool crc)
{
	const struct tbib_send_wqe *w = e->w;
	struct tbib_fill fill = { .c = c, .w = w, .pos = e->off };
	bool first = e->off == 0, last;
	struct sk_buff *skb;
	struct tbib_pkt p;
	u32 paylen, psn;
	int hl, err;

	paylen = min_t(u64, w->length - e->off, maxpay);
	last = e->off + paylen == w->length;
	psn = c->tt ? c->tt->nxt : c->next_psn;

	tbib_pkt_init(c, &p, tbib_req_opcode(c->type, w->opcode, first, last),
		      false);
	p.bth.psn = psn;
	p.bth.paylen = paylen;
	p.bth.offset = e->off;
	if (crc)
		p.bth.flags |= TBIB_F_CRC;
	if (last && (w->send_flags & IB_SEND_SOLICITED))
		p.bth.flags |= TBIB_F_SOLICITED;
	if (c->tt && tbib_req_ackreq(c, w, last))
		p.bth.flags |= TBIB_F_ACKREQ;
	if (w->opcode == IB_WR_ATOMIC_WRITE) {
		p.reth.va = w->wr.atomic.remote_addr;
		p.reth.rkey = w->wr.atomic.rkey;
		p.reth.dma_len = w->length;
	} else if (w->opcode == IB_WR_FLUSH) {
		p.reth.va = w->wr.flush.remote_addr;
		p.reth.rkey = w->wr.flush.rkey;
		p.reth.dma_len = w->wr.flush.length;
	} else if (first && tbib_wr_is_write(w->opcode)) {
		p.reth.va = w->wr.rdma.remote_addr;
		p.reth.rkey = w->wr.rdma.rkey;
		p.reth.dma_len = w->length;
	}
	if (w->opcode == IB_WR_SEND_WITH_IMM ||
	    w->opcode == IB_WR_RDMA_WRITE_WITH_IMM)
		p.imm = be32_to_cpu(w->ex.imm_data);
	if (w->opcode == IB_WR_SEND_WITH_INV)
		p.ieth_rkey = w->ex.invalidate_rkey;
	if (c->type == IB_QPT_UD) {
		p.bth.dlid = w->wr.ud.av.dlid;
		p.bth.dqpn = w->wr.ud.remote_qpn;
		p.bth.gen = 0;
		p.deth.qkey = w->wr.ud.remote_qkey;
		p.deth.src_qpn = c->qpn;
	}

	hl = tbib_wire_hdr_len(&p);
	if (hl < 0)
		return hl;
	skb = NULL;
	if (c->tt && tbib_zerocopy_tx && paylen >= TBIB_ZC_MIN_PAYLOAD &&
	    !tbib_req_inline(w)) {
		skb = tbib_req_zc_frame(c, e->off, hl, paylen, crc);
		if (skb && peer)
			tbib_stat_inc(&peer->stats, TBIB_A_STATS_TX_ZEROCOPY);
	}
	if (skb) {
		err = 0;
	} else {
		skb = tbib_frame_alloc(hl, paylen, crc);
		if (!skb)
			return -ENOMEM;
		/* Seek every time: a packet that failed half way is built again. */
		err = tbib_req_inline(w) ? 0 : tbib_sgl_seek(&c->sgl, e->off);
		if (!err)
			err = tbib_frame_fill(skb, hl, paylen, tbib_req_fill,
					      &fill);
		tbib_sgl_release(&c->sgl);
	}
	if (!err)
		err = tbib_frame_finish(skb, &p);
	if (err) {
		kfree_skb(skb);
		if (err != -EACCES && err != -ENOSPC)
			return err;
		tbib_req_fail(c, e, tbib_req_err_status(err));
		return 0;
	}

	if (first)
		e->first_psn = psn;
	c->next_psn = tbib_psn_add(psn, 1);
	tbib_req_send_frame(c, peer, skb, psn);
	e->off += paylen;
	e->end_psn = tbib_psn_add(psn, 1);
	if (last)
		tbib_req_built(c, e);
	return 1;
}

static struct tbib_rd *tbib_rd_alloc(struct tbib_conn *c)
{
	unsigned int i, limit = clamp_t(unsigned int, c->max_rd_atomic, 1,
					TBIB_CONN_RD);

	if (c->rd_busy >= limit)
		return NULL;
	/*
	 * The responder can replay only the last TBIB_RESP_CACHE READs and
	 * atomics it executed.  Their responses, sprayed over the rails,
	 * complete out of order, so later ones could push out one whose data
	 * still has a gap: issue no more than that from the oldest
	 * unfinished one on.
	 */
	for (i = 0; i < TBIB_CONN_RD; i++)
		if (c->rd[i].used && c->rd_seq - c->rd[i].seq >= TBIB_RESP_CACHE)
			return NULL;
	for (i = 0; i < TBIB_CONN_RD; i++) {
		if (!c->rd[i].used) {
			memset(&c->rd[i], 0, sizeof(c->rd[i]));
			c->rd[i].used = true;
			c->rd[i].seq = c->rd_seq++;
			c->rd_busy++;
			return &c->rd[i];
		}
	}
	return NULL;
}

/* One READ request (a chunk of the message) or an atomic. */
static int tbib_req_rd_pkt(struct tbib_conn *c, struct tbib_peer *peer,
			   struct tbib_swqe *e, bool crc)
{
	const struct tbib_send_wqe *w = e->w;
	bool atomic = e->kind == TBIB_SK_ATOMIC;
	u32 chunk = min(max(tbib_read_chunk_kb, 4U),
			max(tbib_max_inflight_kb, 64U)) << 10;
	struct sk_buff *skb;
	struct tbib_pkt p;
	struct tbib_rd *rd;
	u32 psn = c->tt->nxt, len;
	int hl;

	rd = tbib_rd_alloc(c);
	if (!rd)
		return -EAGAIN;
	if (atomic) {
		tbib_pkt_init(c, &p, w->opcode == IB_WR_ATOMIC_CMP_AND_SWP ?
			      TBIB_OP_CMP_SWP : TBIB_OP_FETCH_ADD, false);
		p.atomic.va = w->wr.atomic.remote_addr;
		p.atomic.rkey = w->wr.atomic.rkey;
		if (w->opcode == IB_WR_ATOMIC_CMP_AND_SWP) {
			p.atomic.compare = w->wr.atomic.compare_add;
			p.atomic.swap_add = w->wr.atomic.swap;
		} else {
			p.atomic.swap_add = w->wr.atomic.compare_add;
		}
		len = 8;
		rd->va = p.atomic.va;
		rd->rkey = p.atomic.rkey;
	} else {
		len = min_t(u64, w->length - e->off, chunk);
		tbib_pkt_init(c, &p, TBIB_OP_READ_REQ, false);
		p.reth.va = w->wr.rdma.remote_addr + e->off;
		p.reth.rkey = w->wr.rdma.rkey;
		p.reth.dma_len = len;
		/* READ_REQ: offset = where the data goes in the message */
		p.bth.offset = e->off;
		rd->va = p.reth.va;
		rd->rkey = p.reth.rkey;
	}
	p.bth.psn = psn;
	if (crc)
		p.bth.flags |= TBIB_F_CRC;
	hl = tbib_wire_hdr_len(&p);
	skb = hl < 0 ? NULL : tbib_frame_alloc(hl, 0, crc);
	if (!skb || tbib_frame_finish(skb, &p)) {
		kfree_skb(skb);
		rd->used = false;
		c->rd_busy--;
		c->rd_seq--;	/* never sent: the responder caches nothing */
		return -ENOMEM;
	}

	rd->atomic = atomic;
	rd->rtt_sample = c->rd_busy == 1;
	c->rd_bytes += len;
	rd->psn = psn;
	rd->ring_idx = c->r_build;
	rd->off = e->off;
	rd->len = len;
	rd->stamp = ktime_get_ns();
	if (e->off == 0 && !e->rd_open)
		e->first_psn = psn;
	e->end_psn = tbib_psn_add(psn, 1);
	e->rd_open++;
	tbib_req_send_frame(c, peer, skb, psn);
	e->off += atomic ? 0 : len;
	if (atomic || e->off == w->length)
		tbib_req_built(c, e);
	return 1;
}

/*
 * LOCAL_INV, REG_MR and BIND_MW run when they are reached, in send queue
 * order.
 */
static void tbib_req_local(struct tbib_conn *c, struct tbib_swqe *e)
{
	const struct tbib_send_wqe *w = e->w;
	struct ib_qp *qp = &c->qp->ibqp;
	u8 status = IB_WC_SUCCESS;

	switch (w->opcode) {
	case IB_WR_LOCAL_INV:
		if (tbib_key_invalidate(qp, w->ex.invalidate_rkey, false))
			status = IB_WC_LOC_QP_OP_ERR;
		break;
	case IB_WR_REG_MR:
		if (tbib_mr_fast_reg(w->wr.reg.mr, qp->pd, w->wr.reg.key,
				     w->wr.reg.access))
			status = IB_WC_LOC_QP_OP_ERR;
		break;
	case IB_WR_BIND_MW:
		if (tbib_mw_bind(qp, w))
			status = IB_WC_MW_BIND_ERR;
		break;
	}
	if (status != IB_WC_SUCCESS)
		tbib_req_fail(c, e, status);
	else
		tbib_req_built(c, e);
}

/* Take the next send WQE into the ring; false if there is none. */
static bool tbib_req_take(struct tbib_conn *c)
{
	struct tbib_send_wqe *w;
	struct tbib_swqe *e;

	if (tbib_ring_count(c, c->r_head, c->r_tail) >= TBIB_CONN_RING - 1)
		return false;
	w = tbib_sq_next(c->qp);
	if (!w)
		return false;
	e = tbib_ring_at(c, c->r_tail);
	memset(e, 0, sizeof(*e));
	e->w = w;
	e->kind = tbib_req_kind(w->opcode);
	e->first_psn = c->tt ? c->tt->nxt : c->next_psn;
	e->end_psn = e->first_psn;
	c->r_tail = tbib_ring_next(c->r_tail);
	if (w->status != IB_WC_SUCCESS) {
		e->status = w->status;
		e->built = true;
		return true;
	}
	if (e->kind == TBIB_SK_DATA && !tbib_req_inline(w))
		tbib_sgl_init(&c->sgl, c->qp, w->sge, w->num_sge, 0);
	return true;
}

/* Room for one more packet in the window and the byte budget? */
/*
 * Room for one more packet in the PSN window and the byte budget?  READ
 * data on its way back counts too: nothing paces the responder's answers
 * but what the requester asks for, and links without backpressure (veth,
 * a VM's virtio queue) drop what overflows.
 */
static bool tbib_req_room(struct tbib_conn *c)
{
	if (!c->tt)
		return true;
	return tbib_txtrack_space(c->tt) &&
	       c->store_bytes + c->rd_bytes <
	       ((u64)max(tbib_max_inflight_kb, 64U) << 10);
}

unsigned int tbib_req_tx(struct tbib_conn *c, struct tbib_peer *peer,
			 unsigned int budget)
{
	unsigned int n = 0;
	struct tbib_peer *to;
	struct tbib_swqe *e;
	u32 maxpay = 0;
	bool crc = false;
	int ret;

	if (!c->tx_on || c->sq_err || c->nak)
		return 0;
	if (c->tt && !c->rnr_wait)
		n = tbib_req_retransmit(c, peer, budget, false);
	if (peer)
		maxpay = tbib_conn_payload(peer, &crc);

	while (n < budget && !c->rnr_wait) {
		if (c->r_build == c->r_tail && !tbib_req_take(c))
			break;
		e = tbib_ring_at(c, c->r_build);
		if (e->built)		/* failed: wait for the completer */
			break;
		/*
		 * FENCE: wait for earlier READs and atomics to finish, local
		 * operations too (a fenced bind must not grant access to
		 * memory a READ before it is still filling)
		 */
		if ((e->w->send_flags & IB_SEND_FENCE) && e->off == 0 &&
		    !e->rd_open && c->rd_busy)
			break;
		if (e->kind == TBIB_SK_LOCAL) {
			tbib_req_local(c, e);
			continue;
		}

		to = peer;
		if (c->type == IB_QPT_UD) {
			to = tbib_spray_peer(&c->dev->bond, e->w->wr.ud.av.dlid);
			maxpay = to ? tbib_conn_payload(to, &crc) : 0;
			if (maxpay && e->w->length > maxpay) {
				tbib_req_fail(c, e, IB_WC_LOC_LEN_ERR);
				continue;
			}
		}
		if (!maxpay) {
			/*
			 * No rail to the peer.  RC waits (the retransmit timer
			 * counts the retries); UC and UD have no guarantee to
			 * keep: the message is sent into the void.
			 */
			if (c->type == IB_QPT_RC)
				break;
			maxpay = TBIB_WIRE_MAX_PAYLOAD;
			to = NULL;
		}
		if (!tbib_req_room(c))
			break;

		if (e->kind == TBIB_SK_DATA)
			ret = tbib_req_data_pkt(c, to, e, maxpay, crc);
		else
			ret = tbib_req_rd_pkt(c, to, e, crc);
		if (ret < 0) {
			/* out of memory: try again from the work */
			if (ret == -ENOMEM)
				tbib_conn_kick(c);
			break;
		}
		n += ret;
	}
	tbib_comp_run(c);
	if (c->tt && c->r_head != c->r_tail)
		tbib_comp_arm_rto(c);
	return n;
}

unsigned int tbib_req_retransmit(struct tbib_conn *c, struct tbib_peer *peer,
				 unsigned int budget, bool timeout)
{
	struct tbib_txtrack *tt = c->tt;
	struct tbib_txtrack_info info;
	struct sk_buff *skb, *clone;
	unsigned int n = 0;
	int slot;
	u32 psn;

	if (!peer)
		return 0;
	while (n < budget && tbib_txtrack_next_lost(tt, &psn)) {
		skb = c->store[psn & (TBIB_CONN_WIN - 1)];
		if (WARN_ON_ONCE(!skb) || tbib_txtrack_get(tt, psn, &info))
			break;
		skb = tbib_req_unshare(c, &c->store[psn & (TBIB_CONN_WIN - 1)]);
		if (!skb)
			break;
		clone = skb_clone(skb, GFP_ATOMIC);
		if (!clone)
			break;
		/* Prefer another rail than the one that lost it. */
		slot = tbib_spray_xmit_tracked(&c->flow, c->dlid, peer, clone,
						1U << info.rail);
		if (slot < 0)
			break;
		tbib_txtrack_sent(tt, psn, slot, skb->len);
		c->sent_ns[psn & (TBIB_CONN_WIN - 1)] = ktime_get_ns();
		tbib_stat_inc(&peer->stats, timeout ?
			      TBIB_A_STATS_RETRANS_TIMEOUT :
			      TBIB_A_STATS_RETRANS_FAST);
		trace_tbib_retransmit(c, peer, psn, skb->len,
				      c->lost_why[psn & (TBIB_CONN_WIN - 1)],
				      info.rail, slot);
		/* a later loss of this PSN is found by SACK unless told */
		c->lost_why[psn & (TBIB_CONN_WIN - 1)] = TBIB_LOST_FAST;
		n++;
	}
	return n;
}

void tbib_req_reask(struct tbib_conn *c, struct tbib_peer *peer,
		    const struct tbib_rd *rd, u32 gs, u32 ge, unsigned int stat)
{
	struct tbib_pkt p;

	if (!peer)
		return;
	if (rd->atomic) {
		const struct tbib_send_wqe *w = tbib_ring_at(c, rd->ring_idx)->w;

		/* A lost ATOMIC ACK: the same request, answered from cache. */
		tbib_pkt_init(c, &p, w->opcode == IB_WR_ATOMIC_CMP_AND_SWP ?
			      TBIB_OP_CMP_SWP : TBIB_OP_FETCH_ADD, false);
		p.atomic.va = rd->va;
		p.atomic.rkey = rd->rkey;
		p.atomic.compare = w->wr.atomic.compare_add;
		p.atomic.swap_add = w->opcode == IB_WR_ATOMIC_CMP_AND_SWP ?
				    w->wr.atomic.swap : w->wr.atomic.compare_add;
	} else {
		tbib_pkt_init(c, &p, TBIB_OP_READ_REQ, false);
		p.reth.va = rd->va + gs;
		p.reth.rkey = rd->rkey;
		p.reth.dma_len = ge - gs;
		p.bth.offset = rd->off + gs;
	}
	p.bth.psn = rd->psn;
	p.bth.flags |= TBIB_F_RETRANS;
	if (!tbib_send_hdr_only(peer, &p))
		tbib_stat_inc(&peer->stats, stat);
}

/*
 * Ask again for what has not arrived of a READ chunk: each missing range
 * on its own (same PSN; the responder finds the request in its replay
 * cache and sends just that part), so data that is merely late is not
 * sent a second time.  An atomic is simply asked again.  The fast path
 * (kmod/comp.c) leaves the rest of this chunk to the timers.
 */
void tbib_req_rerequest(struct tbib_conn *c, struct tbib_peer *peer,
			struct tbib_rd *rd, unsigned int stat)
{
	u32 pos = 0, i;

	rd->stamp = ktime_get_ns();
	if (rd->retries < 255)
		rd->retries++;
	rd->fast_upto = rd->len;
	if (rd->atomic || !rd->len) {
		tbib_req_reask(c, peer, rd, 0, rd->len, stat);
		return;
	}
	for (i = 0; i < rd->nivl; i++) {
		if (rd->ivl[i].s > pos)
			tbib_req_reask(c, peer, rd, pos, rd->ivl[i].s, stat);
		pos = rd->ivl[i].e;
	}
	if (pos < rd->len)
		tbib_req_reask(c, peer, rd, pos, rd->len, stat);
}
