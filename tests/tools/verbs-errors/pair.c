// SPDX-License-Identifier: GPL-2.0
/*
 * Two processes, two hosts: remote mode (B serves A's shared cases and the
 * fault cases over TCP) and kill-peer (the same over a socketpair, B's
 * process SIGKILLed); then, as in the old single file, the modes the test
 * drives from outside: lost-ack, lost-nak, buf-change, exit-open, hold.
 */
#include "verbs-errors.h"

/* ---- two processes, two hosts -------------------------------------------- */

/*
 * Remote mode: B's process serves A's cases over a stream socket (TCP
 * between two hosts; a socketpair for kill-peer on one host).  A sends a
 * case number; B opens its end and sends its struct ends, A answers with
 * its own, B connects and sends 'R', A connects, runs and checks its side
 * and sends 'D', B checks its side and sends its verdict.  Each case of B
 * runs in a child that opens the device itself (no verbs context crosses
 * a fork), so that the fault cases can kill B's process like any other.
 */
enum { X_END = 0xffffffffu, X_KILL = 0xfffffffeu, X_RAILS = 0xfffffffdu };

struct verdict {
	int32_t bad;
	char why[512];
};

static int xsock = -1;
int xport = 18515;

static void xwrite(int fd, const void *p, size_t n)
{
	if (write(fd, p, n) != (ssize_t)n)
		die("socket write");
}

static void xread(int fd, void *p, size_t n)
{
	ssize_t r;

	for (size_t got = 0; got < n; got += r) {
		r = read(fd, (char *)p + got, n - got);
		if (r <= 0) {
			if (!r)
				errno = ECONNRESET;
			die("socket read (the other end is gone)");
		}
	}
}

/* The other end's verdict on its side of the case. */
static void verdict_send(void)
{
	struct verdict v = { .bad = cur_bad };

	snprintf(v.why, sizeof(v.why), "%s", cur_why);
	xwrite(xsock, &v, sizeof(v));
}

static void verdict_take(void)
{
	struct verdict v;

	xread(xsock, &v, sizeof(v));
	v.why[sizeof(v.why) - 1] = 0;
	if (v.bad)
		expect(false, "responder: %s", v.why);
}

/* B's end of case @i, in a child process: its exit status is the verdict */
static int serve_case(uint32_t i)
{
	struct xcase x;
	struct side b;
	struct ends ea, eb;
	char c;

	if (!xcase_get(i, &x)) {
		errno = EINVAL;
		die("no case %u", i);
	}
	dev_open(&db, name_b);
	case_begin(x.name);
	x_b_open(&x, &b, &db, &eb);
	xwrite(xsock, &eb, sizeof(eb));
	xread(xsock, &ea, sizeof(ea));
	x_b_ready(&x, &b, &ea);
	xwrite(xsock, "R", 1);
	xread(xsock, &c, 1);
	x_b_check(&x, &b);
	verdict_send();
	side_close(&b);
	case_end();
	return cur_bad ? 1 : 0;
}

/*
 * B's end of a stream that a fault ends.  B's QP is in a child whose
 * buffer is shared with this process, which checks it afterwards.
 * X_KILL: the child SIGKILLs itself when A says so ('K'); X_RAILS: this
 * process prints DELETE-RAILS and waits for SIGUSR1, which the test sends
 * once it has deleted this host's rails.  'F' tells A the fault is done.
 */
static void serve_fault(uint32_t fault)
{
	uint8_t ok[NSLOTS], tried[NSLOTS];
	struct side b;
	struct ends ea, eb;
	int status = 0, up[2];
	uint8_t *shared;
	pid_t pid;
	char c;

	case_begin(fault == X_KILL ? "peer-process-killed" :
		   "peer-rails-deleted");
	shared = mmap(NULL, BIG + 2 * PAGE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED || pipe(up))
		die("mmap/pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		close(up[0]);
		dev_open(&db, name_b);
		side_open(&b, &db, ACC_ALL, BIG, 2, shared);
		side_qp(&b);
		eb = (struct ends){ .qpn = b.qp->qp_num, .lid = db.lid,
				    .rkey = b.mr->rkey, .addr = mra(&b, 0) };
		xwrite(xsock, &eb, sizeof(eb));
		xread(xsock, &ea, sizeof(ea));
		qp_connect(&b, ea.qpn, ea.lid, &opt_short);
		xwrite(xsock, "R", 1);
		xread(xsock, &c, 1);
		if (fault == X_KILL)
			kill(getpid(), SIGKILL);
		xwrite(up[1], "K", 1);
		for (;;)
			pause();
	}
	close(up[1]);
	if (fault == X_KILL) {
		expect(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
		       WTERMSIG(status) == SIGKILL,
		       "B's process killed by SIGKILL got status %#x", status);
		if (!WIFSIGNALED(status))
			die("B's process ended");
	} else {
		if (read(up[0], &c, 1) != 1)
			die("B's process ended");
		wait_usr1("DELETE-RAILS");
	}
	xwrite(xsock, "F", 1);
	xread(xsock, ok, sizeof(ok));
	xread(xsock, tried, sizeof(tried));

	/* the child filled the shared buffer with its pattern: that is B */
	memset(&b, 0, sizeof(b));
	b.buf = shared;
	b.ext = true;
	b.buf_len = BIG + 2 * PAGE;
	b.want = malloc(b.buf_len);
	b.dontcare = calloc(1, b.buf_len);
	if (!b.want || !b.dontcare)
		die("memory");
	fill(b.want, b.buf_len, 2);
	for (unsigned int s = 0; s < NSLOTS; s++) {
		if (ok[s])
			written(&b, s * CHUNK, CHUNK);
		else if (tried[s])
			allow(&b, s * CHUNK, CHUNK);
	}
	expect_buf(&b, "responder (shared memory)");
	verdict_send();
	if (fault != X_KILL) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	close(up[0]);
	side_close(&b);
	munmap(shared, BIG + 2 * PAGE);
	case_end();
}

/* B: serve cases on xsock until A is done. */
static void serve(void)
{
	uint32_t i;
	int status;
	pid_t pid;

	signal(SIGUSR1, on_usr1);
	for (;;) {
		xread(xsock, &i, sizeof(i));
		if (i == X_END)
			break;
		if (i == X_KILL || i == X_RAILS) {
			serve_fault(i);
			continue;
		}
		pid = fork();
		if (pid < 0)
			die("fork");
		if (!pid)
			exit(serve_case(i));
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) > 1)
			die("B's process of case %u ended with status %#x", i,
			    status);
		if (WEXITSTATUS(status))
			n_fail++;
		else
			n_pass++;
	}
}

/* A's end of case @i. */
static void remote_case(uint32_t i)
{
	struct xcase x;
	struct side a;
	struct ends ea, eb;
	char c;

	xcase_get(i, &x);
	case_begin(x.name);
	xwrite(xsock, &i, sizeof(i));
	x_a_open(&x, &a, &da, &ea);
	xread(xsock, &eb, sizeof(eb));
	xwrite(xsock, &ea, sizeof(ea));
	xread(xsock, &c, 1);
	x_a_connect(&x, &a, &eb);
	x_a_run(&x, &a, &eb);
	xwrite(xsock, "D", 1);
	verdict_take();
	side_close(&a);
	case_end();
}

/*
 * A's end of a fault case: WRITEs streamed into B until the fault, then
 * IB_WC_RETRY_EXC_ERR within BOUND_S of it.
 */
static void remote_fault(uint32_t fault)
{
	struct side a;
	struct ends ea, eb;
	struct flow f;
	double t0;
	char c;

	case_begin(fault == X_KILL ? "peer-process-killed" :
		   "peer-rails-deleted");
	xwrite(xsock, &fault, sizeof(fault));
	side_open(&a, &da, ACC_ALL, BIG, 1, NULL);
	side_qp(&a);
	ea = (struct ends){ .qpn = a.qp->qp_num, .lid = da.lid };
	xread(xsock, &eb, sizeof(eb));
	xwrite(xsock, &ea, sizeof(ea));
	xread(xsock, &c, 1);
	qp_connect(&a, eb.qpn, eb.lid, &opt_short);
	flow_init(&f, &a, eb.addr, eb.rkey);
	flow_until_ok(&f, 3);
	xwrite(xsock, "K", 1);
	xread(xsock, &c, 1);
	t0 = now_s();
	flow_until_error(&f, 15);
	flow_expect_retry_exc(&f, t0, fault == X_KILL ? "peer process killed" :
			      "peer rails deleted");
	xwrite(xsock, f.slot_ok, sizeof(f.slot_ok));
	xwrite(xsock, f.slot_tried, sizeof(f.slot_tried));
	verdict_take();
	expect_buf(&a, "requester");
	side_close(&a);
	case_end();
}

/* A: every case of the shared list, the faults last. */
static void remote_all(const uint32_t *faults, int nfaults)
{
	struct xcase x;
	uint32_t i, end = X_END;

	for (i = 0; xcase_get(i, &x); i++)
		remote_case(i);
	for (i = 0; i < (uint32_t)nfaults; i++)
		remote_fault(faults[i]);
	xwrite(xsock, &end, sizeof(end));
}

/* Both ends over TCP: A connects to @host, B (no @host) listens. */
void mode_remote(const char *host)
{
	static const uint32_t faults[] = { X_KILL, X_RAILS };
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(xport) };
	int one = 1, ls;
	double end = now_s() + 60;

	if (!host) {
		ls = socket(AF_INET, SOCK_STREAM, 0);
		if (ls < 0 ||
		    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
		    bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, 1))
			die("listen on port %d", xport);
		printf("LISTENING\n");
		xsock = accept(ls, NULL, NULL);
		if (xsock < 0)
			die("accept");
		close(ls);
		serve();
		return;
	}
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		errno = EINVAL;
		die("host %s: an IPv4 address please", host);
	}
	dev_open(&da, name_a);
	for (;;) {
		xsock = socket(AF_INET, SOCK_STREAM, 0);
		if (xsock >= 0 &&
		    !connect(xsock, (struct sockaddr *)&sa, sizeof(sa)))
			break;
		if (xsock >= 0)
			close(xsock);
		if (now_s() > end)
			die("connect to %s:%d", host, xport);
		usleep(200000);
	}
	setsockopt(xsock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	remote_all(faults, ARRAY_SIZE(faults));
}

/* B in a child process, SIGKILLed in the middle of a stream of WRITEs. */
void mode_kill_peer(void)
{
	static const uint32_t faults[] = { X_KILL };
	uint32_t end = X_END;
	int sv[2], status;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		die("socketpair");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		close(sv[0]);
		xsock = sv[1];
		serve();
		exit(n_fail ? 1 : 0);
	}
	close(sv[1]);
	xsock = sv[0];
	dev_open(&da, name_a);
	remote_fault(faults[0]);
	xwrite(xsock, &end, sizeof(end));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		printf("FAIL: B's process ended with status %#x\n", status);
		n_fail++;
	}
}

/*
 * The ACK of a SEND is lost and the receiver destroys its QP as soon as
 * the receive completed (as ibv_rc_pingpong does): the sender's
 * retransmission must still be acknowledged (by what B's QP left behind)
 * and the SEND complete with success.  The test drops B's frames between
 * DROP and DESTROYED.
 */
void mode_lost_ack(void)
{
	const uint32_t len = 65536;
	struct side a, b;
	struct ibv_wc wc;

	signal(SIGUSR1, on_usr1);
	dev_open(&da, name_a);
	dev_open(&db, name_b);
	case_begin("last-ack-lost-receiver-gone");
	pair_open(&a, &b, ACC_ALL, BIG, &opt_slow);
	if (post_recv(&b, RECV_ID, mra(&b, 0), len, b.mr->lkey))
		die("post_recv");
	if (!wait_usr1("DROP"))
		goto out;
	if (post_send_op(&a, 1, IBV_WR_SEND, 0, len, 0, 0))
		die("post_send");
	if (expect_wc(&b, RECV_ID, IBV_WC_SUCCESS, "receiver", &wc)) {
		expect(wc.byte_len == len, "receiver byte_len %u got %u", len,
		       wc.byte_len);
		memcpy(b.want + MR_OFF, a.buf + MR_OFF, len);
		expect_buf(&b, "receiver");
	}
	/* B's ACKs are dropped: the sender cannot know yet */
	expect_none(&a, QUIET_MS, "sender while the ACKs are dropped");
	if (ibv_destroy_qp(b.qp))
		die("destroy_qp");
	b.qp = NULL;
	if (!wait_usr1("DESTROYED"))
		goto out;
	/* up to two of A's 1 s retransmit intervals and its resend */
	expect_wc(&a, 1, IBV_WC_SUCCESS, "sender after B's QP is gone", NULL);
out:
	side_close(&a);
	side_close(&b);
	case_end();
}

/*
 * The NAK of a request the responder refuses is lost (the test drops B's
 * frames between DROP and REFUSED): the requester's resend must get it
 * again, from B's QP in ERROR and from one destroyed since, and fail
 * with the remote access error, not retry exceeded.
 */
void mode_lost_nak(void)
{
	struct side a[2], b[2];
	int i;

	signal(SIGUSR1, on_usr1);
	dev_open(&da, name_a);
	dev_open(&db, name_b);
	case_begin("fatal-nak-lost");
	for (i = 0; i < 2; i++)
		pair_open(&a[i], &b[i], ACC_ALL, SMALL, &opt_slow);
	if (!wait_usr1("DROP"))
		goto out;
	for (i = 0; i < 2; i++) {
		if (post_rdma(&a[i], 1, IBV_WR_RDMA_WRITE, mra(&a[i], 0), 64,
			      a[i].mr->lkey, mra(&b[i], 0), b[i].mr->rkey ^ 0x80))
			die("post WRITE");
		expect_state(b[i].qp, IBV_QPS_ERR, 2000, "responder");
	}
	/* the NAKs are dropped: the requesters cannot know yet */
	expect_none(&a[0], QUIET_MS, "requester while the NAKs are dropped");
	expect_none(&a[1], 0, "requester while the NAKs are dropped");
	if (ibv_destroy_qp(b[1].qp))
		die("destroy_qp");
	b[1].qp = NULL;
	if (!wait_usr1("REFUSED"))
		goto out;
	/* up to two of A's 1 s retransmit intervals */
	expect_wc(&a[0], 1, IBV_WC_REM_ACCESS_ERR,
		  "requester, responder in ERROR", NULL);
	expect_wc(&a[1], 1, IBV_WC_REM_ACCESS_ERR,
		  "requester, responder destroyed", NULL);
	for (i = 0; i < 2; i++) {
		expect_buf(&b[i], "responder");
		expect_buf(&a[i], "requester");
	}
out:
	for (i = 0; i < 2; i++) {
		side_close(&a[i]);
		side_close(&b[i]);
	}
	case_end();
}

/*
 * The application writes to the source of an RDMA WRITE before the WRITE
 * completed (IB leaves the data at the target undefined, but the
 * transfer must go on).  The test drops A's WRITE frames between DROP
 * and CHANGED, so that only retransmissions carry the message: the WRITE
 * must complete with success and the target hold the bytes of the
 * buffer as it was changed (no retransmission happens before the change:
 * the QP's timeout is 1 s and it has no round trip sample for a probe).
 */
void mode_buf_change(void)
{
	const uint32_t len = 65536;
	struct side a, b;

	signal(SIGUSR1, on_usr1);
	dev_open(&da, name_a);
	dev_open(&db, name_b);
	case_begin("write-source-changed-before-completion");
	pair_open(&a, &b, ACC_ALL, BIG, &opt_slow);
	if (!wait_usr1("DROP"))
		goto out;
	if (post_rdma(&a, 1, IBV_WR_RDMA_WRITE, mra(&a, 0), len, a.mr->lkey,
		      mra(&b, 0), b.mr->rkey))
		die("post WRITE");
	fill(mrp(&a, 0), len, 7);
	memcpy(a.want + MR_OFF, mrp(&a, 0), len);
	/* its frames are dropped: it cannot complete yet */
	expect_none(&a, QUIET_MS, "writer while its frames are dropped");
	if (!wait_usr1("CHANGED"))
		goto out;
	expect_wc(&a, 1, IBV_WC_SUCCESS, "writer after changing its buffer",
		  NULL);
	memcpy(b.want + MR_OFF, mrp(&a, 0), len);
	expect_buf(&b, "target");
	expect_buf(&a, "source");
out:
	side_close(&a);
	side_close(&b);
	case_end();
}

/* Everything open, traffic in flight, exit without cleanup. */
static void child_dirty_exit(void)
{
	struct side a, b;
	struct flow f;
	struct ibv_comp_channel *ch;
	struct ibv_cq *ecq;
	struct ibv_srq *srq;
	struct ibv_srq_init_attr sa = { .attr = { .max_wr = 16, .max_sge = 1 } };
	struct ibv_qp_init_attr ia = {
		.qp_type = IBV_QPT_UD,
		.cap = { .max_send_wr = 4, .max_recv_wr = 4, .max_send_sge = 1,
			 .max_recv_sge = 1 },
	};
	struct ibv_ah_attr aa = { .dlid = 0, .port_num = 1 };
	struct ibv_ah *ah;
	struct ibv_qp *ud;
	int i;

	dev_open(&da, name_a);
	dev_open(&db, name_b);
	pair_open(&a, &b, ACC_ALL, BIG, &opt_std);
	for (i = 0; i < 8; i++)
		post_recv(&b, 0x100 + i, mra(&b, i * 1024), 1024, b.mr->lkey);
	flow_init(&f, &a, mra(&b, 0), b.mr->rkey);
	flow_post(&f);
	post_send_msg(&a, 0x55, 0, 512);
	ch = ibv_create_comp_channel(db.ctx);
	ecq = ch ? ibv_create_cq(db.ctx, 16, NULL, ch, 0) : NULL;
	if (!ecq || ibv_req_notify_cq(ecq, 0))
		die("channel/cq");
	srq = ibv_create_srq(db.pd, &sa);
	if (!srq)
		die("srq");
	for (i = 0; i < 4; i++) {
		struct ibv_sge sge = { .addr = mra(&b, 8192), .length = 64,
				       .lkey = b.mr->lkey };
		struct ibv_recv_wr wr = { .wr_id = i, .sg_list = &sge,
					  .num_sge = 1 }, *bad;

		ibv_post_srq_recv(srq, &wr, &bad);
	}
	ia.send_cq = ecq;
	ia.recv_cq = ecq;
	ia.srq = srq;
	ud = ibv_create_qp(db.pd, &ia);
	aa.dlid = da.lid;
	ah = ibv_create_ah(db.pd, &aa);
	if (!ud || !ah)
		die("ud qp/ah");
	_exit(0);
}

void mode_exit_open(void)
{
	struct side a, b;
	double t0 = now_s();
	int status = 0;
	pid_t pid;

	case_begin("dirty-exit-with-traffic");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid)
		child_dirty_exit();
	/* the exit must not hang on anything the kernel holds */
	while (waitpid(pid, &status, WNOHANG) == 0 && now_s() - t0 < 60)
		usleep(10000);
	if (now_s() - t0 >= 60) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		expect(false, "exit within 60 s got a hang");
	}
	expect(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "child exit 0 got status %#x", status);
	printf("   child exited after %.2f s\n", now_s() - t0);
	case_end();

	/* both devices still work */
	case_begin("devices-work-after-dirty-exit");
	dev_open(&da, name_a);
	dev_open(&db, name_b);
	pair_open(&a, &b, ACC_ALL, SMALL, &opt_std);
	good_write(&a, &b, 0x1, 0, 1000, APPLIED);
	post_recv(&b, 0x100, mra(&b, 2048), 512, b.mr->lkey);
	post_send_msg(&a, 0x2, 1024, 300);
	memcpy(b.want + MR_OFF + 2048, a.want + MR_OFF + 1024, 300);
	if (post_rdma(&a, 0x3, IBV_WR_RDMA_READ, mra(&a, 3072), 512, a.mr->lkey,
		      mra(&b, 3072), b.mr->rkey))
		expect(false, "post READ 0 got %d", errno);
	memcpy(a.want + MR_OFF + 3072, b.want + MR_OFF + 3072, 512);
	expect_wc(&a, 0x1, IBV_WC_SUCCESS, "requester", NULL);
	expect_wc(&a, 0x2, IBV_WC_SUCCESS, "requester", NULL);
	expect_wc(&a, 0x3, IBV_WC_SUCCESS, "requester", NULL);
	expect_wc(&b, 0x100, IBV_WC_SUCCESS, "responder", NULL);
	expect_buf(&b, "responder");
	expect_buf(&a, "requester");
	side_close(&a);
	side_close(&b);
	case_end();
}

/* Wait up to @ms for @ev on @ctx's async fd (non-blocking). */
static bool wait_async(struct ibv_context *ctx, enum ibv_event_type ev, int ms)
{
	double end = now_s() + ms / 1000.0;
	struct ibv_async_event e;
	struct pollfd p = { .fd = ctx->async_fd, .events = POLLIN };

	fcntl(ctx->async_fd, F_SETFL,
	      fcntl(ctx->async_fd, F_GETFL) | O_NONBLOCK);
	while (now_s() < end) {
		if (poll(&p, 1, 100) == 1 && !ibv_get_async_event(ctx, &e)) {
			enum ibv_event_type t = e.event_type;

			ibv_ack_async_event(&e);
			if (verbose)
				printf("   %s: async event %s\n",
				       ibv_get_device_name(ctx->device),
				       ibv_event_type_str(t));
			if (t == ev)
				return true;
		}
	}
	return false;
}

/* Peer device deleted under a stream, then our own (rmmod). */
void mode_hold(void)
{
	struct ibv_async_event e;
	struct pollfd p;
	struct side a, b;
	struct flow f;
	double t0 = 0, end;
	bool fatal = false;

	dev_open(&da, name_a);
	dev_open(&db, name_b);
	case_begin("peer-device-deleted");
	pair_open(&a, &b, ACC_ALL, BIG, &opt_short);
	post_recv(&b, 0x100, mra(&b, 0), 64, b.mr->lkey);
	flow_init(&f, &a, mra(&b, 0), b.mr->rkey);
	flow_until_ok(&f, 3);
	fcntl(db.ctx->async_fd, F_SETFL,
	      fcntl(db.ctx->async_fd, F_GETFL) | O_NONBLOCK);
	printf("HOLDING\n");
	fflush(stdout);
	end = now_s() + 60;
	while (!f.failed && now_s() < end) {
		p = (struct pollfd){ .fd = db.ctx->async_fd, .events = POLLIN };
		if (!fatal && poll(&p, 1, 0) == 1 &&
		    !ibv_get_async_event(db.ctx, &e)) {
			if (e.event_type == IBV_EVENT_DEVICE_FATAL) {
				fatal = true;
				t0 = now_s();
			}
			ibv_ack_async_event(&e);
		}
		flow_post(&f);
		flow_poll(&f);
		usleep(200);
	}
	if (!fatal)
		fatal = wait_async(db.ctx, IBV_EVENT_DEVICE_FATAL, 10000);
	expect(fatal, "%s fatal event got none", name_b);
	if (!t0)
		t0 = now_s();
	flow_drain(&f, 5000);
	flow_expect_retry_exc(&f, t0, "peer device deleted");
	expect_buf(&a, "requester");
	case_end();
	printf("PEER-GONE\n");
	fflush(stdout);

	case_begin("own-device-deleted-while-held");
	expect(wait_async(da.ctx, IBV_EVENT_DEVICE_FATAL, 60000),
	       "%s fatal event got none in 60 s", name_a);
	printf("DEVICE-GONE\n");
	/* after disassociation the objects can still be let go of */
	side_close(&a);
	side_close(&b);
	ibv_dealloc_pd(da.pd);
	ibv_dealloc_pd(da.pd2);
	ibv_dealloc_pd(db.pd);
	ibv_dealloc_pd(db.pd2);
	expect(ibv_close_device(da.ctx) == 0 && ibv_close_device(db.ctx) == 0,
	       "close_device 0 got error");
	case_end();
}
