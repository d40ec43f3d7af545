/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rail scheduler: picks, for each packet to a peer, the rail expected to
 * finish sending it first (DESIGN.md 7).
 *
 * Finish time of a packet of B bytes on rail r:
 *	(queued_r + inflight_r + B) / effective_rate_r
 * where queued_r is what the rail has been given and not yet completed
 * (packets nobody acknowledges: the caller drains it, see
 * tbib_sched_completed), inflight_r the bytes of acknowledged packets
 * sent on it and not acknowledged (or found lost) yet, and
 * effective_rate_r is the rail's rate (link speed, or the delivery rate
 * measured from ACKs once known) scaled by the administrator's weight
 * (TBIB_SCHED_WEIGHT_UNIT = nominal, 0 = carries nothing new).
 *
 * The in-flight bytes are what makes the choice follow the real rails:
 * a rail slower than announced keeps more bytes unacknowledged and gets
 * fewer new ones, and rails that all keep up (nothing queues anywhere)
 * settle with in-flight bytes, and so traffic shares, proportional to
 * their effective rates, i.e. to the weights on rails of equal speed.
 * Rails that are down, stopped (tx queue full) or whose MTU is smaller
 * than the packet are skipped.  Ties rotate, so equal idle rails share.
 *
 * Integer arithmetic only (it runs in the kernel).  Not thread-safe: the
 * peer serializes picks and accounting.
 */
#ifndef TBIB_SCHED_H
#define TBIB_SCHED_H

#include "bond/portable.h"

#define TBIB_SCHED_WEIGHT_UNIT	100		/* TBIB_WEIGHT_DEFAULT */
#define TBIB_SCHED_WEIGHT_MAX	1000		/* TBIB_WEIGHT_MAX */
#define TBIB_SCHED_DEFAULT_KBPS	10000000ULL	/* unknown link speed */
#define TBIB_SCHED_MAX_KBPS	0xFFFFFFFFULL	/* ~4.3 Tbit/s */

struct tbib_sched_rail {
	bool present;		/* slot in use */
	bool up;		/* operational, bound to the peer */
	bool stopped;		/* tx queue stopped: skip for now */
	u32 weight;		/* 0..TBIB_SCHED_WEIGHT_MAX */
	u32 mtu;		/* largest packet the rail takes, bytes */
	u64 link_kbps;		/* nominal link speed, 0 = unknown */
	u64 meas_kbps;		/* rate measured from ACKs, 0 = none yet */
	u64 queued;		/* bytes given to the rail, not completed */
	u64 inflight;		/* acked kind: sent, not acked or lost yet */
	u64 left;		/* bytes that left the flight this tick */
	u8 slow_ticks;		/* ticks in a row it lagged the quickest */
	u64 picked_bytes;	/* totals of tbib_sched_queued/sent() */
	u64 picked_pkts;
};

struct tbib_sched {
	struct tbib_sched_rail rail[TBIB_MAX_RAILS];
	u32 last;		/* last rail picked, for tie rotation */
	u64 tick_ns;		/* start of the current measuring tick */
};

/* Measuring tick of tbib_sched_tick() */
#define TBIB_SCHED_TICK_NS	50000000ULL
/* Ticks in a row a rail must lag before what it delivers is its rate */
#define TBIB_SCHED_SLOW_TICKS	3
/*
 * A byte that stays in flight less than this is not queueing behind its
 * link, however much longer than on the quickest rail: with a handful of
 * packets in flight the ratio of two flights is sampling noise (and the
 * quickest may have nothing in flight at the instant of the tick).
 */
#define TBIB_SCHED_LAG_MIN_NS	1000000ULL
/*
 * Nor does a rail with less than this in flight: its bytes wait for the
 * other end (a READ request for its answer), not behind its own link, and
 * what it delivers per tick says nothing of its rate.  (Measured from a
 * stream of small READ requests, three rails' estimates fell to a few
 * kbit/s; with no traffic they never grew back, and every later WRITE
 * went over the fourth rail alone.)
 */
#define TBIB_SCHED_LAG_MIN_BYTES	(16 * 1024)

void tbib_sched_init(struct tbib_sched *s);

/* Add (or re-add) a rail: up, not stopped, nothing queued. */
int tbib_sched_rail_add(struct tbib_sched *s, u8 rail, u64 link_kbps,
			u32 weight, u32 mtu);
void tbib_sched_rail_del(struct tbib_sched *s, u8 rail);

int tbib_sched_set_weight(struct tbib_sched *s, u8 rail, u32 weight);
int tbib_sched_set_link(struct tbib_sched *s, u8 rail, u64 link_kbps);
int tbib_sched_set_mtu(struct tbib_sched *s, u8 rail, u32 mtu);
int tbib_sched_set_up(struct tbib_sched *s, u8 rail, bool up);
int tbib_sched_set_stopped(struct tbib_sched *s, u8 rail, bool stopped);

/*
 * Rail that finishes a packet of bytes first, or -ENOLINK if no rail can
 * take it.  tbib_sched_pick_excl() avoids the rails in excl_mask unless
 * no other rail qualifies (a retransmission prefers another rail).
 */
int tbib_sched_pick(struct tbib_sched *s, u32 bytes);
int tbib_sched_pick_excl(struct tbib_sched *s, u32 bytes, u32 excl_mask);

/* Accounting: bytes handed to a rail, and bytes it has finished. */
void tbib_sched_queued(struct tbib_sched *s, u8 rail, u32 bytes);
void tbib_sched_completed(struct tbib_sched *s, u8 rail, u32 bytes);

/*
 * Accounting of packets the peer acknowledges: a packet of @bytes sent
 * on a rail (counted in the picked totals like tbib_sched_queued), and
 * corrections of the rail's flight (more in flight, or bytes that left
 * it: acknowledged or found lost).  Going down empties a rail's flight;
 * what is taken off later stops at 0.
 */
void tbib_sched_sent(struct tbib_sched *s, u8 rail, u32 bytes);
void tbib_sched_inflight_add(struct tbib_sched *s, u8 rail, u32 bytes);
void tbib_sched_inflight_sub(struct tbib_sched *s, u8 rail, u32 bytes);

/*
 * Feed a delivery-rate sample: bytes acknowledged for the rail over ns.
 * A sample above the current estimate is always taken in; a lower one
 * only if the rail was busy (backlogged) the whole interval, since an
 * idle rail delivers less than it could.  Smoothed (1/4 gain).
 */
void tbib_sched_rate_sample(struct tbib_sched *s, u8 rail, u64 bytes, u64 ns,
			    bool busy);

/*
 * Learn the rails' real rates from their flights, once per tick (call it
 * before picks; @now_ns from a monotonic clock).  A rail on which a byte
 * stays in flight (Little's law: in flight / delivery rate) at least
 * TBIB_SCHED_LAG_MIN_NS and half as long again as on the quickest rail,
 * TBIB_SCHED_SLOW_TICKS ticks in a row, queues behind its own link: what
 * it delivered is its rate (a busy sample).  The quickest is taken among
 * rails with something in flight: an empty flight at the instant of the
 * tick tells nothing of how long bytes take; an idle rail measured slow
 * counts with what one packet of its MTU would take on it.  (One lagging
 * tick proves nothing either: a burst of receive work on a shared CPU
 * delays one rail's ACKs now and then, and measuring it slow would cut
 * its share for the next second.)  Other rails are not what limits their
 * traffic: their estimate grows back by 1/4 a tick towards the link speed
 * if they delivered at least half of it that tick, so a rail measured
 * slow gets to show it is faster, and one left idle keeps what was
 * measured.  Rails that all keep up, or all queue alike, keep their link
 * speed and share by weight.
 */
void tbib_sched_tick(struct tbib_sched *s, u64 now_ns);

/* Rate the scheduler uses for a rail, kbit/s, weight applied. */
u64 tbib_sched_eff_kbps(const struct tbib_sched *s, u8 rail);

/* Usable rails (present, up, weight > 0) as a bitmask. */
u32 tbib_sched_usable(const struct tbib_sched *s);

#endif /* TBIB_SCHED_H */
