// SPDX-License-Identifier: GPL-2.0
/*
 * Receive reorder window: in order, out of order, duplicates, limits,
 * PSN wrap, flush/reset, SACK bitmap against a brute-force reference, and
 * a randomized run against a model.  Items are heap blocks so that
 * AddressSanitizer's leak check proves every item is handed back once.
 */
#include "bond/rxwin.h"
#include "check.h"

struct item {
	u32 psn;
};

static struct item *mk(u32 psn)
{
	struct item *it = malloc(sizeof(*it));

	it->psn = psn;
	return it;
}

static void free_item(void *ctx, void *item)
{
	unsigned int *n = ctx;

	free(item);
	if (n)
		(*n)++;
}

static struct tbib_rxwin *win_new(u32 cap, u32 start)
{
	size_t sz = tbib_rxwin_size(cap);
	struct tbib_rxwin *w = malloc(sz);

	if (!w || tbib_rxwin_init(w, cap, start)) {
		free(w);
		return NULL;
	}
	return w;
}

static void win_free(struct tbib_rxwin *w)
{
	tbib_rxwin_flush(w, free_item, NULL);
	free(w);
}

/* Offer psn with a fresh item; free it unless the window kept it. */
static enum tbib_rxwin_res offer(struct tbib_rxwin *w, u32 psn)
{
	struct item *it = mk(psn);
	enum tbib_rxwin_res r = tbib_rxwin_insert(w, psn, it);

	if (r != TBIB_RXWIN_HELD)
		free(it);
	return r;
}

/* Pop everything ready; check consecutive PSNs; return how many. */
static unsigned int drain(struct tbib_rxwin *w, u32 *next)
{
	unsigned int n = 0;
	void *v;
	u32 psn;

	while (tbib_rxwin_pop(w, &v, &psn)) {
		struct item *it = v;

		CHECK_EQ(psn, *next);
		CHECK_EQ(it->psn, psn);
		*next = tbib_psn_add(*next, 1);
		free(it);
		n++;
	}
	return n;
}

static void test_sizes(void)
{
	struct tbib_rxwin w;

	CHECK_EQ(tbib_rxwin_size(0), 0);
	CHECK_EQ(tbib_rxwin_size(1), 0);
	CHECK_EQ(tbib_rxwin_size(3), 0);
	CHECK_EQ(tbib_rxwin_size(TBIB_WIN_MAX * 2), 0);
	CHECK(tbib_rxwin_size(2) > 0);
	CHECK(tbib_rxwin_size(TBIB_WIN_MAX) > tbib_rxwin_size(2));
	CHECK_EQ(tbib_rxwin_init(&w, 5, 0), -EINVAL);
}

static void test_in_order(void)
{
	struct tbib_rxwin *w = win_new(64, 100);
	u32 next = 100, i;

	REQUIRE(w);
	for (i = 0; i < 1000; i++) {
		CHECK_EQ(offer(w, 100 + i), TBIB_RXWIN_IN_ORDER);
		next++;
		CHECK_EQ(drain(w, &next), 0);
	}
	CHECK_EQ(tbib_rxwin_expected(w), 1100);
	CHECK_EQ(tbib_rxwin_depth(w), 0);
	CHECK_EQ(tbib_rxwin_max_depth(w), 0);
	CHECK_EQ(tbib_rxwin_check(w), 0);
	win_free(w);
}

static void test_out_of_order(void)
{
	struct tbib_rxwin *w = win_new(16, 0);
	u32 next = 0;

	REQUIRE(w);
	CHECK_EQ(offer(w, 0), TBIB_RXWIN_IN_ORDER);
	next = 1;
	CHECK_EQ(offer(w, 3), TBIB_RXWIN_HELD);
	CHECK_EQ(offer(w, 2), TBIB_RXWIN_HELD);
	CHECK_EQ(offer(w, 5), TBIB_RXWIN_HELD);
	CHECK_EQ(tbib_rxwin_depth(w), 3);
	CHECK(tbib_rxwin_is_held(w, 2) && tbib_rxwin_is_held(w, 5));
	CHECK(!tbib_rxwin_is_held(w, 1) && !tbib_rxwin_is_held(w, 4));
	CHECK(!tbib_rxwin_is_held(w, 0) && !tbib_rxwin_is_held(w, 2 + 16));
	CHECK_EQ(drain(w, &next), 0);	/* 1 still missing */
	CHECK_EQ(offer(w, 1), TBIB_RXWIN_IN_ORDER);
	next = 2;
	CHECK_EQ(drain(w, &next), 2);	/* 2, 3 */
	CHECK_EQ(tbib_rxwin_expected(w), 4);
	CHECK_EQ(tbib_rxwin_depth(w), 1);
	CHECK_EQ(tbib_rxwin_max_depth(w), 3);
	CHECK_EQ(offer(w, 4), TBIB_RXWIN_IN_ORDER);
	next = 5;
	CHECK_EQ(drain(w, &next), 1);	/* 5 */
	CHECK_EQ(tbib_rxwin_expected(w), 6);
	CHECK_EQ(tbib_rxwin_depth(w), 0);
	CHECK_EQ(tbib_rxwin_check(w), 0);
	win_free(w);
}

static void test_duplicates(void)
{
	struct tbib_rxwin *w = win_new(16, 10);
	u32 next;

	REQUIRE(w);
	CHECK_EQ(offer(w, 10), TBIB_RXWIN_IN_ORDER);
	CHECK_EQ(offer(w, 10), TBIB_RXWIN_DUP_OLD);
	CHECK_EQ(offer(w, 9), TBIB_RXWIN_DUP_OLD);
	CHECK_EQ(offer(w, 13), TBIB_RXWIN_HELD);
	CHECK_EQ(offer(w, 13), TBIB_RXWIN_DUP_HELD);
	CHECK_EQ(tbib_rxwin_depth(w), 1);
	CHECK_EQ(offer(w, 12), TBIB_RXWIN_HELD);
	CHECK_EQ(offer(w, 11), TBIB_RXWIN_IN_ORDER);
	/* 12 is now the expected PSN but still held: a copy is a dup */
	CHECK_EQ(offer(w, 12), TBIB_RXWIN_DUP_HELD);
	next = 12;
	CHECK_EQ(drain(w, &next), 2);
	CHECK_EQ(offer(w, 12), TBIB_RXWIN_DUP_OLD);
	CHECK_EQ(offer(w, 13), TBIB_RXWIN_DUP_OLD);
	CHECK_EQ(tbib_rxwin_check(w), 0);
	win_free(w);
}

static void test_limits(void)
{
	struct tbib_rxwin *w = win_new(16, 1000);
	unsigned int freed = 0;

	REQUIRE(w);
	CHECK_EQ(offer(w, 1000 + 15), TBIB_RXWIN_HELD);
	CHECK_EQ(offer(w, 1000 + 16), TBIB_RXWIN_OUTSIDE);
	CHECK_EQ(offer(w, 1000 + 100000), TBIB_RXWIN_OUTSIDE);
	CHECK_EQ(offer(w, tbib_psn_add(1000, TBIB_PSN_HALF - 1)),
		 TBIB_RXWIN_OUTSIDE);
	/* half a circle away reads as behind: an old duplicate */
	CHECK_EQ(offer(w, tbib_psn_add(1000, TBIB_PSN_HALF)),
		 TBIB_RXWIN_DUP_OLD);
	CHECK_EQ(offer(w, 999), TBIB_RXWIN_DUP_OLD);
	/* fill the window completely: 1001..1015 held */
	for (u32 p = 1001; p < 1015; p++)
		CHECK_EQ(offer(w, p), TBIB_RXWIN_HELD);
	CHECK_EQ(tbib_rxwin_depth(w), 15);
	CHECK_EQ(tbib_rxwin_check(w), 0);
	tbib_rxwin_flush(w, free_item, &freed);
	CHECK_EQ(freed, 15);
	CHECK_EQ(tbib_rxwin_depth(w), 0);
	CHECK_EQ(tbib_rxwin_max_depth(w), 15);
	CHECK_EQ(tbib_rxwin_expected(w), 1000);
	CHECK_EQ(tbib_rxwin_check(w), 0);
	win_free(w);
}

/* Every permutation chunk across 0xFFFFFF -> 0 comes out in order. */
static void test_wrap(void)
{
	struct tbib_rxwin *w = win_new(32, 0xFFFFF0);
	u32 base = 0xFFFFF0, next = 0xFFFFF0, order[32], i, j, t, total = 0;

	REQUIRE(w);
	for (unsigned int chunk = 0; chunk < 8; chunk++) {
		for (i = 0; i < 32; i++)
			order[i] = i;
		for (i = 31; i > 0; i--) {
			j = test_rand_below(i + 1);
			t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
		for (i = 0; i < 32; i++) {
			u32 psn = tbib_psn_add(base, order[i]);
			enum tbib_rxwin_res r = offer(w, psn);

			CHECK(r == TBIB_RXWIN_IN_ORDER || r == TBIB_RXWIN_HELD);
			if (r == TBIB_RXWIN_IN_ORDER) {
				CHECK_EQ(psn, next);
				next = tbib_psn_add(next, 1);
				total++;
			}
			total += drain(w, &next);
		}
		base = tbib_psn_add(base, 32);
		CHECK_EQ(tbib_rxwin_expected(w), base);
		CHECK_EQ(tbib_rxwin_depth(w), 0);
	}
	CHECK_EQ(total, 8 * 32);
	CHECK_EQ(tbib_rxwin_expected(w), 0xF0);
	win_free(w);
}

static void test_reset(void)
{
	struct tbib_rxwin *w = win_new(8, 50);
	struct tbib_sack s;
	unsigned int freed = 0;

	REQUIRE(w);
	CHECK_EQ(offer(w, 50), TBIB_RXWIN_IN_ORDER);
	CHECK_EQ(offer(w, 53), TBIB_RXWIN_HELD);
	CHECK_EQ(offer(w, 55), TBIB_RXWIN_HELD);
	tbib_rxwin_sack(w, &s);
	CHECK_EQ(s.epoch, 0);
	/* RNR on 50 after it was taken: restart at 50, drop what is held */
	tbib_rxwin_reset(w, 50, free_item, &freed);
	CHECK_EQ(freed, 2);
	CHECK_EQ(tbib_rxwin_expected(w), 50);
	CHECK_EQ(tbib_rxwin_depth(w), 0);
	tbib_rxwin_sack(w, &s);
	CHECK_EQ(s.epoch, 1);
	CHECK_EQ(s.cum, 50);
	CHECK_EQ(s.nwords, 0);
	CHECK_EQ(offer(w, 50), TBIB_RXWIN_IN_ORDER);
	CHECK_EQ(tbib_rxwin_check(w), 0);
	win_free(w);
}

/* SACK bitmap against a reference built PSN by PSN. */
static void sack_reference(u32 cap, u32 start)
{
	struct tbib_rxwin *w = win_new(cap, start);
	bool held[TBIB_WIN_MAX] = { false };
	struct tbib_sack s;
	u32 exp, i, n, want_words = 0, last;

	REQUIRE(w);
	/* advance a little so expected is not slot 0 */
	n = test_rand_below(cap * 3);
	for (i = 0; i < n; i++)
		offer(w, tbib_psn_add(start, i));
	exp = tbib_psn_add(start, n);
	last = tbib_psn_sub(exp, 1);
	CHECK_EQ(tbib_rxwin_expected(w), exp);

	/* hold a random subset of exp+1 .. exp+cap-1 */
	for (i = 1; i < cap; i++) {
		if (test_rand_below(3) == 0) {
			CHECK_EQ(offer(w, tbib_psn_add(exp, i)), TBIB_RXWIN_HELD);
			held[i] = true;
			last = tbib_psn_add(exp, i);
		}
	}
	tbib_rxwin_sack(w, &s);
	CHECK_EQ(s.cum, exp);
	CHECK_EQ(s.latest, last);
	CHECK_EQ(s.epoch, 0);
	for (i = 0; i < TBIB_SACK_MAX_BITS; i++) {
		bool bit = (s.bits[i / 64] >> (i % 64)) & 1;
		bool want = i + 1 < cap && held[i + 1];

		if (want)
			want_words = i / 64 + 1;
		if (bit != want) {
			fprintf(stderr, "cap %u exp %u bit %u: %d want %d\n",
				cap, exp, i, bit, want);
			CHECK(bit == want);
			break;
		}
	}
	CHECK_EQ(s.nwords, want_words);
	CHECK_EQ(tbib_rxwin_check(w), 0);
	win_free(w);
}

static void test_sack(void)
{
	static const u32 caps[] = { 2, 4, 16, 32, 64, 128, 256, 1024 };
	unsigned int c, rep;

	for (c = 0; c < TBIB_ARRAY_SIZE(caps); c++)
		for (rep = 0; rep < 40; rep++)
			sack_reference(caps[c], rep & 1 ?
				       (u32)test_rand() & TBIB_PSN_MASK :
				       tbib_psn_sub(0, test_rand_below(3000)));
}

/*
 * Random arrival order with duplicates over a long run: every PSN is
 * delivered exactly once and in order; depth never exceeds cap.
 */
static void test_random_model(void)
{
	const u32 cap = 64, total = 200000;
	struct tbib_rxwin *w = win_new(cap, 0xFFF000);
	u32 next = 0xFFF000, delivered = 0, sent = 0, i, psn;
	enum tbib_rxwin_res r;

	REQUIRE(w);
	while (delivered < total) {
		/* arrivals come from just behind to the end of the window */
		i = test_rand_below(cap + 8);
		psn = tbib_psn_add(tbib_psn_sub(tbib_rxwin_expected(w), 8), i);
		r = offer(w, psn);
		sent++;
		if (r == TBIB_RXWIN_IN_ORDER) {
			CHECK_EQ(psn, next);
			next = tbib_psn_add(next, 1);
			delivered++;
		}
		if (r == TBIB_RXWIN_OUTSIDE)
			CHECK(tbib_psn_diff(psn, tbib_rxwin_expected(w)) >=
			      (s32)cap);
		delivered += drain(w, &next);
		CHECK(tbib_rxwin_depth(w) < cap);
		if ((sent & 1023) == 0)
			CHECK_EQ(tbib_rxwin_check(w), 0);
		if (check_failures)
			break;
	}
	CHECK_EQ(tbib_rxwin_expected(w), next);
	win_free(w);
}

int main(void)
{
	test_sizes();
	test_in_order();
	test_out_of_order();
	test_duplicates();
	test_limits();
	test_wrap();
	test_reset();
	test_sack();
	test_random_model();
	return check_result("rxwin");
}
