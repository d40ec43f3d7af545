// SPDX-License-Identifier: GPL-2.0
/*
 * The verbs ib_device_ops, the device limits, object accounting and the
 * transport hook table (see verbs.h).
 */
#include <linux/atomic.h>

#include "kmod/mmap.h"
#include "kmod/mw.h"
#include "kmod/tbib.h"
#include "kmod/verbs.h"

/* ---- object accounting ------------------------------------------------------ */

static const int tbib_res_max[TBIB_RES_NUM] = {
	[TBIB_RES_PD]	= 1 << 16,
	[TBIB_RES_MR]	= 1 << 18,
	[TBIB_RES_MW]	= 1 << 18,
	[TBIB_RES_CQ]	= 1 << 16,
	[TBIB_RES_QP]	= 1 << 16,
	[TBIB_RES_SRQ]	= 1 << 14,
	[TBIB_RES_AH]	= TBIB_MAX_AH,
};

static atomic_t tbib_res_used[TBIB_RES_NUM];

bool tbib_res_get(enum tbib_res res)
{
	return atomic_add_unless(&tbib_res_used[res], 1, tbib_res_max[res]);
}

void tbib_res_put(enum tbib_res res)
{
	atomic_dec(&tbib_res_used[res]);
}

/* ---- device ---------------------------------------------------------------- */

static int tbib_verbs_query_device(struct ib_device *ibdev,
				   struct ib_device_attr *attr,
				   struct ib_udata *udata)
{
	struct tbib_dev *dev = to_tbib_dev(ibdev);

	/* The rxe ABI has no driver data for this command. */
	if (udata && (udata->inlen || udata->outlen))
		return -EINVAL;

	memset(attr, 0, sizeof(*attr));
	attr->fw_ver = TBIB_FW_VERSION_NUM;
	attr->sys_image_guid = cpu_to_be64(dev->bond.guid);
	attr->vendor_id = TBIB_VENDOR_ID;
	attr->vendor_part_id = TBIB_VENDOR_PART_ID;
	attr->max_mr_size = TBIB_MAX_MR_SIZE;
	attr->page_size_cap = PAGE_SIZE;
	attr->device_cap_flags = IB_DEVICE_RC_RNR_NAK_GEN |
				 IB_DEVICE_SRQ_RESIZE |
				 IB_DEVICE_CURR_QP_STATE_MOD |
				 IB_DEVICE_PORT_ACTIVE_EVENT |
				 IB_DEVICE_SYS_IMAGE_GUID |
				 IB_DEVICE_MEM_MGT_EXTENSIONS |
				 IB_DEVICE_MEM_WINDOW |
				 IB_DEVICE_MEM_WINDOW_TYPE_2B |
				 IB_DEVICE_ATOMIC_WRITE |
				 IB_DEVICE_FLUSH_GLOBAL;
	attr->max_qp = tbib_res_max[TBIB_RES_QP];
	attr->max_qp_wr = TBIB_MAX_QP_WR;
	attr->max_send_sge = TBIB_MAX_SGE;
	attr->max_recv_sge = TBIB_MAX_SGE;
	attr->max_sge_rd = TBIB_MAX_SGE;
	attr->max_cq = tbib_res_max[TBIB_RES_CQ];
	attr->max_cqe = TBIB_MAX_CQE;
	attr->max_mr = tbib_res_max[TBIB_RES_MR];
	attr->max_mw = tbib_res_max[TBIB_RES_MW];
	attr->max_pd = tbib_res_max[TBIB_RES_PD];
	attr->max_qp_rd_atom = TBIB_MAX_RD_ATOMIC;
	attr->max_qp_init_rd_atom = TBIB_MAX_RD_ATOMIC;
	attr->max_res_rd_atom = TBIB_MAX_RD_ATOMIC * tbib_res_max[TBIB_RES_QP];
	attr->atomic_cap = IB_ATOMIC_HCA;
	attr->masked_atomic_cap = IB_ATOMIC_NONE;
	attr->max_ah = TBIB_MAX_AH;
	attr->max_srq = tbib_res_max[TBIB_RES_SRQ];
	attr->max_srq_wr = TBIB_MAX_SRQ_WR;
	attr->max_srq_sge = TBIB_MAX_SGE;
	attr->max_fast_reg_page_list_len = TBIB_MAX_FR_PAGES;
	attr->max_pkeys = 1;
	attr->local_ca_ack_delay = 15;
	/* `rdma link delete` may unregister us: dealloc_driver frees all. */
	attr->kernel_cap_flags = IBK_ALLOW_USER_UNREG;
	return 0;
}

static const struct ib_device_ops tbib_verbs_ops = {
	.query_device	= tbib_verbs_query_device,

	.mmap		= tbib_mmap,
	.mmap_free	= tbib_mmap_free,

	.alloc_pd	= tbib_alloc_pd,
	.dealloc_pd	= tbib_dealloc_pd,

	.create_ah	= tbib_create_ah,
	.create_user_ah	= tbib_create_ah,
	.query_ah	= tbib_query_ah,
	.destroy_ah	= tbib_destroy_ah,

	.destroy_cq	= tbib_destroy_cq,
	.poll_cq	= tbib_poll_cq,
	.req_notify_cq	= tbib_req_notify_cq,

	.create_srq	= tbib_create_srq,
	.modify_srq	= tbib_modify_srq,
	.query_srq	= tbib_query_srq,
	.destroy_srq	= tbib_destroy_srq,
	.post_srq_recv	= tbib_post_srq_recv,

	.create_qp	= tbib_create_qp,
	.modify_qp	= tbib_modify_qp,
	.query_qp	= tbib_query_qp,
	.destroy_qp	= tbib_destroy_qp,
	.post_send	= tbib_post_send,
	.post_recv	= tbib_post_recv,

	.get_dma_mr	= tbib_get_dma_mr,
	.rereg_user_mr	= tbib_rereg_user_mr,
	.dereg_mr	= tbib_dereg_mr,
	.alloc_mr	= tbib_alloc_mr,
	.map_mr_sg	= tbib_map_mr_sg,

	.alloc_mw	= tbib_alloc_mw,
	.dealloc_mw	= tbib_dealloc_mw,

	INIT_RDMA_OBJ_SIZE(ib_pd, tbib_pd, ibpd),
	INIT_RDMA_OBJ_SIZE(ib_ah, tbib_ah, ibah),
	INIT_RDMA_OBJ_SIZE(ib_mw, tbib_mw, ibmw),
	INIT_RDMA_OBJ_SIZE(ib_cq, tbib_cq, ibcq),
	INIT_RDMA_OBJ_SIZE(ib_srq, tbib_srq, ibsrq),
	INIT_RDMA_OBJ_SIZE(ib_qp, tbib_qp, ibqp),
};

void tbib_verbs_set_ops(struct ib_device *ibdev)
{
	ib_set_device_ops(ibdev, &tbib_verbs_ops);
	/* create_cq, resize_user_cq, reg_user_mr: prototypes per kernel */
	ib_set_device_ops(ibdev, &tbib_compat_verbs_ops);
	/*
	 * Legacy write() commands beyond ib_core's default set that librxe
	 * uses: the doorbell (POST_SEND with no WRs) and arming a CQ.
	 * POLL_CQ, POST_RECV and POST_SRQ_RECV stay off: librxe works on the
	 * rings, so they would only widen what a hostile process can reach.
	 */
	ibdev->uverbs_cmd_mask |= BIT_ULL(IB_USER_VERBS_CMD_POST_SEND) |
				  BIT_ULL(IB_USER_VERBS_CMD_REQ_NOTIFY_CQ);
}
