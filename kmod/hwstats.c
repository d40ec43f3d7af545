// SPDX-License-Identifier: GPL-2.0
/*
 * ib_core hardware counters of port 1: the device totals (own counters +
 * rails + peers), so `rdma statistic show link tbibN/1` and
 * /sys/class/infiniband/tbibN/ports/1/hw_counters show them.
 */

#include "kmod/tbib.h"

#define TBIB_HW_NUM	(TBIB_STATS_NUM - TBIB_STATS_FIRST)

static struct rdma_stat_desc tbib_hw_descs[TBIB_HW_NUM];

void tbib_hwstats_init(void)
{
	int i;

	for (i = 0; i < TBIB_HW_NUM; i++)
		tbib_hw_descs[i].name = tbib_stat_name(i + TBIB_STATS_FIRST);
}

static struct rdma_hw_stats *tbib_alloc_hw_port_stats(struct ib_device *ibdev,
						      u32 port_num)
{
	return rdma_alloc_hw_stats_struct(tbib_hw_descs, TBIB_HW_NUM,
					  RDMA_HW_STATS_DEFAULT_LIFESPAN);
}

static int tbib_get_hw_stats(struct ib_device *ibdev,
			     struct rdma_hw_stats *stats, u32 port, int index)
{
	struct tbib_dev *dev = to_tbib_dev(ibdev);
	u64 total[TBIB_STATS_NUM] = {};
	int i;

	if (!port || stats->num_counters != TBIB_HW_NUM)
		return -EINVAL;

	mutex_lock(&tbib_cfg_lock);
	tbib_dev_stats_total(dev, total);
	mutex_unlock(&tbib_cfg_lock);

	for (i = 0; i < TBIB_HW_NUM; i++)
		stats->value[i] = total[i + TBIB_STATS_FIRST];
	return TBIB_HW_NUM;
}

const struct ib_device_ops tbib_hwstats_ops = {
	.alloc_hw_port_stats = tbib_alloc_hw_port_stats,
	.get_hw_stats = tbib_get_hw_stats,
};
