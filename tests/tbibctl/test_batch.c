// SPDX-License-Identifier: GPL-2.0
/*
 * tbibctl -b: line splitting (blanks, quotes, escapes, comments) and the
 * batch runner (blank and comment lines skipped, every command parsed
 * and run in order, the first failing line stops the batch and is named
 * as FILE:LINE, usage errors and command failures both stop it).
 */
#include "test.h"
#include "tbibctl.h"

static void test_split(void)
{
	char *argv[8];
	const char *why = NULL;
	char l1[] = "  rail add\ttbib0 netdev veth0  \n";
	char l2[] = "dev add \"my dev\" # a comment";
	char l3[] = "# only a comment";
	char l4[] = "a 'b c' d\\ e \"f\\\"g\" h#i";
	char l5[] = "a \"unterminated";
	char l6[] = "1 2 3 4 5 6 7 8 9";
	char l7[] = "";
	char l8[] = "x''y \"\" z";
	int n;

	n = tb_split_line(l1, argv, 8, &why);
	CHECK(n == 5 && !strcmp(argv[0], "rail") && !strcmp(argv[2], "tbib0")
	      && !strcmp(argv[4], "veth0"), "blanks: n=%d", n);
	n = tb_split_line(l2, argv, 8, &why);
	CHECK(n == 3 && !strcmp(argv[2], "my dev"), "quotes + comment n=%d",
	      n);
	n = tb_split_line(l3, argv, 8, &why);
	CHECK(n == 0, "comment line n=%d", n);
	n = tb_split_line(l4, argv, 8, &why);
	CHECK(n == 5 && !strcmp(argv[1], "b c") && !strcmp(argv[2], "d e") &&
	      !strcmp(argv[3], "f\"g") && !strcmp(argv[4], "h#i"),
	      "escapes n=%d [%s] [%s] [%s] [%s]", n, argv[1], argv[2],
	      argv[3], argv[4]);
	n = tb_split_line(l5, argv, 8, &why);
	CHECK(n == -1 && why && strstr(why, "quote"), "unterminated");
	n = tb_split_line(l6, argv, 8, &why);
	CHECK(n == -1 && why && strstr(why, "too many"), "too many words");
	n = tb_split_line(l7, argv, 8, &why);
	CHECK(n == 0, "empty line");
	n = tb_split_line(l8, argv, 8, &why);
	CHECK(n == 3 && !strcmp(argv[0], "xy") && !strcmp(argv[1], "") &&
	      !strcmp(argv[2], "z"), "empty quotes n=%d", n);
}

/* The fake executor records what it was asked to run. */
struct rec {
	int n;
	enum tb_op ops[16];
	char devs[16][TBIB_DEV_NAME_MAX];
	int fail_at;		/* 1-based command index that "fails" */
};

static int fake_exec(const struct tb_req *req, void *arg)
{
	struct rec *r = arg;

	if (r->n < 16) {
		r->ops[r->n] = req->op;
		strcpy(r->devs[r->n], req->dev);
	}
	r->n++;
	return r->n == r->fail_at ? TB_EXIT_FAIL : TB_EXIT_OK;
}

static int run(const char *text, struct rec *r, char **errout)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	size_t len;
	FILE *err = open_memstream(errout, &len);
	int ret;

	ret = tb_batch(in, "conf", fake_exec, r, err);
	fclose(in);
	fclose(err);
	return ret;
}

static void test_batch(void)
{
	struct rec r;
	char *err = NULL;
	int ret;

	memset(&r, 0, sizeof(r));
	ret = run("# boot config\n"
		  "\n"
		  "dev add tbib0 lid 1\n"
		  "   \t\n"
		  "rail add tbib0 netdev veth0 weight 10 # fast one\n"
		  "r a tbib0 n veth1\n"
		  "rail show", &r, &err);	/* no final newline */
	CHECK(ret == 0 && r.n == 4, "all lines run: ret=%d n=%d err=%s", ret,
	      r.n, err);
	CHECK(r.ops[0] == TB_OP_DEV_ADD && r.ops[1] == TB_OP_RAIL_ADD &&
	      r.ops[2] == TB_OP_RAIL_ADD && r.ops[3] == TB_OP_RAIL_SHOW,
	      "ops in order");
	CHECK(err && !err[0], "no error output: %s", err);
	free(err);
	err = NULL;

	/* a usage error on line 3 stops before line 4 runs */
	memset(&r, 0, sizeof(r));
	ret = run("dev add tbib0\n"
		  "# comment\n"
		  "rail add tbib0 netdev veth0 weight 5000\n"
		  "dev add tbib1\n", &r, &err);
	CHECK(ret == TB_EXIT_USAGE, "usage error exit %d", ret);
	CHECK(r.n == 1, "stopped after the bad line: %d run", r.n);
	CHECK(err && strstr(err, "invalid weight") &&
	      strstr(err, "conf:3: command failed"),
	      "names line 3: %s", err);
	free(err);
	err = NULL;

	/* a failing command (kernel error) on line 2 stops the batch */
	memset(&r, 0, sizeof(r));
	r.fail_at = 2;
	ret = run("dev add tbib0\ndev add tbib0\ndev add tbib1\n", &r, &err);
	CHECK(ret == TB_EXIT_FAIL && r.n == 2, "fail stops: ret=%d n=%d",
	      ret, r.n);
	CHECK(err && strstr(err, "conf:2: command failed"), "line 2: %s",
	      err);
	free(err);
	err = NULL;

	/* unterminated quote */
	memset(&r, 0, sizeof(r));
	ret = run("dev add tbib0\ndev add \"tbib1\n", &r, &err);
	CHECK(ret == TB_EXIT_USAGE && r.n == 1 && err &&
	      strstr(err, "conf:2: unterminated quote"), "quote: %s", err);
	free(err);
	err = NULL;

	/* empty input is fine */
	memset(&r, 0, sizeof(r));
	ret = run("", &r, &err);
	CHECK(ret == 0 && r.n == 0, "empty batch");
	free(err);
	err = NULL;

	/* CRLF line ends (files edited elsewhere) */
	memset(&r, 0, sizeof(r));
	ret = run("dev add tbib0\r\ndev del tbib0\r\n", &r, &err);
	CHECK(ret == 0 && r.n == 2 && !strcmp(r.devs[1], "tbib0"),
	      "crlf: ret=%d n=%d %s", ret, r.n, err);
	free(err);
}

int main(void)
{
	test_split();
	test_batch();
	return test_done("test_batch");
}
