// SPDX-License-Identifier: GPL-2.0
/*
 * verbs-errors: negative tests of RC between two verbs devices in one
 * machine (tbib0 -> tbib1 by default; any pair of HCAs that reach each
 * other, rxe included, for comparison).
 *
 *   verbs-errors [-a DEV] [-b DEV] [-v] cases [NAME...]
 *   verbs-errors [-a DEV] [-b DEV] kill-peer | rail-del | lost-ack |
 *                                  lost-nak | buf-change | exit-open | hold
 *   verbs-errors [-d DEV] [-p PORT] remote [HOST]
 *
 * cases: every error an RC requester (A, on -a) and responder (B, on -b)
 * must report, with the exact IB completion status on each side: remote
 * access errors (wrong rkey, out of bounds, missing access rights), local
 * protection errors, RNR, a receive buffer too small or bad, the peer QP
 * destroyed under a transfer, objects in use refused with EBUSY, SEND
 * with Invalidate and LOCAL_INV of keys that cannot be invalidated.  Each
 * error case runs on a fresh QP pair and posts a good WRITE before the bad
 * request and another after it: the first must succeed, the second be
 * flushed, and so must a WR posted once the QP is in ERROR.  Both target
 * and source buffers are compared byte by byte afterwards: only what the
 * successful operations wrote may have changed (plus, where IB allows it,
 * the buffer of the failed operation itself); the pages around each MR
 * must never change.  Also with traffic: a CQ armed for solicited
 * completions only, the SRQ limit event, resizing CQs that hold
 * completions.  And the two errors of UC and UD that cost one message,
 * never the QP: a UC WRITE with a wrong rkey (dropped; the WRITE and the
 * SEND after it arrive) and a UD datagram too big for its receive
 * (IB_WC_LOC_LEN_ERR; the next datagram arrives).  NAMEs select cases by
 * substring.
 *
 * kill-peer: B lives in a child process that is SIGKILLed in the middle
 * of a stream of WRITEs: A must get IB_WC_RETRY_EXC_ERR in bounded time.
 *
 * rail-del: streams WRITEs, prints READY and, after SIGUSR1 (sent by the
 * test just before it deletes B's rails), expects IB_WC_RETRY_EXC_ERR.
 *
 * lost-ack: a SEND whose ACKs the test drops (B's frames, between DROP
 * and SIGUSR1), its receiver's QP destroyed (DESTROYED, then SIGUSR1 when
 * B's frames pass again): the SEND must still complete with success.
 *
 * lost-nak: WRITEs with a bad rkey whose NAKs the test drops (B's frames,
 * between DROP and SIGUSR1; REFUSED, then SIGUSR1 when they pass again),
 * one responder QP left in ERROR, one destroyed: both requesters must
 * still fail with IBV_WC_REM_ACCESS_ERR.
 *
 * buf-change: an RDMA WRITE whose source the application changes before
 * it completes, its first transmission dropped by the test (between
 * DROP and SIGUSR1, then CHANGED and SIGUSR1 when its frames pass): it
 * must complete with success and deliver the changed bytes.
 *
 * exit-open: a child opens both devices, connects a pair, leaves WRITEs,
 * SENDs, receives, an SRQ, an armed CQ with a channel and a UD QP in
 * flight, and exits without cleaning up; then both devices must still
 * work.
 *
 * hold: streams WRITEs from A to B and prints HOLDING; when B's device is
 * deleted (fatal event on B) A must get IB_WC_RETRY_EXC_ERR, then it
 * prints PEER-GONE and keeps its objects until A's device goes too
 * (module unload), prints DEVICE-GONE and exits.
 *
 * remote: the cases that need no second device of this host -- remote
 * access errors, RNR with rnr_retry 0, bad receives, the peer's process
 * killed and the peer's rails deleted under a stream -- with A on this
 * host's -d DEV and B on another's, over TCP port -p (18515): without
 * HOST, B listens (and prints DELETE-RAILS when the test is to delete its
 * rails, then waits for SIGUSR1); with HOST, A connects and runs them.
 * Both ends report each case, A's report includes B's verdict.
 *
 * Prints "PASS: case" or "FAIL: case (expected X got Y)" per case; exits
 * 1 if any case failed, 2 on a setup error.
 */
#include "verbs-errors.h"

static bool want_case(const char *name, int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (strstr(name, argv[i]))
			return true;
	return false;
}

static void run_cases(int argc, char **argv)
{
	struct xcase x;
	size_t i;

#define WANT(n) (!argc || want_case(n, argc, argv))
	for (i = 0; xcase_get(i, &x); i++)
		if (WANT(x.name))
			run_xcase(&x);
	for (i = 0; i < n_lcases; i++)
		if (WANT(lcases[i].name))
			run_lcase(&lcases[i]);
	if (WANT("send-rnr-retry-7-late-recv"))
		case_rnr_late_recv("send-rnr-retry-7-late-recv", 3000, false);
	if (WANT("send-multi-packet-rnr-late-recv"))
		case_rnr_late_recv("send-multi-packet-rnr-late-recv", 40000, false);
	if (WANT("write-imm-multi-packet-rnr-late-recv"))
		case_rnr_late_recv("write-imm-multi-packet-rnr-late-recv", 40000,
				   true);
	if (WANT("send-rnr-then-peer-qp-destroyed"))
		case_rnr_then_peer_gone();
	if (WANT("read-then-bad-write"))
		case_read_then_error("read-then-bad-write", 64);
	if (WANT("long-read-then-bad-write"))
		case_read_then_error("long-read-then-bad-write", 900 << 10);
	if (WANT("zero-length-bad-rkey-succeeds"))
		case_zero_length();
	if (WANT("cq-notify-solicited"))
		case_notify_solicited();
	if (WANT("srq-limit-event"))
		case_srq_limit();
	if (WANT("resize-cq-unpolled"))
		case_resize_cq();
	if (WANT("send-inv-user-mr"))
		case_send_inv("send-inv-user-mr", false);
	if (WANT("send-inv-unknown-rkey"))
		case_send_inv("send-inv-unknown-rkey", true);
	if (WANT("local-inv-user-mr"))
		case_local_inv();
	if (WANT("peer-qp-destroyed-write"))
		case_stream_fault("peer-qp-destroyed-write", IBV_WR_RDMA_WRITE,
				  F_DESTROY);
	if (WANT("peer-qp-destroyed-read"))
		case_stream_fault("peer-qp-destroyed-read", IBV_WR_RDMA_READ,
				  F_DESTROY);
	if (WANT("peer-qp-in-error-write"))
		case_stream_fault("peer-qp-in-error-write", IBV_WR_RDMA_WRITE,
				  F_PEER_ERR);
	if (WANT("target-mr-dereg-under-write"))
		case_stream_fault("target-mr-dereg-under-write",
				  IBV_WR_RDMA_WRITE, F_DEREG);
	if (WANT("source-mr-dereg-under-read"))
		case_stream_fault("source-mr-dereg-under-read",
				  IBV_WR_RDMA_READ, F_DEREG);
	if (WANT("ebusy"))
		case_busy();
	if (WANT("uc-bad-rkey-write-then-write-send"))
		case_uc_bad_rkey("uc-bad-rkey-write-then-write-send", 64, true);
	if (WANT("uc-bad-rkey-multi-packet-write-then-send"))
		case_uc_bad_rkey("uc-bad-rkey-multi-packet-write-then-send",
				 200 << 10, false);
	if (WANT("ud-datagram-too-big-for-recv"))
		case_ud_too_big();
#undef WANT
}

int main(int argc, char **argv)
{
	const char *mode;
	int c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt(argc, argv, "a:b:d:p:v")) != -1) {
		switch (c) {
		case 'a':
			name_a = optarg;
			break;
		case 'b':
			name_b = optarg;
			break;
		case 'd':
			name_a = optarg;
			name_b = optarg;
			break;
		case 'p':
			xport = atoi(optarg);
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			fprintf(stderr, "usage: verbs-errors [-a DEV] [-b DEV] [-v] "
				"cases [NAME...] | kill-peer | rail-del | lost-ack | lost-nak |\n"
				"buf-change | "
				"exit-open | hold\n"
				"       verbs-errors [-d DEV] [-p PORT] remote [HOST]\n");
			return 2;
		}
	}
	mode = optind < argc ? argv[optind++] : "cases";
	if (!strcmp(mode, "cases")) {
		dev_open(&da, name_a);
		dev_open(&db, name_b);
		run_cases(argc - optind, argv + optind);
	} else if (!strcmp(mode, "kill-peer")) {
		mode_kill_peer();
	} else if (!strcmp(mode, "rail-del")) {
		mode_rail_del();
	} else if (!strcmp(mode, "lost-ack")) {
		mode_lost_ack();
	} else if (!strcmp(mode, "buf-change")) {
		mode_buf_change();
	} else if (!strcmp(mode, "lost-nak")) {
		mode_lost_nak();
	} else if (!strcmp(mode, "exit-open")) {
		mode_exit_open();
	} else if (!strcmp(mode, "hold")) {
		mode_hold();
	} else if (!strcmp(mode, "remote")) {
		mode_remote(optind < argc ? argv[optind] : NULL);
	} else {
		fprintf(stderr, "verbs-errors: unknown mode %s\n", mode);
		return 2;
	}
	printf("%s: %d passed, %d failed\n", n_fail ? "FAIL" : "PASS", n_pass,
	       n_fail);
	return n_fail ? 1 : 0;
}
