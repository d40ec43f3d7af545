// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpora of the fuzzers (run by "make corpus"):
 *   corpus/wire/    one valid frame per opcode, with and without CRC,
 *                   ACKs with several SACK sizes, a rail control prefix
 *   corpus/window/  operation sequences for fuzz_window (see its format)
 *   corpus/hello/   HELLO and BYE frames: numbered, unnumbered, short,
 *                   longer and padded, a damaged CRC; sequence records
 *                   for fuzz_hello (see its format)
 */
#include <stdio.h>
#include <stdlib.h>
#include "bond/wire.h"
#include "bond/hellowire.h"

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

/* A frame of @len bytes whose length field says @flen (CRC refreshed). */
static void hello_put(const char *dir, const char *name,
		      const struct tbib_hello_fields *f, u32 flen, u32 len)
{
	u8 frame[256];
	u32 i;

	memset(frame, 0, sizeof(frame));
	for (i = TBIB_HELLO_LEN; i < len; i++)
		frame[i] = (u8)(i * 7);
	tbib_hello_encode(frame, sizeof(frame), f);
	if (flen != TBIB_HELLO_LEN) {
		tbib_put_be16(frame + TBIB_HELLO_OFF_LEN, (u16)flen);
		tbib_put_be32(frame + TBIB_HELLO_OFF_CRC, 0);
		tbib_put_be32(frame + TBIB_HELLO_OFF_CRC,
			      tbib_crc32c(frame, TBIB_HELLO_LEN));
	}
	put(dir, name, frame, len);
}

/* fuzz_hello format: the input is a frame, and 4-byte sequence records. */
static void hello_seeds(const char *dir)
{
	struct tbib_hello_fields f = {
		.type = TBIB_CTL_HELLO,
		.caps = TBIB_HELLO_CAP_CSUM | TBIB_HELLO_CAP_BOUND |
			TBIB_HELLO_CAP_SEQ,
		.guid = 0x0002c90300a1b2c3ULL,
		.generation = 0x5eed5eed12345678ULL,
		.seen_guid = 0x0002c90300d4e5f6ULL,
		.seen_generation = 0x0badcafe00000001ULL,
		.lid = 0x11,
		.rail_id = 2,
		.mtu = 1500,
		.flags = TBIB_HELLO_F_BOUND,
		.rate_mbps = 40000,
		.seq = 0xFFFFFFFE,
	};
	/* in order, duplicate, late, wrap, unnumbered, other rail and gen */
	static const u8 seq[] = {
		0x20, 1, 0, 0,  0x20, 1, 0, 0,  0x20, 0, 0, 0,
		0x20, 0xFF, 0, 0,  0xE0, 3, 0, 0,  0xE0, 0, 2, 0,
		0xE0, 0, 6, 0,  0x00, 0, 0, 0,  0x28, 5, 0, 0,
		0x24, 1, 0, 0,  0x20, 2, 0, 0,  0xA0, 0, 0, 0,
		0xA0, 0, 0x10, 0,  0x61, 0x80, 0, 0,  0x61, 0x7F, 0, 0,
		0x21, 1, 0, 0,  0x01, 0, 0, 0,  0x3F, 9, 0, 0,
	};
	u8 bad[TBIB_HELLO_LEN];

	hello_put(dir, "hello", &f, TBIB_HELLO_LEN, TBIB_HELLO_LEN);
	hello_put(dir, "hello-long", &f, 120, 120);
	hello_put(dir, "hello-padded", &f, TBIB_HELLO_LEN, 100);
	f.type = TBIB_CTL_BYE;
	f.flags = 0;
	f.seq = 7;
	hello_put(dir, "bye", &f, TBIB_HELLO_LEN, TBIB_HELLO_LEN);
	/* an older sender: no numbers, no CRC, may end at 64 bytes */
	f.type = TBIB_CTL_HELLO;
	f.caps = TBIB_HELLO_CAP_CSUM;
	f.seq = 0;
	hello_put(dir, "hello-unnumbered", &f, TBIB_HELLO_LEN, TBIB_HELLO_LEN);
	hello_put(dir, "hello-unnumbered-64", &f, TBIB_HELLO_MIN_LEN,
		  TBIB_HELLO_MIN_LEN);
	hello_put(dir, "hello-unnumbered-66", &f, 66, 80);
	/* a damaged numbered frame */
	f.caps = TBIB_HELLO_CAP_CSUM | TBIB_HELLO_CAP_SEQ;
	f.seq = 1;
	tbib_hello_encode(bad, sizeof(bad), &f);
	bad[30] ^= 0x10;
	put(dir, "hello-bad-crc", bad, sizeof(bad));
	put(dir, "seq-records", seq, sizeof(seq));
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s WIRE_DIR WINDOW_DIR HELLO_DIR\n",
			argv[0]);
		return 2;
	}
	wire_seeds(argv[1]);
	window_seeds(argv[2]);
	hello_seeds(argv[3]);
	return 0;
}
