// SPDX-License-Identifier: GPL-2.0
/*
 * Per-QP receive reorder window (see rxwin.h).
 *
 * Slots are indexed by psn & mask.  Since 2^24 is a multiple of every
 * power-of-two capacity, that index stays consistent across the PSN wrap.
 * A separate bitmap of occupied slots lets items be any pointer (even
 * NULL) and makes SACK generation a matter of copying bits.
 */
#include "bond/rxwin.h"
#include "bond/bits.h"

size_t tbib_rxwin_size(u32 cap)
{
	if (cap < 2 || cap > TBIB_WIN_MAX || (cap & (cap - 1)))
		return 0;
	return sizeof(struct tbib_rxwin) + (size_t)cap * sizeof(void *);
}

int tbib_rxwin_init(struct tbib_rxwin *w, u32 cap, u32 start_psn)
{
	if (!tbib_rxwin_size(cap))
		return -EINVAL;
	memset(w, 0, tbib_rxwin_size(cap));
	w->cap = cap;
	w->mask = cap - 1;
	w->expected = tbib_psn(start_psn);
	w->latest = tbib_psn_sub(w->expected, 1);
	return 0;
}

enum tbib_rxwin_res tbib_rxwin_insert(struct tbib_rxwin *w, u32 psn,
				      void *item)
{
	s32 d;
	u32 s;

	psn = tbib_psn(psn);
	d = tbib_psn_diff(psn, w->expected);
	if (d < 0) {
		w->latest = psn;
		return TBIB_RXWIN_DUP_OLD;
	}
	if ((u32)d >= w->cap)
		return TBIB_RXWIN_OUTSIDE;

	w->latest = psn;
	s = psn & w->mask;
	/* The expected slot may still be held, waiting for tbib_rxwin_pop(). */
	if (tbib_bit_test(w->held, s))
		return TBIB_RXWIN_DUP_HELD;
	if (d == 0) {
		w->expected = tbib_psn_add(w->expected, 1);
		return TBIB_RXWIN_IN_ORDER;
	}
	tbib_bit_set(w->held, s);
	w->slot[s] = item;
	w->depth++;
	if (w->depth > w->max_depth)
		w->max_depth = w->depth;
	return TBIB_RXWIN_HELD;
}

bool tbib_rxwin_pop(struct tbib_rxwin *w, void **item, u32 *psn)
{
	u32 s = w->expected & w->mask;

	if (!tbib_bit_test(w->held, s))
		return false;
	*item = w->slot[s];
	if (psn)
		*psn = w->expected;
	w->slot[s] = NULL;
	tbib_bit_clear(w->held, s);
	w->depth--;
	w->expected = tbib_psn_add(w->expected, 1);
	return true;
}

bool tbib_rxwin_is_held(const struct tbib_rxwin *w, u32 psn)
{
	s32 d = tbib_psn_diff(tbib_psn(psn), w->expected);

	if (d < 0 || (u32)d >= w->cap)
		return false;
	return tbib_bit_test(w->held, psn & w->mask);
}

void tbib_rxwin_flush(struct tbib_rxwin *w, tbib_rxwin_free_fn free_fn,
		      void *ctx)
{
	u32 s;

	for (s = 0; s < w->cap && w->depth; s++) {
		if (!tbib_bit_test(w->held, s))
			continue;
		tbib_bit_clear(w->held, s);
		w->depth--;
		if (free_fn)
			free_fn(ctx, w->slot[s]);
		w->slot[s] = NULL;
	}
}

void tbib_rxwin_reset(struct tbib_rxwin *w, u32 psn,
		      tbib_rxwin_free_fn free_fn, void *ctx)
{
	tbib_rxwin_flush(w, free_fn, ctx);
	w->expected = tbib_psn(psn);
	w->latest = tbib_psn_sub(w->expected, 1);
	w->epoch++;
}

/* 64 slot bits starting at slot 'start', circularly over cap slots. */
static u64 tbib_rxwin_bits64(const struct tbib_rxwin *w, u32 start)
{
	u32 nwords, wi, off, i;
	u64 v;

	if (w->cap < 64) {
		v = 0;
		for (i = 0; i < 64; i++)
			if (tbib_bit_test(w->held, (start + i) & w->mask))
				v |= 1ULL << i;
		return v;
	}
	nwords = w->cap / 64;
	wi = (start & w->mask) / 64;
	off = start % 64;
	v = w->held[wi] >> off;
	if (off)
		v |= w->held[(wi + 1) % nwords] << (64 - off);
	return v;
}

void tbib_rxwin_sack(const struct tbib_rxwin *w, struct tbib_sack *s)
{
	u32 nbits = w->cap - 1;	/* PSNs expected+1 .. expected+cap-1 */
	u32 k, nwords = 0;
	u64 v;

	memset(s, 0, sizeof(*s));
	s->cum = w->expected;
	s->latest = w->latest;
	s->epoch = w->epoch;
	for (k = 0; k * 64 < nbits && k < TBIB_SACK_MAX_WORDS; k++) {
		if (!w->depth)
			break;
		v = tbib_rxwin_bits64(w, w->expected + 1 + k * 64);
		if (nbits - k * 64 < 64)
			v &= (1ULL << (nbits - k * 64)) - 1;
		s->bits[k] = v;
		if (v)
			nwords = k + 1;
	}
	s->nwords = (u8)nwords;
}

int tbib_rxwin_check(const struct tbib_rxwin *w)
{
	u32 n = 0, k;

	if (!tbib_rxwin_size(w->cap) || w->mask != w->cap - 1)
		return -EINVAL;
	if (w->expected > TBIB_PSN_MASK || w->latest > TBIB_PSN_MASK)
		return -EINVAL;
	for (k = 0; k < TBIB_WIN_MAX / 64; k++) {
		if (k * 64 >= w->cap && w->held[k])
			return -EINVAL;
		n += tbib_popcount64(w->held[k]);
	}
	if (w->cap < 64 && (w->held[0] >> w->cap))
		return -EINVAL;
	if (n != w->depth || w->depth > w->max_depth ||
	    w->depth > w->cap)
		return -EINVAL;
	return 0;
}
