/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counters of devices, rails and peers (the STATS nest of the netlink
 * objects and the ib_core hw counters), indexed by enum tbib_a_stats.
 *
 * Monotonic counters are per-cpu so the data path never bounces a cache
 * line: tbib_stat_add() may be called from any context (process, softirq,
 * hard irq).  The two reorder gauges are atomics.  Readers sum all cpus;
 * a 64-bit read of another cpu's slot is atomic on the 64-bit machines
 * tbib targets.
 *
 * Each event is counted once, on the most specific object (a frame on the
 * rail it used, a retransmit on its peer, a frame for an unknown QP on the
 * device).  Device totals are the device's own counters plus those of its
 * live rails and peers; a rail or peer folds its counters into its device
 * when it goes away, so totals never go backwards.  The exception: a
 * peer's tx/rx packets and bytes are a per-peer view of the traffic its
 * rails count, never added to the device total nor folded into it.
 */
#ifndef TBIB_STATS_H
#define TBIB_STATS_H

#include <linux/percpu.h>
#include <linux/atomic.h>
#include <linux/types.h>
#include "netlink/uapi/tbib.h"	/* enum tbib_a_stats */

#define TBIB_STATS_NUM	(TBIB_A_STATS_MAX + 1)
/* First real counter; UNSPEC and PAD are not counters. */
#define TBIB_STATS_FIRST	TBIB_A_STATS_TX_PACKETS

struct tbib_counters {
	u64 v[TBIB_STATS_NUM];
};

struct tbib_stats {
	struct tbib_counters __percpu *pcpu;
	atomic64_t depth;	/* TBIB_A_STATS_REORDER_DEPTH */
	atomic64_t depth_max;	/* TBIB_A_STATS_REORDER_DEPTH_MAX */
};

int tbib_stats_init(struct tbib_stats *s);
void tbib_stats_free(struct tbib_stats *s);

static inline void tbib_stat_add(struct tbib_stats *s, unsigned int idx, u64 n)
{
	this_cpu_add(s->pcpu->v[idx], n);
}

static inline void tbib_stat_inc(struct tbib_stats *s, unsigned int idx)
{
	this_cpu_inc(s->pcpu->v[idx]);
}

/* Reorder gauge: packets held now (delta may be negative). */
void tbib_stat_depth_add(struct tbib_stats *s, long delta);

/* Transport packets and bytes, counted by rails and, as a view, by peers. */
static inline bool tbib_stat_is_traffic(unsigned int idx)
{
	return idx == TBIB_A_STATS_TX_PACKETS || idx == TBIB_A_STATS_TX_BYTES ||
	       idx == TBIB_A_STATS_RX_PACKETS || idx == TBIB_A_STATS_RX_BYTES;
}

/*
 * Adds the counters of @s into @out (sums; the depth maximum is a max).
 * @out must have TBIB_STATS_NUM entries and be initialised by the caller.
 * The _peer variant leaves out the traffic counters (device totals).
 */
void tbib_stats_accumulate(const struct tbib_stats *s, u64 *out);
void tbib_stats_accumulate_peer(const struct tbib_stats *s, u64 *out);

/* Folds the counters of a dying object into @to (its device). */
void tbib_stats_fold(struct tbib_stats *to, const struct tbib_stats *from);
/* ... of a dying peer: all but the traffic counters. */
void tbib_stats_fold_peer(struct tbib_stats *to, const struct tbib_stats *from);

/* Counter name as used by rdma hw counters ("tx_packets", ...). */
const char *tbib_stat_name(unsigned int idx);

#endif /* TBIB_STATS_H */
