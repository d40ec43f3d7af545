// SPDX-License-Identifier: GPL-2.0
/*
 * Wire format: round trip of every opcode with every extension header,
 * truncation at every length, malformed fields, encoder range checks.
 * Frames are decoded from heap buffers of exactly their length so that
 * AddressSanitizer catches any read past the end.
 */
#include "bond/wire.h"
#include "bond/psn.h"
#include "check.h"

static const u8 expected_ext[] = {
	[TBIB_OP_SEND_FIRST]		= 0,
	[TBIB_OP_SEND_MIDDLE]		= 0,
	[TBIB_OP_SEND_LAST]		= 0,
	[TBIB_OP_SEND_LAST_IMM]		= TBIB_EXT_IMM,
	[TBIB_OP_SEND_ONLY]		= 0,
	[TBIB_OP_SEND_ONLY_IMM]		= TBIB_EXT_IMM,
	[TBIB_OP_SEND_LAST_INV]		= TBIB_EXT_IETH,
	[TBIB_OP_SEND_ONLY_INV]		= TBIB_EXT_IETH,
	[TBIB_OP_WRITE_FIRST]		= TBIB_EXT_RETH,
	[TBIB_OP_WRITE_MIDDLE]		= 0,
	[TBIB_OP_WRITE_LAST]		= 0,
	[TBIB_OP_WRITE_LAST_IMM]	= TBIB_EXT_IMM,
	[TBIB_OP_WRITE_ONLY]		= TBIB_EXT_RETH,
	[TBIB_OP_WRITE_ONLY_IMM]	= TBIB_EXT_RETH | TBIB_EXT_IMM,
	[TBIB_OP_READ_REQ]		= TBIB_EXT_RETH,
	[TBIB_OP_READ_RESP_FIRST]	= TBIB_EXT_AETH,
	[TBIB_OP_READ_RESP_MIDDLE]	= 0,
	[TBIB_OP_READ_RESP_LAST]	= TBIB_EXT_AETH,
	[TBIB_OP_READ_RESP_ONLY]	= TBIB_EXT_AETH,
	[TBIB_OP_ACK]			= TBIB_EXT_AETH | TBIB_EXT_SACK,
	[TBIB_OP_ATOMIC_ACK]		= TBIB_EXT_AETH | TBIB_EXT_ATOMIC_ACK,
	[TBIB_OP_CMP_SWP]		= TBIB_EXT_ATOMIC,
	[TBIB_OP_FETCH_ADD]		= TBIB_EXT_ATOMIC,
	[TBIB_OP_UD_SEND_ONLY]		= TBIB_EXT_DETH,
	[TBIB_OP_UD_SEND_ONLY_IMM]	= TBIB_EXT_DETH | TBIB_EXT_IMM,
	[TBIB_OP_ATOMIC_WRITE]		= TBIB_EXT_RETH,
	[TBIB_OP_FLUSH]			= TBIB_EXT_RETH,
};

static const u8 syndromes[] = {
	0x00, 0x1F, 0x20, 0x3F, 0x60, 0x61, 0x62, 0x63,
};

static u8 *dup_exact(const u8 *src, size_t len)
{
	u8 *b = malloc(len ? len : 1);

	if (len)
		memcpy(b, src, len);
	return b;
}

/* A packet of opcode op with random values in every field it carries. */
static void random_pkt(struct tbib_pkt *p, u8 op, u32 paylen, bool crc)
{
	const struct tbib_op_info *oi = tbib_wire_op_info(op);
	unsigned int i;

	memset(p, 0, sizeof(*p));
	p->bth.opcode = op;
	p->bth.flags = (u8)(test_rand() & (TBIB_F_ACKREQ | TBIB_F_SOLICITED |
					   TBIB_F_RETRANS));
	if (crc)
		p->bth.flags |= TBIB_F_CRC;
	p->bth.dlid = (u16)test_rand();
	p->bth.slid = (u16)test_rand();
	p->bth.dqpn = (u32)test_rand() & TBIB_QPN_MASK;
	p->bth.sqpn = (u32)test_rand() & TBIB_QPN_MASK;
	p->bth.psn = (u32)test_rand() & TBIB_PSN_MASK;
	p->bth.gen = (u32)test_rand();
	p->bth.paylen = (oi->flags & TBIB_OPF_PAYLOAD) ? paylen : 0;
	p->bth.offset = test_rand_below(TBIB_WIRE_MAX_MSG - p->bth.paylen);
	p->reth.va = test_rand();
	p->reth.rkey = (u32)test_rand();
	p->reth.dma_len = (u32)test_rand();
	p->atomic.va = test_rand();
	p->atomic.rkey = (u32)test_rand();
	p->atomic.swap_add = test_rand();
	p->atomic.compare = test_rand();
	p->deth.qkey = (u32)test_rand();
	p->deth.src_qpn = (u32)test_rand() & TBIB_QPN_MASK;
	p->imm = (u32)test_rand();
	p->ieth_rkey = (u32)test_rand();
	p->aeth.syndrome = syndromes[test_rand_below(sizeof(syndromes))];
	p->aeth.msn = (u32)test_rand() & TBIB_MSN_MASK;
	p->atomic_orig = test_rand();
	p->sack.cum = (u32)test_rand() & TBIB_PSN_MASK;
	p->sack.latest = (u32)test_rand() & TBIB_PSN_MASK;
	p->sack.epoch = (u8)test_rand();
	p->sack.nwords = (u8)test_rand_below(TBIB_SACK_MAX_WORDS + 1);
	for (i = 0; i < p->sack.nwords; i++)
		p->sack.bits[i] = test_rand();
}

/* Compare the fields of the extensions op carries. */
static void check_same(const struct tbib_pkt *a, const struct tbib_pkt *b)
{
	u8 ext = expected_ext[a->bth.opcode];
	unsigned int i;

	CHECK_EQ(b->bth.opcode, a->bth.opcode);
	CHECK_EQ(b->bth.flags & ~TBIB_F_LAST, a->bth.flags & ~TBIB_F_LAST);
	CHECK_EQ(b->bth.dlid, a->bth.dlid);
	CHECK_EQ(b->bth.slid, a->bth.slid);
	CHECK_EQ(b->bth.dqpn, a->bth.dqpn);
	CHECK_EQ(b->bth.sqpn, a->bth.sqpn);
	CHECK_EQ(b->bth.psn, a->bth.psn);
	CHECK_EQ(b->bth.gen, a->bth.gen);
	CHECK_EQ(b->bth.paylen, a->bth.paylen);
	CHECK_EQ(b->bth.offset, a->bth.offset);
	CHECK_EQ(b->ext, ext);
	if (ext & TBIB_EXT_RETH) {
		CHECK(b->reth.va == a->reth.va);
		CHECK_EQ(b->reth.rkey, a->reth.rkey);
		CHECK_EQ(b->reth.dma_len, a->reth.dma_len);
	}
	if (ext & TBIB_EXT_ATOMIC) {
		CHECK(b->atomic.va == a->atomic.va);
		CHECK_EQ(b->atomic.rkey, a->atomic.rkey);
		CHECK(b->atomic.swap_add == a->atomic.swap_add);
		CHECK(b->atomic.compare == a->atomic.compare);
	}
	if (ext & TBIB_EXT_DETH) {
		CHECK_EQ(b->deth.qkey, a->deth.qkey);
		CHECK_EQ(b->deth.src_qpn, a->deth.src_qpn);
	}
	if (ext & TBIB_EXT_IMM)
		CHECK_EQ(b->imm, a->imm);
	if (ext & TBIB_EXT_IETH)
		CHECK_EQ(b->ieth_rkey, a->ieth_rkey);
	if (ext & TBIB_EXT_AETH) {
		CHECK_EQ(b->aeth.syndrome, a->aeth.syndrome);
		CHECK_EQ(b->aeth.msn, a->aeth.msn);
	}
	if (ext & TBIB_EXT_ATOMIC_ACK)
		CHECK(b->atomic_orig == a->atomic_orig);
	if (ext & TBIB_EXT_SACK) {
		CHECK_EQ(b->sack.cum, a->sack.cum);
		CHECK_EQ(b->sack.latest, a->sack.latest);
		CHECK_EQ(b->sack.epoch, a->sack.epoch);
		CHECK_EQ(b->sack.nwords, a->sack.nwords);
		for (i = 0; i < a->sack.nwords; i++)
			CHECK(b->sack.bits[i] == a->sack.bits[i]);
		for (; i < TBIB_SACK_MAX_WORDS; i++)
			CHECK(b->sack.bits[i] == 0);
	}
}

static unsigned int expected_hdr_len(const struct tbib_pkt *p)
{
	u8 ext = expected_ext[p->bth.opcode];
	unsigned int len = 32;

	len += (ext & TBIB_EXT_RETH) ? 16 : 0;
	len += (ext & TBIB_EXT_ATOMIC) ? 28 : 0;
	len += (ext & TBIB_EXT_DETH) ? 8 : 0;
	len += (ext & TBIB_EXT_IMM) ? 4 : 0;
	len += (ext & TBIB_EXT_IETH) ? 4 : 0;
	len += (ext & TBIB_EXT_AETH) ? 4 : 0;
	len += (ext & TBIB_EXT_ATOMIC_ACK) ? 8 : 0;
	len += (ext & TBIB_EXT_SACK) ? 8 + 8 * p->sack.nwords : 0;
	return len;
}

/* Round trip, every truncation, padding, split header/payload. */
static void roundtrip_one(u8 op, u32 paylen, bool crc)
{
	static u8 payload[TBIB_WIRE_MAX_PAYLOAD];
	static u8 frame[TBIB_WIRE_MAX_HDR + TBIB_WIRE_MAX_PAYLOAD + 64];
	const struct tbib_op_info *oi = tbib_wire_op_info(op);
	struct tbib_pkt p, d, full;
	u8 *b;
	int len, hl;
	size_t cut;
	unsigned int i;

	random_pkt(&p, op, paylen, crc);
	for (i = 0; i < p.bth.paylen; i++)
		payload[i] = (u8)(i * 7 + op);
	len = tbib_wire_encode(frame, sizeof(frame), &p, payload);
	hl = tbib_wire_hdr_len(&p);
	REQUIRE(len > 0 && hl > 0);
	CHECK_EQ(hl, expected_hdr_len(&p));
	CHECK_EQ(len, hl + p.bth.paylen + (crc ? 4 : 0));
	CHECK_EQ(frame[3] * 4, hl);

	b = dup_exact(frame, (size_t)len);
	CHECK_EQ(tbib_wire_decode(b, (size_t)len, &d), TBIB_WERR_OK);
	check_same(&p, &d);
	CHECK_EQ(d.hdr_len, hl);
	CHECK_EQ(d.frame_len, len);
	CHECK(!!(d.bth.flags & TBIB_F_LAST) == !!(oi->flags & TBIB_OPF_LAST));
	CHECK(d.payload == b + hl);
	CHECK(memcmp(d.payload, payload, p.bth.paylen) == 0);
	full = d;
	full.payload = NULL;
	free(b);

	/* Every proper prefix is rejected as truncated, without overreading. */
	for (cut = 0; cut < (size_t)len;
	     cut += (cut < (size_t)hl + 8 || cut + 8 > (size_t)len) ? 1 : 97) {
		b = dup_exact(frame, cut);
		CHECK_EQ(tbib_wire_decode(b, cut, &d), TBIB_WERR_TRUNCATED);
		free(b);
	}

	/* Ethernet padding after the frame is ignored. */
	b = dup_exact(frame, (size_t)len + 17);
	memset(b + len, 0xA5, 17);
	CHECK_EQ(tbib_wire_decode(b, (size_t)len + 17, &d), TBIB_WERR_OK);
	CHECK_EQ(d.frame_len, len);
	free(b);

	/* Only the header linear (payload in fragments). */
	b = dup_exact(frame, (size_t)hl);
	CHECK_EQ(tbib_wire_decode_hdr(b, (size_t)hl, (size_t)len, &d),
		 TBIB_WERR_OK);
	check_same(&p, &d);
	CHECK(p.bth.paylen ? d.payload == NULL : d.payload == b + hl);
	free(b);
	if (hl > 0) {
		b = dup_exact(frame, (size_t)hl - 1);
		CHECK_EQ(tbib_wire_decode_hdr(b, (size_t)hl - 1, (size_t)len, &d),
			 TBIB_WERR_TRUNCATED);
		free(b);
	}

	/* Re-encoding the decoded packet reproduces the bytes. */
	b = malloc((size_t)len);
	CHECK_EQ(tbib_wire_encode(b, (size_t)len, &full, payload), len);
	CHECK(memcmp(b, frame, (size_t)len) == 0);
	free(b);
}

static void test_roundtrip_all(void)
{
	static const u32 sizes[] = { 0, 1, 3, 4096, 65520, TBIB_WIRE_MAX_PAYLOAD };
	unsigned int op, s, rep;

	for (op = TBIB_OP_FIRST; op <= TBIB_OP_LAST; op++) {
		CHECK(tbib_wire_op_info((u8)op) != NULL);
		for (s = 0; s < TBIB_ARRAY_SIZE(sizes); s++)
			for (rep = 0; rep < 4; rep++)
				roundtrip_one((u8)op, sizes[s], rep & 1);
	}
	/* ACKs of every SACK size */
	for (rep = 0; rep < 100; rep++)
		roundtrip_one(TBIB_OP_ACK, 0, rep & 1);
	CHECK(tbib_wire_op_info(TBIB_OP_FIRST - 1) == NULL);
	CHECK(tbib_wire_op_info(TBIB_OP_LAST + 1) == NULL);
	CHECK(tbib_wire_op_info(0xFF) == NULL);
}

/* Largest header: an ACK with a full SACK bitmap. */
static void test_max_hdr(void)
{
	struct tbib_pkt p;
	u8 buf[TBIB_WIRE_MAX_HDR];

	random_pkt(&p, TBIB_OP_ACK, 0, false);
	p.sack.nwords = TBIB_SACK_MAX_WORDS;
	CHECK_EQ(tbib_wire_hdr_len(&p), TBIB_WIRE_MAX_HDR);
	CHECK_EQ(tbib_wire_encode_hdr(buf, sizeof(buf), &p), TBIB_WIRE_MAX_HDR);
	CHECK_EQ(tbib_wire_encode_hdr(buf, sizeof(buf) - 1, &p), -ENOSPC);
	p.sack.nwords = TBIB_SACK_MAX_WORDS + 1;
	CHECK_EQ(tbib_wire_hdr_len(&p), -EINVAL);
	CHECK_EQ(tbib_wire_encode_hdr(buf, sizeof(buf), &p), -EINVAL);
}

static void test_prefix(void)
{
	u8 ctrl[4] = { TBIB_WIRE_VERSION, 0x01, 0, 0 };
	struct tbib_pkt d;
	u8 type = 0xEE;

	CHECK_EQ(tbib_wire_prefix(ctrl, 2, &type), TBIB_WERR_OK);
	CHECK_EQ(type, 0x01);
	CHECK(!tbib_wire_is_xport(type));
	CHECK(tbib_wire_is_xport(TBIB_OP_ACK));
	CHECK_EQ(tbib_wire_prefix(ctrl, 1, &type), TBIB_WERR_TRUNCATED);
	CHECK_EQ(tbib_wire_decode(ctrl, 4, &d), TBIB_WERR_NOT_XPORT);
	ctrl[0] = 2;
	CHECK_EQ(tbib_wire_prefix(ctrl, 2, &type), TBIB_WERR_BAD_VERSION);
	CHECK_EQ(tbib_wire_decode(ctrl, 4, &d), TBIB_WERR_BAD_VERSION);
	CHECK_EQ(tbib_wire_decode(ctrl, 0, &d), TBIB_WERR_TRUNCATED);
}

/* Build a valid frame of op, let mutate() damage it, expect err. */
static void expect_err(u8 op, void (*mutate)(u8 *b, int len),
		       enum tbib_wire_err want, const char *what)
{
	static u8 payload[64];
	u8 frame[512];
	struct tbib_pkt p, d;
	int len;
	enum tbib_wire_err got;

	random_pkt(&p, op, 16, true);
	if (op == TBIB_OP_ACK)
		p.sack.nwords = 2;
	len = tbib_wire_encode(frame, sizeof(frame), &p, payload);
	REQUIRE(len > 0);
	mutate(frame, len);
	got = tbib_wire_decode(frame, (size_t)len, &d);
	if (got != want)
		fprintf(stderr, "%s: got %s want %s\n", what,
			tbib_wire_err_name(got), tbib_wire_err_name(want));
	CHECK_EQ(got, want);
}

static void m_version(u8 *b, int l) { (void)l; b[0] = 0; }
static void m_opcode(u8 *b, int l) { (void)l; b[1] = TBIB_OP_LAST + 1; }
static void m_opcode_ff(u8 *b, int l) { (void)l; b[1] = 0xFF; }
static void m_ctrl(u8 *b, int l) { (void)l; b[1] = 0x0F; }
static void m_flag_unknown(u8 *b, int l) { (void)l; b[2] |= 0x80; }
static void m_flag_last(u8 *b, int l) { (void)l; b[2] ^= TBIB_F_LAST; }
static void m_hdr_words(u8 *b, int l) { (void)l; b[3]++; }
static void m_dqpn_rsvd(u8 *b, int l) { (void)l; b[8] = 1; }
static void m_sqpn_rsvd(u8 *b, int l) { (void)l; b[12] = 0x80; }
static void m_psn_rsvd(u8 *b, int l) { (void)l; b[16] = 2; }
static void m_paylen_big(u8 *b, int l) { (void)l; tbib_put_be32(b + 24, TBIB_WIRE_MAX_PAYLOAD + 1); }
static void m_paylen_long(u8 *b, int l) { (void)l; tbib_put_be32(b + 24, 1000); }
static void m_paylen_one(u8 *b, int l) { (void)l; tbib_put_be32(b + 24, 1); }
static void m_offset(u8 *b, int l) { (void)l; tbib_put_be32(b + 28, TBIB_WIRE_MAX_MSG - 8); }
static void m_deth_rsvd(u8 *b, int l) { (void)l; b[32 + 4] = 1; }
static void m_aeth_syn(u8 *b, int l) { (void)l; b[32] = 0x40; }
static void m_aeth_nak(u8 *b, int l) { (void)l; b[32] = 0x64; }
static void m_aeth_syn_hi(u8 *b, int l) { (void)l; b[32] = 0x80; }
static void m_sack_words(u8 *b, int l) { (void)l; b[36] = TBIB_SACK_MAX_WORDS + 1; b[3] += 15 * 2; }
static void m_sack_words_short(u8 *b, int l) { (void)l; b[36] = 3; b[3] += 2; }
static void m_payload(u8 *b, int l) { b[l - 5] ^= 1; }
static void m_crc(u8 *b, int l) { b[l - 4] ^= 0x80; }

static void test_malformed(void)
{
	expect_err(TBIB_OP_SEND_ONLY, m_version, TBIB_WERR_BAD_VERSION, "version");
	expect_err(TBIB_OP_SEND_ONLY, m_opcode, TBIB_WERR_BAD_OPCODE, "opcode");
	expect_err(TBIB_OP_SEND_ONLY, m_opcode_ff, TBIB_WERR_BAD_OPCODE, "opcode ff");
	expect_err(TBIB_OP_SEND_ONLY, m_ctrl, TBIB_WERR_NOT_XPORT, "ctrl");
	expect_err(TBIB_OP_SEND_ONLY, m_flag_unknown, TBIB_WERR_BAD_FLAGS, "flag");
	expect_err(TBIB_OP_SEND_ONLY, m_flag_last, TBIB_WERR_BAD_FLAGS, "last");
	expect_err(TBIB_OP_SEND_MIDDLE, m_flag_last, TBIB_WERR_BAD_FLAGS, "last mid");
	expect_err(TBIB_OP_WRITE_ONLY, m_hdr_words, TBIB_WERR_BAD_HDR_LEN, "words");
	expect_err(TBIB_OP_SEND_ONLY, m_dqpn_rsvd, TBIB_WERR_BAD_FIELD, "dqpn");
	expect_err(TBIB_OP_SEND_ONLY, m_sqpn_rsvd, TBIB_WERR_BAD_FIELD, "sqpn");
	expect_err(TBIB_OP_SEND_ONLY, m_psn_rsvd, TBIB_WERR_BAD_FIELD, "psn");
	expect_err(TBIB_OP_SEND_ONLY, m_paylen_big, TBIB_WERR_BAD_LENGTH, "paylen big");
	expect_err(TBIB_OP_SEND_ONLY, m_paylen_long, TBIB_WERR_TRUNCATED, "paylen long");
	expect_err(TBIB_OP_READ_REQ, m_paylen_one, TBIB_WERR_BAD_LENGTH, "read paylen");
	expect_err(TBIB_OP_ACK, m_paylen_one, TBIB_WERR_BAD_LENGTH, "ack paylen");
	expect_err(TBIB_OP_CMP_SWP, m_paylen_one, TBIB_WERR_BAD_LENGTH, "atomic paylen");
	expect_err(TBIB_OP_WRITE_MIDDLE, m_offset, TBIB_WERR_BAD_LENGTH, "offset");
	expect_err(TBIB_OP_UD_SEND_ONLY, m_deth_rsvd, TBIB_WERR_BAD_FIELD, "deth");
	expect_err(TBIB_OP_ACK, m_aeth_syn, TBIB_WERR_BAD_FIELD, "syndrome 010");
	expect_err(TBIB_OP_READ_RESP_ONLY, m_aeth_nak, TBIB_WERR_BAD_FIELD, "nak 4");
	expect_err(TBIB_OP_ATOMIC_ACK, m_aeth_syn_hi, TBIB_WERR_BAD_FIELD, "syndrome 100");
	expect_err(TBIB_OP_ACK, m_sack_words, TBIB_WERR_BAD_FIELD, "sack words");
	expect_err(TBIB_OP_ACK, m_sack_words_short, TBIB_WERR_TRUNCATED, "sack short");
	expect_err(TBIB_OP_SEND_ONLY, m_payload, TBIB_WERR_BAD_CRC, "payload");
	expect_err(TBIB_OP_SEND_ONLY, m_crc, TBIB_WERR_BAD_CRC, "crc");
}

static void test_encode_ranges(void)
{
	struct tbib_pkt p;
	u8 buf[256], pl[8] = { 0 };

	random_pkt(&p, TBIB_OP_SEND_ONLY, 8, false);
	CHECK(tbib_wire_encode(buf, sizeof(buf), &p, pl) > 0);
	p.bth.dqpn = 0x1000000;
	CHECK_EQ(tbib_wire_encode(buf, sizeof(buf), &p, pl), -EINVAL);
	random_pkt(&p, TBIB_OP_SEND_ONLY, 8, false);
	p.bth.psn = 0x1000000;
	CHECK_EQ(tbib_wire_encode(buf, sizeof(buf), &p, pl), -EINVAL);
	random_pkt(&p, TBIB_OP_SEND_ONLY, 8, false);
	p.bth.flags |= 0x40;
	CHECK_EQ(tbib_wire_encode(buf, sizeof(buf), &p, pl), -EINVAL);
	random_pkt(&p, TBIB_OP_SEND_ONLY, 8, false);
	CHECK_EQ(tbib_wire_encode(buf, sizeof(buf), &p, NULL), -EINVAL);
	CHECK_EQ(tbib_wire_encode(buf, 39, &p, pl), -ENOSPC);
	p.bth.paylen = TBIB_WIRE_MAX_PAYLOAD + 1;
	CHECK_EQ(tbib_wire_encode_hdr(buf, sizeof(buf), &p), -EINVAL);
	random_pkt(&p, TBIB_OP_READ_REQ, 0, false);
	p.bth.paylen = 4;
	CHECK_EQ(tbib_wire_encode_hdr(buf, sizeof(buf), &p), -EINVAL);
	random_pkt(&p, TBIB_OP_ACK, 0, false);
	p.aeth.syndrome = 0x40;
	CHECK_EQ(tbib_wire_encode_hdr(buf, sizeof(buf), &p), -EINVAL);
	random_pkt(&p, TBIB_OP_ACK, 0, false);
	p.sack.cum = 0x1000000;
	CHECK_EQ(tbib_wire_encode_hdr(buf, sizeof(buf), &p), -EINVAL);
	random_pkt(&p, TBIB_OP_UD_SEND_ONLY, 0, false);
	p.deth.src_qpn = 0x1000000;
	CHECK_EQ(tbib_wire_encode_hdr(buf, sizeof(buf), &p), -EINVAL);
	random_pkt(&p, TBIB_OP_WRITE_LAST, 100, false);
	p.bth.offset = TBIB_WIRE_MAX_MSG - 99;
	CHECK_EQ(tbib_wire_encode_hdr(buf, sizeof(buf), &p), -EINVAL);
	p.bth.opcode = 0x05;
	CHECK_EQ(tbib_wire_encode_hdr(buf, sizeof(buf), &p), -EINVAL);
	/* LAST is derived from the opcode, not taken from the caller */
	random_pkt(&p, TBIB_OP_SEND_FIRST, 0, false);
	p.bth.flags |= TBIB_F_LAST;
	CHECK(tbib_wire_encode_hdr(buf, sizeof(buf), &p) > 0);
	CHECK(!(buf[2] & TBIB_F_LAST));
	random_pkt(&p, TBIB_OP_SEND_LAST, 0, false);
	p.bth.flags &= (u8)~TBIB_F_LAST;
	CHECK(tbib_wire_encode_hdr(buf, sizeof(buf), &p) > 0);
	CHECK(buf[2] & TBIB_F_LAST);
}

/* A fixed frame, byte for byte: guards the documented layout (WIRE.md). */
static void test_golden(void)
{
	static const u8 want[] = {
		0x01, 0x1C, 0x05, 0x0C,		/* ver, WRITE_ONLY, LAST|ACKREQ, 12 words */
		0x00, 0x02, 0x00, 0x01,		/* dlid 2, slid 1 */
		0x00, 0x00, 0x00, 0x11,		/* dqpn 0x11 */
		0x00, 0x00, 0x00, 0x22,		/* sqpn 0x22 */
		0x00, 0xFF, 0xFF, 0xFF,		/* psn 0xFFFFFF */
		0xDE, 0xAD, 0xBE, 0xEF,		/* gen */
		0x00, 0x00, 0x00, 0x02,		/* paylen 2 */
		0x00, 0x00, 0x00, 0x00,		/* offset 0 */
		0x00, 0x00, 0x7F, 0x00, 0x12, 0x34, 0x50, 0x00, /* RETH va */
		0xCA, 0xFE, 0xF0, 0x0D,		/* rkey */
		0x00, 0x00, 0x00, 0x02,		/* dma length */
		0xAB, 0xCD,			/* payload */
	};
	struct tbib_pkt p;
	u8 buf[128];
	int len;

	memset(&p, 0, sizeof(p));
	p.bth.opcode = TBIB_OP_WRITE_ONLY;
	p.bth.flags = TBIB_F_ACKREQ;
	p.bth.dlid = 2;
	p.bth.slid = 1;
	p.bth.dqpn = 0x11;
	p.bth.sqpn = 0x22;
	p.bth.psn = 0xFFFFFF;
	p.bth.gen = 0xDEADBEEF;
	p.bth.paylen = 2;
	p.reth.va = 0x7F0012345000ULL;
	p.reth.rkey = 0xCAFEF00D;
	p.reth.dma_len = 2;
	len = tbib_wire_encode(buf, sizeof(buf), &p, "\xAB\xCD");
	CHECK_EQ(len, sizeof(want));
	CHECK(memcmp(buf, want, sizeof(want)) == 0);
	/* with CRC: trailer is the CRC32C of everything before it, BE */
	p.bth.flags |= TBIB_F_CRC;
	len = tbib_wire_encode(buf, sizeof(buf), &p, "\xAB\xCD");
	CHECK_EQ(len, sizeof(want) + 4);
	CHECK_EQ(tbib_get_be32(buf + sizeof(want)),
		 tbib_crc32c(buf, sizeof(want)));
}

static void test_err_names(void)
{
	int e;

	for (e = 0; e < TBIB_WERR_COUNT; e++)
		CHECK(tbib_wire_err_name((enum tbib_wire_err)e) != NULL);
	CHECK(strcmp(tbib_wire_err_name(TBIB_WERR_BAD_CRC), "bad_crc") == 0);
	CHECK(strcmp(tbib_wire_err_name(TBIB_WERR_COUNT), "unknown") == 0);
}

int main(void)
{
	test_roundtrip_all();
	test_max_hdr();
	test_prefix();
	test_malformed();
	test_encode_ranges();
	test_golden();
	test_err_names();
	return check_result("wire");
}
