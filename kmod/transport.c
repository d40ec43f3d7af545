// SPDX-License-Identifier: GPL-2.0
/*
 * Stub transport: counts and drops transport frames.  The reliable
 * transport replaces this file.
 */

#include "transport.h"
#include "rail.h"

void tbib_transport_rx(struct tbib_rail *rail, struct sk_buff *skb)
{
	/* No QP can exist yet. */
	tbib_stat_inc(&rail->dev->stats, TBIB_A_STATS_RX_DROP_NO_QP);
	kfree_skb(skb);
}

void tbib_transport_rail_changed(struct tbib_rail *rail)
{
}

void tbib_transport_peer_gone(struct tbib_peer *peer)
{
}

void tbib_transport_dev_teardown(struct tbib_dev *dev)
{
}
