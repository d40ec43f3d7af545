/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tbib is written to the newest kernel API.  This header, force-included
 * into every file by Kbuild, gives older kernels the newest names, so no
 * other file tests a kernel version or a feature.
 *
 * The TBIB_HAVE_* macros come from kmod/compat-probe.sh, which reads the
 * headers of the kernel being built for: distribution kernels backport
 * APIs (Debian's 6.12.y has WQ_PERCPU, which mainline gained in 6.17), so
 * a version number would lie.  The "since" versions below are mainline's.
 *
 * Device ops whose prototype changed cannot be renamed here: their
 * adapters live in kmod/compat.c.
 */
#ifndef TBIB_COMPAT_H
#define TBIB_COMPAT_H

#include <linux/hrtimer.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <rdma/ib_umem.h>
#include <rdma/ib_verbs.h>

/* 6.2: the attributes of a dump request sit in a struct genl_info. */
#ifndef TBIB_HAVE_GENL_INFO_DUMP
#define genl_info_dump(cb)	genl_dumpit_info(cb)
#endif

/*
 * 6.2: a policy's range structure is const, as the policies that
 * ynl-gen-c.py writes (netlink/tbib-nl-gen.c) declare it.  Before, the
 * pointer was not, though the core only ever reads through it.
 */
#ifndef TBIB_HAVE_CONST_NLA_RANGE
#undef NLA_POLICY_FULL_RANGE
#define NLA_POLICY_FULL_RANGE(tp, _range) {				\
	.type = NLA_ENSURE_UINT_OR_BINARY_TYPE(tp),			\
	.validation_type = NLA_VALIDATE_RANGE_PTR,			\
	.range = (struct netlink_range_validation *)(_range),		\
}
#endif

/* 6.13: hrtimer_setup() replaces hrtimer_init() + setting ->function. */
#ifndef TBIB_HAVE_HRTIMER_SETUP
static inline void
hrtimer_setup(struct hrtimer *timer,
	      enum hrtimer_restart (*function)(struct hrtimer *),
	      clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
}
#endif

/* 6.16: from_timer() was renamed timer_container_of(). */
#ifndef timer_container_of
#define timer_container_of(var, callback_timer, timer_fieldname)	\
	from_timer(var, callback_timer, timer_fieldname)
#endif

/*
 * 6.17: a workqueue says whether it is per-CPU (WQ_PERCPU) or unbound;
 * system_wq and system_unbound_wq got the names system_percpu_wq and
 * system_dfl_wq.  Before, per-CPU was the default (flag 0).
 */
#ifndef TBIB_HAVE_WQ_PERCPU
#define WQ_PERCPU		0
#endif
#ifndef TBIB_HAVE_SYSTEM_PERCPU_WQ
#define system_percpu_wq	system_wq
#endif
#ifndef TBIB_HAVE_SYSTEM_DFL_WQ
#define system_dfl_wq		system_unbound_wq
#endif

/* 6.17: reg_user_mr takes the MR's DMA handle (kmod/compat.c adapts). */
#ifndef TBIB_HAVE_REG_USER_MR_DMAH
struct ib_dmah;
#endif

/*
 * 6.2: RDMA ATOMIC WRITE.  The values are the uverbs ABI's (librxe posts
 * opcode 15 whatever the kernel), so an older ib_core needs no part in it.
 */
#ifndef TBIB_HAVE_ATOMIC_WRITE
#define IB_WR_ATOMIC_WRITE	15
#define IB_WC_ATOMIC_WRITE	9
#define IB_DEVICE_ATOMIC_WRITE	(1ULL << 40)
#endif

/*
 * 6.2: RDMA FLUSH.  Before it ib_core refuses the MR and QP access bits it
 * needs, so an older kernel gets no FLUSH at all: the bits are 0, the
 * capability is not reported and the WQE is refused (TBIB_FLUSH).
 */
#ifdef TBIB_HAVE_FLUSH
#define TBIB_FLUSH		1
#else
#define TBIB_FLUSH		0
#define IB_WR_FLUSH		14
#define IB_WC_FLUSH		8	/* the uverbs value; 6.1's IB_WC_REG_MR too */
#define IB_FLUSH_GLOBAL		1
#define IB_FLUSH_PERSISTENT	2
#define IB_FLUSH_RANGE		0
#define IB_FLUSH_MR		1
#define IB_ACCESS_FLUSH_GLOBAL	0
#define IB_ACCESS_FLUSH_PERSISTENT 0
#define IB_DEVICE_FLUSH_GLOBAL	0
#endif

/* 7.2: ib_umem_get() was renamed ib_umem_get_va(). */
#ifndef TBIB_HAVE_IB_UMEM_GET_VA
static inline struct ib_umem *ib_umem_get_va(struct ib_device *device,
					     unsigned long addr, size_t size,
					     int access)
{
	return ib_umem_get(device, addr, size, access);
}
#endif

#endif /* TBIB_COMPAT_H */
