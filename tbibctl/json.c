// SPDX-License-Identifier: GPL-2.0
/*
 * tbibctl: a small streaming JSON writer.
 *
 * Values are written as they come (no tree in memory).  The writer only
 * tracks, per nesting level, whether a comma is due; callers pass a key
 * inside objects and NULL inside arrays or at the top.  Compact output is
 * one line per top-level value (JSON lines for monitor and stats -w);
 * pretty output indents by two spaces.
 */
#include <math.h>
#include <string.h>

#include "tbibctl.h"

void tb_json_init(struct tb_json *j, FILE *f, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->pretty = pretty;
	j->first[0] = true;
}

void tb_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

static void indent(struct tb_json *j)
{
	int i;

	if (!j->pretty)
		return;
	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* Comma, newline/indent and "key": before a value. */
static void lead(struct tb_json *j, const char *key)
{
	if (!j->first[j->depth])
		fputc(',', j->f);
	if (j->depth > 0)
		indent(j);
	j->first[j->depth] = false;
	if (key) {
		tb_json_string(j->f, key);
		fputs(j->pretty ? ": " : ":", j->f);
	}
}

static void open_(struct tb_json *j, const char *key, char c)
{
	lead(j, key);
	fputc(c, j->f);
	if (j->depth < TB_JSON_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

static void close_(struct tb_json *j, char c)
{
	bool empty = j->first[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (!empty)
		indent(j);
	fputc(c, j->f);
	if (j->depth == 0) {
		/* One top-level value per line; the next one starts fresh. */
		fputc('\n', j->f);
		j->first[0] = true;
		fflush(j->f);
	}
}

void tb_json_obj_open(struct tb_json *j, const char *key)
{
	open_(j, key, '{');
}

void tb_json_obj_close(struct tb_json *j)
{
	close_(j, '}');
}

void tb_json_arr_open(struct tb_json *j, const char *key)
{
	open_(j, key, '[');
}

void tb_json_arr_close(struct tb_json *j)
{
	close_(j, ']');
}

void tb_json_str(struct tb_json *j, const char *key, const char *val)
{
	lead(j, key);
	tb_json_string(j->f, val);
}

void tb_json_u64(struct tb_json *j, const char *key, uint64_t val)
{
	lead(j, key);
	fprintf(j->f, "%llu", (unsigned long long)val);
}

void tb_json_double(struct tb_json *j, const char *key, double val)
{
	lead(j, key);
	/* JSON has no NaN or infinity. */
	if (!isfinite(val))
		fputs("null", j->f);
	else
		fprintf(j->f, "%.3f", val);
}

void tb_json_bool(struct tb_json *j, const char *key, bool val)
{
	lead(j, key);
	fputs(val ? "true" : "false", j->f);
}

void tb_json_null(struct tb_json *j, const char *key)
{
	lead(j, key);
	fputs("null", j->f);
}

void tb_list_begin(struct tb_list *l, FILE *f, bool json, bool pretty)
{
	tb_json_init(&l->j, f, pretty);
	l->json = json;
	l->opened = false;
}

struct tb_json *tb_list_item(struct tb_list *l)
{
	if (!l->opened) {
		tb_json_arr_open(&l->j, NULL);
		l->opened = true;
	}
	return &l->j;
}

void tb_list_end(struct tb_list *l, bool ok)
{
	if (!l->json)
		return;
	if (!l->opened && ok)
		tb_list_item(l);
	if (l->opened)
		tb_json_arr_close(&l->j);
	l->opened = false;
}
