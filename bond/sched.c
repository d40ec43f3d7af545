// SPDX-License-Identifier: GPL-2.0
/*
 * Rail scheduler (see sched.h): earliest-finish-time rail choice with
 * integer arithmetic.
 *
 * The finish time is computed in nanoseconds as
 *	bytes * 8e6 * WEIGHT_UNIT / (kbps * weight)
 * with bytes clamped to 2^32 and kbps to 2^32, so the numerator stays
 * below 2^62 and the denominator below 2^42: no overflow, no floating
 * point, one 64-bit division per candidate rail.
 */
#include "bond/sched.h"

#define TBIB_NS_PER_BYTE_KBPS	8000000ULL	/* 8 bits * 1e9 ns / 1e3 */

void tbib_sched_init(struct tbib_sched *s)
{
	memset(s, 0, sizeof(*s));
	s->last = TBIB_MAX_RAILS - 1;
}

static struct tbib_sched_rail *tbib_sched_get(struct tbib_sched *s, u8 rail)
{
	if (rail >= TBIB_MAX_RAILS || !s->rail[rail].present)
		return NULL;
	return &s->rail[rail];
}

static u64 tbib_clamp_kbps(u64 kbps)
{
	return kbps > TBIB_SCHED_MAX_KBPS ? TBIB_SCHED_MAX_KBPS : kbps;
}

int tbib_sched_rail_add(struct tbib_sched *s, u8 rail, u64 link_kbps,
			u32 weight, u32 mtu)
{
	struct tbib_sched_rail *r;

	if (rail >= TBIB_MAX_RAILS || weight > TBIB_SCHED_WEIGHT_MAX)
		return -EINVAL;
	r = &s->rail[rail];
	memset(r, 0, sizeof(*r));
	r->present = true;
	r->up = true;
	r->weight = weight;
	r->mtu = mtu;
	r->link_kbps = tbib_clamp_kbps(link_kbps);
	return 0;
}

void tbib_sched_rail_del(struct tbib_sched *s, u8 rail)
{
	if (rail < TBIB_MAX_RAILS)
		memset(&s->rail[rail], 0, sizeof(s->rail[rail]));
}

int tbib_sched_set_weight(struct tbib_sched *s, u8 rail, u32 weight)
{
	struct tbib_sched_rail *r = tbib_sched_get(s, rail);

	if (!r || weight > TBIB_SCHED_WEIGHT_MAX)
		return -EINVAL;
	r->weight = weight;
	return 0;
}

int tbib_sched_set_link(struct tbib_sched *s, u8 rail, u64 link_kbps)
{
	struct tbib_sched_rail *r = tbib_sched_get(s, rail);

	if (!r)
		return -EINVAL;
	r->link_kbps = tbib_clamp_kbps(link_kbps);
	/* a new link speed invalidates what was measured at the old one */
	r->meas_kbps = 0;
	return 0;
}

int tbib_sched_set_mtu(struct tbib_sched *s, u8 rail, u32 mtu)
{
	struct tbib_sched_rail *r = tbib_sched_get(s, rail);

	if (!r)
		return -EINVAL;
	r->mtu = mtu;
	return 0;
}

int tbib_sched_set_up(struct tbib_sched *s, u8 rail, bool up)
{
	struct tbib_sched_rail *r = tbib_sched_get(s, rail);

	if (!r)
		return -EINVAL;
	r->up = up;
	if (!up) {
		/* whatever it held is resent elsewhere */
		r->queued = 0;
		r->inflight = 0;
	}
	return 0;
}

int tbib_sched_set_stopped(struct tbib_sched *s, u8 rail, bool stopped)
{
	struct tbib_sched_rail *r = tbib_sched_get(s, rail);

	if (!r)
		return -EINVAL;
	r->stopped = stopped;
	return 0;
}

u64 tbib_sched_eff_kbps(const struct tbib_sched *s, u8 rail)
{
	const struct tbib_sched_rail *r;
	u64 base;

	if (rail >= TBIB_MAX_RAILS || !s->rail[rail].present)
		return 0;
	r = &s->rail[rail];
	base = r->meas_kbps ? r->meas_kbps :
	       r->link_kbps ? r->link_kbps : TBIB_SCHED_DEFAULT_KBPS;
	return tbib_div64(base * r->weight, TBIB_SCHED_WEIGHT_UNIT);
}

u32 tbib_sched_usable(const struct tbib_sched *s)
{
	u32 mask = 0;
	unsigned int i;

	for (i = 0; i < TBIB_MAX_RAILS; i++)
		if (s->rail[i].present && s->rail[i].up && s->rail[i].weight)
			mask |= 1u << i;
	return mask;
}

/* Finish time in ns of bytes more on r, or 0 if r cannot take them. */
static u64 tbib_sched_finish(const struct tbib_sched_rail *r, u32 bytes)
{
	u64 base, load;

	if (!r->present || !r->up || r->stopped || !r->weight ||
	    r->mtu < bytes)
		return 0;
	base = r->meas_kbps ? r->meas_kbps :
	       r->link_kbps ? r->link_kbps : TBIB_SCHED_DEFAULT_KBPS;
	load = r->queued + r->inflight + bytes;
	if (load > 0xFFFFFFFFULL)
		load = 0xFFFFFFFFULL;
	/* +1: a finish time of 0 means "unusable" */
	return tbib_div64(load * TBIB_NS_PER_BYTE_KBPS * TBIB_SCHED_WEIGHT_UNIT,
			  base * r->weight) + 1;
}

static int tbib_sched_pick_mask(struct tbib_sched *s, u32 bytes, u32 excl)
{
	u64 best = 0, f;
	int best_rail = -ENOLINK;
	unsigned int i, r;

	/* Start after the last pick so that ties rotate. */
	for (i = 1; i <= TBIB_MAX_RAILS; i++) {
		r = (s->last + i) % TBIB_MAX_RAILS;
		if (excl & (1u << r))
			continue;
		f = tbib_sched_finish(&s->rail[r], bytes);
		if (f && (!best || f < best)) {
			best = f;
			best_rail = (int)r;
		}
	}
	if (best_rail >= 0)
		s->last = (u32)best_rail;
	return best_rail;
}

int tbib_sched_pick_excl(struct tbib_sched *s, u32 bytes, u32 excl_mask)
{
	int r = tbib_sched_pick_mask(s, bytes, excl_mask);

	if (r < 0 && excl_mask)
		r = tbib_sched_pick_mask(s, bytes, 0);
	return r;
}

int tbib_sched_pick(struct tbib_sched *s, u32 bytes)
{
	return tbib_sched_pick_mask(s, bytes, 0);
}

void tbib_sched_queued(struct tbib_sched *s, u8 rail, u32 bytes)
{
	struct tbib_sched_rail *r = tbib_sched_get(s, rail);

	if (!r)
		return;
	r->queued += bytes;
	r->picked_bytes += bytes;
	r->picked_pkts++;
}

void tbib_sched_completed(struct tbib_sched *s, u8 rail, u32 bytes)
{
	struct tbib_sched_rail *r = tbib_sched_get(s, rail);

	if (!r)
		return;
	r->queued = r->queued > bytes ? r->queued - bytes : 0;
}

void tbib_sched_sent(struct tbib_sched *s, u8 rail, u32 bytes)
{
	struct tbib_sched_rail *r = tbib_sched_get(s, rail);

	if (!r)
		return;
	r->inflight += bytes;
	r->picked_bytes += bytes;
	r->picked_pkts++;
}

void tbib_sched_inflight_add(struct tbib_sched *s, u8 rail, u32 bytes)
{
	struct tbib_sched_rail *r = tbib_sched_get(s, rail);

	if (r)
		r->inflight += bytes;
}

void tbib_sched_tick(struct tbib_sched *s, u64 now_ns)
{
	u64 dt = now_ns - s->tick_ns, delay[TBIB_MAX_RAILS], quickest = ~0ULL;
	u64 eff, idle;
	struct tbib_sched_rail *r;
	unsigned int i;

	if (dt < TBIB_SCHED_TICK_NS)
		return;
	s->tick_ns = now_ns;
	/* a long pause (idle, first call) is no measure of anything */
	if (dt > 20 * TBIB_SCHED_TICK_NS) {
		for (i = 0; i < TBIB_MAX_RAILS; i++) {
			s->rail[i].left = 0;
			s->rail[i].slow_ticks = 0;
		}
		return;
	}
	for (i = 0; i < TBIB_MAX_RAILS; i++) {
		r = &s->rail[i];
		delay[i] = 0;
		if (!r->present || !r->up)
			continue;
		if (!r->left || !r->inflight) {
			/*
			 * An idle rail measured slow sets the bar too, with
			 * what one packet would take on it: else the one
			 * rail left busy (the quickest estimate, unmeasured)
			 * lags nobody, and queues behind its own link while
			 * the measured ones idle.
			 */
			eff = tbib_sched_eff_kbps(s, (u8)i);
			if (r->meas_kbps && !r->stopped && eff) {
				idle = tbib_div64((u64)r->mtu * 8000000, eff);
				if (idle < quickest)
					quickest = idle;
			}
			continue;
		}
		/* in flight < 2^40, dt < 2^31: no overflow */
		delay[i] = tbib_div64((r->inflight > (1ULL << 40) ?
				       1ULL << 40 : r->inflight) * dt, r->left);
		if (delay[i] < quickest)
			quickest = delay[i];
	}
	for (i = 0; i < TBIB_MAX_RAILS; i++) {
		r = &s->rail[i];
		if (!r->present || !r->up)
			continue;
		if (r->left && delay[i] >= TBIB_SCHED_LAG_MIN_NS &&
		    r->inflight >= TBIB_SCHED_LAG_MIN_BYTES &&
		    delay[i] * 2 > quickest * 3) {
			if (r->slow_ticks < TBIB_SCHED_SLOW_TICKS)
				r->slow_ticks++;
			if (r->slow_ticks >= TBIB_SCHED_SLOW_TICKS)
				tbib_sched_rate_sample(s, (u8)i, r->left, dt,
						       true);
			r->left = 0;
			continue;
		}
		r->slow_ticks = 0;
		/*
		 * Grow only on a rail that delivered at least half its
		 * estimate: one that carried less was not using it, and
		 * showed nothing of being faster.  (Grown while left idle
		 * by the quicker rails, a shaped rail's estimate went up
		 * tenfold in a second, and the traffic that followed queued
		 * behind its shaper, holding up the whole QP's order.)
		 */
		if (r->meas_kbps && r->left * 16000000 >= r->meas_kbps * dt) {
			r->meas_kbps += r->meas_kbps / 4 + 1;
			if (r->link_kbps ? r->meas_kbps >= r->link_kbps :
			    r->meas_kbps >= TBIB_SCHED_DEFAULT_KBPS)
				r->meas_kbps = 0;
		}
		r->left = 0;
	}
}

void tbib_sched_inflight_sub(struct tbib_sched *s, u8 rail, u32 bytes)
{
	struct tbib_sched_rail *r = tbib_sched_get(s, rail);

	if (!r)
		return;
	r->inflight = r->inflight > bytes ? r->inflight - bytes : 0;
	r->left += bytes;
}

void tbib_sched_rate_sample(struct tbib_sched *s, u8 rail, u64 bytes, u64 ns,
			    bool busy)
{
	struct tbib_sched_rail *r = tbib_sched_get(s, rail);
	u64 kbps;

	if (!r || !ns)
		return;
	if (bytes > (1ULL << 40))
		bytes = 1ULL << 40;
	kbps = tbib_clamp_kbps(tbib_div64(bytes * TBIB_NS_PER_BYTE_KBPS, ns));
	if (!kbps)
		return;
	if (!r->meas_kbps) {
		if (busy || !r->link_kbps || kbps > r->link_kbps)
			r->meas_kbps = kbps;
		return;
	}
	if (kbps < r->meas_kbps && !busy)
		return;
	/* 1/4 gain: follows a changed rate within a few samples */
	if (kbps > r->meas_kbps)
		r->meas_kbps += (kbps - r->meas_kbps) / 4;
	else
		r->meas_kbps -= (r->meas_kbps - kbps) / 4;
	if (!r->meas_kbps)
		r->meas_kbps = 1;
}
