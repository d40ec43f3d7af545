/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compat layer of the portable striping core.
 *
 * The files wire.c, hellowire.c, rxwin.c, txtrack.c and sched.c compile
 * both into tbib.ko (with -DTBIB_KERNEL) and into host unit tests and
 * fuzzers.  They include only this header (plus their own), so everything
 * they need from the environment is listed here: fixed-width types,
 * memset/memcpy, errno values, a 64-bit division and CRC32C.
 *
 * Byte order is handled with explicit byte-wise big-endian helpers instead
 * of unaligned-access headers, whose location differs between kernels.
 */
#ifndef TBIB_PORTABLE_H
#define TBIB_PORTABLE_H

#ifdef TBIB_KERNEL

#include <linux/types.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/math64.h>
#include <linux/crc32c.h>

static inline u64 tbib_div64(u64 a, u64 b)
{
	return div64_u64(a, b);
}

/*
 * The kernel's crc32c() neither inverts its seed nor its result; the
 * "raw" convention below matches it exactly.
 */
static inline u32 tbib_crc32c_raw(u32 crc, const void *buf, size_t len)
{
	return crc32c(crc, buf, len);
}

#else /* userspace: unit tests and fuzzers */

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <errno.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
/* wire layouts only: the code reads them with tbib_get_be*() */
typedef uint16_t __be16;
typedef uint32_t __be32;
typedef uint64_t __be64;

static inline u64 tbib_div64(u64 a, u64 b)
{
	return a / b;
}

/* Software CRC32C, tests/unit/support/crc32c_sw.c. Same convention as above. */
u32 tbib_crc32c_raw(u32 crc, const void *buf, size_t len);

#endif /* TBIB_KERNEL */

/* Standard CRC32C (Castagnoli): "123456789" -> 0xE3069283. */
static inline u32 tbib_crc32c(const void *buf, size_t len)
{
	return ~tbib_crc32c_raw(~0U, buf, len);
}

#define TBIB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Big-endian accessors: byte-wise, so alignment never matters. */
static inline u16 tbib_get_be16(const u8 *p)
{
	return (u16)((p[0] << 8) | p[1]);
}

static inline u32 tbib_get_be24(const u8 *p)
{
	return ((u32)p[0] << 16) | ((u32)p[1] << 8) | p[2];
}

static inline u32 tbib_get_be32(const u8 *p)
{
	return ((u32)p[0] << 24) | ((u32)p[1] << 16) | ((u32)p[2] << 8) | p[3];
}

static inline u64 tbib_get_be64(const u8 *p)
{
	return ((u64)tbib_get_be32(p) << 32) | tbib_get_be32(p + 4);
}

static inline void tbib_put_be16(u8 *p, u16 v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
}

static inline void tbib_put_be24(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 16);
	p[1] = (u8)(v >> 8);
	p[2] = (u8)v;
}

static inline void tbib_put_be32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24);
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
}

static inline void tbib_put_be64(u8 *p, u64 v)
{
	tbib_put_be32(p, (u32)(v >> 32));
	tbib_put_be32(p + 4, (u32)v);
}

/*
 * Limits shared by the window, the sender tracker, the SACK block and the
 * scheduler.  TBIB_WIN_MAX bounds the per-QP reorder window and the number
 * of PSNs a QP may have in flight; a SACK bitmap covers the whole window.
 */
#define TBIB_WIN_MAX		1024
#define TBIB_MAX_RAILS		16

#endif /* TBIB_PORTABLE_H */
