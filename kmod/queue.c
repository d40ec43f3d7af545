// SPDX-License-Identifier: GPL-2.0
/*
 * Ring allocation, user mapping and resizing (layout: see queue.h).
 */
#include <linux/err.h>
#include <linux/log2.h>
#include <linux/overflow.h>
#include <linux/vmalloc.h>

#include "kmod/queue.h"
#include "kmod/mmap.h"

/* Slots smaller than a cache line would make neighbours share lines. */
#define TBIB_QUEUE_MIN_ELEM	64
/* No ring may exceed this (keeps every size computation far from u32/
 * size_t limits; the biggest legal ring is a few tens of MiB).
 */
#define TBIB_QUEUE_MAX_BYTES	(256UL << 20)

/**
 * tbib_queue_init - allocate a ring for at least @num_elem entries
 * @q: ring to fill in
 * @uctx: user context to map it into, or NULL for a kernel-only ring
 * @num_elem: entries wanted; tbib_queue_capacity() tells what was given
 * @elem_size: bytes per entry; the slot is rounded up to a power of two
 *
 * Sleeps.  Returns 0 or -errno.
 */
int tbib_queue_init(struct tbib_queue *q, struct ib_ucontext *uctx,
		    u32 num_elem, size_t elem_size)
{
	size_t slot, slots, size;

	memset(q, 0, sizeof(*q));
	if (num_elem >= (1U << 30) || !elem_size || elem_size > PAGE_SIZE)
		return -EINVAL;

	slot = roundup_pow_of_two(max_t(size_t, elem_size, TBIB_QUEUE_MIN_ELEM));
	slots = roundup_pow_of_two((size_t)num_elem + 1);
	if (check_mul_overflow(slot, slots, &size) ||
	    check_add_overflow(size, sizeof(struct rxe_queue_buf), &size) ||
	    size > TBIB_QUEUE_MAX_BYTES)
		return -EINVAL;

	q->buf = vmalloc_user(size);	/* zeroed */
	if (!q->buf)
		return -ENOMEM;
	q->buf_size = size;
	q->mask = slots - 1;
	q->log2_elem = ilog2(slot);
	q->buf->log2_elem_size = q->log2_elem;
	q->buf->index_mask = q->mask;

	if (uctx) {
		struct tbib_mmap_entry *me;

		me = tbib_mmap_entry_create(uctx, q->buf, size);
		if (IS_ERR(me)) {
			vfree(q->buf);
			q->buf = NULL;
			return PTR_ERR(me);
		}
		q->mme = me;
	}
	return 0;
}

void tbib_queue_cleanup(struct tbib_queue *q)
{
	if (!q->buf)
		return;
	if (q->mme)
		tbib_mmap_entry_remove(q->mme);	/* frees buf when unmapped */
	else
		vfree(q->buf);
	q->buf = NULL;
	q->mme = NULL;
}

/* What userspace needs to mmap() the ring (struct mminfo of the ABI). */
void tbib_queue_mminfo(const struct tbib_queue *q, struct mminfo *mi)
{
	memset(mi, 0, sizeof(*mi));
	if (!q->mme)
		return;
	mi->offset = tbib_mmap_entry_offset(q->mme);
	mi->size = q->buf_size;
}

/**
 * tbib_queue_copy_entries - move the live entries of @src into empty @dst
 * @dst: new, empty ring
 * @src: ring being replaced
 * @prod: end of the live range of @src (masked)
 * @cons: start of the live range of @src (masked); the caller picks both
 *	from the trusted or the untrusted side as appropriate
 *
 * Used by resize.  Entries land in slots 0..n-1 of @dst and both of its
 * indices are set (private and published).  Returns -EINVAL when they do
 * not fit.  Caller holds the owner's lock; does not sleep.
 */
int tbib_queue_copy_entries(struct tbib_queue *dst, const struct tbib_queue *src,
			    u32 prod, u32 cons)
{
	size_t len = min(tbib_queue_elem_size(src), tbib_queue_elem_size(dst));
	u32 n = tbib_queue_count(src, prod, cons);
	u32 i;

	if (n > tbib_queue_capacity(dst))
		return -EINVAL;
	for (i = 0; i < n; i++)
		memcpy(tbib_queue_slot(dst, i), tbib_queue_slot(src, cons + i),
		       len);
	tbib_queue_publish_cons(dst, 0);
	tbib_queue_publish_prod(dst, n);
	return 0;
}

/* Empty the ring (QP reset): both indices to 0, contents kept. */
void tbib_queue_reset(struct tbib_queue *q)
{
	tbib_queue_publish_prod(q, 0);
	tbib_queue_publish_cons(q, 0);
}
