/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the IB transport (events/tbib/ in tracefs, the system
 * the striping core's events in bond/trace.h share):
 *
 *   tbib_retransmit    an RC PSN sent again, why, and on which rails
 *   tbib_retry_exceeded  an RC QP ran out of retries (kmod/comp.c)
 *   tbib_qp_error      the error that ends an RC send queue (the first in
 *                      send queue order: NAK, RNR or retries exceeded)
 *
 * CREATE_TRACE_POINTS is defined in kmod/trace.c only, which makes
 * <trace/define_trace.h> include this file again as "kmod/trace.h"
 * (TRACE_INCLUDE_PATH, found through Kbuild's one -I, the project root).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM tbib

#ifndef TBIB_KMOD_TRACE_HELPERS_H
#define TBIB_KMOD_TRACE_HELPERS_H

#include "kmod/conn.h"
#include "bond/peer.h"
#include "bond/spray.h"

/* Names are copied into fixed arrays, as in bond/trace.h. */
#define TBIB_TR_REASON_MAX	32

#endif /* TBIB_KMOD_TRACE_HELPERS_H */

#if !defined(TBIB_KMOD_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define TBIB_KMOD_TRACE_H

#include <linux/tracepoint.h>

#define TBIB_TR_LOST_WHYS						\
	tbib_em(TBIB_LOST_FAST, "fast")					\
	tbib_em(TBIB_LOST_NAK, "nak")					\
	tbib_em(TBIB_LOST_TIMEOUT, "timeout")				\
	tbib_em(TBIB_LOST_RAIL_DOWN, "rail-down")			\
	tbib_em(TBIB_LOST_RNR, "rnr")					\
	tbib_em(TBIB_LOST_UNSENT, "unsent")				\
	tbib_eml(TBIB_LOST_PROBE, "probe")

/* The completion statuses that end an RC send queue in comp.c. */
#define TBIB_TR_WC_STATUSES						\
	tbib_em(IB_WC_RETRY_EXC_ERR, "RETRY_EXC_ERR")			\
	tbib_em(IB_WC_RNR_RETRY_EXC_ERR, "RNR_RETRY_EXC_ERR")		\
	tbib_em(IB_WC_REM_ACCESS_ERR, "REM_ACCESS_ERR")			\
	tbib_em(IB_WC_REM_OP_ERR, "REM_OP_ERR")				\
	tbib_eml(IB_WC_REM_INV_REQ_ERR, "REM_INV_REQ_ERR")

#undef tbib_em
#undef tbib_eml
#define tbib_em(v, name)	TRACE_DEFINE_ENUM(v);
#define tbib_eml(v, name)	TRACE_DEFINE_ENUM(v);

TBIB_TR_LOST_WHYS
TBIB_TR_WC_STATUSES

#undef tbib_em
#undef tbib_eml
#define tbib_em(v, name)	{ v, name },
#define tbib_eml(v, name)	{ v, name }

/* @from, @to: slots of the rail that lost it and of the one used now. */
TRACE_EVENT(tbib_retransmit,
	TP_PROTO(const struct tbib_conn *c, struct tbib_peer *peer, u32 psn,
		 u32 len, u8 why, int from, int to),
	TP_ARGS(c, peer, psn, len, why, from, to),

	TP_STRUCT__entry(
		__array(char, dev, IB_DEVICE_NAME_MAX)
		__field(u32, qpn)
		__field(u32, dqpn)
		__field(u32, psn)
		__field(u32, len)
		__field(u8, why)
		__field(u8, retries)
		__field(int, old_slot)
		__field(int, old_rail)
		__field(int, slot)
		__field(int, rail)
	),

	TP_fast_assign(
		strscpy(__entry->dev, tbib_dev_name(c->dev),
			sizeof(__entry->dev));
		__entry->qpn = c->qpn;
		__entry->dqpn = c->dqpn;
		__entry->psn = psn;
		__entry->len = len;
		__entry->why = why;
		__entry->retries = c->retries;
		__entry->old_slot = from;
		__entry->old_rail = tbib_spray_rail_id(peer, from);
		__entry->slot = to;
		__entry->rail = tbib_spray_rail_id(peer, to);
	),

	TP_printk("dev=%s qpn=%u dqpn=%u psn=%u len=%u why=%s old_rail=%d old_slot=%d rail=%d slot=%d retries=%u",
		  __entry->dev, __entry->qpn, __entry->dqpn, __entry->psn,
		  __entry->len,
		  __print_symbolic(__entry->why, TBIB_TR_LOST_WHYS),
		  __entry->old_rail, __entry->old_slot, __entry->rail,
		  __entry->slot, __entry->retries)
);

/* @e: the send WQE at the head, the one that fails. */
TRACE_EVENT(tbib_retry_exceeded,
	TP_PROTO(const struct tbib_conn *c, const struct tbib_swqe *e,
		 const char *reason),
	TP_ARGS(c, e, reason),

	TP_STRUCT__entry(
		__array(char, dev, IB_DEVICE_NAME_MAX)
		__array(char, why, TBIB_TR_REASON_MAX)
		__field(u32, qpn)
		__field(u32, dqpn)
		__field(u32, wr_opcode)
		__field(u64, wr_len)
		__field(u64, off)
		__field(u32, first_psn)
		__field(u32, end_psn)
		__field(u32, una)
		__field(u32, nxt)
		__field(u32, nlost)
		__field(u8, retries)
	),

	TP_fast_assign(
		strscpy(__entry->dev, tbib_dev_name(c->dev),
			sizeof(__entry->dev));
		strscpy(__entry->why, reason, sizeof(__entry->why));
		__entry->qpn = c->qpn;
		__entry->dqpn = c->dqpn;
		__entry->wr_opcode = e->w->opcode;
		__entry->wr_len = e->w->length;
		__entry->off = e->off;
		__entry->first_psn = e->first_psn;
		__entry->end_psn = e->end_psn;
		__entry->una = c->tt->una;
		__entry->nxt = c->tt->nxt;
		__entry->nlost = c->tt->nlost;
		__entry->retries = c->retries;
	),

	TP_printk("dev=%s qpn=%u dqpn=%u why=\"%s\" wr_opcode=%u wr_len=%llu off=%llu psn=%u..%u una=%u nxt=%u nlost=%u retries=%u",
		  __entry->dev, __entry->qpn, __entry->dqpn, __entry->why,
		  __entry->wr_opcode, __entry->wr_len, __entry->off,
		  __entry->first_psn, __entry->end_psn, __entry->una,
		  __entry->nxt, __entry->nlost, __entry->retries)
);

TRACE_EVENT(tbib_qp_error,
	TP_PROTO(const struct tbib_conn *c, u32 psn, u8 status),
	TP_ARGS(c, psn, status),

	TP_STRUCT__entry(
		__array(char, dev, IB_DEVICE_NAME_MAX)
		__field(u32, qpn)
		__field(u32, dqpn)
		__field(u32, psn)
		__field(u8, status)
	),

	TP_fast_assign(
		strscpy(__entry->dev, tbib_dev_name(c->dev),
			sizeof(__entry->dev));
		__entry->qpn = c->qpn;
		__entry->dqpn = c->dqpn;
		__entry->psn = psn;
		__entry->status = status;
	),

	TP_printk("dev=%s qpn=%u dqpn=%u psn=%u status=%s",
		  __entry->dev, __entry->qpn, __entry->dqpn, __entry->psn,
		  __print_symbolic(__entry->status, TBIB_TR_WC_STATUSES))
);

#endif /* TBIB_KMOD_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH kmod
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
