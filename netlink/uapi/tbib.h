/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * tbib generic netlink interface, shared by the kernel module and tbibctl.
 * The family is described by netlink/tbib.yaml (YNL format); keep both in
 * step.  Values are ABI: append, never renumber.
 */
#ifndef _UAPI_LINUX_TBIB_H
#define _UAPI_LINUX_TBIB_H

#define TBIB_GENL_NAME		"tbib"
#define TBIB_GENL_VERSION	1
#define TBIB_MCGRP_EVENTS	"events"

/* EtherType of tbib frames on netdev rails (IEEE local experimental 2). */
#define TBIB_ETH_P		0x88B5

#define TBIB_DEV_NAME_MAX	64	/* IB_DEVICE_NAME_MAX */
#define TBIB_WEIGHT_MAX		1000
#define TBIB_WEIGHT_DEFAULT	100

enum tbib_cmd {
	TBIB_CMD_UNSPEC,
	TBIB_CMD_DEV_NEW,	/* do; also sent as event */
	TBIB_CMD_DEV_DEL,	/* do; also sent as event */
	TBIB_CMD_DEV_GET,	/* do + dump */
	TBIB_CMD_DEV_SET,	/* do; also sent as event on any change */
	TBIB_CMD_RAIL_ADD,	/* do; also sent as event */
	TBIB_CMD_RAIL_DEL,	/* do; also sent as event */
	TBIB_CMD_RAIL_GET,	/* do + dump */
	TBIB_CMD_RAIL_SET,	/* do; also sent as event on any change */
	TBIB_CMD_PEER_GET,	/* do + dump */
	TBIB_CMD_PEER_NEW,	/* event only */
	TBIB_CMD_PEER_DEL,	/* event only */
	TBIB_CMD_PEER_SET,	/* event only: a peer's LID or conflict changed */

	__TBIB_CMD_MAX,
	TBIB_CMD_MAX = __TBIB_CMD_MAX - 1
};

/* Port / device state, as ib_port_state reports it. */
enum tbib_dev_state {
	TBIB_DEV_STATE_DOWN = 1,
	TBIB_DEV_STATE_ACTIVE = 4,
};

enum tbib_rail_type {
	TBIB_RAIL_TYPE_NETDEV = 1,
	TBIB_RAIL_TYPE_USB4 = 2,
};

enum tbib_rail_state {
	TBIB_RAIL_STATE_DOWN = 1,	/* no carrier, admin down or no netdev */
	TBIB_RAIL_STATE_PROBING = 2,	/* carrier, no peer answering yet */
	TBIB_RAIL_STATE_UP = 3,		/* bound to a peer, carrying traffic */
};

enum tbib_admin_state {
	TBIB_ADMIN_DOWN = 0,
	TBIB_ADMIN_UP = 1,
};

/* Device attributes (DEV_* commands). */
enum tbib_a_dev {
	TBIB_A_DEV_UNSPEC,
	TBIB_A_DEV_PAD,
	TBIB_A_DEV_NAME,	/* string, e.g. "tbib0" */
	TBIB_A_DEV_INDEX,	/* u32, ib_device index */
	TBIB_A_DEV_GUID,	/* u64, node GUID (host order) */
	TBIB_A_DEV_LID,		/* u32, 1..0xbfff (unicast LID) */
	TBIB_A_DEV_STATE,	/* u8, enum tbib_dev_state */
	TBIB_A_DEV_RATE,	/* u64, Mbit/s of the up rails */
	TBIB_A_DEV_NUM_RAILS,	/* u32 */
	TBIB_A_DEV_NUM_PEERS,	/* u32 */
	TBIB_A_DEV_STATS,	/* nest, enum tbib_a_stats */
	TBIB_A_DEV_LID_CONFLICT, /* u8, 1 when a peer has the same LID */

	__TBIB_A_DEV_MAX,
	TBIB_A_DEV_MAX = __TBIB_A_DEV_MAX - 1
};

/* Rail attributes (RAIL_* commands). */
enum tbib_a_rail {
	TBIB_A_RAIL_UNSPEC,
	TBIB_A_RAIL_PAD,
	TBIB_A_RAIL_DEV_NAME,	/* string, owning device */
	TBIB_A_RAIL_ID,		/* u32, unique within the device */
	TBIB_A_RAIL_TYPE,	/* u32, enum tbib_rail_type */
	TBIB_A_RAIL_IFINDEX,	/* u32, netdev rails */
	TBIB_A_RAIL_IFNAME,	/* string, netdev rails */
	TBIB_A_RAIL_USB4_EP,	/* string, usb4 rails: DOMAIN-ROUTE */
	TBIB_A_RAIL_PEER_MAC,	/* binary, 6 bytes: only bind to this peer */
	TBIB_A_RAIL_WEIGHT,	/* u32, 0..TBIB_WEIGHT_MAX */
	TBIB_A_RAIL_CSUM,	/* u8, 0/1: CRC32C on frames */
	TBIB_A_RAIL_ADMIN_STATE, /* u8, enum tbib_admin_state */
	TBIB_A_RAIL_OPER_STATE,	/* u8, enum tbib_rail_state */
	TBIB_A_RAIL_MTU,	/* u32, bytes of tbib frame payload */
	TBIB_A_RAIL_RATE,	/* u64, Mbit/s */
	TBIB_A_RAIL_PEER_GUID,	/* u64 */
	TBIB_A_RAIL_PEER_LID,	/* u32 */
	TBIB_A_RAIL_PEER_ADDR,	/* binary, 6 bytes: bound peer MAC */
	TBIB_A_RAIL_STATS,	/* nest, enum tbib_a_stats */
	TBIB_A_RAIL_PEER_BOUND,	/* u8, 0/1: the peer has bound it too */

	__TBIB_A_RAIL_MAX,
	TBIB_A_RAIL_MAX = __TBIB_A_RAIL_MAX - 1
};

/* Peer attributes (PEER_* commands). */
enum tbib_a_peer {
	TBIB_A_PEER_UNSPEC,
	TBIB_A_PEER_PAD,
	TBIB_A_PEER_DEV_NAME,	/* string */
	TBIB_A_PEER_GUID,	/* u64 */
	TBIB_A_PEER_LID,	/* u32 */
	TBIB_A_PEER_RAIL,	/* u32, multi-attr: ids of the rails to it */
	TBIB_A_PEER_STATS,	/* nest, enum tbib_a_stats */
	TBIB_A_PEER_LID_CONFLICT, /* u8, 1 when the LID is ours or another peer's */

	__TBIB_A_PEER_MAX,
	TBIB_A_PEER_MAX = __TBIB_A_PEER_MAX - 1
};

/* Counters, all u64, in the STATS nest of devices, rails and peers. */
enum tbib_a_stats {
	TBIB_A_STATS_UNSPEC,
	TBIB_A_STATS_PAD,
	TBIB_A_STATS_TX_PACKETS,
	TBIB_A_STATS_TX_BYTES,
	TBIB_A_STATS_RX_PACKETS,
	TBIB_A_STATS_RX_BYTES,
	TBIB_A_STATS_RETRANS_FAST,	/* rail-aware fast retransmits */
	TBIB_A_STATS_RETRANS_TIMEOUT,	/* retransmits after a timeout */
	TBIB_A_STATS_RX_OOO,		/* packets arriving out of PSN order */
	TBIB_A_STATS_RX_DUP,		/* duplicate packets */
	TBIB_A_STATS_REORDER_DEPTH,	/* packets held now */
	TBIB_A_STATS_REORDER_DEPTH_MAX,	/* most packets ever held */
	TBIB_A_STATS_TX_DROP,		/* could not be queued on the rail */
	TBIB_A_STATS_RX_DROP_MALFORMED,	/* truncated or bad header */
	TBIB_A_STATS_RX_DROP_CSUM,	/* CRC32C mismatch */
	TBIB_A_STATS_RX_DROP_PEER,	/* not from the rail's peer */
	TBIB_A_STATS_RX_DROP_NO_QP,	/* unknown destination QP */
	TBIB_A_STATS_RX_DROP_STALE,	/* old connection generation; late HELLO */
	TBIB_A_STATS_RX_DROP_WINDOW,	/* outside the reorder window */
	TBIB_A_STATS_RAIL_UP,		/* transitions to up */
	TBIB_A_STATS_RAIL_DOWN,		/* transitions to down */
	TBIB_A_STATS_PROBES_TX,
	TBIB_A_STATS_PROBES_RX,
	TBIB_A_STATS_TX_ZEROCOPY,	/* payload sent from user pages, no copy */
	TBIB_A_STATS_TX_LINGER_ACK,	/* duplicate acknowledged for a stopped QP */
	TBIB_A_STATS_READ_REREQ_GAP,	/* READ asked again: passed on every rail */
	TBIB_A_STATS_READ_REREQ_LATE,	/* READ asked again: response stopped */
	TBIB_A_STATS_READ_REREQ_TIMEOUT, /* READ asked again on a timeout */
	TBIB_A_STATS_RX_READ_BYTES,	/* READ response payload bytes received */
	TBIB_A_STATS_RX_READ_DUP_BYTES,	/* ... of them already received before */
	TBIB_A_STATS_RX_DUP_READ_REQ,	/* duplicate READ requests (responder) */
	TBIB_A_STATS_READ_REQ_MERGED,	/* ... being answered: no second copy */

	__TBIB_A_STATS_MAX,
	TBIB_A_STATS_MAX = __TBIB_A_STATS_MAX - 1
};

#endif /* _UAPI_LINUX_TBIB_H */
