/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A rail is one link of a tbib device.  The generic object here holds what
 * every rail type shares (identity, state, binding to a peer, handshake
 * state, counters); a rail type (netdev today, USB4 later) supplies a small
 * ops table and embeds struct tbib_rail in its own structure.
 *
 * Locking: see kmod/tbib.h.  Fields marked "cfg" change under tbib_cfg_lock
 * only; fields marked "rcu" are read by the data path under
 * rcu_read_lock() and published with rcu_assign_pointer()/WRITE_ONCE().
 */
#ifndef TBIB_RAIL_H
#define TBIB_RAIL_H

#include <linux/list.h>
#include <linux/if_ether.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>

#include "kmod/tbib.h"

struct tbib_rail;

/* Smallest link MTU a rail accepts (control frames, transport headers). */
#define TBIB_RAIL_MTU_MIN	512

/*
 * Why a rail's oper state moved (the tbib_rail_state tracepoint shows it).
 * Not ABI: only the names appear in the trace output.
 */
enum tbib_rail_why {
	TBIB_RAIL_WHY_ADDED,		/* rail created */
	TBIB_RAIL_WHY_DELETED,		/* rail removed (by hand or its link) */
	TBIB_RAIL_WHY_ADMIN,		/* administrator set it up or down */
	TBIB_RAIL_WHY_CARRIER,		/* link carrier came or went */
	TBIB_RAIL_WHY_MTU,		/* link MTU crossed the minimum */
	TBIB_RAIL_WHY_BOUND,		/* handshake done, bound to a peer */
	TBIB_RAIL_WHY_KEEPALIVE,	/* the peer's keepalives stopped */
	TBIB_RAIL_WHY_BYE,		/* the peer said goodbye */
	TBIB_RAIL_WHY_PEER_LOST_US,	/* the peer no longer hears us */
	TBIB_RAIL_WHY_PEER_RESTART,	/* the peer came back as a new instance */
	TBIB_RAIL_WHY_PEER_MAC,		/* the allowed peer MAC changed */
};

/* What a HELLO or BYE told us (host order); see rail/hello.h. */
struct tbib_hello_info {
	u64 addr;			/* link source address */
	u64 guid;
	u64 gen;
	u64 rate_mbps;
	u32 lid;
	u32 rail_id;
	u32 mtu;
	u32 caps;
	u32 flags;			/* TBIB_HELLO_F_* */
	u32 seq;			/* with TBIB_HELLO_CAP_SEQ */
	bool heard_us;			/* it names our GUID and generation */
};

struct tbib_rail_ops {
	enum tbib_rail_type type;
	const char *name;		/* "netdev" */
	/*
	 * Sends one tbib frame (skb->data at the version byte) to the rail's
	 * current destination (rail->dst_addr, or broadcast when it is 0).
	 * Consumes @skb in every case.  Any context;
	 * callers hold rcu_read_lock() or the cfg lock so the rail is alive.
	 * Returns 0 or a negative errno (frame dropped and counted).
	 */
	int (*xmit)(struct tbib_rail *rail, struct sk_buff *skb);
	/* true when the link's transmit queue is stopped (skip the rail). */
	bool (*tx_busy)(struct tbib_rail *rail);
	/* Starts delivering received frames to tbib_rail_rx(). cfg lock. */
	int (*start)(struct tbib_rail *rail);
	/*
	 * Stops receive; on return no receive callback runs any more.
	 * No lock held (may sleep for an RCU grace period).
	 */
	void (*stop)(struct tbib_rail *rail);
	/* Drops the link resources (netdev reference); no lock held. */
	void (*release)(struct tbib_rail *rail);
	/* Adds the type specific netlink attributes (ifindex, ...). */
	int (*fill_info)(struct tbib_rail *rail, struct sk_buff *msg);
	/* Frees the embedding structure. */
	void (*free)(struct tbib_rail *rail);
	/* Name of the link ("va0") for traces; optional.  Any context. */
	const char *(*link_name)(const struct tbib_rail *rail);
};

struct tbib_rail {
	struct tbib_dev *dev;
	const struct tbib_rail_ops *ops;
	struct list_head node;		/* dev->rails: RCU + cfg */
	u32 id;				/* unique within dev, never reused */
	bool dead;			/* cfg; set when unlinked */

	/* configuration (cfg) */
	u8 admin_up;			/* enum tbib_admin_state */
	bool csum;			/* CRC32C on transport frames */
	u32 weight;			/* 0..TBIB_WEIGHT_MAX */
	u64 peer_mac;			/* 0, or only bind to this MAC */

	/* link properties (cfg; data path READ_ONCE) */
	bool carrier;			/* link up and running */
	u32 mtu;			/* bytes of tbib frame */
	u64 rate_mbps;			/* link speed, unweighted */
	unsigned int headroom;		/* link header space xmit needs */

	/* state (cfg writes; data path READ_ONCE) */
	u8 oper_state;			/* enum tbib_rail_state */
	struct tbib_peer __rcu *peer;	/* bound peer while UP */
	u64 dst_addr;			/* peer link address (MAC as u64);
					 * 0: broadcast.  Where xmit sends. */
	u32 peer_rail_id;		/* the peer's id of this link */
	u32 peer_link_mtu;		/* MTU the peer announced, 0: unknown */
	bool peer_up;			/* UP and the peer is bound too: the
					 * rail carries transport frames */

	/* handshake (rail/hello.c) */
	struct timer_list hello_timer;
	struct work_struct hello_work;
	spinlock_t hello_lock;		/* guards the fields below */
	unsigned long hello_last_rx;	/* jiffies of last HELLO from peer */
	u32 hello_pending;		/* TBIB_HELLO_PENDING_* bits */
	struct tbib_hello_info cand;	/* latest HELLO while probing */
	struct tbib_hello_info bye;	/* latest BYE */
	u64 seen_guid;			/* who our HELLOs say we hear */
	u64 seen_gen;
	u32 tx_seq;			/* of the last HELLO or BYE sent */
	/* the newest numbered HELLO or BYE taken: whose, and its seq */
	u64 rx_seq_guid;		/* 0: none yet */
	u64 rx_seq_gen;
	u32 rx_seq_rail;
	u32 rx_seq;

	struct tbib_stats stats;
	void *transport;		/* owned by the transport code */
	struct rcu_head rcu;
};

/* Largest tbib frame both ends of the rail accept. */
static inline u32 tbib_rail_path_mtu(const struct tbib_rail *rail)
{
	u32 mtu = READ_ONCE(rail->mtu), peer = READ_ONCE(rail->peer_link_mtu);

	return peer ? min(mtu, peer) : mtu;
}

/* The link's name, or "" when the rail type has none. */
static inline const char *tbib_rail_link_name(const struct tbib_rail *rail)
{
	return rail->ops->link_name ? rail->ops->link_name(rail) : "";
}

static inline bool tbib_rail_is_up(const struct tbib_rail *rail)
{
	return READ_ONCE(rail->oper_state) == TBIB_RAIL_STATE_UP;
}

/*
 * Transmit one tbib frame (skb->data at the version byte).  The skb must
 * have rail->headroom bytes of headroom (tbib_rail_alloc_skb() does it).
 * Consumes @skb.  Caller holds rcu_read_lock() (or the cfg lock).
 */
int tbib_rail_xmit(struct tbib_rail *rail, struct sk_buff *skb);
struct sk_buff *tbib_rail_alloc_skb(struct tbib_rail *rail, unsigned int len,
				    gfp_t gfp);

/*
 * Called by rail types for every received frame (skb->data at the
 * version byte, @src the link source address, a MAC as u64).  Softirq,
 * RCU held.
 * Consumes @skb.
 */
void tbib_rail_rx(struct tbib_rail *rail, struct sk_buff *skb, u64 src);

/* Generic part of creation/removal, used by rail types.  cfg lock held. */
int tbib_rail_init(struct tbib_rail *rail, struct tbib_dev *dev,
		   const struct tbib_rail_ops *ops);
int tbib_rail_link(struct tbib_rail *rail);
/*
 * Removes @rail from its device (cfg lock held): sends a BYE, unbinds the
 * peer, updates the port, emits RAIL_DEL.  The caller must then call
 * tbib_rail_destroy() without holding the cfg lock.
 */
void tbib_rail_unlink(struct tbib_rail *rail);
void tbib_rail_destroy(struct tbib_rail *rail);
/* Unlinks and destroys every rail of @dev; takes the cfg lock itself. */
void tbib_rail_del_all(struct tbib_dev *dev);

/* Lookups; cfg lock held. */
struct tbib_rail *tbib_rail_find(struct tbib_dev *dev, u32 id);

/* State inputs (cfg lock held). */
void tbib_rail_set_carrier(struct tbib_rail *rail, bool carrier);
void tbib_rail_set_admin(struct tbib_rail *rail, bool up);
void tbib_rail_set_mtu(struct tbib_rail *rail, u32 mtu);
void tbib_rail_set_rate(struct tbib_rail *rail, u64 mbps);
void tbib_rail_set_weight(struct tbib_rail *rail, u32 weight);
/* The UP rail's peer says it is bound too (@up), or no longer is. */
void tbib_rail_set_peer_up(struct tbib_rail *rail, bool up);
/*
 * Moves the oper state, updating counters, peer binding and the port;
 * @why is an enum tbib_rail_why.
 */
void tbib_rail_set_state(struct tbib_rail *rail, u8 state, u8 why);

/* rail/loop.c: the device's loopback rail, UP, never linked. */
struct tbib_rail *tbib_rail_loop_create(struct tbib_dev *dev);
/*
 * Stops it, drops what it still holds and frees it (its counters go to the
 * device); no frame may be sent on it any more.  May sleep.
 */
void tbib_rail_loop_destroy(struct tbib_rail *rail);

/* rail/netdev.c */
struct tbib_rail_netdev_params {
	int ifindex;			/* or 0 and ifname */
	const char *ifname;
	u64 peer_mac;			/* 0: bind to the first answer */
	u32 weight;
	bool csum;
	bool admin_up;
};

/* Creates a netdev rail; rtnl and cfg lock held. */
int tbib_rail_netdev_add(struct tbib_dev *dev,
			 const struct tbib_rail_netdev_params *p,
			 struct tbib_rail **out, struct netlink_ext_ack *extack);
/* Finds the rail using @ifindex in any device; cfg lock held. */
struct tbib_rail *tbib_rail_netdev_find_ifindex(int ifindex);
int tbib_rail_netdev_init(void);
void tbib_rail_netdev_exit(void);

#endif /* TBIB_RAIL_H */
