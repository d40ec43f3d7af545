// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	netlink/tbib.yaml */
/* YNL-GEN kernel source */
/* Regenerate: make netlink-gen (netlink/gen.sh, ynl-gen-c.py of linux-source-6.12) */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink/tbib-nl-gen.h"

#include "netlink/uapi/tbib.h"

/* Integer value ranges */
static const struct netlink_range_validation tbib_a_dev_lid_range = {
	.min	= 1ULL,
	.max	= 49151ULL,
};

static const struct netlink_range_validation tbib_a_rail_ifindex_range = {
	.min	= 1ULL,
	.max	= 2147483647ULL,
};

static const struct netlink_range_validation tbib_a_peer_lid_range = {
	.min	= 1ULL,
	.max	= 49151ULL,
};

/* TBIB_CMD_DEV_NEW - do */
const struct nla_policy tbib_dev_new_nl_policy[TBIB_A_DEV_LID + 1] = {
	[TBIB_A_DEV_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[TBIB_A_DEV_GUID] = NLA_POLICY_MIN(NLA_U64, 1),
	[TBIB_A_DEV_LID] = NLA_POLICY_FULL_RANGE(NLA_U32, &tbib_a_dev_lid_range),
};

/* TBIB_CMD_DEV_DEL - do */
const struct nla_policy tbib_dev_del_nl_policy[TBIB_A_DEV_INDEX + 1] = {
	[TBIB_A_DEV_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[TBIB_A_DEV_INDEX] = { .type = NLA_U32, },
};

/* TBIB_CMD_DEV_GET - do */
const struct nla_policy tbib_dev_get_nl_policy[TBIB_A_DEV_INDEX + 1] = {
	[TBIB_A_DEV_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[TBIB_A_DEV_INDEX] = { .type = NLA_U32, },
};

/* TBIB_CMD_DEV_SET - do */
const struct nla_policy tbib_dev_set_nl_policy[TBIB_A_DEV_LID + 1] = {
	[TBIB_A_DEV_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[TBIB_A_DEV_INDEX] = { .type = NLA_U32, },
	[TBIB_A_DEV_LID] = NLA_POLICY_FULL_RANGE(NLA_U32, &tbib_a_dev_lid_range),
};

/* TBIB_CMD_RAIL_ADD - do */
const struct nla_policy tbib_rail_add_nl_policy[TBIB_A_RAIL_ADMIN_STATE + 1] = {
	[TBIB_A_RAIL_DEV_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[TBIB_A_RAIL_TYPE] = NLA_POLICY_RANGE(NLA_U32, 1, 2),
	[TBIB_A_RAIL_IFINDEX] = NLA_POLICY_FULL_RANGE(NLA_U32, &tbib_a_rail_ifindex_range),
	[TBIB_A_RAIL_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[TBIB_A_RAIL_USB4_EP] = { .type = NLA_NUL_STRING, .len = 63, },
	[TBIB_A_RAIL_PEER_MAC] = NLA_POLICY_EXACT_LEN(6),
	[TBIB_A_RAIL_WEIGHT] = NLA_POLICY_MAX(NLA_U32, TBIB_WEIGHT_MAX),
	[TBIB_A_RAIL_CSUM] = NLA_POLICY_MAX(NLA_U8, 1),
	[TBIB_A_RAIL_ADMIN_STATE] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* TBIB_CMD_RAIL_DEL - do */
const struct nla_policy tbib_rail_del_nl_policy[TBIB_A_RAIL_IFNAME + 1] = {
	[TBIB_A_RAIL_DEV_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[TBIB_A_RAIL_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[TBIB_A_RAIL_IFINDEX] = NLA_POLICY_FULL_RANGE(NLA_U32, &tbib_a_rail_ifindex_range),
	[TBIB_A_RAIL_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
};

/* TBIB_CMD_RAIL_GET - do */
const struct nla_policy tbib_rail_get_nl_policy[TBIB_A_RAIL_IFNAME + 1] = {
	[TBIB_A_RAIL_DEV_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[TBIB_A_RAIL_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[TBIB_A_RAIL_IFINDEX] = NLA_POLICY_FULL_RANGE(NLA_U32, &tbib_a_rail_ifindex_range),
	[TBIB_A_RAIL_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
};

/* TBIB_CMD_RAIL_SET - do */
const struct nla_policy tbib_rail_set_nl_policy[TBIB_A_RAIL_ADMIN_STATE + 1] = {
	[TBIB_A_RAIL_DEV_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[TBIB_A_RAIL_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[TBIB_A_RAIL_IFINDEX] = NLA_POLICY_FULL_RANGE(NLA_U32, &tbib_a_rail_ifindex_range),
	[TBIB_A_RAIL_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[TBIB_A_RAIL_PEER_MAC] = NLA_POLICY_EXACT_LEN(6),
	[TBIB_A_RAIL_WEIGHT] = NLA_POLICY_MAX(NLA_U32, TBIB_WEIGHT_MAX),
	[TBIB_A_RAIL_CSUM] = NLA_POLICY_MAX(NLA_U8, 1),
	[TBIB_A_RAIL_ADMIN_STATE] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* TBIB_CMD_PEER_GET - do */
const struct nla_policy tbib_peer_get_nl_policy[TBIB_A_PEER_LID + 1] = {
	[TBIB_A_PEER_DEV_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[TBIB_A_PEER_GUID] = NLA_POLICY_MIN(NLA_U64, 1),
	[TBIB_A_PEER_LID] = NLA_POLICY_FULL_RANGE(NLA_U32, &tbib_a_peer_lid_range),
};

/* Ops table for tbib */
const struct genl_ops tbib_nl_ops[9] = {
	{
		.cmd		= TBIB_CMD_DEV_NEW,
		.doit		= tbib_nl_dev_new_doit,
		.policy		= tbib_dev_new_nl_policy,
		.maxattr	= TBIB_A_DEV_LID,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= TBIB_CMD_DEV_DEL,
		.doit		= tbib_nl_dev_del_doit,
		.policy		= tbib_dev_del_nl_policy,
		.maxattr	= TBIB_A_DEV_INDEX,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= TBIB_CMD_DEV_GET,
		.doit		= tbib_nl_dev_get_doit,
		.dumpit		= tbib_nl_dev_get_dumpit,
		.policy		= tbib_dev_get_nl_policy,
		.maxattr	= TBIB_A_DEV_INDEX,
	},
	{
		.cmd		= TBIB_CMD_DEV_SET,
		.doit		= tbib_nl_dev_set_doit,
		.policy		= tbib_dev_set_nl_policy,
		.maxattr	= TBIB_A_DEV_LID,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= TBIB_CMD_RAIL_ADD,
		.doit		= tbib_nl_rail_add_doit,
		.policy		= tbib_rail_add_nl_policy,
		.maxattr	= TBIB_A_RAIL_ADMIN_STATE,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= TBIB_CMD_RAIL_DEL,
		.doit		= tbib_nl_rail_del_doit,
		.policy		= tbib_rail_del_nl_policy,
		.maxattr	= TBIB_A_RAIL_IFNAME,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= TBIB_CMD_RAIL_GET,
		.doit		= tbib_nl_rail_get_doit,
		.dumpit		= tbib_nl_rail_get_dumpit,
		.policy		= tbib_rail_get_nl_policy,
		.maxattr	= TBIB_A_RAIL_IFNAME,
	},
	{
		.cmd		= TBIB_CMD_RAIL_SET,
		.doit		= tbib_nl_rail_set_doit,
		.policy		= tbib_rail_set_nl_policy,
		.maxattr	= TBIB_A_RAIL_ADMIN_STATE,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= TBIB_CMD_PEER_GET,
		.doit		= tbib_nl_peer_get_doit,
		.dumpit		= tbib_nl_peer_get_dumpit,
		.policy		= tbib_peer_get_nl_policy,
		.maxattr	= TBIB_A_PEER_LID,
	},
};

static const struct genl_multicast_group tbib_nl_mcgrps[] = {
	[TBIB_NLGRP_EVENTS] = { "events", },
};
