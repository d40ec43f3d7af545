// SPDX-License-Identifier: GPL-2.0
/* Per-object counters: see stats.h for the rules. */

#include <linux/cpumask.h>
#include "rail/stats.h"

static const char *const tbib_stat_names[TBIB_STATS_NUM] = {
	[TBIB_A_STATS_TX_PACKETS]	= "tx_packets",
	[TBIB_A_STATS_TX_BYTES]		= "tx_bytes",
	[TBIB_A_STATS_RX_PACKETS]	= "rx_packets",
	[TBIB_A_STATS_RX_BYTES]		= "rx_bytes",
	[TBIB_A_STATS_RETRANS_FAST]	= "retrans_fast",
	[TBIB_A_STATS_RETRANS_TIMEOUT]	= "retrans_timeout",
	[TBIB_A_STATS_RX_OOO]		= "rx_out_of_order",
	[TBIB_A_STATS_RX_DUP]		= "rx_duplicate",
	[TBIB_A_STATS_REORDER_DEPTH]	= "reorder_depth",
	[TBIB_A_STATS_REORDER_DEPTH_MAX] = "reorder_depth_max",
	[TBIB_A_STATS_TX_DROP]		= "tx_drop",
	[TBIB_A_STATS_RX_DROP_MALFORMED] = "rx_drop_malformed",
	[TBIB_A_STATS_RX_DROP_CSUM]	= "rx_drop_csum",
	[TBIB_A_STATS_RX_DROP_PEER]	= "rx_drop_peer",
	[TBIB_A_STATS_RX_DROP_NO_QP]	= "rx_drop_no_qp",
	[TBIB_A_STATS_RX_DROP_STALE]	= "rx_drop_stale",
	[TBIB_A_STATS_RX_DROP_WINDOW]	= "rx_drop_window",
	[TBIB_A_STATS_RAIL_UP]		= "rail_up",
	[TBIB_A_STATS_RAIL_DOWN]	= "rail_down",
	[TBIB_A_STATS_PROBES_TX]	= "probes_tx",
	[TBIB_A_STATS_PROBES_RX]	= "probes_rx",
	[TBIB_A_STATS_TX_ZEROCOPY]	= "tx_zerocopy",
	[TBIB_A_STATS_TX_LINGER_ACK]	= "tx_linger_ack",
	[TBIB_A_STATS_READ_REREQ_GAP]	= "read_rereq_gap",
	[TBIB_A_STATS_READ_REREQ_LATE]	= "read_rereq_late",
	[TBIB_A_STATS_READ_REREQ_TIMEOUT] = "read_rereq_timeout",
	[TBIB_A_STATS_RX_READ_BYTES]	= "rx_read_bytes",
	[TBIB_A_STATS_RX_READ_DUP_BYTES] = "rx_read_dup_bytes",
	[TBIB_A_STATS_RX_DUP_READ_REQ]	= "rx_dup_read_req",
	[TBIB_A_STATS_READ_REQ_MERGED]	= "read_req_merged",
};

const char *tbib_stat_name(unsigned int idx)
{
	if (idx >= TBIB_STATS_NUM || !tbib_stat_names[idx])
		return "unknown";
	return tbib_stat_names[idx];
}

int tbib_stats_init(struct tbib_stats *s)
{
	s->pcpu = alloc_percpu(struct tbib_counters);
	if (!s->pcpu)
		return -ENOMEM;
	atomic64_set(&s->depth, 0);
	atomic64_set(&s->depth_max, 0);
	return 0;
}

void tbib_stats_free(struct tbib_stats *s)
{
	free_percpu(s->pcpu);
	s->pcpu = NULL;
}

void tbib_stat_depth_add(struct tbib_stats *s, long delta)
{
	s64 now = atomic64_add_return(delta, &s->depth);
	s64 max = atomic64_read(&s->depth_max);

	/* Racing updaters only ever raise the maximum. */
	while (now > max) {
		s64 seen = atomic64_cmpxchg(&s->depth_max, max, now);

		if (seen == max)
			break;
		max = seen;
	}
}

static void tbib_stats_sum(const struct tbib_stats *s, u64 *out, bool traffic)
{
	s64 depth, max;
	int cpu, i;

	if (!s->pcpu)
		return;
	for_each_possible_cpu(cpu) {
		const struct tbib_counters *c = per_cpu_ptr(s->pcpu, cpu);

		for (i = TBIB_STATS_FIRST; i < TBIB_STATS_NUM; i++)
			if (traffic || !tbib_stat_is_traffic(i))
				out[i] += READ_ONCE(c->v[i]);
	}
	depth = atomic64_read(&s->depth);
	max = atomic64_read(&s->depth_max);
	out[TBIB_A_STATS_REORDER_DEPTH] += depth > 0 ? depth : 0;
	if (max > 0 && (u64)max > out[TBIB_A_STATS_REORDER_DEPTH_MAX])
		out[TBIB_A_STATS_REORDER_DEPTH_MAX] = max;
}

void tbib_stats_accumulate(const struct tbib_stats *s, u64 *out)
{
	tbib_stats_sum(s, out, true);
}

void tbib_stats_accumulate_peer(const struct tbib_stats *s, u64 *out)
{
	tbib_stats_sum(s, out, false);
}

static void tbib_stats_fold_sum(struct tbib_stats *to,
				const struct tbib_stats *from, bool traffic)
{
	u64 sum[TBIB_STATS_NUM] = {};
	int i;

	tbib_stats_sum(from, sum, traffic);
	for (i = TBIB_STATS_FIRST; i < TBIB_STATS_NUM; i++) {
		if (i == TBIB_A_STATS_REORDER_DEPTH ||
		    i == TBIB_A_STATS_REORDER_DEPTH_MAX)
			continue;
		tbib_stat_add(to, i, sum[i]);
	}
	/* Held packets are freed with their owner; only the maximum stays. */
	if (sum[TBIB_A_STATS_REORDER_DEPTH_MAX]) {
		tbib_stat_depth_add(to, sum[TBIB_A_STATS_REORDER_DEPTH_MAX]);
		tbib_stat_depth_add(to, -(long)sum[TBIB_A_STATS_REORDER_DEPTH_MAX]);
	}
}

void tbib_stats_fold(struct tbib_stats *to, const struct tbib_stats *from)
{
	tbib_stats_fold_sum(to, from, true);
}

void tbib_stats_fold_peer(struct tbib_stats *to, const struct tbib_stats *from)
{
	tbib_stats_fold_sum(to, from, false);
}
