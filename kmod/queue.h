/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rings in the rxe user ABI layout (struct rxe_queue_buf).
 *
 * A ring is a vmalloc_user() buffer: a 384-byte header (element size,
 * index mask, producer and consumer index on separate cache lines)
 * followed by 2^n slots of 2^m bytes.  One slot always stays empty, so a
 * ring of 2^n slots holds 2^n - 1 entries.  Indices stored in the header
 * are always masked slot numbers, never free-running counters.
 *
 * Rings of user objects are mapped into the process (see mmap.c), so the
 * header is writable by a hostile process.  The kernel therefore keeps its
 * own copy of the geometry and of the index it owns:
 *
 *   SQ / RQ / SRQ of a user QP: userspace produces, the kernel consumes.
 *     The kernel reads the producer index (acquire, masked) and writes the
 *     consumer index (release) from its private copy q->cons.
 *   CQ of a user CQ: the kernel produces, userspace consumes.  The kernel
 *     writes the producer index from q->prod and reads the consumer index.
 *   Kernel objects: both indices are private (q->prod, q->cons); the header
 *     is still kept up to date, which costs nothing and helps debugging.
 *
 * The kernel never uses a value read from the header for anything but
 * choosing a slot (always masked with the private q->mask).
 *
 * Locking: none inside; the owner of the ring (QP, CQ, SRQ) serialises
 * producers and consumers with its own lock.
 */
#ifndef TBIB_QUEUE_H
#define TBIB_QUEUE_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <asm/barrier.h>
#include <rdma/ib_verbs.h>
#include <rdma/rdma_user_rxe.h>

struct tbib_mmap_entry;

struct tbib_queue {
	struct rxe_queue_buf	*buf;
	/* set when the ring is mapped to userspace; then it owns buf */
	struct tbib_mmap_entry	*mme;
	size_t			buf_size;
	u32			mask;		/* slots - 1 */
	u32			log2_elem;	/* log2 of the slot size */
	u32			prod;		/* private producer index */
	u32			cons;		/* private consumer index */
};

int tbib_queue_init(struct tbib_queue *q, struct ib_ucontext *uctx,
		    u32 num_elem, size_t elem_size);
void tbib_queue_cleanup(struct tbib_queue *q);
void tbib_queue_mminfo(const struct tbib_queue *q, struct mminfo *mi);
int tbib_queue_copy_entries(struct tbib_queue *dst, const struct tbib_queue *src,
			    u32 prod, u32 cons);
void tbib_queue_reset(struct tbib_queue *q);

/* Entries a ring can hold. */
static inline u32 tbib_queue_capacity(const struct tbib_queue *q)
{
	return q->mask;
}

static inline size_t tbib_queue_elem_size(const struct tbib_queue *q)
{
	return (size_t)1 << q->log2_elem;
}

static inline void *tbib_queue_slot(const struct tbib_queue *q, u32 index)
{
	return q->buf->data + ((size_t)(index & q->mask) << q->log2_elem);
}

static inline u32 tbib_queue_next(const struct tbib_queue *q, u32 index)
{
	return (index + 1) & q->mask;
}

static inline u32 tbib_queue_count(const struct tbib_queue *q, u32 prod,
				   u32 cons)
{
	return (prod - cons) & q->mask;
}

/*
 * Producer index written by userspace.  The acquire pairs with the
 * release store in librxe, so slot contents up to it are visible.
 */
static inline u32 tbib_queue_user_prod(const struct tbib_queue *q)
{
	return smp_load_acquire(&q->buf->producer_index) & q->mask;
}

/* Consumer index written by userspace (CQ rings). */
static inline u32 tbib_queue_user_cons(const struct tbib_queue *q)
{
	return smp_load_acquire(&q->buf->consumer_index) & q->mask;
}

/* Publish the kernel's consumer index: slots before it may be reused. */
static inline void tbib_queue_publish_cons(struct tbib_queue *q, u32 cons)
{
	q->cons = cons & q->mask;
	smp_store_release(&q->buf->consumer_index, q->cons);
}

/* Publish the kernel's producer index: slots before it are complete. */
static inline void tbib_queue_publish_prod(struct tbib_queue *q, u32 prod)
{
	q->prod = prod & q->mask;
	smp_store_release(&q->buf->producer_index, q->prod);
}

#endif /* TBIB_QUEUE_H */
