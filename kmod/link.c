// SPDX-License-Identifier: GPL-2.0
/*
 * `rdma link add NAME type tbib netdev DEV`: the iproute2 shortcut for a
 * device with one netdev rail (delete it with `rdma link delete NAME`,
 * which ib_core turns into an unregistration, or with tbibctl).
 */

#include <linux/rtnetlink.h>
#include <rdma/rdma_netlink.h>

#include "kmod/tbib.h"
#include "rail/rail.h"

static int tbib_link_newlink(const char *ibdev_name, struct net_device *ndev)
{
	struct tbib_rail_netdev_params rp = {
		.weight = TBIB_WEIGHT_DEFAULT,
		.csum = true,
		.admin_up = true,
	};
	struct tbib_dev_params dp = { .name = ibdev_name };
	struct tbib_rail *rail;
	struct tbib_dev *dev;
	int ret;

	ret = tbib_dev_new(&dp, &dev, NULL);
	if (ret)
		return ret;
	/* Returned with the cfg lock held; rtnl must come first. */
	mutex_unlock(&tbib_cfg_lock);

	rp.ifindex = ndev->ifindex;
	rtnl_lock();
	mutex_lock(&tbib_cfg_lock);
	/* Look it up again: it may have been deleted meanwhile. */
	dev = tbib_dev_find_name(ibdev_name);
	ret = dev ? tbib_rail_netdev_add(&dev->bond.rails, &rp, &rail, NULL) : -ENODEV;
	if (ret && dev && !ib_device_try_get(&dev->ibdev))
		dev = NULL;
	mutex_unlock(&tbib_cfg_lock);
	rtnl_unlock();

	if (ret && dev)
		tbib_dev_unregister(dev);	/* no half-made devices */
	return ret;
}

static struct rdma_link_ops tbib_link_ops = {
	.type = "tbib",
	.newlink = tbib_link_newlink,
};

int tbib_link_init(void)
{
	rdma_link_register(&tbib_link_ops);
	return 0;
}

void tbib_link_exit(void)
{
	rdma_link_unregister(&tbib_link_ops);
}
