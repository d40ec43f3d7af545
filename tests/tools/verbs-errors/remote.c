// SPDX-License-Identifier: GPL-2.0
/*
 * Remote access errors: the table of requests a responder must refuse
 * (wrong, unknown or foreign rkey, out of bounds, wrapping lengths, missing
 * MR or QP access rights), run by the shared cases of twohost.c; and the
 * cases around it that run on one host only: zero-length requests with a
 * bad rkey, and a READ followed by a refused request.
 */
#include "verbs-errors.h"

/* ---- remote errors ------------------------------------------------------- */

const struct rcase rcases[] = {
	{ .name = "write-bad-rkey", .op = IBV_WR_RDMA_WRITE,
	  .b_access = ACC_ALL, .key = K_FLIP, .roff = 256, .len = 64,
	  .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "write-unknown-rkey", .op = IBV_WR_RDMA_WRITE,
	  .b_access = ACC_ALL, .key = K_NONE, .roff = 256, .len = 64,
	  .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "write-rkey-other-pd", .op = IBV_WR_RDMA_WRITE,
	  .b_access = ACC_ALL, .key = K_PD2, .roff = 256, .len = 64,
	  .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "write-rkey-other-device", .op = IBV_WR_RDMA_WRITE,
	  .b_access = ACC_ALL, .key = K_OTHERDEV, .roff = 256, .len = 64,
	  .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "read-bad-rkey", .op = IBV_WR_RDMA_READ,
	  .b_access = ACC_ALL, .key = K_FLIP, .roff = 256, .len = 64,
	  .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "read-rkey-other-pd", .op = IBV_WR_RDMA_READ,
	  .b_access = ACC_ALL, .key = K_PD2, .roff = 256, .len = 64,
	  .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "fetch-add-bad-rkey", .op = IBV_WR_ATOMIC_FETCH_AND_ADD,
	  .b_access = ACC_ALL, .key = K_FLIP, .roff = 256, .len = 8,
	  .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "cmp-swap-bad-rkey", .op = IBV_WR_ATOMIC_CMP_AND_SWP,
	  .b_access = ACC_ALL, .key = K_NONE, .roff = 256, .len = 8,
	  .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "write-one-past-end", .op = IBV_WR_RDMA_WRITE,
	  .b_access = ACC_ALL, .key = K_OK, .roff = SMALL, .len = 1,
	  .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "write-across-end", .op = IBV_WR_RDMA_WRITE,
	  .b_access = ACC_ALL, .key = K_OK, .roff = SMALL - 8, .len = 16,
	  .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "write-before-start", .op = IBV_WR_RDMA_WRITE,
	  .b_access = ACC_ALL, .key = K_OK, .roff = -1, .len = 16,
	  .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "write-len-wraps", .op = IBV_WR_RDMA_WRITE,
	  .b_access = ACC_ALL, .key = K_OK, .roff = 0, .wrap = true,
	  .len = 2048, .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "read-one-past-end", .op = IBV_WR_RDMA_READ,
	  .b_access = ACC_ALL, .key = K_OK, .roff = SMALL, .len = 1,
	  .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "read-across-end", .op = IBV_WR_RDMA_READ,
	  .b_access = ACC_ALL, .key = K_OK, .roff = SMALL - 1024,
	  .len = 2048, .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "read-len-wraps", .op = IBV_WR_RDMA_READ,
	  .b_access = ACC_ALL, .key = K_OK, .roff = 0, .wrap = true,
	  .len = 2048, .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "fetch-add-past-end", .op = IBV_WR_ATOMIC_FETCH_AND_ADD,
	  .b_access = ACC_ALL, .key = K_OK, .roff = SMALL, .len = 8,
	  .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "write-no-remote-write", .op = IBV_WR_RDMA_WRITE,

	  .b_access = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_READ | IBV_ACCESS_REMOTE_ATOMIC,
	  .key = K_OK, .roff = 256, .len = 64, .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "read-no-remote-read", .op = IBV_WR_RDMA_READ,

	  .b_access = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_ATOMIC,
	  .key = K_OK, .roff = 256, .len = 64, .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "fetch-add-no-remote-atomic", .op = IBV_WR_ATOMIC_FETCH_AND_ADD,

	  .b_access = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ,
	  .key = K_OK, .roff = 256, .len = 8, .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "cmp-swap-no-remote-atomic", .op = IBV_WR_ATOMIC_CMP_AND_SWP,

	  .b_access = IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ,
	  .key = K_OK, .roff = 256, .len = 8, .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "write-bad-rkey-multi-packet", .op = IBV_WR_RDMA_WRITE,
	  .b_access = ACC_ALL, .key = K_FLIP, .roff = 256, .len = 200 << 10,
	  .want = IBV_WC_REM_ACCESS_ERR, .mr = BIG },
	{ .name = "write-multi-packet-across-end", .op = IBV_WR_RDMA_WRITE,
	  .b_access = ACC_ALL, .key = K_OK, .roff = BIG - (100 << 10),
	  .len = 200 << 10, .want = IBV_WC_REM_ACCESS_ERR, .mr = BIG },
	/* longer than one READ request of tbib (read_chunk_kb, 256 KiB) */
	{ .name = "read-long-across-end", .op = IBV_WR_RDMA_READ,
	  .b_access = ACC_ALL, .key = K_OK, .roff = BIG - (300 << 10),
	  .len = 400 << 10, .want = IBV_WC_REM_ACCESS_ERR, .mr = BIG,
	  .partial = true },
	{ .name = "write-qp-no-remote-write", .op = IBV_WR_RDMA_WRITE,
	  .b_access = ACC_ALL,
	  .b_qp_access = IBV_ACCESS_REMOTE_READ | IBV_ACCESS_REMOTE_ATOMIC,
	  .key = K_OK, .roff = 256, .len = 64, .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "read-qp-no-remote-read", .op = IBV_WR_RDMA_READ,
	  .b_access = ACC_ALL,
	  .b_qp_access = IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_ATOMIC,
	  .key = K_OK, .roff = 256, .len = 64, .want = IBV_WC_REM_ACCESS_ERR },
	{ .name = "write-qp-access-revoked-in-rts", .op = IBV_WR_RDMA_WRITE,
	  .b_access = ACC_ALL, .b_qp_access = IBV_ACCESS_REMOTE_READ,
	  .key = K_OK, .roff = 256, .len = 64, .want = IBV_WC_REM_ACCESS_ERR,
	  .revoke = true },
	{ .name = "atomic-qp-no-remote-atomic", .op = IBV_WR_ATOMIC_FETCH_AND_ADD,
	  .b_access = ACC_ALL,
	  .b_qp_access = IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ,
	  .key = K_OK, .roff = 256, .len = 8, .want = IBV_WC_REM_ACCESS_ERR },
};

const size_t n_rcases = ARRAY_SIZE(rcases);

/* A zero-length WRITE or READ names no memory: the rkey is not checked. */
void case_zero_length(void)
{
	struct side a, b;

	case_begin("zero-length-bad-rkey-succeeds");
	pair_open(&a, &b, ACC_ALL, SMALL, &opt_std);
	if (post_rdma(&a, 0x1, IBV_WR_RDMA_WRITE, mra(&a, 0), 0, a.mr->lkey,
		      mra(&b, 0), b.mr->rkey ^ 0x80) ||
	    post_rdma(&a, 0x2, IBV_WR_RDMA_READ, mra(&a, 0), 0, a.mr->lkey,
		      mra(&b, 0), b.mr->rkey ^ 0x80))
		expect(false, "post_send 0 got %d", errno);
	good_write(&a, &b, 0x3, 64, 64, APPLIED);
	expect_wc(&a, 0x1, IBV_WC_SUCCESS, "requester", NULL);
	expect_wc(&a, 0x2, IBV_WC_SUCCESS, "requester", NULL);
	expect_wc(&a, 0x3, IBV_WC_SUCCESS, "requester", NULL);
	expect_state(b.qp, IBV_QPS_RTS, 0, "responder");
	expect_buf(&b, "responder");
	expect_buf(&a, "requester");
	side_close(&a);
	side_close(&b);
	case_end();
}

/*
 * A READ, then a request the responder refuses: the responder answers
 * every request before the bad one (IB), so the READ completes with all
 * its data and only the bad request fails.
 */
void case_read_then_error(const char *name, uint32_t rlen)
{
	struct side a, b;
	size_t mr = rlen > 2048 ? BIG : SMALL;
	struct ibv_sge rs = { .length = rlen },
		       ws = { .length = 64 };
	struct ibv_send_wr w = { .wr_id = 0x2, .sg_list = &ws, .num_sge = 1,
				 .opcode = IBV_WR_RDMA_WRITE,
				 .send_flags = IBV_SEND_SIGNALED },
			   r = { .wr_id = 0x1, .next = &w, .sg_list = &rs,
				 .num_sge = 1, .opcode = IBV_WR_RDMA_READ,
				 .send_flags = IBV_SEND_SIGNALED }, *bad;

	case_begin(name);
	pair_open(&a, &b, ACC_ALL, mr, &opt_std);
	/* one doorbell: the responder gets both before it answers the READ */
	rs.addr = mra(&a, 0);
	rs.lkey = a.mr->lkey;
	r.wr.rdma.remote_addr = mra(&b, 0);
	r.wr.rdma.rkey = b.mr->rkey;
	ws.addr = mra(&a, mr - 64);
	ws.lkey = a.mr->lkey;
	w.wr.rdma.remote_addr = mra(&b, mr - 64);
	w.wr.rdma.rkey = b.mr->rkey ^ 0x80;
	if (ibv_post_send(a.qp, &r, &bad))
		expect(false, "post_send 0 got %d", errno);
	good_write(&a, &b, 0x3, mr - 128, 16, NOT_RUN);
	memcpy(a.want + MR_OFF, b.want + MR_OFF, rlen);
	expect_wc(&a, 0x1, IBV_WC_SUCCESS, "requester (the READ)", NULL);
	expect_wc(&a, 0x2, IBV_WC_REM_ACCESS_ERR, "requester", NULL);
	expect_wc(&a, 0x3, IBV_WC_WR_FLUSH_ERR, "requester", NULL);
	expect_flushes_later(&a, tgt(&b));
	expect_state(b.qp, IBV_QPS_ERR, 2000, "responder");
	expect_buf(&b, "responder");
	expect_buf(&a, "requester");
	side_close(&a);
	side_close(&b);
	case_end();
}
