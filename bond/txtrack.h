/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sender-side tracking of in-flight PSNs of one QP.
 *
 * For every PSN between the oldest one not cumulatively acknowledged (una)
 * and the next new one (nxt) the tracker knows on which rail it was last sent, with
 * which per-rail send sequence number, and whether it is in flight,
 * acknowledged (selectively) or known lost.
 *
 * Rails are FIFO, so a PSN sent on rail r is lost as soon as a PSN sent
 * later on the same rail is acknowledged (DESIGN.md 6).  Each rail keeps
 * its in-flight PSNs in a list in send order; an incoming SACK marks PSNs
 * acknowledged and walks the lists of the rails concerned, moving every
 * unacknowledged PSN sent before an acknowledged one to the lost set.
 * Only PSNs sent once count as evidence: the ack of a retransmitted PSN
 * may stem from an earlier copy on another rail (Karn's rule), and using
 * it would declare packets still in flight lost, in cascade after a
 * failover.
 * A selective ack only spares a PSN its resend: the receiver may still
 * drop what it holds (a new SACK epoch), so PSNs retire, and their WQEs
 * complete, only when the cumulative PSN passes them.
 * The caller drains the lost set with tbib_txtrack_next_lost() and
 * re-registers each retransmission with tbib_txtrack_sent().
 *
 * Not thread-safe: the QP's send side serializes access.  The caller
 * allocates tbib_txtrack_size(cap) bytes.
 */
#ifndef TBIB_TXTRACK_H
#define TBIB_TXTRACK_H

#include "bond/portable.h"
#include "bond/psn.h"
#include "bond/wire.h"

#define TBIB_TXT_NIL		0xFFFF

/* Entry flags: exactly one of LINKED, LOST, ACKED for PSNs in [una, nxt). */
#define TBIB_TXT_LINKED		0x01	/* in flight, on its rail's list */
#define TBIB_TXT_ACKED		0x02	/* selectively acknowledged */
#define TBIB_TXT_LOST		0x04	/* must be resent */
#define TBIB_TXT_RETX		0x08	/* has been sent more than once */

struct tbib_txtrack_ent {
	u32 seq;		/* rail send sequence of the last transmission */
	u32 bytes;		/* wire bytes of the last transmission */
	u16 prev, next;		/* rail list, slot indices or TBIB_TXT_NIL */
	u8 rail;		/* rail of the last transmission */
	u8 flags;
	u8 tries;		/* transmissions - 1, saturating at 255 */
	u8 pad;
};

struct tbib_txtrack_rail {
	u16 head, tail;		/* in-flight list, oldest first */
	u32 next_seq;		/* send sequence of the next packet */
	u32 count;		/* PSNs in flight on the rail */
	u32 bytes;		/* their bytes */
};

struct tbib_txtrack {
	u32 cap;		/* power of two, 2..TBIB_WIN_MAX */
	u32 mask;
	u32 una;		/* oldest PSN not cumulatively acked */
	u32 nxt;		/* next new PSN */
	u32 nlost;		/* PSNs waiting for retransmission */
	u32 nacked;		/* selectively acked PSNs in [una, nxt) */
	u8 epoch;		/* receiver's SACK epoch */
	struct tbib_txtrack_rail rail[TBIB_MAX_RAILS];
	u64 lost[TBIB_WIN_MAX / 64];	/* bit per slot, mirrors TBIB_TXT_LOST */
	struct tbib_txtrack_ent ent[];
};

/* What a SACK changed. */
struct tbib_txtrack_ack {
	u32 acked;		/* PSNs newly acknowledged */
	u32 acked_bytes;
	u32 lost;		/* PSNs newly found lost on their rail */
	u32 ignored;		/* SACK bits for PSNs never sent (peer bug) */
	u32 rail_acked_bytes[TBIB_MAX_RAILS];	/* by rail of last send */
	bool una_advanced;	/* rearm the retransmit timer */
	bool stale;		/* SACK of an older epoch: ignored */
	bool renege;		/* new epoch: everything from cum resent */
};

/* Entry snapshot for callers and tests. */
struct tbib_txtrack_info {
	u8 rail;
	u8 flags;
	u8 tries;
	u32 seq;
	u32 bytes;
};

/* Bytes to allocate for a tracker of cap PSNs (0 if cap is invalid). */
size_t tbib_txtrack_size(u32 cap);

/* Start empty with next PSN start_psn. */
int tbib_txtrack_init(struct tbib_txtrack *t, u32 cap, u32 start_psn);

/* New PSNs that may be sent now (cap - outstanding). */
static inline u32 tbib_txtrack_space(const struct tbib_txtrack *t)
{
	return t->cap - ((t->nxt - t->una) & TBIB_PSN_MASK);
}

/* PSNs between una and nxt, whatever their state. */
static inline u32 tbib_txtrack_outstanding(const struct tbib_txtrack *t)
{
	return (t->nxt - t->una) & TBIB_PSN_MASK;
}

static inline u32 tbib_txtrack_next_psn(const struct tbib_txtrack *t)
{
	return t->nxt;
}

/* Oldest unacknowledged PSN (== next PSN when nothing is outstanding). */
static inline u32 tbib_txtrack_una(const struct tbib_txtrack *t)
{
	return t->una;
}

/*
 * Record a transmission of psn on rail.  psn == next PSN: a new packet
 * (-ENOSPC if the window is full).  psn already outstanding: a
 * retransmission, which moves the PSN to the tail of rail's list (it may
 * be another rail than before).  -EALREADY if psn is already acked,
 * -EINVAL if outside [una, nxt] or rail >= TBIB_MAX_RAILS.
 */
int tbib_txtrack_sent(struct tbib_txtrack *t, u32 psn, u8 rail, u32 bytes);

/*
 * Apply a SACK.  Returns 0 (see *a for what changed, a->stale if the
 * epoch is old and the SACK was ignored, a->ignored for bits naming PSNs
 * never sent) or -EINVAL if its cumulative PSN is beyond what was sent;
 * nothing is changed then.
 */
int tbib_txtrack_on_sack(struct tbib_txtrack *t, const struct tbib_sack *s,
			 struct tbib_txtrack_ack *a);

/*
 * Cumulative acknowledgement of everything before cum, in the current
 * epoch (implicit acks: READ response, ATOMIC ACK).  As tbib_txtrack_on_sack().
 */
int tbib_txtrack_ack_upto(struct tbib_txtrack *t, u32 cum,
			  struct tbib_txtrack_ack *a);

/* Lowest PSN waiting for retransmission, if any (not removed). */
bool tbib_txtrack_next_lost(const struct tbib_txtrack *t, u32 *psn);

/*
 * Declare psn lost (retransmit timer, RNR, NAK): 0, -EALREADY if acked,
 * -EINVAL if not outstanding.
 */
int tbib_txtrack_mark_lost(struct tbib_txtrack *t, u32 psn);

/*
 * Retransmit timeout with nothing left to resend: everything outstanding
 * is SACKed, so the ACK that would move the cumulative PSN was lost.
 * Mark una lost anyway: its resend is a duplicate that makes the receiver
 * acknowledge again.  Returns true if una was marked.
 */
bool tbib_txtrack_probe(struct tbib_txtrack *t);

/* Rail went away: everything in flight on it becomes lost; returns count. */
u32 tbib_txtrack_rail_down(struct tbib_txtrack *t, u8 rail);

/* Oldest unacknowledged PSN, for the retransmit timer. */
bool tbib_txtrack_oldest(const struct tbib_txtrack *t, u32 *psn);

/* State of an outstanding PSN: 0 or -EINVAL. */
int tbib_txtrack_get(const struct tbib_txtrack *t, u32 psn,
		     struct tbib_txtrack_info *info);

/* Internal consistency check for tests and debugging: 0 or -EINVAL. */
int tbib_txtrack_check(const struct tbib_txtrack *t);

#endif /* TBIB_TXTRACK_H */
