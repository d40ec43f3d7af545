// SPDX-License-Identifier: GPL-2.0
/*
 * Rail handshake frames (bond/hellowire.c): encode/decode round trip, the
 * exact byte layout, every refusal of the decoder, the sequence rules, and
 * agreement with the skb-based code that the handshake (now bond/hello.c) had before the codec
 * moved (reference copies below).  Frames are decoded from heap buffers
 * of exactly their length so that AddressSanitizer catches any overread.
 */
#include <endian.h>
#include "bond/hellowire.h"
#include "check.h"

#define ALL_CAPS (TBIB_HELLO_CAP_CSUM | TBIB_HELLO_CAP_BOUND | \
		  TBIB_HELLO_CAP_SEQ)

static u8 *dup_exact(const u8 *src, size_t len)
{
	u8 *b = malloc(len ? len : 1);

	if (len)
		memcpy(b, src, len);
	return b;
}

/* Decodes @len bytes of @frame from a heap copy of exactly @avail bytes. */
static int decode_exact(const u8 *frame, u32 avail, u32 len,
			struct tbib_hello_fields *f)
{
	u8 *b = dup_exact(frame, avail);
	int err = tbib_hello_decode(b, len, f);

	free(b);
	return err;
}

static int decode_n(const u8 *frame, u32 len, struct tbib_hello_fields *f)
{
	return decode_exact(frame, len, len, f);
}

static void random_fields(struct tbib_hello_fields *f)
{
	memset(f, 0, sizeof(*f));
	f->type = test_rand() & 1 ? TBIB_CTL_HELLO : TBIB_CTL_BYE;
	f->caps = (u32)test_rand();
	f->guid = test_rand() | 1;
	f->generation = test_rand();
	f->seen_guid = test_rand();
	f->seen_generation = test_rand();
	f->lid = (u32)test_rand();
	f->rail_id = (u32)test_rand();
	f->mtu = (u32)test_rand() | 0x100;
	f->flags = (u32)test_rand();
	f->rate_mbps = test_rand();
	f->seq = (u32)test_rand();
}

static void check_same(const struct tbib_hello_fields *a,
		       const struct tbib_hello_fields *b)
{
	CHECK_EQ(a->type, b->type);
	CHECK_EQ(a->caps, b->caps);
	CHECK(a->guid == b->guid);
	CHECK(a->generation == b->generation);
	CHECK(a->seen_guid == b->seen_guid);
	CHECK(a->seen_generation == b->seen_generation);
	CHECK_EQ(a->lid, b->lid);
	CHECK_EQ(a->rail_id, b->rail_id);
	CHECK_EQ(a->mtu, b->mtu);
	CHECK_EQ(a->flags, b->flags);
	CHECK(a->rate_mbps == b->rate_mbps);
	CHECK_EQ(a->seq, b->seq);
}

/* What tbib_hello_send() did before the move, on a host struct. */
static void old_encode(struct tbib_hello *h,
		       const struct tbib_hello_fields *in)
{
	memset(h, 0, TBIB_HELLO_LEN);
	h->version = TBIB_FRAME_VERSION;
	h->type = in->type;
	h->len = htobe16(TBIB_HELLO_LEN);
	h->caps = htobe32(in->caps);
	h->guid = htobe64(in->guid);
	h->generation = htobe64(in->generation);
	h->flags = htobe32(in->flags);
	h->seen_guid = htobe64(in->seen_guid);
	h->seen_generation = htobe64(in->seen_generation);
	h->seq = htobe32(in->seq);
	h->lid = htobe32(in->lid);
	h->rail_id = htobe32(in->rail_id);
	h->mtu = htobe32(in->mtu);
	h->rate_mbps = htobe64(in->rate_mbps);
	h->crc = htobe32(tbib_crc32c(h, TBIB_HELLO_LEN));
}

enum { OLD_OK, OLD_MALFORMED, OLD_CSUM };

/*
 * What tbib_rail_rx() + tbib_hello_rx() + tbib_hello_parse() counted
 * before the move, for a frame of @len >= 2 bytes (the rail pulls 2).
 */
static int old_parse(const u8 *skb, u32 len, struct tbib_hello *h)
{
	u32 flen, crc;

	if (skb[0] != TBIB_FRAME_VERSION)
		return OLD_MALFORMED;
	if (skb[1] != TBIB_CTL_HELLO && skb[1] != TBIB_CTL_BYE)
		return OLD_MALFORMED;
	memset(h, 0, sizeof(*h));
	if (len < TBIB_HELLO_MIN_LEN)
		return OLD_MALFORMED;
	memcpy(h, skb, len < sizeof(*h) ? len : sizeof(*h));
	flen = be16toh(h->len);
	if (flen < TBIB_HELLO_MIN_LEN || flen > len)
		return OLD_MALFORMED;
	if (flen < sizeof(*h))
		memset((u8 *)h + flen, 0, sizeof(*h) - flen);
	if (be32toh(h->caps) & TBIB_HELLO_CAP_SEQ) {
		if (flen < TBIB_HELLO_LEN)
			return OLD_MALFORMED;
		crc = be32toh(h->crc);
		h->crc = 0;
		if (crc != tbib_crc32c(h, TBIB_HELLO_LEN))
			return OLD_CSUM;
	}
	if (!h->guid || !be32toh(h->mtu))
		return OLD_MALFORMED;
	return OLD_OK;
}

static void test_round_trip(void)
{
	struct tbib_hello_fields in, out;
	u8 buf[TBIB_HELLO_LEN];
	struct tbib_hello old;
	unsigned int i;

	for (i = 0; i < 2000; i++) {
		random_fields(&in);
		if (i & 1)
			in.caps |= TBIB_HELLO_CAP_SEQ;
		REQUIRE(tbib_hello_encode(buf, sizeof(buf), &in) ==
			TBIB_HELLO_LEN);
		REQUIRE(decode_n(buf, sizeof(buf), &out) == 0);
		check_same(&in, &out);
		/* byte-identical to what the kernel sent before */
		old_encode(&old, &in);
		CHECK(memcmp(buf, &old, TBIB_HELLO_LEN) == 0);
	}
}

/* One frame with a distinct value in every field, checked byte by byte. */
static void test_layout(void)
{
	static const u8 expect[TBIB_HELLO_OFF_CRC] = {
		0x01, 0x02, 0x00, 0x48,				/* ver type len */
		0x00, 0x00, 0x00, 0x07,				/* caps */
		0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,	/* guid */
		0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,	/* generation */
		0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38,	/* seen_guid */
		0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,	/* seen_gen */
		0x51, 0x52, 0x53, 0x54,				/* lid */
		0x61, 0x62, 0x63, 0x64,				/* rail_id */
		0x71, 0x72, 0x73, 0x74,				/* mtu */
		0x00, 0x00, 0x00, 0x01,				/* flags */
		0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88,	/* rate */
		0x91, 0x92, 0x93, 0x94,				/* seq */
	};
	struct tbib_hello_fields in = {
		.type = TBIB_CTL_BYE,
		.caps = ALL_CAPS,
		.guid = 0x1112131415161718ULL,
		.generation = 0x2122232425262728ULL,
		.seen_guid = 0x3132333435363738ULL,
		.seen_generation = 0x4142434445464748ULL,
		.lid = 0x51525354,
		.rail_id = 0x61626364,
		.mtu = 0x71727374,
		.flags = TBIB_HELLO_F_BOUND,
		.rate_mbps = 0x8182838485868788ULL,
		.seq = 0x91929394,
	};
	u8 buf[TBIB_HELLO_LEN + 8], zeroed[TBIB_HELLO_LEN];
	unsigned int i;
	u32 crc;

	memset(buf, 0xEE, sizeof(buf));
	CHECK_EQ(tbib_hello_encode(buf, sizeof(buf), &in), TBIB_HELLO_LEN);
	for (i = 0; i < sizeof(expect); i++)
		if (buf[i] != expect[i]) {
			fprintf(stderr, "byte %u: %02x, want %02x\n", i,
				buf[i], expect[i]);
			CHECK(buf[i] == expect[i]);
		}
	/* nothing written past the frame */
	for (i = TBIB_HELLO_LEN; i < sizeof(buf); i++)
		CHECK_EQ(buf[i], 0xEE);

	/* CRC32C of the 72 bytes with the crc field 0, big-endian, last */
	memcpy(zeroed, buf, TBIB_HELLO_LEN);
	memset(zeroed + TBIB_HELLO_OFF_CRC, 0, 4);
	crc = ~tbib_crc32c_raw(~0U, zeroed, TBIB_HELLO_LEN);
	CHECK_EQ(tbib_get_be32(buf + TBIB_HELLO_OFF_CRC), crc);
	CHECK_EQ(buf[68], crc >> 24);
	CHECK_EQ(buf[71], crc & 0xff);
	/* the layout constants agree with the documented sizes */
	CHECK_EQ(TBIB_HELLO_OFF_CRC + 4, TBIB_HELLO_LEN);
	CHECK_EQ(sizeof(struct tbib_hello), TBIB_HELLO_LEN);
	CHECK_EQ(TBIB_HELLO_OFF_SEQ, TBIB_HELLO_MIN_LEN);

	/* too little room: nothing written */
	memset(buf, 0xEE, sizeof(buf));
	CHECK_EQ(tbib_hello_encode(buf, TBIB_HELLO_LEN - 1, &in), 0);
	for (i = 0; i < sizeof(buf); i++)
		CHECK_EQ(buf[i], 0xEE);
	CHECK_EQ(tbib_hello_encode(buf, 0, &in), 0);
}

/* A valid frame of @caps: fixed fields, for the decoder tests. */
static void frame(u8 *buf, u32 caps, u8 type)
{
	struct tbib_hello_fields in = {
		.type = type, .caps = caps, .guid = 0xAB, .generation = 7,
		.seen_guid = 0xCD, .seen_generation = 9, .lid = 3,
		.rail_id = 2, .mtu = 1500, .flags = 0, .rate_mbps = 40000,
		.seq = 5,
	};

	tbib_hello_encode(buf, TBIB_HELLO_LEN, &in);
}

/* Rewrites the length field (and fixes the CRC for numbered frames). */
static void set_len(u8 *buf, u16 len)
{
	tbib_put_be16(buf + TBIB_HELLO_OFF_LEN, len);
	tbib_put_be32(buf + TBIB_HELLO_OFF_CRC, 0);
	tbib_put_be32(buf + TBIB_HELLO_OFF_CRC,
		      tbib_crc32c(buf, TBIB_HELLO_LEN));
}

static void test_short(void)
{
	struct tbib_hello_fields f;
	u8 buf[TBIB_HELLO_LEN];
	u32 len;

	frame(buf, ALL_CAPS, TBIB_CTL_HELLO);
	for (len = 0; len < TBIB_HELLO_MIN_LEN; len++)
		CHECK_EQ(decode_n(buf, len, &f), TBIB_HELLO_ERR_SHORT);

	/* without CAP_SEQ: 64..71 bytes are a whole frame */
	frame(buf, TBIB_HELLO_CAP_CSUM | TBIB_HELLO_CAP_BOUND, TBIB_CTL_HELLO);
	for (len = TBIB_HELLO_MIN_LEN; len <= TBIB_HELLO_LEN; len++) {
		set_len(buf, (u16)len);
		REQUIRE(decode_n(buf, len, &f) == 0);
		CHECK(f.guid == 0xAB);
		CHECK_EQ(f.mtu, 1500);
		CHECK(f.rate_mbps == 40000);
		/* seq bytes past the frame's length read as 0 */
		CHECK_EQ(f.seq, len >= TBIB_HELLO_OFF_SEQ + 4 ? 5 : 0);
	}
	/* a 66-byte frame keeps the two seq bytes it has */
	tbib_put_be32(buf + TBIB_HELLO_OFF_SEQ, 0x01020304);
	set_len(buf, 66);
	REQUIRE(decode_n(buf, TBIB_HELLO_LEN, &f) == 0);
	CHECK_EQ(f.seq, 0x01020000);
	set_len(buf, 64);
	REQUIRE(decode_n(buf, TBIB_HELLO_LEN, &f) == 0);
	CHECK_EQ(f.seq, 0);

	/* with CAP_SEQ: 72 needed, even if the link padded the frame */
	frame(buf, ALL_CAPS, TBIB_CTL_HELLO);
	for (len = TBIB_HELLO_MIN_LEN; len < TBIB_HELLO_LEN; len++) {
		set_len(buf, (u16)len);
		CHECK_EQ(decode_n(buf, len, &f), TBIB_HELLO_ERR_SEQ_SHORT);
		CHECK_EQ(decode_n(buf, TBIB_HELLO_LEN, &f),
			 TBIB_HELLO_ERR_SEQ_SHORT);
	}
	set_len(buf, TBIB_HELLO_LEN);
	CHECK_EQ(decode_n(buf, TBIB_HELLO_LEN, &f), 0);
	CHECK_EQ(f.seq, 5);
}

static void test_length_field(void)
{
	struct tbib_hello_fields f;
	u8 buf[200];
	unsigned int i;

	memset(buf, 0x5A, sizeof(buf));
	frame(buf, ALL_CAPS, TBIB_CTL_HELLO);
	set_len(buf, 0);
	CHECK_EQ(decode_n(buf, sizeof(buf), &f), TBIB_HELLO_ERR_LENGTH);
	set_len(buf, TBIB_HELLO_MIN_LEN - 1);
	CHECK_EQ(decode_n(buf, sizeof(buf), &f), TBIB_HELLO_ERR_LENGTH);
	/* larger than what arrived */
	set_len(buf, TBIB_HELLO_LEN + 1);
	CHECK_EQ(decode_n(buf, TBIB_HELLO_LEN, &f), TBIB_HELLO_ERR_LENGTH);
	set_len(buf, 0xFFFF);
	CHECK_EQ(decode_n(buf, sizeof(buf), &f), TBIB_HELLO_ERR_LENGTH);

	/* longer frames (appended fields) and link padding are fine */
	for (i = TBIB_HELLO_LEN; i <= sizeof(buf); i += 16) {
		set_len(buf, (u16)i);
		REQUIRE(decode_n(buf, sizeof(buf), &f) == 0);
		CHECK(f.guid == 0xAB);
		CHECK_EQ(f.seq, 5);
		REQUIRE(decode_n(buf, i, &f) == 0);
		/* the decoder needs only the first TBIB_HELLO_LEN bytes */
		REQUIRE(decode_exact(buf, TBIB_HELLO_LEN, i, &f) == 0);
		CHECK_EQ(f.rail_id, 2);
	}
	set_len(buf, TBIB_HELLO_LEN);
	CHECK_EQ(decode_n(buf, sizeof(buf), &f), 0);
}

static void test_version_type(void)
{
	static const u8 bad_types[] = { 0x00, 0x03, 0x0f, 0x10, 0x23, 0xff };
	struct tbib_hello_fields f;
	u8 buf[TBIB_HELLO_LEN];
	unsigned int i;

	frame(buf, ALL_CAPS, TBIB_CTL_BYE);
	REQUIRE(decode_n(buf, sizeof(buf), &f) == 0);
	CHECK_EQ(f.type, TBIB_CTL_BYE);
	frame(buf, ALL_CAPS, TBIB_CTL_HELLO);
	REQUIRE(decode_n(buf, sizeof(buf), &f) == 0);
	CHECK_EQ(f.type, TBIB_CTL_HELLO);

	buf[0] = 0;
	CHECK_EQ(decode_n(buf, sizeof(buf), &f), TBIB_HELLO_ERR_VERSION);
	buf[0] = 2;
	CHECK_EQ(decode_n(buf, sizeof(buf), &f), TBIB_HELLO_ERR_VERSION);
	/* version and type are checked before the length */
	CHECK_EQ(decode_n(buf, 2, &f), TBIB_HELLO_ERR_VERSION);
	buf[0] = TBIB_FRAME_VERSION;
	for (i = 0; i < sizeof(bad_types); i++) {
		buf[1] = bad_types[i];
		CHECK_EQ(decode_n(buf, sizeof(buf), &f), TBIB_HELLO_ERR_TYPE);
		CHECK_EQ(decode_n(buf, 2, &f), TBIB_HELLO_ERR_TYPE);
	}
	CHECK_EQ(decode_n(buf, 1, &f), TBIB_HELLO_ERR_SHORT);
	CHECK_EQ(decode_n(buf, 0, &f), TBIB_HELLO_ERR_SHORT);
}

static void test_crc(void)
{
	struct tbib_hello_fields f, g;
	u8 buf[TBIB_HELLO_LEN];
	unsigned int byte, bit;
	int err;

	frame(buf, ALL_CAPS, TBIB_CTL_HELLO);
	REQUIRE(decode_n(buf, sizeof(buf), &g) == 0);
	for (byte = TBIB_HELLO_OFF_CAPS; byte < TBIB_HELLO_LEN; byte++) {
		for (bit = 0; bit < 8; bit++) {
			buf[byte] ^= (u8)(1 << bit);
			err = decode_n(buf, sizeof(buf), &f);
			if (byte == TBIB_HELLO_OFF_CAPS + 3 &&
			    (1U << bit) == TBIB_HELLO_CAP_SEQ) {
				/*
				 * The one flip the CRC cannot catch: the frame
				 * looks unnumbered (the sequence rules drop it,
				 * test_seq_unnumbered).
				 */
				CHECK_EQ(err, 0);
				CHECK(!(f.caps & TBIB_HELLO_CAP_SEQ));
			} else {
				CHECK_EQ(err, TBIB_HELLO_ERR_CRC);
			}
			buf[byte] ^= (u8)(1 << bit);
		}
	}
	/* unnumbered frames carry no checked CRC */
	frame(buf, TBIB_HELLO_CAP_CSUM, TBIB_CTL_HELLO);
	buf[TBIB_HELLO_OFF_CRC] ^= 0x80;
	buf[TBIB_HELLO_OFF_LID] ^= 0x01;
	REQUIRE(decode_n(buf, sizeof(buf), &f) == 0);
	CHECK_EQ(f.lid, 0x01000003);
}

static void test_fields(void)
{
	struct tbib_hello_fields in, out;
	u8 buf[TBIB_HELLO_LEN];

	random_fields(&in);
	in.caps |= TBIB_HELLO_CAP_SEQ;
	in.guid = 0;
	tbib_hello_encode(buf, sizeof(buf), &in);
	CHECK_EQ(decode_n(buf, sizeof(buf), &out), TBIB_HELLO_ERR_FIELD);
	random_fields(&in);
	in.mtu = 0;
	tbib_hello_encode(buf, sizeof(buf), &in);
	CHECK_EQ(decode_n(buf, sizeof(buf), &out), TBIB_HELLO_ERR_FIELD);
	/* the CRC is checked first */
	in.caps |= TBIB_HELLO_CAP_SEQ;
	tbib_hello_encode(buf, sizeof(buf), &in);
	buf[20] ^= 4;
	CHECK_EQ(decode_n(buf, sizeof(buf), &out), TBIB_HELLO_ERR_CRC);

	/* a refused frame leaves @out alone */
	memset(&out, 0xA5, sizeof(out));
	CHECK_EQ(decode_n(buf, sizeof(buf), &out), TBIB_HELLO_ERR_CRC);
	CHECK_EQ(out.mtu, 0xA5A5A5A5);
	CHECK_EQ(out.type, 0xA5);

	CHECK(strcmp(tbib_hello_err_name(0), "ok") == 0);
	CHECK(strcmp(tbib_hello_err_name(TBIB_HELLO_ERR_CRC), "crc") == 0);
	CHECK(strcmp(tbib_hello_err_name(TBIB_HELLO_ERR_SHORT), "short") == 0);
	CHECK(strcmp(tbib_hello_err_name(TBIB_HELLO_ERR_MIN - 1), "?") == 0);
	CHECK(strcmp(tbib_hello_err_name(1), "?") == 0);
}

/* Random and damaged frames: the decoder refuses what the old code did. */
static void test_old_parse(void)
{
	struct tbib_hello_fields in, f;
	struct tbib_hello old;
	u8 buf[100];
	unsigned int i, n, len;
	int err, ref;

	for (i = 0; i < 20000; i++) {
		random_fields(&in);
		if (test_rand_below(4) == 0)
			in.guid = 0;
		if (test_rand_below(4) == 0)
			in.mtu = 0;
		memset(buf, 0, sizeof(buf));
		for (n = 0; n < sizeof(buf); n++)
			buf[n] = (u8)test_rand();
		tbib_hello_encode(buf, sizeof(buf), &in);
		len = 2 + test_rand_below(sizeof(buf) - 1);
		switch (test_rand_below(5)) {
		case 0:
			tbib_put_be16(buf + TBIB_HELLO_OFF_LEN,
				      (u16)(60 + test_rand_below(20)));
			break;
		case 1:
			tbib_put_be16(buf + TBIB_HELLO_OFF_LEN, (u16)len);
			break;
		case 2:
			buf[test_rand_below(TBIB_HELLO_LEN)] ^=
				(u8)(1 << test_rand_below(8));
			break;
		case 3:
			buf[test_rand_below(2)] = (u8)test_rand_below(4);
			break;
		default:
			break;
		}
		ref = old_parse(buf, len, &old);
		err = decode_n(buf, len, &f);
		CHECK_EQ(err == 0 ? OLD_OK : err == TBIB_HELLO_ERR_CRC ?
			 OLD_CSUM : OLD_MALFORMED, ref);
		if (err || ref)
			continue;
		CHECK_EQ(f.type, buf[1]);
		CHECK_EQ(f.caps, be32toh(old.caps));
		CHECK(f.guid == be64toh(old.guid));
		CHECK(f.generation == be64toh(old.generation));
		CHECK(f.seen_guid == be64toh(old.seen_guid));
		CHECK(f.seen_generation == be64toh(old.seen_generation));
		CHECK_EQ(f.lid, be32toh(old.lid));
		CHECK_EQ(f.rail_id, be32toh(old.rail_id));
		CHECK_EQ(f.mtu, be32toh(old.mtu));
		CHECK_EQ(f.flags, be32toh(old.flags));
		CHECK(f.rate_mbps == be64toh(old.rate_mbps));
		CHECK_EQ(f.seq, be32toh(old.seq));
	}
}

static struct tbib_hello_fields numbered(u64 guid, u64 gen, u32 rail, u32 seq)
{
	struct tbib_hello_fields f = {
		.type = TBIB_CTL_HELLO, .caps = ALL_CAPS, .guid = guid,
		.generation = gen, .rail_id = rail, .mtu = 1500, .seq = seq,
	};

	return f;
}

static void check_state(const struct tbib_hello_seq_state *st, u64 guid,
			u64 gen, u32 rail, u32 seq)
{
	CHECK(st->guid == guid);
	CHECK(st->gen == gen);
	CHECK_EQ(st->rail_id, rail);
	CHECK_EQ(st->seq, seq);
}

static void test_seq_order(void)
{
	struct tbib_hello_seq_state st = { 0 };
	struct tbib_hello_fields f;

	/* first frame: taken whatever its number */
	f = numbered(0xAB, 1, 3, 1000);
	CHECK_EQ(tbib_hello_seq_check(&st, &f), TBIB_HELLO_TAKE);
	check_state(&st, 0xAB, 1, 3, 1000);
	/* equal and older: stale, nothing recorded */
	CHECK_EQ(tbib_hello_seq_check(&st, &f), TBIB_HELLO_DROP_STALE);
	f.seq = 999;
	CHECK_EQ(tbib_hello_seq_check(&st, &f), TBIB_HELLO_DROP_STALE);
	f.seq = 1000 - 0x7FFFFFFF;
	CHECK_EQ(tbib_hello_seq_check(&st, &f), TBIB_HELLO_DROP_STALE);
	check_state(&st, 0xAB, 1, 3, 1000);
	/* newer, also after a gap */
	f.seq = 1001;
	CHECK_EQ(tbib_hello_seq_check(&st, &f), TBIB_HELLO_TAKE);
	f.seq = 5000;
	CHECK_EQ(tbib_hello_seq_check(&st, &f), TBIB_HELLO_TAKE);
	check_state(&st, 0xAB, 1, 3, 5000);
	/* half the number space ahead is not newer */
	f.seq = 5000 + 0x80000000u;
	CHECK_EQ(tbib_hello_seq_check(&st, &f), TBIB_HELLO_DROP_STALE);
	f.seq = 5000 + 0x7FFFFFFFu;
	CHECK_EQ(tbib_hello_seq_check(&st, &f), TBIB_HELLO_TAKE);
}

static void test_seq_wrap(void)
{
	struct tbib_hello_seq_state st = { 0 };
	struct tbib_hello_fields f = numbered(0xAB, 1, 0, 0xFFFFFFFEu);

	CHECK_EQ(tbib_hello_seq_check(&st, &f), TBIB_HELLO_TAKE);
	f.seq = 0xFFFFFFFFu;
	CHECK_EQ(tbib_hello_seq_check(&st, &f), TBIB_HELLO_TAKE);
	f.seq = 0;
	CHECK_EQ(tbib_hello_seq_check(&st, &f), TBIB_HELLO_TAKE);
	check_state(&st, 0xAB, 1, 0, 0);
	f.seq = 0xFFFFFFFFu;
	CHECK_EQ(tbib_hello_seq_check(&st, &f), TBIB_HELLO_DROP_STALE);
	f.seq = 1;
	CHECK_EQ(tbib_hello_seq_check(&st, &f), TBIB_HELLO_TAKE);

	CHECK(tbib_hello_seq_after(0, 0xFFFFFFFFu));
	CHECK(!tbib_hello_seq_after(0xFFFFFFFFu, 0));
	CHECK(!tbib_hello_seq_after(7, 7));
	CHECK(tbib_hello_seq_after(0x7FFFFFFFu, 0));
	CHECK(!tbib_hello_seq_after(0x80000000u, 0));
}

static void test_seq_reset(void)
{
	struct tbib_hello_seq_state st = { 0 };
	struct tbib_hello_fields f = numbered(0xAB, 1, 3, 100);

	CHECK_EQ(tbib_hello_seq_check(&st, &f), TBIB_HELLO_TAKE);
	/* a new generation (the sender restarted) starts over */
	f = numbered(0xAB, 2, 3, 1);
	CHECK_EQ(tbib_hello_seq_check(&st, &f), TBIB_HELLO_TAKE);
	check_state(&st, 0xAB, 2, 3, 1);
	CHECK_EQ(tbib_hello_seq_check(&st, &f), TBIB_HELLO_DROP_STALE);
	/* another rail id of the sender: its own numbers */
	f = numbered(0xAB, 2, 4, 0);
	CHECK_EQ(tbib_hello_seq_check(&st, &f), TBIB_HELLO_TAKE);
	check_state(&st, 0xAB, 2, 4, 0);
	/* another sender */
	f = numbered(0xCD, 2, 4, 0);
	CHECK_EQ(tbib_hello_seq_check(&st, &f), TBIB_HELLO_TAKE);
	check_state(&st, 0xCD, 2, 4, 0);
	/* one slot: the first sender's old number is taken again */
	f = numbered(0xAB, 1, 3, 50);
	CHECK_EQ(tbib_hello_seq_check(&st, &f), TBIB_HELLO_TAKE);
	check_state(&st, 0xAB, 1, 3, 50);
}

static void test_seq_unnumbered(void)
{
	struct tbib_hello_seq_state st = { 0 };
	struct tbib_hello_fields f = numbered(0xAB, 1, 3, 100);
	struct tbib_hello_fields u;

	/* an old sender that never numbers: always taken, nothing recorded */
	u = numbered(0xAB, 1, 3, 0);
	u.caps = TBIB_HELLO_CAP_CSUM;
	CHECK_EQ(tbib_hello_seq_check(&st, &u), TBIB_HELLO_TAKE);
	CHECK_EQ(tbib_hello_seq_check(&st, &u), TBIB_HELLO_TAKE);
	check_state(&st, 0, 0, 0, 0);

	CHECK_EQ(tbib_hello_seq_check(&st, &f), TBIB_HELLO_TAKE);
	/* unnumbered from the same instance and rail: damaged caps */
	u.seq = 101;
	CHECK_EQ(tbib_hello_seq_check(&st, &u), TBIB_HELLO_DROP_MALFORMED);
	check_state(&st, 0xAB, 1, 3, 100);
	/* ... its next numbered frame is still taken */
	f.seq = 101;
	CHECK_EQ(tbib_hello_seq_check(&st, &f), TBIB_HELLO_TAKE);
	/* unnumbered from another rail, generation or sender: taken */
	u.rail_id = 4;
	CHECK_EQ(tbib_hello_seq_check(&st, &u), TBIB_HELLO_TAKE);
	u.rail_id = 3;
	u.generation = 2;
	CHECK_EQ(tbib_hello_seq_check(&st, &u), TBIB_HELLO_TAKE);
	u.generation = 1;
	u.guid = 0xCD;
	CHECK_EQ(tbib_hello_seq_check(&st, &u), TBIB_HELLO_TAKE);
	check_state(&st, 0xAB, 1, 3, 101);
}

static void test_newer(void)
{
	CHECK(tbib_hello_newer(ALL_CAPS, 1, 6, ALL_CAPS, 1, 5));
	CHECK(!tbib_hello_newer(ALL_CAPS, 1, 5, ALL_CAPS, 1, 5));
	CHECK(!tbib_hello_newer(ALL_CAPS, 1, 4, ALL_CAPS, 1, 5));
	CHECK(tbib_hello_newer(ALL_CAPS, 1, 0, ALL_CAPS, 1, 0xFFFFFFFFu));
	/* another rail's numbers say nothing */
	CHECK(!tbib_hello_newer(ALL_CAPS, 2, 6, ALL_CAPS, 1, 5));
	/* both must be numbered */
	CHECK(!tbib_hello_newer(TBIB_HELLO_CAP_CSUM, 1, 6, ALL_CAPS, 1, 5));
	CHECK(!tbib_hello_newer(ALL_CAPS, 1, 6, TBIB_HELLO_CAP_BOUND, 1, 5));
	CHECK(tbib_hello_newer(TBIB_HELLO_CAP_SEQ, 1, 6, TBIB_HELLO_CAP_SEQ,
			       1, 5));
}

int main(void)
{
	test_round_trip();
	test_layout();
	test_short();
	test_length_field();
	test_version_type();
	test_crc();
	test_fields();
	test_old_parse();
	test_seq_order();
	test_seq_wrap();
	test_seq_reset();
	test_seq_unnumbered();
	test_newer();
	return check_result("hello");
}
