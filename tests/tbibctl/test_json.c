// SPDX-License-Identifier: GPL-2.0
/*
 * tbibctl JSON writer: commas, nesting, escaping, numbers, pretty mode,
 * one value per line, and the lazily opened array of show commands.
 */
#include <math.h>

#include "test.h"
#include "tbibctl.h"

static char *buf;
static size_t len;

static FILE *mem(void)
{
	free(buf);
	buf = NULL;
	return open_memstream(&buf, &len);
}

static void test_compact(void)
{
	struct tb_json j;
	FILE *f = mem();

	tb_json_init(&j, f, false);
	tb_json_arr_open(&j, NULL);
	tb_json_obj_open(&j, NULL);
	tb_json_str(&j, "name", "tb\"i\\b\n\x01");
	tb_json_u64(&j, "big", UINT64_MAX);
	tb_json_bool(&j, "t", true);
	tb_json_bool(&j, "f", false);
	tb_json_null(&j, "n");
	tb_json_double(&j, "d", 1.5);
	tb_json_double(&j, "nan", NAN);
	tb_json_arr_open(&j, "rails");
	tb_json_u64(&j, NULL, 1);
	tb_json_u64(&j, NULL, 2);
	tb_json_arr_close(&j);
	tb_json_obj_open(&j, "stats");
	tb_json_obj_close(&j);
	tb_json_arr_open(&j, "empty");
	tb_json_arr_close(&j);
	tb_json_obj_close(&j);
	tb_json_obj_open(&j, NULL);
	tb_json_obj_close(&j);
	tb_json_arr_close(&j);
	/* a second top-level value starts a new line, no comma */
	tb_json_obj_open(&j, NULL);
	tb_json_u64(&j, "x", 0);
	tb_json_obj_close(&j);
	fclose(f);
	CHECK(!strcmp(buf,
		      "[{\"name\":\"tb\\\"i\\\\b\\n\\u0001\","
		      "\"big\":18446744073709551615,\"t\":true,\"f\":false,"
		      "\"n\":null,\"d\":1.500,\"nan\":null,"
		      "\"rails\":[1,2],\"stats\":{},\"empty\":[]},{}]\n"
		      "{\"x\":0}\n"), "compact: %s", buf);
}

static void test_pretty(void)
{
	struct tb_json j;
	FILE *f = mem();

	tb_json_init(&j, f, true);
	tb_json_arr_open(&j, NULL);
	tb_json_obj_open(&j, NULL);
	tb_json_str(&j, "a", "b");
	tb_json_arr_open(&j, "r");
	tb_json_u64(&j, NULL, 1);
	tb_json_arr_close(&j);
	tb_json_obj_close(&j);
	tb_json_arr_close(&j);
	fclose(f);
	CHECK(!strcmp(buf,
		      "[\n"
		      "  {\n"
		      "    \"a\": \"b\",\n"
		      "    \"r\": [\n"
		      "      1\n"
		      "    ]\n"
		      "  }\n"
		      "]\n"), "pretty: %s", buf);
}

static void test_list(void)
{
	struct tb_list l;
	FILE *f = mem();

	/* failed before any object: nothing at all */
	tb_list_begin(&l, f, true, false);
	tb_list_end(&l, false);
	fflush(f);
	CHECK(len == 0, "failed empty list printed: %s", buf);
	/* succeeded with no object: [] */
	tb_list_begin(&l, f, true, false);
	tb_list_end(&l, true);
	fflush(f);
	CHECK(!strcmp(buf, "[]\n"), "empty list: %s", buf);
	/* objects */
	tb_list_begin(&l, f, true, false);
	tb_json_u64(tb_list_item(&l), NULL, 1);
	tb_json_u64(tb_list_item(&l), NULL, 2);
	tb_list_end(&l, false);	/* failed half way: still valid JSON */
	fclose(f);
	CHECK(!strcmp(buf, "[]\n[1,2]\n"), "list: %s", buf);

	/* not JSON: prints nothing */
	f = mem();
	tb_list_begin(&l, f, false, false);
	tb_list_end(&l, true);
	fclose(f);
	CHECK(len == 0, "human list printed %s", buf);
}

int main(void)
{
	test_compact();
	test_pretty();
	test_list();
	free(buf);
	return test_done("test_json");
}
