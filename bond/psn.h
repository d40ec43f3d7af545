/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 24-bit packet sequence number arithmetic, wrap-safe.
 *
 * PSNs live in a circle of 2^24 values.  Two PSNs are ordered by their
 * signed distance, which is meaningful while they are less than 2^23
 * apart; every window in tbib (TBIB_WIN_MAX) is far smaller than that.
 */
#ifndef TBIB_PSN_H
#define TBIB_PSN_H

#include "bond/portable.h"

#define TBIB_PSN_BITS	24
#define TBIB_PSN_MASK	0xFFFFFFu
#define TBIB_PSN_HALF	0x800000u

static inline u32 tbib_psn(u32 v)
{
	return v & TBIB_PSN_MASK;
}

static inline u32 tbib_psn_add(u32 psn, u32 n)
{
	return (psn + n) & TBIB_PSN_MASK;
}

static inline u32 tbib_psn_sub(u32 psn, u32 n)
{
	return (psn - n) & TBIB_PSN_MASK;
}

/* Signed distance a - b in [-2^23, 2^23). */
static inline s32 tbib_psn_diff(u32 a, u32 b)
{
	u32 d = (a - b) & TBIB_PSN_MASK;

	return (d & TBIB_PSN_HALF) ? (s32)d - (s32)(TBIB_PSN_MASK + 1) : (s32)d;
}

static inline bool tbib_psn_lt(u32 a, u32 b)
{
	return tbib_psn_diff(a, b) < 0;
}

static inline bool tbib_psn_le(u32 a, u32 b)
{
	return tbib_psn_diff(a, b) <= 0;
}

static inline bool tbib_psn_gt(u32 a, u32 b)
{
	return tbib_psn_diff(a, b) > 0;
}

static inline bool tbib_psn_ge(u32 a, u32 b)
{
	return tbib_psn_diff(a, b) >= 0;
}

/* lo <= psn < hi, on the circle (hi - lo must be < 2^23). */
static inline bool tbib_psn_in(u32 psn, u32 lo, u32 hi)
{
	return ((psn - lo) & TBIB_PSN_MASK) < ((hi - lo) & TBIB_PSN_MASK);
}

#endif /* TBIB_PSN_H */
