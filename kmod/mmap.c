// SPDX-License-Identifier: GPL-2.0
/*
 * mmap of shared rings.
 *
 * Rings are vmalloc_user() memory.  Each is registered with
 * rdma_user_mmap_entry_insert(), which hands out the page offset that
 * userspace passes to mmap() (struct mminfo.offset); ib_uverbs_mmap()
 * calls tbib_mmap(), which looks the entry up and maps it with
 * remap_vmalloc_range().
 *
 * Why not rdma_user_mmap_io(): it maps one physically contiguous pfn
 * range and is meant for device BARs.  Rings are virtually contiguous
 * only, and vmalloc'ed rings of several megabytes are needed.
 *
 * Disassociation (device removed while a process still has it open):
 * ib_core zaps only the VMAs that rdma_user_mmap_io() tracked; a VMA
 * set up by remap_vmalloc_range() keeps its pages.  That is safe here
 * and deliberate:
 *  - vm_insert_page() takes a page reference per PTE, so vfree() in
 *    tbib_mmap_free() only drops the kernel's reference and the pages
 *    live until the process unmaps them.  The process keeps a dead copy
 *    of its ring; the kernel never looks at it again (the objects are
 *    gone, and every later verb on the file returns -EIO).
 *  - the VMA keeps ib_uverbs' rdma_umap_ops with no private data, so it
 *    holds no pointer into tbib.ko and the module can be unloaded while
 *    a dead mapping still exists (a driver that installs its own
 *    vm_operations, as rxe does, cannot support that).
 * Nothing here is I/O memory, so there is nothing that would need the
 * zero-page redirection ib_core does for BARs.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "kmod/mmap.h"

struct tbib_mmap_entry *tbib_mmap_entry_create(struct ib_ucontext *uctx,
					       void *buf, size_t size)
{
	struct tbib_mmap_entry *me;
	int err;

	me = kzalloc(sizeof(*me), GFP_KERNEL);
	if (!me)
		return ERR_PTR(-ENOMEM);
	me->buf = buf;
	err = rdma_user_mmap_entry_insert(uctx, &me->rdma, size);
	if (err) {
		kfree(me);
		return ERR_PTR(err);
	}
	return me;
}

/* Drop the object's reference; buffer and entry go with the last one. */
void tbib_mmap_entry_remove(struct tbib_mmap_entry *me)
{
	rdma_user_mmap_entry_remove(&me->rdma);
}

u64 tbib_mmap_entry_offset(const struct tbib_mmap_entry *me)
{
	return rdma_user_mmap_get_offset(&me->rdma);
}

int tbib_mmap(struct ib_ucontext *uctx, struct vm_area_struct *vma)
{
	struct rdma_user_mmap_entry *entry;
	struct tbib_mmap_entry *me;
	int err;

	/*
	 * A private mapping would make the process write into copies the
	 * kernel never sees; refuse it rather than debug it later.
	 */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	/* checks that the offset is known and the length matches exactly */
	entry = rdma_user_mmap_entry_get(uctx, vma);
	if (!entry)
		return -EINVAL;
	me = container_of(entry, struct tbib_mmap_entry, rdma);
	err = remap_vmalloc_range(vma, me->buf, 0);
	rdma_user_mmap_entry_put(entry);
	return err;
}

void tbib_mmap_free(struct rdma_user_mmap_entry *entry)
{
	struct tbib_mmap_entry *me =
		container_of(entry, struct tbib_mmap_entry, rdma);

	vfree(me->buf);
	kfree(me);
}
