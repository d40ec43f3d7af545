/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The striping core of one device: its identity on the links, its rails,
 * the peers they bind to, and the one interface through which the core
 * tells the layer above (the HCA, kmod/) what happened.
 *
 * The HCA embeds a struct tbib_bond in its device and fills in its
 * identity and ops before the first rail is added; the bond embeds the
 * device's rail set and owns the rails' oper state and handshake
 * (bond/bind.c, bond/hello.c).  Events flow upward only through
 * tbib_bond_ops; calls flow downward.
 *
 * Locking as in kmod/tbib.h: the lists and identity change under
 * tbib_cfg_lock, the data path reads them under RCU.
 */
#ifndef TBIB_BOND_H
#define TBIB_BOND_H

#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

#include "rail/rail.h"

struct sk_buff;
struct tbib_bond;
struct tbib_peer;

/*
 * What the layer above hears of.  Every callback is mandatory; all but
 * @name and @rx are called under the cfg lock in process context.
 */
struct tbib_bond_ops {
	/* The device's name, for logs and traces.  Any context. */
	const char *(*name)(const struct tbib_bond *b);
	/*
	 * A transport frame (type >= TBIB_FRAME_TYPE_TRANSPORT_MIN) arrived
	 * on @rail, which is UP, bound to a peer, and the frame came from
	 * that peer's address.  Softirq, RCU held.  Consumes @skb.
	 */
	void (*rx)(struct tbib_rail *rail, struct sk_buff *skb);
	/*
	 * @rail changed what it can carry (oper state, peer_up, weight) or
	 * was removed (rail->dead); the peer's rail set is up to date.
	 */
	void (*rail_changed)(struct tbib_rail *rail);
	/* @peer is unlinked and dead; its memory lives until the last put. */
	void (*peer_gone)(struct tbib_peer *peer);
	/* Announce (TBIB_CMD_RAIL_ADD/DEL/SET, PEER_NEW/DEL/SET). */
	void (*rail_event)(struct tbib_rail *rail, u8 cmd);
	void (*peer_event)(struct tbib_peer *peer, u8 cmd);
	/* Something the port reports may have changed (rails, carrier). */
	void (*port_event)(struct tbib_bond *b);
	/* The bond's own state changed (b->lid_conflict). */
	void (*bond_event)(struct tbib_bond *b);
};

struct tbib_bond {
	u64 guid;			/* node GUID, host order, immutable */
	u64 generation;			/* boot nonce sent in HELLO, immutable */
	u32 lid;			/* cfg lock; data path: READ_ONCE */
	bool lid_conflict;		/* a peer uses our LID (cfg lock) */

	struct tbib_rail_set rails;
	struct list_head peers;		/* struct tbib_peer; RCU + cfg lock */
	u32 num_peers;
	u32 next_peer_id;

	/* loopback (rail/loop.c): frames to our own LID come back */
	struct tbib_rail *loop_rail;
	struct tbib_peer __rcu *self_peer;

	struct tbib_stats *stats;	/* dead peers' counters go here */
	const struct tbib_bond_ops *ops;
	struct list_head node;		/* tbib_bonds (cfg lock) */
};

/* Every bond (debugfs walks them); cfg lock. */
extern struct list_head tbib_bonds;

static inline struct tbib_bond *tbib_rail_bond(const struct tbib_rail *rail)
{
	return container_of(rail->set, struct tbib_bond, rails);
}

static inline const char *tbib_bond_name(const struct tbib_bond *b)
{
	return b->ops->name(b);
}

/*
 * An empty bond (identity and ops set by the caller before, not changed
 * after) on the list of bonds; cfg lock held.
 */
void tbib_bond_init(struct tbib_bond *b, struct tbib_stats *stats);
/* Off the list; its rails and peers are gone.  cfg lock held. */
void tbib_bond_fini(struct tbib_bond *b);
/*
 * Our LID changed (cfg lock): recheck conflicts, tell every peer.  The
 * caller announces the device itself.
 */
void tbib_bond_set_lid(struct tbib_bond *b, u32 lid);
/*
 * Rechecks whether a peer uses our LID or another peer's; a peer whose flag
 * flips is announced (PEER_SET), but for @quiet, which its caller announces.
 * cfg lock held.
 */
void tbib_bond_check_lid_conflict(struct tbib_bond *b,
				  struct tbib_peer *quiet);

#endif /* TBIB_BOND_H */
