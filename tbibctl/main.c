// SPDX-License-Identifier: GPL-2.0
/*
 * tbibctl: configure tbib devices, rails and peers over the "tbib"
 * generic netlink family.  See tbibctl(8).
 *
 *   tbibctl [-j] [-p] [-s] OBJECT COMMAND ARGS
 *   tbibctl [-j] [-p] [-s] -b FILE
 *
 * Exit status: 0 ok, 1 the command failed (kernel error, module not
 * loaded), 2 bad usage.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tbibctl.h"

/* Run one parsed command; connects to the kernel on first use. */
static int run(const struct tb_req *req, void *arg)
{
	struct tb_ctx *ctx = arg;
	struct tb_opts saved = ctx->opts;
	int r;

	switch (req->op) {
	case TB_OP_HELP:
		tb_help(req->help, stdout);
		return TB_EXIT_OK;
	case TB_OP_VERSION:
		printf(TB_PROG " " TB_VERSION " (uapi version %d)\n",
		       TBIB_GENL_VERSION);
		return TB_EXIT_OK;
	default:
		break;
	}

	r = tb_nl_connect(ctx);
	if (r)
		return r;
	/* Options given after the command apply to it alone. */
	ctx->opts.json |= req->json || req->pretty;
	ctx->opts.pretty |= req->pretty;
	ctx->opts.stats |= req->stats;

	switch (req->op) {
	case TB_OP_DEV_ADD:
	case TB_OP_DEV_DEL:
	case TB_OP_DEV_SET:
	case TB_OP_DEV_SHOW:
		r = tb_dev_exec(ctx, req);
		break;
	case TB_OP_RAIL_ADD:
	case TB_OP_RAIL_DEL:
	case TB_OP_RAIL_SET:
	case TB_OP_RAIL_SHOW:
		r = tb_rail_exec(ctx, req);
		break;
	case TB_OP_PEER_SHOW:
		r = tb_peer_exec(ctx, req);
		break;
	case TB_OP_STATS:
		r = tb_stats_exec(ctx, req);
		break;
	case TB_OP_MONITOR:
		r = tb_monitor_exec(ctx, req);
		/* the socket joined multicast groups and would keep
		 * receiving events: do not reuse it for a later batch line */
		tb_nl_close(ctx);
		break;
	default:
		r = TB_EXIT_FAIL;
		break;
	}
	ctx->opts = saved;
	fflush(ctx->out);
	return r;
}

int main(int argc, char **argv)
{
	struct tb_ctx ctx = { .out = stdout };
	struct tb_req req;
	FILE *f;
	int r;

	r = tb_parse_cmdline(argc, argv, &ctx.opts, &req, stderr);
	if (r)
		return r;
	/* -p means pretty JSON: it implies -j */
	if (ctx.opts.pretty)
		ctx.opts.json = true;

	if (ctx.opts.batch) {
		if (!strcmp(ctx.opts.batch, "-")) {
			f = stdin;
		} else {
			f = fopen(ctx.opts.batch, "r");
			if (!f) {
				tb_err("cannot open %s: %s", ctx.opts.batch,
				       strerror(errno));
				return TB_EXIT_FAIL;
			}
		}
		r = tb_batch(f, !strcmp(ctx.opts.batch, "-") ? "stdin" :
			     ctx.opts.batch, run, &ctx, stderr);
		if (f != stdin)
			fclose(f);
	} else {
		r = run(&req, &ctx);
	}
	tb_nl_close(&ctx);
	if (fflush(stdout) || ferror(stdout)) {
		if (errno != EPIPE)
			tb_err("write error: %s", strerror(errno));
		if (!r)
			r = TB_EXIT_FAIL;
	}
	return r;
}
