// SPDX-License-Identifier: GPL-2.0
/*
 * tbibctl -b FILE: one command per line, for boot-time configuration.
 *
 * Like "ip -b", the first failing line stops the batch and is reported
 * as FILE:LINE, so a half-applied configuration is never silent.  The
 * runner takes the command executor as a callback, which lets the host
 * tests check line splitting, numbering and the stop-at-first-error rule
 * without a kernel.
 */
#include <stdlib.h>
#include <string.h>

#include "tbibctl.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	       c == '\v' || c == '\f';
}

int tb_split_line(char *line, char **argv, int max, const char **why)
{
	char *r = line, *w = line;
	int n = 0;
	char quote;

	for (;;) {
		while (blank(*r))
			r++;
		if (!*r || *r == '#')
			break;
		if (n == max) {
			*why = "too many words";
			return -1;
		}
		argv[n++] = w;
		quote = 0;
		/* Copy one word, dropping quotes and escapes, in place. */
		for (; *r; r++) {
			if (quote) {
				if (*r == quote) {
					quote = 0;
					continue;
				}
				if (quote == '"' && *r == '\\' && r[1])
					r++;
				*w++ = *r;
				continue;
			}
			if (blank(*r))
				break;
			if (*r == '"' || *r == '\'') {
				quote = *r;
				continue;
			}
			if (*r == '\\' && r[1])
				r++;
			*w++ = *r;
		}
		if (quote) {
			*why = "unterminated quote";
			return -1;
		}
		/* r may equal w + 1 here: step past the separator first. */
		if (*r)
			r++;
		*w++ = '\0';
	}
	return n;
}

int tb_batch(FILE *f, const char *name, tb_exec_fn exec, void *arg,
	     FILE *err)
{
	char *argv[TB_BATCH_MAX_ARGS];
	char *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0;
	const char *why = NULL;
	struct tb_req req;
	int n, ret = TB_EXIT_OK;

	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		n = tb_split_line(line, argv, TB_BATCH_MAX_ARGS, &why);
		if (n < 0) {
			fprintf(err, TB_PROG ": %s:%lu: %s\n", name, lineno,
				why);
			ret = TB_EXIT_USAGE;
			break;
		}
		if (!n)
			continue;
		ret = tb_parse(n, argv, &req, err);
		if (ret == TB_EXIT_OK)
			ret = exec(&req, arg);
		if (ret != TB_EXIT_OK) {
			fprintf(err, TB_PROG ": %s:%lu: command failed\n",
				name, lineno);
			break;
		}
	}
	if (ret == TB_EXIT_OK && ferror(f)) {
		fprintf(err, TB_PROG ": %s: read error\n", name);
		ret = TB_EXIT_FAIL;
	}
	free(line);
	return ret;
}
