// SPDX-License-Identifier: GPL-2.0
/*
 * resp-inject: play a hostile or unlucky requester against a responder QP
 * of a tbib device, with raw transport frames (bond/WIRE.md) put on a
 * rail whose other end is that device, and its answers read off the same
 * link.  The responder QP is made here with verbs, connected to a QPN
 * nobody has (FAKE_QPN) at the rail peer's LID, so the frames carry the
 * right generation and nothing on the peer's side answers them.
 *
 *   resp-inject -d DEV -i IFNAME -m DSTMAC -L PEERLID MODE [ARGS]
 *
 * DEV is the responder (tbib1), IFNAME the rail netdev of the other
 * device (va0; its peer vb0 is DEV's rail), DSTMAC the address of DEV's
 * end (vb0), PEERLID the LID of the device behind IFNAME (tbib0).
 *
 *   bigread           READ requests longer than an IB message (2^31):
 *                     NAK invalid request, QP error IBV_EVENT_QP_REQ_ERR;
 *                     a READ of 4 KiB is still answered
 *   flood N MB DUPS   N READs of MB MiB, DUPS duplicates of the first, then
 *                     a SEND_MIDDLE out of the blue (a fatal invalid
 *                     request, which sends the queued READ data first):
 *                     the CPU this runs on must stay responsive (a
 *                     ping-pong between PING_DEV and DEV over another QP
 *                     on the same CPU, -D PING_DEV) and the NAK must come
 *   atomic PSN        FETCH_ADDs, CMP_SWPs and READs from PSN on (across the
 *                     24-bit wrap from 0xfffff0), every original value
 *                     checked; an exact duplicate is answered from the
 *                     cache and not executed; a duplicate further back
 *                     than the requester's window is not answered; a
 *                     "duplicate" with other operands is an invalid
 *                     request, never the cached answer
 *   wrap PSN COUNT    verbs only (-D DEV2, no injection: -i/-m/-L unused):
 *                     COUNT FETCH_ADDs, CMP_SWPs and READs from a QP of
 *                     DEV2 to one of DEV with both PSNs at PSN, many in
 *                     flight; every original value and the final memory
 *                     checked exactly
 *
 * Prints PASS/FAIL lines; exit 0 if all passed, 1 if one failed, 2 on a
 * setup error.
 */
#define _GNU_SOURCE
#define TOOL_NAME "resp-inject"
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"

#define ETH_P_TBIB	0x88B5
#define FAKE_QPN	0xabcde
#define F_LAST		0x04
#define F_CRC		0x10
#define F_ACKREQ	0x01

enum {
	OP_SEND_MIDDLE = 0x11,
	OP_WRITE_ONLY = 0x1C,
	OP_READ_REQ = 0x1E,
	OP_READ_RESP_FIRST = 0x1F,
	OP_READ_RESP_MIDDLE = 0x20,
	OP_READ_RESP_LAST = 0x21,
	OP_READ_RESP_ONLY = 0x22,
	OP_ACK = 0x23,
	OP_ATOMIC_ACK = 0x24,
	OP_CMP_SWP = 0x25,
	OP_FETCH_ADD = 0x26,
};

#define NAK_INV_REQ	0x61
#define NAK_REM_ACCESS	0x62

static int tx_sock, rx_sock;
static struct sockaddr_ll sll;
static unsigned char dst_mac[6], src_mac[6];
static unsigned int peer_lid, my_lid;
static struct ibv_context *ctx;
static struct ibv_pd *pd;

/* ---- CRC32C and the generation (kmod/conn.c: jhash_3words) ---- */

static uint32_t crc32c(const unsigned char *b, size_t n)
{
	uint32_t c = 0xffffffff;
	int k;

	while (n--) {
		c ^= *b++;
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0x82f63b78 & -(c & 1));
	}
	return ~c;
}

static uint32_t rol32(uint32_t w, unsigned int s)
{
	return (w << s) | (w >> (32 - s));
}

static uint32_t jhash_3words(uint32_t a, uint32_t b, uint32_t c, uint32_t iv)
{
	iv += 0xdeadbeef + (3 << 2);
	a += iv;
	b += iv;
	c += iv;
	c ^= b; c -= rol32(b, 14);
	a ^= c; a -= rol32(c, 11);
	b ^= a; b -= rol32(a, 25);
	c ^= b; c -= rol32(b, 16);
	a ^= c; a -= rol32(c, 4);
	b ^= a; b -= rol32(a, 14);
	c ^= b; c -= rol32(b, 24);
	return c;
}

static uint32_t conn_gen(uint32_t src_qpn, uint32_t dst_qpn, uint32_t psn)
{
	return jhash_3words(src_qpn, dst_qpn, psn, 0x7b1b6e6e);
}

static void put16(unsigned char *b, uint32_t v) { b[0] = v >> 8; b[1] = v; }
static void put24(unsigned char *b, uint32_t v) { b[0] = v >> 16; b[1] = v >> 8; b[2] = v; }
static void put32(unsigned char *b, uint32_t v) { put16(b, v >> 16); put16(b + 2, v); }
static void put64(unsigned char *b, uint64_t v) { put32(b, v >> 32); put32(b + 4, v); }
static uint32_t get24(const unsigned char *b) { return b[0] << 16 | b[1] << 8 | b[2]; }
static uint32_t get32(const unsigned char *b) { return (uint32_t)b[0] << 24 | get24(b + 1); }
static uint64_t get64(const unsigned char *b) { return (uint64_t)get32(b) << 32 | get32(b + 4); }

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the responder QP ---- */

struct resp {
	struct ibv_cq *cq;
	struct ibv_qp *qp;
	struct ibv_mr *mr;
	unsigned char *buf;
	size_t len;
	uint32_t gen;
	uint32_t psn;		/* next request PSN */
};

static void resp_open(struct resp *r, size_t len, uint32_t psn)
{
	struct ibv_qp_init_attr ia = { 0 };
	struct ibv_qp_attr a = { 0 };

	r->len = len;
	r->buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (r->buf == MAP_FAILED)
		die("mmap");
	memset(r->buf, 0x5a, len);
	r->mr = ibv_reg_mr(pd, r->buf, len, IBV_ACCESS_LOCAL_WRITE |
			   IBV_ACCESS_REMOTE_READ | IBV_ACCESS_REMOTE_WRITE |
			   IBV_ACCESS_REMOTE_ATOMIC);
	if (!r->mr)
		die("ibv_reg_mr");
	r->cq = ibv_create_cq(ctx, 16, NULL, NULL, 0);
	if (!r->cq)
		die("ibv_create_cq");
	ia.send_cq = ia.recv_cq = r->cq;
	ia.qp_type = IBV_QPT_RC;
	ia.cap.max_send_wr = ia.cap.max_recv_wr = 8;
	ia.cap.max_send_sge = ia.cap.max_recv_sge = 1;
	r->qp = ibv_create_qp(pd, &ia);
	if (!r->qp)
		die("ibv_create_qp");
	a.qp_state = IBV_QPS_INIT;
	a.port_num = 1;
	a.qp_access_flags = IBV_ACCESS_REMOTE_READ | IBV_ACCESS_REMOTE_WRITE |
			    IBV_ACCESS_REMOTE_ATOMIC;
	if (ibv_modify_qp(r->qp, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX |
			  IBV_QP_PORT | IBV_QP_ACCESS_FLAGS))
		die("modify INIT");
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTR;
	a.path_mtu = IBV_MTU_4096;
	a.dest_qp_num = FAKE_QPN;
	a.rq_psn = psn;
	a.max_dest_rd_atomic = 16;
	a.min_rnr_timer = 12;
	a.ah_attr.dlid = peer_lid;
	a.ah_attr.port_num = 1;
	if (ibv_modify_qp(r->qp, &a, IBV_QP_STATE | IBV_QP_AV |
			  IBV_QP_PATH_MTU | IBV_QP_DEST_QPN | IBV_QP_RQ_PSN |
			  IBV_QP_MAX_DEST_RD_ATOMIC | IBV_QP_MIN_RNR_TIMER))
		die("modify RTR");
	r->gen = conn_gen(FAKE_QPN, r->qp->qp_num, psn);
	r->psn = psn & 0xffffff;
}

static void resp_close(struct resp *r)
{
	ibv_destroy_qp(r->qp);
	ibv_destroy_cq(r->cq);
	ibv_dereg_mr(r->mr);
	munmap(r->buf, r->len);
}

/* ---- frames ---- */

struct req {
	uint8_t op;
	uint32_t psn;
	uint32_t offset;
	uint64_t va;
	uint32_t rkey;
	uint32_t dma_len;
	uint64_t swap_add, compare;
	uint32_t paylen;
};

/* Send one request frame to @r's QP; returns the seconds sendto took. */
static double inject(struct resp *r, const struct req *q)
{
	unsigned char f[256] = { 0 }, *b = f + 14;
	size_t hl = 32, len;
	double t0;

	memcpy(f, dst_mac, 6);
	memcpy(f + 6, src_mac, 6);
	f[12] = ETH_P_TBIB >> 8;
	f[13] = ETH_P_TBIB & 0xff;
	b[0] = 1;
	b[1] = q->op;
	b[2] = F_CRC | F_ACKREQ | (q->op == OP_SEND_MIDDLE ? 0 : F_LAST);
	put16(b + 4, my_lid);
	put16(b + 6, peer_lid);
	put24(b + 9, r->qp->qp_num);
	put24(b + 13, FAKE_QPN);
	put24(b + 17, q->psn & 0xffffff);
	put32(b + 20, r->gen);
	put32(b + 24, q->paylen);
	put32(b + 28, q->offset);
	switch (q->op) {
	case OP_READ_REQ:
	case OP_WRITE_ONLY:
		put64(b + 32, q->va);
		put32(b + 40, q->rkey);
		put32(b + 44, q->dma_len);
		hl += 16;
		break;
	case OP_CMP_SWP:
	case OP_FETCH_ADD:
		put64(b + 32, q->va);
		put32(b + 40, q->rkey);
		put64(b + 44, q->swap_add);
		put64(b + 52, q->compare);
		hl += 28;
		break;
	}
	b[3] = hl / 4;
	memset(b + hl, 0xee, q->paylen);
	len = hl + q->paylen;
	put32(b + len, crc32c(b, len));
	len += 4;
	t0 = now_s();
	if (sendto(tx_sock, f, 14 + len, 0, (struct sockaddr *)&sll,
		   sizeof(sll)) < 0)
		die("sendto");
	return now_s() - t0;
}

struct answer {
	uint8_t op;
	uint8_t syndrome;
	uint32_t psn;
	uint32_t offset;
	uint32_t paylen;
	uint64_t orig;
	uint64_t data;		/* READ_RESP: the first 8 payload bytes */
};

/*
 * The next frame @r's QP sends to FAKE_QPN within @ms that is not a
 * plain (positive) ACK; 0 if it came, -1 if not.
 */
static int answer(struct resp *r, struct answer *a, int ms)
{
	unsigned char f[70000], *b = f + 14;
	double end = now_s() + ms / 1000.0;
	struct sockaddr_ll from;
	socklen_t fl;
	ssize_t n;

	for (;;) {
		struct pollfd pfd = { .fd = rx_sock, .events = POLLIN };
		int left = (int)((end - now_s()) * 1000);

		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			return -1;
		fl = sizeof(from);
		n = recvfrom(rx_sock, f, sizeof(f), 0, (struct sockaddr *)&from,
			     &fl);
		if (n < 14 + 36 || from.sll_pkttype == PACKET_OUTGOING)
			continue;
		if (b[0] != 1 || b[1] < 0x10 || get24(b + 9) != FAKE_QPN ||
		    get24(b + 13) != r->qp->qp_num)
			continue;
		memset(a, 0, sizeof(*a));
		a->op = b[1];
		a->psn = get24(b + 17);
		a->paylen = get32(b + 24);
		a->offset = get32(b + 28);
		if (a->op != OP_READ_RESP_MIDDLE)
			a->syndrome = b[32];
		if (a->op == OP_ACK && (a->syndrome >> 5) == 0)
			continue;
		if (a->op == OP_ATOMIC_ACK)
			a->orig = get64(b + 36);
		if (a->op >= OP_READ_RESP_FIRST && a->op <= OP_READ_RESP_ONLY &&
		    a->paylen >= 8) {
			size_t hl = b[3] * 4;

			if ((size_t)n >= 14 + hl + 8)
				a->data = get64(b + hl);
		}
		return 0;
	}
}

/* Wait up to @ms for an async event of @qp; its type, or -1. */
static int qp_event(struct ibv_qp *qp, int ms)
{
	struct ibv_async_event ev;
	double end = now_s() + ms / 1000.0;
	int type;

	for (;;) {
		struct pollfd pfd = { .fd = ctx->async_fd, .events = POLLIN };
		int left = (int)((end - now_s()) * 1000);

		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			return -1;
		if (ibv_get_async_event(ctx, &ev))
			continue;
		type = ev.event_type;
		ibv_ack_async_event(&ev);
		if (type == IBV_EVENT_QP_FATAL || type == IBV_EVENT_QP_REQ_ERR ||
		    type == IBV_EVENT_QP_ACCESS_ERR) {
			if (ev.element.qp == qp)
				return type;
		}
	}
}

static void drain_answers(struct resp *r)
{
	struct answer a;

	while (!answer(r, &a, 50))
		;
}

/* ---- bigread ---- */

static void mode_bigread(void)
{
	static const struct { uint32_t off, len; } bad[] = {
		{ 0, 0x80000001 }, { 0, 0xffffffff }, { 0x7ffff000, 0x2000 },
	};
	struct answer a;
	struct resp r;
	unsigned int i;
	int ev, got;

	/* control: a small READ is answered with the data */
	resp_open(&r, 1 << 20, 100);
	r.buf[0] = 0x11;
	inject(&r, &(struct req){ .op = OP_READ_REQ, .psn = 100,
		.va = (uintptr_t)r.buf, .rkey = r.mr->rkey, .dma_len = 4096 });
	got = !answer(&r, &a, 2000);
	check(got && a.op == OP_READ_RESP_ONLY && a.psn == 100 &&
	      a.paylen == 4096, "READ of 4 KiB answered (op %#x psn %u len %u)",
	      got ? a.op : 0, got ? a.psn : 0, got ? a.paylen : 0);
	resp_close(&r);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		resp_open(&r, 1 << 20, 200 + i);
		inject(&r, &(struct req){ .op = OP_READ_REQ, .psn = 200 + i,
			.offset = bad[i].off, .va = (uintptr_t)r.buf,
			.rkey = r.mr->rkey, .dma_len = bad[i].len });
		got = !answer(&r, &a, 2000);
		check(got && a.op == OP_ACK && a.syndrome == NAK_INV_REQ &&
		      a.psn == 200 + i,
		      "READ at offset %#x of %#x bytes: NAK invalid request (op %#x syndrome %#x psn %u)",
		      bad[i].off, bad[i].len, got ? a.op : 0,
		      got ? a.syndrome : 0, got ? a.psn : 0);
		ev = qp_event(r.qp, 2000);
		check(ev == IBV_EVENT_QP_REQ_ERR,
		      "... QP error event %d (want QP_REQ_ERR %d)", ev,
		      IBV_EVENT_QP_REQ_ERR);
		resp_close(&r);
	}
}

/* ---- flood ---- */

struct ping {
	struct ibv_context *ctx[2];
	struct ibv_pd *pd[2];
	struct ibv_cq *cq[2];
	struct ibv_qp *qp[2];
	struct ibv_mr *mr[2];
	uint64_t buf[2][2];
};

static uint16_t port_lid(struct ibv_context *c)
{
	struct ibv_port_attr pa;

	if (ibv_query_port(c, 1, &pa))
		die("ibv_query_port");
	return pa.lid;
}

static void rc_connect(struct ibv_qp *qp, uint32_t dqpn, uint16_t dlid,
		       uint32_t sq_psn, uint32_t rq_psn)
{
	struct ibv_qp_attr a = { 0 };

	a.qp_state = IBV_QPS_INIT;
	a.port_num = 1;
	a.qp_access_flags = IBV_ACCESS_REMOTE_READ | IBV_ACCESS_REMOTE_WRITE |
			    IBV_ACCESS_REMOTE_ATOMIC;
	if (ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX |
			  IBV_QP_PORT | IBV_QP_ACCESS_FLAGS))
		die("modify INIT");
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTR;
	a.path_mtu = IBV_MTU_4096;
	a.dest_qp_num = dqpn;
	a.rq_psn = rq_psn;
	a.max_dest_rd_atomic = 16;
	a.min_rnr_timer = 1;
	a.ah_attr.dlid = dlid;
	a.ah_attr.port_num = 1;
	if (ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_AV |
			  IBV_QP_PATH_MTU | IBV_QP_DEST_QPN | IBV_QP_RQ_PSN |
			  IBV_QP_MAX_DEST_RD_ATOMIC | IBV_QP_MIN_RNR_TIMER))
		die("modify RTR");
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTS;
	a.sq_psn = sq_psn;
	a.timeout = 14;
	a.retry_cnt = 7;
	a.rnr_retry = 7;
	a.max_rd_atomic = 16;
	if (ibv_modify_qp(qp, &a, IBV_QP_STATE | IBV_QP_SQ_PSN |
			  IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT |
			  IBV_QP_RNR_RETRY | IBV_QP_MAX_QP_RD_ATOMIC))
		die("modify RTS");
}

/* Two RC QPs, one on each context, connected, with PSNs from @psn. */
static void pair_open(struct ping *p, struct ibv_context *c0,
		      struct ibv_context *c1, uint32_t psn, int depth)
{
	struct ibv_qp_init_attr ia = { 0 };
	int i;

	p->ctx[0] = c0;
	p->ctx[1] = c1;
	for (i = 0; i < 2; i++) {
		p->pd[i] = ibv_alloc_pd(p->ctx[i]);
		p->cq[i] = p->pd[i] ? ibv_create_cq(p->ctx[i], 2 * depth + 8,
						    NULL, NULL, 0) : NULL;
		if (!p->cq[i])
			die("pd/cq");
		memset(&ia, 0, sizeof(ia));
		ia.send_cq = ia.recv_cq = p->cq[i];
		ia.qp_type = IBV_QPT_RC;
		ia.cap.max_send_wr = ia.cap.max_recv_wr = depth;
		ia.cap.max_send_sge = ia.cap.max_recv_sge = 1;
		p->qp[i] = ibv_create_qp(p->pd[i], &ia);
		p->mr[i] = ibv_reg_mr(p->pd[i], p->buf[i], sizeof(p->buf[i]),
				      IBV_ACCESS_LOCAL_WRITE);
		if (!p->qp[i] || !p->mr[i])
			die("qp/mr");
	}
	rc_connect(p->qp[0], p->qp[1]->qp_num, port_lid(c1), psn, psn);
	rc_connect(p->qp[1], p->qp[0]->qp_num, port_lid(c0), psn, psn);
}

static int wait_wc(struct ibv_cq *cq, struct ibv_wc *wc, double secs)
{
	double end = now_s() + secs;
	int n;

	while ((n = ibv_poll_cq(cq, 1, wc)) == 0 && now_s() < end)
		;
	return n == 1 && wc->status == IBV_WC_SUCCESS ? 0 : -1;
}

/* One 8-byte message from side @from to the other; -1 on error. */
static int ping_once(struct ping *p, int from)
{
	int to = !from;
	struct ibv_sge rs = { (uintptr_t)p->buf[to], 8, p->mr[to]->lkey };
	struct ibv_sge ss = { (uintptr_t)p->buf[from], 8, p->mr[from]->lkey };
	struct ibv_recv_wr rw = { .sg_list = &rs, .num_sge = 1 }, *brw;
	struct ibv_send_wr sw = { .sg_list = &ss, .num_sge = 1,
				  .opcode = IBV_WR_SEND,
				  .send_flags = IBV_SEND_SIGNALED }, *bsw;
	struct ibv_wc wc;

	if (ibv_post_recv(p->qp[to], &rw, &brw) ||
	    ibv_post_send(p->qp[from], &sw, &bsw))
		return -1;
	if (wait_wc(p->cq[to], &wc, 30) || wait_wc(p->cq[from], &wc, 30))
		return -1;
	return 0;
}

static void mode_flood(const char *ping_dev, int n, int mb, int dups)
{
	struct ibv_context *pctx = open_dev(ping_dev);
	double t, worst = 0, stray, t0, pp_worst = 0, pp_t;
	size_t len = (size_t)mb << 20;
	struct ping p;
	struct answer a;
	struct resp r;
	cpu_set_t cpus;
	int i, ev, got, bad = 0, rounds = 0;

	/* only ACKs: the READ data must not crowd the NAK out of the socket */
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 15),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, OP_ACK, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { 4, code };

	if (setsockopt(rx_sock, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
		       sizeof(prog)))
		die("SO_ATTACH_FILTER");
	/* everything on one CPU: its softirq must let this thread run */
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus))
		die("sched_setaffinity");
	pair_open(&p, pctx, ctx, 7, 4);
	for (i = 0; i < 10; i++)
		if (ping_once(&p, i & 1))
			die("ping-pong before the flood");

	resp_open(&r, len, 1000);
	for (i = 0; i < n; i++) {
		t = inject(&r, &(struct req){ .op = OP_READ_REQ,
			.psn = 1000 + i, .va = (uintptr_t)r.buf,
			.rkey = r.mr->rkey, .dma_len = len });
		worst = t > worst ? t : worst;
	}
	for (i = 0; i < dups; i++) {
		t = inject(&r, &(struct req){ .op = OP_READ_REQ, .psn = 1000,
			.va = (uintptr_t)r.buf, .rkey = r.mr->rkey,
			.dma_len = len });
		worst = t > worst ? t : worst;
	}
	/* a SEND_MIDDLE with no SEND before it: invalid request */
	t0 = now_s();
	stray = inject(&r, &(struct req){ .op = OP_SEND_MIDDLE,
		.psn = 1000 + n, .paylen = 16 });
	/*
	 * Meanwhile, another QP on this CPU must get its turn: ten rounds,
	 * and for 3 s at least.  The limits leave room for two TCG VMs on
	 * two host CPUs (6.1 took up to 2.8 s once); the unbounded responder
	 * held the CPU for 19.5 s.
	 */
	while ((rounds < 10 || now_s() - t0 < 3) && now_s() - t0 < 30) {
		pp_t = now_s();
		if (ping_once(&p, rounds & 1)) {
			bad++;
			break;
		}
		pp_t = now_s() - pp_t;
		pp_worst = pp_t > pp_worst ? pp_t : pp_worst;
		rounds++;
	}
	printf("flood: %d READs of %d MiB, %d duplicates: longest injection %.3f s, the invalid request's %.3f s; %d ping-pongs after it, the longest %.3f s\n",
	       n, mb, dups, worst, stray, rounds, pp_worst);
	check(stray < 5,
	      "the invalid request held its CPU for %.3f s (at most 5)",
	      stray);
	check(!bad && rounds >= 10 && pp_worst < 5,
	      "ping-pong on the same CPU meanwhile: %d rounds, the longest %.3f s",
	      rounds, pp_worst);
	/* the NAK comes after the queued READ data; skip that data */
	got = 0;
	t0 = now_s();
	while (now_s() - t0 < 240 && !got) {
		if (answer(&r, &a, 1000))
			continue;
		got = a.op == OP_ACK;
	}
	check(got && a.syndrome == NAK_INV_REQ && a.psn == (uint32_t)1000 + n,
	      "NAK invalid request of PSN %u after %.1f s (got %d syndrome %#x psn %u)",
	      1000 + n, now_s() - t0, got, got ? a.syndrome : 0,
	      got ? a.psn : 0);
	ev = qp_event(r.qp, 10000);
	check(ev == IBV_EVENT_QP_REQ_ERR, "QP error event %d (want QP_REQ_ERR %d)",
	      ev, IBV_EVENT_QP_REQ_ERR);
	resp_close(&r);
	check(!ping_once(&p, 0), "ping-pong after the flood");
}

/* ---- atomic ---- */

static uint64_t *word(struct resp *r)
{
	return (uint64_t *)r->buf;
}

static void mode_atomic(uint32_t psn0)
{
	struct answer a;
	struct resp r;
	struct req q, last_atomic[40];
	uint64_t expect = 1000, orig[40];
	uint32_t psn = psn0;
	int i, got, ev, nat = 0, wrong = 0;

	resp_open(&r, 4096, psn0);
	*word(&r) = expect;
	for (i = 0; i < 40; i++, psn = (psn + 1) & 0xffffff) {
		memset(&q, 0, sizeof(q));
		q.psn = psn;
		q.va = (uintptr_t)r.buf;
		q.rkey = r.mr->rkey;
		if (i % 4 == 3) {
			q.op = OP_READ_REQ;
			q.dma_len = 8;
			inject(&r, &q);
			got = !answer(&r, &a, 2000);
			if (!got || a.op != OP_READ_RESP_ONLY || a.psn != psn ||
			    a.data != __builtin_bswap64(expect)) {
				check(0, "READ PSN %#x: op %#x psn %#x data %#llx, want %#llx",
				      psn, got ? a.op : 0, got ? a.psn : 0,
				      (unsigned long long)a.data,
				      (unsigned long long)expect);
				wrong++;
			}
			continue;
		}
		if (i % 4 == 1) {
			q.op = OP_CMP_SWP;
			/* every other one with the wrong compare value */
			q.compare = i % 8 == 1 ? expect : expect + 1;
			q.swap_add = expect * 3 + i;
		} else {
			q.op = OP_FETCH_ADD;
			q.swap_add = i + 1;
		}
		inject(&r, &q);
		got = !answer(&r, &a, 2000);
		if (!got || a.op != OP_ATOMIC_ACK || a.psn != psn ||
		    a.orig != expect) {
			check(0, "atomic %#x PSN %#x: op %#x psn %#x orig %llu, want %llu",
			      q.op, psn, got ? a.op : 0, got ? a.psn : 0,
			      (unsigned long long)a.orig,
			      (unsigned long long)expect);
			wrong++;
		}
		orig[nat] = expect;
		last_atomic[nat++] = q;
		if (q.op == OP_FETCH_ADD)
			expect += q.swap_add;
		else if (q.compare == expect)
			expect = q.swap_add;
	}
	check(!wrong && *word(&r) == expect,
	      "40 requests from PSN %#x across the wrap: every answer right, memory %llu (want %llu)",
	      psn0, (unsigned long long)*word(&r),
	      (unsigned long long)expect);

	/* exact duplicates of a few: the cached original, not run again */
	for (i = nat - 1; i >= nat - 20 && i >= 0; i -= 7) {
		inject(&r, &last_atomic[i]);
		got = !answer(&r, &a, 2000);
		check(got && a.op == OP_ATOMIC_ACK && a.psn == last_atomic[i].psn &&
		      a.orig == orig[i] && *word(&r) == expect,
		      "duplicate atomic PSN %#x: orig %llu (want %llu), memory %llu (want %llu)",
		      last_atomic[i].psn, got ? (unsigned long long)a.orig : 0,
		      (unsigned long long)orig[i],
		      (unsigned long long)*word(&r),
		      (unsigned long long)expect);
	}

	/* far behind: > 1024 PSNs of zero-length WRITEs later */
	for (i = 0; i < 1100; i++, psn = (psn + 1) & 0xffffff)
		inject(&r, &(struct req){ .op = OP_WRITE_ONLY, .psn = psn,
			.va = (uintptr_t)r.buf, .rkey = r.mr->rkey });
	drain_answers(&r);
	inject(&r, &last_atomic[nat - 1]);
	got = !answer(&r, &a, 1000);
	check(!got || a.op != OP_ATOMIC_ACK,
	      "duplicate atomic PSN %#x, 1100+ PSNs back: not answered from the cache (got op %#x)",
	      last_atomic[nat - 1].psn, got ? a.op : 0);

	/* a recent PSN again, but asking for something else */
	inject(&r, &(struct req){ .op = OP_FETCH_ADD, .psn = psn,
		.va = (uintptr_t)r.buf, .rkey = r.mr->rkey, .swap_add = 5 });
	got = !answer(&r, &a, 2000);
	check(got && a.op == OP_ATOMIC_ACK && a.orig == expect,
	      "FETCH_ADD PSN %#x: orig %llu (want %llu)", psn,
	      got ? (unsigned long long)a.orig : 0,
	      (unsigned long long)expect);
	inject(&r, &(struct req){ .op = OP_FETCH_ADD, .psn = psn,
		.va = (uintptr_t)r.buf, .rkey = r.mr->rkey, .swap_add = 9 });
	got = !answer(&r, &a, 2000);
	check(got && a.op == OP_ACK && a.syndrome == NAK_INV_REQ,
	      "its \"duplicate\" adding 9 instead of 5: NAK invalid request (op %#x syndrome %#x orig %llu)",
	      got ? a.op : 0, got ? a.syndrome : 0,
	      got ? (unsigned long long)a.orig : 0);
	ev = qp_event(r.qp, 2000);
	check(ev == IBV_EVENT_QP_REQ_ERR, "QP error event %d (want QP_REQ_ERR %d)",
	      ev, IBV_EVENT_QP_REQ_ERR);
	check(*word(&r) == expect + 5, "memory %llu (want %llu)",
	      (unsigned long long)*word(&r), (unsigned long long)expect + 5);
	resp_close(&r);
}

/* ---- wrap: verbs only ---- */

static void mode_wrap(const char *dev2, uint32_t psn0, int count)
{
	struct ibv_context *c2 = open_dev(dev2);
	const int depth = 16;
	struct ping p;
	struct ibv_mr *tmr, *rmr;
	uint64_t *target, *res, expect = 77, want[16];
	int kind[16];
	int posted = 0, done = 0, wrong = 0, slot;
	struct ibv_wc wc;
	double end;

	pair_open(&p, c2, ctx, psn0, depth);
	target = aligned_alloc(4096, 4096);
	res = aligned_alloc(4096, 4096);
	if (!target || !res)
		die("alloc");
	*target = expect;
	tmr = ibv_reg_mr(p.pd[1], target, 4096, IBV_ACCESS_LOCAL_WRITE |
			 IBV_ACCESS_REMOTE_ATOMIC | IBV_ACCESS_REMOTE_READ);
	rmr = ibv_reg_mr(p.pd[0], res, 4096, IBV_ACCESS_LOCAL_WRITE);
	if (!tmr || !rmr)
		die("reg_mr");
	end = now_s() + 120;
	/*
	 * Atomics on one word complete in order, so each one's original value
	 * is known when it is posted; READs of another word give its value.
	 */
	while (done < count && now_s() < end) {
		while (posted < count && posted - done < depth &&
		       (posted % 5 != 4 || posted == done)) {
			struct ibv_sge sge = { (uintptr_t)&res[posted % depth], 8,
					       rmr->lkey };
			struct ibv_send_wr wr = { .wr_id = posted,
				.sg_list = &sge, .num_sge = 1,
				.send_flags = IBV_SEND_SIGNALED }, *bad;

			slot = posted % depth;
			res[slot] = 0xdeadbeefdeadbeefULL;
			kind[slot] = posted % 5;
			if (kind[slot] == 4) {
				wr.opcode = IBV_WR_RDMA_READ;
				wr.wr.rdma.remote_addr = (uintptr_t)&target[1];
				wr.wr.rdma.rkey = tmr->rkey;
				want[slot] = target[1] = 0x1234000000000000ULL + posted;
			} else if (kind[slot] == 1 || kind[slot] == 3) {
				wr.opcode = IBV_WR_ATOMIC_CMP_AND_SWP;
				wr.wr.atomic.remote_addr = (uintptr_t)target;
				wr.wr.atomic.rkey = tmr->rkey;
				wr.wr.atomic.compare_add = kind[slot] == 1 ?
							   expect : expect ^ 1;
				wr.wr.atomic.swap = expect + 1000 + posted;
				want[slot] = expect;
				if (kind[slot] == 1)
					expect = wr.wr.atomic.swap;
			} else {
				wr.opcode = IBV_WR_ATOMIC_FETCH_AND_ADD;
				wr.wr.atomic.remote_addr = (uintptr_t)target;
				wr.wr.atomic.rkey = tmr->rkey;
				wr.wr.atomic.compare_add = posted + 1;
				want[slot] = expect;
				expect += posted + 1;
			}
			if (ibv_post_send(p.qp[0], &wr, &bad))
				die("ibv_post_send");
			posted++;
			/* a READ of target[1] alone: nothing changes it meanwhile */
			if (kind[slot] == 4)
				break;
		}
		if (ibv_poll_cq(p.cq[0], 1, &wc) <= 0)
			continue;
		slot = wc.wr_id % depth;
		if (wc.status != IBV_WC_SUCCESS || (int)wc.wr_id != done) {
			check(0, "WR %llu: status %s (done %d)",
			      (unsigned long long)wc.wr_id,
			      ibv_wc_status_str(wc.status), done);
			break;
		}
		if (res[slot] != want[slot]) {
			if (wrong++ < 5)
				check(0, "WR %d (%s): got %#llx, want %#llx",
				      done, kind[slot] == 4 ? "READ" :
				      kind[slot] == 1 || kind[slot] == 3 ?
				      "CMP_SWP" : "FETCH_ADD",
				      (unsigned long long)res[slot],
				      (unsigned long long)want[slot]);
		}
		done++;
	}
	check(done == count && !wrong,
	      "%d/%d atomics and READs from PSN %#x across the wrap, %d wrong",
	      done, count, psn0, wrong);
	check(*target == expect, "final value %llu (want %llu)",
	      (unsigned long long)*target, (unsigned long long)expect);
}

static void usage(void)
{
	fprintf(stderr, "usage: resp-inject -d DEV [-i IFNAME -m DSTMAC -L PEERLID] [-D DEV2]\n"
		"	{bigread | flood N MB DUPS | atomic PSN | wrap PSN COUNT}\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *dev = NULL, *ifname = NULL, *dev2 = NULL, *mode;
	struct ifreq ifr;
	int opt;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "d:i:m:L:D:")) != -1) {
		switch (opt) {
		case 'd': dev = optarg; break;
		case 'i': ifname = optarg; break;
		case 'm':
			if (sscanf(optarg, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx",
				   &dst_mac[0], &dst_mac[1], &dst_mac[2],
				   &dst_mac[3], &dst_mac[4], &dst_mac[5]) != 6)
				usage();
			break;
		case 'L': peer_lid = strtoul(optarg, NULL, 0); break;
		case 'D': dev2 = optarg; break;
		default: usage();
		}
	}
	if (!dev || optind >= argc)
		usage();
	mode = argv[optind];
	ctx = open_dev(dev);
	pd = ibv_alloc_pd(ctx);
	if (!pd)
		die("ibv_alloc_pd");
	my_lid = port_lid(ctx);

	if (!strcmp(mode, "wrap") && dev2 && argc - optind == 3) {
		mode_wrap(dev2, strtoul(argv[optind + 1], NULL, 0),
			  atoi(argv[optind + 2]));
		goto out;
	}
	if (!ifname || !peer_lid)
		usage();
	tx_sock = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_TBIB));
	rx_sock = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_TBIB));
	if (tx_sock < 0 || rx_sock < 0)
		die("socket");
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(tx_sock, SIOCGIFHWADDR, &ifr) < 0)
		die("SIOCGIFHWADDR");
	memcpy(src_mac, ifr.ifr_hwaddr.sa_data, 6);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = if_nametoindex(ifname);
	sll.sll_protocol = htons(ETH_P_TBIB);
	if (!sll.sll_ifindex)
		die("if_nametoindex");
	if (bind(rx_sock, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind");

	if (!strcmp(mode, "bigread") && argc - optind == 1)
		mode_bigread();
	else if (!strcmp(mode, "flood") && dev2 && argc - optind == 4)
		mode_flood(dev2, atoi(argv[optind + 1]), atoi(argv[optind + 2]),
			   atoi(argv[optind + 3]));
	else if (!strcmp(mode, "atomic") && argc - optind == 2)
		mode_atomic(strtoul(argv[optind + 1], NULL, 0));
	else
		usage();
out:
	printf("resp-inject %s: %d passed, %d failed\n", mode, n_pass, n_fail);
	return n_fail ? 1 : 0;
}
