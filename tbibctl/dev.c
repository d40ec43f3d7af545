// SPDX-License-Identifier: GPL-2.0
/*
 * tbibctl dev: create, delete, show and change tbib devices (HCAs).
 *
 * Human output is one line per device, key value pairs as "ip" prints
 * them; -s adds counter lines; -j an array of objects (see tbibctl(8)).
 * Only attributes the kernel sent are printed, so events that carry
 * just a name (a deleted device) print cleanly too.
 */
#include <string.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>

#include "tbibctl.h"

static struct nla_policy dev_policy[TBIB_A_DEV_MAX + 1] = {
	[TBIB_A_DEV_NAME] = { .type = NLA_STRING },
	[TBIB_A_DEV_INDEX] = { .type = NLA_U32 },
	[TBIB_A_DEV_GUID] = { .type = NLA_U64 },
	[TBIB_A_DEV_LID] = { .type = NLA_U32 },
	[TBIB_A_DEV_STATE] = { .type = NLA_U8 },
	[TBIB_A_DEV_RATE] = { .type = NLA_U64 },
	[TBIB_A_DEV_NUM_RAILS] = { .type = NLA_U32 },
	[TBIB_A_DEV_NUM_PEERS] = { .type = NLA_U32 },
	[TBIB_A_DEV_STATS] = { .type = NLA_NESTED },
	[TBIB_A_DEV_LID_CONFLICT] = { .type = NLA_U8 },
};

int tb_dev_parse(struct nl_msg *msg, struct tb_dev_info *d)
{
	struct nlattr *tb[TBIB_A_DEV_MAX + 1];
	int r;

	memset(d, 0, sizeof(*d));
	r = genlmsg_parse(nlmsg_hdr(msg), 0, tb, TBIB_A_DEV_MAX, dev_policy);
	if (r < 0)
		return r;
	if (tb[TBIB_A_DEV_NAME]) {
		snprintf(d->name, sizeof(d->name), "%s",
			 nla_get_string(tb[TBIB_A_DEV_NAME]));
		d->has_name = true;
	}
	if (tb[TBIB_A_DEV_INDEX]) {
		d->index = nla_get_u32(tb[TBIB_A_DEV_INDEX]);
		d->has_index = true;
	}
	if (tb[TBIB_A_DEV_GUID]) {
		d->guid = nla_get_u64(tb[TBIB_A_DEV_GUID]);
		d->has_guid = true;
	}
	if (tb[TBIB_A_DEV_LID]) {
		d->lid = nla_get_u32(tb[TBIB_A_DEV_LID]);
		d->has_lid = true;
	}
	if (tb[TBIB_A_DEV_STATE]) {
		d->state = nla_get_u8(tb[TBIB_A_DEV_STATE]);
		d->has_state = true;
	}
	if (tb[TBIB_A_DEV_RATE]) {
		d->rate = nla_get_u64(tb[TBIB_A_DEV_RATE]);
		d->has_rate = true;
	}
	if (tb[TBIB_A_DEV_NUM_RAILS]) {
		d->num_rails = nla_get_u32(tb[TBIB_A_DEV_NUM_RAILS]);
		d->has_rails = true;
	}
	if (tb[TBIB_A_DEV_NUM_PEERS]) {
		d->num_peers = nla_get_u32(tb[TBIB_A_DEV_NUM_PEERS]);
		d->has_peers = true;
	}
	if (tb[TBIB_A_DEV_LID_CONFLICT]) {
		d->lid_conflict = nla_get_u8(tb[TBIB_A_DEV_LID_CONFLICT]);
		d->has_conflict = true;
	}
	if (tb[TBIB_A_DEV_STATS])
		return tb_stats_parse(tb[TBIB_A_DEV_STATS], &d->stats);
	return 0;
}

void tb_dev_print(const struct tb_dev_info *d, bool stats, FILE *f)
{
	char buf[32];

	fprintf(f, "dev %s", d->has_name ? d->name : "?");
	if (d->has_index)
		fprintf(f, " index %u", d->index);
	if (d->has_guid) {
		tb_fmt_guid(d->guid, buf, sizeof(buf));
		fprintf(f, " guid %s", buf);
	}
	if (d->has_lid)
		fprintf(f, " lid %u", d->lid);
	if (d->has_state)
		fprintf(f, " state %s",
			tb_dev_state_name(d->state, buf, sizeof(buf)));
	if (d->has_rate)
		fprintf(f, " rate %lluMbit", (unsigned long long)d->rate);
	if (d->has_rails)
		fprintf(f, " rails %u", d->num_rails);
	if (d->has_peers)
		fprintf(f, " peers %u", d->num_peers);
	if (d->has_conflict && d->lid_conflict)
		fprintf(f, " lid_conflict");
	fputc('\n', f);
	if (stats)
		tb_stats_print(&d->stats, f, "    ");
}

void tb_dev_json(struct tb_json *j, const char *key,
		 const struct tb_dev_info *d, bool stats)
{
	char buf[32];

	tb_json_obj_open(j, key);
	if (d->has_name)
		tb_json_str(j, "name", d->name);
	if (d->has_index)
		tb_json_u64(j, "index", d->index);
	if (d->has_guid) {
		tb_fmt_guid(d->guid, buf, sizeof(buf));
		tb_json_str(j, "guid", buf);
	}
	if (d->has_lid)
		tb_json_u64(j, "lid", d->lid);
	if (d->has_state)
		tb_json_str(j, "state",
			    tb_dev_state_name(d->state, buf, sizeof(buf)));
	if (d->has_rate)
		tb_json_u64(j, "rate_mbps", d->rate);
	if (d->has_rails)
		tb_json_u64(j, "num_rails", d->num_rails);
	if (d->has_peers)
		tb_json_u64(j, "num_peers", d->num_peers);
	if (d->has_conflict)
		tb_json_bool(j, "lid_conflict", d->lid_conflict);
	if (stats)
		tb_stats_json(j, &d->stats);
	tb_json_obj_close(j);
}

struct show {
	struct tb_ctx *ctx;
	struct tb_list list;
	bool stats;
};

static int show_one(struct nl_msg *msg, void *arg)
{
	struct show *s = arg;
	struct tb_dev_info d;

	if (tb_dev_parse(msg, &d) < 0) {
		tb_err("malformed device reply from the kernel");
		return -1;
	}
	if (s->ctx->opts.json)
		tb_dev_json(tb_list_item(&s->list), NULL, &d, s->stats);
	else
		tb_dev_print(&d, s->stats, s->ctx->out);
	return 0;
}

int tb_dev_exec(struct tb_ctx *ctx, const struct tb_req *req)
{
	struct show s = { .ctx = ctx, .stats = ctx->opts.stats || req->stats };
	char what[TBIB_DEV_NAME_MAX + 48];
	int r;

	switch (req->op) {
	case TB_OP_DEV_ADD:
		snprintf(what, sizeof(what), "cannot add device %s", req->dev);
		return tb_nl_request(ctx, req, NULL, NULL, what);
	case TB_OP_DEV_DEL:
		snprintf(what, sizeof(what), "cannot delete device %s",
			 req->dev);
		return tb_nl_request(ctx, req, NULL, NULL, what);
	case TB_OP_DEV_SET:
		snprintf(what, sizeof(what), "cannot change device %s",
			 req->dev);
		return tb_nl_request(ctx, req, NULL, NULL, what);
	case TB_OP_DEV_SHOW:
		break;
	default:
		return TB_EXIT_FAIL;
	}

	if (req->has & TB_HAS_DEV)
		snprintf(what, sizeof(what), "cannot find device %s",
			 req->dev);
	else
		snprintf(what, sizeof(what), "cannot list devices");
	tb_list_begin(&s.list, ctx->out, ctx->opts.json, ctx->opts.pretty);
	r = tb_nl_request(ctx, req, show_one, &s, what);
	tb_list_end(&s.list, r == TB_EXIT_OK);
	return r;
}
