#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# compat-probe.sh SRCTREE: print -DTBIB_HAVE_<FEATURE> for every kernel
# API feature that the headers under SRCTREE declare.  Kbuild adds the
# output to the compiler flags; kmod/compat.h reads the macros.
#
# The headers are asked, not the version number: distribution kernels
# (Fedora, Ubuntu, RHEL, Debian stable updates) carry APIs that their
# version says they should not have, and the other way round.
#
# Each probe is one POSIX extended regex that must match within one C
# declaration, newlines folded into spaces (so a prototype split over
# several lines still matches).
src=${1:?usage: compat-probe.sh SRCTREE}

# probe NAME HEADER REGEX
probe() {
	f=$src/include/$2
	[ -f "$f" ] || return 0
	# one line per ';': a declaration is searched as a whole
	if tr '\n' ' ' <"$f" | tr ';' '\n' | grep -Eq "$3"; then
		printf ' -DTBIB_HAVE_%s' "$1"
	fi
}

# 6.2: dump requests carry their parsed attributes in a struct genl_info
probe GENL_INFO_DUMP net/genetlink.h 'genl_info_dump\('
# 6.2: nla_policy.range points to a const struct netlink_range_validation
probe CONST_NLA_RANGE net/netlink.h 'const struct netlink_range_validation \*range$'
# 6.11: create_cq gets the uverbs attribute bundle, not the udata
probe CREATE_CQ_ATTRS rdma/ib_verbs.h '\(\*create_cq\)\([^)]*struct uverbs_attr_bundle'
# 6.13: hrtimer_setup() sets the callback with the clock and mode
probe HRTIMER_SETUP linux/hrtimer.h 'void hrtimer_setup\('
# 6.17: reg_user_mr gets the DMA handle of the MR (struct ib_dmah)
probe REG_USER_MR_DMAH rdma/ib_verbs.h '\(\*reg_user_mr\)\([^)]*struct ib_dmah'
# 6.17 (and 6.12.y stable): WQ_PERCPU, system_percpu_wq, system_dfl_wq
probe WQ_PERCPU linux/workqueue.h 'WQ_PERCPU[[:space:]]*='
probe SYSTEM_DFL_WQ linux/workqueue.h 'struct workqueue_struct \*system_dfl_wq'
probe SYSTEM_PERCPU_WQ linux/workqueue.h 'struct workqueue_struct \*system_percpu_wq'
# 7.1: resize_cq became resize_user_cq (unsigned cqe); user CQs only
probe RESIZE_USER_CQ rdma/ib_verbs.h '\(\*resize_user_cq\)'
# 6.2: RDMA ATOMIC WRITE (IB_WR_ATOMIC_WRITE, IB_WC_, IB_DEVICE_ATOMIC_WRITE)
probe ATOMIC_WRITE rdma/ib_verbs.h 'IB_WR_ATOMIC_WRITE[[:space:]]*='
# 6.2: RDMA FLUSH (IB_WR_FLUSH, IB_ACCESS_FLUSH_*, rxe_send_wr.wr.flush)
probe FLUSH rdma/ib_verbs.h 'IB_WR_FLUSH[[:space:]]*='
# 7.2: ib_umem_get() became ib_umem_get_va()
probe IB_UMEM_GET_VA rdma/ib_umem.h 'ib_umem_get_va\('
echo
