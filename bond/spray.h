/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Spraying (bond/spray.c): the per-peer scheduler that picks, for every
 * packet, the rail that finishes it first, and the frame helpers the
 * transport builds its packets with.
 */
#ifndef TBIB_SPRAY_H
#define TBIB_SPRAY_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/types.h>

#include "bond/wire.h"

struct seq_file;
struct tbib_bond;
struct tbib_peer;
struct tbib_rail;
struct tbib_tpeer;
struct tbib_txtrack;

/*
 * What one flow (an RC requester) last reported to the scheduler of the
 * peer it sends to: its bytes in flight on each rail slot.  The report
 * belongs to one tpeer, recognised by pointer and generation, and to one
 * destination LID.  Owned and serialised by the flow's user.
 */
struct tbib_spray_flow {
	struct tbib_tpeer *tp;		/* told to (only compared) */
	u64 gen;
	u32 lid;
	u32 rep[TBIB_MAX_RAILS];
};

/* Header bytes reserved in front of a frame for the link layer. */
#define TBIB_HEADROOM		(LL_MAX_HEADER + 16)
/* Largest transport header of a request or response + CRC trailer. */
#define TBIB_PKT_OVERHEAD	64

/*
 * Payload bytes a packet to @peer may carry, at most @cap (rounded down
 * to whole cache lines); 0 if it has no rail.  *@crc: some rail wants
 * the CRC trailer.  RCU read lock held.
 */
u32 tbib_spray_payload(struct tbib_peer *peer, u32 cap, bool *crc);
/* A QP's smoothed RTT to @peer / the latest any QP noted (0: none); RCU. */
void tbib_spray_rtt_note(struct tbib_peer *peer, u64 srtt_ns);
u64 tbib_spray_rtt_hint(struct tbib_peer *peer);
/*
 * Send @skb (skb->data at the version byte) to @peer on the rail that
 * finishes it first, avoiding @excl rails if possible.  Consumes @skb.
 * Returns the rail slot, or a negative errno (no rail, link error).
 * RCU read lock held.
 */
int tbib_spray_xmit(struct tbib_peer *peer, struct sk_buff *skb, u32 excl);
/*
 * The same for a packet whose sender tracker records it next (RC
 * request): @f, the flow to LID @dlid, counts it as in flight.
 */
int tbib_spray_xmit_tracked(struct tbib_spray_flow *f, u32 dlid,
			    struct tbib_peer *peer, struct sk_buff *skb,
			    u32 excl);
/*
 * Tell the scheduler of the peer behind @dlid what the tracker @tt has in
 * flight on each rail now; with @live false (or @tt NULL) withdraw the
 * whole report.  The flow's owner serialises the calls.
 */
void tbib_spray_flow_sync(struct tbib_bond *b, struct tbib_spray_flow *f,
			  u32 dlid, const struct tbib_txtrack *tt, bool live);
/* Id of the rail in @slot of @peer, -1 if none; RCU read lock held. */
int tbib_spray_rail_id(struct tbib_peer *peer, int slot);
/* A frame with @hdr_len header bytes and room for @paylen payload. */
struct sk_buff *tbib_frame_alloc(u32 hdr_len, u32 paylen, bool crc);
/* Fill the payload of a frame from tbib_frame_alloc() piece by piece. */
int tbib_frame_fill(struct sk_buff *skb, u32 hdr_len, u32 paylen,
		    int (*fill)(void *ctx, void *buf, u32 len), void *ctx);
/* Encode @p's header into @skb and append the CRC if @p asks for it. */
int tbib_frame_finish(struct sk_buff *skb, const struct tbib_pkt *p);
/* CRC32C of the first @len bytes of @skb (standard, final xor). */
u32 tbib_skb_crc32c(const struct sk_buff *skb, u32 len);
/* Data-path peer of a LID, our own LID too (RCU read lock held). */
struct tbib_peer *tbib_spray_peer(struct tbib_bond *b, u32 lid);
/* Make the self peer sendable over its loopback rail; cfg lock held. */
int tbib_spray_self_init(struct tbib_peer *self, struct tbib_rail *loop);
void tbib_spray_rail_changed(struct tbib_rail *rail);
void tbib_spray_peer_gone(struct tbib_peer *peer);
void tbib_spray_show(struct seq_file *m);
/* Rail slot of @rail for the sender tracker, or -1. */
int tbib_spray_slot(const struct tbib_rail *rail);
/* A removed rail's slot is free again (nothing refers to it); cfg lock. */
void tbib_spray_slot_release(struct tbib_rail *rail);

#endif /* TBIB_SPRAY_H */
