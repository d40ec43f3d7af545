/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small bitmap helpers over u64 words, shared by the reorder window and the
 * sender tracker (the kernel's bitmap API works on unsigned long, which
 * is not the same width on every host the core is built for).
 */
#ifndef TBIB_BITS_H
#define TBIB_BITS_H

#include "bond/portable.h"

static inline bool tbib_bit_test(const u64 *map, u32 bit)
{
	return (map[bit / 64] >> (bit % 64)) & 1;
}

static inline void tbib_bit_set(u64 *map, u32 bit)
{
	map[bit / 64] |= 1ULL << (bit % 64);
}

static inline void tbib_bit_clear(u64 *map, u32 bit)
{
	map[bit / 64] &= ~(1ULL << (bit % 64));
}

static inline u32 tbib_popcount64(u64 v)
{
	u32 n = 0;

	while (v) {
		v &= v - 1;
		n++;
	}
	return n;
}

/* Index of the lowest set bit; v must not be 0. */
static inline u32 tbib_ctz64(u64 v)
{
	return (u32)__builtin_ctzll(v);
}

/* Index of the highest set bit; v must not be 0. */
static inline u32 tbib_fls64(u64 v)
{
	return 63 - (u32)__builtin_clzll(v);
}

#endif /* TBIB_BITS_H */
