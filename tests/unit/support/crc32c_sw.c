// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace CRC32C (Castagnoli, reflected polynomial 0x82F63B78) for the
 * unit tests and fuzzers; the kernel build uses crc32c() instead.
 * Same "raw" convention: no inversion of seed or result.
 */
#include "bond/portable.h"

static u32 crc_table[256];
static bool crc_table_ready;

static void crc_table_init(void)
{
	u32 i, j, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (j = 0; j < 8; j++)
			c = (c >> 1) ^ ((c & 1) ? 0x82F63B78u : 0);
		crc_table[i] = c;
	}
	crc_table_ready = true;
}

u32 tbib_crc32c_raw(u32 crc, const void *buf, size_t len)
{
	const u8 *p = buf;

	if (!crc_table_ready)
		crc_table_init();
	while (len--)
		crc = (crc >> 8) ^ crc_table[(crc ^ *p++) & 0xFF];
	return crc;
}
