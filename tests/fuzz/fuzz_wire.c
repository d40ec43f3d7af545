// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the transport frame decoder.
 *
 * Any input must decode without reading out of bounds (ASan) and without
 * undefined behaviour (UBSan).  A frame that decodes must satisfy the
 * length invariants, decode the same way when only its header is linear,
 * and encode back to exactly the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include "bond/wire.h"
#include "bond/psn.h"

#define ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

static u8 out[TBIB_WIRE_MAX_HDR + TBIB_WIRE_MAX_PAYLOAD + TBIB_CRC_LEN];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tbib_pkt p, h;
	enum tbib_wire_err err, herr;
	u8 type;
	int len;

	err = tbib_wire_decode(data, size, &p);
	ASSERT((unsigned int)err < TBIB_WERR_COUNT);
	ASSERT(tbib_wire_err_name(err) != NULL);

	/* the prefix check agrees with the full decoder */
	if (tbib_wire_prefix(data, size, &type) == TBIB_WERR_OK) {
		if (!tbib_wire_is_xport(type))
			ASSERT(err == TBIB_WERR_NOT_XPORT);
	} else {
		ASSERT(err == TBIB_WERR_TRUNCATED ||
		       err == TBIB_WERR_BAD_VERSION);
	}
	if (err != TBIB_WERR_OK)
		return 0;

	ASSERT(p.hdr_len >= TBIB_BTH_LEN && p.hdr_len <= TBIB_WIRE_MAX_HDR);
	ASSERT(p.hdr_len % 4 == 0);
	ASSERT(p.bth.paylen <= TBIB_WIRE_MAX_PAYLOAD);
	ASSERT(p.frame_len <= size);
	ASSERT(p.frame_len == p.hdr_len + p.bth.paylen +
	       ((p.bth.flags & TBIB_F_CRC) ? TBIB_CRC_LEN : 0));
	ASSERT(p.payload == data + p.hdr_len);
	ASSERT(p.bth.dqpn <= TBIB_QPN_MASK && p.bth.sqpn <= TBIB_QPN_MASK);
	ASSERT(p.bth.psn <= TBIB_PSN_MASK);
	ASSERT(tbib_wire_op_info(p.bth.opcode) != NULL);
	ASSERT(p.ext == tbib_wire_op_info(p.bth.opcode)->ext);
	if (p.ext & TBIB_EXT_SACK)
		ASSERT(p.sack.nwords <= TBIB_SACK_MAX_WORDS);

	/* header-only view (payload in fragments) agrees */
	herr = tbib_wire_decode_hdr(data, p.hdr_len, size, &h);
	ASSERT(herr == TBIB_WERR_OK);
	ASSERT(h.hdr_len == p.hdr_len && h.frame_len == p.frame_len);
	ASSERT(h.bth.psn == p.bth.psn && h.bth.paylen == p.bth.paylen);
	ASSERT(p.bth.paylen == 0 || h.payload == NULL);

	/* decode -> encode reproduces the frame byte for byte */
	len = tbib_wire_encode(out, sizeof(out), &p, p.payload);
	ASSERT(len == (int)p.frame_len);
	ASSERT(memcmp(out, data, p.frame_len) == 0);
	return 0;
}
