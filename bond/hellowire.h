/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rail handshake frames (HELLO, BYE): wire layout, encode, decode and the
 * rules that order them.  Portable: compiles into tbib.ko and into the
 * host unit tests and fuzzers; the protocol that uses these frames is
 * described in bond/hello.h.
 *
 * Every tbib frame starts with { u8 version = 1; u8 type; }.  Control
 * frames (types 0x00..0x0f) continue with a big-endian length of the whole
 * control frame (so link padding is ignored) and the fields of struct
 * tbib_hello; all multi-byte fields are big-endian, offsets fixed.  A
 * receiver accepts longer frames of a known type (newer senders may append
 * fields) and drops shorter ones.  Senders without TBIB_HELLO_CAP_SEQ may
 * end the frame after rate_mbps (TBIB_HELLO_MIN_LEN); with it the frame
 * carries seq and a CRC32C of its first TBIB_HELLO_LEN bytes, computed
 * with the crc field 0.
 *
 * Order: a receiver drops a numbered frame that is not newer (serial
 * number arithmetic) than the last one it took from the same sender's
 * rail (same GUID, generation and rail id), and an unnumbered frame from
 * a sender instance whose last frame it took was numbered: a sender does
 * not lose a capability, so that frame's caps word was damaged, and with
 * it the CRC check was skipped.
 */
#ifndef TBIB_HELLOWIRE_H
#define TBIB_HELLOWIRE_H

#include "bond/portable.h"

#define TBIB_FRAME_VERSION		1
#define TBIB_FRAME_TYPE_CTL_MAX		0x0f	/* 0x00..0x0f: control */
#define TBIB_FRAME_TYPE_TRANSPORT_MIN	0x10	/* transport (bond/wire.h) */

enum tbib_ctl_type {
	TBIB_CTL_HELLO = 0x01,
	TBIB_CTL_BYE = 0x02,
};

/*
 * HELLO and BYE share one layout (BYE only needs the identity).  The
 * codec reads and writes the bytes at these offsets (TBIB_HELLO_OFF_*);
 * the struct documents them and hellowire.c checks that both agree.
 */
struct tbib_hello {
	u8 version;
	u8 type;
	__be16 len;		/* of the whole control frame */
	__be32 caps;		/* TBIB_HELLO_CAP_* */
	__be64 guid;		/* sender's node GUID */
	__be64 generation;	/* sender's boot nonce */
	__be64 seen_guid;	/* whom the sender hears on this link, or 0 */
	__be64 seen_generation;
	__be32 lid;		/* sender's LID */
	__be32 rail_id;		/* sender's id of this rail */
	__be32 mtu;		/* largest tbib frame the sender accepts */
	__be32 flags;		/* TBIB_HELLO_F_* */
	__be64 rate_mbps;	/* sender's link rate */
	/* from here on only with TBIB_HELLO_CAP_SEQ */
	__be32 seq;		/* +1 per frame the sender's rail sends */
	__be32 crc;		/* CRC32C of the first TBIB_HELLO_LEN bytes,
				 * this field 0 while computing it */
};

#define TBIB_HELLO_LEN		72	/* what we send */
#define TBIB_HELLO_MIN_LEN	64	/* senders without TBIB_HELLO_CAP_SEQ */

#define TBIB_HELLO_OFF_VERSION		0
#define TBIB_HELLO_OFF_TYPE		1
#define TBIB_HELLO_OFF_LEN		2
#define TBIB_HELLO_OFF_CAPS		4
#define TBIB_HELLO_OFF_GUID		8
#define TBIB_HELLO_OFF_GENERATION	16
#define TBIB_HELLO_OFF_SEEN_GUID	24
#define TBIB_HELLO_OFF_SEEN_GENERATION	32
#define TBIB_HELLO_OFF_LID		40
#define TBIB_HELLO_OFF_RAIL_ID		44
#define TBIB_HELLO_OFF_MTU		48
#define TBIB_HELLO_OFF_FLAGS		52
#define TBIB_HELLO_OFF_RATE_MBPS	56
#define TBIB_HELLO_OFF_SEQ		64
#define TBIB_HELLO_OFF_CRC		68

#define TBIB_HELLO_CAP_CSUM	(1U << 0)	/* can check CRC32C */
#define TBIB_HELLO_CAP_BOUND	(1U << 1)	/* says TBIB_HELLO_F_BOUND */
#define TBIB_HELLO_CAP_SEQ	(1U << 2)	/* numbers its frames (seq), crc */

/* The sender is UP, bound to seen_guid on this link: it takes transport. */
#define TBIB_HELLO_F_BOUND	(1U << 0)

/* A HELLO or BYE in host order: what the frame says, nothing more. */
struct tbib_hello_fields {
	u64 guid;
	u64 generation;
	u64 seen_guid;
	u64 seen_generation;
	u64 rate_mbps;
	u32 caps;		/* TBIB_HELLO_CAP_* */
	u32 lid;
	u32 rail_id;
	u32 mtu;
	u32 flags;		/* TBIB_HELLO_F_* */
	u32 seq;		/* 0 in a frame shorter than TBIB_HELLO_LEN */
	u8 type;		/* enum tbib_ctl_type */
};

/* Why tbib_hello_decode() refused a frame (negative, 0 is success). */
enum tbib_hello_err {
	TBIB_HELLO_OK = 0,
	TBIB_HELLO_ERR_SHORT = -1,	/* shorter than TBIB_HELLO_MIN_LEN */
	TBIB_HELLO_ERR_VERSION = -2,	/* not TBIB_FRAME_VERSION */
	TBIB_HELLO_ERR_TYPE = -3,	/* neither HELLO nor BYE */
	TBIB_HELLO_ERR_LENGTH = -4,	/* len field < MIN_LEN or > frame */
	TBIB_HELLO_ERR_SEQ_SHORT = -5,	/* CAP_SEQ but len < TBIB_HELLO_LEN */
	TBIB_HELLO_ERR_CRC = -6,	/* CRC32C mismatch (CAP_SEQ frames) */
	TBIB_HELLO_ERR_FIELD = -7,	/* guid or mtu 0 */
	TBIB_HELLO_ERR_MIN = TBIB_HELLO_ERR_FIELD,
};

/* A short name for @err ("crc"), "?" for an unknown value. */
const char *tbib_hello_err_name(int err);

/*
 * Decodes a control frame of @len bytes as received (link padding
 * included) into @out: 0, or a negative enum tbib_hello_err.  Only the
 * first min(@len, TBIB_HELLO_LEN) bytes are read, so @buf may hold just
 * those; bytes past the frame's own length field read as 0.  @out is
 * filled (zeroed first) only on success.
 */
int tbib_hello_decode(const u8 *buf, u32 len, struct tbib_hello_fields *out);

/*
 * Writes the TBIB_HELLO_LEN bytes of a frame of @in->type with every
 * field of @in, seq included, and its CRC32C.  Returns TBIB_HELLO_LEN,
 * or 0 (nothing written) when @room is smaller.
 */
u32 tbib_hello_encode(u8 *buf, u32 room, const struct tbib_hello_fields *in);

/* Serial number arithmetic: is seq @a after @b? */
static inline bool tbib_hello_seq_after(u32 a, u32 b)
{
	return (s32)(a - b) > 0;
}

/*
 * Do two frames (caps, sender's rail id, seq) both carry numbers of the
 * same rail, @a the newer?  Says nothing of the sender instance: the
 * caller compares GUID and generation.
 */
bool tbib_hello_newer(u32 a_caps, u32 a_rail_id, u32 a_seq,
		      u32 b_caps, u32 b_rail_id, u32 b_seq);

/* The last numbered frame taken from a sender's rail; all 0: none yet. */
struct tbib_hello_seq_state {
	u64 guid;
	u64 gen;
	u32 rail_id;
	u32 seq;
};

enum tbib_hello_verdict {
	TBIB_HELLO_TAKE = 0,
	TBIB_HELLO_DROP_STALE,		/* numbered, not newer than the last */
	TBIB_HELLO_DROP_MALFORMED,	/* unnumbered from a numbering sender */
};

/*
 * Checks the number of frame @f against @st and, if @f is numbered and
 * taken, records it in @st.  An unnumbered frame is taken unless it comes
 * from the sender rail @st last recorded; @st is then left alone.
 */
enum tbib_hello_verdict tbib_hello_seq_check(struct tbib_hello_seq_state *st,
					     const struct tbib_hello_fields *f);

#endif /* TBIB_HELLOWIRE_H */
