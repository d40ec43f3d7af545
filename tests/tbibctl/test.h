/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal test helpers for the tbibctl host tests: CHECK() records a
 * failure with its line and keeps going, so one run reports every broken
 * case; test_done() returns the exit status.
 */
#ifndef TBIBCTL_TEST_H
#define TBIBCTL_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failures;
static int test_checks;

#define CHECK(cond, ...)						\
	do {								\
		test_checks++;						\
		if (!(cond)) {						\
			test_failures++;				\
			fprintf(stderr, "%s:%d: check failed: %s: ",	\
				__FILE__, __LINE__, #cond);		\
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
		}							\
	} while (0)

static inline int test_done(const char *name)
{
	fprintf(stderr, "%s: %d checks, %d failed\n", name, test_checks,
		test_failures);
	return test_failures ? 1 : 0;
}

#endif
