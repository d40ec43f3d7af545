/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernel APIs tbib builds against (Debian's
 * 6.1 and 6.12) lives here, so the rest of the code is written once.
 */
#ifndef TBIB_COMPAT_H
#define TBIB_COMPAT_H

#include <linux/version.h>
#include <net/genetlink.h>
#include <rdma/ib_verbs.h>

/*
 * Attributes parsed by the core for a dump request: 6.2 folded them into a
 * struct genl_info embedded in struct genl_dumpit_info.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define tbib_dump_attrs(cb)	(genl_info_dump(cb)->attrs)
#else
#define tbib_dump_attrs(cb)	(genl_dumpit_info(cb)->attrs)
#endif

/*
 * ib_device_ops.create_cq gets the uverbs attribute bundle since 6.11
 * (before: the udata only).  Verbs code declares its handler with
 * TBIB_CREATE_CQ_ARG and gets the udata with tbib_create_cq_udata().
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define TBIB_CREATE_CQ_ARG	struct uverbs_attr_bundle *attrs
#define tbib_create_cq_udata()	(attrs ? &attrs->driver_udata : NULL)
#else
#define TBIB_CREATE_CQ_ARG	struct ib_udata *udata
#define tbib_create_cq_udata()	(udata)
#endif

/*
 * In a tracepoint's TP_fast_assign: __assign_str() takes only the field
 * since 6.10 (the source given to __string() is kept).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define tbib_assign_str(dst, src)	__assign_str(dst)
#else
#define tbib_assign_str(dst, src)	__assign_str(dst, src)
#endif

/* IB_SPEED_XDR (200 Gb/s per lane) exists since 6.6; tbib never reports it. */

#endif /* TBIB_COMPAT_H */
