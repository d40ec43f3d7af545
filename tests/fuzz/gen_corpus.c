// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpora of the fuzzers (run by "make corpus"):
 *   corpus/wire/    one valid frame per opcode, with and without CRC,
 *                   ACKs with several SACK sizes, a rail control prefix
 *   corpus/window/  operation sequences for fuzz_window (see its format)
 */
#include <stdio.h>
#include <stdlib.h>
#include "bond/wire.h"

static void put(const char *dir, const char *name, const void *b, size_t n)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(b, 1, n, f) != n) {
		perror(path);
		exit(1);
	}
	fclose(f);
}

static void wire_seeds(const char *dir)
{
	static u8 frame[TBIB_WIRE_MAX_HDR + 512];
	u8 payload[256];
	struct tbib_pkt p;
	char name[64];
	unsigned int op, crc, i;
	int len;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (u8)(i * 13);
	for (op = TBIB_OP_FIRST; op <= TBIB_OP_LAST; op++) {
		for (crc = 0; crc < 2; crc++) {
			const struct tbib_op_info *oi = tbib_wire_op_info((u8)op);

			memset(&p, 0, sizeof(p));
			p.bth.opcode = (u8)op;
			p.bth.flags = crc ? TBIB_F_CRC | TBIB_F_ACKREQ : 0;
			p.bth.dlid = 0x0102;
			p.bth.slid = 0x0304;
			p.bth.dqpn = 0x000011;
			p.bth.sqpn = 0x000012;
			p.bth.psn = (0xFFFFF0 + op % 32) & 0xFFFFFF;
			p.bth.gen = 7;
			p.bth.paylen = (oi->flags & TBIB_OPF_PAYLOAD) ?
				       (op * 9) % 200 : 0;
			p.reth.va = 0x7f0000001000ULL;
			p.reth.rkey = 0x12345678;
			p.reth.dma_len = 4096;
			p.atomic.va = 0x7f0000002000ULL;
			p.atomic.rkey = 0x9abcdef0;
			p.atomic.swap_add = 1;
			p.atomic.compare = 2;
			p.deth.qkey = 0x11111111;
			p.deth.src_qpn = 0x12;
			p.imm = 0xcafebabe;
			p.ieth_rkey = 0x55aa55aa;
			p.aeth.syndrome = op == TBIB_OP_ACK && crc ?
					  tbib_aeth_nak(TBIB_NAK_REM_ACCESS) :
					  tbib_aeth_ack(31);
			p.aeth.msn = 3;
			p.atomic_orig = 42;
			p.sack.cum = 0xFFFFFE;
			p.sack.latest = 5;
			p.sack.nwords = (u8)(crc ? 3 : 1);
			p.sack.bits[0] = 0x8000000000000005ULL;
			p.sack.bits[2] = 1;
			len = tbib_wire_encode(frame, sizeof(frame), &p, payload);
			if (len < 0) {
				fprintf(stderr, "encode %u failed\n", op);
				exit(1);
			}
			snprintf(name, sizeof(name), "%s%s",
				 oi->name, crc ? "-crc" : "");
			put(dir, name, frame, (size_t)len);
		}
	}
	/* a rail control frame prefix and a padded short frame */
	put(dir, "ctrl-hello", "\x01\x01\x00\x00", 4);
	memset(frame, 0, 60);
	frame[0] = 1;
	frame[1] = TBIB_OP_ACK;
	put(dir, "eth-min-padded", frame, 60);
}

/* fuzz_window format: cap byte, 3-byte start PSN, then (op, arg) pairs. */
static void window_seeds(const char *dir)
{
	/* send 8, deliver some, ack, resend, heal */
	static const u8 basic[] = {
		3, 0xFF, 0xFF, 0xF8,
		0x70, 0, 0x70, 1,		/* 2 x 8 sends on rails 0, 1 */
		3, 5, 3, 2, 5, 0, 3, 7, 4, 1,	/* deliver, lose, deliver */
		7, 0, 8, 2, 7, 0,		/* ack, resend, ack */
	};
	/* losses on one rail, rail failure, receiver reset */
	static const u8 failover[] = {
		5, 0x00, 0x10, 0x00,
		0xF0, 0, 0xF0, 1, 0xF0, 2, 0xF0, 3,
		5, 1, 5, 9, 3, 0, 3, 0, 3, 3, 3, 4,
		7, 0, 9, 2, 8, 1, 6, 3, 3, 1, 10, 0, 7, 0, 8, 0,
		9, 1, 8, 3, 7, 0,
	};
	/* forged SACK and a forged packet */
	static const u8 forged[] = {
		1, 0x12, 0x34, 0x56,
		0x30, 0, 3, 0, 7, 0,
		11, 1, 0x12, 0x34, 0x58, 1, 2, 0, 0, 0, 0, 2,
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
		11, 2, 0, 0, 0, 3,
		3, 0, 7, 0,
	};
	/* big window, many sends, reordering */
	u8 big[1 + 3 + 2 * 400];
	unsigned int i;

	put(dir, "basic", basic, sizeof(basic));
	put(dir, "failover", failover, sizeof(failover));
	put(dir, "forged", forged, sizeof(forged));
	big[0] = 9;
	big[1] = 0xFF;
	big[2] = 0xFE;
	big[3] = 0x00;
	for (i = 0; i < 400; i++) {
		static const u8 ops[] = { 0xF0, 3, 4, 6, 5, 7, 8, 3 };

		big[4 + 2 * i] = ops[i % sizeof(ops)];
		big[5 + 2 * i] = (u8)(i * 37);
	}
	put(dir, "big", big, sizeof(big));
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s WIRE_DIR WINDOW_DIR\n", argv[0]);
		return 2;
	}
	wire_seeds(argv[1]);
	window_seeds(argv[2]);
	return 0;
}
