/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tbib: several point-to-point links as one InfiniBand HCA.
 *
 * Objects
 *   struct tbib_dev   one logical HCA, embeds the struct ib_device "tbibN"
 *   struct tbib_bond  its striping core: identity, rails, peers (bond/bond.h)
 *   struct tbib_rail  one link of a device (rail/rail.h)
 *   struct tbib_peer  one remote HCA reached through rails (bond/peer.h)
 *
 * Locking
 *   tbib_cfg_lock (a mutex) serialises every configuration change: the
 *   device list, each device's rail and peer lists, rail binding and state
 *   changes, LID changes, netlink events.  It is taken in process context
 *   only.  Lock order: rtnl_lock -> tbib_cfg_lock -> dev->port_lock.  Never
 *   take rtnl_lock, and never call ib_register_device() or
 *   ib_unregister_device*(), while holding tbib_cfg_lock (ib_core calls
 *   back into ops.dealloc_driver, which takes it).
 *
 *   tbib_cfg_lock is defined in the bottom layer (rail/rail.h), since
 *   every layer takes it.
 *
 *   The data path (transmit, softirq receive) takes no mutex: it reads
 *   the bond's rails and peers, rail->peer and peer->rails under
 *   rcu_read_lock().  Writers publish with the RCU list/pointer helpers
 *   under tbib_cfg_lock and free after a grace period.
 *
 *   dev->port_lock (spinlock) guards the port snapshot dev->port that
 *   query_port reads; it is recomputed by tbib_dev_port_event().
 *
 *   rail->hello_lock (spinlock, taken from softirq too) guards the
 *   handshake fields that receive and the probe timer share with the
 *   process-context rail->hello_work; everything that changes state
 *   (binding, peers, events) happens in that work, under the cfg lock.
 *   Work items and timers that take the cfg lock are cancelled with it
 *   released.
 *
 *   Counters (stats.h) are per-cpu and need no lock.
 *
 * Lifetime
 *   A device is freed by ib_core through ops.dealloc_driver
 *   (tbib_dev_dealloc) once unregistered; that callback removes the rails
 *   and peers.  A rail pins its net_device; removing a rail first unlinks
 *   it (cfg lock), then stops its timers and receive hook, waits for an RCU
 *   grace period and frees it (no lock held).
 */
#ifndef TBIB_H
#define TBIB_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <rdma/ib_verbs.h>

#include "netlink/uapi/tbib.h"
#include "rail/stats.h"
#include "bond/bond.h"
#include "kmod/linger.h"

/* Version of the rxe user ABI (the stock librxe speaks version 2). */
#define TBIB_UVERBS_ABI_VERSION	2
/* Identity in query_device and sysfs: no OUI, as soft devices do. */
#define TBIB_VENDOR_ID		0xffffff
#define TBIB_VENDOR_PART_ID	0x7b1b
#define TBIB_FW_VERSION		"0.1.0"
#define TBIB_FW_VERSION_NUM	((0ULL << 32) | (1ULL << 16) | 0ULL)
/* Unicast LID range. */
#define TBIB_LID_MIN		0x0001
#define TBIB_LID_MAX		0xbfff

struct tbib_rail;
struct tbib_peer;

/* What query_port reports; recomputed on every rail change. */
struct tbib_port {
	enum ib_port_state state;	/* IB_PORT_DOWN or IB_PORT_ACTIVE */
	u8 phys_state;			/* enum ib_port_phys_state */
	u16 active_speed;		/* enum ib_port_speed */
	u8 active_width;		/* enum ib_port_width */
	u32 lid;
	u64 rate_mbps;			/* sum of the up rails */
};

enum tbib_dev_life {
	TBIB_DEV_NEW,		/* being registered with ib_core */
	TBIB_DEV_LIVE,		/* registered, visible to netlink */
	TBIB_DEV_DEAD,		/* being torn down */
};

struct tbib_dev {
	struct ib_device ibdev;		/* must stay first (ib_alloc_device) */

	struct list_head node;		/* tbib_devs (cfg lock) */
	u32 id;				/* creation order; dump cursor */
	enum tbib_dev_life life;	/* cfg lock */

	/* identity (guid, generation, lid), rails and peers */
	struct tbib_bond bond;

	spinlock_t port_lock;		/* guards port */
	struct tbib_port port;

	struct tbib_stats stats;	/* own + folded from dead rails/peers */
	struct tbib_linger linger;	/* stopped RC responders (linger.h) */
};

/* User context: the rxe ABI carries no driver data in GET_CONTEXT. */
struct tbib_ucontext {
	struct ib_ucontext ibuc;
};

static inline struct tbib_dev *to_tbib_dev(struct ib_device *ibdev)
{
	return container_of(ibdev, struct tbib_dev, ibdev);
}

static inline const char *tbib_dev_name(const struct tbib_dev *dev)
{
	return dev_name(&dev->ibdev.dev);
}

static inline struct tbib_dev *tbib_bond_dev(const struct tbib_bond *b)
{
	return container_of(b, struct tbib_dev, bond);
}

static inline struct tbib_dev *tbib_rail_dev(const struct tbib_rail *rail)
{
	return tbib_bond_dev(tbib_rail_bond(rail));
}

/*
 * What the control plane hears of (netlink/netlink.c registers it at
 * module init, before any device exists): every change of a device, a
 * rail or a peer (cmd: TBIB_CMD_DEV_NEW/DEL/SET, RAIL_ADD/DEL/SET,
 * PEER_NEW/DEL/SET).  cfg lock held, process context.
 */
struct tbib_dev_notify_ops {
	void (*dev_event)(struct tbib_dev *dev, u8 cmd);
	void (*rail_event)(struct tbib_rail *rail, u8 cmd);
	void (*peer_event)(struct tbib_peer *peer, u8 cmd);
};

/* device.c */
extern struct list_head tbib_devs;	/* struct tbib_dev, cfg lock */
/* Sets (or with NULL clears) the listener; cfg lock held. */
void tbib_dev_set_notify(const struct tbib_dev_notify_ops *ops);
/* Tells the listener of a device change (cfg lock). */
void tbib_dev_event(struct tbib_dev *dev, u8 cmd);

/* device.c */
struct tbib_dev_params {
	const char *name;	/* NULL: "tbib%d" */
	u64 guid;		/* 0: random */
	u32 lid;		/* 0: derived from the GUID */
};

/*
 * Creates and registers a device.  On success returns 0 with tbib_cfg_lock
 * HELD and *@out set (so the caller can report it before anyone can delete
 * it); on error returns a negative errno with the lock not held.
 */
int tbib_dev_new(const struct tbib_dev_params *p, struct tbib_dev **out,
		 struct netlink_ext_ack *extack);
/*
 * Unregisters @dev and frees it.  The caller took a registration reference
 * with ib_device_try_get() under the cfg lock and holds no lock now.
 */
void tbib_dev_unregister(struct tbib_dev *dev);
/*
 * Unregisters every device and waits for the deletions others started
 * (module unload).
 */
void tbib_dev_del_all(void);
/* Lookups: cfg lock held; only LIVE devices are returned. */
struct tbib_dev *tbib_dev_find_name(const char *name);
struct tbib_dev *tbib_dev_find_index(u32 index);
int tbib_dev_set_lid(struct tbib_dev *dev, u32 lid);
/* Sums the counters of @dev, its rails and peers into @out (cfg lock). */
void tbib_dev_stats_total(struct tbib_dev *dev, u64 *out);
/*
 * Recomputes the port (state, speed, width, LID) from the rails, and
 * dispatches IB_EVENT_PORT_ACTIVE / PORT_ERR / LID_CHANGE and a netlink
 * DEV_SET event when something changed.  cfg lock held.
 */
void tbib_dev_port_event(struct tbib_dev *dev);
u32 tbib_lid_from_guid(u64 guid);

/* ibdev.c */
void tbib_ibdev_set_ops(struct ib_device *ibdev);

/* hwstats.c */
extern const struct ib_device_ops tbib_hwstats_ops;
void tbib_hwstats_init(void);

/* link.c: `rdma link add NAME type tbib netdev DEV` */
int tbib_link_init(void);
void tbib_link_exit(void);

#endif /* TBIB_H */
