// SPDX-License-Identifier: GPL-2.0
/*
 * tbibctl: the command line grammar, parsed into a struct tb_req.
 *
 * Nothing here talks to the kernel, so the whole grammar (abbreviations,
 * bad numbers, missing or extra words) is tested on the host by
 * tests/tbibctl.  Every usage error prints one line saying what is wrong
 * followed by the usage line(s) of the command, and returns
 * TB_EXIT_USAGE; "help" anywhere prints the help of the object.
 */
#include <stdarg.h>
#include <string.h>

#include "tbibctl.h"

enum { OBJ_DEV, OBJ_RAIL, OBJ_PEER, OBJ_STATS, OBJ_MONITOR, OBJ_HELP };

static const struct tb_word objects[] = {
	{ "dev", OBJ_DEV },
	{ "rail", OBJ_RAIL },
	{ "peer", OBJ_PEER },
	{ "stats", OBJ_STATS },
	{ "monitor", OBJ_MONITOR },
	{ "help", OBJ_HELP },
	{ NULL, 0 }
};

enum { CMD_ADD, CMD_DEL, CMD_SHOW, CMD_SET, CMD_HELP };

static const struct tb_word dev_cmds[] = {
	{ "add", CMD_ADD },
	{ "del", CMD_DEL },
	{ "delete", CMD_DEL },
	{ "show", CMD_SHOW },
	{ "list", CMD_SHOW },
	{ "set", CMD_SET },
	{ "help", CMD_HELP },
	{ NULL, 0 }
};

#define rail_cmds dev_cmds

static const struct tb_word peer_cmds[] = {
	{ "show", CMD_SHOW },
	{ "list", CMD_SHOW },
	{ "help", CMD_HELP },
	{ NULL, 0 }
};

enum { KW_LID, KW_GUID, KW_WEIGHT, KW_PEER, KW_CSUM, KW_STATE,
       KW_NETDEV, KW_USB4 };

static const struct tb_word dev_add_kws[] = {
	{ "lid", KW_LID },
	{ "guid", KW_GUID },
	{ NULL, 0 }
};

static const struct tb_word dev_set_kws[] = {
	{ "lid", KW_LID },
	{ NULL, 0 }
};

static const struct tb_word rail_types[] = {
	{ "netdev", KW_NETDEV },
	{ "usb4", KW_USB4 },
	{ NULL, 0 }
};

static const struct tb_word rail_add_kws[] = {
	{ "weight", KW_WEIGHT },
	{ "peer", KW_PEER },
	{ "csum", KW_CSUM },
	{ "state", KW_STATE },
	{ NULL, 0 }
};

#define rail_set_kws rail_add_kws

static const struct tb_word on_off[] = {
	{ "on", 1 },
	{ "off", 0 },
	{ NULL, 0 }
};

static const struct tb_word up_down[] = {
	{ "up", TBIB_ADMIN_UP },
	{ "down", TBIB_ADMIN_DOWN },
	{ NULL, 0 }
};

/* Options that may also follow a show/stats/monitor command. */
enum { OPT_JSON, OPT_PRETTY, OPT_STATS, OPT_BATCH, OPT_VERSION, OPT_HELP,
       OPT_WATCH, OPT_COUNT };

static const struct tb_word global_opts[] = {
	{ "json", OPT_JSON },
	{ "pretty", OPT_PRETTY },
	{ "stats", OPT_STATS },
	{ "statistics", OPT_STATS },
	{ "batch", OPT_BATCH },
	{ "version", OPT_VERSION },
	{ "Version", OPT_VERSION },
	{ "help", OPT_HELP },
	{ NULL, 0 }
};

/* One line per command, shown on usage errors and in help. */
static const struct {
	enum tb_op op;
	enum tb_topic topic;
	const char *line;
} usage_lines[] = {
	{ TB_OP_DEV_ADD, TB_TOPIC_DEV, "dev add NAME [lid N] [guid G]" },
	{ TB_OP_DEV_DEL, TB_TOPIC_DEV, "dev del NAME" },
	{ TB_OP_DEV_SHOW, TB_TOPIC_DEV, "dev show [NAME] [-s]" },
	{ TB_OP_DEV_SET, TB_TOPIC_DEV, "dev set NAME lid N" },
	{ TB_OP_RAIL_ADD, TB_TOPIC_RAIL,
	  "rail add DEV netdev IFNAME [weight W] [peer MAC] [csum on|off] [state up|down]" },
	{ TB_OP_RAIL_ADD, TB_TOPIC_RAIL,
	  "rail add DEV usb4 DOMAIN-ROUTE [weight W] [state up|down]" },
	{ TB_OP_RAIL_DEL, TB_TOPIC_RAIL, "rail del DEV RAIL" },
	{ TB_OP_RAIL_SET, TB_TOPIC_RAIL,
	  "rail set DEV RAIL [weight W] [state up|down] [csum on|off] [peer MAC|any]" },
	{ TB_OP_RAIL_SHOW, TB_TOPIC_RAIL, "rail show [DEV [RAIL]] [-s]" },
	{ TB_OP_PEER_SHOW, TB_TOPIC_PEER, "peer show [DEV] [-s]" },
	{ TB_OP_STATS, TB_TOPIC_STATS,
	  "stats [DEV] [-w SECONDS] [-c COUNT]" },
	{ TB_OP_MONITOR, TB_TOPIC_MONITOR, "monitor [all|dev|rail|peer]" },
};

#define N_USAGE (sizeof(usage_lines) / sizeof(usage_lines[0]))

/* first: prefix of the first line ("Usage: "), the others are aligned */
static void print_lines(FILE *f, bool by_op, enum tb_op op,
			enum tb_topic topic, const char *first)
{
	const char *lead = first;
	size_t i;

	for (i = 0; i < N_USAGE; i++) {
		if (by_op ? usage_lines[i].op != op :
			    usage_lines[i].topic != topic)
			continue;
		fprintf(f, "%s" TB_PROG " %s\n", lead, usage_lines[i].line);
		lead = first[0] == 'U' ? "       " : first;
	}
}

void tb_usage_line(enum tb_op op, FILE *f)
{
	print_lines(f, true, op, 0, "Usage: ");
}

static const char *const topic_notes[] = {
	[TB_TOPIC_MAIN] = NULL,
	[TB_TOPIC_DEV] =
	"NAME   := IB device name, e.g. tbib0\n"
	"N      := LID, 1..0xbfff, decimal or 0x hex\n"
	"G      := node GUID: 0x0002c90300a01b2c, 0002:c903:00a0:1b2c\n"
	"          or 00:02:c9:03:00:a0:1b:2c\n",
	[TB_TOPIC_RAIL] =
	"RAIL   := rail id, or the IFNAME of a netdev rail\n"
	"W      := relative share of the traffic, 0..1000 (default 100)\n"
	"MAC    := only bind to the peer with this unicast address\n"
	"          (rail set ... peer any: bind to any peer again)\n"
	"DOMAIN-ROUTE := USB4 XDomain, e.g. 0-1\n",
	[TB_TOPIC_PEER] = NULL,
	[TB_TOPIC_STATS] =
	"Per-rail tx/rx Mbit/s and packets/s, from counter deltas.\n"
	"Without -w: one 1-second sample.  -w SECONDS: refresh until\n"
	"interrupted, or COUNT times with -c.  With -j: one JSON object per\n"
	"interval.\n",
	[TB_TOPIC_MONITOR] =
	"Print device, rail and peer events as they happen (JSON lines\n"
	"with -j) until interrupted.\n",
};

/* The top-level usage, for help and for usage errors alike. */
#define TB_MAIN_USAGE \
"Usage: " TB_PROG " [OPTIONS] OBJECT { COMMAND | help }\n" \
"       " TB_PROG " [OPTIONS] -b FILE\n"

void tb_help(enum tb_topic topic, FILE *f)
{
	if (topic == TB_TOPIC_MAIN) {
		fprintf(f,
TB_MAIN_USAGE
"where  OBJECT  := { dev | rail | peer | stats | monitor | help }\n"
"       OPTIONS := { -j[son] | -p[retty] | -s[tatistics] | -b[atch] FILE |\n"
"                    -V[ersion] | -h[elp] }\n"
"Objects, commands and keywords may be abbreviated to a unique prefix.\n"
"Commands:\n");
		print_lines(f, false, 0, TB_TOPIC_DEV, "  ");
		print_lines(f, false, 0, TB_TOPIC_RAIL, "  ");
		print_lines(f, false, 0, TB_TOPIC_PEER, "  ");
		print_lines(f, false, 0, TB_TOPIC_STATS, "  ");
		print_lines(f, false, 0, TB_TOPIC_MONITOR, "  ");
		return;
	}
	print_lines(f, false, 0, topic, "Usage: ");
	if (topic_notes[topic])
		fprintf(f, "%s", topic_notes[topic]);
}

/* ---- error helpers ---- */

static int usage_op(FILE *err, enum tb_op op, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int usage_op(FILE *err, enum tb_op op, const char *fmt, ...)
{
	va_list ap;

	fprintf(err, TB_PROG ": ");
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fputc('\n', err);
	tb_usage_line(op, err);
	return TB_EXIT_USAGE;
}

static int usage_topic(FILE *err, enum tb_topic topic, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int usage_topic(FILE *err, enum tb_topic topic, const char *fmt, ...)
{
	va_list ap;

	fprintf(err, TB_PROG ": ");
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fputc('\n', err);
	if (topic == TB_TOPIC_MAIN)
		fprintf(err, TB_MAIN_USAGE "Try \"" TB_PROG " help\".\n");
	else
		print_lines(err, false, 0, topic, "Usage: ");
	return TB_EXIT_USAGE;
}

/* Match a word; on failure print why (unknown / ambiguous + choices). */
static int match_or_fail(FILE *err, enum tb_op op, const char *what,
			 const char *arg, const struct tb_word *words)
{
	char list[256];
	int id = tb_match(arg, words);

	if (id >= 0)
		return id;
	if (tb_match_list(words, list, sizeof(list)))
		list[0] = '\0';
	usage_op(err, op, "%s %s \"%s\" (expected one of: %s)",
		 id == TB_MATCH_AMBIGUOUS ? "ambiguous" : "unknown",
		 what, arg, list);
	return -1;
}

/* The command word of an object: errors show all the object's commands. */
static int match_cmd(FILE *err, enum tb_topic topic, const char *what,
		     const char *arg, const struct tb_word *words)
{
	char list[256];
	int id = tb_match(arg, words);

	if (id >= 0)
		return id;
	if (tb_match_list(words, list, sizeof(list)))
		list[0] = '\0';
	usage_topic(err, topic, "%s %s \"%s\" (expected one of: %s)",
		    id == TB_MATCH_AMBIGUOUS ? "ambiguous" : "unknown",
		    what, arg, list);
	return -1;
}

static bool is_help(const char *arg)
{
	return !strcmp(arg, "help") || !strcmp(arg, "-h") ||
	       !strcmp(arg, "--help");
}

static int help(struct tb_req *req, enum tb_topic topic)
{
	req->op = TB_OP_HELP;
	req->help = topic;
	return TB_EXIT_OK;
}

/*
 * The argument cursor of one command.  Each accessor returns NULL (and
 * has printed the error) or the next word.
 */
struct args {
	int argc;
	char **argv;
	int i;
	FILE *err;
	struct tb_req *req;
};

static bool more(const struct args *a)
{
	return a->i < a->argc;
}

static const char *peek(const struct args *a)
{
	return more(a) ? a->argv[a->i] : NULL;
}

static const char *need(struct args *a, const char *what)
{
	if (!more(a)) {
		usage_op(a->err, a->req->op, "missing %s", what);
		return NULL;
	}
	return a->argv[a->i++];
}

static int parse_dev_name(struct args *a, const char *what)
{
	const char *s = need(a, what);

	if (!s)
		return -1;
	if (tb_check_name(s, TBIB_DEV_NAME_MAX)) {
		usage_op(a->err, a->req->op,
			 "invalid device name \"%s\" (1..%d characters, no '/', ':' or blanks)",
			 s, TBIB_DEV_NAME_MAX - 1);
		return -1;
	}
	strcpy(a->req->dev, s);
	a->req->has |= TB_HAS_DEV;
	return 0;
}

static int parse_ifname(struct args *a, const char *s, char *out)
{
	if (tb_check_name(s, IF_NAMESIZE)) {
		usage_op(a->err, a->req->op,
			 "invalid interface name \"%s\" (1..%d characters, no '/', ':' or blanks)",
			 s, IF_NAMESIZE - 1);
		return -1;
	}
	strcpy(out, s);
	return 0;
}

/*
 * RAIL: a number (all decimal digits, or 0x and hex digits) is an id,
 * anything else the netdev of a netdev rail (netdev names may start with
 * a digit: "1x" is a netdev).
 */
static bool numeric(const char *s)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return s[2] && strspn(s + 2, "0123456789abcdefABCDEF") ==
			       strlen(s + 2);
	return strspn(s, "0123456789") == strlen(s);
}

static int parse_rail(struct args *a)
{
	const char *s = need(a, "rail (id or netdev name)");

	if (!s)
		return -1;
	if (*s && numeric(s)) {
		if (tb_parse_u32(s, 0, UINT32_MAX, &a->req->rail_id)) {
			usage_op(a->err, a->req->op,
				 "invalid rail id \"%s\" (0..4294967295)", s);
			return -1;
		}
		a->req->has |= TB_HAS_RAIL_ID;
		return 0;
	}
	if (parse_ifname(a, s, a->req->rail_if))
		return -1;
	a->req->has |= TB_HAS_RAIL_IF;
	return 0;
}

static int once(struct args *a, unsigned int bit, const char *kw)
{
	if (a->req->has & bit) {
		usage_op(a->err, a->req->op, "\"%s\" given twice", kw);
		return -1;
	}
	a->req->has |= bit;
	return 0;
}

static int parse_lid_kw(struct args *a)
{
	const char *s;

	if (once(a, TB_HAS_LID, "lid"))
		return -1;
	s = need(a, "LID after \"lid\"");
	if (!s)
		return -1;
	if (tb_parse_lid(s, &a->req->lid)) {
		usage_op(a->err, a->req->op,
			 "invalid LID \"%s\" (1..0xbfff, decimal or 0x hex)", s);
		return -1;
	}
	return 0;
}

static int parse_weight_kw(struct args *a)
{
	const char *s;

	if (once(a, TB_HAS_WEIGHT, "weight"))
		return -1;
	s = need(a, "weight after \"weight\"");
	if (!s)
		return -1;
	if (tb_parse_u32(s, 0, TBIB_WEIGHT_MAX, &a->req->weight)) {
		usage_op(a->err, a->req->op,
			 "invalid weight \"%s\" (0..%d)", s, TBIB_WEIGHT_MAX);
		return -1;
	}
	return 0;
}

/*
 * Trailing options of commands that print: -s, -j, -p, and for stats -w
 * and -c.  Returns 1 if the word was one, 0 if not, -1 on error.
 */
static int parse_print_opt(struct args *a, bool watch)
{
	const char *s = peek(a);
	const char *name;
	int id;

	if (!s || s[0] != '-' || !s[1])
		return 0;
	name = s + 1 + (s[1] == '-');
	if (!strcmp(name, "w"))
		id = OPT_WATCH;
	else if (!strcmp(name, "c"))
		id = OPT_COUNT;
	else
		id = tb_match(name, global_opts);
	switch (id) {
	case OPT_STATS:
		a->req->stats = true;
		break;
	case OPT_JSON:
		a->req->json = true;
		break;
	case OPT_PRETTY:
		a->req->pretty = true;
		break;
	case OPT_WATCH:
	case OPT_COUNT:
		if (!watch)
			goto bad;
		a->i++;
		if (id == OPT_WATCH) {
			if (once(a, TB_HAS_WATCH, "-w"))
				return -1;
			s = need(a, "SECONDS after -w");
			if (!s)
				return -1;
			if (tb_parse_u32(s, 1, TB_WATCH_MAX, &a->req->watch)) {
				usage_op(a->err, a->req->op,
					 "invalid interval \"%s\" (1..%d seconds)",
					 s, TB_WATCH_MAX);
				return -1;
			}
		} else {
			if (once(a, TB_HAS_COUNT, "-c"))
				return -1;
			s = need(a, "COUNT after -c");
			if (!s)
				return -1;
			if (tb_parse_u32(s, 1, UINT32_MAX, &a->req->count)) {
				usage_op(a->err, a->req->op,
					 "invalid count \"%s\" (1..4294967295)", s);
				return -1;
			}
		}
		return 1;
	default:
		goto bad;
	}
	a->i++;
	return 1;
bad:
	usage_op(a->err, a->req->op, "unknown option \"%s\"", s);
	return -1;
}

static int extra(struct args *a)
{
	return usage_op(a->err, a->req->op, "unexpected argument \"%s\"",
			peek(a));
}

/* Trailing print options only, then the end. */
static int finish_show(struct args *a, bool watch)
{
	int r;

	while (more(a)) {
		r = parse_print_opt(a, watch);
		if (r < 0)
			return TB_EXIT_USAGE;
		if (!r)
			return extra(a);
	}
	return TB_EXIT_OK;
}

/* ---- dev ---- */

static int parse_dev(struct args *a)
{
	struct tb_req *req = a->req;
	int cmd = CMD_SHOW, kw;
	const char *s;

	if (more(a)) {
		cmd = match_cmd(a->err, TB_TOPIC_DEV, "dev command",
				    a->argv[a->i], dev_cmds);
		if (cmd < 0)
			return TB_EXIT_USAGE;
		a->i++;
	}
	switch (cmd) {
	case CMD_HELP:
		return help(req, TB_TOPIC_DEV);
	case CMD_ADD:
		req->op = TB_OP_DEV_ADD;
		break;
	case CMD_DEL:
		req->op = TB_OP_DEV_DEL;
		break;
	case CMD_SET:
		req->op = TB_OP_DEV_SET;
		break;
	default:
		req->op = TB_OP_DEV_SHOW;
		if (more(a) && a->argv[a->i][0] != '-' &&
		    parse_dev_name(a, "device name"))
			return TB_EXIT_USAGE;
		return finish_show(a, false);
	}

	if (parse_dev_name(a, "device name"))
		return TB_EXIT_USAGE;
	if (req->op == TB_OP_DEV_DEL)
		return more(a) ? extra(a) : TB_EXIT_OK;

	while (more(a)) {
		s = a->argv[a->i];
		kw = match_or_fail(a->err, req->op, "keyword", s,
				   req->op == TB_OP_DEV_ADD ? dev_add_kws :
							      dev_set_kws);
		if (kw < 0)
			return TB_EXIT_USAGE;
		a->i++;
		if (kw == KW_LID) {
			if (parse_lid_kw(a))
				return TB_EXIT_USAGE;
		} else {
			if (once(a, TB_HAS_GUID, "guid"))
				return TB_EXIT_USAGE;
			s = need(a, "GUID after \"guid\"");
			if (!s)
				return TB_EXIT_USAGE;
			if (tb_parse_guid(s, &req->guid))
				return usage_op(a->err, req->op,
						"invalid GUID \"%s\" (0x + 16 hex digits, xxxx:xxxx:xxxx:xxxx or xx:xx:xx:xx:xx:xx:xx:xx; not zero)",
						s);
		}
	}
	if (req->op == TB_OP_DEV_SET && !(req->has & TB_HAS_LID))
		return usage_op(a->err, req->op, "nothing to set");
	return TB_EXIT_OK;
}

/* ---- rail ---- */

/* One keyword of rail add / rail set and its value. */
static int parse_rail_kw(struct args *a, int kw)
{
	struct tb_req *req = a->req;
	const char *s;
	int v;

	if (kw == KW_WEIGHT)
		return parse_weight_kw(a);
	if (req->op == TB_OP_RAIL_ADD && kw != KW_STATE &&
	    req->rail_type != TBIB_RAIL_TYPE_NETDEV) {
		usage_op(a->err, req->op, "\"%s\" only applies to netdev rails",
			 kw == KW_PEER ? "peer" : "csum");
		return -1;
	}
	switch (kw) {
	case KW_PEER:
		if (once(a, TB_HAS_MAC, "peer"))
			return -1;
		s = need(a, "MAC after \"peer\"");
		if (!s)
			return -1;
		/* rail set: "peer any" lifts the restriction (zero MAC) */
		if (req->op == TB_OP_RAIL_SET && !strcmp(s, "any")) {
			memset(req->mac, 0, sizeof(req->mac));
			return 0;
		}
		if (tb_parse_mac(s, req->mac)) {
			usage_op(a->err, req->op,
				 "invalid peer MAC \"%s\" (unicast aa:bb:cc:dd:ee:ff%s)",
				 s, req->op == TB_OP_RAIL_SET ? " or any" : "");
			return -1;
		}
		return 0;
	case KW_CSUM:
		if (once(a, TB_HAS_CSUM, "csum"))
			return -1;
		s = need(a, "on or off after \"csum\"");
		if (!s)
			return -1;
		v = match_or_fail(a->err, req->op, "csum value", s, on_off);
		if (v < 0)
			return -1;
		req->csum = (uint8_t)v;
		return 0;
	default:	/* KW_STATE */
		if (once(a, TB_HAS_ADMIN, "state"))
			return -1;
		s = need(a, "up or down after \"state\"");
		if (!s)
			return -1;
		v = match_or_fail(a->err, req->op, "state", s, up_down);
		if (v < 0)
			return -1;
		req->admin = (uint8_t)v;
		return 0;
	}
}

static int parse_rail_add(struct args *a)
{
	struct tb_req *req = a->req;
	const char *s;
	int type, kw;

	if (parse_dev_name(a, "device name"))
		return TB_EXIT_USAGE;
	s = need(a, "rail type (netdev or usb4)");
	if (!s)
		return TB_EXIT_USAGE;
	type = match_or_fail(a->err, req->op, "rail type", s, rail_types);
	if (type < 0)
		return TB_EXIT_USAGE;
	if (type == KW_NETDEV) {
		req->rail_type = TBIB_RAIL_TYPE_NETDEV;
		s = need(a, "IFNAME after \"netdev\"");
		if (!s || parse_ifname(a, s, req->ifname))
			return TB_EXIT_USAGE;
	} else {
		req->rail_type = TBIB_RAIL_TYPE_USB4;
		s = need(a, "DOMAIN-ROUTE after \"usb4\"");
		if (!s)
			return TB_EXIT_USAGE;
		if (tb_parse_usb4_ep(s))
			return usage_op(a->err, req->op,
					"invalid USB4 endpoint \"%s\" (DOMAIN-ROUTE, e.g. 0-1)",
					s);
		strcpy(req->usb4_ep, s);
	}

	while (more(a)) {
		kw = match_or_fail(a->err, req->op, "keyword", a->argv[a->i],
				   rail_add_kws);
		if (kw < 0)
			return TB_EXIT_USAGE;
		a->i++;
		if (parse_rail_kw(a, kw))
			return TB_EXIT_USAGE;
	}
	return TB_EXIT_OK;
}

static int parse_rail_set(struct args *a)
{
	struct tb_req *req = a->req;
	int kw;

	if (parse_dev_name(a, "device name") || parse_rail(a))
		return TB_EXIT_USAGE;
	while (more(a)) {
		kw = match_or_fail(a->err, req->op, "keyword", a->argv[a->i],
				   rail_set_kws);
		if (kw < 0)
			return TB_EXIT_USAGE;
		a->i++;
		if (parse_rail_kw(a, kw))
			return TB_EXIT_USAGE;
	}
	if (!(req->has & (TB_HAS_WEIGHT | TB_HAS_ADMIN | TB_HAS_CSUM |
			  TB_HAS_MAC)))
		return usage_op(a->err, req->op, "nothing to set");
	return TB_EXIT_OK;
}

static int parse_rail_cmd(struct args *a)
{
	struct tb_req *req = a->req;
	int cmd = CMD_SHOW;

	if (more(a)) {
		cmd = match_cmd(a->err, TB_TOPIC_RAIL, "rail command",
				    a->argv[a->i], rail_cmds);
		if (cmd < 0)
			return TB_EXIT_USAGE;
		a->i++;
	}
	switch (cmd) {
	case CMD_HELP:
		return help(req, TB_TOPIC_RAIL);
	case CMD_ADD:
		req->op = TB_OP_RAIL_ADD;
		return parse_rail_add(a);
	case CMD_DEL:
		req->op = TB_OP_RAIL_DEL;
		if (parse_dev_name(a, "device name") || parse_rail(a))
			return TB_EXIT_USAGE;
		return more(a) ? extra(a) : TB_EXIT_OK;
	case CMD_SET:
		req->op = TB_OP_RAIL_SET;
		return parse_rail_set(a);
	default:
		req->op = TB_OP_RAIL_SHOW;
		if (more(a) && a->argv[a->i][0] != '-') {
			if (parse_dev_name(a, "device name"))
				return TB_EXIT_USAGE;
			if (more(a) && a->argv[a->i][0] != '-' &&
			    parse_rail(a))
				return TB_EXIT_USAGE;
		}
		return finish_show(a, false);
	}
}

/* ---- peer, stats, monitor ---- */

static int parse_peer(struct args *a)
{
	int cmd = CMD_SHOW;

	if (more(a) && a->argv[a->i][0] != '-') {
		cmd = match_cmd(a->err, TB_TOPIC_PEER, "peer command",
				    a->argv[a->i], peer_cmds);
		if (cmd < 0)
			return TB_EXIT_USAGE;
		a->i++;
	}
	if (cmd == CMD_HELP)
		return help(a->req, TB_TOPIC_PEER);
	a->req->op = TB_OP_PEER_SHOW;
	if (more(a) && a->argv[a->i][0] != '-' &&
	    parse_dev_name(a, "device name"))
		return TB_EXIT_USAGE;
	return finish_show(a, false);
}

static int parse_stats(struct args *a)
{
	const char *s = peek(a);

	a->req->op = TB_OP_STATS;
	/* "show" is accepted (exactly) as a no-op command word. */
	if (s && (!strcmp(s, "show") || !strcmp(s, "list")))
		a->i++;
	s = peek(a);
	if (s && s[0] != '-' && parse_dev_name(a, "device name"))
		return TB_EXIT_USAGE;
	if (finish_show(a, true))
		return TB_EXIT_USAGE;
	if ((a->req->has & TB_HAS_COUNT) && !(a->req->has & TB_HAS_WATCH))
		return usage_op(a->err, a->req->op, "-c needs -w");
	return TB_EXIT_OK;
}

static const struct tb_word mon_objs[] = {
	{ "all", TB_MON_ALL },
	{ "dev", TB_MON_DEV },
	{ "rail", TB_MON_RAIL },
	{ "peer", TB_MON_PEER },
	{ NULL, 0 }
};

static int parse_monitor(struct args *a)
{
	int id;

	a->req->op = TB_OP_MONITOR;
	if (more(a) && a->argv[a->i][0] != '-') {
		id = match_or_fail(a->err, TB_OP_MONITOR, "event class",
				   a->argv[a->i], mon_objs);
		if (id < 0)
			return TB_EXIT_USAGE;
		a->req->mon = (unsigned int)id;
		a->i++;
	}
	return finish_show(a, false);
}

static const enum tb_topic obj_topic[] = {
	[OBJ_DEV] = TB_TOPIC_DEV,
	[OBJ_RAIL] = TB_TOPIC_RAIL,
	[OBJ_PEER] = TB_TOPIC_PEER,
	[OBJ_STATS] = TB_TOPIC_STATS,
	[OBJ_MONITOR] = TB_TOPIC_MONITOR,
	[OBJ_HELP] = TB_TOPIC_MAIN,
};

int tb_parse(int argc, char **argv, struct tb_req *req, FILE *err)
{
	struct args a = { .argc = argc, .argv = argv, .i = 1, .err = err,
			  .req = req };
	char list[128];
	int obj, i;

	memset(req, 0, sizeof(*req));
	if (argc < 1)
		return usage_topic(err, TB_TOPIC_MAIN, "missing object");
	obj = tb_match(argv[0], objects);
	if (obj < 0) {
		if (tb_match_list(objects, list, sizeof(list)))
			list[0] = '\0';
		return usage_topic(err, TB_TOPIC_MAIN,
				   "%s object \"%s\" (expected one of: %s)",
				   obj == TB_MATCH_AMBIGUOUS ? "ambiguous" :
							       "unknown",
				   argv[0], list);
	}
	if (obj == OBJ_HELP) {
		if (argc > 2)
			return usage_topic(err, TB_TOPIC_MAIN,
					   "unexpected argument \"%s\"",
					   argv[2]);
		if (argc == 2) {
			obj = tb_match(argv[1], objects);
			if (obj < 0)
				return usage_topic(err, TB_TOPIC_MAIN,
						   "no help on \"%s\"",
						   argv[1]);
		}
		return help(req, obj_topic[obj]);
	}
	/* "help" anywhere after the object: that object's help. */
	for (i = 1; i < argc; i++)
		if (is_help(argv[i]))
			return help(req, obj_topic[obj]);

	switch (obj) {
	case OBJ_DEV:
		return parse_dev(&a);
	case OBJ_RAIL:
		return parse_rail_cmd(&a);
	case OBJ_PEER:
		return parse_peer(&a);
	case OBJ_STATS:
		return parse_stats(&a);
	default:
		return parse_monitor(&a);
	}
}

int tb_parse_cmdline(int argc, char **argv, struct tb_opts *opts,
		     struct tb_req *req, FILE *err)
{
	const char *s, *name;
	int i, id;

	memset(req, 0, sizeof(*req));
	for (i = 1; i < argc; i++) {
		s = argv[i];
		if (s[0] != '-' || !s[1])
			break;
		if (!strcmp(s, "--")) {
			i++;
			break;
		}
		name = s + 1 + (s[1] == '-');
		id = !strcmp(name, "V") ? OPT_VERSION :
		     !strcmp(name, "h") ? OPT_HELP :
		     tb_match(name, global_opts);
		switch (id) {
		case OPT_JSON:
			opts->json = true;
			break;
		case OPT_PRETTY:
			opts->pretty = true;
			break;
		case OPT_STATS:
			opts->stats = true;
			break;
		case OPT_BATCH:
			if (i + 1 >= argc)
				return usage_topic(err, TB_TOPIC_MAIN,
						   "-b needs a FILE (or - for stdin)");
			opts->batch = argv[++i];
			break;
		case OPT_VERSION:
			req->op = TB_OP_VERSION;
			return TB_EXIT_OK;
		case OPT_HELP:
			return help(req, TB_TOPIC_MAIN);
		default:
			return usage_topic(err, TB_TOPIC_MAIN,
					   "%s option \"%s\"",
					   id == TB_MATCH_AMBIGUOUS ?
					   "ambiguous" : "unknown", s);
		}
	}
	if (opts->batch) {
		if (i < argc)
			return usage_topic(err, TB_TOPIC_MAIN,
					   "-b takes no command (got \"%s\")",
					   argv[i]);
		req->op = TB_OP_NONE;
		return TB_EXIT_OK;
	}
	if (i >= argc)
		return usage_topic(err, TB_TOPIC_MAIN, "missing object");
	return tb_parse(argc - i, argv + i, req, err);
}
