// SPDX-License-Identifier: GPL-2.0
/*
 * tbibctl: a parsed request -> its generic netlink message.
 *
 * Kept apart from the socket code so that the host tests can build each
 * message and check its attributes (types, sizes, presence) against
 * netlink/uapi/tbib.h without a kernel.
 */
#include <errno.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>

#include "tbibctl.h"

/* Which kernel command a request sends, and whether as a dump. */
int tb_msg_cmd(const struct tb_req *req, bool *dump)
{
	*dump = false;
	switch (req->op) {
	case TB_OP_DEV_ADD:
		return TBIB_CMD_DEV_NEW;
	case TB_OP_DEV_DEL:
		return TBIB_CMD_DEV_DEL;
	case TB_OP_DEV_SET:
		return TBIB_CMD_DEV_SET;
	case TB_OP_DEV_SHOW:
		*dump = !(req->has & TB_HAS_DEV);
		return TBIB_CMD_DEV_GET;
	case TB_OP_RAIL_ADD:
		return TBIB_CMD_RAIL_ADD;
	case TB_OP_RAIL_DEL:
		return TBIB_CMD_RAIL_DEL;
	case TB_OP_RAIL_SET:
		return TBIB_CMD_RAIL_SET;
	case TB_OP_RAIL_SHOW:
		*dump = !(req->has & (TB_HAS_RAIL_ID | TB_HAS_RAIL_IF));
		return TBIB_CMD_RAIL_GET;
	case TB_OP_STATS:
		*dump = true;
		return TBIB_CMD_RAIL_GET;
	case TB_OP_PEER_SHOW:
		*dump = true;
		return TBIB_CMD_PEER_GET;
	default:
		return -1;
	}
}

static int put_dev(struct nl_msg *msg, int attr, const struct tb_req *req)
{
	if (!(req->has & TB_HAS_DEV))
		return 0;
	return nla_put_string(msg, attr, req->dev);
}

/* A rail is named by its id or by its netdev; the kernel takes both. */
static int put_rail(struct nl_msg *msg, const struct tb_req *req)
{
	if (req->has & TB_HAS_RAIL_ID)
		return nla_put_u32(msg, TBIB_A_RAIL_ID, req->rail_id);
	if (req->has & TB_HAS_RAIL_IF)
		return nla_put_string(msg, TBIB_A_RAIL_IFNAME, req->rail_if);
	return -NLE_INVAL;
}

#define TRY(x) do { int r_ = (x); if (r_ < 0) return r_; } while (0)

int tb_msg_build(struct nl_msg *msg, int family, const struct tb_req *req)
{
	bool dump;
	int cmd = tb_msg_cmd(req, &dump);
	void *hdr;

	if (cmd < 0)
		return -NLE_INVAL;
	hdr = genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
			  dump ? NLM_F_DUMP : NLM_F_ACK, (uint8_t)cmd,
			  TBIB_GENL_VERSION);
	if (!hdr)
		return -NLE_NOMEM;

	switch (req->op) {
	case TB_OP_DEV_ADD:
	case TB_OP_DEV_SET:
		TRY(put_dev(msg, TBIB_A_DEV_NAME, req));
		if (req->has & TB_HAS_LID)
			TRY(nla_put_u32(msg, TBIB_A_DEV_LID, req->lid));
		if (req->has & TB_HAS_GUID)
			TRY(nla_put_u64(msg, TBIB_A_DEV_GUID, req->guid));
		break;
	case TB_OP_DEV_DEL:
	case TB_OP_DEV_SHOW:
		TRY(put_dev(msg, TBIB_A_DEV_NAME, req));
		break;
	case TB_OP_RAIL_ADD:
		TRY(put_dev(msg, TBIB_A_RAIL_DEV_NAME, req));
		TRY(nla_put_u32(msg, TBIB_A_RAIL_TYPE, req->rail_type));
		if (req->rail_type == TBIB_RAIL_TYPE_NETDEV)
			TRY(nla_put_string(msg, TBIB_A_RAIL_IFNAME,
					   req->ifname));
		else
			TRY(nla_put_string(msg, TBIB_A_RAIL_USB4_EP,
					   req->usb4_ep));
		if (req->has & TB_HAS_WEIGHT)
			TRY(nla_put_u32(msg, TBIB_A_RAIL_WEIGHT, req->weight));
		if (req->has & TB_HAS_MAC)
			TRY(nla_put(msg, TBIB_A_RAIL_PEER_MAC, 6, req->mac));
		if (req->has & TB_HAS_CSUM)
			TRY(nla_put_u8(msg, TBIB_A_RAIL_CSUM, req->csum));
		if (req->has & TB_HAS_ADMIN)
			TRY(nla_put_u8(msg, TBIB_A_RAIL_ADMIN_STATE,
				       req->admin));
		break;
	case TB_OP_RAIL_DEL:
		TRY(put_dev(msg, TBIB_A_RAIL_DEV_NAME, req));
		TRY(put_rail(msg, req));
		break;
	case TB_OP_RAIL_SET:
		TRY(put_dev(msg, TBIB_A_RAIL_DEV_NAME, req));
		TRY(put_rail(msg, req));
		if (req->has & TB_HAS_WEIGHT)
			TRY(nla_put_u32(msg, TBIB_A_RAIL_WEIGHT, req->weight));
		if (req->has & TB_HAS_ADMIN)
			TRY(nla_put_u8(msg, TBIB_A_RAIL_ADMIN_STATE,
				       req->admin));
		if (req->has & TB_HAS_CSUM)
			TRY(nla_put_u8(msg, TBIB_A_RAIL_CSUM, req->csum));
		/* all zeroes: bind to any peer again */
		if (req->has & TB_HAS_MAC)
			TRY(nla_put(msg, TBIB_A_RAIL_PEER_MAC, 6, req->mac));
		break;
	case TB_OP_RAIL_SHOW:
	case TB_OP_STATS:
		TRY(put_dev(msg, TBIB_A_RAIL_DEV_NAME, req));
		if (req->has & (TB_HAS_RAIL_ID | TB_HAS_RAIL_IF))
			TRY(put_rail(msg, req));
		break;
	case TB_OP_PEER_SHOW:
		TRY(put_dev(msg, TBIB_A_PEER_DEV_NAME, req));
		break;
	default:
		return -NLE_INVAL;
	}
	return 0;
}
