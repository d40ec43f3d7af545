/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-QP receive reorder window.
 *
 * Packets of one QP are sprayed over several rails and arrive out of
 * order; data of PSN n may only be placed once every PSN before it has
 * been (DESIGN.md 4.2).  The window holds the out-of-order packets as
 * opaque pointers (sk_buffs in the kernel, no copy) in a power-of-two ring
 * indexed by PSN, and hands them back in PSN order as the gaps fill.  It
 * also produces the SACK block the receiver sends back.
 *
 * Not thread-safe: the owner (the QP's receive path) serializes access.
 * The caller allocates tbib_rxwin_size(cap) bytes (the slot array is a
 * flexible member) and owns the items it stores.
 */
#ifndef TBIB_RXWIN_H
#define TBIB_RXWIN_H

#include "bond/portable.h"
#include "bond/psn.h"
#include "bond/wire.h"

/*
 * Result of tbib_rxwin_insert():
 * IN_ORDER	psn was the expected one: the caller processes it now (it is
 *		not stored), then drains tbib_rxwin_pop()
 * HELD		stored until the gap before it fills
 * DUP_OLD	before the expected PSN, already delivered: answer it
 *		(re-ACK, replay a READ/atomic response), then drop it
 * DUP_HELD	already held: the caller drops its copy
 * OUTSIDE	beyond the window: the caller drops it
 */
enum tbib_rxwin_res {
	TBIB_RXWIN_IN_ORDER,
	TBIB_RXWIN_HELD,
	TBIB_RXWIN_DUP_OLD,
	TBIB_RXWIN_DUP_HELD,
	TBIB_RXWIN_OUTSIDE,
};

struct tbib_rxwin {
	u32 cap;		/* slots, power of two, 2..TBIB_WIN_MAX */
	u32 mask;
	u32 expected;		/* next PSN to deliver */
	u32 latest;		/* PSN of the most recent accepted arrival */
	u32 depth;		/* items held now */
	u32 max_depth;		/* high-water mark of depth */
	u8 epoch;		/* bumped by tbib_rxwin_reset() */
	u64 held[TBIB_WIN_MAX / 64];	/* bit per slot */
	void *slot[];
};

typedef void (*tbib_rxwin_free_fn)(void *ctx, void *item);

/* Bytes to allocate for a window of cap slots (0 if cap is invalid). */
size_t tbib_rxwin_size(u32 cap);

/* Set up a zeroed or reused window: expected PSN start, nothing held. */
int tbib_rxwin_init(struct tbib_rxwin *w, u32 cap, u32 start_psn);

/*
 * Offer an arrived packet.  PSNs from expected to expected + cap - 1 are
 * accepted.  Only TBIB_RXWIN_HELD keeps item; for every other result the
 * caller still owns it.
 */
enum tbib_rxwin_res tbib_rxwin_insert(struct tbib_rxwin *w, u32 psn,
				      void *item);

/* Take the next in-order held item, if any; advances the expected PSN. */
bool tbib_rxwin_pop(struct tbib_rxwin *w, void **item, u32 *psn);

/* Give every held item to free_fn; the expected PSN is kept. */
void tbib_rxwin_flush(struct tbib_rxwin *w, tbib_rxwin_free_fn free_fn,
		      void *ctx);

/*
 * Flush and restart at psn, starting a new SACK epoch: used when the
 * receiver must discard what it reported held (e.g. after answering an
 * RNR NAK for psn), so the sender resends from there.
 */
void tbib_rxwin_reset(struct tbib_rxwin *w, u32 psn,
		      tbib_rxwin_free_fn free_fn, void *ctx);

/*
 * Fill a SACK block: cum = expected PSN, bitmap of held PSNs after it
 * (as few words as needed), latest arrival, epoch.  Call after draining
 * tbib_rxwin_pop().
 */
void tbib_rxwin_sack(const struct tbib_rxwin *w, struct tbib_sack *s);

static inline u32 tbib_rxwin_expected(const struct tbib_rxwin *w)
{
	return w->expected;
}

static inline u32 tbib_rxwin_depth(const struct tbib_rxwin *w)
{
	return w->depth;
}

static inline u32 tbib_rxwin_max_depth(const struct tbib_rxwin *w)
{
	return w->max_depth;
}

/* Is psn held (received out of order, not yet popped)? */
bool tbib_rxwin_is_held(const struct tbib_rxwin *w, u32 psn);

/* Internal consistency check for tests and debugging: 0 or -EINVAL. */
int tbib_rxwin_check(const struct tbib_rxwin *w);

#endif /* TBIB_RXWIN_H */
