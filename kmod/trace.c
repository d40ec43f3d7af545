// SPDX-License-Identifier: GPL-2.0
/*
 * The one place the tbib tracepoints (trace.h) are instantiated.
 */

#define CREATE_TRACE_POINTS
#include "kmod/trace.h"
