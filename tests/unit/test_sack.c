// SPDX-License-Identifier: GPL-2.0
/*
 * SACK end to end: the receiver's window state, encoded into an ACK
 * frame, decoded, and applied to the sender's tracker, gives the sender
 * exactly the receiver's view.  Also pins down the bitmap layout.
 */
#include "bond/rxwin.h"
#include "bond/txtrack.h"
#include "bond/wire.h"
#include "check.h"

/* Encode s in an ACK, decode it back (through an exact-size buffer). */
static void sack_roundtrip(const struct tbib_sack *s, struct tbib_sack *out)
{
	u8 frame[TBIB_WIRE_MAX_HDR + 4], *b;
	struct tbib_pkt p, d;
	int len;

	memset(&p, 0, sizeof(p));
	p.bth.opcode = TBIB_OP_ACK;
	p.bth.flags = TBIB_F_CRC;
	p.bth.psn = tbib_psn_sub(s->cum, 1);
	p.aeth.syndrome = tbib_aeth_ack(31);
	p.sack = *s;
	len = tbib_wire_encode(frame, sizeof(frame), &p, NULL);
	CHECK(len > 0);
	memset(out, 0xEE, sizeof(*out));
	if (len <= 0)
		return;
	CHECK_EQ(len, TBIB_BTH_LEN + TBIB_AETH_LEN + TBIB_SACK_FIXED_LEN +
		 8 * s->nwords + TBIB_CRC_LEN);
	b = malloc((size_t)len);
	memcpy(b, frame, (size_t)len);
	CHECK_EQ(tbib_wire_decode(b, (size_t)len, &d), TBIB_WERR_OK);
	free(b);
	*out = d.sack;
}

/* Bit i of word i/64 is PSN cum + 1 + i, words big-endian on the wire. */
static void test_layout(void)
{
	struct tbib_rxwin *w = malloc(tbib_rxwin_size(256));
	struct tbib_pkt p;
	struct tbib_sack s;
	u8 frame[TBIB_WIRE_MAX_HDR];
	int len;

	REQUIRE(w);
	REQUIRE(tbib_rxwin_init(w, 256, 0xFFFFFE) == 0);
	CHECK_EQ(tbib_rxwin_insert(w, 0xFFFFFF, NULL), TBIB_RXWIN_HELD);
	CHECK_EQ(tbib_rxwin_insert(w, 64, NULL), TBIB_RXWIN_HELD);
	CHECK_EQ(tbib_rxwin_insert(w, 0x80, NULL), TBIB_RXWIN_HELD);
	tbib_rxwin_sack(w, &s);
	CHECK_EQ(s.cum, 0xFFFFFE);
	CHECK_EQ(s.latest, 0x80);
	CHECK_EQ(s.nwords, 3);
	CHECK(s.bits[0] == 1);				/* 0xFFFFFF */
	CHECK(s.bits[1] == 1ULL << 1);			/* 64 = cum + 1 + 65 */
	CHECK(s.bits[2] == 1ULL << 1);			/* 128 = cum + 1 + 129 */

	memset(&p, 0, sizeof(p));
	p.bth.opcode = TBIB_OP_ACK;
	p.sack = s;
	len = tbib_wire_encode_hdr(frame, sizeof(frame), &p);
	CHECK_EQ(len, 32 + 4 + 8 + 24);
	/* SACK block at 36: nwords, cum, epoch, latest, then words */
	CHECK_EQ(frame[36], 3);
	CHECK_EQ(tbib_get_be24(frame + 37), 0xFFFFFE);
	CHECK_EQ(frame[40], 0);
	CHECK_EQ(tbib_get_be24(frame + 41), 0x80);
	CHECK_EQ(frame[44 + 7], 0x01);
	CHECK_EQ(frame[52 + 7], 0x02);
	CHECK_EQ(frame[60 + 7], 0x02);
	free(w);
}

/*
 * Random holes in a big window: after one SACK the sender marks acked
 * exactly the PSNs the receiver has.
 */
static void test_end_to_end(u32 cap, u32 start)
{
	struct tbib_rxwin *w = malloc(tbib_rxwin_size(cap));
	struct tbib_txtrack *t = malloc(tbib_txtrack_size(cap));
	struct tbib_txtrack_ack a;
	struct tbib_txtrack_info in;
	struct tbib_sack s, d;
	bool got[TBIB_WIN_MAX];
	void *item;
	u32 i, psn, n_got = 0, in_order;

	REQUIRE(w && t);
	REQUIRE(tbib_rxwin_init(w, cap, start) == 0);
	REQUIRE(tbib_txtrack_init(t, cap, start) == 0);
	for (i = 0; i < cap; i++) {
		CHECK_EQ(tbib_txtrack_sent(t, tbib_psn_add(start, i),
					   (u8)(i % TBIB_MAX_RAILS), 1), 0);
		got[i] = test_rand_below(4) != 0;
	}
	/* deliver in a random order (only the ones that "arrived") */
	for (i = 0; i < cap * 4; i++) {
		u32 k = test_rand_below(cap);

		if (got[k])
			tbib_rxwin_insert(w, tbib_psn_add(start, k), NULL);
		while (tbib_rxwin_pop(w, &item, &psn))
			;
	}
	for (i = 0; i < cap; i++)
		if (got[i])
			tbib_rxwin_insert(w, tbib_psn_add(start, i), NULL);
	while (tbib_rxwin_pop(w, &item, &psn))
		;
	in_order = 0;
	while (in_order < cap && got[in_order])
		in_order++;
	CHECK_EQ(tbib_rxwin_expected(w), tbib_psn_add(start, in_order));

	tbib_rxwin_sack(w, &s);
	sack_roundtrip(&s, &d);
	CHECK_EQ(d.cum, s.cum);
	CHECK_EQ(d.nwords, s.nwords);
	CHECK(memcmp(d.bits, s.bits, sizeof(s.bits)) == 0);

	CHECK_EQ(tbib_txtrack_on_sack(t, &d, &a), 0);
	CHECK_EQ(tbib_txtrack_check(t), 0);
	for (i = 0; i < cap; i++) {
		if (got[i])
			n_got++;
		psn = tbib_psn_add(start, i);
		if (i < in_order) {
			CHECK(tbib_txtrack_get(t, psn, &in) == -EINVAL);
			continue;
		}
		REQUIRE(tbib_txtrack_get(t, psn, &in) == 0);
		CHECK_EQ(!!(in.flags & TBIB_TXT_ACKED), got[i]);
	}
	CHECK_EQ(a.acked, n_got);
	CHECK_EQ(tbib_txtrack_oldest(t, &psn), in_order < cap);
	free(w);
	free(t);
}

int main(void)
{
	static const u32 caps[] = { 2, 8, 64, 128, 512, 1024 };
	unsigned int c, rep;

	test_layout();
	for (c = 0; c < TBIB_ARRAY_SIZE(caps); c++)
		for (rep = 0; rep < 20; rep++)
			test_end_to_end(caps[c], rep & 1 ? 0xFFFFFF - rep :
					(u32)test_rand() & TBIB_PSN_MASK);
	return check_result("sack");
}
