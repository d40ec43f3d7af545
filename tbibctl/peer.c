// SPDX-License-Identifier: GPL-2.0
/*
 * tbibctl peer: the remote HCAs a device reaches, and through which rails.
 * Peers are learned by the kernel from its rails; they are only shown.
 */
#include <string.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>

#include "tbibctl.h"

int tb_peer_parse(struct nl_msg *msg, struct tb_peer_info *p)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *a;
	int rem, len, err;

	memset(p, 0, sizeof(*p));
	if (!genlmsg_valid_hdr(nlh, 0))
		return -NLE_MSG_TOOSHORT;
	/* Walk the attributes by hand: PEER_RAIL is repeated. */
	nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		len = nla_len(a);
		switch (nla_type(a)) {
		case TBIB_A_PEER_DEV_NAME:
			if (len < 1 || ((char *)nla_data(a))[len - 1])
				return -NLE_INVAL;
			snprintf(p->dev, sizeof(p->dev), "%s",
				 (char *)nla_data(a));
			p->has_dev = true;
			break;
		case TBIB_A_PEER_GUID:
			if (len < 8)
				return -NLE_INVAL;
			p->guid = nla_get_u64(a);
			p->has_guid = true;
			break;
		case TBIB_A_PEER_LID:
			if (len < 4)
				return -NLE_INVAL;
			p->lid = nla_get_u32(a);
			p->has_lid = true;
			break;
		case TBIB_A_PEER_RAIL:
			if (len < 4)
				return -NLE_INVAL;
			if (p->num_rails == TB_PEER_RAILS_MAX) {
				p->rails_truncated = true;
				break;
			}
			p->rails[p->num_rails++] = nla_get_u32(a);
			break;
		case TBIB_A_PEER_LID_CONFLICT:
			if (len < 1)
				return -NLE_INVAL;
			p->lid_conflict = nla_get_u8(a);
			p->has_conflict = true;
			break;
		case TBIB_A_PEER_STATS:
			err = tb_stats_parse(a, &p->stats);
			if (err < 0)
				return err;
			break;
		default:
			break;	/* newer kernel: ignore */
		}
	}
	return 0;
}

void tb_peer_print(const struct tb_peer_info *p, bool stats, FILE *f)
{
	char buf[32];
	unsigned int i;

	if (p->has_guid) {
		tb_fmt_guid(p->guid, buf, sizeof(buf));
		fprintf(f, "peer %s", buf);
	} else {
		fprintf(f, "peer ?");
	}
	if (p->has_dev)
		fprintf(f, " dev %s", p->dev);
	if (p->has_lid)
		fprintf(f, " lid %u", p->lid);
	if (p->has_conflict && p->lid_conflict)
		fprintf(f, " lid_conflict");
	fprintf(f, " rails ");
	if (!p->num_rails)
		fputs("none", f);
	for (i = 0; i < p->num_rails; i++)
		fprintf(f, "%s%u", i ? "," : "", p->rails[i]);
	if (p->rails_truncated)
		fputs(",...", f);
	fputc('\n', f);
	if (stats)
		tb_stats_print(&p->stats, f, "    ");
}

void tb_peer_json(struct tb_json *j, const char *key,
		  const struct tb_peer_info *p, bool stats)
{
	char buf[32];
	unsigned int i;

	tb_json_obj_open(j, key);
	if (p->has_dev)
		tb_json_str(j, "dev", p->dev);
	if (p->has_guid) {
		tb_fmt_guid(p->guid, buf, sizeof(buf));
		tb_json_str(j, "guid", buf);
	}
	if (p->has_lid)
		tb_json_u64(j, "lid", p->lid);
	if (p->has_conflict)
		tb_json_bool(j, "lid_conflict", p->lid_conflict);
	tb_json_arr_open(j, "rails");
	for (i = 0; i < p->num_rails; i++)
		tb_json_u64(j, NULL, p->rails[i]);
	tb_json_arr_close(j);
	if (stats)
		tb_stats_json(j, &p->stats);
	tb_json_obj_close(j);
}

struct show {
	struct tb_ctx *ctx;
	const char *dev;
	bool stats;
	struct tb_list list;
};

static int show_one(struct nl_msg *msg, void *arg)
{
	struct show *s = arg;
	struct tb_peer_info p;

	if (tb_peer_parse(msg, &p) < 0) {
		tb_err("malformed peer reply from the kernel");
		return -1;
	}
	if (s->dev && p.has_dev && strcmp(s->dev, p.dev))
		return 0;
	if (s->ctx->opts.json)
		tb_peer_json(tb_list_item(&s->list), NULL, &p, s->stats);
	else
		tb_peer_print(&p, s->stats, s->ctx->out);
	return 0;
}

int tb_peer_exec(struct tb_ctx *ctx, const struct tb_req *req)
{
	struct show s = { .ctx = ctx, .stats = ctx->opts.stats || req->stats };
	int r;

	if (req->has & TB_HAS_DEV)
		s.dev = req->dev;
	tb_list_begin(&s.list, ctx->out, ctx->opts.json, ctx->opts.pretty);
	r = tb_nl_request(ctx, req, show_one, &s, "cannot list peers");
	tb_list_end(&s.list, r == TB_EXIT_OK);
	return r;
}
