/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-QP state of the reliable transport, and the internal interface
 * between its parts:
 *
 *   kmod/transport.c  hooks from verbs, rails and peers; receive demux;
 *                     the per-QP transmit work; module parameters
 *   kmod/req.c        requester: send WQEs -> packets, retransmission
 *   kmod/comp.c       completer: ACK/NAK, READ responses and atomic ACKs
 *                     -> completions; retransmit and RNR timers
 *   kmod/resp.c       responder: request packets -> memory and receive
 *                     WQEs; READ and atomic responses, replay cache
 *   kmod/ack.c        ACK/NAK frames and their coalescing
 *   bond/spray.c      per-peer rail scheduler, frame helpers, transmit
 *   kmod/conn.c       allocation, reset and timers of struct tbib_conn
 *
 * Connection model (RC, and UC without ACKs).  Every request packet has
 * its own 24-bit PSN.  A READ request, however long, takes ONE PSN: its
 * response packets carry that PSN and their byte offset in the message,
 * so the responder may size and spray them freely and the requester
 * places them wherever they land.  Long READs are split into chunks of
 * at most tbib_read_chunk bytes, one PSN each.  Atomics take one PSN.
 * Responses never need a window of their own: READ data is not visible
 * to the application before the completion, which comes in order.
 *
 * Each direction of a connection has a generation, a hash of both QPNs
 * and the initial PSN of that direction: both ends know all three
 * without any exchange (the application exchanged them to connect), and
 * a reused QPN with a new PSN no longer matches frames of the old
 * connection.  Requests carry the generation of their direction, and so
 * do the ACKs and READ/atomic responses that answer them.
 *
 * Locking.  One spinlock per QP, conn->lock, taken with BH disabled
 * (plain spin_lock in softirq), serialises everything in struct
 * tbib_conn: the receive path (softirq), the hrtimers (softirq), the
 * transmit work (process) and the doorbell (process, inline).  Frames
 * are transmitted with it held so that the order of a QP's packets on a
 * rail is the order the sender tracker recorded (fast retransmit relies
 * on it).  Lock order: conn->lock -> tpeer->lock (rail scheduler) ->
 * the verbs locks (sq/rq/srq/cq, which the verbs API takes itself) ->
 * the link's transmit locks.  Verbs hooks that may sleep (modify,
 * error, destroy) quiesce: clear the on-flags under the lock, then
 * cancel the timers and the work without it.
 */
#ifndef TBIB_CONN_H
#define TBIB_CONN_H

#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "kmod/tbib.h"
#include "kmod/verbs.h"
#include "bond/wire.h"
#include "bond/rxwin.h"
#include "bond/txtrack.h"
#include "bond/sched.h"
#include "bond/spray.h"

struct tbib_rail;
struct tbib_peer;

/* PSN window of a connection: in flight at the sender, held at the receiver. */
#define TBIB_CONN_WIN		TBIB_WIN_MAX
/* Send WQEs the requester has taken and not completed yet. */
#define TBIB_CONN_RING		1024
/* READ chunks and atomics in flight (>= any max_rd_atomic we accept). */
#define TBIB_CONN_RD		16
/* Floor of the tail loss probe time (kmod/comp.c) */
#define TBIB_PTO_MIN_NS		(10 * NSEC_PER_MSEC)
/* Packets one tail loss probe resends at most (lowest PSN first). */
#define TBIB_PTO_MAX_PKTS	16
/* Covered byte ranges tracked per READ chunk. */
#define TBIB_RD_IVL		16
/* Responder: executed READs/atomics remembered for duplicates. */
#define TBIB_RESP_CACHE		32
/*
 * Responder: how far behind the expected PSN a duplicate request may be.
 * A requester has at most TBIB_CONN_WIN PSNs in flight, so it never
 * resends one further back; an older cache entry with the same PSN is
 * from before a wrap of the 24-bit PSN and answers nothing.
 */
#define TBIB_RESP_DUP_WIN	TBIB_CONN_WIN
/* Responder: READ responses waiting to be sent. */
#define TBIB_RESP_JOBS		32
/* Responder: READ response packets a fatal error sends from the softirq. */
#define TBIB_RESP_FAIL_BUDGET	64
/* Responder: look again this soon when no rail took a READ response. */
#define TBIB_RESP_RETRY_NS	(200 * NSEC_PER_USEC)
/* UD: the receive buffer starts with room for a GRH (IB). */
#define TBIB_GRH_LEN		40

/* module parameters, kmod/transport.c */
extern unsigned int tbib_max_payload;
extern unsigned int tbib_rto_min_ms;
extern unsigned int tbib_ack_delay_us;
extern unsigned int tbib_ack_every;
extern unsigned int tbib_max_inflight_kb;
extern unsigned int tbib_read_chunk_kb;
extern unsigned int tbib_tx_budget;
extern unsigned int tbib_uc_gap_ms;
extern bool tbib_zerocopy_tx;

enum tbib_sk_kind {
	TBIB_SK_DATA,		/* SEND*, RDMA WRITE* */
	TBIB_SK_READ,
	TBIB_SK_ATOMIC,
	TBIB_SK_LOCAL,		/* LOCAL_INV, REG_MR: no packet */
};

/*
 * Why an RC PSN is waiting for retransmission (conn->lost_why), for the
 * tbib_retransmit tracepoint.  The sender tracker finds losses on its
 * own from SACKs (a later PSN on the same rail arrived): that is the
 * default, the other causes are recorded where they mark a PSN lost.
 */
enum tbib_lost_why {
	TBIB_LOST_FAST,		/* SACK: overtaken on its own rail */
	TBIB_LOST_NAK,		/* PSN sequence NAK */
	TBIB_LOST_TIMEOUT,	/* retransmit timer */
	TBIB_LOST_RAIL_DOWN,	/* its rail went down */
	TBIB_LOST_RNR,		/* RNR NAK: resent after the pause */
	TBIB_LOST_UNSENT,	/* no rail took it the first time */
	TBIB_LOST_PROBE,	/* tail loss probe: nothing acknowledged */
};

/* A send WQE the requester has taken (ring entry, in SQ order). */
struct tbib_swqe {
	struct tbib_send_wqe *w;
	u32 first_psn;		/* PSN of its first packet */
	u32 end_psn;		/* one past its last PSN (when built) */
	u64 off;		/* bytes packetised (DATA) or requested (READ) */
	u8 kind;		/* enum tbib_sk_kind */
	bool built;		/* every packet / chunk has been issued */
	u8 rd_open;		/* READ chunks / atomic not complete yet */
	u8 status;		/* local error found: enum ib_wc_status */
};

/* A READ chunk or an atomic in flight. */
struct tbib_rd {
	bool used;
	bool atomic;
	bool done;
	u8 nivl;
	u8 retries;		/* asked again without news since */
	bool rtt_sample;	/* issued alone: its answer times a round trip */
	u32 psn;
	u32 seq;		/* c->rd_seq when issued */
	u32 ring_idx;		/* its WQE in the ring */
	u64 off;		/* message offset of the chunk */
	u32 len;		/* chunk length */
	u32 have;		/* bytes covered */
	u64 va;			/* remote address of off */
	u32 rkey;
	u64 stamp;		/* ns: last progress or (re)request */
	struct { u32 s, e; } ivl[TBIB_RD_IVL];	/* covered, sorted */
	/*
	 * Gaps below this offset have been asked for again by the fast path
	 * (rd->len: no more fast re-requests, the timer's turn).
	 */
	u32 fast_upto;
	/* start offset of the latest first-time response packet per rail */
	u16 rails_seen;
	u32 rail_hi[TBIB_MAX_RAILS];
};

/* Responder: an executed READ or atomic, for duplicate requests. */
struct tbib_rcache {
	bool valid;
	bool atomic;
	u8 opcode;		/* atomic: TBIB_OP_CMP_SWP / FETCH_ADD */
	u32 psn;
	u32 rkey;
	u32 len;		/* READ */
	u32 base_off;		/* READ: message offset of va */
	u64 va;
	u64 swap_add;		/* atomic: the request's operands */
	u64 compare;
	u64 orig;		/* atomic: original value */
	u32 msn;
};

/* Responder: READ response packets still to send. */
struct tbib_rjob {
	u32 psn;
	u32 rkey;
	u64 va;			/* next byte to send */
	u32 off;		/* its message offset */
	u32 left;		/* bytes still to send */
	u32 msn;
	bool started;		/* first packet sent */
	bool resend;		/* answers a duplicate request (TBIB_F_RETRANS) */
};

/* Responder: the message being received. */
enum tbib_rmsg_kind {
	TBIB_RMSG_NONE,
	TBIB_RMSG_SEND,
	TBIB_RMSG_WRITE,
};

struct tbib_rmsg {
	u8 kind;		/* enum tbib_rmsg_kind */
	bool drop;		/* UC: swallow the rest of this message */
	bool have_wqe;		/* SEND: a receive WQE was taken */
	u64 off;		/* bytes placed */
	u64 len;		/* WRITE: DMA length */
	u64 va;
	u32 rkey;
	struct tbib_recv_wqe *rwqe;
	struct tbib_sgl sgl;
};

struct tbib_conn {
	struct tbib_qp *qp;
	struct tbib_dev *dev;
	struct list_head node;		/* tbib_conns (tbib_conns_lock) */
	spinlock_t lock;
	u8 type;			/* IB_QPT_RC / UC / UD */
	u32 qpn;

	/* what the data path may do now (lock) */
	bool tx_on;			/* requester: RTS (SQD, SQE: see below) */
	bool rx_on;			/* responder: RTR and later */
	bool sq_err;			/* SQE: the requester is stopped */
	bool dying;

	/* connection attributes, copied in qp_modify (lock) */
	u32 dlid;
	u32 dqpn;
	u32 gen_tx;			/* our requests, their responses */
	u32 gen_rx;			/* their requests, our responses */
	u32 qkey;
	int access;			/* IB_ACCESS_REMOTE_* allowed */
	u8 timeout;
	u8 retry_cnt;
	u8 rnr_retry;
	u8 min_rnr_timer;
	u8 max_rd_atomic;

	/* ---- requester (req.c) and completer (comp.c) ---- */
	struct tbib_txtrack *tt;	/* RC */
	struct sk_buff **store;		/* RC: frame of each PSN in flight */
	u64 *sent_ns;			/* RC: when each was last sent */
	u8 *lost_why;			/* RC: enum tbib_lost_why of each */
	u64 store_bytes;		/* bytes of stored frames */
	u32 next_psn;			/* UC, UD */
	struct tbib_swqe *ring;
	u32 r_head;			/* oldest, next to complete */
	u32 r_build;			/* being packetised */
	u32 r_tail;			/* next free */
	struct tbib_sgl sgl;		/* source of the WQE at r_build */
	struct tbib_rd rd[TBIB_CONN_RD];
	u32 rd_busy;			/* slots in use */
	u32 rd_seq;			/* READs/atomics issued (wraps) */
	u64 rd_bytes;			/* bytes they ask for */
	/*
	 * Rails that carried first-time READ responses of this QP (until
	 * they go down), and for each the rd->seq of the latest READ whose
	 * response arrived on it: the proof that what a rail carried before
	 * is lost (kmod/comp.c).
	 */
	u16 rd_rails;
	u32 rd_rail_seq[TBIB_MAX_RAILS];
	bool fence_wait;
	u8 retries;			/* timeouts without progress */
	u8 rnr_tries;
	bool rnr_wait;			/* paused by an RNR NAK */
	bool nak;			/* a NAK ended the connection */
	u8 nak_status;			/* its completion status */
	u32 nak_psn;
	u64 progress_ns;		/* last forward progress */
	u64 srtt_ns;			/* smoothed round trip, 0: no sample */
	u64 srtt_hint_ns;		/* until then: the peer's (spray.c) */
	u64 rttvar_ns;			/* its mean deviation */
	bool probed;			/* tail probe sent since the progress */
	u32 since_ackreq;		/* packets since the last ACKREQ */
	struct hrtimer rto_timer;
	struct hrtimer rnr_timer;
	/* in flight per rail as last told to the peer's scheduler */
	struct tbib_spray_flow flow;

	/* ---- responder (resp.c, ack.c) ---- */
	struct tbib_rxwin *rw;		/* RC, UC */
	u32 msn;
	struct tbib_rmsg rmsg;
	bool rx_err;			/* sent a fatal NAK: drop requests */
	u8 err_syndrome;		/* ... that answer, repeated to a */
	u32 err_psn;			/* resend of a request it refused */
	/*
	 * rx_err, but the READ responses queued before the refused request
	 * still go out (from the work); then the NAK and the QP error
	 * (err_event) follow.
	 */
	bool err_drain;
	u8 err_event;			/* enum ib_event_type */
	bool rnr_hold;			/* RNR NAK sent: no plain ACKs */
	u64 rnr_nak_ns;			/* when it was (last) sent */
	struct tbib_rcache cache[TBIB_RESP_CACHE];
	u32 cache_next;
	struct tbib_rjob jobs[TBIB_RESP_JOBS];
	u32 job_head, job_tail;
	u32 ack_pending;		/* packets not acknowledged yet */
	bool ack_now;			/* acknowledge before returning */
	u64 gap_ns;			/* UC: when the current gap was seen */
	struct hrtimer ack_timer;

	struct work_struct work;	/* transmit (tbib_conn_work) */
};

static inline u32 tbib_ring_count(const struct tbib_conn *c, u32 a, u32 b)
{
	return (b - a) & (TBIB_CONN_RING - 1);
}

static inline struct tbib_swqe *tbib_ring_at(struct tbib_conn *c, u32 idx)
{
	return &c->ring[idx & (TBIB_CONN_RING - 1)];
}

static inline u32 tbib_ring_next(u32 idx)
{
	return (idx + 1) & (TBIB_CONN_RING - 1);
}

/* ---- conn.c ---- */
struct tbib_conn *tbib_conn_alloc(struct tbib_qp *qp);
void tbib_conn_free(struct tbib_conn *c);
/* Stop the data path of @c (@tx, @rx sides) and wait for its timers and
 * work; process context, lock not held.
 */
void tbib_conn_quiesce(struct tbib_conn *c, bool tx, bool rx);
/* Drop every frame, WQE reference and message state; lock held. */
void tbib_conn_reset_tx(struct tbib_conn *c);
void tbib_conn_reset_rx(struct tbib_conn *c);
void tbib_conn_init_tx(struct tbib_conn *c, u32 psn);
void tbib_conn_init_rx(struct tbib_conn *c, u32 psn);
u32 tbib_conn_gen(u32 src_qpn, u32 dst_qpn, u32 psn);
void tbib_conn_kick(struct tbib_conn *c);	/* schedule the work */
u64 tbib_conn_rto_ns(const struct tbib_conn *c);
/* Record @why for the PSNs @slot had in flight, now lost; lock held. */
void tbib_conn_lost_on_rail(struct tbib_conn *c, u8 slot, u8 why);
/* Free a held skb (rxwin flush callback); keeps the depth gauge right. */
void tbib_conn_free_held(void *ctx, void *item);

/* Payload bytes a packet to @peer may carry (tbib_spray_payload). */
static inline u32 tbib_conn_payload(struct tbib_peer *peer, bool *crc)
{
	return tbib_spray_payload(peer, max(tbib_max_payload, 256U), crc);
}

/* Report what @c has in flight per rail to its peer's scheduler; lock. */
static inline void tbib_conn_flow_sync(struct tbib_conn *c)
{
	tbib_spray_flow_sync(&c->dev->bond, &c->flow, c->dlid, c->tt,
			     c->tt && c->tx_on && !c->sq_err);
}

/* ---- ack.c ---- */
/* Send a packet without payload (ACK, NAK, READ request, atomic ACK). */
int tbib_send_hdr_only(struct tbib_peer *peer, struct tbib_pkt *p);
/* Fill the parts common to every packet of this connection. */
void tbib_pkt_init(struct tbib_conn *c, struct tbib_pkt *p, u8 opcode,
		   bool response);
void tbib_ack_send(struct tbib_conn *c, struct tbib_peer *peer, u8 syndrome);
void tbib_ack_send_nak(struct tbib_conn *c, struct tbib_peer *peer,
		       u8 syndrome, u32 psn);
/* RNR NAK (no receive WQE for @psn); repeated by tbib_ack_flush(). */
void tbib_ack_send_rnr(struct tbib_conn *c, struct tbib_peer *peer, u32 psn);
/* Account a received request; @now asks for an ACK before returning. */
void tbib_ack_note(struct tbib_conn *c, bool now);
/* Send what tbib_ack_note decided; end of a receive batch. */
void tbib_ack_flush(struct tbib_conn *c, struct tbib_peer *peer);
enum hrtimer_restart tbib_ack_timer_fn(struct hrtimer *t);

/* ---- req.c ---- */
/* Transmit what is due: retransmissions, then new packets; returns the
 * number of packets sent.  Lock held, RCU read lock held.
 */
unsigned int tbib_req_tx(struct tbib_conn *c, struct tbib_peer *peer,
			 unsigned int budget);
unsigned int tbib_req_retransmit(struct tbib_conn *c, struct tbib_peer *peer,
				 unsigned int budget, bool timeout);
/*
 * Ask again for [gs, ge) of READ chunk @rd (an atomic: the same request),
 * counted in @stat (TBIB_A_STATS_READ_REREQ_*); every missing range of it.
 */
void tbib_req_reask(struct tbib_conn *c, struct tbib_peer *peer,
		    const struct tbib_rd *rd, u32 gs, u32 ge, unsigned int stat);
void tbib_req_rerequest(struct tbib_conn *c, struct tbib_peer *peer,
			struct tbib_rd *rd, unsigned int stat);

/* ---- comp.c ---- */
void tbib_comp_rx(struct tbib_conn *c, struct tbib_peer *peer, int slot,
		  struct sk_buff *skb, struct tbib_pkt *p);
/* Complete every finished WQE at the head of the ring; lock held. */
void tbib_comp_run(struct tbib_conn *c);
void tbib_comp_progress(struct tbib_conn *c);
void tbib_comp_arm_rto(struct tbib_conn *c);
enum hrtimer_restart tbib_comp_rto_fn(struct hrtimer *t);
enum hrtimer_restart tbib_comp_rnr_fn(struct hrtimer *t);
/* Free stored frames below una; lock held. */
void tbib_comp_release(struct tbib_conn *c, u32 from, u32 to);
/* The rail in @slot went down: it proves no READ loss any more; lock held. */
void tbib_comp_rail_down(struct tbib_conn *c, int slot);

/* ---- resp.c ---- */
void tbib_resp_rx(struct tbib_conn *c, struct tbib_rail *rail,
		  struct tbib_peer *peer, struct sk_buff *skb,
		  struct tbib_pkt *p);
void tbib_resp_ud_rx(struct tbib_conn *c, struct sk_buff *skb,
		     struct tbib_pkt *p);
/* Send queued READ responses; returns packets sent.  Lock held. */
unsigned int tbib_resp_tx(struct tbib_conn *c, struct tbib_peer *peer,
			  unsigned int budget);
/* UC: give up on a gap that did not fill; lock held. */
void tbib_resp_uc_gap(struct tbib_conn *c, struct tbib_peer *peer);

/* ---- transport.c ---- */
/* Run the transmit side inline; lock held, BH disabled. Returns true if
 * work is left for the worker.
 */
bool tbib_conn_tx(struct tbib_conn *c, unsigned int budget);

#endif /* TBIB_CONN_H */
