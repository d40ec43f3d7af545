/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A rail is one link of a tbib device.  The generic object here holds what
 * every rail type shares (identity, state, binding to a peer, handshake
 * state, counters); a rail type (netdev today, USB4 later) supplies a small
 * ops table and embeds struct tbib_rail in its own structure.
 *
 * The rail layer is the bottom one: it knows links, not peers or QPs.  The
 * rails of one device form a struct tbib_rail_set, embedded by the layer
 * above (bond/bond.h), which registers the set's ops: every received frame
 * and every change of a rail's inputs (carrier, admin state, MTU, rate,
 * weight, creation, removal) goes up through them, nothing else.  The
 * rail's oper state and its binding to a peer are fields here because the
 * data path of every layer reads them, but only the layer above writes
 * them (bond/bind.c); likewise the handshake fields (bond/hello.c).
 *
 * Locking: see kmod/tbib.h.  Fields marked "cfg" change under tbib_cfg_lock
 * only; fields marked "rcu" are read by the data path under
 * rcu_read_lock() and published with rcu_assign_pointer()/WRITE_ONCE().
 */
#ifndef TBIB_RAIL_H
#define TBIB_RAIL_H

#include <linux/list.h>
#include <linux/if_ether.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>

#include "netlink/uapi/tbib.h"
#include "rail/stats.h"

struct tbib_rail;
struct tbib_rail_set;
struct tbib_peer;

/*
 * The one configuration lock of the module (kmod/tbib.h says what it
 * covers); defined here, in the bottom layer, because every layer takes it.
 */
extern struct mutex tbib_cfg_lock;

/* Smallest link MTU a rail accepts (control frames, transport headers). */
#define TBIB_RAIL_MTU_MIN	512
/* Rate assumed for links that do not report a speed (veth, virtio). */
#define TBIB_RAIL_RATE_DEFAULT	10000	/* Mbit/s */

/* What changed, for tbib_rail_set_ops.changed. */
enum tbib_rail_change {
	TBIB_RAIL_CHG_ADDED,		/* linked into its set, started */
	TBIB_RAIL_CHG_REMOVING,		/* about to be unlinked */
	TBIB_RAIL_CHG_REMOVED,		/* unlinked (rail->dead set) */
	TBIB_RAIL_CHG_CARRIER,
	TBIB_RAIL_CHG_ADMIN,
	TBIB_RAIL_CHG_MTU,
	TBIB_RAIL_CHG_RATE,
	TBIB_RAIL_CHG_WEIGHT,
	TBIB_RAIL_CHG_NAME,		/* the link was renamed */
	TBIB_RAIL_CHG_GOING_DOWN,	/* the link stops now: last words */
};

/*
 * How a rail reaches the layer that owns its set.  Every callback is
 * mandatory.
 */
struct tbib_rail_set_ops {
	/* Name of the owning device, for logs and traces.  Any context. */
	const char *(*name)(const struct tbib_rail_set *set);
	/* A new rail gets its owner's state (before it is linked); cfg lock. */
	void (*init)(struct tbib_rail *rail);
	/*
	 * A frame arrived (at least 2 bytes linear, skb->data at the
	 * version byte, @src the link source address).  Softirq, RCU held.
	 * Consumes @skb.
	 */
	void (*rx)(struct tbib_rail *rail, struct sk_buff *skb, u64 src);
	/* @what changed on @rail; cfg lock held, process context. */
	void (*changed)(struct tbib_rail *rail, enum tbib_rail_change what);
	/*
	 * The rail is being destroyed and its link receives no more: stop
	 * every timer and work of the owner's state.  No lock held.
	 */
	void (*detach)(struct tbib_rail *rail);
};

/* The rails of one device. */
struct tbib_rail_set {
	struct list_head list;		/* struct tbib_rail; RCU + cfg */
	u32 num;			/* cfg */
	u32 next_id;			/* cfg; ids are never reused */
	const struct tbib_rail_set_ops *ops;
	struct tbib_stats *stats;	/* removed rails' counters go here */
};

static inline const char *tbib_rail_set_name(const struct tbib_rail_set *set)
{
	return set->ops->name(set);
}

/* What a HELLO or BYE told us (host order); see bond/hello.h. */
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
	struct tbib_rail_set *set;
	const struct tbib_rail_ops *ops;
	struct list_head node;		/* set->list: RCU + cfg */
	struct list_head all;		/* tbib_rails: cfg */
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

	/* handshake (bond/hello.c) */
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
	int spray_slot;			/* bond/spray.c: slot + 1, 0: none */
	struct rcu_head rcu;
};

/* Every linked rail of every set (rail types find theirs); cfg lock. */
extern struct list_head tbib_rails;

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

/* An empty set whose events go to @ops; removed rails count in @stats. */
void tbib_rail_set_init(struct tbib_rail_set *set,
			const struct tbib_rail_set_ops *ops,
			struct tbib_stats *stats);

/* Generic part of creation/removal, used by rail types.  cfg lock held. */
int tbib_rail_init(struct tbib_rail *rail, struct tbib_rail_set *set,
		   const struct tbib_rail_ops *ops);
int tbib_rail_link(struct tbib_rail *rail);
/*
 * Removes @rail from its set (cfg lock held); the owner hears of it before
 * (it takes the rail down, which says goodbye to the peer) and after.  The
 * caller must then call tbib_rail_destroy() without holding the cfg lock.
 */
void tbib_rail_unlink(struct tbib_rail *rail);
void tbib_rail_destroy(struct tbib_rail *rail);
/* Unlinks and destroys every rail of @set; takes the cfg lock itself. */
void tbib_rail_del_all(struct tbib_rail_set *set);

/* Lookups; cfg lock held. */
struct tbib_rail *tbib_rail_find(struct tbib_rail_set *set, u32 id);

/* Link inputs (cfg lock held); the set's owner hears of each change. */
void tbib_rail_set_carrier(struct tbib_rail *rail, bool carrier);
void tbib_rail_set_admin(struct tbib_rail *rail, bool up);
void tbib_rail_set_mtu(struct tbib_rail *rail, u32 mtu);
void tbib_rail_set_rate(struct tbib_rail *rail, u64 mbps);
void tbib_rail_set_weight(struct tbib_rail *rail, u32 weight);
/* The link was renamed / is about to stop (last chance to send). */
void tbib_rail_renamed(struct tbib_rail *rail);
void tbib_rail_going_down(struct tbib_rail *rail);

/* rail/loop.c: the device's loopback rail, UP, never linked. */
struct tbib_rail *tbib_rail_loop_create(struct tbib_rail_set *set);
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
int tbib_rail_netdev_add(struct tbib_rail_set *set,
			 const struct tbib_rail_netdev_params *p,
			 struct tbib_rail **out, struct netlink_ext_ack *extack);
/* Finds the rail using @ifindex in any set; cfg lock held. */
struct tbib_rail *tbib_rail_netdev_find_ifindex(int ifindex);
int tbib_rail_netdev_init(void);
void tbib_rail_netdev_exit(void);

#endif /* TBIB_RAIL_H */
