// SPDX-License-Identifier: GPL-2.0
/*
 * tbib: several point-to-point links (USB4/Thunderbolt networking,
 * Ethernet, veth, virtio) as one InfiniBand HCA driven by the stock rxe
 * user-space provider.
 *
 * The module's entry point sits in the top layer because it brings up
 * every layer, bottom first: the transport, the rail types, then the
 * control plane and the `rdma link` hook that create devices.
 */

#include <linux/module.h>
#include <linux/rcupdate.h>

#include "kmod/tbib.h"
#include "netlink/nl.h"
#include "rail/rail.h"
#include "kmod/transport.h"

static int __init tbib_init(void)
{
	int ret;

	tbib_hwstats_init();

	/* The verbs layer must have its transport before any device exists. */
	ret = tbib_transport_init();
	if (ret)
		return ret;
	/* Rails must learn about netdev changes before any rail exists. */
	ret = tbib_rail_netdev_init();
	if (ret)
		goto err_transport;
	ret = tbib_nl_init();
	if (ret)
		goto err_netdev;
	ret = tbib_link_init();
	if (ret)
		goto err_nl;
	return 0;

err_nl:
	tbib_nl_exit();
err_netdev:
	tbib_rail_netdev_exit();
err_transport:
	tbib_transport_exit();
	return ret;
}

static void __exit tbib_exit(void)
{
	/*
	 * Close the doors first (netlink and rdma link wait for the requests
	 * in flight), then tear down what exists, then stop watching netdevs.
	 */
	tbib_link_exit();
	tbib_nl_exit();
	tbib_dev_del_all();
	tbib_transport_exit();
	tbib_rail_netdev_exit();
	/* Wait for call_rcu/kfree_rcu callbacks that point into us. */
	rcu_barrier();
}

module_init(tbib_init);
module_exit(tbib_exit);

MODULE_DESCRIPTION("tbib: point-to-point links bonded into one InfiniBand HCA");
MODULE_AUTHOR("tbib authors");
MODULE_LICENSE("GPL");
MODULE_ALIAS_GENL_FAMILY(TBIB_GENL_NAME);
MODULE_ALIAS_RDMA_LINK("tbib");
