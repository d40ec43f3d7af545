/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mapping rings into userspace through the rdma_user_mmap_entry API.
 */
#ifndef TBIB_MMAP_H
#define TBIB_MMAP_H

#include <rdma/ib_verbs.h>
#include <rdma/uverbs_ioctl.h>

/*
 * One mappable vmalloc_user() buffer.  The entry owns the buffer: it is
 * freed by tbib_mmap_free() once ib_core drops the last reference to the
 * entry, which can be after the object that created it is gone (an mmap()
 * racing with destroy holds a reference while it maps).
 */
struct tbib_mmap_entry {
	struct rdma_user_mmap_entry	rdma;
	void				*buf;
};

struct tbib_mmap_entry *tbib_mmap_entry_create(struct ib_ucontext *uctx,
					       void *buf, size_t size);
void tbib_mmap_entry_remove(struct tbib_mmap_entry *me);
u64 tbib_mmap_entry_offset(const struct tbib_mmap_entry *me);

/*
 * The user context behind a driver udata: every udata ib_uverbs hands to
 * a driver op is the driver_udata of a uverbs_attr_bundle (the relation
 * rdma_udata_to_drv_context() uses).  NULL for kernel callers.
 */
static inline struct ib_ucontext *tbib_udata_ucontext(struct ib_udata *udata)
{
	if (!udata)
		return NULL;
	return rdma_udata_to_uverbs_attr_bundle(udata)->context;
}

/* ib_device_ops */
int tbib_mmap(struct ib_ucontext *uctx, struct vm_area_struct *vma);
void tbib_mmap_free(struct rdma_user_mmap_entry *entry);

#endif /* TBIB_MMAP_H */
