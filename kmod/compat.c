// SPDX-License-Identifier: GPL-2.0
/*
 * The device ops whose prototype changed between the kernels tbib builds
 * for.  The driver implements the newest prototype; on older kernels the
 * adapters below translate.  Everything version-dependent that compat.h
 * cannot rename is here, and only here.
 */
#include <rdma/uverbs_ioctl.h>

#include "kmod/verbs.h"

#ifndef TBIB_HAVE_CREATE_CQ_ATTRS
/*
 * Before 6.11 create_cq got only the driver udata, which ib_uverbs always
 * passes from the attribute bundle (kernel callers pass NULL).
 */
static int tbib_compat_create_cq(struct ib_cq *ibcq,
				 const struct ib_cq_init_attr *attr,
				 struct ib_udata *udata)
{
	struct uverbs_attr_bundle *attrs = NULL;

	if (udata)
		attrs = container_of(udata, struct uverbs_attr_bundle,
				     driver_udata);
	return tbib_create_cq(ibcq, attr, attrs);
}
#endif

#ifndef TBIB_HAVE_REG_USER_MR_DMAH
/* Before 6.17 a user MR had no DMA handle. */
static struct ib_mr *tbib_compat_reg_user_mr(struct ib_pd *ibpd, u64 start,
					     u64 length, u64 iova, int access,
					     struct ib_udata *udata)
{
	return tbib_reg_user_mr(ibpd, start, length, iova, access, NULL,
				udata);
}
#endif

#ifndef TBIB_HAVE_RESIZE_USER_CQ
/*
 * Before 7.1 the op was resize_cq, with a signed size, and ib_resize_cq()
 * let kernel users resize their CQs through it too (udata NULL).
 */
static int tbib_compat_resize_cq(struct ib_cq *ibcq, int cqe,
				 struct ib_udata *udata)
{
	if (cqe < 1)
		return -EINVAL;
	return tbib_resize_user_cq(ibcq, cqe, udata);
}
#endif

const struct ib_device_ops tbib_compat_verbs_ops = {
#ifdef TBIB_HAVE_CREATE_CQ_ATTRS
	.create_cq	= tbib_create_cq,
#else
	.create_cq	= tbib_compat_create_cq,
#endif
#ifdef TBIB_HAVE_REG_USER_MR_DMAH
	.reg_user_mr	= tbib_reg_user_mr,
#else
	.reg_user_mr	= tbib_compat_reg_user_mr,
#endif
#ifdef TBIB_HAVE_RESIZE_USER_CQ
	.resize_user_cq	= tbib_resize_user_cq,
#else
	.resize_cq	= tbib_compat_resize_cq,
#endif
};
