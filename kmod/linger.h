/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What an RC responder leaves behind when its QP stops receiving
 * (destroy, error, reset): enough to acknowledge, for a few seconds,
 * the retransmissions of requests it had already executed.
 *
 * An application typically destroys its QP as soon as its last receive
 * completes (ibv_rc_pingpong, perftest).  If the ACK of that last
 * message is lost on a rail, the peer's requester resends it to a QP
 * that no longer exists, hears nothing and fails its WQE with
 * "retry exceeded" although the data had arrived.  A lingering entry
 * answers such a duplicate with the final cumulative ACK; it never
 * accepts or executes anything (a PSN it has not seen gets no answer,
 * as from a real HCA, and READ data cannot be replayed: a READ whose
 * response was lost still fails).  Like TCP's TIME_WAIT, but only for
 * duplicates.
 *
 * A responder that stopped on a fatal error (a NAK: remote access error,
 * invalid request, ...) repeats that NAK instead, to any request of the
 * connection near the refused PSN: a NAK lost on a rail would otherwise
 * turn the requester's "remote access error" into "retry exceeded".
 */
#ifndef TBIB_LINGER_H
#define TBIB_LINGER_H

#include <linux/spinlock.h>
#include <linux/types.h>

struct sk_buff;
struct tbib_conn;
struct tbib_dev;
struct tbib_peer;
struct tbib_pkt;

#define TBIB_LINGER_SLOTS	32	/* most recent stopped RC responders */
#define TBIB_LINGER_MS		4000	/* covers retry_cnt 7 x timeout 18 */

struct tbib_linger_ent {
	unsigned long expires;		/* jiffies; 0 = free */
	u32 qpn;			/* the stopped QP */
	u32 dlid, dqpn, gen;		/* its connection (requests from) */
	u32 cum;			/* first PSN it had not received, */
					/* or the one its fatal NAK refused */
	u32 msn;
	u8 epoch;			/* SACK epoch of its reorder window */
	u8 nak;				/* that NAK's AETH syndrome, or 0 */
};

struct tbib_linger {
	spinlock_t lock;		/* BH; guards ent[] and next */
	unsigned int next;		/* slot to overwrite */
	struct tbib_linger_ent ent[TBIB_LINGER_SLOTS];
};

void tbib_linger_init(struct tbib_linger *l);

/*
 * @c's responder stops (c->lock held, rx_on still set): send the ACK it
 * still owed and remember its final state.
 */
void tbib_linger_note(struct tbib_conn *c);

/*
 * A request with @psn is answered by the fatal NAK of @err_psn: any PSN
 * the requester may resend with or after the refused one.
 */
bool tbib_linger_failed_match(u32 err_psn, u32 psn);

/*
 * A request @p (header parsed, from @peer) found no live connection: if it
 * repeats a PSN a stopped responder had received, acknowledge it (or
 * repeat the NAK it stopped with).
 * Returns true if it was answered (the caller still frees @skb).
 */
bool tbib_linger_rx(struct tbib_dev *dev, struct tbib_peer *peer,
		    const struct tbib_pkt *p);

#endif
