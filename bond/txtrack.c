// SPDX-License-Identifier: GPL-2.0
/*
 * Sender-side in-flight tracking and rail-aware loss detection (see
 * txtrack.h).
 *
 * Entries live in a ring indexed by psn & mask, like the receive window.
 * A PSN in [una, nxt) is in exactly one state: on its rail's list (in
 * flight), in the lost set (bitmap, for a PSN-ordered scan), or acked.
 * The rail lists are doubly linked through slot indices so that a
 * retransmission can take a PSN out of the middle of a list.
 *
 * A SACK is applied in two passes: first every newly acknowledged PSN is
 * flagged and taken off its rail, noting for each rail the latest send
 * sequence acknowledged; then each of those rails' lists is walked from
 * its head up to that sequence, declaring what is left there lost.  Two
 * passes matter: a retransmission can put a low PSN behind a higher one
 * on a list, and both may be acknowledged by the same SACK.
 */
#include "bond/txtrack.h"
#include "bond/bits.h"

static struct tbib_txtrack_ent *tbib_txt_ent(struct tbib_txtrack *t, u32 psn)
{
	return &t->ent[psn & t->mask];
}

static bool tbib_txt_outstanding(const struct tbib_txtrack *t, u32 psn)
{
	return tbib_psn_in(psn, t->una, t->nxt);
}

/* Wrap-safe order of per-rail send sequence numbers. */
static bool tbib_seq_le(u32 a, u32 b)
{
	return (s32)(a - b) <= 0;
}

size_t tbib_txtrack_size(u32 cap)
{
	if (cap < 2 || cap > TBIB_WIN_MAX || (cap & (cap - 1)))
		return 0;
	return sizeof(struct tbib_txtrack) +
	       (size_t)cap * sizeof(struct tbib_txtrack_ent);
}

int tbib_txtrack_init(struct tbib_txtrack *t, u32 cap, u32 start_psn)
{
	unsigned int r;

	if (!tbib_txtrack_size(cap))
		return -EINVAL;
	memset(t, 0, tbib_txtrack_size(cap));
	t->cap = cap;
	t->mask = cap - 1;
	t->una = tbib_psn(start_psn);
	t->nxt = t->una;
	for (r = 0; r < TBIB_MAX_RAILS; r++) {
		t->rail[r].head = TBIB_TXT_NIL;
		t->rail[r].tail = TBIB_TXT_NIL;
	}
	return 0;
}

static void tbib_txt_link(struct tbib_txtrack *t, u16 slot)
{
	struct tbib_txtrack_ent *e = &t->ent[slot];
	struct tbib_txtrack_rail *r = &t->rail[e->rail];

	e->seq = r->next_seq++;
	e->prev = r->tail;
	e->next = TBIB_TXT_NIL;
	if (r->tail != TBIB_TXT_NIL)
		t->ent[r->tail].next = slot;
	else
		r->head = slot;
	r->tail = slot;
	r->count++;
	r->bytes += e->bytes;
	e->flags |= TBIB_TXT_LINKED;
}

static void tbib_txt_unlink(struct tbib_txtrack *t, u16 slot)
{
	struct tbib_txtrack_ent *e = &t->ent[slot];
	struct tbib_txtrack_rail *r = &t->rail[e->rail];

	if (e->prev != TBIB_TXT_NIL)
		t->ent[e->prev].next = e->next;
	else
		r->head = e->next;
	if (e->next != TBIB_TXT_NIL)
		t->ent[e->next].prev = e->prev;
	else
		r->tail = e->prev;
	e->prev = TBIB_TXT_NIL;
	e->next = TBIB_TXT_NIL;
	r->count--;
	r->bytes -= e->bytes;
	e->flags &= ~TBIB_TXT_LINKED;
}

/* In flight or acked -> lost (the caller unlinks first if needed). */
static void tbib_txt_set_lost(struct tbib_txtrack *t, u16 slot)
{
	struct tbib_txtrack_ent *e = &t->ent[slot];

	if (e->flags & TBIB_TXT_ACKED) {
		e->flags &= ~TBIB_TXT_ACKED;
		t->nacked--;
	}
	e->flags |= TBIB_TXT_LOST;
	tbib_bit_set(t->lost, slot);
	t->nlost++;
}

static void tbib_txt_clear_lost(struct tbib_txtrack *t, u16 slot)
{
	t->ent[slot].flags &= ~TBIB_TXT_LOST;
	tbib_bit_clear(t->lost, slot);
	t->nlost--;
}

int tbib_txtrack_sent(struct tbib_txtrack *t, u32 psn, u8 rail, u32 bytes)
{
	struct tbib_txtrack_ent *e;
	u16 slot;

	if (rail >= TBIB_MAX_RAILS || psn > TBIB_PSN_MASK)
		return -EINVAL;
	slot = (u16)(psn & t->mask);
	e = &t->ent[slot];

	if (psn == t->nxt) {
		if (!tbib_txtrack_space(t))
			return -ENOSPC;
		memset(e, 0, sizeof(*e));
		e->rail = rail;
		e->bytes = bytes;
		tbib_txt_link(t, slot);
		t->nxt = tbib_psn_add(t->nxt, 1);
		return 0;
	}
	if (!tbib_txt_outstanding(t, psn))
		return -EINVAL;
	if (e->flags & TBIB_TXT_ACKED)
		return -EALREADY;
	if (e->flags & TBIB_TXT_LINKED)
		tbib_txt_unlink(t, slot);
	if (e->flags & TBIB_TXT_LOST)
		tbib_txt_clear_lost(t, slot);
	e->rail = rail;
	e->bytes = bytes;
	e->flags |= TBIB_TXT_RETX;
	if (e->tries < 255)
		e->tries++;
	tbib_txt_link(t, slot);
	return 0;
}

/*
 * A cumulative ack beyond what was sent is an error: nothing is applied.
 * Bits for PSNs never sent are only ignored (and counted): rejecting the
 * whole SACK would stall the QP for as long as the receiver holds such a
 * PSN, while what it says about the PSNs we did send is still true.
 */
static int tbib_txt_sack_valid(const struct tbib_txtrack *t,
			       const struct tbib_sack *s)
{
	if (s->cum > TBIB_PSN_MASK || s->nwords > TBIB_SACK_MAX_WORDS)
		return -EINVAL;
	if (tbib_psn_gt(s->cum, t->nxt))
		return -EINVAL;
	return 0;
}

struct tbib_txt_pass {
	u32 touched;			/* rails with a newly acked PSN */
	u32 hi_seq[TBIB_MAX_RAILS];	/* latest acked send sequence */
};

/*
 * First pass: flag one PSN acknowledged and take it off its rail.  Only
 * a PSN sent once is evidence about its rail: the ack of a retransmitted
 * PSN may come from an earlier copy on another rail (Karn's rule).
 */
static void tbib_txt_ack_one(struct tbib_txtrack *t, u32 psn,
			     struct tbib_txt_pass *ps,
			     struct tbib_txtrack_ack *a)
{
	u16 slot = (u16)(psn & t->mask);
	struct tbib_txtrack_ent *e = &t->ent[slot];
	u32 bit = 1u << e->rail;

	if (e->flags & TBIB_TXT_ACKED)
		return;
	if (e->flags & TBIB_TXT_LOST)
		tbib_txt_clear_lost(t, slot);
	if (e->flags & TBIB_TXT_LINKED) {
		if (!(e->flags & TBIB_TXT_RETX) &&
		    (!(ps->touched & bit) ||
		     !tbib_seq_le(e->seq, ps->hi_seq[e->rail]))) {
			ps->hi_seq[e->rail] = e->seq;
			ps->touched |= bit;
		}
		tbib_txt_unlink(t, slot);
	}
	e->flags |= TBIB_TXT_ACKED;
	t->nacked++;
	a->acked++;
	a->acked_bytes += e->bytes;
	a->rail_acked_bytes[e->rail] += e->bytes;
}

/*
 * Second pass: everything still on the rail that was sent before its
 * latest acknowledged PSN is lost.
 */
static void tbib_txt_walk_rail(struct tbib_txtrack *t, u8 rail, u32 hi,
			       struct tbib_txtrack_ack *a)
{
	struct tbib_txtrack_rail *r = &t->rail[rail];
	u16 slot;

	while (r->head != TBIB_TXT_NIL) {
		slot = r->head;
		if (!tbib_seq_le(t->ent[slot].seq, hi))
			break;
		tbib_txt_unlink(t, slot);
		tbib_txt_set_lost(t, slot);
		a->lost++;
	}
}

/* New receiver epoch: it dropped what it held; resend from cum on. */
static void tbib_txt_renege(struct tbib_txtrack *t, u32 cum)
{
	u32 psn = tbib_psn_gt(cum, t->una) ? cum : t->una;
	struct tbib_txtrack_ent *e;
	u16 slot;

	for (; psn != t->nxt; psn = tbib_psn_add(psn, 1)) {
		slot = (u16)(psn & t->mask);
		e = &t->ent[slot];
		if (e->flags & TBIB_TXT_LOST)
			continue;
		if (e->flags & TBIB_TXT_LINKED)
			tbib_txt_unlink(t, slot);
		tbib_txt_set_lost(t, slot);
	}
}

int tbib_txtrack_on_sack(struct tbib_txtrack *t, const struct tbib_sack *s,
			 struct tbib_txtrack_ack *a)
{
	struct tbib_txt_pass ps;
	u32 psn, i, r;
	s8 de;

	memset(a, 0, sizeof(*a));
	de = (s8)(s->epoch - t->epoch);
	if (de < 0) {
		a->stale = true;
		return 0;
	}
	if (tbib_txt_sack_valid(t, s))
		return -EINVAL;
	if (de > 0) {
		t->epoch = s->epoch;
		a->renege = true;
		tbib_txt_renege(t, s->cum);
	}

	ps.touched = 0;
	if (tbib_psn_gt(s->cum, t->una)) {
		for (psn = t->una; psn != s->cum; psn = tbib_psn_add(psn, 1))
			tbib_txt_ack_one(t, psn, &ps, a);
	}
	for (i = 0; i < 64u * s->nwords; i++) {
		if (!(s->bits[i / 64] & (1ULL << (i % 64))))
			continue;
		psn = tbib_psn_add(s->cum, 1 + i);
		if (tbib_txt_outstanding(t, psn))
			tbib_txt_ack_one(t, psn, &ps, a);
		else if (tbib_psn_ge(psn, t->nxt))
			a->ignored++;
	}
	for (r = 0; r < TBIB_MAX_RAILS; r++)
		if (ps.touched & (1u << r))
			tbib_txt_walk_rail(t, (u8)r, ps.hi_seq[r], a);

	/*
	 * Only the cumulative PSN retires entries: the receiver may still
	 * drop what it holds out of order (RNR: a new epoch), so a SACKed
	 * PSN after it is spared a resend but not yet done with.
	 */
	while (t->una != t->nxt && tbib_psn_lt(t->una, s->cum)) {
		struct tbib_txtrack_ent *e = tbib_txt_ent(t, t->una);

		if (!(e->flags & TBIB_TXT_ACKED))
			break;
		e->flags = 0;
		t->nacked--;
		t->una = tbib_psn_add(t->una, 1);
		a->una_advanced = true;
	}
	return 0;
}

int tbib_txtrack_ack_upto(struct tbib_txtrack *t, u32 cum,
			  struct tbib_txtrack_ack *a)
{
	struct tbib_sack s;

	memset(&s, 0, sizeof(s));
	s.cum = cum;
	s.latest = tbib_psn_sub(cum, 1);
	s.epoch = t->epoch;
	return tbib_txtrack_on_sack(t, &s, a);
}

bool tbib_txtrack_next_lost(const struct tbib_txtrack *t, u32 *psn)
{
	u32 base = t->una & t->mask;
	u32 nwords, k, wi, slot;
	u64 v;

	if (!t->nlost)
		return false;
	if (t->cap < 64) {
		for (k = 0; k < t->cap; k++) {
			if (tbib_bit_test(t->lost, (base + k) & t->mask)) {
				*psn = tbib_psn_add(t->una, k);
				return true;
			}
		}
		return false;
	}
	/* Scan words circularly from una's slot; PSN order = slot order. */
	nwords = t->cap / 64;
	for (k = 0; k <= nwords; k++) {
		wi = (base / 64 + k) % nwords;
		v = t->lost[wi];
		if (k == 0)
			v &= ~0ULL << (base % 64);
		else if (k == nwords)
			v &= (base % 64) ? ~(~0ULL << (base % 64)) : 0;
		if (!v)
			continue;
		slot = wi * 64 + tbib_ctz64(v);
		*psn = tbib_psn_add(t->una, (slot - base) & t->mask);
		return true;
	}
	return false;
}

int tbib_txtrack_mark_lost(struct tbib_txtrack *t, u32 psn)
{
	struct tbib_txtrack_ent *e;
	u16 slot;

	if (psn > TBIB_PSN_MASK || !tbib_txt_outstanding(t, psn))
		return -EINVAL;
	slot = (u16)(psn & t->mask);
	e = &t->ent[slot];
	if (e->flags & TBIB_TXT_ACKED)
		return -EALREADY;
	if (e->flags & TBIB_TXT_LOST)
		return 0;
	tbib_txt_unlink(t, slot);
	tbib_txt_set_lost(t, slot);
	return 0;
}

bool tbib_txtrack_probe(struct tbib_txtrack *t)
{
	u16 slot = (u16)(t->una & t->mask);

	if (t->una == t->nxt || (t->ent[slot].flags & TBIB_TXT_LOST))
		return false;
	if (t->ent[slot].flags & TBIB_TXT_LINKED)
		tbib_txt_unlink(t, slot);
	tbib_txt_set_lost(t, slot);
	return true;
}

u32 tbib_txtrack_rail_down(struct tbib_txtrack *t, u8 rail)
{
	u32 n = 0;
	u16 slot;

	if (rail >= TBIB_MAX_RAILS)
		return 0;
	while (t->rail[rail].head != TBIB_TXT_NIL) {
		slot = t->rail[rail].head;
		tbib_txt_unlink(t, slot);
		tbib_txt_set_lost(t, slot);
		n++;
	}
	return n;
}

bool tbib_txtrack_oldest(const struct tbib_txtrack *t, u32 *psn)
{
	if (t->una == t->nxt)
		return false;
	*psn = t->una;
	return true;
}

int tbib_txtrack_get(const struct tbib_txtrack *t, u32 psn,
		     struct tbib_txtrack_info *info)
{
	const struct tbib_txtrack_ent *e;

	if (psn > TBIB_PSN_MASK || !tbib_txt_outstanding(t, psn))
		return -EINVAL;
	e = &t->ent[psn & t->mask];
	info->rail = e->rail;
	info->flags = e->flags;
	info->tries = e->tries;
	info->seq = e->seq;
	info->bytes = e->bytes;
	return 0;
}

static int tbib_txt_check_rail(const struct tbib_txtrack *t, u8 rail,
			       u32 *linked)
{
	const struct tbib_txtrack_rail *r = &t->rail[rail];
	const struct tbib_txtrack_ent *e;
	u16 slot = r->head, prev = TBIB_TXT_NIL;
	u32 n = 0, bytes = 0, psn;

	while (slot != TBIB_TXT_NIL) {
		if (slot >= t->cap || n > t->cap)
			return -EINVAL;
		e = &t->ent[slot];
		psn = tbib_psn_add(t->una, (slot - t->una) & t->mask);
		if (!tbib_txt_outstanding(t, psn) || e->rail != rail ||
		    e->prev != prev || e->flags & (TBIB_TXT_ACKED | TBIB_TXT_LOST) ||
		    !(e->flags & TBIB_TXT_LINKED))
			return -EINVAL;
		if (prev != TBIB_TXT_NIL && tbib_seq_le(e->seq, t->ent[prev].seq))
			return -EINVAL;
		if ((s32)(r->next_seq - e->seq) <= 0)
			return -EINVAL;
		n++;
		bytes += e->bytes;
		prev = slot;
		slot = e->next;
	}
	if (prev != r->tail || n != r->count || bytes != r->bytes)
		return -EINVAL;
	*linked += n;
	return 0;
}

int tbib_txtrack_check(const struct tbib_txtrack *t)
{
	u32 out, linked = 0, lost = 0, acked = 0, k, psn;
	const struct tbib_txtrack_ent *e;
	unsigned int r;
	u8 st;

	if (!tbib_txtrack_size(t->cap) || t->mask != t->cap - 1)
		return -EINVAL;
	if (t->una > TBIB_PSN_MASK || t->nxt > TBIB_PSN_MASK)
		return -EINVAL;
	out = tbib_txtrack_outstanding(t);
	if (out > t->cap)
		return -EINVAL;
	for (r = 0; r < TBIB_MAX_RAILS; r++)
		if (tbib_txt_check_rail(t, (u8)r, &linked))
			return -EINVAL;
	for (k = 0; k < t->cap; k++) {
		psn = tbib_psn_add(t->una, k);
		e = &t->ent[psn & t->mask];
		st = e->flags & (TBIB_TXT_LINKED | TBIB_TXT_ACKED |
				 TBIB_TXT_LOST);
		if (!!(e->flags & TBIB_TXT_LOST) !=
		    tbib_bit_test(t->lost, psn & t->mask))
			return -EINVAL;
		if (k >= out) {
			if (e->flags)
				return -EINVAL;
			continue;
		}
		if (st != TBIB_TXT_LINKED && st != TBIB_TXT_ACKED &&
		    st != TBIB_TXT_LOST)
			return -EINVAL;
		if (st == TBIB_TXT_ACKED)
			acked++;
		if (st == TBIB_TXT_LOST)
			lost++;
	}
	if (t->cap < 64 && (t->lost[0] >> t->cap))
		return -EINVAL;
	for (k = (t->cap + 63) / 64; k < TBIB_WIN_MAX / 64; k++)
		if (t->lost[k])
			return -EINVAL;
	if (linked + lost + acked != out || lost != t->nlost ||
	    acked != t->nacked)
		return -EINVAL;
	return 0;
}
