// SPDX-License-Identifier: GPL-2.0
/*
 * Creation, lookup and removal of tbib devices, and the port state derived
 * from their rails.
 */

#include <linux/delay.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "kmod/tbib.h"
#include "bond/peer.h"
#include "rail/rail.h"
#include "kmod/transport.h"
#include "kmod/verbs.h"
#include "kmod/conn.h"

LIST_HEAD(tbib_devs);
static u32 tbib_next_dev_id;	/* cfg lock */
static const struct tbib_dev_notify_ops *tbib_notify;	/* cfg lock */

void tbib_dev_set_notify(const struct tbib_dev_notify_ops *ops)
{
	lockdep_assert_held(&tbib_cfg_lock);
	tbib_notify = ops;
}

void tbib_dev_event(struct tbib_dev *dev, u8 cmd)
{
	lockdep_assert_held(&tbib_cfg_lock);
	if (tbib_notify)
		tbib_notify->dev_event(dev, cmd);
}

u32 tbib_lid_from_guid(u64 guid)
{
	u64 h = guid ^ (guid >> 32);

	h ^= h >> 16;
	return (u32)(h % (TBIB_LID_MAX - TBIB_LID_MIN + 1)) + TBIB_LID_MIN;
}

/* A random EUI-64: locally administered, unicast. */
static u64 tbib_random_guid(void)
{
	u64 guid = get_random_u64();

	guid &= ~(1ULL << 56);	/* I/G bit: individual */
	guid |= 1ULL << 57;	/* U/L bit: locally administered */
	return guid;
}

/*
 * IB rates as NCCL and perftest compute them: per-lane Mbit/s of each
 * ib_port_speed and the lane count of each ib_port_width.
 */
static const struct {
	u16 speed;
	u32 mbps;
} tbib_ib_speeds[] = {
	{ IB_SPEED_SDR, 2500 },	{ IB_SPEED_DDR, 5000 },
	{ IB_SPEED_QDR, 10000 }, { IB_SPEED_FDR, 14000 },
	{ IB_SPEED_EDR, 25000 }, { IB_SPEED_HDR, 50000 },
	{ IB_SPEED_NDR, 100000 },
};

static const struct {
	u8 width;
	u32 lanes;
} tbib_ib_widths[] = {
	{ IB_WIDTH_1X, 1 }, { IB_WIDTH_2X, 2 }, { IB_WIDTH_4X, 4 },
	{ IB_WIDTH_8X, 8 }, { IB_WIDTH_12X, 12 },
};

/* Nearest IB speed x width to @mbps (ties: fewer lanes, lower speed). */
static void tbib_rate_to_ib(u64 mbps, u16 *speed, u8 *width)
{
	u64 best = U64_MAX;
	int s, w;

	*speed = IB_SPEED_SDR;
	*width = IB_WIDTH_1X;
	if (!mbps)
		return;
	for (w = 0; w < ARRAY_SIZE(tbib_ib_widths); w++) {
		for (s = 0; s < ARRAY_SIZE(tbib_ib_speeds); s++) {
			u64 r = (u64)tbib_ib_speeds[s].mbps *
				tbib_ib_widths[w].lanes;
			u64 d = r > mbps ? r - mbps : mbps - r;

			if (d < best) {
				best = d;
				*speed = tbib_ib_speeds[s].speed;
				*width = tbib_ib_widths[w].width;
			}
		}
	}
}

/*
 * Queues an IB async event.  ib_core flushes its event workqueue while
 * unregistering, after the registration refcount dropped to zero; holding
 * that refcount while queueing guarantees the event is flushed before the
 * device can be freed.
 */
static void tbib_dev_dispatch(struct tbib_dev *dev, enum ib_event_type type)
{
	struct ib_event ev = {
		.device = &dev->ibdev,
		.event = type,
		.element.port_num = 1,
	};

	if (!ib_device_try_get(&dev->ibdev))
		return;
	ib_dispatch_event(&ev);
	ib_device_put(&dev->ibdev);
}

void tbib_dev_port_event(struct tbib_dev *dev)
{
	struct tbib_port old, new = {};
	bool carrier = false;
	struct tbib_rail *rail;
	unsigned int up = 0;

	lockdep_assert_held(&tbib_cfg_lock);

	list_for_each_entry(rail, &dev->bond.rails.list, node) {
		if (rail->carrier && rail->admin_up)
			carrier = true;
		if (rail->oper_state == TBIB_RAIL_STATE_UP) {
			up++;
			if (rail->weight)
				new.rate_mbps += rail->rate_mbps;
		}
	}
	new.state = up ? IB_PORT_ACTIVE : IB_PORT_DOWN;
	if (up)
		new.phys_state = IB_PORT_PHYS_STATE_LINK_UP;
	else if (carrier)
		new.phys_state = IB_PORT_PHYS_STATE_POLLING;
	else
		new.phys_state = IB_PORT_PHYS_STATE_DISABLED;
	tbib_rate_to_ib(new.rate_mbps, &new.active_speed, &new.active_width);
	new.lid = dev->bond.lid;

	spin_lock_bh(&dev->port_lock);
	old = dev->port;
	dev->port = new;
	spin_unlock_bh(&dev->port_lock);

	if (dev->life != TBIB_DEV_LIVE)
		return;
	if (old.state != new.state)
		tbib_dev_dispatch(dev, new.state == IB_PORT_ACTIVE ?
				  IB_EVENT_PORT_ACTIVE : IB_EVENT_PORT_ERR);
	if (old.lid != new.lid)
		tbib_dev_dispatch(dev, IB_EVENT_LID_CHANGE);
	if (old.state != new.state || old.lid != new.lid ||
	    old.rate_mbps != new.rate_mbps)
		tbib_dev_event(dev, TBIB_CMD_DEV_SET);
}

int tbib_dev_set_lid(struct tbib_dev *dev, u32 lid)
{
	lockdep_assert_held(&tbib_cfg_lock);

	if (dev->bond.lid == lid)
		return 0;
	tbib_bond_set_lid(&dev->bond, lid);
	tbib_dev_port_event(dev);
	return 0;
}

struct tbib_dev *tbib_dev_find_name(const char *name)
{
	struct tbib_dev *dev;

	lockdep_assert_held(&tbib_cfg_lock);
	list_for_each_entry(dev, &tbib_devs, node)
		if (dev->life == TBIB_DEV_LIVE &&
		    !strcmp(tbib_dev_name(dev), name))
			return dev;
	return NULL;
}

struct tbib_dev *tbib_dev_find_index(u32 index)
{
	struct tbib_dev *dev;

	lockdep_assert_held(&tbib_cfg_lock);
	list_for_each_entry(dev, &tbib_devs, node)
		if (dev->life == TBIB_DEV_LIVE && dev->ibdev.index == index)
			return dev;
	return NULL;
}

void tbib_dev_stats_total(struct tbib_dev *dev, u64 *out)
{
	struct tbib_rail *rail;
	struct tbib_peer *peer;

	lockdep_assert_held(&tbib_cfg_lock);
	tbib_stats_accumulate(&dev->stats, out);
	list_for_each_entry(rail, &dev->bond.rails.list, node)
		tbib_stats_accumulate(&rail->stats, out);
	list_for_each_entry(peer, &dev->bond.peers, node)
		tbib_stats_accumulate_peer(&peer->stats, out);
	/* loopback: retransmits, drops... but no link traffic */
	peer = rcu_dereference_protected(dev->bond.self_peer,
					 lockdep_is_held(&tbib_cfg_lock));
	if (peer)
		tbib_stats_accumulate_peer(&peer->stats, out);
	if (dev->bond.loop_rail)
		tbib_stats_accumulate_peer(&dev->bond.loop_rail->stats, out);
}

/* ---- what the striping core tells the device (bond/bond.h) ---- */

static const char *tbib_dev_bond_name(const struct tbib_bond *b)
{
	return tbib_dev_name(tbib_bond_dev(b));
}

static void tbib_dev_rail_event(struct tbib_rail *rail, u8 cmd)
{
	if (tbib_notify)
		tbib_notify->rail_event(rail, cmd);
}

static void tbib_dev_peer_event(struct tbib_peer *peer, u8 cmd)
{
	if (tbib_notify)
		tbib_notify->peer_event(peer, cmd);
}

static void tbib_dev_bond_port_event(struct tbib_bond *b)
{
	tbib_dev_port_event(tbib_bond_dev(b));
}

/* The LID conflict flag moved. */
static void tbib_dev_bond_event(struct tbib_bond *b)
{
	struct tbib_dev *dev = tbib_bond_dev(b);

	if (dev->life == TBIB_DEV_LIVE)
		tbib_dev_event(dev, TBIB_CMD_DEV_SET);
}

/*
 * The one place the core's events fan out: the transport, the port and
 * the control plane.
 */
static const struct tbib_bond_ops tbib_dev_bond_ops = {
	.name = tbib_dev_bond_name,
	.rx = tbib_transport_rx,
	.rail_changed = tbib_transport_rail_changed,
	.peer_gone = tbib_transport_peer_gone,
	.rail_event = tbib_dev_rail_event,
	.peer_event = tbib_dev_peer_event,
	.port_event = tbib_dev_bond_port_event,
	.bond_event = tbib_dev_bond_event,
};

/* The loopback rail and the self peer behind it; cfg lock held. */
static int tbib_dev_loop_init(struct tbib_dev *dev)
{
	struct tbib_peer *self;
	struct tbib_rail *loop;

	lockdep_assert_held(&tbib_cfg_lock);
	loop = tbib_rail_loop_create(&dev->bond.rails);
	if (!loop)
		return -ENOMEM;
	self = tbib_peer_create_self(&dev->bond, loop);
	if (!self) {
		tbib_rail_loop_destroy(loop);
		return -ENOMEM;
	}
	if (tbib_spray_self_init(self, loop)) {
		tbib_peer_put(self);
		tbib_rail_loop_destroy(loop);
		return -ENOMEM;
	}
	dev->bond.loop_rail = loop;
	rcu_assign_pointer(dev->bond.self_peer, self);
	return 0;
}

/*
 * Undo tbib_dev_loop_init: no sender finds the self peer any more, then
 * the queued frames go, then the objects (their counters to the device).
 */
static void tbib_dev_loop_fini(struct tbib_dev *dev)
{
	struct tbib_rail *loop;
	struct tbib_peer *self;

	mutex_lock(&tbib_cfg_lock);
	self = rcu_dereference_protected(dev->bond.self_peer,
					 lockdep_is_held(&tbib_cfg_lock));
	RCU_INIT_POINTER(dev->bond.self_peer, NULL);
	loop = dev->bond.loop_rail;
	dev->bond.loop_rail = NULL;		/* tbib_dev_stats_total() */
	mutex_unlock(&tbib_cfg_lock);
	synchronize_rcu();
	tbib_rail_loop_destroy(loop);
	if (self) {
		mutex_lock(&tbib_cfg_lock);
		tbib_spray_peer_gone(self);
		mutex_unlock(&tbib_cfg_lock);
		tbib_stats_fold_peer(&dev->stats, &self->stats);
		tbib_peer_put(self);
	}
}

/*
 * ops.dealloc_driver: ib_core calls it once the device is unregistered
 * (every client and user context is gone), or from ib_dealloc_device()
 * when registration failed; the device memory is freed right after.
 */
static void tbib_dev_dealloc(struct ib_device *ibdev)
{
	struct tbib_dev *dev = to_tbib_dev(ibdev);
	bool was_live;

	/*
	 * DEAD: no lookup finds it and no rail can be added from now on.  It
	 * stays on tbib_devs until the end, so that module unload
	 * (tbib_dev_del_all) waits for a deletion that ib_core runs for
	 * someone else (rdma link delete) instead of freeing our code under
	 * it.
	 */
	mutex_lock(&tbib_cfg_lock);
	was_live = dev->life == TBIB_DEV_LIVE;
	dev->life = TBIB_DEV_DEAD;
	tbib_bond_fini(&dev->bond);
	mutex_unlock(&tbib_cfg_lock);

	tbib_dev_loop_fini(dev);
	tbib_transport_dev_teardown(dev);
	tbib_rail_del_all(&dev->bond.rails);

	mutex_lock(&tbib_cfg_lock);
	tbib_peer_del_all(&dev->bond);
	if (was_live)
		tbib_dev_event(dev, TBIB_CMD_DEV_DEL);
	mutex_unlock(&tbib_cfg_lock);

	/* Peers are freed after a grace period; their stats went to ours. */
	synchronize_rcu();
	tbib_stats_free(&dev->stats);

	mutex_lock(&tbib_cfg_lock);
	list_del_init(&dev->node);
	mutex_unlock(&tbib_cfg_lock);
}

static const struct ib_device_ops tbib_dev_ops = {
	.dealloc_driver = tbib_dev_dealloc,
};

static bool tbib_guid_in_use(u64 guid)
{
	struct tbib_dev *dev;

	list_for_each_entry(dev, &tbib_devs, node)
		if (dev->life != TBIB_DEV_DEAD && dev->bond.guid == guid)
			return true;
	return false;
}

int tbib_dev_new(const struct tbib_dev_params *p, struct tbib_dev **out,
		 struct netlink_ext_ack *extack)
{
	struct tbib_dev *dev;
	int ret;

	dev = ib_alloc_device(tbib_dev, ibdev);
	if (!dev) {
		NL_SET_ERR_MSG(extack, "out of memory");
		return -ENOMEM;
	}
	INIT_LIST_HEAD(&dev->node);
	INIT_LIST_HEAD(&dev->bond.node);
	spin_lock_init(&dev->port_lock);
	tbib_linger_init(&dev->linger);
	dev->life = TBIB_DEV_NEW;
	dev->bond.generation = get_random_u64();
	dev->bond.ops = &tbib_dev_bond_ops;
	dev->port.state = IB_PORT_DOWN;
	dev->port.phys_state = IB_PORT_PHYS_STATE_DISABLED;
	dev->port.active_speed = IB_SPEED_SDR;
	dev->port.active_width = IB_WIDTH_1X;
	ret = tbib_stats_init(&dev->stats);
	if (ret) {
		/* dealloc_driver is not set yet: plain free. */
		ib_dealloc_device(&dev->ibdev);
		NL_SET_ERR_MSG(extack, "out of memory");
		return ret;
	}

	mutex_lock(&tbib_cfg_lock);
	dev->bond.guid = p->guid;
	if (dev->bond.guid && tbib_guid_in_use(dev->bond.guid)) {
		mutex_unlock(&tbib_cfg_lock);
		tbib_stats_free(&dev->stats);
		ib_dealloc_device(&dev->ibdev);
		NL_SET_ERR_MSG(extack, "another tbib device has this GUID");
		return -EEXIST;
	}
	while (!dev->bond.guid || tbib_guid_in_use(dev->bond.guid))
		dev->bond.guid = tbib_random_guid();
	dev->bond.lid = p->lid ? p->lid : tbib_lid_from_guid(dev->bond.guid);
	dev->port.lid = dev->bond.lid;
	tbib_bond_init(&dev->bond, &dev->stats);
	ret = tbib_dev_loop_init(dev);
	if (ret) {
		tbib_bond_fini(&dev->bond);
		mutex_unlock(&tbib_cfg_lock);
		tbib_stats_free(&dev->stats);
		ib_dealloc_device(&dev->ibdev);
		NL_SET_ERR_MSG(extack, "out of memory");
		return ret;
	}
	dev->id = ++tbib_next_dev_id;
	list_add_tail(&dev->node, &tbib_devs);
	mutex_unlock(&tbib_cfg_lock);

	dev->ibdev.node_type = RDMA_NODE_IB_CA;
	dev->ibdev.phys_port_cnt = 1;
	dev->ibdev.num_comp_vectors = num_possible_cpus();
	dev->ibdev.node_guid = cpu_to_be64(dev->bond.guid);
	strscpy(dev->ibdev.node_desc, "tbib", sizeof(dev->ibdev.node_desc));

	/* Verbs first: ib_set_device_ops() keeps the first op it sees. */
	tbib_verbs_set_ops(&dev->ibdev);
	tbib_ibdev_set_ops(&dev->ibdev);
	ib_set_device_ops(&dev->ibdev, &tbib_hwstats_ops);
	ib_set_device_ops(&dev->ibdev, &tbib_dev_ops);

	/* Keeps the memory ours until we looked at it again below. */
	get_device(&dev->ibdev.dev);
	ret = ib_register_device(&dev->ibdev, p->name ? p->name : "tbib%d",
				 NULL);
	if (ret) {
		ib_dealloc_device(&dev->ibdev);	/* calls tbib_dev_dealloc */
		put_device(&dev->ibdev.dev);
		if (ret == -ENFILE) {
			NL_SET_ERR_MSG(extack, "an RDMA device with this name exists");
			return -EEXIST;
		}
		NL_SET_ERR_MSG(extack, "ib_core refused to register the device");
		return ret;
	}

	mutex_lock(&tbib_cfg_lock);
	if (dev->life == TBIB_DEV_NEW) {
		dev->life = TBIB_DEV_LIVE;
		tbib_dev_event(dev, TBIB_CMD_DEV_NEW);
		ret = 0;
	} else {
		/* Unregistered already (rdma link delete raced with us). */
		NL_SET_ERR_MSG(extack, "device was deleted while being created");
		ret = -ENODEV;
	}
	put_device(&dev->ibdev.dev);
	if (ret) {
		mutex_unlock(&tbib_cfg_lock);
		return ret;
	}
	*out = dev;	/* returned with the cfg lock held */
	return 0;
}

void tbib_dev_unregister(struct tbib_dev *dev)
{
	ib_unregister_device_and_put(&dev->ibdev);
}

void tbib_dev_del_all(void)
{
	struct tbib_dev *dev;

	for (;;) {
		mutex_lock(&tbib_cfg_lock);
		dev = list_first_entry_or_null(&tbib_devs, struct tbib_dev,
					       node);
		if (!dev) {
			mutex_unlock(&tbib_cfg_lock);
			return;
		}
		if (!ib_device_try_get(&dev->ibdev)) {
			/*
			 * Being registered or unregistered by someone else:
			 * wait until it is live or gone from the list.
			 */
			mutex_unlock(&tbib_cfg_lock);
			msleep(20);
			continue;
		}
		mutex_unlock(&tbib_cfg_lock);
		tbib_dev_unregister(dev);
	}
}
