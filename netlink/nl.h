/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel side of the tbib generic netlink family (netlink/netlink.c):
 * registration and the events multicast to the "events" group.
 */
#ifndef TBIB_NL_H
#define TBIB_NL_H

#include <linux/types.h>

struct tbib_dev;
struct tbib_rail;
struct tbib_peer;

int tbib_nl_init(void);
void tbib_nl_exit(void);

/*
 * Announce a change (cmd: TBIB_CMD_DEV_NEW/DEL/SET, RAIL_ADD/DEL/SET,
 * PEER_NEW/DEL/SET) with the object's current attributes.  Every call also
 * bumps the generation that makes interrupted dumps visible
 * (NLM_F_DUMP_INTR).  cfg lock held, process context.
 */
void tbib_nl_dev_event(struct tbib_dev *dev, u8 cmd);
void tbib_nl_rail_event(struct tbib_rail *rail, u8 cmd);
void tbib_nl_peer_event(struct tbib_peer *peer, u8 cmd);

#endif /* TBIB_NL_H */
