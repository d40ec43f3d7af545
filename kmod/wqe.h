/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Work queue entries in kernel form.
 *
 * A send or receive WQE that the transport sees is always a kernel copy
 * that has been validated: for user QPs it was copied out of the shared
 * ring exactly once (the ring slot is never read again), for kernel QPs
 * it was built from the ib_send_wr / ib_recv_wr.  The transport never
 * touches a ring slot.
 *
 * A WQE that failed validation is still handed to the transport, in
 * order, with ->status set to the completion status it must get
 * (IB_WC_LOC_QP_OP_ERR, IB_WC_LOC_LEN_ERR, ...): see qp.h for what the
 * transport does with it.  Such a WQE carries only wr_id and opcode.
 */
#ifndef TBIB_WQE_H
#define TBIB_WQE_H

#include <linux/stddef.h>
#include <linux/types.h>
#include <rdma/ib_verbs.h>

struct tbib_qp;
struct tbib_mr;

/* Largest message, as IB allows (2^31 bytes). */
#define TBIB_MAX_MSG_SIZE	0x80000000ULL

/* Address vector: where a UD send goes / the primary path of RC, UC. */
struct tbib_av {
	u16	dlid;
	u8	sl;
	u8	src_path_bits;
	u8	static_rate;
	u8	port_num;
	bool	has_grh;	/* GRH requested; tbib routes by LID only */
	u8	hop_limit;
	u8	traffic_class;
	u8	sgid_index;
	u32	flow_label;
	union ib_gid dgid;
};

/* Words of per-WQE scratch space owned by the transport. */
#define TBIB_WQE_TP_WORDS	6

struct tbib_send_wqe {
	u64	wr_id;
	u32	opcode;		/* enum ib_wr_opcode */
	u32	send_flags;	/* IB_SEND_FENCE/SIGNALED/SOLICITED/INLINE */
	u32	status;		/* IB_WC_SUCCESS, or why the WQE is invalid */
	u32	num_sge;	/* 0 for inline data */
	u64	length;		/* bytes of the message (SGE sum / inline) */
	union {
		__be32	imm_data;
		u32	invalidate_rkey;
	} ex;
	union {
		struct {
			u64	remote_addr;
			u32	rkey;
		} rdma;
		struct {
			u64	remote_addr;
			u64	compare_add;
			u64	swap;
			u32	rkey;
		} atomic;
		struct {
			u32	remote_qpn;
			u32	remote_qkey;	/* already resolved */
			struct tbib_av av;
		} ud;
		struct {			/* IB_WR_FLUSH, user only */
			u64	remote_addr;
			u32	length;
			u32	rkey;
			u8	feth[4];	/* type, level: the payload */
		} flush;
		struct {			/* IB_WR_BIND_MW, user only */
			u64	addr;
			u64	length;
			u32	mr_lkey;
			u32	mw_rkey;	/* the window's key now */
			u32	rkey;		/* its key after the bind */
			int	access;
		} mw;
		struct {			/* IB_WR_REG_MR, kernel only */
			struct tbib_mr *mr;
			u32	key;
			int	access;
		} reg;
	} wr;
	/* transport scratch (PSNs, progress), zeroed before hand-out */
	u64	tp[TBIB_WQE_TP_WORDS];
	union {
		DECLARE_FLEX_ARRAY(struct ib_sge, sge);
		DECLARE_FLEX_ARRAY(u8, inline_data);
	};
};

struct tbib_recv_wqe {
	u64	wr_id;
	u32	status;		/* IB_WC_SUCCESS, or why the WQE is invalid */
	u32	num_sge;
	u64	length;		/* sum of the SGE lengths */
	struct ib_sge sge[];
};

static inline size_t tbib_send_wqe_size(u32 max_sge, u32 max_inline)
{
	return sizeof(struct tbib_send_wqe) +
	       max_t(size_t, (size_t)max_sge * sizeof(struct ib_sge), max_inline);
}

static inline size_t tbib_recv_wqe_size(u32 max_sge)
{
	return sizeof(struct tbib_recv_wqe) + max_sge * sizeof(struct ib_sge);
}

/* The completion opcode of a send WQE. */
enum ib_wc_opcode tbib_send_wc_opcode(u32 wr_opcode);
/* Whether a send opcode is valid for a QP type at all. */
bool tbib_send_opcode_ok(enum ib_qp_type type, u32 opcode, bool user);

/*
 * Fill @w from the user ring slot @slot of @qp's send queue, reading the
 * slot once.  Never fails: problems end up in w->status.
 */
void tbib_send_wqe_from_user(struct tbib_qp *qp, const void *slot,
			     struct tbib_send_wqe *w);
/*
 * Fill @w from a kernel work request.  Returns 0, or -EINVAL / -ENOMEM
 * for a request that post_send must refuse.
 */
int tbib_send_wqe_from_wr(struct tbib_qp *qp, const struct ib_send_wr *wr,
			  struct tbib_send_wqe *w);
/*
 * Fill @w (room for @max_sge SGEs) from the user receive ring slot @slot,
 * reading it once; problems end up in w->status.
 */
void tbib_recv_wqe_from_user(const void *slot, u32 max_sge,
			     struct tbib_recv_wqe *w);
/* Fill @w from a kernel receive work request; 0 or -EINVAL. */
int tbib_recv_wqe_from_wr(const struct ib_recv_wr *wr, u32 max_sge,
			  struct tbib_recv_wqe *w);

#endif /* TBIB_WQE_H */
