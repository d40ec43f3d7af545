// SPDX-License-Identifier: GPL-2.0
/* Peer objects: see peer.h. */

#include <linux/slab.h>

#include "bond/peer.h"
#include "bond/bind.h"
#include "rail/rail.h"

struct tbib_peer *tbib_peer_find_lid_rcu(struct tbib_bond *b, u32 lid)
{
	struct tbib_peer *peer;

	list_for_each_entry_rcu(peer, &b->peers, node)
		if (READ_ONCE(peer->lid) == lid && !READ_ONCE(peer->dead))
			return peer;
	return NULL;
}

struct tbib_peer *tbib_peer_find_guid(struct tbib_bond *b, u64 guid)
{
	struct tbib_peer *peer;

	lockdep_assert_held(&tbib_cfg_lock);
	list_for_each_entry(peer, &b->peers, node)
		if (peer->guid == guid)
			return peer;
	return NULL;
}

struct tbib_peer *tbib_peer_find_id(struct tbib_bond *b, u32 id)
{
	struct tbib_peer *peer;

	lockdep_assert_held(&tbib_cfg_lock);
	list_for_each_entry(peer, &b->peers, node)
		if (peer->id == id)
			return peer;
	return NULL;
}

void tbib_peer_get(struct tbib_peer *peer)
{
	kref_get(&peer->ref);
}

static void tbib_peer_free_rcu(struct rcu_head *head)
{
	struct tbib_peer *peer = container_of(head, struct tbib_peer, rcu);

	kfree(rcu_access_pointer(peer->rails));
	tbib_stats_free(&peer->stats);
	kfree(peer);
}

static void tbib_peer_release(struct kref *ref)
{
	struct tbib_peer *peer = container_of(ref, struct tbib_peer, ref);

	/* RCU readers may still walk past it in b->peers. */
	call_rcu(&peer->rcu, tbib_peer_free_rcu);
}

void tbib_peer_put(struct tbib_peer *peer)
{
	kref_put(&peer->ref, tbib_peer_release);
}

struct tbib_peer *tbib_peer_create(struct tbib_bond *b, u64 guid, u64 gen,
				   u32 lid)
{
	struct tbib_peer_rails *rails;
	struct tbib_peer *peer;

	lockdep_assert_held(&tbib_cfg_lock);

	peer = kzalloc(sizeof(*peer), GFP_KERNEL);
	rails = kzalloc(sizeof(*rails), GFP_KERNEL);
	if (!peer || !rails || tbib_stats_init(&peer->stats)) {
		kfree(rails);
		kfree(peer);
		return NULL;
	}
	kref_init(&peer->ref);
	peer->bond = b;
	peer->guid = guid;
	peer->generation = gen;
	peer->lid = lid;
	peer->id = b->next_peer_id++;
	RCU_INIT_POINTER(peer->rails, rails);
	list_add_tail_rcu(&peer->node, &b->peers);
	b->num_peers++;
	tbib_bond_check_lid_conflict(b, NULL);
	return peer;
}

/*
 * The device as its own peer, reached through its loopback rail: found by
 * our own LID (tbib_spray_peer), never in b->peers, so it has no id, no
 * events and no LID conflict.  Freed by tbib_peer_put() like any peer.
 */
struct tbib_peer *tbib_peer_create_self(struct tbib_bond *b,
					struct tbib_rail *loop)
{
	struct tbib_peer_rails *rails;
	struct tbib_peer *peer;

	lockdep_assert_held(&tbib_cfg_lock);

	peer = kzalloc(sizeof(*peer), GFP_KERNEL);
	rails = kzalloc(struct_size(rails, rail, 1), GFP_KERNEL);
	if (!peer || !rails || tbib_stats_init(&peer->stats)) {
		kfree(rails);
		kfree(peer);
		return NULL;
	}
	kref_init(&peer->ref);
	INIT_LIST_HEAD(&peer->node);
	peer->bond = b;
	peer->guid = b->guid;
	peer->generation = b->generation;
	peer->lid = b->lid;
	rails->num = 1;
	rails->rail[0] = loop;
	RCU_INIT_POINTER(peer->rails, rails);
	rcu_assign_pointer(loop->peer, peer);
	return peer;
}

/* Tells listeners that @peer changed (or, the first time, exists). */
static void tbib_peer_announce(struct tbib_peer *peer)
{
	peer->bond->ops->peer_event(peer, peer->announced ? TBIB_CMD_PEER_SET :
						   TBIB_CMD_PEER_NEW);
	peer->announced = true;
}

atomic_t tbib_peer_fail_rails = ATOMIC_INIT(0);

/* Replaces the rail set of @peer by the old one +@add / -@del. */
static int tbib_peer_update_rails(struct tbib_peer *peer,
				  struct tbib_rail *add, struct tbib_rail *del)
{
	struct tbib_peer_rails *old, *new;
	unsigned int i, n = 0;

	old = rcu_dereference_protected(peer->rails,
					lockdep_is_held(&tbib_cfg_lock));
	if (atomic_add_unless(&tbib_peer_fail_rails, -1, 0))
		return -ENOMEM;
	new = kzalloc(struct_size(new, rail, old->num + 1), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	for (i = 0; i < old->num; i++)
		if (old->rail[i] != del && old->rail[i] != add)
			new->rail[n++] = old->rail[i];
	if (add)
		new->rail[n++] = add;
	new->num = n;
	rcu_assign_pointer(peer->rails, new);
	kfree_rcu(old, rcu);
	tbib_peer_announce(peer);
	return 0;
}

int tbib_peer_add_rail(struct tbib_peer *peer, struct tbib_rail *rail)
{
	lockdep_assert_held(&tbib_cfg_lock);
	return tbib_peer_update_rails(peer, rail, NULL);
}

static void tbib_peer_delete(struct tbib_peer *peer)
{
	struct tbib_bond *b = peer->bond;
	struct tbib_peer_rails *rails;

	/*
	 * Empty the rail set: a transport holding a reference to the dead
	 * peer must never reach a rail that is freed later.
	 */
	rails = rcu_dereference_protected(peer->rails,
					  lockdep_is_held(&tbib_cfg_lock));
	WRITE_ONCE(rails->num, 0);
	WRITE_ONCE(peer->dead, true);
	list_del_rcu(&peer->node);
	b->num_peers--;
	b->ops->peer_gone(peer);
	if (peer->announced)
		b->ops->peer_event(peer, TBIB_CMD_PEER_DEL);
	/* Counted from here on by the device (see stats.h). */
	tbib_stats_fold_peer(b->stats, &peer->stats);
	tbib_bond_check_lid_conflict(b, NULL);
	tbib_peer_put(peer);
}

void tbib_peer_del_rail(struct tbib_peer *peer, struct tbib_rail *rail)
{
	struct tbib_peer_rails *rails;
	bool found = false;
	unsigned int i, n;

	lockdep_assert_held(&tbib_cfg_lock);

	rails = rcu_dereference_protected(peer->rails,
					  lockdep_is_held(&tbib_cfg_lock));
	for (i = 0, n = 0; i < rails->num; i++) {
		if (rails->rail[i] != rail)
			n++;
		else
			found = true;
	}
	if (!n) {
		tbib_peer_delete(peer);
		return;
	}
	/* Never added (tbib_peer_add_rail() failed): nothing to take out. */
	if (!found)
		return;
	if (tbib_peer_update_rails(peer, NULL, rail)) {
		/*
		 * No memory for a smaller array: remove the rail in place.  A
		 * reader may see the last entry twice, never a freed rail.
		 */
		for (i = 0; i < rails->num; i++)
			if (rails->rail[i] == rail)
				WRITE_ONCE(rails->rail[i],
					   rails->rail[rails->num - 1]);
		WRITE_ONCE(rails->num, rails->num - 1);
		tbib_peer_announce(peer);
	}
}

void tbib_peer_reset(struct tbib_peer *peer)
{
	struct tbib_bond *b = peer->bond;
	struct tbib_rail *rail;

	lockdep_assert_held(&tbib_cfg_lock);

	/* Hold it: unbinding the last rail deletes (and puts) the peer. */
	tbib_peer_get(peer);
	list_for_each_entry(rail, &b->rails.list, node)
		if (rcu_access_pointer(rail->peer) == peer)
			tbib_rail_set_state(rail, TBIB_RAIL_STATE_PROBING,
					    TBIB_RAIL_WHY_PEER_RESTART);
	if (!peer->dead)
		tbib_peer_delete(peer);
	tbib_peer_put(peer);
}

void tbib_peer_set_lid(struct tbib_peer *peer, u32 lid)
{
	lockdep_assert_held(&tbib_cfg_lock);

	if (peer->lid == lid)
		return;
	WRITE_ONCE(peer->lid, lid);
	/* the event carries the conflict flag the new LID gives it */
	tbib_bond_check_lid_conflict(peer->bond, peer);
	if (peer->announced)
		tbib_peer_announce(peer);
}

void tbib_peer_del_all(struct tbib_bond *b)
{
	struct tbib_peer *peer, *tmp;

	lockdep_assert_held(&tbib_cfg_lock);
	list_for_each_entry_safe(peer, tmp, &b->peers, node)
		tbib_peer_delete(peer);
}
