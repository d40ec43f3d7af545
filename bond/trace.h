/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the striping core (events/tbib/ in tracefs):
 *
 *   tbib_tx            a transport frame handed to a rail (bond/spray.c)
 *   tbib_rx            a transport frame from a rail whose header, CRC and
 *                      source passed the checks (kmod/transport.c); it may
 *                      still be dropped (no such QP, stale connection)
 *   tbib_rail_state    a rail's oper state moved, and why (bond/bind.c)
 *
 * The transport's own events are in kmod/trace.h, in the same system.
 * Rails are named by their id (as tbibctl shows it) and by their slot in
 * the transport (0..15, the index the scheduler and sender tracker use).
 * tbib_tx/tbib_rx read the fields from the frame header itself, so they
 * show exactly what went on the wire; nothing is computed while the
 * events are disabled.
 *
 * CREATE_TRACE_POINTS is defined in bond/trace.c only, which makes
 * <trace/define_trace.h> include this file again as "bond/trace.h"
 * (TRACE_INCLUDE_PATH, found through Kbuild's one -I, the project root);
 * the portable files never include it.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM tbib

#ifndef TBIB_BOND_TRACE_HELPERS_H
#define TBIB_BOND_TRACE_HELPERS_H

#include <linux/skbuff.h>

#include "rail/rail.h"
#include "bond/bind.h"
#include "bond/spray.h"
#include "bond/wire.h"

/* Header offsets the events read (bond/WIRE.md). */
#define TBIB_TR_OPCODE		1
#define TBIB_TR_FLAGS		2
#define TBIB_TR_DQPN		9
#define TBIB_TR_SQPN		13
#define TBIB_TR_PSN		17
#define TBIB_TR_PAYLEN		24
#define TBIB_TR_OFFSET		28
/* An ACK carries AETH then SACK right after the BTH. */
#define TBIB_TR_ACK_SYN		TBIB_BTH_LEN
#define TBIB_TR_ACK_CUM		(TBIB_BTH_LEN + TBIB_AETH_LEN + 1)

/*
 * Names are copied into fixed arrays (IB device names have their own
 * limit): the same TP_fast_assign then works with every kernel's
 * __assign_str(), whose arguments changed in 6.10.
 */
#define TBIB_TR_NAME_MAX	32
/* Device names: IB_DEVICE_NAME_MAX, which this layer does not see. */
#define TBIB_TR_DEV_MAX		64

/* A header field of a frame, 0 if the linear part is too short. */
static inline u32 tbib_trace_be(const struct sk_buff *skb, unsigned int off,
				unsigned int bytes)
{
	const u8 *p = skb->data + off;

	if (skb_headlen(skb) < off + bytes)
		return 0;
	switch (bytes) {
	case 1:
		return p[0];
	case 3:
		return tbib_get_be24(p);
	default:
		return tbib_get_be32(p);
	}
}

static inline bool tbib_trace_is_ack(const struct sk_buff *skb)
{
	return tbib_trace_be(skb, TBIB_TR_OPCODE, 1) == TBIB_OP_ACK;
}

#endif /* TBIB_BOND_TRACE_HELPERS_H */

#if !defined(TBIB_BOND_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define TBIB_BOND_TRACE_H

#include <linux/tracepoint.h>

/* Symbolic names: each list is expanded once to export the enum values
 * to user space (TRACE_DEFINE_ENUM), once as the table of names.
 */
#define TBIB_TR_OPS							\
	tbib_em(TBIB_OP_SEND_FIRST, "SEND_FIRST")			\
	tbib_em(TBIB_OP_SEND_MIDDLE, "SEND_MIDDLE")			\
	tbib_em(TBIB_OP_SEND_LAST, "SEND_LAST")				\
	tbib_em(TBIB_OP_SEND_LAST_IMM, "SEND_LAST_IMM")			\
	tbib_em(TBIB_OP_SEND_ONLY, "SEND_ONLY")				\
	tbib_em(TBIB_OP_SEND_ONLY_IMM, "SEND_ONLY_IMM")			\
	tbib_em(TBIB_OP_SEND_LAST_INV, "SEND_LAST_INV")			\
	tbib_em(TBIB_OP_SEND_ONLY_INV, "SEND_ONLY_INV")			\
	tbib_em(TBIB_OP_WRITE_FIRST, "WRITE_FIRST")			\
	tbib_em(TBIB_OP_WRITE_MIDDLE, "WRITE_MIDDLE")			\
	tbib_em(TBIB_OP_WRITE_LAST, "WRITE_LAST")			\
	tbib_em(TBIB_OP_WRITE_LAST_IMM, "WRITE_LAST_IMM")		\
	tbib_em(TBIB_OP_WRITE_ONLY, "WRITE_ONLY")			\
	tbib_em(TBIB_OP_WRITE_ONLY_IMM, "WRITE_ONLY_IMM")		\
	tbib_em(TBIB_OP_READ_REQ, "READ_REQ")				\
	tbib_em(TBIB_OP_READ_RESP_FIRST, "READ_RESP_FIRST")		\
	tbib_em(TBIB_OP_READ_RESP_MIDDLE, "READ_RESP_MIDDLE")		\
	tbib_em(TBIB_OP_READ_RESP_LAST, "READ_RESP_LAST")		\
	tbib_em(TBIB_OP_READ_RESP_ONLY, "READ_RESP_ONLY")		\
	tbib_em(TBIB_OP_ACK, "ACK")					\
	tbib_em(TBIB_OP_ATOMIC_ACK, "ATOMIC_ACK")			\
	tbib_em(TBIB_OP_CMP_SWP, "CMP_SWP")				\
	tbib_em(TBIB_OP_FETCH_ADD, "FETCH_ADD")				\
	tbib_em(TBIB_OP_UD_SEND_ONLY, "UD_SEND_ONLY")			\
	tbib_eml(TBIB_OP_UD_SEND_ONLY_IMM, "UD_SEND_ONLY_IMM")

#define TBIB_TR_RAIL_STATES						\
	tbib_em(TBIB_RAIL_STATE_DOWN, "down")				\
	tbib_em(TBIB_RAIL_STATE_PROBING, "probing")			\
	tbib_eml(TBIB_RAIL_STATE_UP, "up")

#define TBIB_TR_RAIL_WHYS						\
	tbib_em(TBIB_RAIL_WHY_ADDED, "added")				\
	tbib_em(TBIB_RAIL_WHY_DELETED, "deleted")			\
	tbib_em(TBIB_RAIL_WHY_ADMIN, "admin")				\
	tbib_em(TBIB_RAIL_WHY_CARRIER, "carrier")			\
	tbib_em(TBIB_RAIL_WHY_MTU, "mtu")				\
	tbib_em(TBIB_RAIL_WHY_BOUND, "bound")				\
	tbib_em(TBIB_RAIL_WHY_KEEPALIVE, "keepalive")			\
	tbib_em(TBIB_RAIL_WHY_BYE, "bye")				\
	tbib_em(TBIB_RAIL_WHY_PEER_LOST_US, "peer-lost-us")		\
	tbib_em(TBIB_RAIL_WHY_PEER_RESTART, "peer-restart")		\
	tbib_eml(TBIB_RAIL_WHY_PEER_MAC, "peer-mac")

#undef tbib_em
#undef tbib_eml
#define tbib_em(v, name)	TRACE_DEFINE_ENUM(v);
#define tbib_eml(v, name)	TRACE_DEFINE_ENUM(v);

TBIB_TR_OPS
TBIB_TR_RAIL_STATES
TBIB_TR_RAIL_WHYS

#undef tbib_em
#undef tbib_eml
#define tbib_em(v, name)	{ v, name },
#define tbib_eml(v, name)	{ v, name }

#define tbib_tr_flags(f)						\
	__print_flags(f, "|",						\
		      { TBIB_F_ACKREQ, "ACKREQ" },			\
		      { TBIB_F_SOLICITED, "SOLICITED" },		\
		      { TBIB_F_LAST, "LAST" },				\
		      { TBIB_F_RETRANS, "RETRANS" },			\
		      { TBIB_F_CRC, "CRC" })

DECLARE_EVENT_CLASS(tbib_frame,
	TP_PROTO(const struct tbib_rail *rail, const struct sk_buff *skb),
	TP_ARGS(rail, skb),

	TP_STRUCT__entry(
		__array(char, dev, TBIB_TR_DEV_MAX)
		__field(u32, rail)
		__field(int, slot)
		__field(u8, opcode)
		__field(u8, flags)
		__field(u8, syn)
		__field(u32, sqpn)
		__field(u32, dqpn)
		__field(u32, psn)
		__field(u32, paylen)
		__field(u32, offset)
		__field(u32, len)
		__field(u32, cum)
	),

	TP_fast_assign(
		bool ack = tbib_trace_is_ack(skb);

		strscpy(__entry->dev, tbib_rail_set_name(rail->set),
			sizeof(__entry->dev));
		__entry->rail = rail->id;
		__entry->slot = tbib_spray_slot(rail);
		__entry->opcode = tbib_trace_be(skb, TBIB_TR_OPCODE, 1);
		__entry->flags = tbib_trace_be(skb, TBIB_TR_FLAGS, 1);
		__entry->sqpn = tbib_trace_be(skb, TBIB_TR_SQPN, 3);
		__entry->dqpn = tbib_trace_be(skb, TBIB_TR_DQPN, 3);
		__entry->psn = tbib_trace_be(skb, TBIB_TR_PSN, 3);
		__entry->paylen = tbib_trace_be(skb, TBIB_TR_PAYLEN, 4);
		__entry->offset = tbib_trace_be(skb, TBIB_TR_OFFSET, 4);
		__entry->len = skb->len;
		__entry->syn = ack ? tbib_trace_be(skb, TBIB_TR_ACK_SYN, 1) : 0;
		__entry->cum = ack ? tbib_trace_be(skb, TBIB_TR_ACK_CUM, 3) : 0;
	),

	TP_printk("dev=%s rail=%u slot=%d op=%s flags=%s sqpn=%u dqpn=%u psn=%u paylen=%u off=%u len=%u syn=%#x cum=%u",
		  __entry->dev, __entry->rail, __entry->slot,
		  __print_symbolic(__entry->opcode, TBIB_TR_OPS),
		  tbib_tr_flags(__entry->flags), __entry->sqpn, __entry->dqpn,
		  __entry->psn, __entry->paylen, __entry->offset, __entry->len,
		  __entry->syn, __entry->cum)
);

/* The frame is about to go to the rail's link (which may still drop it). */
DEFINE_EVENT(tbib_frame, tbib_tx,
	TP_PROTO(const struct tbib_rail *rail, const struct sk_buff *skb),
	TP_ARGS(rail, skb)
);

DEFINE_EVENT(tbib_frame, tbib_rx,
	TP_PROTO(const struct tbib_rail *rail, const struct sk_buff *skb),
	TP_ARGS(rail, skb)
);

TRACE_EVENT(tbib_rail_state,
	TP_PROTO(const struct tbib_rail *rail, u8 old, u8 state, u8 why),
	TP_ARGS(rail, old, state, why),

	TP_STRUCT__entry(
		__array(char, dev, TBIB_TR_DEV_MAX)
		__array(char, link, TBIB_TR_NAME_MAX)
		__field(u32, rail)
		__field(u8, old)
		__field(u8, state)
		__field(u8, why)
	),

	TP_fast_assign(
		strscpy(__entry->dev, tbib_rail_set_name(rail->set),
			sizeof(__entry->dev));
		strscpy(__entry->link, tbib_rail_link_name(rail),
			sizeof(__entry->link));
		__entry->rail = rail->id;
		__entry->old = old;
		__entry->state = state;
		__entry->why = why;
	),

	TP_printk("dev=%s rail=%u link=%s old=%s new=%s why=%s",
		  __entry->dev, __entry->rail, __entry->link,
		  __print_symbolic(__entry->old, TBIB_TR_RAIL_STATES),
		  __print_symbolic(__entry->state, TBIB_TR_RAIL_STATES),
		  __print_symbolic(__entry->why, TBIB_TR_RAIL_WHYS))
);

#endif /* TBIB_BOND_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH bond
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
