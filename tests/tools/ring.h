/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The work and completion rings a tbib device shares with the process
 * (the rxe ABI), found and written without librxe's private structures:
 * every ring is an mmap of the uverbs file, so the mappings of it that
 * appear in /proc/self/maps when a QP or CQ is created are its rings, and
 * their struct rxe_queue_buf header (element size, index mask) tells one
 * from another (an SQ slot holds a struct rxe_send_wqe, an RQ slot a
 * struct rxe_recv_wqe).  Indices in the header are kept masked, as librxe
 * keeps them; a WQE is published by a release store of the producer
 * index and handed to the kernel by the doorbell librxe rings: POST_SEND
 * with no work request.
 *
 * Usage: take ring_maps() before creating the object and again after it,
 * ring_find_new() picks the new ring with a given element size; then
 * ring_slot() at ring_producer(), fill it in, ring_advance(),
 * ring_doorbell().
 */
#ifndef TBIB_RING_H
#define TBIB_RING_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <infiniband/verbs.h>
#include <rdma/ib_user_verbs.h>
#include <rdma/rdma_user_rxe.h>

#define RING_MAXMAP 256

/* One mapping of a uverbs file. */
struct ring_map {
	unsigned long start, end;
};

/*
 * The mappings of uverbs files now (at most RING_MAXMAP): how many, or
 * -1 with errno set if /proc/self/maps cannot be read.
 */
static inline int ring_maps(struct ring_map *m)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int n = 0;

	if (!f)
		return -1;
	while (n < RING_MAXMAP && fgets(line, sizeof(line), f)) {
		if (!strstr(line, "/dev/infiniband/uverbs"))
			continue;
		if (sscanf(line, "%lx-%lx", &m[n].start, &m[n].end) == 2)
			n++;
	}
	fclose(f);
	return n;
}

static inline int ring_map_known(const struct ring_map *m, int n,
				 unsigned long start)
{
	int i;

	for (i = 0; i < n; i++)
		if (m[i].start == start)
			return 1;
	return 0;
}

/*
 * The first ring of @now that is not in @before and has slots of
 * 1 << @log2_elem bytes, or NULL.
 */
static inline struct rxe_queue_buf *
ring_find_new(const struct ring_map *before, int nbefore,
	      const struct ring_map *now, int nnow, unsigned int log2_elem)
{
	int i;

	for (i = 0; i < nnow; i++) {
		struct rxe_queue_buf *q = (void *)now[i].start;

		if (!ring_map_known(before, nbefore, now[i].start) &&
		    q->log2_elem_size == log2_elem)
			return q;
	}
	return NULL;
}

/* log2 of the smallest power of two >= @bytes: a slot of that size. */
static inline unsigned int ring_log2_slot(size_t bytes)
{
	unsigned int l = 0;

	while (((size_t)1 << l) < bytes)
		l++;
	return l;
}

/* Slot @i (masked) of @q. */
static inline void *ring_slot(struct rxe_queue_buf *q, uint32_t i,
			      unsigned int log2, uint32_t mask)
{
	return q->data + ((size_t)(i & mask) << log2);
}

static inline uint32_t ring_producer(struct rxe_queue_buf *q)
{
	return __atomic_load_n(&q->producer_index, __ATOMIC_RELAXED);
}

static inline uint32_t ring_consumer(struct rxe_queue_buf *q)
{
	return __atomic_load_n(&q->consumer_index, __ATOMIC_ACQUIRE);
}

/* No free slot at the producer index (one slot always stays empty). */
static inline int ring_full(struct rxe_queue_buf *q, uint32_t mask)
{
	return ((ring_producer(q) + 1) & mask) == (ring_consumer(q) & mask);
}

/* Publish producer index @index: the slots written before it go first. */
static inline void ring_publish(struct rxe_queue_buf *q, uint32_t index)
{
	__atomic_store_n(&q->producer_index, index, __ATOMIC_RELEASE);
}

/* Publish the slot at producer index @prod: the index becomes @prod + 1. */
static inline void ring_advance(struct rxe_queue_buf *q, uint32_t prod,
				uint32_t mask)
{
	ring_publish(q, (prod + 1) & mask);
}

/*
 * The doorbell librxe rings after it has written send WQEs: the uverbs
 * POST_SEND command with no work request.  0 or an errno.
 */
static inline int ring_doorbell(struct ibv_qp *qp)
{
	struct {
		struct ib_uverbs_cmd_hdr hdr;
		struct ib_uverbs_post_send cmd;
	} req;
	struct ib_uverbs_post_send_resp resp;

	memset(&req, 0, sizeof(req));
	req.hdr.command = IB_USER_VERBS_CMD_POST_SEND;
	req.hdr.in_words = sizeof(req) / 4;
	req.hdr.out_words = sizeof(resp) / 4;
	req.cmd.response = (uintptr_t)&resp;
	req.cmd.qp_handle = qp->handle;
	req.cmd.wqe_size = sizeof(struct ib_uverbs_send_wr);
	if (write(qp->context->cmd_fd, &req, sizeof(req)) != sizeof(req))
		return errno;
	return 0;
}

#endif /* TBIB_RING_H */
