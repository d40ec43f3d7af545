// SPDX-License-Identifier: GPL-2.0
/*
 * tbibctl grammar: every command, abbreviations, ambiguous prefixes, bad
 * numbers and addresses, missing and extra words, global options.  Each
 * case gives a command line, the expected exit code, and checks on the
 * parsed request or on the error text.
 */
#include "test.h"
#include "tbibctl.h"

static struct tb_req req;
static char *errtext;
static size_t errlen;

/* Parse one command line (after "tbibctl"), words split as batch lines. */
static int P(const char *cmdline)
{
	char line[1024], *argv[TB_BATCH_MAX_ARGS];
	const char *why = NULL;
	FILE *err;
	int n, r;

	snprintf(line, sizeof(line), "%s", cmdline);
	n = tb_split_line(line, argv, TB_BATCH_MAX_ARGS, &why);
	if (n < 0) {
		fprintf(stderr, "bad test line %s\n", cmdline);
		exit(2);
	}
	free(errtext);
	errtext = NULL;
	err = open_memstream(&errtext, &errlen);
	r = tb_parse(n, argv, &req, err);
	fclose(err);
	return r;
}

/* The full command line with options, argv[0] included. */
static struct tb_opts opts;

static int C(const char *cmdline)
{
	char line[1024], *argv[TB_BATCH_MAX_ARGS + 1];
	const char *why = NULL;
	FILE *err;
	int n, r;

	snprintf(line, sizeof(line), "%s", cmdline);
	argv[0] = "tbibctl";
	n = tb_split_line(line, argv + 1, TB_BATCH_MAX_ARGS, &why);
	memset(&opts, 0, sizeof(opts));
	free(errtext);
	errtext = NULL;
	err = open_memstream(&errtext, &errlen);
	r = tb_parse_cmdline(n + 1, argv, &opts, &req, err);
	fclose(err);
	return r;
}

static bool err_has(const char *s)
{
	return errtext && strstr(errtext, s);
}

#define OK(line)							\
	CHECK(P(line) == TB_EXIT_OK, "\"%s\" -> error: %s", line,	\
	      errtext ? errtext : "")
#define BAD(line, msg)							\
	do {								\
		CHECK(P(line) == TB_EXIT_USAGE, "\"%s\" accepted", line); \
		CHECK(err_has(msg), "\"%s\": error lacks \"%s\": %s",	\
		      line, msg, errtext ? errtext : "");		\
		CHECK(err_has("Usage: tbibctl"),			\
		      "\"%s\": no usage line: %s", line,		\
		      errtext ? errtext : "");				\
	} while (0)

static void test_dev(void)
{
	OK("dev add tbib0");
	CHECK(req.op == TB_OP_DEV_ADD && !strcmp(req.dev, "tbib0") &&
	      req.has == TB_HAS_DEV, "dev add fields");

	OK("dev add tbib0 lid 5 guid 0x0002c90300a01b2c");
	CHECK(req.lid == 5 && req.guid == 0x0002c90300a01b2cULL &&
	      req.has == (TB_HAS_DEV | TB_HAS_LID | TB_HAS_GUID),
	      "lid/guid %u %llx", req.lid, (unsigned long long)req.guid);

	OK("d a tbib1 g 0002:c903:00a0:1b2c l 0x10");
	CHECK(req.op == TB_OP_DEV_ADD && !strcmp(req.dev, "tbib1") &&
	      req.lid == 16 && req.guid == 0x0002c90300a01b2cULL,
	      "abbreviated dev add");
	OK("dev add tbib0 guid 00:02:c9:03:00:a0:1b:2c");
	CHECK(req.guid == 0x0002c90300a01b2cULL, "eui-64 guid");
	OK("dev add tbib0 guid 2:c903:a0:1b2c");
	CHECK(req.guid == 0x0002c90300a01b2cULL, "short groups guid");
	OK("dev add tbib0 lid 0xbfff");
	CHECK(req.lid == 0xbfff, "max lid");
	OK("dev add tbib0 lid 010");
	CHECK(req.lid == 10, "leading zero is decimal, got %u", req.lid);

	OK("dev del tbib0");
	CHECK(req.op == TB_OP_DEV_DEL && !strcmp(req.dev, "tbib0"), "del");
	OK("dev delete tbib0");
	CHECK(req.op == TB_OP_DEV_DEL, "delete");
	OK("dev d tbib0");
	CHECK(req.op == TB_OP_DEV_DEL, "d = del/delete alias, not ambiguous");
	OK("dev de tbib0");
	CHECK(req.op == TB_OP_DEV_DEL, "de");

	OK("dev");
	CHECK(req.op == TB_OP_DEV_SHOW && !(req.has & TB_HAS_DEV),
	      "dev alone = show all");
	OK("dev show");
	CHECK(req.op == TB_OP_DEV_SHOW && !req.has, "show all");
	OK("dev list");
	CHECK(req.op == TB_OP_DEV_SHOW, "list");
	OK("dev sh tbib0");
	CHECK(req.op == TB_OP_DEV_SHOW && !strcmp(req.dev, "tbib0") &&
	      !req.stats, "show one");
	OK("dev show tbib0 -s");
	CHECK(req.stats, "trailing -s");
	OK("dev show -j -p");
	CHECK(req.json && req.pretty && !(req.has & TB_HAS_DEV),
	      "trailing -j -p");

	OK("dev set tbib0 lid 7");
	CHECK(req.op == TB_OP_DEV_SET && req.lid == 7 &&
	      (req.has & TB_HAS_LID), "set lid");
	OK("dev se tbib0 l 7");
	CHECK(req.op == TB_OP_DEV_SET, "se");

	BAD("dev s tbib0", "ambiguous dev command \"s\"");
	BAD("dev frob tbib0", "unknown dev command \"frob\"");
	BAD("dev set tbib0", "nothing to set");
	BAD("dev set tbib0 guid 0x1", "unknown keyword \"guid\"");
	BAD("dev add", "missing device name");
	BAD("dev del", "missing device name");
	BAD("dev set", "missing device name");
	BAD("dev add tbib0 lid", "missing LID");
	BAD("dev add tbib0 guid", "missing GUID");
	BAD("dev add tbib0 lid 0", "invalid LID \"0\"");
	BAD("dev add tbib0 lid 0xc000", "invalid LID");
	BAD("dev add tbib0 lid 49152", "invalid LID");
	BAD("dev add tbib0 lid -1", "invalid LID");
	BAD("dev add tbib0 lid +1", "invalid LID");
	BAD("dev add tbib0 lid 12abc", "invalid LID");
	BAD("dev add tbib0 lid 0x", "invalid LID");
	BAD("dev add tbib0 lid 0x1g", "invalid LID");
	BAD("dev add tbib0 lid 99999999999999999999999", "invalid LID");
	BAD("dev add tbib0 lid 18446744073709551617", "invalid LID");
	BAD("dev add tbib0 lid 4294967297", "invalid LID");
	BAD("dev add tbib0 lid ''", "invalid LID");
	BAD("dev add tbib0 lid ' 5'", "invalid LID");
	BAD("dev add tbib0 lid 1 lid 2", "\"lid\" given twice");
	BAD("dev add tbib0 guid 0", "invalid GUID");
	BAD("dev add tbib0 guid 0x0", "invalid GUID");
	BAD("dev add tbib0 guid 0000:0000:0000:0000", "invalid GUID");
	BAD("dev add tbib0 guid 1234", "invalid GUID");
	BAD("dev add tbib0 guid 0x10000000000000000", "invalid GUID");
	BAD("dev add tbib0 guid 0x00000000000000001", "invalid GUID");
	BAD("dev add tbib0 guid 0002:c903:00a0", "invalid GUID");
	BAD("dev add tbib0 guid 0002:c903:00a0:1b2c:0", "invalid GUID");
	BAD("dev add tbib0 guid 00002:c903:00a0:1b2c", "invalid GUID");
	BAD("dev add tbib0 guid 0002:c903:00a0:1b2x", "invalid GUID");
	BAD("dev add tbib0 guid 0002::00a0:1b2c", "invalid GUID");
	BAD("dev add tbib0 guid 00:02:c9:03:00:a0:1b:2c0", "invalid GUID");
	BAD("dev add tbib0 guid 0002:c903:00a0:1b2c:", "invalid GUID");
	BAD("dev add tbib0 guid 0x1 guid 0x2", "\"guid\" given twice");
	BAD("dev add tbib0 frob 1", "unknown keyword \"frob\"");
	BAD("dev del tbib0 extra", "unexpected argument \"extra\"");
	BAD("dev show tbib0 extra", "unexpected argument \"extra\"");
	BAD("dev show tbib0 -x", "unknown option \"-x\"");
	BAD("dev show tbib0 -w 1", "unknown option \"-w\"");
	BAD("dev add a/b", "invalid device name");
	BAD("dev add 'a b'", "invalid device name");
	BAD("dev add a:b", "invalid device name");
	BAD("dev add ''", "invalid device name");
	BAD("dev add ..", "invalid device name");
	/* 63 characters fit, 64 do not (IB_DEVICE_NAME_MAX with NUL) */
	OK("dev add aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	BAD("dev add aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "invalid device name");
	/* usage errors print that command's usage line */
	P("dev add tbib0 lid 0");
	CHECK(err_has("Usage: tbibctl dev add NAME [lid N] [guid G]") &&
	      !err_has("dev del"), "usage line of dev add only: %s", errtext);
}

static void test_rail(void)
{
	OK("rail add tbib0 netdev veth0");
	CHECK(req.op == TB_OP_RAIL_ADD && !strcmp(req.dev, "tbib0") &&
	      req.rail_type == TBIB_RAIL_TYPE_NETDEV &&
	      !strcmp(req.ifname, "veth0") && req.has == TB_HAS_DEV,
	      "rail add fields");
	OK("r a tbib0 n veth0");
	CHECK(req.op == TB_OP_RAIL_ADD && !strcmp(req.ifname, "veth0"),
	      "r a tbib0 n veth0");
	OK("rail add tbib0 netdev veth0 weight 5 peer 02:00:00:00:00:01 csum off");
	CHECK(req.weight == 5 && req.mac[0] == 2 && req.mac[5] == 1 &&
	      req.csum == 0 &&
	      req.has == (TB_HAS_DEV | TB_HAS_WEIGHT | TB_HAS_MAC |
			  TB_HAS_CSUM), "rail add options");
	OK("r a tbib0 n veth0 c on w 0 p 2:0:0:aB:cd:EF");
	CHECK(req.csum == 1 && req.weight == 0 && req.mac[3] == 0xab &&
	      req.mac[5] == 0xef, "abbreviated rail add options");
	OK("rail add tbib0 netdev veth0 weight 1000");
	CHECK(req.weight == 1000, "max weight");
	OK("rail add tbib0 netdev 0123456789abcde");
	OK("rail add tbib0 usb4 0-1");
	CHECK(req.rail_type == TBIB_RAIL_TYPE_USB4 &&
	      !strcmp(req.usb4_ep, "0-1"), "usb4");
	OK("rail add tbib0 u 1-301 weight 7");
	CHECK(req.rail_type == TBIB_RAIL_TYPE_USB4 && req.weight == 7,
	      "usb4 weight");

	BAD("rail add tbib0 netdev veth0 weight 1001", "invalid weight");
	BAD("rail add tbib0 netdev veth0 weight -1", "invalid weight");
	BAD("rail add tbib0 netdev veth0 weight 5x", "invalid weight");
	BAD("rail add tbib0 netdev veth0 weight 18446744073709551616",
	    "invalid weight");
	BAD("rail add tbib0 netdev veth0 weight", "missing weight");
	BAD("rail add tbib0 netdev veth0 weight 1 weight 2",
	    "\"weight\" given twice");
	BAD("rail add tbib0 netdev veth0 peer ff:ff:ff:ff:ff:ff",
	    "invalid peer MAC");
	BAD("rail add tbib0 netdev veth0 peer 01:00:5e:00:00:01",
	    "invalid peer MAC");
	BAD("rail add tbib0 netdev veth0 peer 00:00:00:00:00:00",
	    "invalid peer MAC");
	BAD("rail add tbib0 netdev veth0 peer 02:00:00:00:00",
	    "invalid peer MAC");
	BAD("rail add tbib0 netdev veth0 peer 02:00:00:00:00:01:02",
	    "invalid peer MAC");
	BAD("rail add tbib0 netdev veth0 peer 02:00:00:00:00:0g",
	    "invalid peer MAC");
	BAD("rail add tbib0 netdev veth0 peer 002:00:00:00:00:01",
	    "invalid peer MAC");
	BAD("rail add tbib0 netdev veth0 peer 02-00-00-00-00-01",
	    "invalid peer MAC");
	BAD("rail add tbib0 netdev veth0 peer 02:00:00:00:00:01:",
	    "invalid peer MAC");
	BAD("rail add tbib0 netdev veth0 peer", "missing MAC");
	BAD("rail add tbib0 netdev veth0 csum maybe",
	    "unknown csum value \"maybe\"");
	BAD("rail add tbib0 netdev veth0 csum o",
	    "ambiguous csum value \"o\"");
	BAD("rail add tbib0 netdev veth0 csum", "missing on or off");
	BAD("rail add tbib0 netdev veth0 bogus 1", "unknown keyword");
	OK("rail add tbib0 netdev veth0 state down");
	CHECK((req.has & TB_HAS_ADMIN) && req.admin == TBIB_ADMIN_DOWN,
	      "rail add state down");
	OK("rail add tbib0 usb4 0-1 st up");
	CHECK((req.has & TB_HAS_ADMIN) && req.admin == TBIB_ADMIN_UP,
	      "usb4 rail add state up");
	BAD("rail add tbib0 netdev veth0 peer any", "invalid peer MAC");
	BAD("rail add tbib0 usb4 0-1 peer 02:00:00:00:00:01",
	    "only applies to netdev rails");
	BAD("rail add tbib0 usb4 0-1 csum on",
	    "only applies to netdev rails");
	BAD("rail add tbib0 usb4 x", "invalid USB4 endpoint");
	BAD("rail add tbib0 usb4 0-", "invalid USB4 endpoint");
	BAD("rail add tbib0 usb4 -1", "invalid USB4 endpoint");
	BAD("rail add tbib0 usb4 0-1g", "invalid USB4 endpoint");
	BAD("rail add tbib0 usb4", "missing DOMAIN-ROUTE");
	BAD("rail add tbib0", "missing rail type");
	BAD("rail add", "missing device name");
	BAD("rail add tbib0 netdev", "missing IFNAME");
	BAD("rail add tbib0 ether veth0", "unknown rail type \"ether\"");
	BAD("rail add tbib0 netdev 0123456789abcdef",
	    "invalid interface name");
	BAD("rail add tbib0 netdev a/b", "invalid interface name");
	P("rail add tbib0 netdev veth0 weight 5000");
	CHECK(err_has("Usage: tbibctl rail add DEV netdev IFNAME") &&
	      err_has("rail add DEV usb4") && !err_has("rail del"),
	      "rail add usage: %s", errtext);

	OK("rail del tbib0 3");
	CHECK(req.op == TB_OP_RAIL_DEL && req.rail_id == 3 &&
	      req.has == (TB_HAS_DEV | TB_HAS_RAIL_ID), "del by id");
	OK("rail del tbib0 0x10");
	CHECK(req.rail_id == 16, "del by hex id");
	OK("rail del tbib0 0");
	CHECK(req.rail_id == 0 && (req.has & TB_HAS_RAIL_ID), "id 0");
	OK("rail d tbib0 veth0");
	CHECK(req.op == TB_OP_RAIL_DEL && !strcmp(req.rail_if, "veth0") &&
	      req.has == (TB_HAS_DEV | TB_HAS_RAIL_IF), "del by netdev");
	OK("rail del tbib0 4294967295");
	BAD("rail del tbib0 4294967296", "invalid rail id");
	BAD("rail del tbib0 99999999999999999999", "invalid rail id");
	BAD("rail del tbib0 0x100000000", "invalid rail id");
	OK("rail del tbib0 1x");
	CHECK(!strcmp(req.rail_if, "1x") && !(req.has & TB_HAS_RAIL_ID),
	      "1x is a netdev name");
	OK("rail del tbib0 0xg");
	CHECK(!strcmp(req.rail_if, "0xg"), "0xg is a netdev name");
	BAD("rail del tbib0", "missing rail");
	BAD("rail del", "missing device name");
	BAD("rail del tbib0 1 2", "unexpected argument \"2\"");
	BAD("rail del tbib0 0123456789abcdefg", "invalid interface name");
	BAD("rail del tbib0 ''", "invalid interface name");

	OK("rail set tbib0 1 weight 5 state down");
	CHECK(req.op == TB_OP_RAIL_SET && req.rail_id == 1 &&
	      req.weight == 5 && req.admin == TBIB_ADMIN_DOWN &&
	      (req.has & TB_HAS_WEIGHT) && (req.has & TB_HAS_ADMIN),
	      "rail set");
	OK("r se tbib0 veth1 st u");
	CHECK(req.op == TB_OP_RAIL_SET && req.admin == TBIB_ADMIN_UP &&
	      !strcmp(req.rail_if, "veth1") && !(req.has & TB_HAS_WEIGHT),
	      "abbreviated rail set");
	OK("rail set tbib0 1 w 0");
	CHECK(req.weight == 0 && !(req.has & TB_HAS_ADMIN), "weight only");
	BAD("rail set tbib0 1", "nothing to set");
	BAD("rail set tbib0 1 state sideways", "unknown state \"sideways\"");
	BAD("rail set tbib0 1 state", "missing up or down");
	BAD("rail set tbib0 1 state up state down", "given twice");
	BAD("rail set tbib0 1 weight 2000", "invalid weight");
	OK("rail set tbib0 1 csum on");
	CHECK((req.has & TB_HAS_CSUM) && req.csum == 1 &&
	      !(req.has & TB_HAS_WEIGHT), "rail set csum");
	OK("rail set tbib0 1 peer 02:00:00:00:00:07");
	CHECK((req.has & TB_HAS_MAC) && req.mac[5] == 7, "rail set peer");
	OK("rail set tbib0 veth0 peer any");
	CHECK((req.has & TB_HAS_MAC) && !req.mac[0] && !req.mac[5],
	      "rail set peer any = zero MAC");
	BAD("rail set tbib0 1 peer ff:ff:ff:ff:ff:ff", "invalid peer MAC");
	BAD("rail set tbib0 1 frob 1", "unknown keyword \"frob\"");
	OK("rail set tbib0 1 s d");
	CHECK(req.admin == TBIB_ADMIN_DOWN, "s d = state down");
	BAD("rail set tbib0", "missing rail");
	BAD("rail s tbib0", "ambiguous rail command \"s\"");
	BAD("rail frob", "unknown rail command");

	OK("rail");
	CHECK(req.op == TB_OP_RAIL_SHOW && !req.has, "rail alone");
	OK("rail show");
	CHECK(req.op == TB_OP_RAIL_SHOW && !req.has, "show all");
	OK("rail l tbib0");
	CHECK(req.op == TB_OP_RAIL_SHOW && req.has == TB_HAS_DEV, "list dev");
	OK("rail show tbib0 2");
	CHECK(req.rail_id == 2 &&
	      req.has == (TB_HAS_DEV | TB_HAS_RAIL_ID), "show one");
	OK("rail show tbib0 veth1 -s");
	CHECK(!strcmp(req.rail_if, "veth1") && req.stats, "show by netdev");
	OK("rail show -s");
	CHECK(req.stats && !req.has, "show all -s");
	OK("rail show tbib0 --stats");
	CHECK(req.stats, "--stats");
	BAD("rail show tbib0 2 extra", "unexpected argument \"extra\"");
	BAD("rail show tbib0 2 -s extra", "unexpected argument \"extra\"");
}

static void test_peer_stats_monitor(void)
{
	OK("peer");
	CHECK(req.op == TB_OP_PEER_SHOW && !req.has, "peer");
	OK("peer show");
	CHECK(req.op == TB_OP_PEER_SHOW, "peer show");
	OK("p s tbib0 -s");
	CHECK(req.op == TB_OP_PEER_SHOW && req.has == TB_HAS_DEV &&
	      req.stats, "p s tbib0 -s");
	OK("peer -s");
	CHECK(req.op == TB_OP_PEER_SHOW && req.stats, "peer -s");
	BAD("peer show tbib0 x", "unexpected argument \"x\"");
	BAD("peer add tbib0", "unknown peer command \"add\"");

	OK("stats");
	CHECK(req.op == TB_OP_STATS && !req.has && !req.watch, "stats");
	OK("stats tbib0");
	CHECK(req.has == TB_HAS_DEV && !strcmp(req.dev, "tbib0"), "stats dev");
	OK("stats tbib0 -w 2 -c 3");
	CHECK(req.watch == 2 && req.count == 3, "stats -w -c");
	OK("st -w 1");
	CHECK(req.op == TB_OP_STATS && req.watch == 1 && !req.count,
	      "st -w 1");
	OK("stats show tbib0 -j");
	CHECK(req.has == TB_HAS_DEV && req.json, "stats show");
	BAD("stats -w 0", "invalid interval");
	BAD("stats -w 86401", "invalid interval");
	BAD("stats -w -1", "invalid interval");
	BAD("stats -w 1.5", "invalid interval");
	BAD("stats -w", "missing SECONDS");
	BAD("stats -w 1 -c 0", "invalid count");
	BAD("stats -w 1 -c", "missing COUNT");
	BAD("stats -c 2", "-c needs -w");
	BAD("stats -w 1 -w 2", "given twice");
	BAD("stats -x", "unknown option");
	BAD("stats tbib0 tbib1", "unexpected argument \"tbib1\"");

	OK("monitor");
	CHECK(req.op == TB_OP_MONITOR && req.mon == TB_MON_ALL, "monitor");
	OK("monitor rail");
	CHECK(req.mon == TB_MON_RAIL, "monitor rail");
	OK("m d");
	CHECK(req.op == TB_OP_MONITOR && req.mon == TB_MON_DEV, "m d");
	OK("monitor -j");
	CHECK(req.json, "monitor -j");
	BAD("monitor foo", "unknown event class \"foo\"");
	BAD("monitor rail extra", "unexpected argument");
}

static void test_help_objects(void)
{
	OK("help");
	CHECK(req.op == TB_OP_HELP && req.help == TB_TOPIC_MAIN, "help");
	OK("help rail");
	CHECK(req.op == TB_OP_HELP && req.help == TB_TOPIC_RAIL, "help rail");
	OK("h d");
	CHECK(req.op == TB_OP_HELP && req.help == TB_TOPIC_DEV, "h d");
	OK("rail help");
	CHECK(req.op == TB_OP_HELP && req.help == TB_TOPIC_RAIL, "rail help");
	OK("rail add help");
	CHECK(req.op == TB_OP_HELP && req.help == TB_TOPIC_RAIL,
	      "rail add help");
	OK("rail add tbib0 netdev veth0 help");
	CHECK(req.op == TB_OP_HELP, "help at the end");
	OK("dev help");
	CHECK(req.help == TB_TOPIC_DEV, "dev help");
	OK("peer help");
	CHECK(req.help == TB_TOPIC_PEER, "peer help");
	OK("stats help");
	CHECK(req.help == TB_TOPIC_STATS, "stats help");
	OK("monitor help");
	CHECK(req.help == TB_TOPIC_MONITOR, "monitor help");
	OK("dev -h");
	CHECK(req.op == TB_OP_HELP, "dev -h");
	BAD("help bogus", "no help on \"bogus\"");
	BAD("help rail extra", "unexpected argument");
	BAD("frob", "unknown object \"frob\"");
	BAD("x show", "unknown object \"x\"");
	BAD("", "missing object");
	BAD("DEV", "unknown object");	/* words are case-sensitive */
}

static void test_cmdline(void)
{
	CHECK(C("-j -s rail show") == 0 && opts.json && opts.stats &&
	      !opts.pretty && req.op == TB_OP_RAIL_SHOW, "-j -s rail show");
	CHECK(C("-p dev") == 0 && opts.pretty && req.op == TB_OP_DEV_SHOW,
	      "-p dev");
	CHECK(C("--json --pretty --stats peer") == 0 && opts.json &&
	      opts.pretty && opts.stats, "long options");
	CHECK(C("-json -stat dev") == 0 && opts.json && opts.stats,
	      "iproute2 style long options");
	CHECK(C("-b file") == 0 && opts.batch &&
	      !strcmp(opts.batch, "file") && req.op == TB_OP_NONE, "-b");
	CHECK(C("-j -b -") == 0 && !strcmp(opts.batch, "-") && opts.json,
	      "-b -");
	CHECK(C("-b") == TB_EXIT_USAGE && err_has("-b needs a FILE"),
	      "-b without file");
	CHECK(C("-b f rail show") == TB_EXIT_USAGE &&
	      err_has("-b takes no command"), "-b with a command");
	CHECK(C("-x dev") == TB_EXIT_USAGE && err_has("unknown option"),
	      "-x");
	CHECK(C("-V") == 0 && req.op == TB_OP_VERSION, "-V");
	CHECK(C("--version") == 0 && req.op == TB_OP_VERSION, "--version");
	CHECK(C("-h") == 0 && req.op == TB_OP_HELP, "-h");
	CHECK(C("") == TB_EXIT_USAGE && err_has("missing object"),
	      "no arguments");
	CHECK(C("-j") == TB_EXIT_USAGE && err_has("missing object"),
	      "options only");
	CHECK(C("-- dev") == 0 && req.op == TB_OP_DEV_SHOW, "--");
	CHECK(C("-s r a tbib0 n veth0 w 3") == 0 && opts.stats &&
	      req.op == TB_OP_RAIL_ADD && req.weight == 3, "full line");
}

int main(void)
{
	test_dev();
	test_rail();
	test_peer_stats_monitor();
	test_help_objects();
	test_cmdline();
	free(errtext);
	return test_done("test_parse");
}
