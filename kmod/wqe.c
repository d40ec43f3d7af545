// SPDX-License-Identifier: GPL-2.0
/*
 * Building kernel WQEs from user ring slots and from kernel work
 * requests, and validating them (see wqe.h).
 *
 * A ring slot is read exactly once: its fixed part is copied into a
 * local struct, its SGE list / inline data straight into the kernel
 * WQE, bounded by what the QP was created with.  Every decision is made
 * on those copies, never on the slot.
 */
#include <linux/string.h>
#include <rdma/rdma_user_rxe.h>

#include "kmod/ah.h"
#include "kmod/mr.h"
#include "kmod/qp.h"
#include "kmod/wqe.h"

/* Send flags a WQE may carry. */
#define TBIB_SEND_FLAGS_OK	(IB_SEND_FENCE | IB_SEND_SIGNALED | \
				 IB_SEND_SOLICITED | IB_SEND_INLINE)

enum ib_wc_opcode tbib_send_wc_opcode(u32 wr_opcode)
{
	switch (wr_opcode) {
	case IB_WR_RDMA_WRITE:
	case IB_WR_RDMA_WRITE_WITH_IMM:
		return IB_WC_RDMA_WRITE;
	case IB_WR_RDMA_READ:
		return IB_WC_RDMA_READ;
	case IB_WR_ATOMIC_CMP_AND_SWP:
		return IB_WC_COMP_SWAP;
	case IB_WR_ATOMIC_FETCH_AND_ADD:
		return IB_WC_FETCH_ADD;
	case IB_WR_LOCAL_INV:
		return IB_WC_LOCAL_INV;
	case IB_WR_REG_MR:
		return IB_WC_REG_MR;
	case IB_WR_ATOMIC_WRITE:
		return IB_WC_ATOMIC_WRITE;
	case IB_WR_BIND_MW:
		return IB_WC_BIND_MW;
	case IB_WR_FLUSH:
		return IB_WC_FLUSH;
	default:
		return IB_WC_SEND;
	}
}

/*
 * Which operations each QP type supports, as on the IB wire: RC has
 * everything; UC has no READ, atomics or SEND_WITH_INV (no such UC
 * opcodes); UD only SEND and SEND_WITH_IMM.  Memory registration work
 * requests (REG_MR) exist only for kernel QPs, window binds (BIND_MW),
 * ATOMIC WRITE and FLUSH only for user QPs (the rxe ABI carries them; the
 * kernel has no window verbs and no ULP posts the other two).
 */
bool tbib_send_opcode_ok(enum ib_qp_type type, u32 opcode, bool user)
{
	switch (opcode) {
	case IB_WR_SEND:
	case IB_WR_SEND_WITH_IMM:
		return true;
	case IB_WR_RDMA_WRITE:
	case IB_WR_RDMA_WRITE_WITH_IMM:
	case IB_WR_LOCAL_INV:
		return type == IB_QPT_RC || type == IB_QPT_UC;
	case IB_WR_REG_MR:
		return !user && (type == IB_QPT_RC || type == IB_QPT_UC);
	case IB_WR_BIND_MW:
		return user && (type == IB_QPT_RC || type == IB_QPT_UC);
	case IB_WR_ATOMIC_WRITE:
		return user && type == IB_QPT_RC;
	case IB_WR_FLUSH:
		return TBIB_FLUSH && user && type == IB_QPT_RC;
	case IB_WR_RDMA_READ:
	case IB_WR_ATOMIC_CMP_AND_SWP:
	case IB_WR_ATOMIC_FETCH_AND_ADD:
	case IB_WR_SEND_WITH_INV:
		return type == IB_QPT_RC;
	default:
		return false;
	}
}

static bool tbib_opcode_may_inline(u32 opcode)
{
	switch (opcode) {
	case IB_WR_SEND:
	case IB_WR_SEND_WITH_IMM:
	case IB_WR_SEND_WITH_INV:
	case IB_WR_RDMA_WRITE:
	case IB_WR_RDMA_WRITE_WITH_IMM:
		return true;
	default:
		return false;
	}
}

static bool tbib_opcode_is_atomic(u32 opcode)
{
	return opcode == IB_WR_ATOMIC_CMP_AND_SWP ||
	       opcode == IB_WR_ATOMIC_FETCH_AND_ADD;
}

/* Operations that move no data of their own. */
static bool tbib_opcode_is_local(u32 opcode)
{
	return opcode == IB_WR_LOCAL_INV || opcode == IB_WR_REG_MR ||
	       opcode == IB_WR_BIND_MW;
}

static u64 tbib_sge_sum(const struct ib_sge *sge, u32 n)
{
	u64 len = 0;
	u32 i;

	for (i = 0; i < n; i++)
		len += sge[i].length;
	return len;
}

/*
 * Checks common to user and kernel WQEs, on the filled-in kernel copy.
 * Returns the completion status the WQE gets if it is bad.
 */
static enum ib_wc_status tbib_send_wqe_check(struct tbib_qp *qp,
					     struct tbib_send_wqe *w)
{
	enum ib_qp_type type = qp->ibqp.qp_type;

	if (w->length > TBIB_MAX_MSG_SIZE)
		return IB_WC_LOC_LEN_ERR;
	/* UD messages are single packets of at most the port MTU */
	if (type == IB_QPT_UD && w->length > ib_mtu_enum_to_int(IB_MTU_4096))
		return IB_WC_LOC_LEN_ERR;
	if (tbib_opcode_is_atomic(w->opcode)) {
		/* the original value (8 bytes) lands in the first SGE */
		if (w->num_sge < 1 || w->sge[0].length < 8)
			return IB_WC_LOC_LEN_ERR;
		w->length = 8;
	}
	if (tbib_opcode_is_local(w->opcode)) {
		w->num_sge = 0;
		w->length = 0;
	}
	return IB_WC_SUCCESS;
}

/* Resolve the qkey of a UD send: a key with the MSB set means "the QP's". */
static u32 tbib_ud_qkey(struct tbib_qp *qp, u32 qkey)
{
	return (qkey & 0x80000000) ? qp->attr.qkey : qkey;
}

/*
 * FLUSH: the placement type (global visibility and/or persistence) and
 * the selectivity level (the range, or the whole MR) go on the wire as
 * the packet's 4 bytes of payload.  False for values IB does not define.
 */
static bool tbib_send_wqe_flush(const struct rxe_send_wqe *u,
				struct tbib_send_wqe *w)
{
#if TBIB_FLUSH
	u8 type = u->wr.wr.flush.type, level = u->wr.wr.flush.level;

	if (!type || (type & ~(IB_FLUSH_GLOBAL | IB_FLUSH_PERSISTENT)) ||
	    (level != IB_FLUSH_RANGE && level != IB_FLUSH_MR))
		return false;
	w->send_flags &= ~IB_SEND_INLINE;
	w->length = sizeof(w->wr.flush.feth);
	w->wr.flush.remote_addr = u->wr.wr.flush.remote_addr;
	/* librxe puts the length where a message's goes, not in wr.flush */
	w->wr.flush.length = u->dma.length;
	w->wr.flush.rkey = u->wr.wr.flush.rkey;
	w->wr.flush.feth[0] = type;
	w->wr.flush.feth[1] = level;
	return true;
#else
	return false;
#endif
}

void tbib_send_wqe_from_user(struct tbib_qp *qp, const void *slot,
			     struct tbib_send_wqe *w)
{
	const struct rxe_send_wqe *uslot = slot;
	struct rxe_send_wqe u;
	enum ib_qp_type type = qp->ibqp.qp_type;

	memcpy(&u, uslot, sizeof(u));	/* the one read of the fixed part */

	memset(w, 0, sizeof(*w));
	w->wr_id = u.wr.wr_id;
	w->opcode = u.wr.opcode;
	w->send_flags = u.wr.send_flags;
	w->status = IB_WC_LOC_QP_OP_ERR;	/* until proven good */

	if ((w->send_flags & ~TBIB_SEND_FLAGS_OK) ||
	    !tbib_send_opcode_ok(type, w->opcode, true))
		return;

	if (w->opcode == IB_WR_FLUSH) {
		if (!tbib_send_wqe_flush(&u, w))
			return;
	} else if (w->opcode == IB_WR_ATOMIC_WRITE) {
		/*
		 * The 8 bytes to write are in the slot where the SGEs would
		 * be (dma.atomic_wr, dma.inline_data on older headers); kept
		 * in memory order.  The INLINE flag means nothing here.  A
		 * QP created with no SGE and no inline room has no 8 bytes
		 * there: refused, never read past its slot.
		 */
		if (qp->sq.max_inline < 8 && !qp->sq.max_sge)
			return;
		w->send_flags &= ~IB_SEND_INLINE;
		w->length = 8;
		memcpy(&w->wr.atomic.compare_add, uslot->dma.inline_data, 8);
		w->wr.atomic.remote_addr = u.wr.wr.rdma.remote_addr;
		w->wr.atomic.rkey = u.wr.wr.rdma.rkey;
	} else if (w->send_flags & IB_SEND_INLINE) {
		if (!tbib_opcode_may_inline(w->opcode))
			return;
		if (u.dma.length > qp->sq.max_inline) {
			w->status = IB_WC_LOC_LEN_ERR;
			return;
		}
		w->length = u.dma.length;
		memcpy(w->inline_data, uslot->dma.inline_data, w->length);
	} else {
		if (u.dma.num_sge > qp->sq.max_sge)
			return;
		w->num_sge = u.dma.num_sge;
		/* struct rxe_sge and struct ib_sge have the same layout */
		memcpy(w->sge, uslot->dma.sge, w->num_sge * sizeof(struct ib_sge));
		w->length = tbib_sge_sum(w->sge, w->num_sge);
	}

	switch (w->opcode) {
	case IB_WR_SEND_WITH_IMM:
	case IB_WR_RDMA_WRITE_WITH_IMM:
		w->ex.imm_data = u.wr.ex.imm_data;
		break;
	case IB_WR_SEND_WITH_INV:
	case IB_WR_LOCAL_INV:
		w->ex.invalidate_rkey = u.wr.ex.invalidate_rkey;
		break;
	}

	switch (w->opcode) {
	case IB_WR_RDMA_WRITE:
	case IB_WR_RDMA_WRITE_WITH_IMM:
	case IB_WR_RDMA_READ:
		w->wr.rdma.remote_addr = u.wr.wr.rdma.remote_addr;
		w->wr.rdma.rkey = u.wr.wr.rdma.rkey;
		break;
	case IB_WR_ATOMIC_CMP_AND_SWP:
	case IB_WR_ATOMIC_FETCH_AND_ADD:
		w->wr.atomic.remote_addr = u.wr.wr.atomic.remote_addr;
		w->wr.atomic.compare_add = u.wr.wr.atomic.compare_add;
		w->wr.atomic.swap = u.wr.wr.atomic.swap;
		w->wr.atomic.rkey = u.wr.wr.atomic.rkey;
		break;
	case IB_WR_BIND_MW:
		w->wr.mw.addr = u.wr.wr.mw.addr;
		w->wr.mw.length = u.wr.wr.mw.length;
		w->wr.mw.mr_lkey = u.wr.wr.mw.mr_lkey;
		w->wr.mw.mw_rkey = u.wr.wr.mw.mw_rkey;
		w->wr.mw.rkey = u.wr.wr.mw.rkey;
		w->wr.mw.access = u.wr.wr.mw.access;
		break;
	}

	if (type == IB_QPT_UD) {
		w->wr.ud.remote_qpn = u.wr.wr.ud.remote_qpn & 0xffffff;
		w->wr.ud.remote_qkey = tbib_ud_qkey(qp, u.wr.wr.ud.remote_qkey);
		/* ah_num 0 would mean an inline AV (pre-ah_num providers) */
		if (tbib_ah_resolve(qp->ibqp.device, qp->ibqp.pd,
				    u.wr.wr.ud.ah_num, &w->wr.ud.av))
			return;
	}

	w->status = tbib_send_wqe_check(qp, w);
}

int tbib_send_wqe_from_wr(struct tbib_qp *qp, const struct ib_send_wr *wr,
			  struct tbib_send_wqe *w)
{
	enum ib_qp_type type = qp->ibqp.qp_type;
	u32 i;

	memset(w, 0, sizeof(*w));
	w->wr_id = wr->wr_id;
	w->opcode = wr->opcode;
	w->send_flags = wr->send_flags;

	if ((w->send_flags & ~TBIB_SEND_FLAGS_OK) ||
	    !tbib_send_opcode_ok(type, w->opcode, false))
		return -EINVAL;
	if (wr->num_sge < 0)
		return -EINVAL;

	if (w->send_flags & IB_SEND_INLINE) {
		u8 *p = w->inline_data;

		if (!tbib_opcode_may_inline(w->opcode))
			return -EINVAL;
		/* kernel "DMA" addresses are kernel virtual addresses */
		for (i = 0; i < wr->num_sge; i++) {
			u32 len = wr->sg_list[i].length;

			if (w->length + len > qp->sq.max_inline)
				return -EINVAL;
			memcpy(p, (void *)(uintptr_t)wr->sg_list[i].addr, len);
			p += len;
			w->length += len;
		}
	} else if (!tbib_opcode_is_local(w->opcode)) {
		if (wr->num_sge > qp->sq.max_sge)
			return -EINVAL;
		w->num_sge = wr->num_sge;
		memcpy(w->sge, wr->sg_list, w->num_sge * sizeof(struct ib_sge));
		w->length = tbib_sge_sum(w->sge, w->num_sge);
	}

	switch (w->opcode) {
	case IB_WR_SEND_WITH_IMM:
	case IB_WR_RDMA_WRITE_WITH_IMM:
		w->ex.imm_data = wr->ex.imm_data;
		break;
	case IB_WR_SEND_WITH_INV:
	case IB_WR_LOCAL_INV:
		w->ex.invalidate_rkey = wr->ex.invalidate_rkey;
		break;
	}

	switch (w->opcode) {
	case IB_WR_RDMA_WRITE:
	case IB_WR_RDMA_WRITE_WITH_IMM:
	case IB_WR_RDMA_READ:
		w->wr.rdma.remote_addr = rdma_wr(wr)->remote_addr;
		w->wr.rdma.rkey = rdma_wr(wr)->rkey;
		break;
	case IB_WR_ATOMIC_CMP_AND_SWP:
	case IB_WR_ATOMIC_FETCH_AND_ADD:
		w->wr.atomic.remote_addr = atomic_wr(wr)->remote_addr;
		w->wr.atomic.compare_add = atomic_wr(wr)->compare_add;
		w->wr.atomic.swap = atomic_wr(wr)->swap;
		w->wr.atomic.rkey = atomic_wr(wr)->rkey;
		break;
	case IB_WR_REG_MR:
		w->wr.reg.mr = container_of(reg_wr(wr)->mr, struct tbib_mr, ibmr);
		w->wr.reg.key = reg_wr(wr)->key;
		w->wr.reg.access = reg_wr(wr)->access;
		break;
	}

	if (type == IB_QPT_UD) {
		struct tbib_ah *ah;

		if (!ud_wr(wr)->ah || ud_wr(wr)->ah->pd != qp->ibqp.pd)
			return -EINVAL;
		ah = to_tah(ud_wr(wr)->ah);
		w->wr.ud.av = ah->rec->av;
		w->wr.ud.remote_qpn = ud_wr(wr)->remote_qpn & 0xffffff;
		w->wr.ud.remote_qkey = tbib_ud_qkey(qp, ud_wr(wr)->remote_qkey);
	}

	w->status = tbib_send_wqe_check(qp, w);
	return w->status == IB_WC_SUCCESS ? 0 : -EINVAL;
}

void tbib_recv_wqe_from_user(const void *slot, u32 max_sge,
			     struct tbib_recv_wqe *w)
{
	const struct rxe_recv_wqe *uslot = slot;
	struct rxe_recv_wqe u;

	memcpy(&u, uslot, sizeof(u));	/* the one read of the fixed part */
	w->wr_id = u.wr_id;
	w->num_sge = 0;
	w->length = 0;
	if (u.dma.num_sge > max_sge) {
		w->status = IB_WC_LOC_QP_OP_ERR;
		return;
	}
	w->num_sge = u.dma.num_sge;
	memcpy(w->sge, uslot->dma.sge, w->num_sge * sizeof(struct ib_sge));
	w->length = tbib_sge_sum(w->sge, w->num_sge);
	w->status = IB_WC_SUCCESS;
}

int tbib_recv_wqe_from_wr(const struct ib_recv_wr *wr, u32 max_sge,
			  struct tbib_recv_wqe *w)
{
	if (wr->num_sge < 0 || wr->num_sge > max_sge)
		return -EINVAL;
	w->wr_id = wr->wr_id;
	w->status = IB_WC_SUCCESS;
	w->num_sge = wr->num_sge;
	memcpy(w->sge, wr->sg_list, w->num_sge * sizeof(struct ib_sge));
	w->length = tbib_sge_sum(w->sge, w->num_sge);
	return 0;
}
