/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tbibctl: shared declarations.
 *
 * The tool is split so that everything up to a filled-in struct tb_req
 * (command line, batch lines, numbers, names) is plain C with no netlink,
 * testable on the host (tests/tbibctl/).  msg.c turns a request into a
 * generic netlink message, nl.c talks to the kernel, and dev.c, rail.c,
 * peer.c, stats.c and monitor.c run the commands and print the answers.
 */
#ifndef TBIBCTL_H
#define TBIBCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <net/if.h>

#include "tbib.h"

#define TB_PROG		"tbibctl"
#define TB_VERSION	"0.1"

/* Exit codes, as iproute2: 0 ok, 1 the command failed, 2 bad usage. */
#define TB_EXIT_OK	0
#define TB_EXIT_FAIL	1
#define TB_EXIT_USAGE	2

#define TB_LID_MIN	1
#define TB_LID_MAX	0xbfff		/* last unicast LID */
#define TB_USB4_EP_MAX	32		/* "DOMAIN-ROUTE" */
#define TB_WATCH_MAX	86400		/* seconds between stats refreshes */

enum tb_op {
	TB_OP_NONE,
	TB_OP_HELP,		/* print help for req->help and exit 0 */
	TB_OP_VERSION,
	TB_OP_DEV_ADD,
	TB_OP_DEV_DEL,
	TB_OP_DEV_SHOW,
	TB_OP_DEV_SET,
	TB_OP_RAIL_ADD,
	TB_OP_RAIL_DEL,
	TB_OP_RAIL_SET,
	TB_OP_RAIL_SHOW,
	TB_OP_PEER_SHOW,
	TB_OP_STATS,
	TB_OP_MONITOR,
};

/* Which help text or usage line to print. */
enum tb_topic {
	TB_TOPIC_MAIN,
	TB_TOPIC_DEV,
	TB_TOPIC_RAIL,
	TB_TOPIC_PEER,
	TB_TOPIC_STATS,
	TB_TOPIC_MONITOR,
};

/* Bits of tb_req.has: which optional fields the user gave. */
#define TB_HAS_DEV	(1u << 0)
#define TB_HAS_LID	(1u << 1)
#define TB_HAS_GUID	(1u << 2)
#define TB_HAS_WEIGHT	(1u << 3)
#define TB_HAS_MAC	(1u << 4)
#define TB_HAS_CSUM	(1u << 5)
#define TB_HAS_ADMIN	(1u << 6)
#define TB_HAS_RAIL_ID	(1u << 7)	/* rail named by its id */
#define TB_HAS_RAIL_IF	(1u << 8)	/* rail named by its netdev */
#define TB_HAS_WATCH	(1u << 9)
#define TB_HAS_COUNT	(1u << 10)

enum { TB_MON_ALL, TB_MON_DEV, TB_MON_RAIL, TB_MON_PEER };

/* Global options; batch lines share those of the command line. */
struct tb_opts {
	bool json;
	bool pretty;
	bool stats;
	const char *batch;	/* -b FILE, "-" = stdin */
};

/* One parsed command: everything needed to build its netlink message. */
struct tb_req {
	enum tb_op op;
	enum tb_topic help;	/* TB_OP_HELP: which text */
	unsigned int has;	/* TB_HAS_* */
	bool stats;		/* -s given after the command */
	bool json;		/* -j given after the command */
	bool pretty;		/* -p given after the command */
	unsigned int mon;	/* monitor filter: TB_MON_* */
	char dev[TBIB_DEV_NAME_MAX];
	uint32_t lid;
	uint64_t guid;
	uint32_t rail_type;	/* enum tbib_rail_type, rail add */
	char ifname[IF_NAMESIZE];	/* netdev of rail add */
	char usb4_ep[TB_USB4_EP_MAX + 1];
	uint32_t weight;
	uint8_t mac[6];
	uint8_t csum;
	uint8_t admin;		/* enum tbib_admin_state */
	uint32_t rail_id;	/* TB_HAS_RAIL_ID */
	char rail_if[IF_NAMESIZE];	/* TB_HAS_RAIL_IF */
	uint32_t watch;		/* stats -w SECONDS */
	uint32_t count;		/* stats -c COUNT */
};

/* ---- utils.c: words, numbers, addresses ---- */

/*
 * A keyword table for unique-prefix matching.  Several words may share an
 * id (aliases such as "show"/"list"); a prefix is ambiguous only when it
 * matches words of different ids and none of them exactly.
 */
struct tb_word {
	const char *word;
	int id;
};

#define TB_MATCH_NONE		(-1)
#define TB_MATCH_AMBIGUOUS	(-2)

int tb_match(const char *arg, const struct tb_word *words);
int tb_match_list(const struct tb_word *words, char *buf, size_t len);

int tb_parse_u64(const char *s, uint64_t max, uint64_t *out);
int tb_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
int tb_parse_lid(const char *s, uint32_t *lid);
int tb_parse_guid(const char *s, uint64_t *guid);
int tb_parse_mac(const char *s, uint8_t mac[6]);
int tb_parse_usb4_ep(const char *s);
int tb_check_name(const char *s, size_t max);

void tb_fmt_guid(uint64_t guid, char *buf, size_t len);
void tb_fmt_mac(const uint8_t *mac, char *buf, size_t len);
const char *tb_dev_state_name(unsigned int state, char *buf, size_t len);
const char *tb_rail_state_name(unsigned int state, char *buf, size_t len);
const char *tb_rail_type_name(unsigned int type, char *buf, size_t len);

/* ---- parse.c: command line -> request ---- */

/*
 * Parse OBJECT COMMAND ARGS (after the global options).  Returns
 * TB_EXIT_OK with *req filled in, or TB_EXIT_USAGE after printing what is
 * wrong and the usage line of the command to err.
 */
int tb_parse(int argc, char **argv, struct tb_req *req, FILE *err);

/*
 * Parse global options then the command.  *argi gets the index of the
 * object word.  Returns TB_EXIT_OK or TB_EXIT_USAGE (message printed).
 * When only options were given (-b FILE, -V, -h) req->op says what to do.
 */
int tb_parse_cmdline(int argc, char **argv, struct tb_opts *opts,
		     struct tb_req *req, FILE *err);

void tb_usage_line(enum tb_op op, FILE *f);
void tb_help(enum tb_topic topic, FILE *f);

/* ---- batch.c ---- */

#define TB_BATCH_MAX_ARGS	64

/*
 * Split one batch line into words in place: blanks separate words,
 * "..." and '...' quote, backslash escapes the next character, '#' at the
 * start of a word starts a comment.  Returns the number of words, or -1
 * (message in *why) for an unterminated quote or too many words.
 */
int tb_split_line(char *line, char **argv, int max, const char **why);

typedef int (*tb_exec_fn)(const struct tb_req *req, void *arg);

/*
 * Read commands from f, parse each and run it with exec.  Stops at the
 * first line that fails, reporting "NAME:LINE" on err, and returns that
 * line's exit code; TB_EXIT_OK when all lines succeeded.
 */
int tb_batch(FILE *f, const char *name, tb_exec_fn exec, void *arg,
	     FILE *err);

/* ---- json.c: a small streaming JSON writer ---- */

#define TB_JSON_DEPTH	16

struct tb_json {
	FILE *f;
	bool pretty;
	int depth;
	bool first[TB_JSON_DEPTH];
};

void tb_json_init(struct tb_json *j, FILE *f, bool pretty);
void tb_json_obj_open(struct tb_json *j, const char *key);
void tb_json_obj_close(struct tb_json *j);
void tb_json_arr_open(struct tb_json *j, const char *key);
void tb_json_arr_close(struct tb_json *j);
void tb_json_str(struct tb_json *j, const char *key, const char *val);
void tb_json_u64(struct tb_json *j, const char *key, uint64_t val);
void tb_json_double(struct tb_json *j, const char *key, double val);
void tb_json_bool(struct tb_json *j, const char *key, bool val);
void tb_json_null(struct tb_json *j, const char *key);
void tb_json_string(FILE *f, const char *s);

/*
 * The array of a show command, opened at the first object so that a
 * command that fails before printing anything prints no JSON at all.
 */
struct tb_list {
	struct tb_json j;
	bool json;
	bool opened;
};

void tb_list_begin(struct tb_list *l, FILE *f, bool json, bool pretty);
struct tb_json *tb_list_item(struct tb_list *l);
void tb_list_end(struct tb_list *l, bool ok);

/* ---- stats.c: the counters nest ---- */

#define TB_STATS_N	(TBIB_A_STATS_MAX + 1)

struct tb_stats {
	bool valid;
	uint64_t v[TB_STATS_N];
	bool has[TB_STATS_N];
};

/* ---- objects as read from the kernel; has bits say what was present ---- */

struct tb_dev_info {
	char name[TBIB_DEV_NAME_MAX];
	bool has_name, has_index, has_guid, has_lid, has_state, has_rate;
	bool has_rails, has_peers, has_conflict;
	uint32_t index;
	uint64_t guid;
	uint32_t lid;
	uint8_t state;
	uint64_t rate;
	uint32_t num_rails;
	uint32_t num_peers;
	uint8_t lid_conflict;
	struct tb_stats stats;
};

struct tb_rail_info {
	char dev[TBIB_DEV_NAME_MAX];
	char ifname[IF_NAMESIZE];
	char usb4_ep[TB_USB4_EP_MAX + 1];
	bool has_dev, has_id, has_type, has_ifindex, has_ifname, has_usb4_ep;
	bool has_peer_mac, has_weight, has_csum, has_admin, has_oper;
	bool has_mtu, has_rate, has_peer_guid, has_peer_lid, has_peer_addr;
	bool has_peer_bound;
	uint32_t id;
	uint32_t type;
	uint32_t ifindex;
	uint8_t peer_mac[6];
	uint32_t weight;
	uint8_t csum;
	uint8_t admin;
	uint8_t oper;
	uint32_t mtu;
	uint64_t rate;
	uint64_t peer_guid;
	uint32_t peer_lid;
	uint8_t peer_addr[6];
	uint8_t peer_bound;
	struct tb_stats stats;
};

#define TB_PEER_RAILS_MAX	256

struct tb_peer_info {
	char dev[TBIB_DEV_NAME_MAX];
	bool has_dev, has_guid, has_lid, has_conflict;
	uint64_t guid;
	uint32_t lid;
	uint8_t lid_conflict;
	unsigned int num_rails;
	bool rails_truncated;
	uint32_t rails[TB_PEER_RAILS_MAX];
	struct tb_stats stats;
};

struct nlattr;
struct nl_msg;

int tb_stats_parse(struct nlattr *nest, struct tb_stats *st);
void tb_stats_print(const struct tb_stats *st, FILE *f, const char *indent);
void tb_stats_json(struct tb_json *j, const struct tb_stats *st);

int tb_dev_parse(struct nl_msg *msg, struct tb_dev_info *d);
void tb_dev_print(const struct tb_dev_info *d, bool stats, FILE *f);
void tb_dev_json(struct tb_json *j, const char *key,
		 const struct tb_dev_info *d, bool stats);

int tb_rail_parse(struct nl_msg *msg, struct tb_rail_info *r);
void tb_rail_print(const struct tb_rail_info *r, bool stats, FILE *f);
void tb_rail_json(struct tb_json *j, const char *key,
		  const struct tb_rail_info *r, bool stats);

int tb_peer_parse(struct nl_msg *msg, struct tb_peer_info *p);
void tb_peer_print(const struct tb_peer_info *p, bool stats, FILE *f);
void tb_peer_json(struct tb_json *j, const char *key,
		  const struct tb_peer_info *p, bool stats);

/* ---- msg.c: request -> netlink message ---- */

/*
 * Fill msg (allocated by the caller) with the genl header and attributes
 * of req's kernel command.  Returns 0 or a negative libnl error.
 */
int tb_msg_build(struct nl_msg *msg, int family, const struct tb_req *req);
int tb_msg_cmd(const struct tb_req *req, bool *dump);

/* ---- nl.c ---- */

struct nl_sock;

struct tb_ctx {
	struct tb_opts opts;
	struct nl_sock *sk;
	int family;		/* 0 until connected */
	FILE *out;
};

/* Called for every reply object; return 0 to go on, <0 to stop (error). */
typedef int (*tb_reply_fn)(struct nl_msg *msg, void *arg);

/* A generic netlink socket with extended ACKs, no family yet. */
int tb_nl_open(struct tb_ctx *ctx);
/* tb_nl_open + resolve the "tbib" family; prints why not. */
int tb_nl_connect(struct tb_ctx *ctx);
void tb_nl_close(struct tb_ctx *ctx);
/*
 * Send msg (consumed) and read replies until the ACK or the end of the
 * dump, calling fn for each reply.  Kernel errors are printed as
 * "tbibctl: <extack> (<strerror>)", with what as the message when the
 * kernel gave none.  Returns 0 or TB_EXIT_FAIL.
 */
int tb_nl_talk(struct tb_ctx *ctx, struct nl_msg *msg, tb_reply_fn fn,
	       void *arg, const char *what);
/* As tb_nl_talk, but builds the message for req. */
int tb_nl_request(struct tb_ctx *ctx, const struct tb_req *req,
		  tb_reply_fn fn, void *arg, const char *what);
int tb_nl_mcast_group(struct tb_ctx *ctx, const char *family,
		      const char *group);

/* ---- per-object command runners ---- */

int tb_dev_exec(struct tb_ctx *ctx, const struct tb_req *req);
int tb_rail_exec(struct tb_ctx *ctx, const struct tb_req *req);
int tb_peer_exec(struct tb_ctx *ctx, const struct tb_req *req);
int tb_stats_exec(struct tb_ctx *ctx, const struct tb_req *req);
int tb_monitor_exec(struct tb_ctx *ctx, const struct tb_req *req);

/* Print "tbibctl: fmt\n" to stderr. */
void tb_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* TBIBCTL_H */
