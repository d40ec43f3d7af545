// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the rail handshake codec and its sequence rules
 * (bond/hellowire.c).
 *
 * Decode: any input must decode without reading out of bounds (ASan) or
 * undefined behaviour (UBSan), with the same result when only its first
 * TBIB_HELLO_LEN bytes are at hand (as bond/hello.c passes them).  A frame
 * that decodes encodes to a frame that decodes to the same fields; a
 * numbered one encodes back to its own first 72 bytes (but for the length
 * field and the CRC of a longer frame).
 *
 * Sequence: the same input, read as 4-byte records (see seq_frame()), is
 * a stream of frames from a few senders, rails and generations fed to
 * tbib_hello_seq_check().  A numbered frame taken is strictly newer than
 * the previous numbered frame taken if that came from the same sender
 * instance and rail; nothing but a taken numbered frame changes the state.
 */
#include <stdint.h>
#include <stdlib.h>
#include "bond/hellowire.h"

#define ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_fields(const struct tbib_hello_fields *a,
			const struct tbib_hello_fields *b)
{
	return a->type == b->type && a->caps == b->caps &&
	       a->guid == b->guid && a->generation == b->generation &&
	       a->seen_guid == b->seen_guid &&
	       a->seen_generation == b->seen_generation &&
	       a->lid == b->lid && a->rail_id == b->rail_id &&
	       a->mtu == b->mtu && a->flags == b->flags &&
	       a->rate_mbps == b->rate_mbps && a->seq == b->seq;
}

static void fuzz_decode(const u8 *data, u32 size)
{
	struct tbib_hello_fields f, g;
	u8 out[TBIB_HELLO_LEN];
	u32 head = size < TBIB_HELLO_LEN ? size : TBIB_HELLO_LEN;
	u32 flen;
	u8 *copy;
	int err, err2;

	err = tbib_hello_decode(data, size, &f);
	ASSERT(err <= 0 && err >= TBIB_HELLO_ERR_MIN);
	ASSERT(tbib_hello_err_name(err)[0] != '?');

	/* the first TBIB_HELLO_LEN bytes are all the decoder reads */
	copy = malloc(head ? head : 1);
	memcpy(copy, data, head);
	err2 = tbib_hello_decode(copy, size, &g);
	free(copy);
	ASSERT(err2 == err);
	if (err)
		return;
	ASSERT(same_fields(&f, &g));

	flen = tbib_get_be16(data + TBIB_HELLO_OFF_LEN);
	ASSERT(size >= TBIB_HELLO_MIN_LEN);
	ASSERT(flen >= TBIB_HELLO_MIN_LEN && flen <= size);
	ASSERT(f.type == TBIB_CTL_HELLO || f.type == TBIB_CTL_BYE);
	ASSERT(f.guid && f.mtu);
	if (f.caps & TBIB_HELLO_CAP_SEQ)
		ASSERT(flen >= TBIB_HELLO_LEN);
	if (flen < TBIB_HELLO_OFF_SEQ + 4)
		ASSERT((f.seq & 0xff) == 0);

	/* encode -> decode gives the same fields */
	ASSERT(tbib_hello_encode(out, sizeof(out), &f) == TBIB_HELLO_LEN);
	ASSERT(tbib_hello_encode(out, sizeof(out) - 1, &f) == 0);
	err = tbib_hello_decode(out, sizeof(out), &g);
	ASSERT(err == 0);
	ASSERT(same_fields(&f, &g));

	/*
	 * A numbered frame is its own encoding but for the length field
	 * (and so the CRC) of a frame with appended bytes.
	 */
	if (f.caps & TBIB_HELLO_CAP_SEQ) {
		ASSERT(memcmp(out, data, TBIB_HELLO_OFF_LEN) == 0);
		ASSERT(memcmp(out + TBIB_HELLO_OFF_CAPS,
			      data + TBIB_HELLO_OFF_CAPS,
			      TBIB_HELLO_OFF_CRC - TBIB_HELLO_OFF_CAPS) == 0);
		if (flen == TBIB_HELLO_LEN)
			ASSERT(memcmp(out, data, TBIB_HELLO_LEN) == 0);
	}
}

/*
 * One record: byte 0 picks the sender (bits 0-1: GUID, bit 2:
 * generation, bits 3-4: rail id, bit 5: numbered) and how to number it
 * (bits 6-7, from bytes 1-3: a small step from the key's last number, an
 * absolute number, a step around half the number space, or near the wrap).
 */
static void seq_frame(const u8 *r, u32 *last, struct tbib_hello_fields *f)
{
	static const u64 guids[] = { 0, 1, 0xAB, 0xFFFFFFFFFFFFFFFFULL };
	unsigned int key = r[0] & 0x1f;
	s8 step = (s8)r[1];
	u32 seq;

	memset(f, 0, sizeof(*f));
	f->type = TBIB_CTL_HELLO;
	f->guid = guids[r[0] & 3];
	f->generation = 1 + ((r[0] >> 2) & 1);
	f->rail_id = (r[0] >> 3) & 3;
	f->caps = TBIB_HELLO_CAP_CSUM | TBIB_HELLO_CAP_BOUND;
	if (r[0] & 0x20)
		f->caps |= TBIB_HELLO_CAP_SEQ;
	f->mtu = 1500;
	switch (r[0] >> 6) {
	case 0:
		seq = last[key] + (u32)(s32)step;
		break;
	case 1:
		seq = ((u32)r[1] << 24) | ((u32)r[2] << 16) | ((u32)r[3] << 8);
		break;
	case 2:
		seq = last[key] + 0x7FFFFFFFu + (u32)(s32)(s8)r[2];
		break;
	default:
		seq = 0xFFFFFFFFu - r[1] + r[2];
		break;
	}
	f->seq = seq;
	last[key] = seq;
}

static bool same_sender(const struct tbib_hello_seq_state *s,
			const struct tbib_hello_fields *f)
{
	return s->guid == f->guid && s->gen == f->generation &&
	       s->rail_id == f->rail_id;
}

static bool same_state(const struct tbib_hello_seq_state *a,
		       const struct tbib_hello_seq_state *b)
{
	return a->guid == b->guid && a->gen == b->gen &&
	       a->rail_id == b->rail_id && a->seq == b->seq;
}

static void fuzz_seq(const u8 *data, u32 size)
{
	struct tbib_hello_seq_state st = { 0 }, old;
	struct tbib_hello_fields f, prev;
	enum tbib_hello_verdict v;
	bool have_prev = false;
	u32 last[32] = { 0 };
	u32 i;

	for (i = 0; i + 4 <= size; i += 4) {
		seq_frame(data + i, last, &f);
		old = st;
		v = tbib_hello_seq_check(&st, &f);
		if (!(f.caps & TBIB_HELLO_CAP_SEQ)) {
			/* unnumbered: judged by the sender alone, never kept */
			ASSERT(v == (same_sender(&old, &f) ?
				     TBIB_HELLO_DROP_MALFORMED :
				     TBIB_HELLO_TAKE));
			ASSERT(same_state(&st, &old));
			continue;
		}
		if (v != TBIB_HELLO_TAKE) {
			ASSERT(v == TBIB_HELLO_DROP_STALE);
			ASSERT(same_sender(&old, &f));
			ASSERT(!tbib_hello_seq_after(f.seq, old.seq));
			ASSERT(same_state(&st, &old));
			continue;
		}
		/* taken: strictly newer than the last taken of its rail */
		if (have_prev && prev.guid == f.guid &&
		    prev.generation == f.generation &&
		    prev.rail_id == f.rail_id) {
			ASSERT(tbib_hello_seq_after(f.seq, prev.seq));
			ASSERT(tbib_hello_newer(f.caps, f.rail_id, f.seq,
						prev.caps, prev.rail_id,
						prev.seq));
			ASSERT(!tbib_hello_newer(prev.caps, prev.rail_id,
						 prev.seq, f.caps, f.rail_id,
						 f.seq));
		}
		ASSERT(same_sender(&st, &f) && st.seq == f.seq);
		prev = f;
		have_prev = true;
	}
	/* the state is the last numbered frame taken, or empty */
	if (have_prev)
		ASSERT(same_sender(&st, &prev) && st.seq == prev.seq);
	else
		ASSERT(!st.guid && !st.gen && !st.rail_id && !st.seq);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u32 n = size > 0x100000 ? 0x100000 : (u32)size;

	fuzz_decode(data, n);
	fuzz_seq(data, n);
	return 0;
}
