/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	netlink/tbib.yaml */
/* YNL-GEN kernel header */
/* Regenerate: make netlink-gen (netlink/gen.sh, ynl-gen-c.py of linux-source-6.12) */

#ifndef _LINUX_TBIB_GEN_H
#define _LINUX_TBIB_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink/uapi/tbib.h"

extern const struct nla_policy tbib_dev_new_nl_policy[TBIB_A_DEV_LID + 1];

extern const struct nla_policy tbib_dev_del_nl_policy[TBIB_A_DEV_INDEX + 1];

extern const struct nla_policy tbib_dev_get_nl_policy[TBIB_A_DEV_INDEX + 1];

extern const struct nla_policy tbib_dev_set_nl_policy[TBIB_A_DEV_LID + 1];

extern const struct nla_policy tbib_rail_add_nl_policy[TBIB_A_RAIL_ADMIN_STATE + 1];

extern const struct nla_policy tbib_rail_del_nl_policy[TBIB_A_RAIL_IFNAME + 1];

extern const struct nla_policy tbib_rail_get_nl_policy[TBIB_A_RAIL_IFNAME + 1];

extern const struct nla_policy tbib_rail_set_nl_policy[TBIB_A_RAIL_ADMIN_STATE + 1];

extern const struct nla_policy tbib_peer_get_nl_policy[TBIB_A_PEER_LID + 1];

/* Ops table for tbib */
extern const struct genl_ops tbib_nl_ops[9];

int tbib_nl_dev_new_doit(struct sk_buff *skb, struct genl_info *info);
int tbib_nl_dev_del_doit(struct sk_buff *skb, struct genl_info *info);
int tbib_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info);
int tbib_nl_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int tbib_nl_dev_set_doit(struct sk_buff *skb, struct genl_info *info);
int tbib_nl_rail_add_doit(struct sk_buff *skb, struct genl_info *info);
int tbib_nl_rail_del_doit(struct sk_buff *skb, struct genl_info *info);
int tbib_nl_rail_get_doit(struct sk_buff *skb, struct genl_info *info);
int tbib_nl_rail_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int tbib_nl_rail_set_doit(struct sk_buff *skb, struct genl_info *info);
int tbib_nl_peer_get_doit(struct sk_buff *skb, struct genl_info *info);
int tbib_nl_peer_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

enum {
	TBIB_NLGRP_EVENTS,
};

#endif /* _LINUX_TBIB_GEN_H */
