// SPDX-License-Identifier: GPL-2.0
/*
 * Rail handshake frames: encode, decode, order (see hellowire.h).
 * Portable: no skb, no kernel header; the rail code copies a frame's
 * first bytes out of the skb and maps the reasons to its drop counters.
 */
#include "bond/hellowire.h"

#define TBIB_HELLO_CHECK_OFF(field, off) \
	_Static_assert(offsetof(struct tbib_hello, field) == (off), #field)

TBIB_HELLO_CHECK_OFF(version, TBIB_HELLO_OFF_VERSION);
TBIB_HELLO_CHECK_OFF(type, TBIB_HELLO_OFF_TYPE);
TBIB_HELLO_CHECK_OFF(len, TBIB_HELLO_OFF_LEN);
TBIB_HELLO_CHECK_OFF(caps, TBIB_HELLO_OFF_CAPS);
TBIB_HELLO_CHECK_OFF(guid, TBIB_HELLO_OFF_GUID);
TBIB_HELLO_CHECK_OFF(generation, TBIB_HELLO_OFF_GENERATION);
TBIB_HELLO_CHECK_OFF(seen_guid, TBIB_HELLO_OFF_SEEN_GUID);
TBIB_HELLO_CHECK_OFF(seen_generation, TBIB_HELLO_OFF_SEEN_GENERATION);
TBIB_HELLO_CHECK_OFF(lid, TBIB_HELLO_OFF_LID);
TBIB_HELLO_CHECK_OFF(rail_id, TBIB_HELLO_OFF_RAIL_ID);
TBIB_HELLO_CHECK_OFF(mtu, TBIB_HELLO_OFF_MTU);
TBIB_HELLO_CHECK_OFF(flags, TBIB_HELLO_OFF_FLAGS);
TBIB_HELLO_CHECK_OFF(rate_mbps, TBIB_HELLO_OFF_RATE_MBPS);
TBIB_HELLO_CHECK_OFF(seq, TBIB_HELLO_OFF_SEQ);
TBIB_HELLO_CHECK_OFF(crc, TBIB_HELLO_OFF_CRC);
_Static_assert(sizeof(struct tbib_hello) == TBIB_HELLO_LEN, "size");
_Static_assert(TBIB_HELLO_OFF_SEQ == TBIB_HELLO_MIN_LEN, "min len");

static const char *const tbib_hello_err_names[] = {
	[-TBIB_HELLO_OK]		= "ok",
	[-TBIB_HELLO_ERR_SHORT]		= "short",
	[-TBIB_HELLO_ERR_VERSION]	= "version",
	[-TBIB_HELLO_ERR_TYPE]		= "type",
	[-TBIB_HELLO_ERR_LENGTH]	= "length",
	[-TBIB_HELLO_ERR_SEQ_SHORT]	= "seq-short",
	[-TBIB_HELLO_ERR_CRC]		= "crc",
	[-TBIB_HELLO_ERR_FIELD]		= "field",
};

const char *tbib_hello_err_name(int err)
{
	if (err > 0 || err < TBIB_HELLO_ERR_MIN)
		return "?";
	return tbib_hello_err_names[-err];
}

int tbib_hello_decode(const u8 *buf, u32 len, struct tbib_hello_fields *out)
{
	u8 h[TBIB_HELLO_LEN];
	u32 flen, caps, crc;
	u8 type;

	if (len < 2)
		return TBIB_HELLO_ERR_SHORT;
	if (buf[TBIB_HELLO_OFF_VERSION] != TBIB_FRAME_VERSION)
		return TBIB_HELLO_ERR_VERSION;
	type = buf[TBIB_HELLO_OFF_TYPE];
	if (type != TBIB_CTL_HELLO && type != TBIB_CTL_BYE)
		return TBIB_HELLO_ERR_TYPE;
	if (len < TBIB_HELLO_MIN_LEN)
		return TBIB_HELLO_ERR_SHORT;
	flen = tbib_get_be16(buf + TBIB_HELLO_OFF_LEN);
	if (flen < TBIB_HELLO_MIN_LEN || flen > len)
		return TBIB_HELLO_ERR_LENGTH;

	/* fields past the frame's own length are padding, not ours */
	memset(h, 0, sizeof(h));
	memcpy(h, buf, flen < sizeof(h) ? flen : sizeof(h));

	caps = tbib_get_be32(h + TBIB_HELLO_OFF_CAPS);
	if (caps & TBIB_HELLO_CAP_SEQ) {
		if (flen < TBIB_HELLO_LEN)
			return TBIB_HELLO_ERR_SEQ_SHORT;
		crc = tbib_get_be32(h + TBIB_HELLO_OFF_CRC);
		tbib_put_be32(h + TBIB_HELLO_OFF_CRC, 0);
		if (crc != tbib_crc32c(h, TBIB_HELLO_LEN))
			return TBIB_HELLO_ERR_CRC;
	}
	if (!tbib_get_be64(h + TBIB_HELLO_OFF_GUID) ||
	    !tbib_get_be32(h + TBIB_HELLO_OFF_MTU))
		return TBIB_HELLO_ERR_FIELD;

	memset(out, 0, sizeof(*out));
	out->type = type;
	out->caps = caps;
	out->guid = tbib_get_be64(h + TBIB_HELLO_OFF_GUID);
	out->generation = tbib_get_be64(h + TBIB_HELLO_OFF_GENERATION);
	out->seen_guid = tbib_get_be64(h + TBIB_HELLO_OFF_SEEN_GUID);
	out->seen_generation = tbib_get_be64(h + TBIB_HELLO_OFF_SEEN_GENERATION);
	out->lid = tbib_get_be32(h + TBIB_HELLO_OFF_LID);
	out->rail_id = tbib_get_be32(h + TBIB_HELLO_OFF_RAIL_ID);
	out->mtu = tbib_get_be32(h + TBIB_HELLO_OFF_MTU);
	out->flags = tbib_get_be32(h + TBIB_HELLO_OFF_FLAGS);
	out->rate_mbps = tbib_get_be64(h + TBIB_HELLO_OFF_RATE_MBPS);
	out->seq = tbib_get_be32(h + TBIB_HELLO_OFF_SEQ);
	return TBIB_HELLO_OK;
}

u32 tbib_hello_encode(u8 *buf, u32 room, const struct tbib_hello_fields *in)
{
	if (room < TBIB_HELLO_LEN)
		return 0;
	buf[TBIB_HELLO_OFF_VERSION] = TBIB_FRAME_VERSION;
	buf[TBIB_HELLO_OFF_TYPE] = in->type;
	tbib_put_be16(buf + TBIB_HELLO_OFF_LEN, TBIB_HELLO_LEN);
	tbib_put_be32(buf + TBIB_HELLO_OFF_CAPS, in->caps);
	tbib_put_be64(buf + TBIB_HELLO_OFF_GUID, in->guid);
	tbib_put_be64(buf + TBIB_HELLO_OFF_GENERATION, in->generation);
	tbib_put_be64(buf + TBIB_HELLO_OFF_SEEN_GUID, in->seen_guid);
	tbib_put_be64(buf + TBIB_HELLO_OFF_SEEN_GENERATION,
		      in->seen_generation);
	tbib_put_be32(buf + TBIB_HELLO_OFF_LID, in->lid);
	tbib_put_be32(buf + TBIB_HELLO_OFF_RAIL_ID, in->rail_id);
	tbib_put_be32(buf + TBIB_HELLO_OFF_MTU, in->mtu);
	tbib_put_be32(buf + TBIB_HELLO_OFF_FLAGS, in->flags);
	tbib_put_be64(buf + TBIB_HELLO_OFF_RATE_MBPS, in->rate_mbps);
	tbib_put_be32(buf + TBIB_HELLO_OFF_SEQ, in->seq);
	/* the crc field is 0 while the checksum is computed */
	tbib_put_be32(buf + TBIB_HELLO_OFF_CRC, 0);
	tbib_put_be32(buf + TBIB_HELLO_OFF_CRC,
		      tbib_crc32c(buf, TBIB_HELLO_LEN));
	return TBIB_HELLO_LEN;
}

bool tbib_hello_newer(u32 a_caps, u32 a_rail_id, u32 a_seq,
		      u32 b_caps, u32 b_rail_id, u32 b_seq)
{
	return (a_caps & b_caps & TBIB_HELLO_CAP_SEQ) &&
	       a_rail_id == b_rail_id && tbib_hello_seq_after(a_seq, b_seq);
}

enum tbib_hello_verdict tbib_hello_seq_check(struct tbib_hello_seq_state *st,
					     const struct tbib_hello_fields *f)
{
	bool same = st->guid == f->guid && st->gen == f->generation &&
		    st->rail_id == f->rail_id;

	/*
	 * A peer instance does not lose a capability: an unnumbered frame
	 * from one that numbers its frames is a numbered one whose caps
	 * word was damaged, which its CRC, then unchecked, cannot reveal.
	 */
	if (!(f->caps & TBIB_HELLO_CAP_SEQ))
		return same ? TBIB_HELLO_DROP_MALFORMED : TBIB_HELLO_TAKE;
	if (same && !tbib_hello_seq_after(f->seq, st->seq))
		return TBIB_HELLO_DROP_STALE;
	st->guid = f->guid;
	st->gen = f->generation;
	st->rail_id = f->rail_id;
	st->seq = f->seq;
	return TBIB_HELLO_TAKE;
}
