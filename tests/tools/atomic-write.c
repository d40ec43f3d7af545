// SPDX-License-Identifier: GPL-2.0
/*
 * atomic-write: RDMA ATOMIC WRITE (ibv_wr_atomic_write) from a QP of
 * device A to a QP of device B in this process (A and B may be the same
 * device: loopback).
 *
 *   atomic-write [-a DEV] [-b DEV] [-n COUNT]     (default tbib0, tbib0, 200)
 *
 *  - A reports the capability (device_cap_flags_ex, IB_UVERBS_DEVICE_
 *    ATOMIC_WRITE);
 *  - COUNT ATOMIC WRITEs of distinct 8-byte values to aligned slots of B's
 *    MR: each completes with IBV_WC_SUCCESS and opcode IBV_WC_ATOMIC_WRITE,
 *    and B's memory holds, byte for byte, the last value of each slot;
 *  - a misaligned target completes with IBV_WC_REM_INV_REQ_ERR;
 *  - a target MR without remote write access with IBV_WC_REM_ACCESS_ERR;
 *  - a responder QP without remote write access with IBV_WC_REM_ACCESS_ERR;
 * and none of the refused ones changes a byte.
 *
 * Prints one line per check and "atomic-write: N passed, N failed".
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <getopt.h>
#include <infiniband/verbs.h>

#define TOOL_NAME "atomic-write"
#include "tool.h"

/* IB_UVERBS_DEVICE_ATOMIC_WRITE: not named by older libibverbs headers */
#define CAP_ATOMIC_WRITE	(1ULL << 40)
#define SLOTS			512
#define BUF_SZ			(SLOTS * 8)

struct side {
	struct ibv_context *ctx;
	struct ibv_pd *pd;
	struct ibv_cq *cq;
	struct ibv_qp *qp;
	struct ibv_qp_ex *qpx;		/* requester only */
	uint16_t lid;
};

static void side_open(struct side *s, struct ibv_context *ctx)
{
	struct ibv_port_attr pa;

	memset(s, 0, sizeof(*s));
	s->ctx = ctx;
	s->pd = ibv_alloc_pd(ctx);
	s->cq = ibv_create_cq(ctx, 64, NULL, NULL, 0);
	if (!s->pd || !s->cq || ibv_query_port(ctx, 1, &pa))
		die("pd/cq/port");
	s->lid = pa.lid;
}

static void qp_create(struct side *s, int requester)
{
	struct ibv_qp_init_attr_ex a = {
		.send_cq = s->cq, .recv_cq = s->cq, .qp_type = IBV_QPT_RC,
		.cap = { .max_send_wr = 64, .max_recv_wr = 1,
			 .max_send_sge = 1, .max_recv_sge = 1 },
		.comp_mask = IBV_QP_INIT_ATTR_PD, .pd = s->pd,
	};

	if (requester) {
		a.comp_mask |= IBV_QP_INIT_ATTR_SEND_OPS_FLAGS;
		a.send_ops_flags = IBV_QP_EX_WITH_ATOMIC_WRITE;
	}
	s->qp = ibv_create_qp_ex(s->ctx, &a);
	if (!s->qp)
		die("ibv_create_qp_ex");
	s->qpx = requester ? ibv_qp_to_qp_ex(s->qp) : NULL;
	if (requester && !s->qpx)
		die("ibv_qp_to_qp_ex");
}

static void qp_connect(struct side *s, const struct side *o, int access)
{
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_INIT, .port_num = 1,
		.qp_access_flags = access,
	};

	if (ibv_modify_qp(s->qp, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX |
			  IBV_QP_PORT | IBV_QP_ACCESS_FLAGS))
		die("modify INIT");
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTR;
	a.path_mtu = IBV_MTU_4096;
	a.dest_qp_num = o->qp->qp_num;
	a.rq_psn = 1;
	a.max_dest_rd_atomic = 1;
	a.min_rnr_timer = 12;
	a.ah_attr.dlid = o->lid;
	a.ah_attr.port_num = 1;
	if (ibv_modify_qp(s->qp, &a, IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU |
			  IBV_QP_DEST_QPN | IBV_QP_RQ_PSN |
			  IBV_QP_MAX_DEST_RD_ATOMIC | IBV_QP_MIN_RNR_TIMER))
		die("modify RTR");
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTS;
	a.timeout = 16;
	a.retry_cnt = 7;
	a.rnr_retry = 7;
	a.sq_psn = 1;
	a.max_rd_atomic = 1;
	if (ibv_modify_qp(s->qp, &a, IBV_QP_STATE | IBV_QP_TIMEOUT |
			  IBV_QP_RETRY_CNT | IBV_QP_RNR_RETRY | IBV_QP_SQ_PSN |
			  IBV_QP_MAX_QP_RD_ATOMIC))
		die("modify RTS");
}

/* A fresh connected pair; the responder QP allows @access. */
static void pair(struct side *a, struct side *b, int access)
{
	if (a->qp)
		ibv_destroy_qp(a->qp);
	if (b->qp)
		ibv_destroy_qp(b->qp);
	qp_create(a, 1);
	qp_create(b, 0);
	qp_connect(a, b, 0);
	qp_connect(b, a, access);
}

static int post(struct side *a, uint32_t rkey, uint64_t addr, uint64_t val,
		uint64_t id)
{
	ibv_wr_start(a->qpx);
	a->qpx->wr_id = id;
	a->qpx->wr_flags = IBV_SEND_SIGNALED;
	ibv_wr_atomic_write(a->qpx, rkey, addr, &val);
	return ibv_wr_complete(a->qpx);
}

/* One completion of A's CQ (10 s at most). */
static int poll1(struct side *a, struct ibv_wc *wc)
{
	time_t end = time(NULL) + 10;
	int n;

	while ((n = ibv_poll_cq(a->cq, 1, wc)) == 0 && time(NULL) < end)
		usleep(50);
	return n == 1 ? 0 : -1;
}

static uint64_t value(unsigned int i)
{
	return 0x0102030405060708ULL ^ ((uint64_t)(i + 1) * 0x9E3779B97F4A7C15ULL);
}

/* One refused ATOMIC WRITE: @want status, and no byte of @buf changes. */
static void refused(struct side *a, struct side *b, int access,
		    uint32_t rkey, uint64_t addr, uint8_t *buf,
		    enum ibv_wc_status want, const char *what)
{
	uint8_t before[BUF_SZ];
	struct ibv_wc wc;

	pair(a, b, access);
	memcpy(before, buf, BUF_SZ);
	if (post(a, rkey, addr, 0xdeadbeefcafef00dULL, 7)) {
		check(0, "%s: post failed", what);
		return;
	}
	if (poll1(a, &wc)) {
		check(0, "%s: no completion", what);
		return;
	}
	check(wc.status == want, "%s: status %s (want %s)", what,
	      ibv_wc_status_str(wc.status), ibv_wc_status_str(want));
	usleep(100000);
	check(!memcmp(before, buf, BUF_SZ), "%s: target unchanged", what);
}

int main(int argc, char **argv)
{
	const char *da = "tbib0", *db = "tbib0";
	static uint8_t buf[BUF_SZ] __attribute__((aligned(4096)));
	static uint8_t ro[BUF_SZ] __attribute__((aligned(4096)));
	uint64_t want[SLOTS] = { 0 };
	struct ibv_device_attr_ex dx;
	unsigned int n = 200, i, done, bad = 0;
	struct ibv_mr *mr, *mr_ro;
	struct side a, b;
	struct ibv_wc wc;
	int c, rw = IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_LOCAL_WRITE;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt(argc, argv, "a:b:n:")) != -1) {
		switch (c) {
		case 'a': da = optarg; break;
		case 'b': db = optarg; break;
		case 'n': n = strtoul(optarg, NULL, 0); break;
		default:
			fprintf(stderr, "usage: atomic-write [-a DEV] [-b DEV] [-n COUNT]\n");
			return 2;
		}
	}
	side_open(&a, open_dev(da));
	side_open(&b, strcmp(da, db) ? open_dev(db) : a.ctx);

	memset(&dx, 0, sizeof(dx));
	if (ibv_query_device_ex(a.ctx, NULL, &dx))
		die("ibv_query_device_ex");
	check(!!(dx.device_cap_flags_ex & CAP_ATOMIC_WRITE),
	      "%s reports ATOMIC_WRITE (device_cap_flags_ex %#" PRIx64 ")",
	      da, (uint64_t)dx.device_cap_flags_ex);

	mr = ibv_reg_mr(b.pd, buf, BUF_SZ, rw);
	mr_ro = ibv_reg_mr(b.pd, ro, BUF_SZ, IBV_ACCESS_LOCAL_WRITE);
	if (!mr || !mr_ro)
		die("ibv_reg_mr");

	pair(&a, &b, rw);
	for (i = 0, done = 0; i < n; i++) {
		uint64_t v = value(i);

		if (post(&a, mr->rkey, (uintptr_t)buf + 8 * (i % SLOTS), v, i))
			die("ibv_wr_complete");
		want[i % SLOTS] = v;
		if (poll1(&a, &wc)) {
			check(0, "atomic write %u: no completion", i);
			break;
		}
		if (wc.status != IBV_WC_SUCCESS || wc.opcode != IBV_WC_ATOMIC_WRITE ||
		    wc.wr_id != i) {
			if (!bad++)
				check(0, "atomic write %u: status %s opcode %d wr_id %" PRIu64,
				      i, ibv_wc_status_str(wc.status), wc.opcode,
				      (uint64_t)wc.wr_id);
			continue;
		}
		done++;
	}
	check(done == n, "%u of %u ATOMIC WRITEs completed with IBV_WC_ATOMIC_WRITE",
	      done, n);
	for (i = 0, bad = 0; i < SLOTS; i++)
		if (memcmp(buf + 8 * i, &want[i], 8))
			bad++;
	check(!bad, "target memory: %u of %u slots wrong", bad, SLOTS);

	refused(&a, &b, rw, mr->rkey, (uintptr_t)buf + 4, buf,
		IBV_WC_REM_INV_REQ_ERR, "misaligned target");
	refused(&a, &b, rw, mr_ro->rkey, (uintptr_t)ro, ro,
		IBV_WC_REM_ACCESS_ERR, "MR without remote write");
	refused(&a, &b, IBV_ACCESS_REMOTE_READ, mr->rkey, (uintptr_t)buf, buf,
		IBV_WC_REM_ACCESS_ERR, "QP without remote write");

	printf("atomic-write: %d passed, %d failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}
