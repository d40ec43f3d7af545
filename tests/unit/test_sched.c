// SPDX-License-Identifier: GPL-2.0
/*
 * Rail scheduler: shares of traffic in a time-stepped simulation of rails
 * draining at their rates (8:4:2:1 and equal), administrator weights,
 * weight 0, stopped and down rails, MTU, tie rotation, rate samples.
 */
#include "bond/sched.h"
#include "check.h"

#define NS_PER_S	1000000000ULL

struct simrail {
	u64 kbps;		/* real drain rate */
	u64 credit;		/* kbit*ns not yet turned into bytes */
	u64 limit;		/* queue bytes at which the rail stops, 0 = none */
	u64 max_queued;
};

/*
 * Run for sim_ns: every step each rail drains its rate, and the sender
 * offers load_kbps (0 = as much as the rails take) in pkt-byte packets.
 */
static void simulate(struct tbib_sched *s, struct simrail *r, unsigned int n,
		     u64 load_kbps, u32 pkt, u64 sim_ns)
{
	const u64 dt = 10000;	/* 10 us */
	u64 now, offer = 0, q, done;
	unsigned int i;
	int pick;

	for (now = 0; now < sim_ns; now += dt) {
		for (i = 0; i < n; i++) {
			r[i].credit += r[i].kbps * dt;
			done = r[i].credit / 8000000;	/* bytes */
			r[i].credit -= done * 8000000;
			q = s->rail[i].queued;
			if (done > q) {
				done = q;
				r[i].credit = 0;	/* idle time is lost */
			}
			tbib_sched_completed(s, (u8)i, (u32)done);
			if (r[i].limit && s->rail[i].stopped &&
			    s->rail[i].queued < r[i].limit / 2)
				tbib_sched_set_stopped(s, (u8)i, false);
		}
		offer += load_kbps ? load_kbps * dt / 8000000 : ~0ULL / 2;
		while (offer >= pkt) {
			pick = tbib_sched_pick(s, pkt);
			if (pick < 0)
				break;	/* everything stopped: wait */
			tbib_sched_queued(s, (u8)pick, pkt);
			offer -= pkt;
			if (s->rail[pick].queued > r[pick].max_queued)
				r[pick].max_queued = s->rail[pick].queued;
			if (r[pick].limit && s->rail[pick].queued >= r[pick].limit)
				tbib_sched_set_stopped(s, (u8)pick, true);
		}
		if (!load_kbps)
			offer = 0;
	}
}

static void check_shares(const struct tbib_sched *s, const u64 *want,
			 unsigned int n, const char *what)
{
	u64 total = 0, wsum = 0;
	unsigned int i;
	double share, exp;

	for (i = 0; i < n; i++) {
		total += s->rail[i].picked_bytes;
		wsum += want[i];
	}
	REQUIRE(total > 0);
	for (i = 0; i < n; i++) {
		share = (double)s->rail[i].picked_bytes / (double)total;
		exp = (double)want[i] / (double)wsum;
		fprintf(stderr, "%s: rail %u share %.4f want %.4f\n", what, i,
			share, exp);
		/* within 5% of the expected share */
		CHECK(share >= exp * 0.95 && share <= exp * 1.05);
	}
}

static void setup(struct tbib_sched *s, struct simrail *r, const u64 *kbps,
		  const u32 *weight, unsigned int n, u64 limit)
{
	unsigned int i;

	tbib_sched_init(s);
	memset(r, 0, sizeof(*r) * n);
	for (i = 0; i < n; i++) {
		CHECK_EQ(tbib_sched_rail_add(s, (u8)i, kbps[i],
					     weight ? weight[i] : 100, 65536), 0);
		r[i].kbps = kbps[i];
		r[i].limit = limit;
	}
}

static const u64 rates8421[] = { 8000000, 4000000, 2000000, 1000000 };
static const u64 equal4[] = { 10000000, 10000000, 10000000, 10000000 };

/*
 * Offered load above the sum of the rates, no queue limit: the queues
 * grow in proportion to the rates, so do the shares (8:4:2:1).
 */
static void test_unequal_overload(void)
{
	struct tbib_sched s;
	struct simrail r[4];

	setup(&s, r, rates8421, NULL, 4, 0);
	simulate(&s, r, 4, 15000000 * 11 / 10, 65536, NS_PER_S);
	check_shares(&s, rates8421, 4, "8421 overload 64K");

	setup(&s, r, rates8421, NULL, 4, 0);
	simulate(&s, r, 4, 15000000 * 11 / 10, 4096, NS_PER_S / 4);
	check_shares(&s, rates8421, 4, "8421 overload 4K");
}

/*
 * Below capacity (95%): everything offered is carried with short queues,
 * and the fast rails are preferred (finish first), so the slowest rail
 * only takes what the others cannot.
 */
static void test_unequal_paced(void)
{
	struct tbib_sched s;
	struct simrail r[4];
	u64 total = 0;
	unsigned int i;

	setup(&s, r, rates8421, NULL, 4, 0);
	simulate(&s, r, 4, 15000000 * 95 / 100, 65536, NS_PER_S);
	for (i = 0; i < 4; i++) {
		total += s.rail[i].picked_bytes;
		/* no rail more than 2 ms of its own rate behind */
		CHECK(r[i].max_queued * 8 * 1000 / rates8421[i] < 2000000);
	}
	/* 95% of 15 Gbit/s for 1 s (the pacing rounds down a little) */
	CHECK(total * 1000 >= 15000000ULL * 95 / 100 * 1000 / 8 * 999);
	CHECK(s.rail[0].picked_bytes * 15 >= total * 8);
	CHECK(s.rail[3].picked_bytes * 15 < total * 1);
}

/* Sender faster than the rails, rails stop at a queue limit. */
static void test_unequal_saturated(void)
{
	struct tbib_sched s;
	struct simrail r[4];

	setup(&s, r, rates8421, NULL, 4, 512 * 1024);
	simulate(&s, r, 4, 0, 65536, NS_PER_S);
	check_shares(&s, rates8421, 4, "8421 saturated");
}

static void test_equal(void)
{
	struct tbib_sched s;
	struct simrail r[4];
	unsigned int i;
	int pick;

	setup(&s, r, equal4, NULL, 4, 0);
	simulate(&s, r, 4, 40000000 * 9 / 10, 65536, NS_PER_S / 2);
	check_shares(&s, equal4, 4, "equal paced");
	setup(&s, r, equal4, NULL, 4, 256 * 1024);
	simulate(&s, r, 4, 0, 9000, NS_PER_S / 4);
	check_shares(&s, equal4, 4, "equal saturated");

	/* idle equal rails: ties rotate over all of them */
	setup(&s, r, equal4, NULL, 4, 0);
	for (i = 0; i < 8; i++) {
		pick = tbib_sched_pick(&s, 100);
		CHECK(pick >= 0);
		if (pick >= 0)
			CHECK_EQ(pick, i % 4);
	}
}

/*
 * Weights scale the rate the scheduler assumes.  Four equal 10 Gbit/s
 * rails, weights 8:4:2:1, offered 80 Gbit/s: queue i grows in proportion
 * to its assumed rate, so rail i takes its drain rate plus a weighted
 * part of the excess: 10 + 40 * w_i / 15 Gbit/s.
 */
static void test_weights(void)
{
	static const u32 w[] = { 800, 400, 200, 100 };
	static const u64 want[] = { 150 + 320, 150 + 160, 150 + 80, 150 + 40 };
	struct tbib_sched s;
	struct simrail r[4];

	setup(&s, r, equal4, w, 4, 0);
	simulate(&s, r, 4, 80000000, 65536, NS_PER_S / 2);
	check_shares(&s, want, 4, "weights overload");
	CHECK_EQ(tbib_sched_eff_kbps(&s, 0), 80000000);
	CHECK_EQ(tbib_sched_eff_kbps(&s, 3), 10000000);
	CHECK_EQ(tbib_sched_set_weight(&s, 0, TBIB_SCHED_WEIGHT_MAX + 1), -EINVAL);
}

static void test_weight_zero(void)
{
	static const u32 w[] = { 100, 0, 100, 100 };
	struct tbib_sched s;
	struct simrail r[4];
	u64 total = 0;
	unsigned int i;

	setup(&s, r, equal4, w, 4, 256 * 1024);
	simulate(&s, r, 4, 0, 65536, NS_PER_S / 4);
	CHECK(s.rail[1].picked_bytes == 0);
	for (i = 0; i < 4; i++)
		total += s.rail[i].picked_bytes;
	CHECK(total > 0);
	CHECK_EQ(tbib_sched_usable(&s), 0xD);
	/* all weights 0: nothing can be sent */
	for (i = 0; i < 4; i++)
		tbib_sched_set_weight(&s, (u8)i, 0);
	CHECK_EQ(tbib_sched_pick(&s, 100), -ENOLINK);
	CHECK_EQ(tbib_sched_usable(&s), 0);
}

static void test_stopped_down(void)
{
	struct tbib_sched s;
	struct simrail r[4];
	unsigned int i;
	int pick;

	setup(&s, r, equal4, NULL, 4, 0);
	tbib_sched_set_stopped(&s, 2, true);
	for (i = 0; i < 100; i++) {
		pick = tbib_sched_pick(&s, 1000);
		CHECK(pick >= 0 && pick != 2);
		if (pick >= 0)
			tbib_sched_queued(&s, (u8)pick, 1000);
	}
	CHECK(s.rail[2].picked_pkts == 0);
	/* woken: it is empty, so it is the first choice */
	tbib_sched_set_stopped(&s, 2, false);
	CHECK_EQ(tbib_sched_pick(&s, 1000), 2);

	/* down: skipped, and its queue is forgotten */
	tbib_sched_queued(&s, 1, 5000);
	tbib_sched_set_up(&s, 1, false);
	CHECK(s.rail[1].queued == 0);
	for (i = 0; i < 50; i++) {
		pick = tbib_sched_pick(&s, 1000);
		CHECK(pick >= 0 && pick != 1);
	}
	CHECK_EQ(tbib_sched_usable(&s), 0xD);
	for (i = 0; i < 4; i++)
		tbib_sched_set_up(&s, (u8)i, false);
	CHECK_EQ(tbib_sched_pick(&s, 1000), -ENOLINK);
	tbib_sched_set_up(&s, 3, true);
	CHECK_EQ(tbib_sched_pick(&s, 1000), 3);
	tbib_sched_rail_del(&s, 3);
	CHECK_EQ(tbib_sched_pick(&s, 1000), -ENOLINK);
	CHECK_EQ(tbib_sched_set_up(&s, 3, true), -EINVAL);
	CHECK_EQ(tbib_sched_rail_add(&s, TBIB_MAX_RAILS, 1, 100, 1500), -EINVAL);
}

static void test_mtu_and_idle(void)
{
	struct tbib_sched s;
	struct simrail r[4];
	int pick;

	setup(&s, r, rates8421, NULL, 4, 0);
	/* idle rails: a packet goes to the fastest */
	CHECK_EQ(tbib_sched_pick(&s, 65536), 0);
	tbib_sched_set_mtu(&s, 0, 1500);
	tbib_sched_set_mtu(&s, 1, 1500);
	CHECK_EQ(tbib_sched_pick(&s, 9000), 2);
	CHECK_EQ(tbib_sched_pick(&s, 1500), 0);
	CHECK_EQ(tbib_sched_pick(&s, 65537), -ENOLINK);
	/* the fast rail's backlog sends a packet to a slower idle rail */
	tbib_sched_queued(&s, 0, 1000000);
	pick = tbib_sched_pick(&s, 1500);
	CHECK_EQ(pick, 1);
	/* exclusion: avoided unless it is the only choice */
	CHECK(tbib_sched_pick_excl(&s, 1500, 1u << 1) != 1);
	CHECK_EQ(tbib_sched_pick_excl(&s, 9000, (1u << 2) | (1u << 3)), 2);
	tbib_sched_completed(&s, 0, 2000000);
	CHECK(s.rail[0].queued == 0);
}

static void test_rate_samples(void)
{
	struct tbib_sched s;

	tbib_sched_init(&s);
	CHECK_EQ(tbib_sched_rail_add(&s, 0, 10000000, 100, 65536), 0);
	CHECK_EQ(tbib_sched_rail_add(&s, 1, 0, 100, 65536), 0);
	CHECK_EQ(tbib_sched_eff_kbps(&s, 1), TBIB_SCHED_DEFAULT_KBPS);
	/* 1 GB/s for 1 ms = 8 Gbit/s, measured while idle: ignored */
	tbib_sched_rate_sample(&s, 0, 1000000, 1000000, false);
	CHECK_EQ(tbib_sched_eff_kbps(&s, 0), 10000000);
	/* busy: taken in */
	tbib_sched_rate_sample(&s, 0, 250000, 1000000, true);
	CHECK_EQ(tbib_sched_eff_kbps(&s, 0), 2000000);
	/* higher sample, even idle: moves up by 1/4 */
	tbib_sched_rate_sample(&s, 0, 1250000, 1000000, false);
	CHECK_EQ(tbib_sched_eff_kbps(&s, 0), 2000000 + 2000000);
	/* lower and idle: ignored; lower and busy: down by 1/4 */
	tbib_sched_rate_sample(&s, 0, 1, 1000000, false);
	CHECK_EQ(tbib_sched_eff_kbps(&s, 0), 4000000);
	tbib_sched_rate_sample(&s, 0, 0, 1000000, true);
	CHECK_EQ(tbib_sched_eff_kbps(&s, 0), 4000000);
	tbib_sched_rate_sample(&s, 0, 250000, 1000000, true);
	CHECK_EQ(tbib_sched_eff_kbps(&s, 0), 3500000);
	/* weight applies to the measured rate */
	tbib_sched_set_weight(&s, 0, 50);
	CHECK_EQ(tbib_sched_eff_kbps(&s, 0), 1750000);
	/* a new link speed drops the measurement */
	tbib_sched_set_link(&s, 0, 40000000);
	CHECK_EQ(tbib_sched_eff_kbps(&s, 0), 20000000);
	tbib_sched_rate_sample(&s, 0, 1000, 0, true);	/* no interval */
	CHECK_EQ(tbib_sched_eff_kbps(&s, 0), 20000000);
	/* huge numbers do not overflow */
	tbib_sched_set_link(&s, 1, ~0ULL);
	tbib_sched_set_weight(&s, 1, TBIB_SCHED_WEIGHT_MAX);
	tbib_sched_queued(&s, 1, 0xFFFFFFFF);
	tbib_sched_queued(&s, 1, 0xFFFFFFFF);
	CHECK(tbib_sched_pick(&s, 65536) >= 0);
	tbib_sched_rate_sample(&s, 1, ~0ULL, 1, true);
	CHECK(tbib_sched_eff_kbps(&s, 1) > 0);
}

/* Measured rates steer traffic when link speeds are all the same. */
static void test_measured_steer(void)
{
	static const u64 real[] = { 8000000, 4000000, 2000000, 1000000 };
	struct tbib_sched s;
	struct simrail r[4];
	unsigned int i;

	setup(&s, r, equal4, NULL, 4, 0);
	for (i = 0; i < 4; i++) {
		r[i].kbps = real[i];
		/* what ACKs show while the rail is busy */
		tbib_sched_rate_sample(&s, (u8)i, real[i] / 8 * 1000, 1000000000 / 1000, true);
	}
	simulate(&s, r, 4, 15000000 * 11 / 10, 65536, NS_PER_S / 2);
	check_shares(&s, real, 4, "measured 8421");
}

/*
 * Acknowledged traffic: a sender with a window of win bytes, packets of
 * pkt bytes accounted with tbib_sched_sent() and taken off the flight
 * when their ACK comes back: each rail transmits its packets in order at
 * its real rate (unknown to the scheduler, which assumes the nominal
 * link speed) and the ACK arrives rtt_ns after the last bit.
 */
#define ACKSIM_MAX	4096
#define ACKSIM_SEQ	65536

struct ackrail {
	u64 kbps;		/* real rate */
	u64 busy_until;		/* transmitter busy until, ns */
	u64 ack_at[ACKSIM_MAX];	/* FIFO of pending ACK times */
	u32 seq[ACKSIM_MAX];	/* and their sequence numbers */
	u32 head, tail;
	u64 delivered;
};

static bool acked[ACKSIM_SEQ];

/*
 * @win bounds what is outstanding from the oldest unacknowledged packet
 * on (the receiver completes in order, as RC does), so a packet stuck
 * behind a slow rail holds up the whole window.  @tick: let the
 * scheduler measure the rails.
 */
static u64 acksim(struct tbib_sched *s, struct ackrail *r, unsigned int n,
		  u64 win, u32 pkt, u64 rtt_ns, u64 sim_ns, bool tick)
{
	const u64 dt = 10000;
	u64 now, total = 0;
	u32 una = 0, nxt = 0, q;
	unsigned int i;
	int pick;

	memset(acked, 0, sizeof(acked));
	for (now = 0; now < sim_ns; now += dt) {
		for (i = 0; i < n; i++) {
			while (r[i].head != r[i].tail &&
			       r[i].ack_at[r[i].head % ACKSIM_MAX] <= now) {
				q = r[i].seq[r[i].head % ACKSIM_MAX];
				r[i].head++;
				tbib_sched_inflight_sub(s, (u8)i, pkt);
				acked[q % ACKSIM_SEQ] = true;
				r[i].delivered += pkt;
				total += pkt;
			}
		}
		while (una != nxt && acked[una % ACKSIM_SEQ])
			acked[una++ % ACKSIM_SEQ] = false;
		if (tick)
			tbib_sched_tick(s, now);
		while ((u64)(nxt - una + 1) * pkt <= win &&
		       nxt - una < ACKSIM_SEQ) {
			pick = tbib_sched_pick(s, pkt);
			if (pick < 0 || (unsigned int)pick >= n) {
				CHECK(pick >= 0 && (unsigned int)pick < n);
				return total;
			}
			if (r[pick].tail - r[pick].head >= ACKSIM_MAX)
				break;
			tbib_sched_sent(s, (u8)pick, pkt);
			if (r[pick].busy_until < now)
				r[pick].busy_until = now;
			r[pick].busy_until += (u64)pkt * 8000000 / r[pick].kbps;
			r[pick].seq[r[pick].tail % ACKSIM_MAX] = nxt++;
			r[pick].ack_at[r[pick].tail++ % ACKSIM_MAX] =
				r[pick].busy_until + rtt_ns;
		}
	}
	return total;
}

static void acksetup(struct tbib_sched *s, struct ackrail *r, const u64 *kbps,
		     const u32 *weight, unsigned int n)
{
	unsigned int i;

	tbib_sched_init(s);
	memset(r, 0, sizeof(*r) * n);
	for (i = 0; i < n; i++) {
		/* every rail announces 10 Gbit/s, whatever it really does */
		CHECK_EQ(tbib_sched_rail_add(s, (u8)i, 10000000,
					     weight ? weight[i] : 100, 65536), 0);
		r[i].kbps = kbps[i];
	}
}

/*
 * Rails faster than the sender's window lets it use (the RTT limits, as
 * on veth under a busy CPU): in-flight bytes settle in proportion to the
 * weights, and with them the shares of traffic.
 */
static void test_weights_window_limited(void)
{
	static const u32 w[] = { 800, 400, 200, 100 };
	static const u64 want[] = { 8, 4, 2, 1 };
	struct tbib_sched s;
	struct ackrail r[4];

	acksetup(&s, r, equal4, w, 4);
	/* 1 MiB over a 5 ms RTT: 1.7 Gbit/s of 40 */
	acksim(&s, r, 4, 1 << 20, 4096, 5000000, NS_PER_S, true);
	check_shares(&s, want, 4, "weights window-limited");
	CHECK_EQ(s.rail[0].inflight + s.rail[1].inflight + s.rail[2].inflight +
		 s.rail[3].inflight, 1 << 20);
}

/*
 * Rails shaped to 8:4:2:1 of what they announce (tbf below a 10 Gbit/s
 * link): equal in-flight bytes would leave a packet on the slowest rail
 * 8 times as long in flight as on the fastest, and in-order completion
 * would let it hold up the window.  Measured in ticks, the slow rails
 * get flights in proportion to their rates and one QP gets the sum.
 */
static void shaped(u64 win, bool tick, u64 *bytes_out, struct ackrail *r)
{
	static const u64 rates[] = { 80000, 40000, 20000, 10000 };
	struct tbib_sched s;

	acksetup(&s, r, rates, NULL, 4);
	*bytes_out = acksim(&s, r, 4, win, 2048, 1000000, 4 * NS_PER_S, tick);
}

static void test_shaped_unequal(void)
{
	static const u64 want[] = { 8, 4, 2, 1 };
	static struct ackrail r[4];
	const u64 sum_kbps = 150000;
	struct tbib_sched s;
	u64 bytes, untick;
	unsigned int i;

	/* 512 KiB: 28 ms of the sum of the rates */
	shaped(512 << 10, false, &untick, r);
	shaped(512 << 10, true, &bytes, r);
	fprintf(stderr, "shaped 8:4:2:1: %.1f%% of the sum measured, %.1f%% on link speeds alone\n",
		100.0 * (double)bytes * 8 / (double)(sum_kbps * 4000),
		100.0 * (double)untick * 8 / (double)(sum_kbps * 4000));
	CHECK(bytes * 8 * 100 >= sum_kbps * 4000 * 90);
	tbib_sched_init(&s);
	for (i = 0; i < 4; i++) {
		s.rail[i].picked_bytes = r[i].delivered;
		s.rail[i].present = true;
	}
	check_shares(&s, want, 4, "shaped 8:4:2:1 (delivered)");
}

/* Going down empties the flight; later corrections stop at zero. */
static void test_inflight_accounting(void)
{
	struct tbib_sched s;

	tbib_sched_init(&s);
	CHECK_EQ(tbib_sched_rail_add(&s, 0, 1000000, 100, 9000), 0);
	CHECK_EQ(tbib_sched_rail_add(&s, 1, 1000000, 100, 9000), 0);
	tbib_sched_sent(&s, 0, 3000);
	CHECK_EQ(s.rail[0].inflight, 3000);
	CHECK_EQ(s.rail[0].picked_pkts, 1);
	/* the busier rail finishes later */
	CHECK_EQ(tbib_sched_pick(&s, 1000), 1);
	tbib_sched_inflight_sub(&s, 0, 1000);
	CHECK_EQ(s.rail[0].inflight, 2000);
	tbib_sched_inflight_add(&s, 0, 500);
	CHECK_EQ(s.rail[0].inflight, 2500);
	tbib_sched_set_up(&s, 0, false);
	CHECK_EQ(s.rail[0].inflight, 0);
	tbib_sched_inflight_sub(&s, 0, 2500);
	CHECK_EQ(s.rail[0].inflight, 0);
	/* not present: ignored */
	tbib_sched_sent(&s, 5, 100);
	tbib_sched_inflight_add(&s, 5, 100);
	CHECK_EQ(s.rail[5].inflight, 0);
}

/*
 * A tick's view of the flights: @flight[i] bytes in flight at the tick,
 * @left[i] bytes that left the flight during it (50 ms).
 */
static void tick_with(struct tbib_sched *s, u64 *now, const u64 *flight,
		      const u64 *left, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		s->rail[i].inflight = flight[i];
		s->rail[i].left = left[i];
	}
	*now += TBIB_SCHED_TICK_NS;
	tbib_sched_tick(s, *now);
}

/*
 * A heavily weighted rail that is never behind its link: two packets in
 * flight at each tick, while the others happen to have none (they are no
 * measure of a quick flight) or a small frame (a flight a hundred times
 * shorter, but its own is far below TBIB_SCHED_LAG_MIN_NS): it is not
 * measured, and keeps its share.  A rail whose flight lasts 5 ms
 * against the others' 0.2 ms is measured after TBIB_SCHED_SLOW_TICKS.
 */
static void test_lag_floor(void)
{
	static const u64 small[] = { 17896, 0, 0, 0 };
	static const u64 tiny[] = { 17896, 100, 100, 100 };
	static const u64 queued[] = { 500000, 20000, 10000, 5000 };
	static const u64 left[] = { 3200000, 1600000, 800000, 400000 };
	static const u32 w[] = { 800, 400, 200, 100 };
	struct tbib_sched s;
	u64 now = 1;
	unsigned int i, t;

	tbib_sched_init(&s);
	for (i = 0; i < 4; i++)
		CHECK_EQ(tbib_sched_rail_add(&s, (u8)i, 0, w[i], 9000), 0);
	tbib_sched_tick(&s, now);	/* first call: starts the tick */
	for (t = 0; t < 10; t++)
		tick_with(&s, &now, t & 1 ? small : tiny, left, 4);
	for (i = 0; i < 4; i++)
		CHECK_EQ(s.rail[i].meas_kbps, 0);
	CHECK_EQ(s.rail[0].slow_ticks, 0);

	/* 500000 B at 64 MB/s: 7.8 ms in flight, the others 0.25 ms */
	for (t = 1; t < TBIB_SCHED_SLOW_TICKS; t++)
		tick_with(&s, &now, queued, left, 4);
	CHECK_EQ(s.rail[0].meas_kbps, 0);
	tick_with(&s, &now, queued, left, 4);
	/* 3.2 MB in 50 ms: 512000 kbit/s */
	CHECK_EQ(s.rail[0].meas_kbps, 512000);
	for (i = 1; i < 4; i++)
		CHECK_EQ(s.rail[i].meas_kbps, 0);
}

/*
 * READ requests: a few hundred bytes in flight on each rail, each waiting
 * (for its answer) 100 ms, 200 times longer than on rail 0.  That is no
 * queue behind the link: no rail is measured, however many ticks.
 */
static void test_small_flight(void)
{
	static const u64 flight[] = { 1000, 1200, 1200, 1200 };
	static const u64 left[] = { 100000, 600, 600, 600 };
	struct tbib_sched s;
	u64 now = 1;
	unsigned int i, t;

	tbib_sched_init(&s);
	for (i = 0; i < 4; i++)
		CHECK_EQ(tbib_sched_rail_add(&s, (u8)i, 0, 100, 9000), 0);
	tbib_sched_tick(&s, now);
	for (t = 0; t < 10 * TBIB_SCHED_SLOW_TICKS; t++)
		tick_with(&s, &now, flight, left, 4);
	for (i = 0; i < 4; i++)
		CHECK_EQ(s.rail[i].meas_kbps, 0);
}

/*
 * Rails 1..3 measured slow and left idle, rail 0 unmeasured and alone
 * busy, its flight 100 ms long: it lags what one 9000-byte packet takes
 * on the quickest idle one (rail 1 at 24 Mbit/s: 3 ms) and is measured
 * after TBIB_SCHED_SLOW_TICKS; the idle rails' estimates do not grow
 * (they delivered nothing), and grow once they deliver half of them.
 */
static void test_lone_busy_rail(void)
{
	static const u64 busy[] = { 500000, 0, 0, 0 };
	static const u64 left0[] = { 250000, 0, 0, 0 };
	static const u64 used[] = { 500000, 2000, 1000, 500 };
	static const u64 left_used[] = { 250000, 150000, 75000, 37500 };
	static const u64 meas[] = { 0, 24000, 12000, 6000 };
	struct tbib_sched s;
	u64 now = 1;
	unsigned int i, t;

	tbib_sched_init(&s);
	for (i = 0; i < 4; i++)
		CHECK_EQ(tbib_sched_rail_add(&s, (u8)i, 0, 100, 9000), 0);
	for (i = 1; i < 4; i++)
		s.rail[i].meas_kbps = meas[i];
	tbib_sched_tick(&s, now);
	for (t = 1; t < TBIB_SCHED_SLOW_TICKS; t++)
		tick_with(&s, &now, busy, left0, 4);
	CHECK_EQ(s.rail[0].meas_kbps, 0);
	tick_with(&s, &now, busy, left0, 4);
	/* 250000 B in 50 ms: 40000 kbit/s */
	CHECK_EQ(s.rail[0].meas_kbps, 40000);
	for (i = 1; i < 4; i++)
		CHECK_EQ(s.rail[i].meas_kbps, meas[i]);

	/* delivering what they are measured at: they grow by 1/4 + 1 */
	tick_with(&s, &now, used, left_used, 4);
	for (i = 1; i < 4; i++)
		CHECK_EQ(s.rail[i].meas_kbps, meas[i] + meas[i] / 4 + 1);
}

int main(void)
{
	test_unequal_overload();
	test_unequal_paced();
	test_unequal_saturated();
	test_equal();
	test_weights();
	test_weight_zero();
	test_stopped_down();
	test_mtu_and_idle();
	test_rate_samples();
	test_measured_steer();
	test_weights_window_limited();
	test_shaped_unequal();
	test_inflight_accounting();
	test_lag_floor();
	test_lone_busy_rail();
	test_small_flight();
	return check_result("sched");
}
