// SPDX-License-Identifier: GPL-2.0
/*
 * tbibctl <-> netlink, without a kernel: the message built for every
 * request (command, flags, attribute types and exact sizes as the uapi
 * header defines them), and kernel replies (built here as the module
 * would send them) parsed and printed in human and JSON form, including
 * unknown attributes, missing ones and malformed ones.
 */
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>

#include "test.h"
#include "tbibctl.h"

#define FAMILY 0x42

static struct tb_req req;

static void parse_line(const char *cmdline)
{
	char line[512], *argv[TB_BATCH_MAX_ARGS];
	const char *why;
	int n;

	snprintf(line, sizeof(line), "%s", cmdline);
	n = tb_split_line(line, argv, TB_BATCH_MAX_ARGS, &why);
	if (tb_parse(n, argv, &req, stderr)) {
		fprintf(stderr, "cannot parse %s\n", cmdline);
		exit(2);
	}
}

/* Build the message of a command line; attrs indexed by type. */
static struct nl_msg *msg;
static struct nlattr *tb[64];
static struct genlmsghdr *gh;

static int build(const char *cmdline)
{
	struct nlmsghdr *nlh;
	int r;

	if (msg)
		nlmsg_free(msg);
	parse_line(cmdline);
	msg = nlmsg_alloc();
	r = tb_msg_build(msg, FAMILY, &req);
	if (r < 0)
		return r;
	nlh = nlmsg_hdr(msg);
	gh = nlmsg_data(nlh);
	CHECK(nlh->nlmsg_type == FAMILY, "family");
	CHECK(gh->version == TBIB_GENL_VERSION, "version");
	memset(tb, 0, sizeof(tb));
	CHECK(genlmsg_parse(nlh, 0, tb, 63, NULL) == 0, "parse own message");
	return 0;
}

static uint16_t flags(void)
{
	return nlmsg_hdr(msg)->nlmsg_flags;
}

static int nattrs(void)
{
	int i, n = 0;

	for (i = 0; i < 64; i++)
		n += tb[i] != NULL;
	return n;
}

#define HAS_U32(a, v) (tb[a] && nla_len(tb[a]) == 4 && nla_get_u32(tb[a]) == (v))
#define HAS_U8(a, v) (tb[a] && nla_len(tb[a]) == 1 && nla_get_u8(tb[a]) == (v))
#define HAS_U64(a, v) (tb[a] && nla_len(tb[a]) == 8 && nla_get_u64(tb[a]) == (v))
#define HAS_STR(a, s) (tb[a] && nla_len(tb[a]) == (int)strlen(s) + 1 && \
		       !strcmp(nla_get_string(tb[a]), s))

static void test_requests(void)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 9 };

	CHECK(!build("dev add tbib0 lid 0x11 guid 0x0002c90300a01b2c"), "b");
	CHECK(gh->cmd == TBIB_CMD_DEV_NEW && (flags() & NLM_F_ACK) &&
	      !(flags() & NLM_F_DUMP), "dev add cmd/flags");
	CHECK(HAS_STR(TBIB_A_DEV_NAME, "tbib0") &&
	      HAS_U32(TBIB_A_DEV_LID, 0x11) &&
	      HAS_U64(TBIB_A_DEV_GUID, 0x0002c90300a01b2cULL) &&
	      nattrs() == 3, "dev add attrs");

	CHECK(!build("dev add tbib0"), "b");
	CHECK(nattrs() == 1, "dev add minimal: %d attrs", nattrs());

	CHECK(!build("dev del tbib0"), "b");
	CHECK(gh->cmd == TBIB_CMD_DEV_DEL && HAS_STR(TBIB_A_DEV_NAME, "tbib0")
	      && nattrs() == 1 && (flags() & NLM_F_ACK), "dev del");

	CHECK(!build("dev set tbib0 lid 9"), "b");
	CHECK(gh->cmd == TBIB_CMD_DEV_SET && HAS_U32(TBIB_A_DEV_LID, 9) &&
	      nattrs() == 2, "dev set");

	CHECK(!build("dev show"), "b");
	CHECK(gh->cmd == TBIB_CMD_DEV_GET &&
	      (flags() & NLM_F_DUMP) == NLM_F_DUMP && nattrs() == 0,
	      "dev dump");
	CHECK(!build("dev show tbib0"), "b");
	CHECK(gh->cmd == TBIB_CMD_DEV_GET && !(flags() & NLM_F_DUMP) &&
	      (flags() & NLM_F_ACK) && HAS_STR(TBIB_A_DEV_NAME, "tbib0"),
	      "dev get one");

	CHECK(!build("rail add tbib0 netdev veth0 weight 7 peer 02:00:00:00:00:09 csum off"),
	      "b");
	CHECK(gh->cmd == TBIB_CMD_RAIL_ADD &&
	      HAS_STR(TBIB_A_RAIL_DEV_NAME, "tbib0") &&
	      HAS_U32(TBIB_A_RAIL_TYPE, TBIB_RAIL_TYPE_NETDEV) &&
	      HAS_STR(TBIB_A_RAIL_IFNAME, "veth0") &&
	      HAS_U32(TBIB_A_RAIL_WEIGHT, 7) &&
	      HAS_U8(TBIB_A_RAIL_CSUM, 0) &&
	      tb[TBIB_A_RAIL_PEER_MAC] &&
	      nla_len(tb[TBIB_A_RAIL_PEER_MAC]) == 6 &&
	      !memcmp(nla_data(tb[TBIB_A_RAIL_PEER_MAC]), mac, 6) &&
	      nattrs() == 6, "rail add attrs (%d)", nattrs());

	CHECK(!build("rail add tbib0 netdev veth0"), "b");
	CHECK(nattrs() == 3 && !tb[TBIB_A_RAIL_CSUM] &&
	      !tb[TBIB_A_RAIL_WEIGHT], "defaults left to the kernel");

	CHECK(!build("rail add tbib0 usb4 0-1"), "b");
	CHECK(HAS_U32(TBIB_A_RAIL_TYPE, TBIB_RAIL_TYPE_USB4) &&
	      HAS_STR(TBIB_A_RAIL_USB4_EP, "0-1") &&
	      !tb[TBIB_A_RAIL_IFNAME], "usb4 rail add");

	CHECK(!build("rail del tbib0 4"), "b");
	CHECK(gh->cmd == TBIB_CMD_RAIL_DEL && HAS_U32(TBIB_A_RAIL_ID, 4) &&
	      HAS_STR(TBIB_A_RAIL_DEV_NAME, "tbib0") && nattrs() == 2,
	      "rail del");
	CHECK(!build("rail del tbib0 veth0"), "b");
	CHECK(gh->cmd == TBIB_CMD_RAIL_DEL &&
	      HAS_STR(TBIB_A_RAIL_IFNAME, "veth0") && !tb[TBIB_A_RAIL_ID] &&
	      nattrs() == 2, "rail del by netdev");

	CHECK(!build("rail set tbib0 3 weight 0 state down"), "b");
	CHECK(gh->cmd == TBIB_CMD_RAIL_SET && HAS_U32(TBIB_A_RAIL_ID, 3) &&
	      HAS_U32(TBIB_A_RAIL_WEIGHT, 0) &&
	      HAS_U8(TBIB_A_RAIL_ADMIN_STATE, TBIB_ADMIN_DOWN) &&
	      nattrs() == 4, "rail set");
	CHECK(!build("rail set tbib0 3 state up"), "b");
	CHECK(HAS_U8(TBIB_A_RAIL_ADMIN_STATE, TBIB_ADMIN_UP) &&
	      !tb[TBIB_A_RAIL_WEIGHT], "rail set state only");
	CHECK(!build("rail set tbib0 veth1 csum off peer any"), "b");
	CHECK(HAS_STR(TBIB_A_RAIL_IFNAME, "veth1") &&
	      HAS_U8(TBIB_A_RAIL_CSUM, 0) && tb[TBIB_A_RAIL_PEER_MAC] &&
	      nla_len(tb[TBIB_A_RAIL_PEER_MAC]) == 6 &&
	      !memcmp(nla_data(tb[TBIB_A_RAIL_PEER_MAC]), "\0\0\0\0\0\0", 6)
	      && nattrs() == 4, "rail set csum + peer any");
	CHECK(!build("rail add tbib0 netdev veth0 state down"), "b");
	CHECK(HAS_U8(TBIB_A_RAIL_ADMIN_STATE, TBIB_ADMIN_DOWN),
	      "rail add state down");

	CHECK(!build("rail show"), "b");
	CHECK(gh->cmd == TBIB_CMD_RAIL_GET && (flags() & NLM_F_DUMP) &&
	      nattrs() == 0, "rail dump");
	CHECK(!build("rail show tbib0"), "b");
	CHECK((flags() & NLM_F_DUMP) && HAS_STR(TBIB_A_RAIL_DEV_NAME, "tbib0")
	      && nattrs() == 1, "rail dump of one device");
	CHECK(!build("rail show tbib0 2"), "b");
	CHECK(!(flags() & NLM_F_DUMP) && HAS_U32(TBIB_A_RAIL_ID, 2),
	      "rail get one");
	CHECK(!build("rail show tbib0 veth0"), "b");
	CHECK(!(flags() & NLM_F_DUMP) && !tb[TBIB_A_RAIL_ID] &&
	      HAS_STR(TBIB_A_RAIL_IFNAME, "veth0"), "rail get by netdev");

	CHECK(!build("peer show tbib0"), "b");
	CHECK(gh->cmd == TBIB_CMD_PEER_GET && (flags() & NLM_F_DUMP) &&
	      HAS_STR(TBIB_A_PEER_DEV_NAME, "tbib0"), "peer dump");
	CHECK(!build("stats tbib0 -w 1"), "b");
	CHECK(gh->cmd == TBIB_CMD_RAIL_GET && (flags() & NLM_F_DUMP),
	      "stats reads rails");
	CHECK(build("monitor") < 0, "monitor sends no request");
	nlmsg_free(msg);
	msg = NULL;
}

/* ---- replies ---- */

static struct nl_msg *reply(uint8_t cmd)
{
	struct nl_msg *m = nlmsg_alloc();

	genlmsg_put(m, 0, 0, FAMILY, 0, 0, cmd, TBIB_GENL_VERSION);
	return m;
}

static char *out;
static size_t outlen;

static FILE *mem(void)
{
	free(out);
	out = NULL;
	return open_memstream(&out, &outlen);
}

static void test_rail_reply(void)
{
	static const uint8_t addr[6] = { 2, 0, 0, 0, 0, 0xb };
	struct tb_rail_info r;
	struct tb_json j;
	struct nlattr *nest;
	struct nl_msg *m = reply(TBIB_CMD_RAIL_GET);
	FILE *f;

	nla_put_string(m, TBIB_A_RAIL_DEV_NAME, "tbib0");
	nla_put_u32(m, TBIB_A_RAIL_ID, 1);
	nla_put_u32(m, TBIB_A_RAIL_TYPE, TBIB_RAIL_TYPE_NETDEV);
	nla_put_u32(m, TBIB_A_RAIL_IFINDEX, 5);
	nla_put_string(m, TBIB_A_RAIL_IFNAME, "veth0");
	nla_put_u32(m, TBIB_A_RAIL_WEIGHT, 100);
	nla_put_u8(m, TBIB_A_RAIL_CSUM, 1);
	nla_put_u8(m, TBIB_A_RAIL_ADMIN_STATE, TBIB_ADMIN_UP);
	nla_put_u8(m, TBIB_A_RAIL_OPER_STATE, TBIB_RAIL_STATE_UP);
	nla_put_u32(m, TBIB_A_RAIL_MTU, 65000);
	nla_put_u64(m, TBIB_A_RAIL_RATE, 10000);
	nla_put_u64(m, TBIB_A_RAIL_PEER_GUID, 0x0002c90300a01b2dULL);
	nla_put_u32(m, TBIB_A_RAIL_PEER_LID, 2);
	nla_put(m, TBIB_A_RAIL_PEER_ADDR, 6, addr);
	nla_put_u8(m, TBIB_A_RAIL_PEER_BOUND, 1);
	nla_put_u32(m, 250, 7);		/* from a newer kernel: ignored */
	nest = nla_nest_start(m, TBIB_A_RAIL_STATS);
	nla_put_u64(m, TBIB_A_STATS_TX_PACKETS, 10);
	nla_put_u64(m, TBIB_A_STATS_TX_BYTES, 12345678901234ULL);
	nla_put_u64(m, TBIB_A_STATS_RX_PACKETS, 9);
	nla_put_u64(m, TBIB_A_STATS_RX_DROP_CSUM, 3);
	nla_put_u64(m, TBIB_A_STATS_READ_REQ_MERGED, 2);
	nla_put_u64(m, 200, 1);		/* unknown counter: ignored */
	nla_nest_end(m, nest);

	CHECK(tb_rail_parse(m, &r) == 0, "rail parse");
	f = mem();
	tb_rail_print(&r, true, f);
	fclose(f);
	CHECK(!strcmp(out,
		"rail 1 dev tbib0 netdev veth0 state up admin up "
		"peer 0002:c903:00a0:1b2d peer_lid 2 peer_addr 02:00:00:00:00:0b "
		"peer_bound yes weight 100 mtu 65000 rate 10000Mbit csum on\n"
		"    tx: packets 10 bytes 12345678901234\n"
		"    rx: packets 9\n"
		"    rx_drop: csum 3\n"
		"    read: merged 2\n"), "rail human:\n%s", out);

	f = mem();
	tb_json_init(&j, f, false);
	tb_rail_json(&j, NULL, &r, true);
	fclose(f);
	CHECK(!strcmp(out,
		"{\"dev\":\"tbib0\",\"id\":1,\"type\":\"netdev\","
		"\"ifname\":\"veth0\",\"ifindex\":5,\"state\":\"up\","
		"\"admin_state\":\"up\",\"peer_guid\":\"0002:c903:00a0:1b2d\","
		"\"peer_lid\":2,\"peer_addr\":\"02:00:00:00:00:0b\","
		"\"peer_bound\":true,\"weight\":100,\"mtu\":65000,\"rate_mbps\":10000,"
		"\"csum\":true,\"stats\":{\"tx_packets\":10,"
		"\"tx_bytes\":12345678901234,\"rx_packets\":9,"
		"\"rx_drop_csum\":3,\"read_req_merged\":2}}\n"),
	      "rail json:\n%s", out);

	/* without -s: no counters */
	f = mem();
	tb_json_init(&j, f, false);
	tb_rail_json(&j, NULL, &r, false);
	fclose(f);
	CHECK(!strstr(out, "stats"), "no stats without -s: %s", out);
	nlmsg_free(m);

	/* an event with just the identity prints just that */
	m = reply(TBIB_CMD_RAIL_DEL);
	nla_put_string(m, TBIB_A_RAIL_DEV_NAME, "tbib0");
	nla_put_u32(m, TBIB_A_RAIL_ID, 3);
	CHECK(tb_rail_parse(m, &r) == 0, "sparse rail parse");
	f = mem();
	tb_rail_print(&r, true, f);
	fclose(f);
	CHECK(!strcmp(out, "rail 3 dev tbib0\n"), "sparse rail: %s", out);
	nlmsg_free(m);

	/* malformed: a u32 of 2 bytes, a string without NUL, a short MAC */
	m = reply(TBIB_CMD_RAIL_GET);
	nla_put(m, TBIB_A_RAIL_ID, 2, "\1\2");
	CHECK(tb_rail_parse(m, &r) < 0, "short u32 rejected");
	nlmsg_free(m);
	m = reply(TBIB_CMD_RAIL_GET);
	nla_put(m, TBIB_A_RAIL_IFNAME, 3, "abc");
	CHECK(tb_rail_parse(m, &r) < 0, "unterminated string rejected");
	nlmsg_free(m);
	m = reply(TBIB_CMD_RAIL_GET);
	nla_put(m, TBIB_A_RAIL_PEER_ADDR, 4, "abcd");
	CHECK(tb_rail_parse(m, &r) < 0, "short MAC rejected");
	nlmsg_free(m);
	m = reply(TBIB_CMD_RAIL_GET);
	nest = nla_nest_start(m, TBIB_A_RAIL_STATS);
	nla_put_u32(m, TBIB_A_STATS_TX_BYTES, 1);
	nla_nest_end(m, nest);
	CHECK(tb_rail_parse(m, &r) < 0, "u32 counter rejected");
	nlmsg_free(m);
}

static void test_dev_reply(void)
{
	struct tb_dev_info d;
	struct tb_json j;
	struct nl_msg *m = reply(TBIB_CMD_DEV_GET);
	FILE *f;

	nla_put_string(m, TBIB_A_DEV_NAME, "tbib0");
	nla_put_u32(m, TBIB_A_DEV_INDEX, 3);
	nla_put_u64(m, TBIB_A_DEV_GUID, 0x0002c90300a01b2cULL);
	nla_put_u32(m, TBIB_A_DEV_LID, 1);
	nla_put_u8(m, TBIB_A_DEV_STATE, TBIB_DEV_STATE_ACTIVE);
	nla_put_u64(m, TBIB_A_DEV_RATE, 20000);
	nla_put_u32(m, TBIB_A_DEV_NUM_RAILS, 2);
	nla_put_u32(m, TBIB_A_DEV_NUM_PEERS, 1);
	nla_put_u8(m, TBIB_A_DEV_LID_CONFLICT, 1);
	CHECK(tb_dev_parse(m, &d) == 0, "dev parse");
	f = mem();
	tb_dev_print(&d, false, f);
	fclose(f);
	CHECK(!strcmp(out, "dev tbib0 index 3 guid 0002:c903:00a0:1b2c lid 1 "
		      "state active rate 20000Mbit rails 2 peers 1 "
		      "lid_conflict\n"), "dev human: %s", out);
	f = mem();
	tb_json_init(&j, f, false);
	tb_dev_json(&j, NULL, &d, true);
	fclose(f);
	/* -s without a stats nest: no "stats" key */
	CHECK(!strcmp(out, "{\"name\":\"tbib0\",\"index\":3,"
		      "\"guid\":\"0002:c903:00a0:1b2c\",\"lid\":1,"
		      "\"state\":\"active\",\"rate_mbps\":20000,"
		      "\"num_rails\":2,\"num_peers\":1,"
		      "\"lid_conflict\":true}\n"), "dev json: %s", out);
	nlmsg_free(m);
}

static void test_peer_reply(void)
{
	struct tb_peer_info p;
	struct tb_json j;
	struct nl_msg *m = reply(TBIB_CMD_PEER_GET);
	FILE *f;
	int i;

	nla_put_string(m, TBIB_A_PEER_DEV_NAME, "tbib0");
	nla_put_u64(m, TBIB_A_PEER_GUID, 0x0002c90300a01b2dULL);
	nla_put_u32(m, TBIB_A_PEER_LID, 2);
	nla_put_u8(m, TBIB_A_PEER_LID_CONFLICT, 0);
	nla_put_u32(m, TBIB_A_PEER_RAIL, 1);
	nla_put_u32(m, TBIB_A_PEER_RAIL, 2);
	CHECK(tb_peer_parse(m, &p) == 0 && p.num_rails == 2, "peer parse");
	f = mem();
	tb_peer_print(&p, false, f);
	fclose(f);
	CHECK(!strcmp(out, "peer 0002:c903:00a0:1b2d dev tbib0 lid 2 "
		      "rails 1,2\n"), "peer human: %s", out);
	f = mem();
	tb_json_init(&j, f, false);
	tb_peer_json(&j, NULL, &p, false);
	fclose(f);
	CHECK(!strcmp(out, "{\"dev\":\"tbib0\",\"guid\":\"0002:c903:00a0:1b2d\","
		      "\"lid\":2,\"lid_conflict\":false,\"rails\":[1,2]}\n"),
	      "peer json: %s", out);
	nlmsg_free(m);

	/* hundreds of rails to one peer: kept up to the limit, flagged */
	m = nlmsg_alloc_size(16384);
	genlmsg_put(m, 0, 0, FAMILY, 0, 0, TBIB_CMD_PEER_GET, 1);
	for (i = 0; i < TB_PEER_RAILS_MAX + 10; i++)
		nla_put_u32(m, TBIB_A_PEER_RAIL, (uint32_t)i);
	CHECK(tb_peer_parse(m, &p) == 0 &&
	      p.num_rails == TB_PEER_RAILS_MAX && p.rails_truncated &&
	      p.rails[TB_PEER_RAILS_MAX - 1] == TB_PEER_RAILS_MAX - 1,
	      "many rails");
	nlmsg_free(m);

	m = reply(TBIB_CMD_PEER_GET);
	nla_put(m, TBIB_A_PEER_GUID, 4, "abcd");
	CHECK(tb_peer_parse(m, &p) < 0, "short guid rejected");
	nlmsg_free(m);
}

int main(void)
{
	test_requests();
	test_rail_reply();
	test_dev_reply();
	test_peer_reply();
	free(out);
	return test_done("test_msg");
}
