// SPDX-License-Identifier: GPL-2.0
/*
 * Processes: the SIGUSR1 handshake with the test (on_usr1, wait_usr1) and
 * rail-del, a stream whose peer's rails the test deletes.
 */
#include "verbs-errors.h"

/* ---- processes ----------------------------------------------------------- */

static volatile sig_atomic_t got_usr1;

void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

/* Stream; the test deletes B's rails after SIGUSR1. */
void mode_rail_del(void)
{
	struct side a, b;
	struct flow f;
	double t0, end;

	signal(SIGUSR1, on_usr1);
	dev_open(&da, name_a);
	dev_open(&db, name_b);
	case_begin("peer-rails-deleted");
	pair_open(&a, &b, ACC_ALL, BIG, &opt_short);
	flow_init(&f, &a, mra(&b, 0), b.mr->rkey);
	flow_until_ok(&f, 3);
	printf("READY\n");
	fflush(stdout);
	/* the transfer goes on until the rails are gone */
	end = now_s() + 60;
	while (!got_usr1 && !f.failed && now_s() < end) {
		flow_post(&f);
		flow_poll(&f);
		usleep(200);
	}
	expect(got_usr1, "SIGUSR1 got %s", f.failed ? st(f.err) : "timeout");
	t0 = now_s();
	flow_until_error(&f, 15);
	flow_expect_retry_exc(&f, t0, "peer rails deleted");
	flow_set_want(&f, &b);
	expect_none(&b, 1, "responder");
	expect_buf(&b, "responder");
	expect_buf(&a, "requester");
	side_close(&a);
	side_close(&b);
	case_end();
}

/* Print @what, then wait up to a minute for the test's SIGUSR1. */
bool wait_usr1(const char *what)
{
	double end = now_s() + 60;

	got_usr1 = 0;
	printf("%s\n", what);
	fflush(stdout);
	while (!got_usr1 && now_s() < end)
		usleep(1000);
	expect(got_usr1, "no SIGUSR1 after %s", what);
	return got_usr1;
}
