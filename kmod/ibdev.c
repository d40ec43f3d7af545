// SPDX-License-Identifier: GPL-2.0
/*
 * Base ib_device_ops: what ib_core and libibverbs need to see a device and
 * its port (query device/port/GID/P_Key, immutable port data, user
 * contexts).  The verbs code adds PD/CQ/QP/MR/... on top (verbs.c).
 *
 * The port is InfiniBand, LID addressed, without MAD/SMI/SA: no subnet
 * manager ever talks to it, so ib_core must attach no MAD agent.
 */

#include <rdma/ib_mad.h>
#include "kmod/tbib.h"

static int tbib_query_port(struct ib_device *ibdev, u32 port_num,
			   struct ib_port_attr *attr)
{
	struct tbib_dev *dev = to_tbib_dev(ibdev);
	struct tbib_port port;

	spin_lock_bh(&dev->port_lock);
	port = dev->port;
	spin_unlock_bh(&dev->port_lock);

	/* ib_core zeroes *attr before calling us. */
	attr->state = port.state;
	attr->phys_state = port.phys_state;
	attr->active_speed = port.active_speed;
	attr->active_width = port.active_width;
	attr->lid = port.lid;
	attr->lmc = 0;
	attr->sm_lid = 0;		/* there is no subnet manager */
	attr->sm_sl = 0;
	attr->max_mtu = IB_MTU_4096;
	attr->active_mtu = IB_MTU_4096;
	attr->phys_mtu = 4096;
	attr->gid_tbl_len = 1;
	attr->pkey_tbl_len = 1;
	attr->port_cap_flags = 0;	/* no SM, no SMA: nothing to claim */
	attr->max_msg_sz = 0x80000000;	/* 2 GiB, as IB allows */
	attr->max_vl_num = 1;
	attr->subnet_timeout = 0;
	attr->init_type_reply = 0;
	attr->subnet_prefix = 0;	/* link-local fe80::/64 */
	return 0;
}

static int tbib_query_gid(struct ib_device *ibdev, u32 port_num, int index,
			  union ib_gid *gid)
{
	struct tbib_dev *dev = to_tbib_dev(ibdev);

	if (index != 0)
		return -EINVAL;
	/* Link-local GID: fe80::/64 + node GUID. */
	gid->global.subnet_prefix = cpu_to_be64(0xfe80000000000000ULL);
	gid->global.interface_id = cpu_to_be64(dev->bond.guid);
	return 0;
}

static int tbib_query_pkey(struct ib_device *ibdev, u32 port_num, u16 index,
			   u16 *pkey)
{
	if (index != 0)
		return -EINVAL;
	*pkey = IB_DEFAULT_PKEY_FULL;
	return 0;
}

/*
 * RDMA_CORE_CAP_PROT_IB alone: the port speaks the IB transport with LID
 * addressing, but without IB_MAD/IB_SMI/IB_CM/IB_SA ib_core attaches no
 * MAD agent, SA client or CM to it (and max_mad_size must then be 0).
 */
static int tbib_get_port_immutable(struct ib_device *ibdev, u32 port_num,
				   struct ib_port_immutable *immutable)
{
	immutable->core_cap_flags = RDMA_CORE_CAP_PROT_IB;
	immutable->pkey_tbl_len = 1;
	immutable->gid_tbl_len = 1;
	immutable->max_mad_size = 0;
	return 0;
}

static enum rdma_link_layer tbib_get_link_layer(struct ib_device *ibdev,
						u32 port_num)
{
	return IB_LINK_LAYER_INFINIBAND;
}

static int tbib_modify_device(struct ib_device *ibdev, int mask,
			      struct ib_device_modify *attr)
{
	if (mask & ~IB_DEVICE_MODIFY_NODE_DESC)
		return -EOPNOTSUPP;
	memcpy(ibdev->node_desc, attr->node_desc, sizeof(ibdev->node_desc));
	return 0;
}

static void tbib_get_dev_fw_str(struct ib_device *ibdev, char *str)
{
	snprintf(str, IB_FW_VERSION_NAME_MAX, "%s", TBIB_FW_VERSION);
}

/* The rxe ABI carries no driver data in GET_CONTEXT either way. */
static int tbib_alloc_ucontext(struct ib_ucontext *ibuc, struct ib_udata *udata)
{
	return 0;
}

static void tbib_dealloc_ucontext(struct ib_ucontext *ibuc)
{
}

/*
 * Having this op tells ib_core it may unregister the device while user
 * contexts are open: it zaps their mmaps itself and then calls us; we hold
 * nothing else that belongs to the process.
 */
static void tbib_disassociate_ucontext(struct ib_ucontext *ibuc)
{
}

static const struct ib_device_ops tbib_base_ops = {
	.owner = THIS_MODULE,
	.driver_id = RDMA_DRIVER_RXE,
	.uverbs_abi_ver = TBIB_UVERBS_ABI_VERSION,

	.query_port = tbib_query_port,
	.query_gid = tbib_query_gid,
	.query_pkey = tbib_query_pkey,
	.get_port_immutable = tbib_get_port_immutable,
	.get_link_layer = tbib_get_link_layer,
	.modify_device = tbib_modify_device,
	.get_dev_fw_str = tbib_get_dev_fw_str,
	.alloc_ucontext = tbib_alloc_ucontext,
	.dealloc_ucontext = tbib_dealloc_ucontext,
	.disassociate_ucontext = tbib_disassociate_ucontext,

	INIT_RDMA_OBJ_SIZE(ib_ucontext, tbib_ucontext, ibuc),
};

void tbib_ibdev_set_ops(struct ib_device *ibdev)
{
	ib_set_device_ops(ibdev, &tbib_base_ops);
}
