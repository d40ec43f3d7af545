/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rail handshake: control frames (types 0x00..0x0f of the tbib frame
 * prefix) that find, bind and watch the peer at the other end of a rail.
 *
 * Every tbib frame starts with { u8 version = 1; u8 type; }.  Control
 * frames continue with a big-endian length of the whole control frame
 * (so link padding is ignored) and the fields below; all multi-byte
 * fields are big-endian, offsets fixed.  A receiver accepts longer frames
 * of a known type (newer senders may append fields) and drops shorter
 * ones.
 *
 * Protocol
 *   DOWN     (no carrier / admin down): nothing is sent.
 *   PROBING  HELLO every TBIB_HELLO_PROBE_MS to the configured peer MAC, or
 *            broadcast; the latest HELLO received becomes the candidate,
 *            named in our HELLOs (seen_guid/seen_generation) and our
 *            destination.  When a HELLO of the candidate names us, both
 *            ends hear each other: bind (find/create the peer by GUID),
 *            go UP, answer at once so the other end binds too.  An UP
 *            rail takes transport frames at once but sends none until a
 *            HELLO of the peer says it is bound too (TBIB_HELLO_F_BOUND):
 *            the end that binds first would otherwise spray packets onto
 *            a link whose other end still drops them.  It stops again
 *            when a HELLO that names us says the peer is not bound.
 *   UP       HELLO every TBIB_HELLO_KEEPALIVE_MS as keepalive.  Down to
 *            PROBING after TBIB_HELLO_MISSES silent intervals, a BYE, a
 *            HELLO of the peer that no longer names us, or a new
 *            generation of the peer (it restarted: the old peer object
 *            and all its rails are dropped first).
 *   BYE      sent when a rail is deleted or set admin down, so the peer
 *            fails over at once instead of waiting for the timeout.
 *
 * Order: HELLOs and BYEs carry a per-rail sequence number
 * (TBIB_HELLO_CAP_SEQ), taken together with the state they report.  Two
 * of them can still reach the peer in the other order (the probe timer
 * and a state change send from different CPUs), and a late HELLO saying
 * "I do not hear you" would make a freshly bound rail re-probe while the
 * other end sprays onto it.  A receiver drops a control frame that is not
 * newer than the last one it took from the same sender's rail
 * (rx_drop_stale).  Such frames also carry a CRC32C (rx_drop_csum): a
 * number with a flipped high bit would otherwise make every later frame
 * of the peer look stale.  An unnumbered frame from a sender instance
 * that numbered an earlier one is dropped as malformed: its caps word
 * was damaged, and with it the CRC check was skipped.
 */
#ifndef TBIB_HELLO_H
#define TBIB_HELLO_H

#include <linux/types.h>

struct sk_buff;
struct tbib_bond;
struct tbib_rail;

#define TBIB_FRAME_VERSION		1
#define TBIB_FRAME_TYPE_CTL_MAX		0x0f	/* 0x00..0x0f: control */
#define TBIB_FRAME_TYPE_TRANSPORT_MIN	0x10	/* transport (bond/wire.h) */

enum tbib_ctl_type {
	TBIB_CTL_HELLO = 0x01,
	TBIB_CTL_BYE = 0x02,
};

/* HELLO and BYE share one layout (BYE only needs the identity). */
struct tbib_hello {
	u8 version;
	u8 type;
	__be16 len;		/* of the whole control frame */
	__be32 caps;		/* TBIB_HELLO_CAP_* */
	__be64 guid;		/* sender's node GUID */
	__be64 generation;	/* sender's boot nonce */
	__be64 seen_guid;	/* whom the sender hears on this link, or 0 */
	__be64 seen_generation;
	__be32 lid;		/* sender's LID */
	__be32 rail_id;		/* sender's id of this rail */
	__be32 mtu;		/* largest tbib frame the sender accepts */
	__be32 flags;		/* TBIB_HELLO_F_* */
	__be64 rate_mbps;	/* sender's link rate */
	/* from here on only with TBIB_HELLO_CAP_SEQ */
	__be32 seq;		/* +1 per frame the sender's rail sends */
	__be32 crc;		/* CRC32C of the first TBIB_HELLO_LEN bytes,
				 * this field 0 while computing it */
};

#define TBIB_HELLO_LEN		72	/* what we send */
#define TBIB_HELLO_MIN_LEN	64	/* senders without TBIB_HELLO_CAP_SEQ */

#define TBIB_HELLO_CAP_CSUM	(1U << 0)	/* can check CRC32C */
#define TBIB_HELLO_CAP_BOUND	(1U << 1)	/* says TBIB_HELLO_F_BOUND */
#define TBIB_HELLO_CAP_SEQ	(1U << 2)	/* numbers its frames (seq), crc */

/* The sender is UP, bound to seen_guid on this link: it takes transport. */
#define TBIB_HELLO_F_BOUND	(1U << 0)

#define TBIB_HELLO_PROBE_MS	100
#define TBIB_HELLO_KEEPALIVE_MS	250
#define TBIB_HELLO_MISSES	4
#define TBIB_HELLO_IDLE_MS	1000	/* timer period while DOWN */

/* Pending work bits (rail->hello_pending). */
#define TBIB_HELLO_PENDING_HELLO	(1U << 0)
#define TBIB_HELLO_PENDING_BYE		(1U << 1)
#define TBIB_HELLO_PENDING_TIMEOUT	(1U << 2)

void tbib_hello_init(struct tbib_rail *rail);
/* (Re)starts the probe/keepalive timer now. */
void tbib_hello_start(struct tbib_rail *rail);
/* Stops the timer for good (the caller then cancels hello_work). */
void tbib_hello_stop(struct tbib_rail *rail);
/* Forgets the candidate (rail left UP or went DOWN); cfg lock held. */
void tbib_hello_reset(struct tbib_rail *rail);
/* Sends a HELLO now (rail state changed, LID changed). */
void tbib_hello_kick(struct tbib_rail *rail);
/* Sends a BYE now if the rail can transmit. */
void tbib_hello_send_bye(struct tbib_rail *rail);
/* Sends a HELLO on every rail of @b (our LID changed); cfg lock held. */
void tbib_hello_announce(struct tbib_bond *b);
/* A control frame arrived (softirq, RCU held); consumes @skb. */
void tbib_hello_rx(struct tbib_rail *rail, struct sk_buff *skb, u64 src);

#endif /* TBIB_HELLO_H */
