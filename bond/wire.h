/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tbib wire format: encode and decode of transport packets.
 *
 * Every tbib frame on a rail (after the Ethernet header, EtherType 0x88B5,
 * or at the start of a USB4 frame) begins with a two-byte prefix: version
 * and type.  Types 0x00-0x0F are rail control frames (HELLO, keepalive;
 * defined by the rail code), types 0x10 and up are transport packets whose
 * type byte is the opcode.  The full layout is documented in bond/WIRE.md.
 *
 * All multi-byte fields are big-endian.  The decoder never reads outside
 * the buffer it is given and rejects every malformed frame with a reason
 * code, so the rx path can count drops by reason.
 */
#ifndef TBIB_WIRE_H
#define TBIB_WIRE_H

#include "bond/portable.h"

#define TBIB_WIRE_VERSION	1

/* Type byte ranges. */
#define TBIB_TYPE_CTRL_FIRST	0x00
#define TBIB_TYPE_CTRL_LAST	0x0F
#define TBIB_TYPE_XPORT_FIRST	0x10

/* Transport opcodes (the type byte of a transport packet). ABI: append only. */
enum tbib_op {
	TBIB_OP_SEND_FIRST		= 0x10,
	TBIB_OP_SEND_MIDDLE		= 0x11,
	TBIB_OP_SEND_LAST		= 0x12,
	TBIB_OP_SEND_LAST_IMM		= 0x13,
	TBIB_OP_SEND_ONLY		= 0x14,
	TBIB_OP_SEND_ONLY_IMM		= 0x15,
	TBIB_OP_SEND_LAST_INV		= 0x16,
	TBIB_OP_SEND_ONLY_INV		= 0x17,
	TBIB_OP_WRITE_FIRST		= 0x18,
	TBIB_OP_WRITE_MIDDLE		= 0x19,
	TBIB_OP_WRITE_LAST		= 0x1A,
	TBIB_OP_WRITE_LAST_IMM		= 0x1B,
	TBIB_OP_WRITE_ONLY		= 0x1C,
	TBIB_OP_WRITE_ONLY_IMM		= 0x1D,
	TBIB_OP_READ_REQ		= 0x1E,
	TBIB_OP_READ_RESP_FIRST		= 0x1F,
	TBIB_OP_READ_RESP_MIDDLE	= 0x20,
	TBIB_OP_READ_RESP_LAST		= 0x21,
	TBIB_OP_READ_RESP_ONLY		= 0x22,
	TBIB_OP_ACK			= 0x23,
	TBIB_OP_ATOMIC_ACK		= 0x24,
	TBIB_OP_CMP_SWP			= 0x25,
	TBIB_OP_FETCH_ADD		= 0x26,
	TBIB_OP_UD_SEND_ONLY		= 0x27,
	TBIB_OP_UD_SEND_ONLY_IMM	= 0x28,
	TBIB_OP_ATOMIC_WRITE		= 0x29,
	TBIB_OP_FLUSH			= 0x2A,
	TBIB_OP_FIRST			= TBIB_OP_SEND_FIRST,
	TBIB_OP_LAST			= TBIB_OP_FLUSH,
};

/* BTH flags byte. */
#define TBIB_F_ACKREQ		0x01	/* receiver should ACK promptly */
#define TBIB_F_SOLICITED	0x02	/* solicited event (IB SE bit) */
#define TBIB_F_LAST		0x04	/* last packet of a message (from opcode) */
#define TBIB_F_RETRANS		0x08	/* this is a retransmission */
#define TBIB_F_CRC		0x10	/* a CRC32C trailer follows the payload */
#define TBIB_F_ALL		0x1F

/* Extension headers, in the order they appear on the wire. */
#define TBIB_EXT_RETH		0x01
#define TBIB_EXT_ATOMIC		0x02
#define TBIB_EXT_DETH		0x04
#define TBIB_EXT_IMM		0x08
#define TBIB_EXT_IETH		0x10
#define TBIB_EXT_AETH		0x20
#define TBIB_EXT_ATOMIC_ACK	0x40
#define TBIB_EXT_SACK		0x80

/* Sizes. */
#define TBIB_BTH_LEN		32
#define TBIB_RETH_LEN		16
#define TBIB_ATOMIC_LEN		28
#define TBIB_DETH_LEN		8
#define TBIB_IMM_LEN		4
#define TBIB_IETH_LEN		4
#define TBIB_AETH_LEN		4
#define TBIB_ATOMIC_ACK_LEN	8
#define TBIB_SACK_FIXED_LEN	8
#define TBIB_CRC_LEN		4

/* SACK bitmap: covers the whole reorder window after the cumulative PSN. */
#define TBIB_SACK_MAX_WORDS	(TBIB_WIN_MAX / 64)
#define TBIB_SACK_MAX_BITS	(TBIB_SACK_MAX_WORDS * 64)

#define TBIB_WIRE_MAX_HDR	(TBIB_BTH_LEN + TBIB_AETH_LEN + \
				 TBIB_SACK_FIXED_LEN + 8 * TBIB_SACK_MAX_WORDS)
#define TBIB_WIRE_MAX_PAYLOAD	65536u		/* independent of IB MTU */
#define TBIB_WIRE_MAX_MSG	0x80000000u	/* 2 GiB: offset + len bound */
#define TBIB_QPN_MASK		0xFFFFFFu
#define TBIB_MSN_MASK		0xFFFFFFu

/* AETH syndrome: type in bits 7..5, value in bits 4..0 (as in IB). */
#define TBIB_AETH_TYPE_MASK	0xE0
#define TBIB_AETH_VAL_MASK	0x1F
#define TBIB_AETH_ACK		0x00	/* value: credit count */
#define TBIB_AETH_RNR		0x20	/* value: RNR timer code */
#define TBIB_AETH_NAK		0x60	/* value: enum tbib_nak */

enum tbib_nak {
	TBIB_NAK_PSN_SEQ	= 0,
	TBIB_NAK_INV_REQ	= 1,
	TBIB_NAK_REM_ACCESS	= 2,
	TBIB_NAK_REM_OP		= 3,
	TBIB_NAK_LAST		= TBIB_NAK_REM_OP,
};

static inline u8 tbib_aeth_ack(u8 credits)
{
	return TBIB_AETH_ACK | (credits & TBIB_AETH_VAL_MASK);
}

static inline u8 tbib_aeth_rnr(u8 timer)
{
	return TBIB_AETH_RNR | (timer & TBIB_AETH_VAL_MASK);
}

static inline u8 tbib_aeth_nak(enum tbib_nak code)
{
	return TBIB_AETH_NAK | ((u8)code & TBIB_AETH_VAL_MASK);
}

/* Decode result; 0 is success.  Values index per-reason drop counters. */
enum tbib_wire_err {
	TBIB_WERR_OK = 0,
	TBIB_WERR_TRUNCATED,	/* frame shorter than its headers/payload */
	TBIB_WERR_BAD_VERSION,
	TBIB_WERR_NOT_XPORT,	/* a rail control frame given to the transport */
	TBIB_WERR_BAD_OPCODE,
	TBIB_WERR_BAD_FLAGS,	/* unknown flag, or LAST not matching opcode */
	TBIB_WERR_BAD_HDR_LEN,	/* header length word disagrees with opcode */
	TBIB_WERR_BAD_LENGTH,	/* payload too big / not allowed / offset */
	TBIB_WERR_BAD_FIELD,	/* reserved bits set, bad syndrome, SACK size */
	TBIB_WERR_BAD_CRC,
	TBIB_WERR_COUNT
};

struct tbib_bth {
	u8 opcode;
	u8 flags;
	u16 dlid;
	u16 slid;
	u32 dqpn;	/* 24 bits */
	u32 sqpn;	/* 24 bits */
	u32 psn;	/* 24 bits */
	u32 gen;	/* connection generation */
	u32 paylen;	/* payload bytes, excluding headers and CRC */
	u32 offset;	/* byte offset of the payload within the message */
};

struct tbib_reth {
	u64 va;
	u32 rkey;
	u32 dma_len;
};

struct tbib_atomic_eth {
	u64 va;
	u32 rkey;
	u64 swap_add;
	u64 compare;
};

struct tbib_deth {
	u32 qkey;
	u32 src_qpn;	/* 24 bits */
};

struct tbib_aeth {
	u8 syndrome;
	u32 msn;	/* 24 bits */
};

/*
 * Selective acknowledgement.  cum is the receiver's next expected PSN
 * (everything before it has been received); bit i of the bitmap (bit i%64
 * of bits[i/64]) says PSN cum+1+i is held by the receiver.  latest is the
 * PSN of the most recent arrival.  epoch changes whenever the receiver
 * drops PSNs it had reported held (after an RNR NAK, say): a sender must
 * ignore SACKs of an older epoch and forget what newer ones take back.
 */
struct tbib_sack {
	u32 cum;
	u32 latest;
	u8 epoch;
	u8 nwords;	/* bitmap words present, <= TBIB_SACK_MAX_WORDS */
	u64 bits[TBIB_SACK_MAX_WORDS];
};

/* A parsed (or to-be-encoded) transport packet. */
struct tbib_pkt {
	struct tbib_bth bth;
	u32 ext;		/* TBIB_EXT_* present (set by decode/encode) */
	struct tbib_reth reth;
	struct tbib_atomic_eth atomic;
	struct tbib_deth deth;
	u32 imm;		/* ImmDt as a host-order value of the wire u32 */
	u32 ieth_rkey;
	struct tbib_aeth aeth;
	u64 atomic_orig;	/* AtomicAckETH */
	struct tbib_sack sack;

	/* decode output */
	u32 hdr_len;		/* BTH + extension headers */
	u32 frame_len;		/* hdr_len + paylen + CRC trailer */
	const u8 *payload;	/* NULL if the payload is not in the buffer */
	u32 crc;		/* trailer value when TBIB_F_CRC */
};

/* Static description of an opcode. */
#define TBIB_OPF_PAYLOAD	0x01	/* may carry payload */
#define TBIB_OPF_FIRST		0x02	/* first packet of a message */
#define TBIB_OPF_LAST		0x04	/* last packet of a message */
#define TBIB_OPF_REQ		0x08	/* requester -> responder */
#define TBIB_OPF_RESP		0x10	/* responder -> requester */

struct tbib_op_info {
	const char *name;
	u8 ext;		/* TBIB_EXT_* (SACK length is variable) */
	u8 flags;	/* TBIB_OPF_* */
};

/* Opcode description or NULL if not a transport opcode. */
const struct tbib_op_info *tbib_wire_op_info(u8 opcode);
const char *tbib_wire_err_name(enum tbib_wire_err err);

/*
 * Check the two-byte prefix of any tbib frame.  On success *type is the
 * type byte: <= TBIB_TYPE_CTRL_LAST for rail control, else an opcode.
 */
enum tbib_wire_err tbib_wire_prefix(const void *buf, size_t len, u8 *type);

/*
 * Parse the headers of a transport packet.  buf holds the first avail
 * bytes of a frame of frame_len bytes (avail < frame_len when the rest is
 * in skb fragments).  Needs the whole header in buf; checks that frame_len
 * covers header, payload and CRC trailer (trailing padding is allowed).
 * Sets p->payload only if the payload lies within avail.  Does not verify
 * the CRC (see tbib_wire_check_crc()).
 */
enum tbib_wire_err tbib_wire_decode_hdr(const void *buf, size_t avail,
					size_t frame_len, struct tbib_pkt *p);

/* Parse a complete, linear frame, including CRC verification. */
enum tbib_wire_err tbib_wire_decode(const void *buf, size_t len,
				    struct tbib_pkt *p);

/* Verify the CRC trailer of a decoded, linear frame. */
enum tbib_wire_err tbib_wire_check_crc(const void *buf,
				       const struct tbib_pkt *p);

/* Header length p would encode to, or -EINVAL. */
int tbib_wire_hdr_len(const struct tbib_pkt *p);

/*
 * Write the headers of p (opcode, flags except LAST, fields, extension
 * headers for the opcode; LAST is derived from the opcode) into buf.
 * Returns the header length, -EINVAL for a field out of range, -ENOSPC if
 * cap is too small.  Payload and CRC are the caller's (see below).
 */
int tbib_wire_encode_hdr(void *buf, size_t cap, const struct tbib_pkt *p);

/*
 * Encode a whole linear frame: headers, p->bth.paylen bytes from payload,
 * then the CRC trailer if p->bth.flags has TBIB_F_CRC.  Returns the frame
 * length or a negative errno.
 */
int tbib_wire_encode(void *buf, size_t cap, const struct tbib_pkt *p,
		     const void *payload);

/* Write the CRC32C of buf[0..covered) big-endian at buf + covered. */
void tbib_wire_put_crc(void *buf, size_t covered);

static inline bool tbib_wire_is_xport(u8 type)
{
	return type >= TBIB_TYPE_XPORT_FIRST;
}

#endif /* TBIB_WIRE_H */
