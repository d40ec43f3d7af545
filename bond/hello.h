/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rail handshake: control frames (types 0x00..0x0f of the tbib frame
 * prefix) that find, bind and watch the peer at the other end of a rail.
 *
 * The frame layout (struct tbib_hello), its encoder and decoder and the
 * sequence rules below are portable code in bond/hellowire.[ch], unit
 * tested and fuzzed on the host; this file sends and receives the frames.
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

#include "bond/hellowire.h"

struct sk_buff;
struct tbib_bond;
struct tbib_rail;

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
