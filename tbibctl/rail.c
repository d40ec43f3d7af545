// SPDX-License-Identifier: GPL-2.0
/*
 * tbibctl rail: add, delete, change and show the rails of a device.
 *
 * A rail is named by its id or, for netdev rails, by its netdev; both go
 * to the kernel as they are (TBIB_A_RAIL_ID / TBIB_A_RAIL_IFNAME).
 */
#include <string.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>

#include "tbibctl.h"

static struct nla_policy rail_policy[TBIB_A_RAIL_MAX + 1] = {
	[TBIB_A_RAIL_DEV_NAME] = { .type = NLA_STRING },
	[TBIB_A_RAIL_ID] = { .type = NLA_U32 },
	[TBIB_A_RAIL_TYPE] = { .type = NLA_U32 },
	[TBIB_A_RAIL_IFINDEX] = { .type = NLA_U32 },
	[TBIB_A_RAIL_IFNAME] = { .type = NLA_STRING },
	[TBIB_A_RAIL_USB4_EP] = { .type = NLA_STRING },
	[TBIB_A_RAIL_PEER_MAC] = { .type = NLA_UNSPEC, .minlen = 6 },
	[TBIB_A_RAIL_WEIGHT] = { .type = NLA_U32 },
	[TBIB_A_RAIL_CSUM] = { .type = NLA_U8 },
	[TBIB_A_RAIL_ADMIN_STATE] = { .type = NLA_U8 },
	[TBIB_A_RAIL_OPER_STATE] = { .type = NLA_U8 },
	[TBIB_A_RAIL_MTU] = { .type = NLA_U32 },
	[TBIB_A_RAIL_RATE] = { .type = NLA_U64 },
	[TBIB_A_RAIL_PEER_GUID] = { .type = NLA_U64 },
	[TBIB_A_RAIL_PEER_LID] = { .type = NLA_U32 },
	[TBIB_A_RAIL_PEER_ADDR] = { .type = NLA_UNSPEC, .minlen = 6 },
	[TBIB_A_RAIL_STATS] = { .type = NLA_NESTED },
	[TBIB_A_RAIL_PEER_BOUND] = { .type = NLA_U8 },
};

int tb_rail_parse(struct nl_msg *msg, struct tb_rail_info *r)
{
	struct nlattr *tb[TBIB_A_RAIL_MAX + 1];
	int err;

	memset(r, 0, sizeof(*r));
	err = genlmsg_parse(nlmsg_hdr(msg), 0, tb, TBIB_A_RAIL_MAX,
			    rail_policy);
	if (err < 0)
		return err;
#define STR(attr, field, flag)						\
	do {								\
		if (tb[attr]) {						\
			snprintf(r->field, sizeof(r->field), "%s",	\
				 nla_get_string(tb[attr]));		\
			r->flag = true;					\
		}							\
	} while (0)
#define NUM(attr, get, field, flag)					\
	do {								\
		if (tb[attr]) {						\
			r->field = get(tb[attr]);			\
			r->flag = true;					\
		}							\
	} while (0)
	STR(TBIB_A_RAIL_DEV_NAME, dev, has_dev);
	STR(TBIB_A_RAIL_IFNAME, ifname, has_ifname);
	STR(TBIB_A_RAIL_USB4_EP, usb4_ep, has_usb4_ep);
	NUM(TBIB_A_RAIL_ID, nla_get_u32, id, has_id);
	NUM(TBIB_A_RAIL_TYPE, nla_get_u32, type, has_type);
	NUM(TBIB_A_RAIL_IFINDEX, nla_get_u32, ifindex, has_ifindex);
	NUM(TBIB_A_RAIL_WEIGHT, nla_get_u32, weight, has_weight);
	NUM(TBIB_A_RAIL_CSUM, nla_get_u8, csum, has_csum);
	NUM(TBIB_A_RAIL_ADMIN_STATE, nla_get_u8, admin, has_admin);
	NUM(TBIB_A_RAIL_OPER_STATE, nla_get_u8, oper, has_oper);
	NUM(TBIB_A_RAIL_MTU, nla_get_u32, mtu, has_mtu);
	NUM(TBIB_A_RAIL_RATE, nla_get_u64, rate, has_rate);
	NUM(TBIB_A_RAIL_PEER_GUID, nla_get_u64, peer_guid, has_peer_guid);
	NUM(TBIB_A_RAIL_PEER_LID, nla_get_u32, peer_lid, has_peer_lid);
	NUM(TBIB_A_RAIL_PEER_BOUND, nla_get_u8, peer_bound, has_peer_bound);
#undef STR
#undef NUM
	if (tb[TBIB_A_RAIL_PEER_MAC]) {
		memcpy(r->peer_mac, nla_data(tb[TBIB_A_RAIL_PEER_MAC]), 6);
		r->has_peer_mac = true;
	}
	if (tb[TBIB_A_RAIL_PEER_ADDR]) {
		memcpy(r->peer_addr, nla_data(tb[TBIB_A_RAIL_PEER_ADDR]), 6);
		r->has_peer_addr = true;
	}
	if (tb[TBIB_A_RAIL_STATS])
		return tb_stats_parse(tb[TBIB_A_RAIL_STATS], &r->stats);
	return 0;
}

static const char *admin_name(uint8_t admin)
{
	return admin == TBIB_ADMIN_UP ? "up" : "down";
}

void tb_rail_print(const struct tb_rail_info *r, bool stats, FILE *f)
{
	char buf[32];

	fprintf(f, "rail ");
	if (r->has_id)
		fprintf(f, "%u", r->id);
	else
		fputc('?', f);
	if (r->has_dev)
		fprintf(f, " dev %s", r->dev);
	if (r->has_ifname)
		fprintf(f, " netdev %s", r->ifname);
	else if (r->has_usb4_ep)
		fprintf(f, " usb4 %s", r->usb4_ep);
	else if (r->has_type)
		fprintf(f, " type %s",
			tb_rail_type_name(r->type, buf, sizeof(buf)));
	if (r->has_oper)
		fprintf(f, " state %s",
			tb_rail_state_name(r->oper, buf, sizeof(buf)));
	if (r->has_admin)
		fprintf(f, " admin %s", admin_name(r->admin));
	if (r->has_peer_guid) {
		tb_fmt_guid(r->peer_guid, buf, sizeof(buf));
		fprintf(f, " peer %s", buf);
	}
	if (r->has_peer_lid)
		fprintf(f, " peer_lid %u", r->peer_lid);
	if (r->has_peer_addr) {
		tb_fmt_mac(r->peer_addr, buf, sizeof(buf));
		fprintf(f, " peer_addr %s", buf);
	}
	if (r->has_peer_bound)
		fprintf(f, " peer_bound %s", r->peer_bound ? "yes" : "no");
	if (r->has_weight)
		fprintf(f, " weight %u", r->weight);
	if (r->has_mtu)
		fprintf(f, " mtu %u", r->mtu);
	if (r->has_rate)
		fprintf(f, " rate %lluMbit", (unsigned long long)r->rate);
	if (r->has_csum)
		fprintf(f, " csum %s", r->csum ? "on" : "off");
	if (r->has_peer_mac) {
		tb_fmt_mac(r->peer_mac, buf, sizeof(buf));
		fprintf(f, " peer_mac %s", buf);
	}
	fputc('\n', f);
	if (stats)
		tb_stats_print(&r->stats, f, "    ");
}

void tb_rail_json(struct tb_json *j, const char *key,
		  const struct tb_rail_info *r, bool stats)
{
	char buf[32];

	tb_json_obj_open(j, key);
	if (r->has_dev)
		tb_json_str(j, "dev", r->dev);
	if (r->has_id)
		tb_json_u64(j, "id", r->id);
	if (r->has_type)
		tb_json_str(j, "type",
			    tb_rail_type_name(r->type, buf, sizeof(buf)));
	if (r->has_ifname)
		tb_json_str(j, "ifname", r->ifname);
	if (r->has_ifindex)
		tb_json_u64(j, "ifindex", r->ifindex);
	if (r->has_usb4_ep)
		tb_json_str(j, "usb4", r->usb4_ep);
	if (r->has_oper)
		tb_json_str(j, "state",
			    tb_rail_state_name(r->oper, buf, sizeof(buf)));
	if (r->has_admin)
		tb_json_str(j, "admin_state", admin_name(r->admin));
	if (r->has_peer_guid) {
		tb_fmt_guid(r->peer_guid, buf, sizeof(buf));
		tb_json_str(j, "peer_guid", buf);
	}
	if (r->has_peer_lid)
		tb_json_u64(j, "peer_lid", r->peer_lid);
	if (r->has_peer_addr) {
		tb_fmt_mac(r->peer_addr, buf, sizeof(buf));
		tb_json_str(j, "peer_addr", buf);
	}
	if (r->has_peer_bound)
		tb_json_bool(j, "peer_bound", r->peer_bound);
	if (r->has_weight)
		tb_json_u64(j, "weight", r->weight);
	if (r->has_mtu)
		tb_json_u64(j, "mtu", r->mtu);
	if (r->has_rate)
		tb_json_u64(j, "rate_mbps", r->rate);
	if (r->has_csum)
		tb_json_bool(j, "csum", r->csum);
	if (r->has_peer_mac) {
		tb_fmt_mac(r->peer_mac, buf, sizeof(buf));
		tb_json_str(j, "peer_mac", buf);
	}
	if (stats)
		tb_stats_json(j, &r->stats);
	tb_json_obj_close(j);
}

/* Rail replies of a show; the kernel filters dumps by device, and so
 * does this, in case a reply strays. */
struct walk {
	struct tb_ctx *ctx;
	const char *dev;	/* NULL = all devices */
	bool stats;
	struct tb_list list;
};

static int walk_one(struct nl_msg *msg, void *arg)
{
	struct walk *w = arg;
	struct tb_rail_info r;

	if (tb_rail_parse(msg, &r) < 0) {
		tb_err("malformed rail reply from the kernel");
		return -1;
	}
	if (w->dev && r.has_dev && strcmp(w->dev, r.dev))
		return 0;
	if (w->ctx->opts.json)
		tb_rail_json(tb_list_item(&w->list), NULL, &r, w->stats);
	else
		tb_rail_print(&r, w->stats, w->ctx->out);
	return 0;
}

int tb_rail_exec(struct tb_ctx *ctx, const struct tb_req *req)
{
	struct walk w = { .ctx = ctx, .stats = ctx->opts.stats || req->stats };
	char what[TBIB_DEV_NAME_MAX + IF_NAMESIZE + 64];
	char rail[IF_NAMESIZE + 16];
	int r;

	if (req->has & TB_HAS_RAIL_IF)
		snprintf(rail, sizeof(rail), "on %s", req->rail_if);
	else
		snprintf(rail, sizeof(rail), "%u", req->rail_id);
	switch (req->op) {
	case TB_OP_RAIL_ADD:
		snprintf(what, sizeof(what), "cannot add rail %s to %s",
			 req->rail_type == TBIB_RAIL_TYPE_NETDEV ?
			 req->ifname : req->usb4_ep, req->dev);
		return tb_nl_request(ctx, req, NULL, NULL, what);
	case TB_OP_RAIL_DEL:
	case TB_OP_RAIL_SET:
		snprintf(what, sizeof(what), "cannot %s rail %s of %s",
			 req->op == TB_OP_RAIL_DEL ? "delete" : "change",
			 rail, req->dev);
		return tb_nl_request(ctx, req, NULL, NULL, what);
	case TB_OP_RAIL_SHOW:
		break;
	default:
		return TB_EXIT_FAIL;
	}

	if (req->has & TB_HAS_DEV)
		w.dev = req->dev;
	if (req->has & (TB_HAS_RAIL_ID | TB_HAS_RAIL_IF))
		snprintf(what, sizeof(what), "cannot find rail %s of %s",
			 rail, req->dev);
	else if (req->has & TB_HAS_DEV)
		snprintf(what, sizeof(what), "cannot list rails of %s",
			 req->dev);
	else
		snprintf(what, sizeof(what), "cannot list rails");
	tb_list_begin(&w.list, ctx->out, ctx->opts.json, ctx->opts.pretty);
	r = tb_nl_request(ctx, req, walk_one, &w, what);
	tb_list_end(&w.list, r == TB_EXIT_OK);
	return r;
}
