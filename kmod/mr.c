// SPDX-License-Identifier: GPL-2.0
/*
 * Memory regions: registration, keys, lookup and memory access
 * (semantics and rules in mr.h).
 */
#include <linux/err.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "kmod/mr.h"
#include "kmod/verbs.h"

/*
 * Live keys by index (key >> 8): MRs (entries tagged TBIB_KEY_MR) and
 * memory windows (TBIB_KEY_MW) share one key space, so an rkey names one
 * object.  Readers use RCU (xa_load); writers are reg/dereg and
 * alloc/dealloc in process context.
 */
static DEFINE_XARRAY(tbib_keys);

/*
 * Binding MWs to MRs: mr->num_mw and mr->dead.  A bound MR cannot be
 * deregistered (-EBUSY, as the IB spec has it), and an MR being
 * deregistered cannot be bound.  Taken inside a window's lock.
 */
static DEFINE_SPINLOCK(tbib_mr_bind_lock);

#define TBIB_MR_KEY_TRIES	64

/* Access bits an MR may carry (everything else is refused). */
/*
 * The optional range (IB_ACCESS_RELAXED_ORDERING, which perftest and UCX
 * ask for) holds hints a device may ignore; rejecting them fails reg_mr.
 */
#define TBIB_MR_ACCESS_OK	(IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_WRITE | \
				 IB_ACCESS_REMOTE_READ | IB_ACCESS_REMOTE_ATOMIC | \
				 IB_ACCESS_MW_BIND | IB_ACCESS_FLUSH_GLOBAL | \
				 IB_ACCESS_OPTIONAL)

static u32 tbib_mr_key(const struct tbib_mr *mr)
{
	return READ_ONCE(mr->key);
}

int tbib_key_insert(void *obj, enum tbib_key_tag tag, u32 *keyp)
{
	int i, err;

	for (i = 0; i < TBIB_MR_KEY_TRIES; i++) {
		u32 key = get_random_u32();

		if (!(key >> 8))
			continue;	/* index 0 is never used */
		/* the key is in place before a lookup can find @obj */
		WRITE_ONCE(*keyp, key);
		err = xa_insert(&tbib_keys, key >> 8, xa_tag_pointer(obj, tag),
				GFP_KERNEL);
		if (err != -EBUSY)
			return err;
	}
	return -ENOSPC;
}

void *tbib_key_find(u32 key, enum tbib_key_tag tag)
{
	void *entry = xa_load(&tbib_keys, key >> 8);

	if (!entry || xa_pointer_tag(entry) != tag)
		return NULL;
	return xa_untag_pointer(entry);
}

void tbib_key_erase(u32 key)
{
	xa_erase(&tbib_keys, key >> 8);
}

/*
 * Put @mr in the table under a fresh random key.  The MR becomes findable
 * by lookups from here on, so it must be fully set up.  The first key is
 * also given to the owner in ibmr; later keys of a fast-reg MR (REG_MR)
 * change mr->key only: ibmr.lkey/rkey then belong to the ULP
 * (ib_update_fast_reg_key()), which may already hold the key of a REG_MR
 * posted after this one.
 */
static int tbib_mr_publish(struct tbib_mr *mr)
{
	int err;

	refcount_set(&mr->ref, 1);
	init_completion(&mr->released);
	err = tbib_key_insert(mr, TBIB_KEY_MR, &mr->key);
	if (err)
		return err;
	mr->ibmr.lkey = mr->key;
	mr->ibmr.rkey = mr->key;
	return 0;
}

static struct tbib_mr *tbib_mr_alloc(enum tbib_mr_kind kind, int access)
{
	struct tbib_mr *mr;

	if (!tbib_res_get(TBIB_RES_MR))
		return ERR_PTR(-ENOMEM);
	mr = kzalloc(sizeof(*mr), GFP_KERNEL);
	if (!mr) {
		tbib_res_put(TBIB_RES_MR);
		return ERR_PTR(-ENOMEM);
	}
	mr->kind = kind;
	mr->access = access;
	mr->state = kind == TBIB_MR_FAST ? TBIB_MR_INVALID : TBIB_MR_VALID;
	return mr;
}

/* Free an MR that is not (or no longer) in the table and unreferenced. */
static void tbib_mr_free(struct tbib_mr *mr)
{
	if (mr->umem)
		ib_umem_release(mr->umem);
	kvfree(mr->pages);
	kfree(mr->fr_pages);
	tbib_res_put(TBIB_RES_MR);
	/* a lookup may still be looking at it under rcu_read_lock() */
	kfree_rcu(mr, rcu);
}

void tbib_mr_put(struct tbib_mr *mr)
{
	if (refcount_dec_and_test(&mr->ref))
		complete(&mr->released);
}

struct tbib_mr *tbib_mr_get(struct ib_device *ibdev, struct ib_pd *pd,
			    u32 key, int access, u64 iova, u64 len)
{
	struct tbib_mr *mr;

	rcu_read_lock();
	mr = tbib_key_find(key, TBIB_KEY_MR);
	if (!mr || tbib_mr_key(mr) != key || mr->ibmr.device != ibdev ||
	    READ_ONCE(mr->ibmr.pd) != pd ||
	    READ_ONCE(mr->state) != TBIB_MR_VALID ||
	    (access & ~READ_ONCE(mr->access)))
		goto fail;
	if (mr->kind != TBIB_MR_DMA &&
	    (iova < mr->ibmr.iova || len > mr->ibmr.length ||
	     iova - mr->ibmr.iova > mr->ibmr.length - len))
		goto fail;
	if (!refcount_inc_not_zero(&mr->ref))
		goto fail;
	rcu_read_unlock();
	return mr;
fail:
	rcu_read_unlock();
	return NULL;
}

/* The MR range check again, for the data movers (defence in depth). */
static bool tbib_mr_in_range(const struct tbib_mr *mr, u64 iova, u64 len)
{
	if (mr->kind == TBIB_MR_DMA)
		return iova + len >= iova;
	return iova >= mr->ibmr.iova && len <= mr->ibmr.length &&
	       iova - mr->ibmr.iova <= mr->ibmr.length - len;
}

/*
 * Kernel address of the MR byte at @iova and the number of bytes from
 * there that are contiguous in the kernel mapping (at most to the end of
 * the page).  User pages are mapped with kmap_local_page(): undo with
 * tbib_mr_unmap() in LIFO order.
 */
static void *tbib_mr_map(struct tbib_mr *mr, u64 iova, size_t *avail)
{
	u64 pos, psz;

	switch (mr->kind) {
	case TBIB_MR_USER:
		pos = mr->first_off + (iova - mr->ibmr.iova);
		if (pos >> PAGE_SHIFT >= mr->npages)
			return NULL;
		*avail = PAGE_SIZE - offset_in_page(pos);
		return kmap_local_page(mr->pages[pos >> PAGE_SHIFT]) +
		       offset_in_page(pos);
	case TBIB_MR_FAST:
		psz = 1ULL << mr->fr_shift;
		pos = (mr->ibmr.iova & (psz - 1)) + (iova - mr->ibmr.iova);
		if (pos >> mr->fr_shift >= mr->fr_npages)
			return NULL;
		*avail = psz - (pos & (psz - 1));
		return (void *)(uintptr_t)(mr->fr_pages[pos >> mr->fr_shift] +
					   (pos & (psz - 1)));
	case TBIB_MR_DMA:
		*avail = PAGE_SIZE - offset_in_page(iova);
		return (void *)(uintptr_t)iova;
	}
	return NULL;
}

static void tbib_mr_unmap(struct tbib_mr *mr, void *va)
{
	if (mr->kind == TBIB_MR_USER)
		kunmap_local(va);
}

int tbib_mr_copy(struct tbib_mr *mr, u64 iova, void *buf, u64 len,
		 enum tbib_copy_dir dir)
{
	if (!tbib_mr_in_range(mr, iova, len))
		return -EFAULT;
	while (len) {
		size_t avail;
		void *va = tbib_mr_map(mr, iova, &avail);

		if (!va)
			return -EFAULT;
		avail = min_t(u64, avail, len);
		if (dir == TBIB_TO_MR)
			memcpy(va, buf, avail);
		else
			memcpy(buf, va, avail);
		tbib_mr_unmap(mr, va);
		buf += avail;
		iova += avail;
		len -= avail;
	}
	return 0;
}

static int tbib_mr_copy_range_from_skb(struct tbib_mr *mr, u64 iova,
				       const struct sk_buff *skb, int offset,
				       u32 len)
{
	while (len) {
		size_t avail;
		void *va = tbib_mr_map(mr, iova, &avail);
		int err;

		if (!va)
			return -EFAULT;
		avail = min_t(u64, avail, len);
		err = skb_copy_bits(skb, offset, va, avail);
		tbib_mr_unmap(mr, va);
		if (err)
			return err;
		offset += avail;
		iova += avail;
		len -= avail;
	}
	return 0;
}

/*
 * The last byte is stored last, after a write barrier: applications poll
 * the last byte of an RDMA WRITE to learn that all of it arrived
 * (perftest's latency tests, DESIGN.md 4.2), and memcpy() promises no
 * order: x86's memcpy_orig (CPUs without fast string moves, such as
 * QEMU's default model) copies backwards depending on the low address
 * bits of source and destination, and fast string stores may become
 * visible out of order.  Packets are placed in
 * PSN order, so the last byte of the last packet comes after the rest of
 * the message.
 */
int tbib_mr_copy_from_skb(struct tbib_mr *mr, u64 iova,
			  const struct sk_buff *skb, int offset, u32 len)
{
	int err;

	if (!tbib_mr_in_range(mr, iova, len))
		return -EFAULT;
	if (!len)
		return 0;
	err = tbib_mr_copy_range_from_skb(mr, iova, skb, offset, len - 1);
	if (err)
		return err;
	smp_wmb();
	return tbib_mr_copy_range_from_skb(mr, iova + len - 1, skb,
					   offset + len - 1, 1);
}

int tbib_mr_page(struct tbib_mr *mr, u64 iova, struct page **page,
		 unsigned int *offset, unsigned int *len)
{
	u64 left;
	size_t avail;
	void *va;

	if (!tbib_mr_in_range(mr, iova, 1))
		return -EFAULT;
	if (mr->kind == TBIB_MR_USER) {
		u64 pos = mr->first_off + (iova - mr->ibmr.iova);

		if (pos >> PAGE_SHIFT >= mr->npages)
			return -EFAULT;
		*page = mr->pages[pos >> PAGE_SHIFT];
		*offset = offset_in_page(pos);
		avail = PAGE_SIZE - *offset;
	} else {
		va = tbib_mr_map(mr, iova, &avail);
		if (!va || !virt_addr_valid(va))
			return -EFAULT;
		*page = virt_to_page(va);
		*offset = offset_in_page(va);
		avail = min_t(size_t, avail, PAGE_SIZE - *offset);
	}
	left = mr->kind == TBIB_MR_DMA ? avail :
	       mr->ibmr.iova + mr->ibmr.length - iova;
	*len = min_t(u64, avail, left);
	return 0;
}

/*
 * The 8 bytes at @iova for an atomic, mapped (undo with tbib_mr_unmap()):
 * aligned 8 bytes never straddle a page.  ERR_PTR(-EINVAL) if misaligned,
 * ERR_PTR(-EFAULT) outside the MR.
 */
static u64 *tbib_mr_map_u64(struct tbib_mr *mr, u64 iova)
{
	size_t avail;
	u64 *p;

	if (iova & 7)
		return ERR_PTR(-EINVAL);
	if (!tbib_mr_in_range(mr, iova, 8))
		return ERR_PTR(-EFAULT);
	p = tbib_mr_map(mr, iova, &avail);
	return p ? p : ERR_PTR(-EFAULT);
}

int tbib_mr_atomic(struct tbib_mr *mr, u64 iova, bool cmp_swap,
		   u64 compare_add, u64 swap, u64 *orig)
{
	u64 *p = tbib_mr_map_u64(mr, iova);

	if (IS_ERR(p))
		return PTR_ERR(p);
	if (cmp_swap)
		*orig = cmpxchg64(p, compare_add, swap);
	else
		*orig = atomic64_fetch_add(compare_add, (atomic64_t *)p);
	tbib_mr_unmap(mr, p);
	return 0;
}

int tbib_mr_atomic_write(struct tbib_mr *mr, u64 iova, u64 val)
{
	u64 *p = tbib_mr_map_u64(mr, iova);

	if (IS_ERR(p))
		return PTR_ERR(p);
	/* one store: no reader ever sees a mix of old and new bytes */
	WRITE_ONCE(*p, val);
	tbib_mr_unmap(mr, p);
	return 0;
}

int tbib_mr_flush(struct ib_device *ibdev, struct ib_pd *pd, u32 key,
		  int access, u64 iova, u64 len, bool whole)
{
	struct tbib_mr *mr;
	int err = -EACCES;

	rcu_read_lock();
	mr = tbib_key_find(key, TBIB_KEY_MR);
	if (mr && tbib_mr_key(mr) == key && mr->ibmr.device == ibdev &&
	    READ_ONCE(mr->ibmr.pd) == pd &&
	    READ_ONCE(mr->state) == TBIB_MR_VALID &&
	    !(access & ~READ_ONCE(mr->access)) &&
	    (whole || tbib_mr_in_range(mr, iova, len)))
		err = 0;
	rcu_read_unlock();
	/* placed data before the FLUSH's acknowledgement */
	smp_mb();
	return err;
}

int tbib_mr_invalidate(struct ib_device *ibdev, struct ib_pd *pd, u32 key)
{
	struct tbib_mr *mr;
	int err = -EINVAL;

	rcu_read_lock();
	mr = tbib_key_find(key, TBIB_KEY_MR);
	if (mr && mr->kind == TBIB_MR_FAST && tbib_mr_key(mr) == key &&
	    mr->ibmr.device == ibdev && READ_ONCE(mr->ibmr.pd) == pd) {
		WRITE_ONCE(mr->state, TBIB_MR_INVALID);
		err = 0;
	}
	rcu_read_unlock();
	return err;
}

int tbib_mr_fast_reg(struct tbib_mr *mr, struct ib_pd *pd, u32 key, int access)
{
	if (mr->kind != TBIB_MR_FAST || (key >> 8) != (tbib_mr_key(mr) >> 8) ||
	    mr->ibmr.pd != pd || (access & ~TBIB_MR_ACCESS_OK))
		return -EINVAL;
	WRITE_ONCE(mr->access, access);
	WRITE_ONCE(mr->key, key);
	/* key and access before the state that makes lookups succeed */
	smp_wmb();
	WRITE_ONCE(mr->state, TBIB_MR_VALID);
	return 0;
}

int tbib_mr_bind_get(struct tbib_mr *mr)
{
	int err = 0;

	spin_lock_bh(&tbib_mr_bind_lock);
	if (mr->dead)
		err = -EINVAL;
	else
		mr->num_mw++;
	spin_unlock_bh(&tbib_mr_bind_lock);
	if (!err)
		refcount_inc(&mr->ref);
	return err;
}

void tbib_mr_bind_put(struct tbib_mr *mr)
{
	spin_lock_bh(&tbib_mr_bind_lock);
	mr->num_mw--;
	spin_unlock_bh(&tbib_mr_bind_lock);
	tbib_mr_put(mr);
}

/* ---- verbs ------------------------------------------------------------ */

struct ib_mr *tbib_get_dma_mr(struct ib_pd *ibpd, int access)
{
	struct tbib_mr *mr;
	int err;

	if (access & ~TBIB_MR_ACCESS_OK)
		return ERR_PTR(-EOPNOTSUPP);
	mr = tbib_mr_alloc(TBIB_MR_DMA, access);
	if (IS_ERR(mr))
		return ERR_CAST(mr);
	mr->ibmr.iova = 0;
	mr->ibmr.length = U64_MAX;
	err = tbib_mr_publish(mr);
	if (err) {
		tbib_mr_free(mr);
		return ERR_PTR(err);
	}
	return &mr->ibmr;
}

/* Pin [start, start + length) and build the page array of a user MR. */
static int tbib_mr_pin(struct tbib_mr *mr, struct ib_device *ibdev, u64 start,
		       u64 length, int access)
{
	struct ib_umem *umem;
	struct sg_page_iter it;
	u64 n = 0;

	umem = ib_umem_get_va(ibdev, start, length, access);
	if (IS_ERR(umem))
		return PTR_ERR(umem);
	mr->umem = umem;
	mr->npages = ib_umem_num_pages(umem);
	mr->first_off = offset_in_page(start);
	mr->pages = kvmalloc_array(mr->npages, sizeof(*mr->pages), GFP_KERNEL);
	if (!mr->pages)
		return -ENOMEM;
	for_each_sgtable_page(&umem->sgt_append.sgt, &it, 0) {
		if (n == mr->npages)
			break;
		mr->pages[n++] = sg_page_iter_page(&it);
	}
	if (n != mr->npages)
		return -EFAULT;
	return 0;
}

static struct tbib_mr *tbib_mr_new_user(struct ib_pd *ibpd, u64 start,
					u64 length, u64 iova, int access)
{
	struct tbib_mr *mr;
	int err;

	if (access & ~TBIB_MR_ACCESS_OK)
		return ERR_PTR(-EOPNOTSUPP);
	if (!length || length > TBIB_MAX_MR_SIZE || iova + length < iova)
		return ERR_PTR(-EINVAL);
	/* ib_uverbs checked it, a kernel caller might not have */
	if (offset_in_page(start) != offset_in_page(iova))
		return ERR_PTR(-EINVAL);

	mr = tbib_mr_alloc(TBIB_MR_USER, access);
	if (IS_ERR(mr))
		return mr;
	err = tbib_mr_pin(mr, ibpd->device, start, length, access);
	if (err)
		goto fail;
	mr->ibmr.iova = iova;
	mr->ibmr.length = length;
	mr->ibmr.pd = ibpd;
	err = tbib_mr_publish(mr);
	if (err)
		goto fail;
	return mr;
fail:
	tbib_mr_free(mr);
	return ERR_PTR(err);
}

struct ib_mr *tbib_reg_user_mr(struct ib_pd *ibpd, u64 start, u64 length,
			       u64 iova, int access, struct ib_dmah *dmah,
			       struct ib_udata *udata)
{
	struct tbib_mr *mr;

	/* no DMA handles (TPH steering tags): there is no DMA device */
	if (dmah)
		return ERR_PTR(-EOPNOTSUPP);

	/* The rxe ABI passes no driver data with REG_MR. */
	mr = tbib_mr_new_user(ibpd, start, length, iova, access);
	return IS_ERR(mr) ? ERR_CAST(mr) : &mr->ibmr;
}

/*
 * Changing the translation, or granting write access to memory that was
 * pinned read-only, needs a new pinning: that is a new MR (new key),
 * which ib_uverbs swaps in for the old one and then deregisters the old.
 * A change of PD or of access that the pinning allows is done in place
 * (ib_uverbs updates ibmr.pd itself when we return NULL).
 */
struct ib_mr *tbib_rereg_user_mr(struct ib_mr *ibmr, int flags, u64 start,
				 u64 length, u64 iova, int access,
				 struct ib_pd *ibpd, struct ib_udata *udata)
{
	struct tbib_mr *mr = to_tmr(ibmr);
	struct tbib_mr *nmr;
	bool need_write, in_place;
	unsigned int busy;

	if (mr->kind != TBIB_MR_USER)
		return ERR_PTR(-EINVAL);
	if (!(flags & IB_MR_REREG_ACCESS))
		access = mr->access;
	if (access & ~TBIB_MR_ACCESS_OK)
		return ERR_PTR(-EOPNOTSUPP);
	need_write = access & (IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_WRITE |
			       IB_ACCESS_REMOTE_ATOMIC);
	in_place = !(flags & IB_MR_REREG_TRANS) &&
		   (!need_write || mr->umem->writable);

	/*
	 * Windows bound to it rely on its translation, PD and rights: not
	 * while one is bound, and no bind from here on when a new MR takes
	 * its place (ib_uverbs deregisters this one next).  Under the bind
	 * lock, so no bind slips in between.
	 */
	spin_lock_bh(&tbib_mr_bind_lock);
	busy = mr->num_mw;
	if (!busy && in_place)
		WRITE_ONCE(mr->access, access);
	else if (!busy)
		mr->dead = true;
	spin_unlock_bh(&tbib_mr_bind_lock);
	if (busy)
		return ERR_PTR(-EBUSY);
	if (in_place)
		return NULL;
	if (!(flags & IB_MR_REREG_TRANS)) {
		start = mr->umem->address;
		length = mr->ibmr.length;
		iova = mr->ibmr.iova;
	}
	nmr = tbib_mr_new_user(ibpd, start, length, iova, access);
	if (IS_ERR(nmr)) {
		/* the old MR stays: it may be bound again */
		spin_lock_bh(&tbib_mr_bind_lock);
		mr->dead = false;
		spin_unlock_bh(&tbib_mr_bind_lock);
		return ERR_CAST(nmr);
	}
	return &nmr->ibmr;
}

int tbib_dereg_mr(struct ib_mr *ibmr, struct ib_udata *udata)
{
	struct tbib_mr *mr = to_tmr(ibmr);

	spin_lock_bh(&tbib_mr_bind_lock);
	if (mr->num_mw) {
		spin_unlock_bh(&tbib_mr_bind_lock);
		return -EBUSY;
	}
	mr->dead = true;
	spin_unlock_bh(&tbib_mr_bind_lock);

	tbib_key_erase(tbib_mr_key(mr));
	tbib_mr_put(mr);		/* the table's reference */
	wait_for_completion(&mr->released);
	tbib_mr_free(mr);
	return 0;
}

struct ib_mr *tbib_alloc_mr(struct ib_pd *ibpd, enum ib_mr_type type,
			    u32 max_num_sg)
{
	struct tbib_mr *mr;
	int err;

	if (type != IB_MR_TYPE_MEM_REG)
		return ERR_PTR(-EOPNOTSUPP);
	if (!max_num_sg || max_num_sg > TBIB_MAX_FR_PAGES)
		return ERR_PTR(-EINVAL);
	mr = tbib_mr_alloc(TBIB_MR_FAST, 0);
	if (IS_ERR(mr))
		return ERR_CAST(mr);
	mr->fr_pages = kcalloc(max_num_sg, sizeof(*mr->fr_pages), GFP_KERNEL);
	if (!mr->fr_pages) {
		err = -ENOMEM;
		goto fail;
	}
	mr->fr_max = max_num_sg;
	mr->fr_shift = PAGE_SHIFT;
	mr->ibmr.pd = ibpd;
	err = tbib_mr_publish(mr);
	if (err)
		goto fail;
	return &mr->ibmr;
fail:
	tbib_mr_free(mr);
	return ERR_PTR(err);
}

static int tbib_mr_set_page(struct ib_mr *ibmr, u64 addr)
{
	struct tbib_mr *mr = to_tmr(ibmr);

	if (mr->fr_npages == mr->fr_max)
		return -ENOMEM;
	mr->fr_pages[mr->fr_npages++] = addr;
	return 0;
}

/*
 * Called by ib_map_mr_sg() with ibmr->page_size set.  The "DMA
 * addresses" in @sg are kernel virtual addresses (no DMA device), so the
 * page list is directly usable by tbib_mr_map().
 */
int tbib_map_mr_sg(struct ib_mr *ibmr, struct scatterlist *sg, int sg_nents,
		   unsigned int *sg_offset)
{
	struct tbib_mr *mr = to_tmr(ibmr);

	if (!is_power_of_2(ibmr->page_size) || ibmr->page_size < SZ_4K)
		return -EINVAL;
	mr->fr_npages = 0;
	mr->fr_shift = ilog2(ibmr->page_size);
	return ib_sg_to_pages(ibmr, sg, sg_nents, sg_offset, tbib_mr_set_page);
}
