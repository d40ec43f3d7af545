// SPDX-License-Identifier: GPL-2.0
/*
 * The one place the striping core's tracepoints (trace.h) are
 * instantiated.
 */

#define CREATE_TRACE_POINTS
#include "bond/trace.h"
