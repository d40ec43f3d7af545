// SPDX-License-Identifier: GPL-2.0
/*
 * Verbs (PD, CQ, QP, MR, ...) are added by the verbs implementation; until
 * then the device offers only the base ops of ibdev.c.
 */

#include "verbs.h"

void tbib_verbs_set_ops(struct ib_device *ibdev)
{
}
