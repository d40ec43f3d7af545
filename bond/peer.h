/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Peers: the remote HCAs a tbib device reaches through its rails.
 *
 * A peer is created when the first rail binds to a remote device (by its
 * GUID, learnt in the rail handshake) and removed when its last rail goes
 * down or away (PEER_DEL event).  A new boot generation from a known GUID
 * means the remote restarted: the old peer is removed first.
 *
 * The transport finds the peer of a destination LID with
 * tbib_peer_find_lid_rcu() and picks one of peer->rails; both are RCU
 * protected.  To keep a peer beyond the RCU section, take a reference
 * (tbib_peer_get) and check tbib_peer_dead() when using it again.
 */
#ifndef TBIB_PEER_H
#define TBIB_PEER_H

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

#include "bond/bond.h"

struct tbib_rail;
struct tbib_tpeer;

/* The rails that are UP to one peer, replaced as a whole on change. */
struct tbib_peer_rails {
	struct rcu_head rcu;
	unsigned int num;
	struct tbib_rail *rail[];
};

struct tbib_peer {
	struct list_head node;		/* bond->peers: RCU + cfg lock */
	struct tbib_bond *bond;
	u32 id;				/* creation order; dump cursor */
	bool dead;			/* cfg lock; READ_ONCE elsewhere */

	u64 guid;			/* remote node GUID, immutable */
	u64 generation;			/* remote boot nonce, immutable */
	u32 lid;			/* cfg lock; READ_ONCE elsewhere */
	bool lid_conflict;		/* same LID as us or another peer */
	bool announced;			/* PEER_NEW sent; cfg lock */

	struct tbib_peer_rails __rcu *rails;	/* never NULL while alive */

	struct tbib_stats stats;
	struct tbib_tpeer *tp;		/* its rail scheduler (bond/spray.c) */
	struct kref ref;
	struct rcu_head rcu;
};

static inline bool tbib_peer_dead(const struct tbib_peer *peer)
{
	return READ_ONCE(peer->dead);
}

/* Data path lookups, caller holds rcu_read_lock(). */
struct tbib_peer *tbib_peer_find_lid_rcu(struct tbib_bond *b, u32 lid);

/* Lookups under the cfg lock. */
struct tbib_peer *tbib_peer_find_guid(struct tbib_bond *b, u64 guid);
struct tbib_peer *tbib_peer_find_id(struct tbib_bond *b, u32 id);

void tbib_peer_get(struct tbib_peer *peer);
void tbib_peer_put(struct tbib_peer *peer);

/*
 * Creates a peer with no rails; cfg lock held.  Listeners hear of it
 * (PEER_NEW) only once its first rail is bound, so that the event names
 * its rails; every later change of its rail set, LID or LID conflict is a
 * PEER_SET.
 */
struct tbib_peer *tbib_peer_create(struct tbib_bond *b, u64 guid, u64 gen,
				   u32 lid);
/* The device's own peer behind its loopback rail @loop; cfg lock held. */
struct tbib_peer *tbib_peer_create_self(struct tbib_bond *b,
					struct tbib_rail *loop);
/*
 * Binds/unbinds an UP rail (cfg lock).  Unbinding the last rail deletes
 * the peer; unbinding a rail that tbib_peer_add_rail() failed to add
 * changes nothing else.
 */
int tbib_peer_add_rail(struct tbib_peer *peer, struct tbib_rail *rail);
void tbib_peer_del_rail(struct tbib_peer *peer, struct tbib_rail *rail);
/*
 * The remote restarted: takes every rail of @peer down to PROBING and
 * deletes it (cfg lock).
 */
void tbib_peer_reset(struct tbib_peer *peer);
/* Updates the LID a peer announced (cfg lock). */
void tbib_peer_set_lid(struct tbib_peer *peer, u32 lid);
/*
 * Test hook (debugfs tbib/fail_peer_rails): while positive, each
 * replacement of a peer's rail set fails as if out of memory and counts
 * it down.
 */
extern atomic_t tbib_peer_fail_rails;

/* Deletes every peer of a dying device (cfg lock, rails already gone). */
void tbib_peer_del_all(struct tbib_bond *b);

#endif /* TBIB_PEER_H */
