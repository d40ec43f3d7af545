// SPDX-License-Identifier: GPL-2.0
/* 24-bit PSN arithmetic around the wrap. */
#include "bond/psn.h"
#include "check.h"

static void test_add_sub(void)
{
	CHECK_EQ(tbib_psn_add(0xFFFFFF, 1), 0);
	CHECK_EQ(tbib_psn_add(0xFFFFFE, 5), 3);
	CHECK_EQ(tbib_psn_sub(0, 1), 0xFFFFFF);
	CHECK_EQ(tbib_psn_sub(3, 5), 0xFFFFFE);
	CHECK_EQ(tbib_psn(0x12345678), 0x345678);
	CHECK_EQ(tbib_psn_add(0x800000, 0x800000), 0);
}

static void test_diff(void)
{
	CHECK_EQ(tbib_psn_diff(0, 0xFFFFFF), 1);
	CHECK_EQ(tbib_psn_diff(0xFFFFFF, 0), -1);
	CHECK_EQ(tbib_psn_diff(5, 0xFFFFFB), 10);
	CHECK_EQ(tbib_psn_diff(0xFFFFFB, 5), -10);
	CHECK_EQ(tbib_psn_diff(100, 100), 0);
	/* the half-circle boundary: 2^23 ahead reads as 2^23 behind */
	CHECK_EQ(tbib_psn_diff(0x800000, 0), -0x800000);
	CHECK_EQ(tbib_psn_diff(0x7FFFFF, 0), 0x7FFFFF);
	CHECK_EQ(tbib_psn_diff(0, 0x7FFFFF), -0x7FFFFF);
}

static void test_compare(void)
{
	CHECK(tbib_psn_lt(0xFFFFFF, 0));
	CHECK(tbib_psn_gt(0, 0xFFFFFF));
	CHECK(tbib_psn_le(7, 7));
	CHECK(tbib_psn_ge(7, 7));
	CHECK(!tbib_psn_lt(7, 7));
	CHECK(tbib_psn_lt(0xFFFFF0, 0x10));
	CHECK(!tbib_psn_lt(0x10, 0xFFFFF0));
	CHECK(tbib_psn_in(0xFFFFFF, 0xFFFFFE, 2));
	CHECK(tbib_psn_in(0, 0xFFFFFE, 2));
	CHECK(tbib_psn_in(1, 0xFFFFFE, 2));
	CHECK(!tbib_psn_in(2, 0xFFFFFE, 2));
	CHECK(!tbib_psn_in(0xFFFFFD, 0xFFFFFE, 2));
	CHECK(!tbib_psn_in(5, 5, 5));
}

/* Randomized: diff agrees with add for every distance below 2^23. */
static void test_random(void)
{
	unsigned int i;
	u32 a, n;

	for (i = 0; i < 100000; i++) {
		a = (u32)test_rand() & TBIB_PSN_MASK;
		n = test_rand_below(TBIB_PSN_HALF);
		CHECK_EQ(tbib_psn_diff(tbib_psn_add(a, n), a), (s32)n);
		CHECK_EQ(tbib_psn_diff(tbib_psn_sub(a, n), a), -(s32)n);
		if (n) {
			CHECK(tbib_psn_lt(a, tbib_psn_add(a, n)));
			CHECK(tbib_psn_gt(a, tbib_psn_sub(a, n)));
		}
		if (check_failures)
			break;
	}
}

int main(void)
{
	test_add_sub();
	test_diff();
	test_compare();
	test_random();
	return check_result("psn");
}
