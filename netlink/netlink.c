// SPDX-License-Identifier: GPL-2.0
/*
 * The "tbib" generic netlink family (spec: netlink/tbib.yaml).  The uapi
 * header netlink/uapi/tbib.h and the policies and op table
 * netlink/tbib-nl-gen.[ch] are generated from the spec ("make
 * netlink-gen"); the op table calls the tbib_nl_<op>_doit/dumpit below.
 *
 * Modern style: every command has its own strict policy (the family
 * leaves resv_start_op at 0, so the core validates all of them strictly
 * and rejects unknown attributes and header flags), every error carries an
 * extack message, mutating commands need CAP_NET_ADMIN, GET commands do
 * and dump.  Dumps resume from object ids kept in cb->args, not from list
 * positions, and are flagged NLM_F_DUMP_INTR when the configuration
 * changed between two parts (tbib_nl_gen).
 *
 * parallel_ops: requests do not hold genl_mutex (registering an ib_device
 * may take a while); tbib_cfg_lock serialises what needs it.
 */

#include <linux/ctype.h>
#include <linux/etherdevice.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>

#include "kmod/tbib.h"
#include "netlink/nl.h"
#include "netlink/tbib-nl-gen.h"
#include "bond/hello.h"
#include "bond/bind.h"
#include "bond/peer.h"
#include "rail/rail.h"

static struct genl_family tbib_genl_family;
static u32 tbib_nl_gen = 1;	/* cfg lock */

/* Missing mandatory attribute: machine readable + human readable. */
#define TBIB_NL_REQUIRE(info, attr, msg) ({				\
	bool __miss = GENL_REQ_ATTR_CHECK(info, attr);			\
	if (__miss)							\
		NL_SET_ERR_MSG((info)->extack, msg);			\
	__miss;								\
})

/* ------------------------------------------------------------------ */
/* message building                                                   */

static int tbib_nl_put_stats(struct sk_buff *msg, int attr, const u64 *v)
{
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(msg, attr);
	if (!nest)
		return -EMSGSIZE;
	for (i = TBIB_STATS_FIRST; i < TBIB_STATS_NUM; i++)
		if (nla_put_u64_64bit(msg, i, v[i], TBIB_A_STATS_PAD))
			goto cancel;
	nla_nest_end(msg, nest);
	return 0;
cancel:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

static int tbib_nl_fill_dev(struct sk_buff *msg, struct tbib_dev *dev,
			    u32 portid, u32 seq, int flags, u8 cmd)
{
	u64 stats[TBIB_STATS_NUM] = {};
	struct tbib_port port;
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &tbib_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;

	spin_lock_bh(&dev->port_lock);
	port = dev->port;
	spin_unlock_bh(&dev->port_lock);
	tbib_dev_stats_total(dev, stats);

	if (nla_put_string(msg, TBIB_A_DEV_NAME, tbib_dev_name(dev)) ||
	    nla_put_u32(msg, TBIB_A_DEV_INDEX, dev->ibdev.index) ||
	    nla_put_u64_64bit(msg, TBIB_A_DEV_GUID, dev->bond.guid,
			      TBIB_A_DEV_PAD) ||
	    nla_put_u32(msg, TBIB_A_DEV_LID, dev->bond.lid) ||
	    nla_put_u8(msg, TBIB_A_DEV_STATE,
		       port.state == IB_PORT_ACTIVE ? TBIB_DEV_STATE_ACTIVE :
						      TBIB_DEV_STATE_DOWN) ||
	    nla_put_u64_64bit(msg, TBIB_A_DEV_RATE, port.rate_mbps,
			      TBIB_A_DEV_PAD) ||
	    nla_put_u32(msg, TBIB_A_DEV_NUM_RAILS, dev->bond.rails.num) ||
	    nla_put_u32(msg, TBIB_A_DEV_NUM_PEERS, dev->bond.num_peers) ||
	    nla_put_u8(msg, TBIB_A_DEV_LID_CONFLICT, dev->bond.lid_conflict) ||
	    tbib_nl_put_stats(msg, TBIB_A_DEV_STATS, stats))
		goto cancel;
	genlmsg_end(msg, hdr);
	return 0;
cancel:
	genlmsg_cancel(msg, hdr);
	return -EMSGSIZE;
}

static int tbib_nl_fill_rail(struct sk_buff *msg, struct tbib_rail *rail,
			     u32 portid, u32 seq, int flags, u8 cmd)
{
	u64 stats[TBIB_STATS_NUM] = {};
	struct tbib_peer *peer;
	u8 mac[ETH_ALEN];
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &tbib_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;

	tbib_stats_accumulate(&rail->stats, stats);
	if (nla_put_string(msg, TBIB_A_RAIL_DEV_NAME,
			   tbib_dev_name(tbib_rail_dev(rail))) ||
	    nla_put_u32(msg, TBIB_A_RAIL_ID, rail->id) ||
	    nla_put_u32(msg, TBIB_A_RAIL_TYPE, rail->ops->type) ||
	    rail->ops->fill_info(rail, msg) ||
	    nla_put_u32(msg, TBIB_A_RAIL_WEIGHT, rail->weight) ||
	    nla_put_u8(msg, TBIB_A_RAIL_CSUM, rail->csum) ||
	    nla_put_u8(msg, TBIB_A_RAIL_ADMIN_STATE, rail->admin_up) ||
	    nla_put_u8(msg, TBIB_A_RAIL_OPER_STATE, rail->oper_state) ||
	    nla_put_u32(msg, TBIB_A_RAIL_MTU, tbib_rail_path_mtu(rail)) ||
	    nla_put_u64_64bit(msg, TBIB_A_RAIL_RATE, rail->rate_mbps,
			      TBIB_A_RAIL_PAD))
		goto cancel;
	if (rail->peer_mac) {
		u64_to_ether_addr(rail->peer_mac, mac);
		if (nla_put(msg, TBIB_A_RAIL_PEER_MAC, ETH_ALEN, mac))
			goto cancel;
	}
	peer = rcu_dereference_protected(rail->peer,
					 lockdep_is_held(&tbib_cfg_lock));
	if (peer) {
		u64_to_ether_addr(rail->dst_addr, mac);
		if (nla_put_u64_64bit(msg, TBIB_A_RAIL_PEER_GUID, peer->guid,
				      TBIB_A_RAIL_PAD) ||
		    nla_put_u32(msg, TBIB_A_RAIL_PEER_LID, peer->lid) ||
		    nla_put(msg, TBIB_A_RAIL_PEER_ADDR, ETH_ALEN, mac) ||
		    nla_put_u8(msg, TBIB_A_RAIL_PEER_BOUND,
			       READ_ONCE(rail->peer_up)))
			goto cancel;
	}
	if (tbib_nl_put_stats(msg, TBIB_A_RAIL_STATS, stats))
		goto cancel;
	genlmsg_end(msg, hdr);
	return 0;
cancel:
	genlmsg_cancel(msg, hdr);
	return -EMSGSIZE;
}

static int tbib_nl_fill_peer(struct sk_buff *msg, struct tbib_peer *peer,
			     u32 portid, u32 seq, int flags, u8 cmd)
{
	u64 stats[TBIB_STATS_NUM] = {};
	struct tbib_peer_rails *rails;
	unsigned int i;
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &tbib_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;

	tbib_stats_accumulate(&peer->stats, stats);
	rails = rcu_dereference_protected(peer->rails,
					  lockdep_is_held(&tbib_cfg_lock));
	if (nla_put_string(msg, TBIB_A_PEER_DEV_NAME,
			   tbib_dev_name(tbib_bond_dev(peer->bond))) ||
	    nla_put_u64_64bit(msg, TBIB_A_PEER_GUID, peer->guid,
			      TBIB_A_PEER_PAD) ||
	    nla_put_u32(msg, TBIB_A_PEER_LID, peer->lid) ||
	    nla_put_u8(msg, TBIB_A_PEER_LID_CONFLICT, peer->lid_conflict))
		goto cancel;
	for (i = 0; i < rails->num; i++)
		if (nla_put_u32(msg, TBIB_A_PEER_RAIL, rails->rail[i]->id))
			goto cancel;
	if (tbib_nl_put_stats(msg, TBIB_A_PEER_STATS, stats))
		goto cancel;
	genlmsg_end(msg, hdr);
	return 0;
cancel:
	genlmsg_cancel(msg, hdr);
	return -EMSGSIZE;
}

/* ------------------------------------------------------------------ */
/* events                                                             */

static bool tbib_nl_want_events(void)
{
	return genl_has_listeners(&tbib_genl_family, &init_net, 0);
}

static void tbib_nl_multicast(struct sk_buff *msg)
{
	genlmsg_multicast(&tbib_genl_family, msg, 0, 0, GFP_KERNEL);
}

void tbib_nl_dev_event(struct tbib_dev *dev, u8 cmd)
{
	struct sk_buff *msg;

	lockdep_assert_held(&tbib_cfg_lock);
	tbib_nl_gen++;
	if (!tbib_nl_want_events())
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	if (tbib_nl_fill_dev(msg, dev, 0, 0, 0, cmd)) {
		nlmsg_free(msg);
		return;
	}
	tbib_nl_multicast(msg);
}

void tbib_nl_rail_event(struct tbib_rail *rail, u8 cmd)
{
	struct sk_buff *msg;

	lockdep_assert_held(&tbib_cfg_lock);
	tbib_nl_gen++;
	if (!tbib_nl_want_events())
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	if (tbib_nl_fill_rail(msg, rail, 0, 0, 0, cmd)) {
		nlmsg_free(msg);
		return;
	}
	tbib_nl_multicast(msg);
}

void tbib_nl_peer_event(struct tbib_peer *peer, u8 cmd)
{
	struct sk_buff *msg;

	lockdep_assert_held(&tbib_cfg_lock);
	tbib_nl_gen++;
	if (!tbib_nl_want_events())
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	if (tbib_nl_fill_peer(msg, peer, 0, 0, 0, cmd)) {
		nlmsg_free(msg);
		return;
	}
	tbib_nl_multicast(msg);
}

/* ------------------------------------------------------------------ */
/* lookups                                                            */

/* Letters, digits, '_', '-', '.', and at most one "%d" (ib_core numbers). */
static bool tbib_nl_valid_dev_name(const char *name)
{
	bool pct = false;
	const char *p;

	if (!isalnum(name[0]))
		return false;
	for (p = name; *p; p++) {
		if (isalnum(*p) || *p == '_' || *p == '-' || *p == '.')
			continue;
		if (*p == '%' && p[1] == 'd' && !pct) {
			pct = true;
			p++;
			continue;
		}
		return false;
	}
	return true;
}

/*
 * The device named by @name_attr or @index_attr; cfg lock held.  Returns
 * an ERR_PTR: -EINVAL when no name was given, -ENODEV when unknown.
 */
static struct tbib_dev *tbib_nl_dev(struct nlattr **attrs, int name_attr,
				    int index_attr,
				    struct netlink_ext_ack *extack)
{
	struct tbib_dev *dev;

	if (attrs[name_attr]) {
		dev = tbib_dev_find_name(nla_data(attrs[name_attr]));
		if (!dev) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[name_attr],
					    "no such tbib device");
			return ERR_PTR(-ENODEV);
		}
		return dev;
	}
	if (index_attr && attrs[index_attr]) {
		dev = tbib_dev_find_index(nla_get_u32(attrs[index_attr]));
		if (!dev) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[index_attr],
					    "no tbib device with this index");
			return ERR_PTR(-ENODEV);
		}
		return dev;
	}
	NL_SET_ERR_ATTR_MISS(extack, NULL, name_attr);
	NL_SET_ERR_MSG(extack, "missing device name");
	return ERR_PTR(-EINVAL);
}

/*
 * The rail named by id, ifindex or ifname within @dev; cfg lock held.
 * ERR_PTR as tbib_nl_dev().
 */
static struct tbib_rail *tbib_nl_rail(struct tbib_dev *dev,
				      struct nlattr **attrs,
				      struct netlink_ext_ack *extack)
{
	struct tbib_rail *rail;

	if (attrs[TBIB_A_RAIL_ID]) {
		rail = tbib_rail_find(&dev->bond.rails, nla_get_u32(attrs[TBIB_A_RAIL_ID]));
		if (!rail) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[TBIB_A_RAIL_ID],
					    "no such rail on this device");
			return ERR_PTR(-ENODEV);
		}
		return rail;
	}
	if (attrs[TBIB_A_RAIL_IFINDEX] || attrs[TBIB_A_RAIL_IFNAME]) {
		struct nlattr *a = attrs[TBIB_A_RAIL_IFINDEX] ?:
				   attrs[TBIB_A_RAIL_IFNAME];
		struct net_device *ndev;
		int ifindex;

		if (attrs[TBIB_A_RAIL_IFINDEX]) {
			ifindex = nla_get_u32(a);
		} else {
			ndev = dev_get_by_name(&init_net, nla_data(a));
			ifindex = ndev ? ndev->ifindex : 0;
			dev_put(ndev);
		}
		rail = ifindex ? tbib_rail_netdev_find_ifindex(ifindex) : NULL;
		if (!rail || tbib_rail_dev(rail) != dev) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "no rail on this network device");
			return ERR_PTR(-ENODEV);
		}
		return rail;
	}
	NL_SET_ERR_ATTR_MISS(extack, NULL, TBIB_A_RAIL_ID);
	NL_SET_ERR_MSG(extack, "missing rail id (or ifname/ifindex)");
	return ERR_PTR(-EINVAL);
}

/* Device, then rail, of a rail command; ERR_PTR on failure. */
static struct tbib_rail *tbib_nl_dev_rail(struct genl_info *info)
{
	struct tbib_dev *dev;

	dev = tbib_nl_dev(info->attrs, TBIB_A_RAIL_DEV_NAME, 0, info->extack);
	if (IS_ERR(dev))
		return ERR_CAST(dev);
	return tbib_nl_rail(dev, info->attrs, info->extack);
}

/* ------------------------------------------------------------------ */
/* device commands                                                    */

int tbib_nl_dev_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tbib_dev_params p = {};
	struct tbib_dev *dev;
	struct sk_buff *msg;
	int ret;

	if (info->attrs[TBIB_A_DEV_NAME]) {
		p.name = nla_data(info->attrs[TBIB_A_DEV_NAME]);
		if (!tbib_nl_valid_dev_name(p.name)) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[TBIB_A_DEV_NAME],
					    "device name: letters, digits, '_', '-', '.' and at most one %d");
			return -EINVAL;
		}
	}
	if (info->attrs[TBIB_A_DEV_GUID])
		p.guid = nla_get_u64(info->attrs[TBIB_A_DEV_GUID]);
	if (info->attrs[TBIB_A_DEV_LID])
		p.lid = nla_get_u32(info->attrs[TBIB_A_DEV_LID]);

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		NL_SET_ERR_MSG(info->extack, "out of memory");
		return -ENOMEM;
	}
	ret = tbib_dev_new(&p, &dev, info->extack);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	/* tbib_dev_new() returned with the cfg lock held. */
	ret = tbib_nl_fill_dev(msg, dev, info->snd_portid, info->snd_seq, 0,
			       TBIB_CMD_DEV_NEW);
	mutex_unlock(&tbib_cfg_lock);
	if (ret) {
		nlmsg_free(msg);
		return 0;	/* the device exists; only the reply failed */
	}
	return genlmsg_reply(msg, info);
}

int tbib_nl_dev_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tbib_dev *dev;

	mutex_lock(&tbib_cfg_lock);
	dev = tbib_nl_dev(info->attrs, TBIB_A_DEV_NAME, TBIB_A_DEV_INDEX,
			  info->extack);
	if (IS_ERR(dev)) {
		mutex_unlock(&tbib_cfg_lock);
		return PTR_ERR(dev);
	}
	if (!ib_device_try_get(&dev->ibdev)) {
		mutex_unlock(&tbib_cfg_lock);
		NL_SET_ERR_MSG(info->extack, "device is being deleted");
		return -ENODEV;
	}
	mutex_unlock(&tbib_cfg_lock);
	/* Waits until user contexts are disassociated and it is freed. */
	tbib_dev_unregister(dev);
	return 0;
}

int tbib_nl_dev_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tbib_dev *dev;
	int ret = 0;

	mutex_lock(&tbib_cfg_lock);
	dev = tbib_nl_dev(info->attrs, TBIB_A_DEV_NAME, TBIB_A_DEV_INDEX,
			  info->extack);
	if (IS_ERR(dev)) {
		ret = PTR_ERR(dev);
		goto out;
	}
	if (!info->attrs[TBIB_A_DEV_LID]) {
		NL_SET_ERR_MSG(info->extack, "nothing to change (lid)");
		ret = -EINVAL;
		goto out;
	}
	ret = tbib_dev_set_lid(dev, nla_get_u32(info->attrs[TBIB_A_DEV_LID]));
	if (ret)
		NL_SET_ERR_MSG(info->extack, "could not set the LID");
out:
	mutex_unlock(&tbib_cfg_lock);
	return ret;
}

int tbib_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tbib_dev *dev;
	struct sk_buff *msg;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		NL_SET_ERR_MSG(info->extack, "out of memory");
		return -ENOMEM;
	}
	mutex_lock(&tbib_cfg_lock);
	dev = tbib_nl_dev(info->attrs, TBIB_A_DEV_NAME, TBIB_A_DEV_INDEX,
			  info->extack);
	ret = IS_ERR(dev) ? PTR_ERR(dev) :
	      tbib_nl_fill_dev(msg, dev, info->snd_portid, info->snd_seq, 0,
			       TBIB_CMD_DEV_GET);
	mutex_unlock(&tbib_cfg_lock);
	if (ret) {
		if (ret == -EMSGSIZE)
			NL_SET_ERR_MSG(info->extack, "reply too large");
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/* cb->args[0]: id of the last device dumped. */
int tbib_nl_dev_get_dumpit(struct sk_buff *skb,
			   struct netlink_callback *cb)
{
	struct tbib_dev *dev;
	int ret = 0;

	mutex_lock(&tbib_cfg_lock);
	cb->seq = tbib_nl_gen;
	list_for_each_entry(dev, &tbib_devs, node) {
		if (dev->life != TBIB_DEV_LIVE || dev->id <= cb->args[0])
			continue;
		ret = tbib_nl_fill_dev(skb, dev, NETLINK_CB(cb->skb).portid,
				       cb->nlh->nlmsg_seq, NLM_F_MULTI,
				       TBIB_CMD_DEV_GET);
		if (ret)
			break;
		genl_dump_check_consistent(cb, nlmsg_data(nlmsg_hdr(skb)));
		cb->args[0] = dev->id;
	}
	mutex_unlock(&tbib_cfg_lock);
	/* A full skb ends this part; the next one resumes after args[0]. */
	return ret == -EMSGSIZE ? skb->len : ret ?: skb->len;
}

/* ------------------------------------------------------------------ */
/* rail commands                                                      */

int tbib_nl_rail_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tbib_rail_netdev_params p = {
		.weight = TBIB_WEIGHT_DEFAULT,
		.csum = true,
		.admin_up = true,
	};
	struct nlattr **attrs = info->attrs;
	struct tbib_rail *rail;
	struct tbib_dev *dev;
	struct sk_buff *msg;
	int ret;

	if (TBIB_NL_REQUIRE(info, TBIB_A_RAIL_DEV_NAME, "missing device name") ||
	    TBIB_NL_REQUIRE(info, TBIB_A_RAIL_TYPE, "missing rail type"))
		return -EINVAL;
	if (nla_get_u32(attrs[TBIB_A_RAIL_TYPE]) == TBIB_RAIL_TYPE_USB4) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[TBIB_A_RAIL_TYPE],
				    "usb4 rails are not supported yet");
		return -EOPNOTSUPP;
	}
	if (attrs[TBIB_A_RAIL_USB4_EP]) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[TBIB_A_RAIL_USB4_EP],
				    "usb4 endpoint given for a netdev rail");
		return -EINVAL;
	}
	if (!attrs[TBIB_A_RAIL_IFINDEX] && !attrs[TBIB_A_RAIL_IFNAME]) {
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, TBIB_A_RAIL_IFNAME);
		NL_SET_ERR_MSG(info->extack,
			       "missing network device (ifname or ifindex)");
		return -EINVAL;
	}
	if (attrs[TBIB_A_RAIL_IFINDEX] && attrs[TBIB_A_RAIL_IFNAME]) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[TBIB_A_RAIL_IFNAME],
				    "give ifname or ifindex, not both");
		return -EINVAL;
	}
	if (attrs[TBIB_A_RAIL_IFINDEX])
		p.ifindex = nla_get_u32(attrs[TBIB_A_RAIL_IFINDEX]);
	else
		p.ifname = nla_data(attrs[TBIB_A_RAIL_IFNAME]);
	if (attrs[TBIB_A_RAIL_PEER_MAC]) {
		const u8 *mac = nla_data(attrs[TBIB_A_RAIL_PEER_MAC]);

		if (!is_valid_ether_addr(mac)) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    attrs[TBIB_A_RAIL_PEER_MAC],
					    "peer MAC must be a unicast address");
			return -EINVAL;
		}
		p.peer_mac = ether_addr_to_u64(mac);
	}
	if (attrs[TBIB_A_RAIL_WEIGHT])
		p.weight = nla_get_u32(attrs[TBIB_A_RAIL_WEIGHT]);
	if (attrs[TBIB_A_RAIL_CSUM])
		p.csum = nla_get_u8(attrs[TBIB_A_RAIL_CSUM]);
	if (attrs[TBIB_A_RAIL_ADMIN_STATE])
		p.admin_up = nla_get_u8(attrs[TBIB_A_RAIL_ADMIN_STATE]);

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		NL_SET_ERR_MSG(info->extack, "out of memory");
		return -ENOMEM;
	}
	/* rtnl first (lock order), and so the netdev cannot go meanwhile. */
	rtnl_lock();
	mutex_lock(&tbib_cfg_lock);
	dev = tbib_nl_dev(attrs, TBIB_A_RAIL_DEV_NAME, 0, info->extack);
	if (IS_ERR(dev)) {
		ret = PTR_ERR(dev);
		goto unlock;
	}
	ret = tbib_rail_netdev_add(&dev->bond.rails, &p, &rail, info->extack);
	if (ret)
		goto unlock;
	if (tbib_nl_fill_rail(msg, rail, info->snd_portid, info->snd_seq, 0,
			      TBIB_CMD_RAIL_ADD)) {
		nlmsg_free(msg);
		msg = NULL;
	}
unlock:
	mutex_unlock(&tbib_cfg_lock);
	rtnl_unlock();
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return msg ? genlmsg_reply(msg, info) : 0;
}

int tbib_nl_rail_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tbib_rail *rail;

	mutex_lock(&tbib_cfg_lock);
	rail = tbib_nl_dev_rail(info);
	if (IS_ERR(rail)) {
		mutex_unlock(&tbib_cfg_lock);
		return PTR_ERR(rail);
	}
	tbib_rail_unlink(rail);
	mutex_unlock(&tbib_cfg_lock);
	tbib_rail_destroy(rail);
	return 0;
}

int tbib_nl_rail_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct tbib_rail *rail;
	int ret = 0;

	if (!attrs[TBIB_A_RAIL_WEIGHT] && !attrs[TBIB_A_RAIL_CSUM] &&
	    !attrs[TBIB_A_RAIL_ADMIN_STATE] && !attrs[TBIB_A_RAIL_PEER_MAC]) {
		NL_SET_ERR_MSG(info->extack,
			       "nothing to change (weight, csum, state, peer MAC)");
		return -EINVAL;
	}
	if (attrs[TBIB_A_RAIL_PEER_MAC]) {
		const u8 *mac = nla_data(attrs[TBIB_A_RAIL_PEER_MAC]);

		/* All zeroes clears the restriction. */
		if (!is_zero_ether_addr(mac) && !is_valid_ether_addr(mac)) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    attrs[TBIB_A_RAIL_PEER_MAC],
					    "peer MAC must be a unicast address");
			return -EINVAL;
		}
	}

	mutex_lock(&tbib_cfg_lock);
	rail = tbib_nl_dev_rail(info);
	if (IS_ERR(rail)) {
		ret = PTR_ERR(rail);
		goto out;
	}
	if (attrs[TBIB_A_RAIL_WEIGHT])
		tbib_rail_set_weight(rail,
				     nla_get_u32(attrs[TBIB_A_RAIL_WEIGHT]));
	if (attrs[TBIB_A_RAIL_CSUM]) {
		bool csum = nla_get_u8(attrs[TBIB_A_RAIL_CSUM]);

		if (csum != rail->csum) {
			WRITE_ONCE(rail->csum, csum);
			tbib_nl_rail_event(rail, TBIB_CMD_RAIL_SET);
		}
	}
	if (attrs[TBIB_A_RAIL_PEER_MAC]) {
		u64 mac = ether_addr_to_u64(nla_data(attrs[TBIB_A_RAIL_PEER_MAC]));

		if (mac != rail->peer_mac) {
			rail->peer_mac = mac;
			/* Rebind under the new rule. */
			if (rail->oper_state == TBIB_RAIL_STATE_UP)
				tbib_rail_set_state(rail,
						    TBIB_RAIL_STATE_PROBING,
						    TBIB_RAIL_WHY_PEER_MAC);
			else
				tbib_hello_reset(rail);
			tbib_nl_rail_event(rail, TBIB_CMD_RAIL_SET);
		}
	}
	if (attrs[TBIB_A_RAIL_ADMIN_STATE])
		tbib_rail_set_admin(rail,
				    nla_get_u8(attrs[TBIB_A_RAIL_ADMIN_STATE]));
out:
	mutex_unlock(&tbib_cfg_lock);
	return ret;
}

int tbib_nl_rail_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tbib_rail *rail;
	struct sk_buff *msg;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		NL_SET_ERR_MSG(info->extack, "out of memory");
		return -ENOMEM;
	}
	mutex_lock(&tbib_cfg_lock);
	rail = tbib_nl_dev_rail(info);
	ret = IS_ERR(rail) ? PTR_ERR(rail) :
	      tbib_nl_fill_rail(msg, rail, info->snd_portid, info->snd_seq, 0,
				TBIB_CMD_RAIL_GET);
	mutex_unlock(&tbib_cfg_lock);
	if (ret) {
		if (ret == -EMSGSIZE)
			NL_SET_ERR_MSG(info->extack, "reply too large");
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/*
 * Optional filter: the device of a RAIL/PEER dump.  Returns the device,
 * NULL for "all devices", or an ERR_PTR when the named device is unknown.
 */
static struct tbib_dev *tbib_nl_dump_filter(struct netlink_callback *cb,
					    int name_attr)
{
	struct nlattr **attrs = genl_info_dump(cb)->attrs;
	struct tbib_dev *dev;

	if (!attrs || !attrs[name_attr])
		return NULL;
	dev = tbib_dev_find_name(nla_data(attrs[name_attr]));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(cb->extack, attrs[name_attr],
				    "no such tbib device");
		return ERR_PTR(-ENODEV);
	}
	return dev;
}

/*
 * A RAIL or PEER dump: the objects of every live device (or only of the
 * one named by @name_attr), device by device, under the cfg lock.
 * cb->args[0] is the device id being dumped, cb->args[1] the last object
 * id of it in the dump so far; @dump_dev adds the objects of one device
 * past cb->args[1] and moves it on.
 */
static int tbib_nl_dump_devs(struct sk_buff *skb, struct netlink_callback *cb,
			     int name_attr,
			     int (*dump_dev)(struct sk_buff *skb,
					     struct netlink_callback *cb,
					     struct tbib_dev *dev))
{
	struct tbib_dev *dev, *only;
	int ret = 0;

	mutex_lock(&tbib_cfg_lock);
	only = tbib_nl_dump_filter(cb, name_attr);
	if (IS_ERR(only)) {
		ret = PTR_ERR(only);
		goto out;
	}
	cb->seq = tbib_nl_gen;
	list_for_each_entry(dev, &tbib_devs, node) {
		if (dev->life != TBIB_DEV_LIVE || dev->id < cb->args[0] ||
		    (only && dev != only))
			continue;
		if (dev->id != cb->args[0]) {
			cb->args[0] = dev->id;
			cb->args[1] = 0;
		}
		ret = dump_dev(skb, cb, dev);
		if (ret)
			break;
	}
out:
	mutex_unlock(&tbib_cfg_lock);
	if (ret == -EMSGSIZE)
		return skb->len;
	return ret ?: skb->len;
}

static int tbib_nl_rail_dump_dev(struct sk_buff *skb,
				 struct netlink_callback *cb,
				 struct tbib_dev *dev)
{
	struct tbib_rail *rail;
	int ret;

	list_for_each_entry(rail, &dev->bond.rails.list, node) {
		if (rail->id <= cb->args[1])
			continue;
		ret = tbib_nl_fill_rail(skb, rail, NETLINK_CB(cb->skb).portid,
					cb->nlh->nlmsg_seq, NLM_F_MULTI,
					TBIB_CMD_RAIL_GET);
		if (ret)
			return ret;
		genl_dump_check_consistent(cb, nlmsg_data(nlmsg_hdr(skb)));
		cb->args[1] = rail->id;
	}
	return 0;
}

int tbib_nl_rail_get_dumpit(struct sk_buff *skb,
			    struct netlink_callback *cb)
{
	return tbib_nl_dump_devs(skb, cb, TBIB_A_RAIL_DEV_NAME,
				 tbib_nl_rail_dump_dev);
}

/* ------------------------------------------------------------------ */
/* peer commands                                                      */

int tbib_nl_peer_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct tbib_peer *peer = NULL;
	struct tbib_dev *dev;
	struct sk_buff *msg;
	int ret;

	if (!attrs[TBIB_A_PEER_GUID] && !attrs[TBIB_A_PEER_LID]) {
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, TBIB_A_PEER_GUID);
		NL_SET_ERR_MSG(info->extack, "missing peer GUID or LID");
		return -EINVAL;
	}
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		NL_SET_ERR_MSG(info->extack, "out of memory");
		return -ENOMEM;
	}
	mutex_lock(&tbib_cfg_lock);
	dev = tbib_nl_dev(attrs, TBIB_A_PEER_DEV_NAME, 0, info->extack);
	if (IS_ERR(dev)) {
		ret = PTR_ERR(dev);
		goto out;
	}
	if (attrs[TBIB_A_PEER_GUID]) {
		peer = tbib_peer_find_guid(&dev->bond,
				nla_get_u64(attrs[TBIB_A_PEER_GUID]));
	} else {
		u32 lid = nla_get_u32(attrs[TBIB_A_PEER_LID]);

		rcu_read_lock();
		peer = tbib_peer_find_lid_rcu(&dev->bond, lid);
		rcu_read_unlock();	/* the cfg lock keeps it alive */
	}
	if (!peer)
		NL_SET_ERR_MSG(info->extack, "no such peer");
	ret = peer ? tbib_nl_fill_peer(msg, peer, info->snd_portid,
				       info->snd_seq, 0, TBIB_CMD_PEER_GET) :
		     -ENOENT;
out:
	mutex_unlock(&tbib_cfg_lock);
	if (ret) {
		if (ret == -EMSGSIZE)
			NL_SET_ERR_MSG(info->extack, "reply too large");
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

static int tbib_nl_peer_dump_dev(struct sk_buff *skb,
				 struct netlink_callback *cb,
				 struct tbib_dev *dev)
{
	struct tbib_peer *peer;
	int ret;

	list_for_each_entry(peer, &dev->bond.peers, node) {
		if (peer->id <= cb->args[1])
			continue;
		ret = tbib_nl_fill_peer(skb, peer, NETLINK_CB(cb->skb).portid,
					cb->nlh->nlmsg_seq, NLM_F_MULTI,
					TBIB_CMD_PEER_GET);
		if (ret)
			return ret;
		genl_dump_check_consistent(cb, nlmsg_data(nlmsg_hdr(skb)));
		cb->args[1] = peer->id;
	}
	return 0;
}

int tbib_nl_peer_get_dumpit(struct sk_buff *skb,
			    struct netlink_callback *cb)
{
	return tbib_nl_dump_devs(skb, cb, TBIB_A_PEER_DEV_NAME,
				 tbib_nl_peer_dump_dev);
}

/* ------------------------------------------------------------------ */
/* family                                                             */

/*
 * The policies, the op table (tbib_nl_ops: per-op policies, which 6.1
 * takes; split ops came in 6.2) and the multicast groups, generated from
 * netlink/tbib.yaml ("make netlink-gen").  Compiled here, not as an object
 * of its own: ynl-gen-c.py makes tbib_nl_mcgrps static and writes the
 * family struct itself only for protocol "genetlink", whose split ops and
 * netnsok the family cannot take.
 */
#include "netlink/tbib-nl-gen.c"

static struct genl_family tbib_genl_family = {
	.name = TBIB_GENL_NAME,
	.version = TBIB_GENL_VERSION,
	.module = THIS_MODULE,
	.netnsok = false,	/* devices and rails live in init_net */
	.parallel_ops = true,
	.ops = tbib_nl_ops,
	.n_ops = ARRAY_SIZE(tbib_nl_ops),
	.mcgrps = tbib_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(tbib_nl_mcgrps),
	/* .resv_start_op = 0: strict validation for every command */
};

/* What devices, rails and peers announce through kmod/device.c. */
static const struct tbib_dev_notify_ops tbib_nl_notify = {
	.dev_event = tbib_nl_dev_event,
	.rail_event = tbib_nl_rail_event,
	.peer_event = tbib_nl_peer_event,
};

int tbib_nl_init(void)
{
	int ret;

	ret = genl_register_family(&tbib_genl_family);
	if (ret)
		return ret;
	mutex_lock(&tbib_cfg_lock);
	tbib_dev_set_notify(&tbib_nl_notify);
	mutex_unlock(&tbib_cfg_lock);
	return 0;
}

void tbib_nl_exit(void)
{
	mutex_lock(&tbib_cfg_lock);
	tbib_dev_set_notify(NULL);
	mutex_unlock(&tbib_cfg_lock);
	genl_unregister_family(&tbib_genl_family);
}
