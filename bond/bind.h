/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A rail's oper state (DOWN, PROBING, UP) and its binding to a peer
 * (bond/bind.c): the link inputs the rail layer reports and what the
 * handshake (bond/hello.c) learns move it.
 */
#ifndef TBIB_BIND_H
#define TBIB_BIND_H

#include <linux/types.h>

struct tbib_rail;

/*
 * Why a rail's oper state moved (the tbib_rail_state tracepoint shows it).
 * Not ABI: only the names appear in the trace output.
 */
enum tbib_rail_why {
	TBIB_RAIL_WHY_ADDED,		/* rail created */
	TBIB_RAIL_WHY_DELETED,		/* rail removed (by hand or its link) */
	TBIB_RAIL_WHY_ADMIN,		/* administrator set it up or down */
	TBIB_RAIL_WHY_CARRIER,		/* link carrier came or went */
	TBIB_RAIL_WHY_MTU,		/* link MTU crossed the minimum */
	TBIB_RAIL_WHY_BOUND,		/* handshake done, bound to a peer */
	TBIB_RAIL_WHY_KEEPALIVE,	/* the peer's keepalives stopped */
	TBIB_RAIL_WHY_BYE,		/* the peer said goodbye */
	TBIB_RAIL_WHY_PEER_LOST_US,	/* the peer no longer hears us */
	TBIB_RAIL_WHY_PEER_RESTART,	/* the peer came back as a new instance */
	TBIB_RAIL_WHY_PEER_MAC,		/* the allowed peer MAC changed */
};

/* What the bond registers for the rail set it embeds. */
extern const struct tbib_rail_set_ops tbib_bind_rail_set_ops;

/*
 * Moves the oper state, updating counters, peer binding and the port;
 * @why is an enum tbib_rail_why.  cfg lock held.
 */
void tbib_rail_set_state(struct tbib_rail *rail, u8 state, u8 why);
/* The UP rail's peer says it is bound too (@up), or no longer is. */
void tbib_rail_set_peer_up(struct tbib_rail *rail, bool up);

#endif /* TBIB_BIND_H */
