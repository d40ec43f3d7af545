// SPDX-License-Identifier: GPL-2.0
/*
 * tbibctl monitor: print the kernel's device, rail and peer events.
 *
 * Joins the family's "events" multicast group and nlctrl's "notify"
 * group; the latter tells us when the family goes away (module unloaded),
 * which ends the monitor cleanly instead of leaving it waiting forever.
 * SIGINT/SIGTERM interrupt poll() (no SA_RESTART) and end it with exit 0.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <linux/genetlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "tbibctl.h"

static const struct {
	uint8_t cmd;
	unsigned int obj;	/* TB_MON_* */
	const char *verb;	/* human */
	const char *event;	/* JSON */
} events[] = {
	{ TBIB_CMD_DEV_NEW, TB_MON_DEV, "new", "dev_new" },
	{ TBIB_CMD_DEV_DEL, TB_MON_DEV, "del", "dev_del" },
	{ TBIB_CMD_DEV_SET, TB_MON_DEV, "set", "dev_set" },
	{ TBIB_CMD_RAIL_ADD, TB_MON_RAIL, "new", "rail_new" },
	{ TBIB_CMD_RAIL_DEL, TB_MON_RAIL, "del", "rail_del" },
	{ TBIB_CMD_RAIL_SET, TB_MON_RAIL, "set", "rail_set" },
	{ TBIB_CMD_PEER_NEW, TB_MON_PEER, "new", "peer_new" },
	{ TBIB_CMD_PEER_DEL, TB_MON_PEER, "del", "peer_del" },
	{ TBIB_CMD_PEER_SET, TB_MON_PEER, "set", "peer_set" },
};

struct mon {
	struct tb_ctx *ctx;
	unsigned int filter;
	bool stats;
	bool gone;		/* the family was unregistered */
	int ret;
};

static int print_event(struct mon *m, struct nl_msg *msg, uint8_t cmd)
{
	struct tb_ctx *ctx = m->ctx;
	struct tb_dev_info d;
	struct tb_rail_info r;
	struct tb_peer_info p;
	struct tb_json j;
	size_t i;
	int err = 0;

	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		if (events[i].cmd == cmd)
			break;
	if (i == sizeof(events) / sizeof(events[0]))
		return 0;	/* not an event we know: newer kernel */
	if (m->filter != TB_MON_ALL && m->filter != events[i].obj)
		return 0;

	switch (events[i].obj) {
	case TB_MON_DEV:
		err = tb_dev_parse(msg, &d);
		break;
	case TB_MON_RAIL:
		err = tb_rail_parse(msg, &r);
		break;
	default:
		err = tb_peer_parse(msg, &p);
		break;
	}
	if (err < 0) {
		tb_err("malformed %s event from the kernel", events[i].event);
		return 0;
	}

	if (ctx->opts.json) {
		tb_json_init(&j, ctx->out, ctx->opts.pretty);
		tb_json_obj_open(&j, NULL);
		tb_json_str(&j, "event", events[i].event);
		if (events[i].obj == TB_MON_DEV)
			tb_dev_json(&j, "dev", &d, m->stats);
		else if (events[i].obj == TB_MON_RAIL)
			tb_rail_json(&j, "rail", &r, m->stats);
		else
			tb_peer_json(&j, "peer", &p, m->stats);
		tb_json_obj_close(&j);
		return 0;
	}
	fprintf(ctx->out, "%s ", events[i].verb);
	if (events[i].obj == TB_MON_DEV)
		tb_dev_print(&d, m->stats, ctx->out);
	else if (events[i].obj == TB_MON_RAIL)
		tb_rail_print(&r, m->stats, ctx->out);
	else
		tb_peer_print(&p, m->stats, ctx->out);
	fflush(ctx->out);
	return 0;
}

/* nlctrl notification: is it "family tbib deleted"? */
static bool family_gone(struct nl_msg *msg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(msg));

	if (!genlmsg_valid_hdr(nlmsg_hdr(msg), 0) ||
	    g->cmd != CTRL_CMD_DELFAMILY)
		return false;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CTRL_ATTR_MAX, NULL) < 0 ||
	    !tb[CTRL_ATTR_FAMILY_NAME])
		return false;
	return !strncmp(nla_data(tb[CTRL_ATTR_FAMILY_NAME]), TBIB_GENL_NAME,
			(size_t)nla_len(tb[CTRL_ATTR_FAMILY_NAME])) &&
	       nla_len(tb[CTRL_ATTR_FAMILY_NAME]) ==
	       (int)sizeof(TBIB_GENL_NAME);
}

static int on_msg(struct nl_msg *msg, void *arg)
{
	struct mon *m = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *g;

	if (!genlmsg_valid_hdr(nlh, 0))
		return NL_SKIP;
	if (nlh->nlmsg_type == GENL_ID_CTRL) {
		if (family_gone(msg)) {
			m->gone = true;
			return NL_STOP;
		}
		return NL_SKIP;
	}
	if (nlh->nlmsg_type != m->ctx->family)
		return NL_SKIP;
	g = nlmsg_data(nlh);
	print_event(m, msg, g->cmd);
	return NL_OK;
}

/* Events are unsolicited: every sequence number is fine. */
static int seq_any(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int tb_monitor_exec(struct tb_ctx *ctx, const struct tb_req *req)
{
	struct mon m = { .ctx = ctx, .filter = req->mon,
			 .stats = ctx->opts.stats || req->stats };
	struct sigaction sa = { .sa_handler = on_signal };
	struct sigaction old_int, old_term;
	struct pollfd pfd;
	struct nl_cb *cb;
	int grp, ctrl, r, ret = TB_EXIT_OK;

	grp = tb_nl_mcast_group(ctx, TBIB_GENL_NAME, TBIB_MCGRP_EVENTS);
	if (grp < 0) {
		tb_err("cannot find multicast group \"%s\" of family \"%s\": %s",
		       TBIB_MCGRP_EVENTS, TBIB_GENL_NAME, nl_geterror(grp));
		return TB_EXIT_FAIL;
	}
	ctrl = tb_nl_mcast_group(ctx, "nlctrl", "notify");
	r = nl_socket_add_membership(ctx->sk, grp);
	if (r < 0) {
		tb_err("cannot join the events group: %s", nl_geterror(r));
		return TB_EXIT_FAIL;
	}
	if (ctrl >= 0)
		nl_socket_add_membership(ctx->sk, ctrl);
	nl_socket_set_buffer_size(ctx->sk, 1 << 20, 0);

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		tb_err("out of memory");
		return TB_EXIT_FAIL;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_msg, &m);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, seq_any, NULL);

	stop = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	setvbuf(ctx->out, NULL, _IOLBF, 0);

	pfd.fd = nl_socket_get_fd(ctx->sk);
	pfd.events = POLLIN;
	while (!stop && !m.gone) {
		r = poll(&pfd, 1, -1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			tb_err("poll: %s", strerror(errno));
			ret = TB_EXIT_FAIL;
			break;
		}
		r = nl_recvmsgs(ctx->sk, cb);
		if (r == -NLE_NOMEM) {
			/* ENOBUFS: the kernel dropped events for us */
			tb_err("warning: events lost (receive buffer overrun)");
			continue;
		}
		if (r < 0 && r != -NLE_INTR && r != -NLE_AGAIN) {
			tb_err("monitor: netlink: %s", nl_geterror(r));
			ret = TB_EXIT_FAIL;
			break;
		}
	}
	if (m.gone) {
		if (ctx->opts.json) {
			fprintf(ctx->out, "{\"event\":\"family_del\"}\n");
		} else {
			fprintf(ctx->out, "del family %s (module unloaded)\n",
				TBIB_GENL_NAME);
		}
		fflush(ctx->out);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	nl_cb_put(cb);
	return ret;
}
