/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal assertion helpers for the host unit tests.  A failed CHECK
 * prints where and why and counts; main() returns check_result(), so a
 * test binary exits non-zero if anything failed.
 */
#ifndef TBIB_TEST_CHECK_H
#define TBIB_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <inttypes.h>

static int check_failures;
static int check_count;

#define CHECK(cond) do {						\
	check_count++;							\
	if (!(cond)) {							\
		check_failures++;					\
		fprintf(stderr, "%s:%d: %s: CHECK(%s) failed\n",	\
			__FILE__, __LINE__, __func__, #cond);		\
	}								\
} while (0)

#define CHECK_EQ(a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	check_count++;							\
	if (_a != _b) {							\
		check_failures++;					\
		fprintf(stderr, "%s:%d: %s: %s == %s failed: %lld != %lld\n", \
			__FILE__, __LINE__, __func__, #a, #b, _a, _b);	\
	}								\
} while (0)

/* Stop the current test function on failure (to avoid cascades). */
#define REQUIRE(cond) do {						\
	int _before = check_failures;					\
	CHECK(cond);							\
	if (check_failures != _before)					\
		return;							\
} while (0)

static inline int check_result(const char *name)
{
	fprintf(stderr, "%s: %d checks, %d failed\n", name, check_count,
		check_failures);
	return check_failures ? 1 : 0;
}

/* Deterministic PRNG (xorshift64*) so failures reproduce. */
static uint64_t test_rng_state = 0x9E3779B97F4A7C15ULL;

static inline uint64_t test_rand(void)
{
	uint64_t x = test_rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	test_rng_state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static inline uint32_t test_rand_below(uint32_t n)
{
	return n ? (uint32_t)(test_rand() % n) : 0;
}

#endif /* TBIB_TEST_CHECK_H */
