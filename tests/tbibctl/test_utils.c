// SPDX-License-Identifier: GPL-2.0
/*
 * tbibctl value parsers and formatters: prefix matching, strict numbers
 * (overflow, sign, trailing junk, hex), GUIDs in all three notations,
 * MACs, USB4 endpoints, names; and that formatting round-trips.
 */
#include "test.h"
#include "tbibctl.h"

static const struct tb_word words[] = {
	{ "show", 1 }, { "list", 1 }, { "set", 2 }, { "add", 3 },
	{ "addr", 4 }, { NULL, 0 }
};

static void test_match(void)
{
	CHECK(tb_match("show", words) == 1, "exact");
	CHECK(tb_match("sh", words) == 1, "prefix");
	CHECK(tb_match("l", words) == 1, "alias prefix");
	CHECK(tb_match("s", words) == TB_MATCH_AMBIGUOUS, "s ambiguous");
	CHECK(tb_match("add", words) == 3, "exact wins over longer word");
	CHECK(tb_match("ad", words) == TB_MATCH_AMBIGUOUS, "ad ambiguous");
	CHECK(tb_match("addr", words) == 4, "addr");
	CHECK(tb_match("", words) == TB_MATCH_NONE, "empty");
	CHECK(tb_match("showx", words) == TB_MATCH_NONE, "longer");
	CHECK(tb_match("x", words) == TB_MATCH_NONE, "none");
	CHECK(tb_match("Show", words) == TB_MATCH_NONE, "case");
}

static void test_numbers(void)
{
	uint64_t v;
	uint32_t u;

	CHECK(!tb_parse_u64("0", 10, &v) && v == 0, "0");
	CHECK(!tb_parse_u64("18446744073709551615", UINT64_MAX, &v) &&
	      v == UINT64_MAX, "u64 max");
	CHECK(tb_parse_u64("18446744073709551616", UINT64_MAX, &v),
	      "u64 overflow");
	CHECK(tb_parse_u64("99999999999999999999999", UINT64_MAX, &v),
	      "long overflow");
	CHECK(!tb_parse_u64("0xffffffffffffffff", UINT64_MAX, &v) &&
	      v == UINT64_MAX, "hex max");
	CHECK(tb_parse_u64("0x1ffffffffffffffff", UINT64_MAX, &v),
	      "hex overflow");
	CHECK(!tb_parse_u64("0XaB", 1000, &v) && v == 0xab, "hex case");
	CHECK(tb_parse_u64("-1", UINT64_MAX, &v), "negative");
	CHECK(tb_parse_u64("+1", UINT64_MAX, &v), "plus");
	CHECK(tb_parse_u64(" 1", UINT64_MAX, &v), "leading blank");
	CHECK(tb_parse_u64("1 ", UINT64_MAX, &v), "trailing blank");
	CHECK(tb_parse_u64("1k", UINT64_MAX, &v), "trailing junk");
	CHECK(tb_parse_u64("", UINT64_MAX, &v), "empty");
	CHECK(tb_parse_u64("0x", UINT64_MAX, &v), "bare 0x");
	CHECK(tb_parse_u64("1.0", UINT64_MAX, &v), "decimal point");
	CHECK(tb_parse_u64("1e3", UINT64_MAX, &v), "exponent");
	CHECK(!tb_parse_u64("0777", UINT64_MAX, &v) && v == 777,
	      "no octal");
	CHECK(tb_parse_u64("11", 10, &v), "above max");
	CHECK(!tb_parse_u32("4294967295", 0, UINT32_MAX, &u) &&
	      u == UINT32_MAX, "u32 max");
	CHECK(tb_parse_u32("4294967296", 0, UINT32_MAX, &u), "u32 overflow");
	CHECK(tb_parse_u32("4", 5, 10, &u), "below min");
	CHECK(!tb_parse_lid("1", &u) && u == 1, "lid 1");
	CHECK(!tb_parse_lid("0xBFFF", &u) && u == 0xbfff, "lid max");
	CHECK(tb_parse_lid("0", &u), "lid 0");
	CHECK(tb_parse_lid("0xc000", &u), "multicast lid");
	CHECK(tb_parse_lid("0xffff", &u), "permissive lid");
}

static void test_guid_mac(void)
{
	uint64_t g;
	uint8_t m[6];
	char buf[32];

	CHECK(!tb_parse_guid("0x0002c90300a01b2c", &g) &&
	      g == 0x0002c90300a01b2cULL, "hex guid");
	CHECK(!tb_parse_guid("0x1", &g) && g == 1, "short hex guid");
	CHECK(!tb_parse_guid("0002:C903:00a0:1b2c", &g) &&
	      g == 0x0002c90300a01b2cULL, "groups guid");
	CHECK(!tb_parse_guid("00:02:c9:03:00:a0:1b:2c", &g) &&
	      g == 0x0002c90300a01b2cULL, "eui64 guid");
	CHECK(!tb_parse_guid("ffff:ffff:ffff:ffff", &g) && g == UINT64_MAX,
	      "all ones");
	CHECK(tb_parse_guid("0002c90300a01b2c", &g), "hex without 0x");
	CHECK(tb_parse_guid("0x", &g), "bare 0x");
	CHECK(tb_parse_guid("0x0", &g), "zero");
	CHECK(tb_parse_guid("0x10000000000000000", &g), "17 digits");
	CHECK(tb_parse_guid("1:2:3", &g), "3 groups");
	CHECK(tb_parse_guid("1:2:3:4:5", &g), "5 groups");
	CHECK(tb_parse_guid("1:2:3:4:5:6:7:100", &g), "eui64 3 digits");
	CHECK(tb_parse_guid(":1:2:3", &g), "empty group");
	CHECK(tb_parse_guid("1:2:3:4 ", &g), "trailing blank");
	CHECK(tb_parse_guid("", &g), "empty");

	tb_fmt_guid(0x0002c90300a01b2cULL, buf, sizeof(buf));
	CHECK(!strcmp(buf, "0002:c903:00a0:1b2c"), "fmt guid %s", buf);
	CHECK(!tb_parse_guid(buf, &g) && g == 0x0002c90300a01b2cULL,
	      "guid round trip");

	CHECK(!tb_parse_mac("02:00:5e:10:00:01", m) && m[0] == 2 &&
	      m[2] == 0x5e && m[5] == 1, "mac");
	CHECK(!tb_parse_mac("2:0:5E:10:0:1", m) && m[2] == 0x5e,
	      "short groups");
	CHECK(tb_parse_mac("01:00:5e:10:00:01", m), "multicast mac");
	CHECK(tb_parse_mac("ff:ff:ff:ff:ff:ff", m), "broadcast");
	CHECK(tb_parse_mac("00:00:00:00:00:00", m), "zero mac");
	CHECK(tb_parse_mac("02:00:5e:10:00", m), "5 groups");
	CHECK(tb_parse_mac("02:00:5e:10:00:01:02", m), "7 groups");
	CHECK(tb_parse_mac("020:00:5e:10:00:01", m), "3 digits");
	CHECK(tb_parse_mac("02:00:5e:10:00:0x", m), "bad digit");
	CHECK(tb_parse_mac("02005e100001", m), "no colons");
	tb_fmt_mac((const uint8_t[]){ 2, 0, 0x5e, 0x10, 0, 1 }, buf,
		   sizeof(buf));
	CHECK(!strcmp(buf, "02:00:5e:10:00:01"), "fmt mac %s", buf);
}

static void test_names(void)
{
	char buf[16];

	CHECK(!tb_parse_usb4_ep("0-1"), "0-1");
	CHECK(!tb_parse_usb4_ep("12-30a1"), "12-30a1");
	CHECK(tb_parse_usb4_ep("0"), "no route");
	CHECK(tb_parse_usb4_ep("0-"), "empty route");
	CHECK(tb_parse_usb4_ep("-1"), "empty domain");
	CHECK(tb_parse_usb4_ep("a-1"), "hex domain");
	CHECK(tb_parse_usb4_ep("0-1-2"), "two dashes");
	CHECK(tb_parse_usb4_ep("0-111111111111111111111111111111111"),
	      "too long");

	CHECK(!tb_check_name("tbib0", 64), "tbib0");
	CHECK(!tb_check_name("eth0.100", 16), "vlan name");
	CHECK(tb_check_name("", 16), "empty");
	CHECK(tb_check_name(".", 16), ".");
	CHECK(tb_check_name("..", 16), "..");
	CHECK(tb_check_name("a/b", 16), "slash");
	CHECK(tb_check_name("a b", 16), "blank");
	CHECK(tb_check_name("a\tb", 16), "tab");
	CHECK(tb_check_name("a:b", 16), "colon");
	CHECK(tb_check_name("\x01", 16), "control");
	CHECK(!tb_check_name("123456789012345", 16), "15 chars");
	CHECK(tb_check_name("1234567890123456", 16), "16 chars");

	CHECK(!strcmp(tb_dev_state_name(TBIB_DEV_STATE_ACTIVE, buf,
					sizeof(buf)), "active"), "active");
	CHECK(!strcmp(tb_dev_state_name(9, buf, sizeof(buf)), "state9"),
	      "unknown dev state");
	CHECK(!strcmp(tb_rail_state_name(TBIB_RAIL_STATE_PROBING, buf,
					 sizeof(buf)), "probing"), "probing");
	CHECK(!strcmp(tb_rail_type_name(7, buf, sizeof(buf)), "type7"),
	      "unknown type");
}

int main(void)
{
	test_match();
	test_numbers();
	test_guid_mac();
	test_names();
	return test_done("test_utils");
}
