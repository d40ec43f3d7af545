// SPDX-License-Identifier: GPL-2.0
/*
 * tbib wire format: header encode/decode with full bounds checks.
 *
 * The layout is fixed per opcode (see bond/WIRE.md): a 32-byte base header
 * followed by the extension headers the opcode calls for, in a fixed order.
 * The only variable part is the SACK bitmap, whose length is in the SACK
 * block itself.  The base header also carries the total header length, so
 * a frame whose opcode and length disagree is rejected early.
 *
 * Decoding is strict: reserved bits must be zero and flags must be
 * consistent with the opcode.  Together with the fixed layout this makes
 * decode followed by encode reproduce the header bytes exactly, which the
 * fuzzer checks.
 */
#include "bond/wire.h"
#include "bond/psn.h"

#define OP(_name, _ext, _flags) { .name = _name, .ext = _ext, .flags = _flags }
#define P	TBIB_OPF_PAYLOAD
#define F	TBIB_OPF_FIRST
#define L	TBIB_OPF_LAST
#define RQ	TBIB_OPF_REQ
#define RS	TBIB_OPF_RESP

static const struct tbib_op_info tbib_ops[TBIB_OP_LAST - TBIB_OP_FIRST + 1] = {
	[TBIB_OP_SEND_FIRST - TBIB_OP_FIRST] =
		OP("SEND_FIRST", 0, P | F | RQ),
	[TBIB_OP_SEND_MIDDLE - TBIB_OP_FIRST] =
		OP("SEND_MIDDLE", 0, P | RQ),
	[TBIB_OP_SEND_LAST - TBIB_OP_FIRST] =
		OP("SEND_LAST", 0, P | L | RQ),
	[TBIB_OP_SEND_LAST_IMM - TBIB_OP_FIRST] =
		OP("SEND_LAST_IMM", TBIB_EXT_IMM, P | L | RQ),
	[TBIB_OP_SEND_ONLY - TBIB_OP_FIRST] =
		OP("SEND_ONLY", 0, P | F | L | RQ),
	[TBIB_OP_SEND_ONLY_IMM - TBIB_OP_FIRST] =
		OP("SEND_ONLY_IMM", TBIB_EXT_IMM, P | F | L | RQ),
	[TBIB_OP_SEND_LAST_INV - TBIB_OP_FIRST] =
		OP("SEND_LAST_INV", TBIB_EXT_IETH, P | L | RQ),
	[TBIB_OP_SEND_ONLY_INV - TBIB_OP_FIRST] =
		OP("SEND_ONLY_INV", TBIB_EXT_IETH, P | F | L | RQ),
	[TBIB_OP_WRITE_FIRST - TBIB_OP_FIRST] =
		OP("WRITE_FIRST", TBIB_EXT_RETH, P | F | RQ),
	[TBIB_OP_WRITE_MIDDLE - TBIB_OP_FIRST] =
		OP("WRITE_MIDDLE", 0, P | RQ),
	[TBIB_OP_WRITE_LAST - TBIB_OP_FIRST] =
		OP("WRITE_LAST", 0, P | L | RQ),
	[TBIB_OP_WRITE_LAST_IMM - TBIB_OP_FIRST] =
		OP("WRITE_LAST_IMM", TBIB_EXT_IMM, P | L | RQ),
	[TBIB_OP_WRITE_ONLY - TBIB_OP_FIRST] =
		OP("WRITE_ONLY", TBIB_EXT_RETH, P | F | L | RQ),
	[TBIB_OP_WRITE_ONLY_IMM - TBIB_OP_FIRST] =
		OP("WRITE_ONLY_IMM", TBIB_EXT_RETH | TBIB_EXT_IMM,
		   P | F | L | RQ),
	[TBIB_OP_READ_REQ - TBIB_OP_FIRST] =
		OP("READ_REQ", TBIB_EXT_RETH, F | L | RQ),
	[TBIB_OP_READ_RESP_FIRST - TBIB_OP_FIRST] =
		OP("READ_RESP_FIRST", TBIB_EXT_AETH, P | F | RS),
	[TBIB_OP_READ_RESP_MIDDLE - TBIB_OP_FIRST] =
		OP("READ_RESP_MIDDLE", 0, P | RS),
	[TBIB_OP_READ_RESP_LAST - TBIB_OP_FIRST] =
		OP("READ_RESP_LAST", TBIB_EXT_AETH, P | L | RS),
	[TBIB_OP_READ_RESP_ONLY - TBIB_OP_FIRST] =
		OP("READ_RESP_ONLY", TBIB_EXT_AETH, P | F | L | RS),
	[TBIB_OP_ACK - TBIB_OP_FIRST] =
		OP("ACK", TBIB_EXT_AETH | TBIB_EXT_SACK, F | L | RS),
	[TBIB_OP_ATOMIC_ACK - TBIB_OP_FIRST] =
		OP("ATOMIC_ACK", TBIB_EXT_AETH | TBIB_EXT_ATOMIC_ACK, F | L | RS),
	[TBIB_OP_CMP_SWP - TBIB_OP_FIRST] =
		OP("CMP_SWP", TBIB_EXT_ATOMIC, F | L | RQ),
	[TBIB_OP_FETCH_ADD - TBIB_OP_FIRST] =
		OP("FETCH_ADD", TBIB_EXT_ATOMIC, F | L | RQ),
	[TBIB_OP_UD_SEND_ONLY - TBIB_OP_FIRST] =
		OP("UD_SEND_ONLY", TBIB_EXT_DETH, P | F | L | RQ),
	[TBIB_OP_UD_SEND_ONLY_IMM - TBIB_OP_FIRST] =
		OP("UD_SEND_ONLY_IMM", TBIB_EXT_DETH | TBIB_EXT_IMM,
		   P | F | L | RQ),
	[TBIB_OP_ATOMIC_WRITE - TBIB_OP_FIRST] =
		OP("ATOMIC_WRITE", TBIB_EXT_RETH, P | F | L | RQ),
	[TBIB_OP_FLUSH - TBIB_OP_FIRST] =
		OP("FLUSH", TBIB_EXT_RETH, P | F | L | RQ),
};

#undef OP
#undef P
#undef F
#undef L
#undef RQ
#undef RS

static const char * const tbib_werr_names[TBIB_WERR_COUNT] = {
	[TBIB_WERR_OK]		= "ok",
	[TBIB_WERR_TRUNCATED]	= "truncated",
	[TBIB_WERR_BAD_VERSION]	= "bad_version",
	[TBIB_WERR_NOT_XPORT]	= "not_transport",
	[TBIB_WERR_BAD_OPCODE]	= "bad_opcode",
	[TBIB_WERR_BAD_FLAGS]	= "bad_flags",
	[TBIB_WERR_BAD_HDR_LEN]	= "bad_hdr_len",
	[TBIB_WERR_BAD_LENGTH]	= "bad_length",
	[TBIB_WERR_BAD_FIELD]	= "bad_field",
	[TBIB_WERR_BAD_CRC]	= "bad_crc",
};

/* BTH field offsets. */
enum {
	BTH_VERSION	= 0,
	BTH_TYPE	= 1,
	BTH_FLAGS	= 2,
	BTH_HDR_WORDS	= 3,
	BTH_DLID	= 4,
	BTH_SLID	= 6,
	BTH_DQPN	= 8,	/* reserved byte + 24-bit QPN */
	BTH_SQPN	= 12,	/* reserved byte + 24-bit QPN */
	BTH_PSN		= 16,	/* reserved byte + 24-bit PSN */
	BTH_GEN		= 20,
	BTH_PAYLEN	= 24,
	BTH_OFFSET	= 28,
};

const struct tbib_op_info *tbib_wire_op_info(u8 opcode)
{
	if (opcode < TBIB_OP_FIRST || opcode > TBIB_OP_LAST)
		return NULL;
	return &tbib_ops[opcode - TBIB_OP_FIRST];
}

const char *tbib_wire_err_name(enum tbib_wire_err err)
{
	if ((unsigned int)err >= TBIB_WERR_COUNT)
		return "unknown";
	return tbib_werr_names[err];
}

/* Length of the fixed-size extension headers of ext, and where SACK starts. */
static u32 tbib_fixed_ext_len(u8 ext)
{
	u32 len = 0;

	if (ext & TBIB_EXT_RETH)
		len += TBIB_RETH_LEN;
	if (ext & TBIB_EXT_ATOMIC)
		len += TBIB_ATOMIC_LEN;
	if (ext & TBIB_EXT_DETH)
		len += TBIB_DETH_LEN;
	if (ext & TBIB_EXT_IMM)
		len += TBIB_IMM_LEN;
	if (ext & TBIB_EXT_IETH)
		len += TBIB_IETH_LEN;
	if (ext & TBIB_EXT_AETH)
		len += TBIB_AETH_LEN;
	if (ext & TBIB_EXT_ATOMIC_ACK)
		len += TBIB_ATOMIC_ACK_LEN;
	return len;
}

static bool tbib_syndrome_ok(u8 syn)
{
	switch (syn & TBIB_AETH_TYPE_MASK) {
	case TBIB_AETH_ACK:
	case TBIB_AETH_RNR:
		return true;
	case TBIB_AETH_NAK:
		return (syn & TBIB_AETH_VAL_MASK) <= TBIB_NAK_LAST;
	default:
		return false;
	}
}

enum tbib_wire_err tbib_wire_prefix(const void *buf, size_t len, u8 *type)
{
	const u8 *b = buf;

	if (len < 2)
		return TBIB_WERR_TRUNCATED;
	if (b[BTH_VERSION] != TBIB_WIRE_VERSION)
		return TBIB_WERR_BAD_VERSION;
	*type = b[BTH_TYPE];
	return TBIB_WERR_OK;
}

enum tbib_wire_err tbib_wire_decode_hdr(const void *buf, size_t avail,
					size_t frame_len, struct tbib_pkt *p)
{
	const struct tbib_op_info *op;
	const u8 *b = buf;
	enum tbib_wire_err err;
	u32 hdr_len, off;
	u64 need;
	u8 type;
	unsigned int i;

	memset(p, 0, sizeof(*p));
	if (avail > frame_len)
		avail = frame_len;

	err = tbib_wire_prefix(buf, avail, &type);
	if (err)
		return err;
	if (!tbib_wire_is_xport(type))
		return TBIB_WERR_NOT_XPORT;
	op = tbib_wire_op_info(type);
	if (!op)
		return TBIB_WERR_BAD_OPCODE;
	if (avail < TBIB_BTH_LEN)
		return TBIB_WERR_TRUNCATED;

	p->bth.opcode = type;
	p->bth.flags = b[BTH_FLAGS];
	if (p->bth.flags & ~TBIB_F_ALL)
		return TBIB_WERR_BAD_FLAGS;
	if (!(p->bth.flags & TBIB_F_LAST) != !(op->flags & TBIB_OPF_LAST))
		return TBIB_WERR_BAD_FLAGS;
	if (b[BTH_DQPN] || b[BTH_SQPN] || b[BTH_PSN])
		return TBIB_WERR_BAD_FIELD;

	/* Header length from the opcode, and the SACK size if there is one. */
	hdr_len = TBIB_BTH_LEN + tbib_fixed_ext_len(op->ext);
	if (op->ext & TBIB_EXT_SACK) {
		if (avail < hdr_len + TBIB_SACK_FIXED_LEN)
			return TBIB_WERR_TRUNCATED;
		p->sack.nwords = b[hdr_len];
		if (p->sack.nwords > TBIB_SACK_MAX_WORDS)
			return TBIB_WERR_BAD_FIELD;
		hdr_len += TBIB_SACK_FIXED_LEN + 8u * p->sack.nwords;
	}
	if ((u32)b[BTH_HDR_WORDS] * 4 != hdr_len)
		return TBIB_WERR_BAD_HDR_LEN;
	if (avail < hdr_len)
		return TBIB_WERR_TRUNCATED;

	p->bth.dlid = tbib_get_be16(b + BTH_DLID);
	p->bth.slid = tbib_get_be16(b + BTH_SLID);
	p->bth.dqpn = tbib_get_be24(b + BTH_DQPN + 1);
	p->bth.sqpn = tbib_get_be24(b + BTH_SQPN + 1);
	p->bth.psn = tbib_get_be24(b + BTH_PSN + 1);
	p->bth.gen = tbib_get_be32(b + BTH_GEN);
	p->bth.paylen = tbib_get_be32(b + BTH_PAYLEN);
	p->bth.offset = tbib_get_be32(b + BTH_OFFSET);

	if (p->bth.paylen > TBIB_WIRE_MAX_PAYLOAD)
		return TBIB_WERR_BAD_LENGTH;
	if (p->bth.paylen && !(op->flags & TBIB_OPF_PAYLOAD))
		return TBIB_WERR_BAD_LENGTH;
	if ((u64)p->bth.offset + p->bth.paylen > TBIB_WIRE_MAX_MSG)
		return TBIB_WERR_BAD_LENGTH;

	need = (u64)hdr_len + p->bth.paylen;
	if (p->bth.flags & TBIB_F_CRC)
		need += TBIB_CRC_LEN;
	if (frame_len < need)
		return TBIB_WERR_TRUNCATED;

	/* Extension headers, in wire order; all lie within hdr_len <= avail. */
	off = TBIB_BTH_LEN;
	p->ext = op->ext;
	if (op->ext & TBIB_EXT_RETH) {
		p->reth.va = tbib_get_be64(b + off);
		p->reth.rkey = tbib_get_be32(b + off + 8);
		p->reth.dma_len = tbib_get_be32(b + off + 12);
		off += TBIB_RETH_LEN;
	}
	if (op->ext & TBIB_EXT_ATOMIC) {
		p->atomic.va = tbib_get_be64(b + off);
		p->atomic.rkey = tbib_get_be32(b + off + 8);
		p->atomic.swap_add = tbib_get_be64(b + off + 12);
		p->atomic.compare = tbib_get_be64(b + off + 20);
		off += TBIB_ATOMIC_LEN;
	}
	if (op->ext & TBIB_EXT_DETH) {
		p->deth.qkey = tbib_get_be32(b + off);
		if (b[off + 4])
			return TBIB_WERR_BAD_FIELD;
		p->deth.src_qpn = tbib_get_be24(b + off + 5);
		off += TBIB_DETH_LEN;
	}
	if (op->ext & TBIB_EXT_IMM) {
		p->imm = tbib_get_be32(b + off);
		off += TBIB_IMM_LEN;
	}
	if (op->ext & TBIB_EXT_IETH) {
		p->ieth_rkey = tbib_get_be32(b + off);
		off += TBIB_IETH_LEN;
	}
	if (op->ext & TBIB_EXT_AETH) {
		p->aeth.syndrome = b[off];
		if (!tbib_syndrome_ok(p->aeth.syndrome))
			return TBIB_WERR_BAD_FIELD;
		p->aeth.msn = tbib_get_be24(b + off + 1);
		off += TBIB_AETH_LEN;
	}
	if (op->ext & TBIB_EXT_ATOMIC_ACK) {
		p->atomic_orig = tbib_get_be64(b + off);
		off += TBIB_ATOMIC_ACK_LEN;
	}
	if (op->ext & TBIB_EXT_SACK) {
		/* nwords was read and bounded above */
		p->sack.cum = tbib_get_be24(b + off + 1);
		p->sack.epoch = b[off + 4];
		p->sack.latest = tbib_get_be24(b + off + 5);
		off += TBIB_SACK_FIXED_LEN;
		for (i = 0; i < p->sack.nwords; i++, off += 8)
			p->sack.bits[i] = tbib_get_be64(b + off);
	}

	p->hdr_len = hdr_len;
	p->frame_len = (u32)need;
	if ((u64)hdr_len + p->bth.paylen <= avail)
		p->payload = b + hdr_len;
	if ((p->bth.flags & TBIB_F_CRC) && need <= avail)
		p->crc = tbib_get_be32(b + hdr_len + p->bth.paylen);
	return TBIB_WERR_OK;
}

enum tbib_wire_err tbib_wire_check_crc(const void *buf,
				       const struct tbib_pkt *p)
{
	u32 covered = p->hdr_len + p->bth.paylen;

	if (!(p->bth.flags & TBIB_F_CRC))
		return TBIB_WERR_OK;
	if (tbib_crc32c(buf, covered) != p->crc)
		return TBIB_WERR_BAD_CRC;
	return TBIB_WERR_OK;
}

enum tbib_wire_err tbib_wire_decode(const void *buf, size_t len,
				    struct tbib_pkt *p)
{
	enum tbib_wire_err err;

	err = tbib_wire_decode_hdr(buf, len, len, p);
	if (err)
		return err;
	return tbib_wire_check_crc(buf, p);
}

int tbib_wire_hdr_len(const struct tbib_pkt *p)
{
	const struct tbib_op_info *op = tbib_wire_op_info(p->bth.opcode);
	u32 len;

	if (!op)
		return -EINVAL;
	len = TBIB_BTH_LEN + tbib_fixed_ext_len(op->ext);
	if (op->ext & TBIB_EXT_SACK) {
		if (p->sack.nwords > TBIB_SACK_MAX_WORDS)
			return -EINVAL;
		len += TBIB_SACK_FIXED_LEN + 8u * p->sack.nwords;
	}
	return (int)len;
}

/* Range checks the decoder would otherwise reject on the other side. */
static int tbib_wire_validate(const struct tbib_pkt *p,
			      const struct tbib_op_info *op)
{
	const struct tbib_bth *h = &p->bth;

	if (h->flags & ~TBIB_F_ALL)
		return -EINVAL;
	if (h->dqpn > TBIB_QPN_MASK || h->sqpn > TBIB_QPN_MASK ||
	    h->psn > TBIB_PSN_MASK)
		return -EINVAL;
	if (h->paylen > TBIB_WIRE_MAX_PAYLOAD)
		return -EINVAL;
	if (h->paylen && !(op->flags & TBIB_OPF_PAYLOAD))
		return -EINVAL;
	if ((u64)h->offset + h->paylen > TBIB_WIRE_MAX_MSG)
		return -EINVAL;
	if ((op->ext & TBIB_EXT_DETH) && p->deth.src_qpn > TBIB_QPN_MASK)
		return -EINVAL;
	if (op->ext & TBIB_EXT_AETH) {
		if (!tbib_syndrome_ok(p->aeth.syndrome) ||
		    p->aeth.msn > TBIB_MSN_MASK)
			return -EINVAL;
	}
	if (op->ext & TBIB_EXT_SACK) {
		if (p->sack.nwords > TBIB_SACK_MAX_WORDS ||
		    p->sack.cum > TBIB_PSN_MASK ||
		    p->sack.latest > TBIB_PSN_MASK)
			return -EINVAL;
	}
	return 0;
}

int tbib_wire_encode_hdr(void *buf, size_t cap, const struct tbib_pkt *p)
{
	const struct tbib_op_info *op = tbib_wire_op_info(p->bth.opcode);
	u8 *b = buf;
	u32 off;
	int len, ret;
	u8 flags;
	unsigned int i;

	if (!op)
		return -EINVAL;
	ret = tbib_wire_validate(p, op);
	if (ret)
		return ret;
	len = tbib_wire_hdr_len(p);
	if (len < 0)
		return len;
	if (cap < (size_t)len)
		return -ENOSPC;

	flags = p->bth.flags & ~TBIB_F_LAST;
	if (op->flags & TBIB_OPF_LAST)
		flags |= TBIB_F_LAST;

	b[BTH_VERSION] = TBIB_WIRE_VERSION;
	b[BTH_TYPE] = p->bth.opcode;
	b[BTH_FLAGS] = flags;
	b[BTH_HDR_WORDS] = (u8)(len / 4);
	tbib_put_be16(b + BTH_DLID, p->bth.dlid);
	tbib_put_be16(b + BTH_SLID, p->bth.slid);
	tbib_put_be32(b + BTH_DQPN, p->bth.dqpn);
	tbib_put_be32(b + BTH_SQPN, p->bth.sqpn);
	tbib_put_be32(b + BTH_PSN, p->bth.psn);
	tbib_put_be32(b + BTH_GEN, p->bth.gen);
	tbib_put_be32(b + BTH_PAYLEN, p->bth.paylen);
	tbib_put_be32(b + BTH_OFFSET, p->bth.offset);

	off = TBIB_BTH_LEN;
	if (op->ext & TBIB_EXT_RETH) {
		tbib_put_be64(b + off, p->reth.va);
		tbib_put_be32(b + off + 8, p->reth.rkey);
		tbib_put_be32(b + off + 12, p->reth.dma_len);
		off += TBIB_RETH_LEN;
	}
	if (op->ext & TBIB_EXT_ATOMIC) {
		tbib_put_be64(b + off, p->atomic.va);
		tbib_put_be32(b + off + 8, p->atomic.rkey);
		tbib_put_be64(b + off + 12, p->atomic.swap_add);
		tbib_put_be64(b + off + 20, p->atomic.compare);
		off += TBIB_ATOMIC_LEN;
	}
	if (op->ext & TBIB_EXT_DETH) {
		tbib_put_be32(b + off, p->deth.qkey);
		tbib_put_be32(b + off + 4, p->deth.src_qpn);
		off += TBIB_DETH_LEN;
	}
	if (op->ext & TBIB_EXT_IMM) {
		tbib_put_be32(b + off, p->imm);
		off += TBIB_IMM_LEN;
	}
	if (op->ext & TBIB_EXT_IETH) {
		tbib_put_be32(b + off, p->ieth_rkey);
		off += TBIB_IETH_LEN;
	}
	if (op->ext & TBIB_EXT_AETH) {
		b[off] = p->aeth.syndrome;
		tbib_put_be24(b + off + 1, p->aeth.msn);
		off += TBIB_AETH_LEN;
	}
	if (op->ext & TBIB_EXT_ATOMIC_ACK) {
		tbib_put_be64(b + off, p->atomic_orig);
		off += TBIB_ATOMIC_ACK_LEN;
	}
	if (op->ext & TBIB_EXT_SACK) {
		b[off] = p->sack.nwords;
		tbib_put_be24(b + off + 1, p->sack.cum);
		b[off + 4] = p->sack.epoch;
		tbib_put_be24(b + off + 5, p->sack.latest);
		off += TBIB_SACK_FIXED_LEN;
		for (i = 0; i < p->sack.nwords; i++, off += 8)
			tbib_put_be64(b + off, p->sack.bits[i]);
	}
	return len;
}

void tbib_wire_put_crc(void *buf, size_t covered)
{
	u8 *b = buf;

	tbib_put_be32(b + covered, tbib_crc32c(b, covered));
}

int tbib_wire_encode(void *buf, size_t cap, const struct tbib_pkt *p,
		     const void *payload)
{
	u8 *b = buf;
	size_t total;
	int len;

	len = tbib_wire_encode_hdr(buf, cap, p);
	if (len < 0)
		return len;
	total = (size_t)len + p->bth.paylen;
	if (p->bth.flags & TBIB_F_CRC)
		total += TBIB_CRC_LEN;
	if (cap < total)
		return -ENOSPC;
	if (p->bth.paylen && !payload)
		return -EINVAL;
	if (p->bth.paylen)
		memcpy(b + len, payload, p->bth.paylen);
	if (p->bth.flags & TBIB_F_CRC)
		tbib_wire_put_crc(b, (size_t)len + p->bth.paylen);
	return (int)total;
}
