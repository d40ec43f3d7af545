/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory regions and the memory access API of the transport.
 *
 * Keys.  Every MR has one 32-bit key used as both lkey and rkey:
 * bits 31..8 are a random, unused 24-bit index into the MR table, bits
 * 7..0 a random key byte (kernel users of fast-reg MRs change the byte
 * with ib_update_fast_reg_key()).  A key is found only if index AND key
 * byte match, so a guessed key hits with probability ~ live MRs / 2^32.
 *
 * Kinds.
 *   user	pinned user memory (ib_umem), iova chosen by the process
 *   dma	kernel "all memory" MR (get_dma_mr): iova == kernel virtual
 *		address (tbib has no DMA device, ib_core hands out virtual
 *		addresses as DMA addresses); no bounds
 *   fast	fast-reg MR of a kernel ULP: ib_map_mr_sg() fills the page
 *		list, an IB_WR_REG_MR work request makes it valid,
 *		LOCAL_INV / SEND_WITH_INV make it invalid again
 *
 * Memory windows (mw.h) share the key space: the table holds both, each
 * entry tagged with what it is.
 *
 * Lifetime.  MRs live in an RCU-protected xarray and are reference
 * counted; tbib_mr_get() returns a reference, tbib_mr_put() drops it.
 * dereg_mr removes the MR from the table, waits until every reference
 * is gone (so memory is never touched after dereg returns), then frees.
 * Callers of tbib_mr_get() must therefore hold references briefly (one
 * packet, one copy), never across waits for the network.
 */
#ifndef TBIB_MR_H
#define TBIB_MR_H

#include <linux/completion.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/skbuff.h>
#include <rdma/ib_umem.h>
#include <rdma/ib_verbs.h>

enum tbib_mr_kind {
	TBIB_MR_USER,
	TBIB_MR_DMA,
	TBIB_MR_FAST,
};

enum tbib_mr_state {
	TBIB_MR_INVALID,	/* fast-reg MR not registered / invalidated */
	TBIB_MR_VALID,
};

struct tbib_mr {
	struct ib_mr		ibmr;	/* lkey == rkey, iova, length, pd */
	/*
	 * The key the MR answers to (READ_ONCE/WRITE_ONCE).  Not ibmr.lkey:
	 * a kernel ULP changes that with ib_update_fast_reg_key() as soon as
	 * it prepares the next REG_MR, while the MR must keep its old key
	 * until that REG_MR runs (a LOCAL_INV of the old key posted before
	 * it, as iSER chains them, must still find it).
	 */
	u32			key;
	refcount_t		ref;	/* table's reference + lookups */
	struct completion	released; /* ref reached zero */
	struct rcu_head		rcu;
	enum tbib_mr_kind	kind;
	/* state, access: READ_ONCE/WRITE_ONCE (changed by REG_MR, INV) */
	enum tbib_mr_state	state;
	int			access;	/* IB_ACCESS_* */

	/* user: pages of the umem, first page holds byte umem->address */
	struct ib_umem		*umem;
	struct page		**pages;
	u64			npages;
	unsigned int		first_off;	/* umem->address in page 0 */

	/* fast: kernel virtual page addresses from ib_map_mr_sg() */
	u64			*fr_pages;
	u32			fr_max;		/* capacity of fr_pages */
	u32			fr_npages;	/* filled by map_mr_sg */
	unsigned int		fr_shift;	/* log2 of ibmr.page_size */

	/* memory windows bound to it; under the bind lock (mr.c) */
	unsigned int		num_mw;
	bool			dead;		/* being deregistered */
};

static inline struct tbib_mr *to_tmr(struct ib_mr *ibmr)
{
	return container_of(ibmr, struct tbib_mr, ibmr);
}

/* ---- the key table ---------------------------------------------------- */

enum tbib_key_tag {
	TBIB_KEY_MR = 0,
	TBIB_KEY_MW = 1,	/* xa_tag_pointer() tags 0, 1 and 3 are usable */
};

/*
 * Insert @obj under a fresh random key (random 24-bit index, random key
 * byte), written to *@keyp before @obj becomes findable.  Process context.
 */
int tbib_key_insert(void *obj, enum tbib_key_tag tag, u32 *keyp);
/* The object of @tag whose index @key has, or NULL.  Under rcu_read_lock(). */
void *tbib_key_find(u32 key, enum tbib_key_tag tag);
/* Remove @key's index; lookups stop finding it (RCU readers may still). */
void tbib_key_erase(u32 key);

/* ---- transport API ---------------------------------------------------- */

/**
 * tbib_mr_get - find an MR by key and check a use of it
 * @ibdev: device the key arrived on
 * @pd: PD of the QP using the key
 * @key: lkey (local use) or rkey (remote use)
 * @access: IB_ACCESS_* the use needs: 0 to read locally,
 *	IB_ACCESS_LOCAL_WRITE to write locally, IB_ACCESS_REMOTE_READ /
 *	_WRITE / _ATOMIC for remote operations
 * @iova, @len: the range that will be accessed
 *
 * Returns the MR with a reference, or NULL when the key is unknown,
 * belongs to another device or PD, is invalidated, lacks @access, or the
 * range is outside the MR.  Map NULL to IB_WC_LOC_PROT_ERR for a local
 * SGE and to a remote access error NAK for an rkey.  Any context.
 */
struct tbib_mr *tbib_mr_get(struct ib_device *ibdev, struct ib_pd *pd,
			    u32 key, int access, u64 iova, u64 len);
void tbib_mr_put(struct tbib_mr *mr);

enum tbib_copy_dir {
	TBIB_TO_MR,		/* buffer -> MR memory */
	TBIB_FROM_MR,		/* MR memory -> buffer */
};

/*
 * Copy between [@iova, @iova + @len) of a referenced MR and a kernel
 * buffer.  The range must lie inside the MR (what tbib_mr_get checked);
 * -EFAULT otherwise, and nothing is copied.  Any context.
 */
int tbib_mr_copy(struct tbib_mr *mr, u64 iova, void *buf, u64 len,
		 enum tbib_copy_dir dir);
/* Copy @len bytes at @offset of @skb (linear and paged) into the MR. */
int tbib_mr_copy_from_skb(struct tbib_mr *mr, u64 iova,
			  const struct sk_buff *skb, int offset, u32 len);
/*
 * The page behind @iova, for building skb fragments without a copy:
 * *@page (no reference taken: take one with get_page() while the MR
 * reference is held), offset in it, and how many bytes from there stay
 * in that page (also limited by the MR end).
 */
int tbib_mr_page(struct tbib_mr *mr, u64 iova, struct page **page,
		 unsigned int *offset, unsigned int *len);
/*
 * 8-byte atomic at @iova (8-byte aligned, inside the MR): compare-and-swap
 * when @cmp_swap (store @swap if the old value equals @compare_add), else
 * fetch-and-add @compare_add.  The original value goes to *@orig.  The
 * operation is a CPU atomic on the memory, so it is atomic with respect to
 * other tbib atomics and to the CPU.  -EINVAL if misaligned.
 */
int tbib_mr_atomic(struct tbib_mr *mr, u64 iova, bool cmp_swap,
		   u64 compare_add, u64 swap, u64 *orig);
/*
 * ATOMIC WRITE: the 8 bytes @val (in memory order) stored at @iova (8-byte
 * aligned, inside the MR) as one single-copy atomic store.  -EINVAL if
 * misaligned, -EFAULT outside the MR.
 */
int tbib_mr_atomic_write(struct tbib_mr *mr, u64 iova, u64 val);

/*
 * FLUSH (IB_ACCESS_FLUSH_* in @access): 0 if @key names an MR of @pd with
 * @access and [@iova, @iova + @len) lies in it (or @whole: all of it),
 * else -EACCES.  tbib places data with CPU stores, so it is globally
 * visible once placed; this orders it before what follows.  Any context.
 */
int tbib_mr_flush(struct ib_device *ibdev, struct ib_pd *pd, u32 key,
		  int access, u64 iova, u64 len, bool whole);
/*
 * Invalidate a fast-reg MR (LOCAL_INV, or SEND_WITH_INV received):
 * @key must name a fast-reg MR of @pd on @ibdev.  0 or -EINVAL.
 */
int tbib_mr_invalidate(struct ib_device *ibdev, struct ib_pd *pd, u32 key);
/*
 * Execute IB_WR_REG_MR (kernel QPs): make @mr valid with @key (its index
 * must be the MR's) and @access.  0 or -EINVAL.
 */
int tbib_mr_fast_reg(struct tbib_mr *mr, struct ib_pd *pd, u32 key, int access);

/*
 * A memory window takes @mr (a reference and a count that keeps
 * dereg_mr and rereg_mr away: -EBUSY) / gives it back.  Bind fails with
 * -EINVAL once dereg has begun.  Any context.
 */
int tbib_mr_bind_get(struct tbib_mr *mr);
void tbib_mr_bind_put(struct tbib_mr *mr);

/* ---- ib_device_ops ------------------------------------------------------ */

struct ib_mr *tbib_get_dma_mr(struct ib_pd *ibpd, int access);
struct ib_mr *tbib_reg_user_mr(struct ib_pd *ibpd, u64 start, u64 length,
			       u64 iova, int access, struct ib_dmah *dmah,
			       struct ib_udata *udata);
struct ib_mr *tbib_rereg_user_mr(struct ib_mr *ibmr, int flags, u64 start,
				 u64 length, u64 iova, int access,
				 struct ib_pd *ibpd, struct ib_udata *udata);
int tbib_dereg_mr(struct ib_mr *ibmr, struct ib_udata *udata);
struct ib_mr *tbib_alloc_mr(struct ib_pd *ibpd, enum ib_mr_type type,
			    u32 max_num_sg);
int tbib_map_mr_sg(struct ib_mr *ibmr, struct scatterlist *sg, int sg_nents,
		   unsigned int *sg_offset);

#endif /* TBIB_MR_H */
