// SPDX-License-Identifier: GPL-2.0
/*
 * tbibctl: libnl-3 / libnl-genl-3 plumbing.
 *
 * One request at a time: send, then read until the ACK (do) or NLMSG_DONE
 * (dump; libnl follows NLM_F_MULTI across datagrams).  Kernel errors come
 * back as NLMSG_ERROR, or inside NLMSG_DONE for a dump that failed half
 * way; both may carry extended-ACK TLVs, from which the message (and for
 * policy rejects, the offending or missing attribute) is printed as
 * "tbibctl: <message> (<strerror>)".
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "tbibctl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct talk {
	tb_reply_fn fn;
	void *arg;
	bool done;
	bool fn_failed;
	bool intr;		/* NLM_F_DUMP_INTR seen */
	int err;		/* positive errno from the kernel, 0 = none */
	char msg[256];		/* extack message, "" = none */
	int bad_attr;		/* attribute type the kernel pointed at */
	int miss_attr;		/* required attribute it found missing */
	int family;		/* to name tbib attributes ... */
	int cmd;		/* ... of this command (-1: unknown) */
};

/* Names of request attributes in error messages (as in the JSON keys). */
static const char *const dev_attr_names[TBIB_A_DEV_MAX + 1] = {
	[TBIB_A_DEV_NAME] = "name", [TBIB_A_DEV_INDEX] = "index",
	[TBIB_A_DEV_GUID] = "guid", [TBIB_A_DEV_LID] = "lid",
};

static const char *const rail_attr_names[TBIB_A_RAIL_MAX + 1] = {
	[TBIB_A_RAIL_DEV_NAME] = "dev", [TBIB_A_RAIL_ID] = "id",
	[TBIB_A_RAIL_TYPE] = "type", [TBIB_A_RAIL_IFINDEX] = "ifindex",
	[TBIB_A_RAIL_IFNAME] = "ifname", [TBIB_A_RAIL_USB4_EP] = "usb4",
	[TBIB_A_RAIL_PEER_MAC] = "peer_mac", [TBIB_A_RAIL_WEIGHT] = "weight",
	[TBIB_A_RAIL_CSUM] = "csum", [TBIB_A_RAIL_ADMIN_STATE] = "admin_state",
};

static const char *const peer_attr_names[TBIB_A_PEER_MAX + 1] = {
	[TBIB_A_PEER_DEV_NAME] = "dev", [TBIB_A_PEER_GUID] = "guid",
	[TBIB_A_PEER_LID] = "lid",
};

static const char *attr_name(const struct talk *t, int attr)
{
	switch (t->family > 0 ? t->cmd : -1) {
	case TBIB_CMD_DEV_NEW:
	case TBIB_CMD_DEV_DEL:
	case TBIB_CMD_DEV_GET:
	case TBIB_CMD_DEV_SET:
		return attr <= TBIB_A_DEV_MAX ? dev_attr_names[attr] : NULL;
	case TBIB_CMD_RAIL_ADD:
	case TBIB_CMD_RAIL_DEL:
	case TBIB_CMD_RAIL_GET:
	case TBIB_CMD_RAIL_SET:
		return attr <= TBIB_A_RAIL_MAX ? rail_attr_names[attr] : NULL;
	case TBIB_CMD_PEER_GET:
		return attr <= TBIB_A_PEER_MAX ? peer_attr_names[attr] : NULL;
	default:
		return NULL;
	}
}

/*
 * Extended ACK TLVs of an NLMSG_ERROR or NLMSG_DONE.  off is where the
 * TLVs start inside the payload; req/req_len is the echoed request (not
 * there when the kernel capped it) against which NLMSGERR_ATTR_OFFS is
 * resolved.
 */
static void parse_ext_ack(struct talk *t, const struct nlmsghdr *nlh,
			  size_t off, const struct nlmsghdr *req,
			  size_t req_len)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t plen;
	struct nlattr *a;
	uint32_t offs;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	plen = nlh->nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_ALIGN(off);
	if (nlh->nlmsg_len < NLMSG_HDRLEN || off >= plen)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)NLMSG_DATA(nlh) + off),
		      (int)(plen - off), NULL) < 0)
		return;

	a = tb[NLMSGERR_ATTR_MSG];
	if (a && nla_len(a) > 0) {
		size_t n = (size_t)nla_len(a);

		if (n >= sizeof(t->msg))
			n = sizeof(t->msg) - 1;
		memcpy(t->msg, nla_data(a), n);
		t->msg[n] = '\0';
		/* trailing newline in some kernel messages */
		n = strlen(t->msg);
		while (n && (t->msg[n - 1] == '\n' || t->msg[n - 1] == ' '))
			t->msg[--n] = '\0';
	}
	a = tb[NLMSGERR_ATTR_MISS_TYPE];
	if (a && nla_len(a) >= 4)
		t->miss_attr = (int)nla_get_u32(a);
	a = tb[NLMSGERR_ATTR_OFFS];
	if (a && nla_len(a) >= 4 && req) {
		offs = nla_get_u32(a);
		if (offs >= NLMSG_HDRLEN + GENL_HDRLEN &&
		    offs + sizeof(struct nlattr) <= req_len) {
			const struct nlattr *bad =
				(const void *)((const char *)req + offs);

			t->bad_attr = bad->nla_type & NLA_TYPE_MASK;
		}
	}
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct talk *t = arg;
	const struct nlmsghdr *nlh =
		(const void *)((const char *)e - NLMSG_HDRLEN);
	size_t off = sizeof(*e);
	const struct nlmsghdr *req = NULL;
	size_t req_len = 0;

	(void)nla;
	t->err = -e->error;
	if (t->err <= 0)
		t->err = EPROTO;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len >= NLMSG_HDRLEN &&
	    sizeof(*e) + e->msg.nlmsg_len - NLMSG_HDRLEN <=
	    nlh->nlmsg_len - NLMSG_HDRLEN) {
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
		req = &e->msg;
		req_len = e->msg.nlmsg_len;
	}
	/* the command of the echoed request, to name its attributes */
	if (req && req->nlmsg_type == t->family &&
	    req_len >= NLMSG_HDRLEN + GENL_HDRLEN)
		t->cmd = ((const struct genlmsghdr *)NLMSG_DATA(req))->cmd;
	parse_ext_ack(t, nlh, off, req, req_len);
	t->done = true;
	return NL_STOP;
}

/* A successful ACK may still carry a warning in its extack message. */
static int on_ack(struct nl_msg *msg, void *arg)
{
	struct talk *t = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(struct nlmsgerr)) &&
	    (nlh->nlmsg_flags & NLM_F_CAPPED)) {
		parse_ext_ack(t, nlh, sizeof(struct nlmsgerr), NULL, 0);
		if (t->msg[0])
			tb_err("warning: %s", t->msg);
		t->msg[0] = '\0';
	}
	t->done = true;
	return NL_STOP;
}

/* NLMSG_DONE: the end of a dump, possibly with the dump's error. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct talk *t = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int err;

	if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int))) {
		memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
		if (err < 0) {
			t->err = -err;
			parse_ext_ack(t, nlh, sizeof(int), NULL, 0);
		}
	}
	t->done = true;
	return NL_STOP;
}

/* The configuration changed while the dump was being built. */
static int on_dump_intr(struct nl_msg *msg, void *arg)
{
	struct talk *t = arg;

	(void)msg;
	t->intr = true;
	return NL_OK;	/* still a valid object: go on to NL_CB_VALID */
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct talk *t = arg;

	/* After a failure keep reading to the end, so that the socket is
	 * clean for the next command of a batch, but call no one. */
	if (t->fn && !t->fn_failed && t->fn(msg, t->arg) < 0)
		t->fn_failed = true;
	return NL_OK;
}

static void report(const struct talk *t, const char *what)
{
	int attr = t->miss_attr > 0 ? t->miss_attr : t->bad_attr;
	const char *name = attr > 0 ? attr_name(t, attr) : NULL;
	char extra[64] = "";

	if (attr > 0 && name)
		snprintf(extra, sizeof(extra), ", %sattribute %s",
			 t->miss_attr > 0 ? "missing " : "", name);
	else if (attr > 0)
		snprintf(extra, sizeof(extra), ", %sattribute %d",
			 t->miss_attr > 0 ? "missing " : "", attr);
	if (t->msg[0])
		tb_err("%s (%s%s)", t->msg, strerror(t->err), extra);
	else if (t->err == EPERM)
		tb_err("%s (%s: CAP_NET_ADMIN is needed)", what,
		       strerror(t->err));
	else
		tb_err("%s (%s%s)", what, strerror(t->err), extra);
}

int tb_nl_talk(struct tb_ctx *ctx, struct nl_msg *msg, tb_reply_fn fn,
	       void *arg, const char *what)
{
	struct talk t = { .fn = fn, .arg = arg, .family = ctx->family,
			  .cmd = -1 };
	struct nl_cb *cb;
	int r;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		tb_err("out of memory");
		return TB_EXIT_FAIL;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &t);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &t);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &t);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_intr, &t);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &t);

	r = nl_send_auto(ctx->sk, msg);
	nlmsg_free(msg);
	if (r < 0) {
		nl_cb_put(cb);
		tb_err("%s: cannot send netlink request: %s", what,
		       nl_geterror(r));
		return TB_EXIT_FAIL;
	}
	while (!t.done) {
		r = nl_recvmsgs(ctx->sk, cb);
		if (r < 0 && !t.done) {
			nl_cb_put(cb);
			tb_err("%s: netlink: %s", what, nl_geterror(r));
			return TB_EXIT_FAIL;
		}
	}
	nl_cb_put(cb);
	if (t.intr && !t.err)
		tb_err("warning: the configuration changed during the dump; the list may be inconsistent");
	if (t.err) {
		report(&t, what);
		return TB_EXIT_FAIL;
	}
	return t.fn_failed ? TB_EXIT_FAIL : TB_EXIT_OK;
}

int tb_nl_request(struct tb_ctx *ctx, const struct tb_req *req,
		  tb_reply_fn fn, void *arg, const char *what)
{
	struct nl_msg *msg;
	int r;

	msg = nlmsg_alloc();
	if (!msg) {
		tb_err("out of memory");
		return TB_EXIT_FAIL;
	}
	r = tb_msg_build(msg, ctx->family, req);
	if (r < 0) {
		nlmsg_free(msg);
		tb_err("%s: cannot build request: %s", what, nl_geterror(r));
		return TB_EXIT_FAIL;
	}
	return tb_nl_talk(ctx, msg, fn, arg, what);
}

int tb_nl_open(struct tb_ctx *ctx)
{
	int one = 1, r;

	if (ctx->sk)
		return TB_EXIT_OK;
	ctx->sk = nl_socket_alloc();
	if (!ctx->sk) {
		tb_err("out of memory");
		return TB_EXIT_FAIL;
	}
	r = genl_connect(ctx->sk);
	if (r < 0) {
		tb_err("cannot open a generic netlink socket: %s",
		       nl_geterror(r));
		nl_socket_free(ctx->sk);
		ctx->sk = NULL;
		return TB_EXIT_FAIL;
	}
	/* Ask for extack messages; the echoed request (no CAP_ACK) lets an
	 * attribute offset be named. */
	setsockopt(nl_socket_get_fd(ctx->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	/* Large dumps: let libnl size its buffer from a peek. */
	nl_socket_enable_msg_peek(ctx->sk);
	return TB_EXIT_OK;
}

int tb_nl_connect(struct tb_ctx *ctx)
{
	int r;

	if (ctx->sk && ctx->family)
		return TB_EXIT_OK;
	r = tb_nl_open(ctx);
	if (r)
		return r;
	r = genl_ctrl_resolve(ctx->sk, TBIB_GENL_NAME);
	if (r < 0) {
		/* The family only exists in the initial network namespace:
		 * a loaded module seen from elsewhere needs another hint. */
		if (r == -NLE_OBJ_NOTFOUND && !access("/sys/module/tbib", F_OK))
			tb_err("the tbib module is loaded but its netlink family is not visible here (tbib is configured from the initial network namespace)");
		else if (r == -NLE_OBJ_NOTFOUND)
			tb_err("tbib kernel module not loaded (no generic netlink family \"%s\")",
			       TBIB_GENL_NAME);
		else
			tb_err("cannot resolve generic netlink family \"%s\": %s",
			       TBIB_GENL_NAME, nl_geterror(r));
		tb_nl_close(ctx);
		return TB_EXIT_FAIL;
	}
	ctx->family = r;
	return TB_EXIT_OK;
}

void tb_nl_close(struct tb_ctx *ctx)
{
	if (ctx->sk)
		nl_socket_free(ctx->sk);
	ctx->sk = NULL;
	ctx->family = 0;
}

int tb_nl_mcast_group(struct tb_ctx *ctx, const char *family,
		      const char *group)
{
	return genl_ctrl_resolve_grp(ctx->sk, family, group);
}
