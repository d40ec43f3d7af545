/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hook between the device skeleton (device.c, ibdev.c) and the verbs
 * implementation.
 */
#ifndef TBIB_VERBS_H
#define TBIB_VERBS_H

#include <rdma/ib_verbs.h>

/*
 * Called once per device before ib_register_device(), BEFORE the base
 * ops of ibdev.c are set: ib_set_device_ops() keeps the first value set
 * for each op, so ops set here take precedence over the base ones (e.g. a
 * full query_device).  Set object sizes (INIT_RDMA_OBJ_SIZE) here too.
 */
void tbib_verbs_set_ops(struct ib_device *ibdev);

#endif /* TBIB_VERBS_H */
