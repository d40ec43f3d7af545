/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the small one-file verbs test programs share: PASS/FAIL lines with
 * counters, dying on a setup failure, opening a device by name.  Each
 * program defines TOOL_NAME before including this.
 */
#ifndef TBIB_TOOL_H
#define TBIB_TOOL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <infiniband/verbs.h>

#ifndef TOOL_NAME
#error "define TOOL_NAME before including tool.h"
#endif

static int n_pass, n_fail;

/* One check: a "PASS: ..." or "FAIL: ..." line, counted. */
static inline void __attribute__((format(printf, 2, 3)))
check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (ok)
		n_pass++;
	else
		n_fail++;
}

/* A setup step failed: nothing was tested, exit 2. */
static inline void die(const char *what)
{
	fprintf(stderr, TOOL_NAME ": %s failed\n", what);
	exit(2);
}

static inline struct ibv_context *open_dev(const char *name)
{
	struct ibv_device **list = ibv_get_device_list(NULL);
	struct ibv_context *ctx = NULL;
	int i;

	if (!list)
		die("ibv_get_device_list");
	for (i = 0; list[i] && !ctx; i++)
		if (!strcmp(ibv_get_device_name(list[i]), name))
			ctx = ibv_open_device(list[i]);
	ibv_free_device_list(list);
	if (!ctx) {
		fprintf(stderr, TOOL_NAME ": no device %s\n", name);
		exit(2);
	}
	return ctx;
}

#endif /* TBIB_TOOL_H */
