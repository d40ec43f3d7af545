// SPDX-License-Identifier: GPL-2.0
/*
 * Netdev rails: raw tbib frames (EtherType TBIB_ETH_P) on any Ethernet-like
 * net_device (thunderbolt-net, Ethernet, veth, virtio).
 *
 * A rail pins its netdev (netdev_hold) and receives through a packet_type
 * bound to that netdev only.  A netdevice notifier follows the netdev:
 * carrier and MTU changes move the rail, unregistration (also a move to
 * another namespace) removes the rail by itself.
 */

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "rail/rail.h"

struct tbib_netdev_rail {
	struct tbib_rail rail;
	struct net_device *ndev;
	netdevice_tracker tracker;
	struct packet_type pt;
	bool pt_added;
};

static const struct tbib_rail_ops tbib_netdev_rail_ops;

static struct tbib_netdev_rail *to_ndr(struct tbib_rail *rail)
{
	return container_of(rail, struct tbib_netdev_rail, rail);
}

static int tbib_netdev_xmit(struct tbib_rail *rail, struct sk_buff *skb)
{
	struct net_device *ndev = to_ndr(rail)->ndev;
	u8 dst[ETH_ALEN];
	u64 addr;
	int ret;

	if (unlikely(!netif_running(ndev) || !netif_carrier_ok(ndev))) {
		kfree_skb(skb);
		return -ENETDOWN;
	}
	addr = READ_ONCE(rail->dst_addr);
	if (addr)
		u64_to_ether_addr(addr, dst);
	else
		eth_broadcast_addr(dst);

	if (skb_cow_head(skb, LL_RESERVED_SPACE(ndev))) {
		kfree_skb(skb);
		return -ENOMEM;
	}
	skb_reset_network_header(skb);
	skb->dev = ndev;
	skb->protocol = htons(TBIB_ETH_P);
	if (dev_hard_header(skb, ndev, TBIB_ETH_P, dst, ndev->dev_addr,
			    skb->len) < 0) {
		kfree_skb(skb);
		return -EINVAL;
	}
	ret = dev_queue_xmit(skb);
	return ret < 0 ? ret : (net_xmit_eval(ret) ? -ENOBUFS : 0);
}

static bool tbib_netdev_tx_busy(struct tbib_rail *rail)
{
	struct net_device *ndev = to_ndr(rail)->ndev;

	/* Multiqueue devices pick a queue per flow: only judge single. */
	if (ndev->real_num_tx_queues != 1)
		return false;
	return netif_xmit_stopped(netdev_get_tx_queue(ndev, 0));
}

static int tbib_netdev_rcv(struct sk_buff *skb, struct net_device *ndev,
			   struct packet_type *pt, struct net_device *orig)
{
	struct tbib_netdev_rail *ndr = container_of(pt, struct tbib_netdev_rail,
						    pt);
	u64 src;

	/* Frames for other hosts (promiscuous mode) are none of ours. */
	if (skb->pkt_type == PACKET_OTHERHOST ||
	    skb->pkt_type == PACKET_LOOPBACK)
		goto drop;
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb)
		return NET_RX_DROP;
	if (!skb_mac_header_was_set(skb) ||
	    skb_mac_header_len(skb) < ETH_HLEN) {
		tbib_stat_inc(&ndr->rail.stats,
			      TBIB_A_STATS_RX_DROP_MALFORMED);
		goto drop;
	}
	src = ether_addr_to_u64(eth_hdr(skb)->h_source);
	tbib_rail_rx(&ndr->rail, skb, src);
	return NET_RX_SUCCESS;
drop:
	kfree_skb(skb);
	return NET_RX_DROP;
}

static int tbib_netdev_start(struct tbib_rail *rail)
{
	struct tbib_netdev_rail *ndr = to_ndr(rail);

	ndr->pt.type = htons(TBIB_ETH_P);
	ndr->pt.dev = ndr->ndev;
	ndr->pt.func = tbib_netdev_rcv;
	dev_add_pack(&ndr->pt);
	ndr->pt_added = true;
	return 0;
}

static void tbib_netdev_stop(struct tbib_rail *rail)
{
	struct tbib_netdev_rail *ndr = to_ndr(rail);

	if (ndr->pt_added) {
		dev_remove_pack(&ndr->pt);	/* waits for receivers */
		ndr->pt_added = false;
	}
}

static void tbib_netdev_release(struct tbib_rail *rail)
{
	struct tbib_netdev_rail *ndr = to_ndr(rail);

	netdev_put(ndr->ndev, &ndr->tracker);
	ndr->ndev = NULL;
}

static int tbib_netdev_fill_info(struct tbib_rail *rail, struct sk_buff *msg)
{
	struct net_device *ndev = to_ndr(rail)->ndev;

	if (nla_put_u32(msg, TBIB_A_RAIL_IFINDEX, ndev->ifindex) ||
	    nla_put_string(msg, TBIB_A_RAIL_IFNAME, ndev->name))
		return -EMSGSIZE;
	return 0;
}

static void tbib_netdev_free(struct tbib_rail *rail)
{
	kfree(to_ndr(rail));
}

/* The netdev is held from creation until release, after the last event. */
static const char *tbib_netdev_link_name(const struct tbib_rail *rail)
{
	const struct tbib_netdev_rail *ndr =
		container_of(rail, struct tbib_netdev_rail, rail);

	return ndr->ndev ? ndr->ndev->name : "";
}

static const struct tbib_rail_ops tbib_netdev_rail_ops = {
	.type = TBIB_RAIL_TYPE_NETDEV,
	.name = "netdev",
	.xmit = tbib_netdev_xmit,
	.tx_busy = tbib_netdev_tx_busy,
	.start = tbib_netdev_start,
	.stop = tbib_netdev_stop,
	.release = tbib_netdev_release,
	.fill_info = tbib_netdev_fill_info,
	.free = tbib_netdev_free,
	.link_name = tbib_netdev_link_name,
};

/* Link speed in Mbit/s, 0 when the driver does not know; rtnl held. */
static u64 tbib_netdev_speed(struct net_device *ndev)
{
	struct ethtool_link_ksettings ks;

	ASSERT_RTNL();
	if (__ethtool_get_link_ksettings(ndev, &ks))
		return 0;
	if (ks.base.speed == SPEED_UNKNOWN || !ks.base.speed)
		return 0;
	return ks.base.speed;
}

static bool tbib_netdev_carrier(struct net_device *ndev)
{
	return netif_running(ndev) && netif_carrier_ok(ndev);
}

/* The rail on @ndev, in any device; cfg lock held. */
static struct tbib_netdev_rail *tbib_netdev_find(const struct net_device *ndev)
{
	struct tbib_rail *rail;

	lockdep_assert_held(&tbib_cfg_lock);
	list_for_each_entry(rail, &tbib_rails, all)
		if (rail->ops == &tbib_netdev_rail_ops &&
		    to_ndr(rail)->ndev == ndev)
			return to_ndr(rail);
	return NULL;
}

struct tbib_rail *tbib_rail_netdev_find_ifindex(int ifindex)
{
	struct tbib_rail *rail;

	lockdep_assert_held(&tbib_cfg_lock);
	list_for_each_entry(rail, &tbib_rails, all)
		if (rail->ops == &tbib_netdev_rail_ops &&
		    to_ndr(rail)->ndev->ifindex == ifindex)
			return rail;
	return NULL;
}

int tbib_rail_netdev_add(struct tbib_rail_set *set,
			 const struct tbib_rail_netdev_params *p,
			 struct tbib_rail **out, struct netlink_ext_ack *extack)
{
	struct tbib_netdev_rail *ndr;
	struct net_device *ndev;
	int ret;

	ASSERT_RTNL();
	lockdep_assert_held(&tbib_cfg_lock);

	if (p->ifindex)
		ndev = __dev_get_by_index(&init_net, p->ifindex);
	else
		ndev = __dev_get_by_name(&init_net, p->ifname);
	if (!ndev) {
		NL_SET_ERR_MSG(extack, "no such network device");
		return -ENODEV;
	}
	if (ndev->reg_state != NETREG_REGISTERED) {
		NL_SET_ERR_MSG(extack, "network device is going away");
		return -ENODEV;
	}
	if (ndev->type != ARPHRD_ETHER || ndev->addr_len != ETH_ALEN) {
		NL_SET_ERR_MSG(extack, "network device is not Ethernet-like");
		return -EOPNOTSUPP;
	}
	if (ndev->flags & IFF_LOOPBACK) {
		NL_SET_ERR_MSG(extack, "loopback cannot be a rail");
		return -EOPNOTSUPP;
	}
	if (tbib_netdev_find(ndev)) {
		NL_SET_ERR_MSG(extack, "network device already serves a rail");
		return -EBUSY;
	}

	ndr = kzalloc(sizeof(*ndr), GFP_KERNEL);
	if (!ndr) {
		NL_SET_ERR_MSG(extack, "out of memory");
		return -ENOMEM;
	}
	ret = tbib_rail_init(&ndr->rail, set, &tbib_netdev_rail_ops);
	if (ret) {
		kfree(ndr);
		NL_SET_ERR_MSG(extack, "out of memory");
		return ret;
	}
	ndr->ndev = ndev;
	netdev_hold(ndev, &ndr->tracker, GFP_KERNEL);

	ndr->rail.admin_up = p->admin_up;
	ndr->rail.weight = p->weight;
	ndr->rail.csum = p->csum;
	ndr->rail.peer_mac = p->peer_mac;
	ndr->rail.mtu = ndev->mtu;
	ndr->rail.headroom = LL_RESERVED_SPACE(ndev);
	ndr->rail.rate_mbps = tbib_netdev_speed(ndev) ?: TBIB_RAIL_RATE_DEFAULT;
	ndr->rail.carrier = tbib_netdev_carrier(ndev);

	ret = tbib_rail_link(&ndr->rail);
	if (ret) {
		netdev_put(ndev, &ndr->tracker);
		tbib_stats_free(&ndr->rail.stats);
		kfree(ndr);
		NL_SET_ERR_MSG(extack, "could not attach to the network device");
		return ret;
	}
	if (ndr->rail.mtu < TBIB_RAIL_MTU_MIN)
		NL_SET_ERR_MSG(extack, "MTU of the network device is too small: rail stays down");
	*out = &ndr->rail;
	return 0;
}

static int tbib_netdev_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *ndev = netdev_notifier_info_to_dev(ptr);
	struct tbib_netdev_rail *ndr;
	struct tbib_rail *rail;

	switch (event) {
	case NETDEV_UNREGISTER:
	case NETDEV_UP:
	case NETDEV_DOWN:
	case NETDEV_GOING_DOWN:
	case NETDEV_CHANGE:
	case NETDEV_CHANGEMTU:
	case NETDEV_CHANGENAME:
		break;
	default:
		return NOTIFY_DONE;
	}

	mutex_lock(&tbib_cfg_lock);
	ndr = tbib_netdev_find(ndev);
	if (!ndr) {
		mutex_unlock(&tbib_cfg_lock);
		return NOTIFY_DONE;
	}
	rail = &ndr->rail;

	switch (event) {
	case NETDEV_UNREGISTER:
		pr_info("tbib: %s: rail %u: %s went away, removing the rail\n",
			tbib_rail_set_name(rail->set), rail->id, ndev->name);
		tbib_rail_unlink(rail);
		mutex_unlock(&tbib_cfg_lock);
		/* Drops our reference, which unregistration waits for. */
		tbib_rail_destroy(rail);
		return NOTIFY_OK;
	case NETDEV_GOING_DOWN:
		/* Last chance to tell the peer before the link stops. */
		tbib_rail_going_down(rail);
		break;
	case NETDEV_CHANGEMTU:
		WRITE_ONCE(rail->headroom, LL_RESERVED_SPACE(ndev));
		tbib_rail_set_mtu(rail, ndev->mtu);
		break;
	case NETDEV_CHANGENAME:
		tbib_rail_renamed(rail);
		break;
	default:
		tbib_rail_set_carrier(rail, tbib_netdev_carrier(ndev));
		if (tbib_netdev_carrier(ndev))
			tbib_rail_set_rate(rail, tbib_netdev_speed(ndev));
		break;
	}
	mutex_unlock(&tbib_cfg_lock);
	return NOTIFY_OK;
}

static struct notifier_block tbib_netdev_nb = {
	.notifier_call = tbib_netdev_event,
};

int tbib_rail_netdev_init(void)
{
	return register_netdevice_notifier(&tbib_netdev_nb);
}

void tbib_rail_netdev_exit(void)
{
	unregister_netdevice_notifier(&tbib_netdev_nb);
}
