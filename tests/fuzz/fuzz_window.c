// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: a sender (txtrack) and a receiver (rxwin) joined by a
 * lossy, reordering, duplicating wire, driven by the input as a sequence
 * of operations, plus forged SACKs and forged packets.
 *
 * Checked after every operation: both structures' internal invariants;
 * the receiver delivers consecutive PSNs exactly once; a SACK the
 * receiver really sent is accepted; every PSN the sender counts as
 * acknowledged was really received.  At the end the wire is healed and
 * every sent PSN must get through (liveness); items held by the window
 * are freed by the flush callback (leaks are caught by ASan).
 */
#include <stdint.h>
#include <stdlib.h>
#include "bond/rxwin.h"
#include "bond/txtrack.h"
#include "bond/wire.h"

#define ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

#define WIRE_MAX 512

struct in {
	const u8 *d;
	size_t n, off;
};

static u8 get8(struct in *in)
{
	return in->off < in->n ? in->d[in->off++] : 0;
}

static u32 get24(struct in *in)
{
	u32 v = get8(in);

	v = (v << 8) | get8(in);
	return (v << 8) | get8(in);
}

struct item {
	u32 psn;
	u32 magic;
};

struct world {
	struct tbib_txtrack *t;
	struct tbib_rxwin *w;
	u32 wire[WIRE_MAX];	/* PSNs in flight, any order */
	unsigned int nwire;
	u32 next_deliver;	/* next PSN the receiver must hand up */
	bool forged;		/* receiver took PSNs the sender never sent */
	unsigned int resets;	/* receiver epochs the sender has not seen */
};

static void free_item(void *ctx, void *v)
{
	struct item *it = v;

	(void)ctx;
	ASSERT(it->magic == 0x7B1B);
	free(it);
}

static void deliver_item(struct world *wd, u32 psn, struct item *it)
{
	ASSERT(psn == wd->next_deliver);
	if (it) {
		ASSERT(it->magic == 0x7B1B);
		if (!wd->forged)
			ASSERT(it->psn == psn);
		free(it);
	}
	wd->next_deliver = tbib_psn_add(psn, 1);
}

static void rx(struct world *wd, u32 psn)
{
	struct item *it = malloc(sizeof(*it));
	enum tbib_rxwin_res r;
	void *v;
	u32 p;

	ASSERT(it);
	it->psn = psn;
	it->magic = 0x7B1B;
	r = tbib_rxwin_insert(wd->w, psn, it);
	if (r != TBIB_RXWIN_HELD) {
		if (r == TBIB_RXWIN_IN_ORDER)
			deliver_item(wd, psn, NULL);
		free(it);
	}
	while (tbib_rxwin_pop(wd->w, &v, &p))
		deliver_item(wd, p, v);
	ASSERT(tbib_rxwin_expected(wd->w) == wd->next_deliver);
	ASSERT(tbib_rxwin_check(wd->w) == 0);
}

static bool received(struct world *wd, u32 psn)
{
	return tbib_psn_lt(psn, tbib_rxwin_expected(wd->w)) ||
	       tbib_rxwin_is_held(wd->w, psn);
}

static void wire_put(struct world *wd, u32 psn)
{
	if (wd->nwire == WIRE_MAX)	/* wire full: the oldest is lost */
		wd->wire[0] = wd->wire[--wd->nwire];
	wd->wire[wd->nwire++] = psn;
}

static void xmit(struct world *wd, u32 psn, u8 rail, u32 bytes)
{
	int r = tbib_txtrack_sent(wd->t, psn, rail, bytes);

	ASSERT(r == 0);
	wire_put(wd, psn);
}

/* The receiver's SACK, through the wire encoder and decoder. */
static void ack(struct world *wd)
{
	u8 frame[TBIB_WIRE_MAX_HDR + TBIB_CRC_LEN];
	struct tbib_txtrack_ack a;
	struct tbib_pkt p, d;
	u32 k, psn;
	int len, r;

	memset(&p, 0, sizeof(p));
	p.bth.opcode = TBIB_OP_ACK;
	p.bth.flags = TBIB_F_CRC;
	tbib_rxwin_sack(wd->w, &p.sack);
	len = tbib_wire_encode(frame, sizeof(frame), &p, NULL);
	ASSERT(len > 0);
	ASSERT(tbib_wire_decode(frame, (size_t)len, &d) == TBIB_WERR_OK);
	r = tbib_txtrack_on_sack(wd->t, &d.sack, &a);
	if (!wd->forged)
		ASSERT(r == 0 && !a.ignored && !a.stale);
	wd->resets = 0;
	ASSERT(tbib_txtrack_check(wd->t) == 0);
	for (k = 0; k < tbib_txtrack_outstanding(wd->t); k++) {
		struct tbib_txtrack_info info;

		psn = tbib_psn_add(wd->t->una, k);
		ASSERT(tbib_txtrack_get(wd->t, psn, &info) == 0);
		if ((info.flags & TBIB_TXT_ACKED) && !wd->forged)
			ASSERT(received(wd, psn));
	}
	/* everything below una was received */
	ASSERT(tbib_psn_le(wd->t->una, tbib_rxwin_expected(wd->w)) ||
	       wd->forged);
}

static void resend(struct world *wd, u8 rail, unsigned int max)
{
	u32 psn;

	while (max-- && tbib_txtrack_next_lost(wd->t, &psn))
		xmit(wd, psn, rail % TBIB_MAX_RAILS, 100);
}

static void forged_sack(struct world *wd, struct in *in)
{
	struct tbib_txtrack_ack a;
	struct tbib_sack s;
	unsigned int i;

	memset(&s, 0, sizeof(s));
	s.cum = get24(in);
	if (get8(in) & 1)	/* near the real window, where it hurts */
		s.cum = tbib_psn_add(wd->t->una, get8(in) % 8);
	s.latest = get24(in);
	s.epoch = (u8)(wd->t->epoch + (get8(in) % 3 == 0));
	s.nwords = get8(in) % (TBIB_SACK_MAX_WORDS + 2);
	for (i = 0; i < s.nwords && i < TBIB_SACK_MAX_WORDS; i++)
		s.bits[i] = (u64)get24(in) << 40 | (u64)get24(in) << 16 |
			    get8(in);
	tbib_txtrack_on_sack(wd->t, &s, &a);
	ASSERT(tbib_txtrack_check(wd->t) == 0);
	/* a forged ack can make the sender forget what was never received */
	wd->forged = true;
}

/* Heal the wire: deliver everything, ack, resend, time out, repeat. */
static void heal(struct world *wd)
{
	unsigned int round, i;
	u32 psn;

	/*
	 * A reliable wire needs two rounds (deliver + time out + resend,
	 * then deliver); forged state may never finish, so keep it short.
	 */
	for (round = 0; round < (wd->forged ? 4 : 16); round++) {
		for (i = 0; i < wd->nwire; i++)
			rx(wd, wd->wire[i]);
		wd->nwire = 0;
		ack(wd);
		if (!tbib_txtrack_outstanding(wd->t))
			break;
		if (!wd->t->nlost) {
			/* retransmit timer: everything outstanding */
			for (i = 0; i < tbib_txtrack_outstanding(wd->t); i++) {
				psn = tbib_psn_add(wd->t->una, i);
				tbib_txtrack_mark_lost(wd->t, psn);
			}
		}
		resend(wd, (u8)round, wd->t->cap);
	}
	if (!wd->forged) {
		ASSERT(tbib_txtrack_outstanding(wd->t) == 0);
		ASSERT(tbib_rxwin_expected(wd->w) == wd->t->nxt);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size, 0 };
	struct world wd;
	u32 cap, start, psn, k;
	u8 op, b;

	memset(&wd, 0, sizeof(wd));
	cap = 2u << (get8(&in) % 10);		/* 2 .. 1024 */
	start = get24(&in);
	wd.t = malloc(tbib_txtrack_size(cap));
	wd.w = malloc(tbib_rxwin_size(cap));
	ASSERT(wd.t && wd.w);
	ASSERT(tbib_txtrack_init(wd.t, cap, start) == 0);
	ASSERT(tbib_rxwin_init(wd.w, cap, start) == 0);
	wd.next_deliver = start;

	while (in.off < in.n) {
		op = get8(&in);
		b = get8(&in);
		switch (op % 12) {
		case 0: case 1: case 2:		/* send new PSNs */
			for (k = 0; k <= (u32)(op >> 4) &&
			     tbib_txtrack_space(wd.t); k++)
				xmit(&wd, tbib_txtrack_next_psn(wd.t),
				     b % TBIB_MAX_RAILS, 1 + b);
			break;
		case 3: case 4:			/* deliver one */
			if (wd.nwire) {
				k = b % wd.nwire;
				psn = wd.wire[k];
				wd.wire[k] = wd.wire[--wd.nwire];
				rx(&wd, psn);
			}
			break;
		case 5:				/* lose one */
			if (wd.nwire) {
				k = b % wd.nwire;
				wd.wire[k] = wd.wire[--wd.nwire];
			}
			break;
		case 6:				/* duplicate one */
			if (wd.nwire)
				wire_put(&wd, wd.wire[b % wd.nwire]);
			break;
		case 7:
			ack(&wd);
			break;
		case 8:
			resend(&wd, b, 1 + (op >> 4));
			break;
		case 9:				/* timer or rail failure */
			if (b & 1) {
				if (tbib_txtrack_oldest(wd.t, &psn))
					tbib_txtrack_mark_lost(wd.t, psn);
			} else {
				tbib_txtrack_rail_down(wd.t, b >> 1);
			}
			ASSERT(tbib_txtrack_check(wd.t) == 0);
			break;
		case 10:			/* receiver drops what it holds */
			/*
			 * The SACK epoch is 8 bits, compared as a signed
			 * difference: a receiver 128 or more epochs ahead of
			 * what the sender last saw looks stale.  Each epoch is
			 * an RNR the sender must hear of before the next one
			 * (ack.c), so the wire never gets that far ahead.
			 */
			if (wd.resets >= 100)
				break;
			wd.resets++;
			tbib_rxwin_reset(wd.w, tbib_rxwin_expected(wd.w),
					 free_item, NULL);
			ASSERT(tbib_rxwin_check(wd.w) == 0);
			break;
		case 11:
			if (b & 1) {
				forged_sack(&wd, &in);
			} else {		/* a packet nobody sent */
				psn = get24(&in);
				if (b & 2)
					psn = tbib_psn_add(tbib_rxwin_expected(wd.w),
							   get8(&in) % (cap + 4));
				if (!tbib_psn_in(psn, wd.t->una, wd.t->nxt) &&
				    !tbib_psn_lt(psn, tbib_rxwin_expected(wd.w)))
					wd.forged = true;
				rx(&wd, psn);
			}
			break;
		}
	}
	heal(&wd);
	tbib_rxwin_flush(wd.w, free_item, NULL);
	ASSERT(tbib_rxwin_depth(wd.w) == 0);
	free(wd.t);
	free(wd.w);
	return 0;
}
