// SPDX-License-Identifier: GPL-2.0
/*
 * SGE list cursor (see sgl.h).
 */
#include "kmod/qp.h"
#include "kmod/sgl.h"

void tbib_sgl_init(struct tbib_sgl *s, struct tbib_qp *qp,
		   const struct ib_sge *sge, u32 num_sge, int access)
{
	s->ibdev = qp->ibqp.device;
	s->pd = qp->ibqp.pd;
	s->sge = sge;
	s->num_sge = num_sge;
	s->idx = 0;
	s->off = 0;
	s->access = access;
	s->mr = NULL;
}

void tbib_sgl_release(struct tbib_sgl *s)
{
	if (s->mr) {
		tbib_mr_put(s->mr);
		s->mr = NULL;
	}
}

/* Step over finished and empty SGEs; false at the end of the list. */
static bool tbib_sgl_settle(struct tbib_sgl *s)
{
	while (s->idx < s->num_sge && s->off >= s->sge[s->idx].length) {
		tbib_sgl_release(s);
		s->idx++;
		s->off = 0;
	}
	return s->idx < s->num_sge;
}

/* The MR of the current SGE, checked over the whole SGE once. */
static int tbib_sgl_resolve(struct tbib_sgl *s)
{
	const struct ib_sge *sge = &s->sge[s->idx];

	if (!s->mr) {
		s->mr = tbib_mr_get(s->ibdev, s->pd, sge->lkey, s->access,
				    sge->addr, sge->length);
		if (!s->mr)
			return -EACCES;
	}
	return 0;
}

int tbib_sgl_seek(struct tbib_sgl *s, u64 offset)
{
	tbib_sgl_release(s);
	for (s->idx = 0, s->off = 0; s->idx < s->num_sge; s->idx++) {
		if (offset < s->sge[s->idx].length) {
			s->off = offset;
			return 0;
		}
		offset -= s->sge[s->idx].length;
	}
	return offset ? -ENOSPC : 0;
}

int tbib_sgl_copy(struct tbib_sgl *s, void *buf, u32 len,
		  enum tbib_copy_dir dir)
{
	while (len) {
		const struct ib_sge *sge;
		u32 n;
		int err;

		if (!tbib_sgl_settle(s))
			return -ENOSPC;
		err = tbib_sgl_resolve(s);
		if (err)
			return err;
		sge = &s->sge[s->idx];
		n = min(len, sge->length - s->off);
		err = tbib_mr_copy(s->mr, sge->addr + s->off, buf, n, dir);
		if (err)
			return -EACCES;
		s->off += n;
		buf += n;
		len -= n;
	}
	return 0;
}

int tbib_sgl_copy_from_skb(struct tbib_sgl *s, const struct sk_buff *skb,
			   int offset, u32 len)
{
	while (len) {
		const struct ib_sge *sge;
		u32 n;
		int err;

		if (!tbib_sgl_settle(s))
			return -ENOSPC;
		err = tbib_sgl_resolve(s);
		if (err)
			return err;
		sge = &s->sge[s->idx];
		n = min(len, sge->length - s->off);
		err = tbib_mr_copy_from_skb(s->mr, sge->addr + s->off, skb,
					    offset, n);
		if (err)
			return err == -EFAULT ? -EACCES : err;
		s->off += n;
		offset += n;
		len -= n;
	}
	return 0;
}

int tbib_sgl_next_page(struct tbib_sgl *s, u32 max, struct page **page,
		       unsigned int *offset, unsigned int *len)
{
	const struct ib_sge *sge;
	int err;

	if (!tbib_sgl_settle(s))
		return -ENOSPC;
	err = tbib_sgl_resolve(s);
	if (err)
		return err;
	sge = &s->sge[s->idx];
	err = tbib_mr_page(s->mr, sge->addr + s->off, page, offset, len);
	if (err)
		return -EACCES;
	*len = min3(*len, max, sge->length - s->off);
	s->off += *len;
	return 0;
}
