// SPDX-License-Identifier: GPL-2.0
/*
 * genl-garbage: talk to the tbib generic netlink family with raw netlink
 * (no libnl), to check what tbibctl never sends.
 *
 *   genl-garbage malformed IFNAME [BUSY_IFNAME]
 *	Sends missing, oversized, wrong-type, truncated and nested-garbage
 *	attributes, bad headers and unknown commands; every one must fail
 *	with the expected errno and (where the kernel's generic code is not
 *	the one answering) an extack message.  IFNAME is a free netdev used
 *	for the rail commands; BUSY_IFNAME one that already serves a rail.
 *	Exits 1 on any unexpected success or wrong answer.
 *   genl-garbage fuzz N SEED
 *	N random messages (random command, header, attributes); only
 *	checks that every request is answered.  Deletes what it created.
 *   genl-garbage unpriv
 *	Drops root (uid 65534, no capabilities) and checks that every
 *	mutating command fails with EPERM while GET still works.
 *   genl-garbage cycle N DEV IFNAME
 *	N times: DEV_NEW DEV, RAIL_ADD IFNAME, RAIL_DEL, DEV_DEL.
 *   genl-garbage count {dev|rail|peer} [DEV]
 *	Dumps the objects, checks that no object comes twice and that the
 *	dump was consistent, prints the count.
 *   genl-garbage count-parts {dev|rail|peer} [DEV]
 *	The same, and prints how many datagrams the dump took.
 *   genl-garbage monitor SECONDS
 *	Prints the events of the "events" group, one line each
 *	("CMD name"), for SECONDS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "../../netlink/uapi/tbib.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static int sock = -1;
static int recv_parts;		/* datagrams that carried dump replies */
static int family_id;
static uint32_t seqno = 1;
static int failures;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "genl-garbage: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(2);
}

/* ---- message building ---- */

struct msg {
	union {
		struct nlmsghdr nlh;
		char buf[16384];
	};
};

static void msg_init(struct msg *m, int type, int flags, uint8_t cmd,
		     uint8_t version)
{
	struct genlmsghdr *g;

	memset(m, 0, sizeof(*m));
	m->nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->nlh.nlmsg_type = type;
	m->nlh.nlmsg_flags = NLM_F_REQUEST | flags;
	m->nlh.nlmsg_seq = seqno++;
	g = NLMSG_DATA(&m->nlh);
	g->cmd = cmd;
	g->version = version;
}

static void *msg_tail(struct msg *m)
{
	return m->buf + NLMSG_ALIGN(m->nlh.nlmsg_len);
}

/* Appends an attribute with an arbitrary declared length. */
static struct nlattr *put_raw(struct msg *m, uint16_t type, uint16_t nla_len,
			      const void *data, size_t datalen)
{
	struct nlattr *a = msg_tail(m);

	if (NLMSG_ALIGN(m->nlh.nlmsg_len) + NLA_HDRLEN + datalen + 8 >
	    sizeof(m->buf))
		die("message too large");
	a->nla_type = type;
	a->nla_len = nla_len;
	memcpy((char *)a + NLA_HDRLEN, data, datalen);
	m->nlh.nlmsg_len = NLMSG_ALIGN(m->nlh.nlmsg_len) +
			   NLA_ALIGN(NLA_HDRLEN + datalen);
	return a;
}

static void put(struct msg *m, uint16_t type, const void *data, size_t len)
{
	put_raw(m, type, NLA_HDRLEN + len, data, len);
}

static void put_u8(struct msg *m, uint16_t type, uint8_t v)
{
	put(m, type, &v, 1);
}

static void put_u16(struct msg *m, uint16_t type, uint16_t v)
{
	put(m, type, &v, 2);
}

static void put_u32(struct msg *m, uint16_t type, uint32_t v)
{
	put(m, type, &v, 4);
}

static void put_u64(struct msg *m, uint16_t type, uint64_t v)
{
	put(m, type, &v, 8);
}

static void put_str(struct msg *m, uint16_t type, const char *s)
{
	put(m, type, s, strlen(s) + 1);
}

static struct nlattr *nest_start(struct msg *m, uint16_t type)
{
	return put_raw(m, type | NLA_F_NESTED, NLA_HDRLEN, NULL, 0);
}

static void nest_end(struct msg *m, struct nlattr *a)
{
	a->nla_len = (char *)msg_tail(m) - (char *)a;
}

/* ---- talking ---- */

struct answer {
	int error;		/* 0 or a positive errno */
	char extack[256];	/* NLMSGERR_ATTR_MSG */
	int miss_type;		/* NLMSGERR_ATTR_MISS_TYPE or -1 */
	int has_offs;		/* NLMSGERR_ATTR_OFFS present */
	int replies;		/* non-error messages received */
};

static void open_sock(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 10 };
	int one = 1;

	sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (sock < 0)
		die("socket: %s", strerror(errno));
	if (bind(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("bind: %s", strerror(errno));
	setsockopt(sock, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(sock, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/* Extack TLVs of an error (or of the DONE of a dump: @done). */
static void parse_err(struct nlmsghdr *nh, struct answer *ans, bool done)
{
	struct nlmsgerr *e = NLMSG_DATA(nh);
	size_t off = sizeof(*e);
	struct nlattr *a;
	int rem;

	ans->error = -e->error;
	if (done)
		off = sizeof(int);
	if (!(nh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!done && !(nh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	a = (struct nlattr *)((char *)e + off);
	rem = (int)NLMSG_PAYLOAD(nh, 0) - (int)off;
	while (rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= rem) {
		void *d = (char *)a + NLA_HDRLEN;
		int l = a->nla_len - NLA_HDRLEN;

		switch (a->nla_type & NLA_TYPE_MASK) {
		case NLMSGERR_ATTR_MSG:
			snprintf(ans->extack, sizeof(ans->extack), "%.*s", l,
				 (char *)d);
			break;
		case NLMSGERR_ATTR_OFFS:
			ans->has_offs = 1;
			break;
#ifdef NLMSGERR_ATTR_MISS_TYPE
		case NLMSGERR_ATTR_MISS_TYPE:
			if (l >= 4)
				ans->miss_type = *(uint32_t *)d;
			break;
#endif
		}
		rem -= NLA_ALIGN(a->nla_len);
		a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
	}
}

typedef void (*reply_fn)(struct nlmsghdr *nh, void *arg);

/*
 * Sends @m (with its own declared length, possibly a lie) and collects
 * the answer until the ACK/error or the end of a dump.
 */
static int talk_len(struct msg *m, size_t sendlen, struct answer *ans,
		    reply_fn fn, void *arg)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	static char rbuf[65536];
	uint32_t seq = m->nlh.nlmsg_seq;
	bool dump = m->nlh.nlmsg_flags & NLM_F_DUMP;

	memset(ans, 0, sizeof(*ans));
	ans->miss_type = -1;
	m->nlh.nlmsg_flags |= NLM_F_ACK;
	/* a shorter length cuts the message (the kernel drops a header
	 * that claims more than it got, so the header says it too)
	 */
	m->nlh.nlmsg_len = sendlen;
	if (sendto(sock, m->buf, sendlen, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		die("sendto: %s", strerror(errno));
	for (;;) {
		ssize_t n = recv(sock, rbuf, sizeof(rbuf), 0);
		struct nlmsghdr *nh;

		if (n < 0)
			die("recv: %s (no answer from the kernel)",
			    strerror(errno));
		recv_parts++;
		for (nh = (struct nlmsghdr *)rbuf; NLMSG_OK(nh, (size_t)n);
		     nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_seq != seq)
				continue;	/* a late answer of an older one */
			if (nh->nlmsg_type == NLMSG_ERROR) {
				parse_err(nh, ans, false);
				return ans->error;
			}
			if (nh->nlmsg_type == NLMSG_DONE) {
				if (nh->nlmsg_len >= NLMSG_LENGTH(4))
					parse_err(nh, ans, true);
				if (nh->nlmsg_flags & NLM_F_DUMP_INTR)
					ans->error = EINTR;
				/* with NLM_F_ACK a dump may still end in an ACK */
				return ans->error;
			}
			if (nh->nlmsg_flags & NLM_F_DUMP_INTR)
				ans->error = EINTR;
			ans->replies++;
			if (fn)
				fn(nh, arg);
		}
		(void)dump;
	}
}

static int talk(struct msg *m, struct answer *ans, reply_fn fn, void *arg)
{
	return talk_len(m, m->nlh.nlmsg_len, ans, fn, arg);
}

static void resolve_family(void)
{
	struct answer ans;
	struct msg m;
	char rbuf[8192];
	struct nlmsghdr *nh;
	ssize_t n;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	msg_init(&m, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1);
	put_str(&m, CTRL_ATTR_FAMILY_NAME, TBIB_GENL_NAME);
	if (sendto(sock, m.buf, m.nlh.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		die("sendto: %s", strerror(errno));
	n = recv(sock, rbuf, sizeof(rbuf), 0);
	if (n < 0)
		die("recv: %s", strerror(errno));
	nh = (struct nlmsghdr *)rbuf;
	if (nh->nlmsg_type == NLMSG_ERROR) {
		memset(&ans, 0, sizeof(ans));
		parse_err(nh, &ans, false);
		die("family %s not found: %s (is tbib loaded?)", TBIB_GENL_NAME,
		    strerror(ans.error));
	}
	{
		struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(nh) +
						     GENL_HDRLEN);
		int rem = nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

		while (rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN) {
			if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
				family_id = *(uint16_t *)((char *)a + NLA_HDRLEN);
			rem -= NLA_ALIGN(a->nla_len);
			a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
		}
	}
	if (!family_id)
		die("no family id in the answer");
}

static void tbib_msg(struct msg *m, uint8_t cmd)
{
	msg_init(m, family_id, 0, cmd, TBIB_GENL_VERSION);
}

/* ---- expectations ---- */

enum { MSG_ANY, MSG_NEED };

/*
 * @want: expected positive errno, or -1 for "any error".
 * @need_msg: MSG_NEED when the answer must carry an extack message (or a
 * missing-attribute report).
 */
static void expect(const char *what, struct msg *m, size_t sendlen, int want,
		   int need_msg)
{
	struct answer ans;
	int err = talk_len(m, sendlen, &ans, NULL, NULL);
	bool ok = want < 0 ? err != 0 : err == want;

	if (ok && need_msg == MSG_NEED && !ans.extack[0] && ans.miss_type < 0)
		ok = false;
	printf("%s %-44s -> %s%s%s%s\n", ok ? "ok  " : "FAIL", what,
	       err ? strerror(err) : "success",
	       ans.extack[0] ? " \"" : "", ans.extack,
	       ans.extack[0] ? "\"" : "");
	if (ans.miss_type >= 0)
		printf("     (missing attribute %d reported)\n", ans.miss_type);
	if (!ok) {
		if (!err)
			printf("     unexpected success\n");
		else if (want >= 0 && err != want)
			printf("     expected %s\n", strerror(want));
		else
			printf("     no extack message\n");
		failures++;
	}
}

#define EXPECT(what, m, want, need) expect(what, m, (m)->nlh.nlmsg_len, want, need)

/* Helpers to set up state; these must succeed. */
static void must(struct msg *m, const char *what)
{
	struct answer ans;

	if (talk(m, &ans, NULL, NULL))
		die("%s: %s %s", what, strerror(ans.error), ans.extack);
}

static void dev_new(const char *name)
{
	struct msg m;

	tbib_msg(&m, TBIB_CMD_DEV_NEW);
	put_str(&m, TBIB_A_DEV_NAME, name);
	must(&m, "DEV_NEW");
}

static int dev_del(const char *name)
{
	struct answer ans;
	struct msg m;

	tbib_msg(&m, TBIB_CMD_DEV_DEL);
	put_str(&m, TBIB_A_DEV_NAME, name);
	return talk(&m, &ans, NULL, NULL);
}

static void rail_add(const char *dev, const char *ifname)
{
	struct msg m;

	tbib_msg(&m, TBIB_CMD_RAIL_ADD);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
	put_u32(&m, TBIB_A_RAIL_TYPE, TBIB_RAIL_TYPE_NETDEV);
	put_str(&m, TBIB_A_RAIL_IFNAME, ifname);
	must(&m, "RAIL_ADD");
}

/* ---- malformed ---- */

static int malformed(const char *ifname, const char *busy)
{
	const char *dev = "tbibgarbage0";
	char longname[300];
	struct nlattr *nest;
	struct msg m;
	uint8_t mac[6];

	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;

	/* headers */
	tbib_msg(&m, TBIB_CMD_DEV_GET);
	expect("message shorter than the genl header", &m,
	       NLMSG_LENGTH(2), -1, MSG_ANY);
	tbib_msg(&m, 0xee);
	EXPECT("unknown command", &m, EOPNOTSUPP, MSG_ANY);
	tbib_msg(&m, 0);	/* the generated enum tbib_cmd starts at 1 */
	EXPECT("command 0 (UNSPEC)", &m, EOPNOTSUPP, MSG_ANY);
	tbib_msg(&m, TBIB_CMD_PEER_NEW);
	EXPECT("event-only command PEER_NEW", &m, EOPNOTSUPP, MSG_ANY);
	tbib_msg(&m, TBIB_CMD_DEV_GET);
	((struct genlmsghdr *)NLMSG_DATA(&m.nlh))->reserved = 7;
	EXPECT("genl header reserved field set", &m, EINVAL, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_DEV_NEW);
	m.nlh.nlmsg_flags |= NLM_F_DUMP;
	EXPECT("dump of a do-only command", &m, EOPNOTSUPP, MSG_ANY);

	/* DEV_NEW */
	tbib_msg(&m, TBIB_CMD_DEV_NEW);
	put(&m, TBIB_A_DEV_NAME, "tbibx", 5);	/* no NUL */
	EXPECT("dev name without NUL", &m, EINVAL, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_DEV_NEW);
	put_str(&m, TBIB_A_DEV_NAME, longname);
	EXPECT("dev name of 299 bytes", &m, -1, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_DEV_NEW);
	put_str(&m, TBIB_A_DEV_NAME, "tbib 0");
	EXPECT("dev name with a space", &m, EINVAL, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_DEV_NEW);
	put_str(&m, TBIB_A_DEV_NAME, "../x");
	EXPECT("dev name with a slash", &m, EINVAL, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_DEV_NEW);
	put_str(&m, TBIB_A_DEV_NAME, "");
	EXPECT("empty dev name", &m, EINVAL, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_DEV_NEW);
	put_str(&m, TBIB_A_DEV_NAME, "tb%s%d");
	EXPECT("dev name with %s", &m, EINVAL, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_DEV_NEW);
	put_u32(&m, TBIB_A_DEV_NAME, 0x41414141);
	EXPECT("dev name as u32 (no NUL)", &m, EINVAL, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_DEV_NEW);
	put_str(&m, TBIB_A_DEV_NAME, dev);
	put_u32(&m, TBIB_A_DEV_LID, 0);
	EXPECT("LID 0", &m, ERANGE, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_DEV_NEW);
	put_str(&m, TBIB_A_DEV_NAME, dev);
	put_u32(&m, TBIB_A_DEV_LID, 0xc000);
	EXPECT("LID 0xc000 (multicast)", &m, ERANGE, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_DEV_NEW);
	put_str(&m, TBIB_A_DEV_NAME, dev);
	put_u32(&m, TBIB_A_DEV_LID, 0xffffffff);
	EXPECT("LID 0xffffffff", &m, ERANGE, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_DEV_NEW);
	put_str(&m, TBIB_A_DEV_NAME, dev);
	put_u16(&m, TBIB_A_DEV_LID, 5);
	EXPECT("LID as u16", &m, EINVAL, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_DEV_NEW);
	put_str(&m, TBIB_A_DEV_NAME, dev);
	put_u64(&m, TBIB_A_DEV_LID, 5);
	EXPECT("LID as u64", &m, EINVAL, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_DEV_NEW);
	put_str(&m, TBIB_A_DEV_NAME, dev);
	put_u64(&m, TBIB_A_DEV_GUID, 0);
	EXPECT("GUID 0", &m, ERANGE, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_DEV_NEW);
	put_str(&m, TBIB_A_DEV_NAME, dev);
	put_u32(&m, TBIB_A_DEV_GUID, 1);
	EXPECT("GUID as u32", &m, EINVAL, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_DEV_NEW);
	put_str(&m, TBIB_A_DEV_NAME, dev);
	put_u32(&m, TBIB_A_DEV_STATE, 4);
	EXPECT("read-only attribute STATE", &m, EINVAL, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_DEV_NEW);
	put_str(&m, TBIB_A_DEV_NAME, dev);
	put_u32(&m, TBIB_A_DEV_MAX + 1, 4);
	EXPECT("attribute above the maximum", &m, EINVAL, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_DEV_NEW);
	put_str(&m, TBIB_A_DEV_NAME, dev);
	put_u32(&m, 0x3fff, 4);
	EXPECT("attribute type 0x3fff", &m, EINVAL, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_DEV_NEW);
	put_str(&m, TBIB_A_DEV_NAME, dev);
	nest = nest_start(&m, TBIB_A_DEV_STATS);
	put_u64(&m, TBIB_A_STATS_TX_PACKETS, 1);
	put_raw(&m, 77, 200, "xx", 2);	/* inner length lies */
	nest_end(&m, nest);
	EXPECT("nested garbage in STATS", &m, EINVAL, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_DEV_NEW);
	put_str(&m, TBIB_A_DEV_NAME, dev);
	put_raw(&m, TBIB_A_DEV_LID, 64, "\1\0\0\0", 4);	/* truncated */
	EXPECT("attribute longer than the message", &m, EINVAL, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_DEV_NEW);
	put_str(&m, TBIB_A_DEV_NAME, dev);
	put_raw(&m, TBIB_A_DEV_LID, 2, "", 0);	/* nla_len < header */
	EXPECT("attribute length below its header", &m, EINVAL, MSG_ANY);
	tbib_msg(&m, TBIB_CMD_DEV_NEW);
	put_str(&m, TBIB_A_DEV_NAME, dev);
	put_u32(&m, TBIB_A_DEV_LID, 5);
	expect("message cut inside an attribute", &m, m.nlh.nlmsg_len - 2,
	       -1, MSG_ANY);
	tbib_msg(&m, TBIB_CMD_DEV_NEW);
	put_str(&m, TBIB_A_DEV_NAME, dev);
	put_u32(&m, TBIB_A_DEV_LID, 5);
	put_u32(&m, TBIB_A_DEV_LID, 6);
	/* Duplicates are legal netlink (the last one wins): must work. */
	{
		struct answer ans;

		if (talk(&m, &ans, NULL, NULL)) {
			printf("FAIL DEV_NEW with a duplicate attribute -> %s\n",
			       strerror(ans.error));
			failures++;
		} else {
			printf("ok   DEV_NEW %s (duplicate LID attribute)\n", dev);
		}
	}

	/* DEV_NEW of an existing name */
	tbib_msg(&m, TBIB_CMD_DEV_NEW);
	put_str(&m, TBIB_A_DEV_NAME, dev);
	EXPECT("DEV_NEW of an existing name", &m, EEXIST, MSG_NEED);

	/* DEV_DEL / GET / SET */
	tbib_msg(&m, TBIB_CMD_DEV_DEL);
	EXPECT("DEV_DEL without name", &m, EINVAL, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_DEV_DEL);
	put_str(&m, TBIB_A_DEV_NAME, "tbibnonexistent");
	EXPECT("DEV_DEL of an unknown device", &m, ENODEV, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_DEV_DEL);
	put_u32(&m, TBIB_A_DEV_INDEX, 99999);
	EXPECT("DEV_DEL of an unknown index", &m, ENODEV, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_DEV_GET);
	put_str(&m, TBIB_A_DEV_NAME, "tbibnonexistent");
	EXPECT("DEV_GET of an unknown device", &m, ENODEV, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_DEV_GET);
	put_u32(&m, TBIB_A_DEV_LID, 5);
	EXPECT("DEV_GET with an attribute it does not take", &m, EINVAL,
	       MSG_NEED);
	tbib_msg(&m, TBIB_CMD_DEV_SET);
	put_str(&m, TBIB_A_DEV_NAME, dev);
	EXPECT("DEV_SET with nothing to set", &m, EINVAL, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_DEV_SET);
	put_str(&m, TBIB_A_DEV_NAME, dev);
	put_u32(&m, TBIB_A_DEV_LID, 0xbfff + 1);
	EXPECT("DEV_SET LID 0xc000", &m, ERANGE, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_DEV_SET);
	put_str(&m, TBIB_A_DEV_NAME, dev);
	put_u64(&m, TBIB_A_DEV_GUID, 5);
	EXPECT("DEV_SET of the GUID (immutable)", &m, EINVAL, MSG_NEED);

	/* RAIL_ADD */
	tbib_msg(&m, TBIB_CMD_RAIL_ADD);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
	put_str(&m, TBIB_A_RAIL_IFNAME, ifname);
	EXPECT("RAIL_ADD without type", &m, EINVAL, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_RAIL_ADD);
	put_u32(&m, TBIB_A_RAIL_TYPE, TBIB_RAIL_TYPE_NETDEV);
	put_str(&m, TBIB_A_RAIL_IFNAME, ifname);
	EXPECT("RAIL_ADD without device", &m, EINVAL, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_RAIL_ADD);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
	put_u32(&m, TBIB_A_RAIL_TYPE, TBIB_RAIL_TYPE_NETDEV);
	EXPECT("RAIL_ADD netdev without ifname", &m, EINVAL, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_RAIL_ADD);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
	put_u32(&m, TBIB_A_RAIL_TYPE, TBIB_RAIL_TYPE_USB4);
	put_str(&m, TBIB_A_RAIL_USB4_EP, "0-1");
	EXPECT("RAIL_ADD usb4", &m, EOPNOTSUPP, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_RAIL_ADD);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
	put_u32(&m, TBIB_A_RAIL_TYPE, 3);
	put_str(&m, TBIB_A_RAIL_IFNAME, ifname);
	EXPECT("RAIL_ADD type 3", &m, ERANGE, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_RAIL_ADD);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
	put_u32(&m, TBIB_A_RAIL_TYPE, TBIB_RAIL_TYPE_NETDEV);
	put_str(&m, TBIB_A_RAIL_IFNAME, "nosuchnetdev");
	EXPECT("RAIL_ADD unknown netdev", &m, ENODEV, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_RAIL_ADD);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
	put_u32(&m, TBIB_A_RAIL_TYPE, TBIB_RAIL_TYPE_NETDEV);
	put_u32(&m, TBIB_A_RAIL_IFINDEX, 0x7ffffff0);
	EXPECT("RAIL_ADD unknown ifindex", &m, ENODEV, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_RAIL_ADD);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
	put_u32(&m, TBIB_A_RAIL_TYPE, TBIB_RAIL_TYPE_NETDEV);
	put_u32(&m, TBIB_A_RAIL_IFINDEX, 0);
	EXPECT("RAIL_ADD ifindex 0", &m, ERANGE, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_RAIL_ADD);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
	put_u32(&m, TBIB_A_RAIL_TYPE, TBIB_RAIL_TYPE_NETDEV);
	put_u32(&m, TBIB_A_RAIL_IFINDEX, 0x80000000u);
	EXPECT("RAIL_ADD negative ifindex", &m, ERANGE, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_RAIL_ADD);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
	put_u32(&m, TBIB_A_RAIL_TYPE, TBIB_RAIL_TYPE_NETDEV);
	put_str(&m, TBIB_A_RAIL_IFNAME, ifname);
	put_u32(&m, TBIB_A_RAIL_IFINDEX, 1);
	EXPECT("RAIL_ADD ifname and ifindex", &m, EINVAL, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_RAIL_ADD);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
	put_u32(&m, TBIB_A_RAIL_TYPE, TBIB_RAIL_TYPE_NETDEV);
	put_str(&m, TBIB_A_RAIL_IFNAME, "lo");
	EXPECT("RAIL_ADD on loopback", &m, EOPNOTSUPP, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_RAIL_ADD);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
	put_u32(&m, TBIB_A_RAIL_TYPE, TBIB_RAIL_TYPE_NETDEV);
	put_str(&m, TBIB_A_RAIL_IFNAME, ifname);
	put_u32(&m, TBIB_A_RAIL_WEIGHT, 1001);
	EXPECT("RAIL_ADD weight 1001", &m, ERANGE, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_RAIL_ADD);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
	put_u32(&m, TBIB_A_RAIL_TYPE, TBIB_RAIL_TYPE_NETDEV);
	put_str(&m, TBIB_A_RAIL_IFNAME, ifname);
	put_u8(&m, TBIB_A_RAIL_CSUM, 2);
	EXPECT("RAIL_ADD csum 2", &m, ERANGE, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_RAIL_ADD);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
	put_u32(&m, TBIB_A_RAIL_TYPE, TBIB_RAIL_TYPE_NETDEV);
	put_str(&m, TBIB_A_RAIL_IFNAME, ifname);
	put_u8(&m, TBIB_A_RAIL_ADMIN_STATE, 9);
	EXPECT("RAIL_ADD admin state 9", &m, ERANGE, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_RAIL_ADD);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
	put_u32(&m, TBIB_A_RAIL_TYPE, TBIB_RAIL_TYPE_NETDEV);
	put_str(&m, TBIB_A_RAIL_IFNAME, ifname);
	put(&m, TBIB_A_RAIL_PEER_MAC, "\2\0\0\0\0", 5);
	EXPECT("RAIL_ADD 5-byte peer MAC", &m, -1, MSG_NEED);
	memcpy(mac, "\1\0\x5e\0\0\1", 6);
	tbib_msg(&m, TBIB_CMD_RAIL_ADD);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
	put_u32(&m, TBIB_A_RAIL_TYPE, TBIB_RAIL_TYPE_NETDEV);
	put_str(&m, TBIB_A_RAIL_IFNAME, ifname);
	put(&m, TBIB_A_RAIL_PEER_MAC, mac, 6);
	EXPECT("RAIL_ADD multicast peer MAC", &m, EINVAL, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_RAIL_ADD);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, "tbibnonexistent");
	put_u32(&m, TBIB_A_RAIL_TYPE, TBIB_RAIL_TYPE_NETDEV);
	put_str(&m, TBIB_A_RAIL_IFNAME, ifname);
	EXPECT("RAIL_ADD to an unknown device", &m, ENODEV, MSG_NEED);
	if (busy) {
		tbib_msg(&m, TBIB_CMD_RAIL_ADD);
		put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
		put_u32(&m, TBIB_A_RAIL_TYPE, TBIB_RAIL_TYPE_NETDEV);
		put_str(&m, TBIB_A_RAIL_IFNAME, busy);
		EXPECT("RAIL_ADD on a netdev serving a rail", &m, EBUSY,
		       MSG_NEED);
	}
	/* the same netdev twice on our device */
	rail_add(dev, ifname);
	tbib_msg(&m, TBIB_CMD_RAIL_ADD);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
	put_u32(&m, TBIB_A_RAIL_TYPE, TBIB_RAIL_TYPE_NETDEV);
	put_str(&m, TBIB_A_RAIL_IFNAME, ifname);
	EXPECT("RAIL_ADD of the same netdev twice", &m, EBUSY, MSG_NEED);

	/* RAIL_DEL / SET / GET */
	tbib_msg(&m, TBIB_CMD_RAIL_DEL);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
	EXPECT("RAIL_DEL without rail", &m, EINVAL, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_RAIL_DEL);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
	put_u32(&m, TBIB_A_RAIL_ID, 4242);
	EXPECT("RAIL_DEL of an unknown rail id", &m, ENODEV, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_RAIL_DEL);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
	put_u32(&m, TBIB_A_RAIL_ID, 0);
	EXPECT("RAIL_DEL rail id 0", &m, ERANGE, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_RAIL_DEL);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
	put_u32(&m, TBIB_A_RAIL_WEIGHT, 5);
	EXPECT("RAIL_DEL with an attribute it does not take", &m, EINVAL,
	       MSG_NEED);
	tbib_msg(&m, TBIB_CMD_RAIL_SET);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
	put_str(&m, TBIB_A_RAIL_IFNAME, ifname);
	EXPECT("RAIL_SET with nothing to set", &m, EINVAL, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_RAIL_SET);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
	put_str(&m, TBIB_A_RAIL_IFNAME, ifname);
	put_u32(&m, TBIB_A_RAIL_WEIGHT, 5000);
	EXPECT("RAIL_SET weight 5000", &m, ERANGE, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_RAIL_SET);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
	put_str(&m, TBIB_A_RAIL_IFNAME, ifname);
	put_u32(&m, TBIB_A_RAIL_MTU, 9000);
	EXPECT("RAIL_SET of the MTU (read-only)", &m, EINVAL, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_RAIL_GET);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
	put_str(&m, TBIB_A_RAIL_IFNAME, "lo");
	EXPECT("RAIL_GET of a netdev without rail", &m, ENODEV, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_RAIL_GET);
	m.nlh.nlmsg_flags |= NLM_F_DUMP;
	put_str(&m, TBIB_A_RAIL_DEV_NAME, "tbibnonexistent");
	EXPECT("RAIL dump filtered by an unknown device", &m, ENODEV,
	       MSG_NEED);

	/* PEER_GET */
	tbib_msg(&m, TBIB_CMD_PEER_GET);
	put_str(&m, TBIB_A_PEER_DEV_NAME, dev);
	EXPECT("PEER_GET without GUID or LID", &m, EINVAL, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_PEER_GET);
	put_str(&m, TBIB_A_PEER_DEV_NAME, dev);
	put_u64(&m, TBIB_A_PEER_GUID, 0x1234);
	EXPECT("PEER_GET of an unknown peer", &m, ENOENT, MSG_NEED);
	tbib_msg(&m, TBIB_CMD_PEER_GET);
	put_str(&m, TBIB_A_PEER_DEV_NAME, dev);
	put_u32(&m, TBIB_A_PEER_LID, 0);
	EXPECT("PEER_GET LID 0", &m, ERANGE, MSG_NEED);

	if (dev_del(dev)) {
		printf("FAIL could not delete %s\n", dev);
		failures++;
	}
	printf("%s\n", failures ? "FAILED" : "all malformed requests refused");
	return failures ? 1 : 0;
}

/* ---- device names (to clean up after the fuzzer) ---- */

struct names {
	char name[512][64];
	int n;
};

static void names_reply(struct nlmsghdr *nh, void *arg)
{
	struct names *ns = arg;
	struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(nh) +
					     GENL_HDRLEN);
	int rem = nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

	for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len),
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
		if ((a->nla_type & NLA_TYPE_MASK) == TBIB_A_DEV_NAME &&
		    ns->n < 512)
			snprintf(ns->name[ns->n++], 64, "%s",
				 (char *)a + NLA_HDRLEN);
}

static void dev_names(struct names *ns)
{
	struct answer ans;
	struct msg m;

	ns->n = 0;
	tbib_msg(&m, TBIB_CMD_DEV_GET);
	m.nlh.nlmsg_flags |= NLM_F_DUMP;
	if (talk(&m, &ans, names_reply, ns))
		die("device dump: %s", strerror(ans.error));
}

/* ---- fuzz ---- */

static uint64_t rnd_state;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (uint32_t)rnd_state;
}

static const int max_attr_of_cmd[] = {
	[TBIB_CMD_DEV_NEW] = TBIB_A_DEV_MAX,
	[TBIB_CMD_DEV_DEL] = TBIB_A_DEV_MAX,
	[TBIB_CMD_DEV_GET] = TBIB_A_DEV_MAX,
	[TBIB_CMD_DEV_SET] = TBIB_A_DEV_MAX,
	[TBIB_CMD_RAIL_ADD] = TBIB_A_RAIL_MAX,
	[TBIB_CMD_RAIL_DEL] = TBIB_A_RAIL_MAX,
	[TBIB_CMD_RAIL_GET] = TBIB_A_RAIL_MAX,
	[TBIB_CMD_RAIL_SET] = TBIB_A_RAIL_MAX,
	[TBIB_CMD_PEER_GET] = TBIB_A_PEER_MAX,
};

static void fuzz_attr(struct msg *m, int maxattr, int depth)
{
	static const char *names[] = { "tbibfz0", "tbibfz1", "lo", "fzveth0",
				       "", "tbib%d" };
	uint8_t data[64];
	uint16_t type = rnd() % (maxattr + 3);
	unsigned int len, i;
	struct nlattr *nest;

	switch (rnd() % 8) {
	case 0:
		put_str(m, type, names[rnd() % 6]);
		break;
	case 1:
		put_u32(m, type, rnd() % 8 ? rnd() % 0xc010 : rnd());
		break;
	case 2:
		put_u64(m, type, rnd() % 4 ? rnd() % 3 : ((uint64_t)rnd() << 32 | rnd()));
		break;
	case 3:
		put_u8(m, type, rnd() % 4);
		break;
	case 4:
		if (depth < 3) {
			nest = nest_start(m, type);
			for (i = rnd() % 4; i; i--)
				fuzz_attr(m, maxattr, depth + 1);
			nest_end(m, nest);
			break;
		}
		/* fall through */
	default:
		len = rnd() % sizeof(data);
		for (i = 0; i < len; i++)
			data[i] = rnd();
		if (rnd() % 4 == 0)	/* lie about the length */
			put_raw(m, type, rnd() % 200, data, len);
		else
			put(m, type, data, len);
		break;
	}
}

static int fuzz(long n, long seed)
{
	long i, answered = 0, ok = 0;
	struct answer ans;
	struct msg m;
	int cmd, a, nattr, err;
	size_t len;

	static struct names before, after;
	int j, k;

	dev_names(&before);
	rnd_state = (uint64_t)seed * 0x9e3779b97f4a7c15ULL + 1;
	for (i = 0; i < n; i++) {
		cmd = rnd() % (TBIB_CMD_MAX + 3);
		tbib_msg(&m, cmd);
		if (rnd() % 16 == 0)
			((struct genlmsghdr *)NLMSG_DATA(&m.nlh))->reserved = rnd();
		if (rnd() % 8 == 0)
			m.nlh.nlmsg_flags |= NLM_F_DUMP;
		nattr = rnd() % 6;
		for (a = 0; a < nattr; a++)
			fuzz_attr(&m, cmd < (int)(sizeof(max_attr_of_cmd) /
						  sizeof(max_attr_of_cmd[0])) &&
					      max_attr_of_cmd[cmd] ?
					      max_attr_of_cmd[cmd] : 30, 0);
		len = m.nlh.nlmsg_len;
		if (rnd() % 16 == 0)
			len = NLMSG_LENGTH(0) + rnd() % (len - NLMSG_LENGTH(0) + 1);
		err = talk_len(&m, len, &ans, NULL, NULL);
		answered++;
		if (!err)
			ok++;
	}
	/* Clean up whatever the fuzzer managed to create. */
	dev_names(&after);
	for (j = 0; j < after.n; j++) {
		for (k = 0; k < before.n; k++)
			if (!strcmp(after.name[j], before.name[k]))
				break;
		if (k == before.n && dev_del(after.name[j]))
			die("cannot delete %s made by the fuzzer", after.name[j]);
	}
	printf("fuzz: %ld requests answered, %ld succeeded\n", answered, ok);
	return 0;
}

/* ---- unpriv ---- */

static int unpriv(void)
{
	struct answer ans;
	struct msg m;
	int err;

	close(sock);
	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		die("cannot drop privileges: %s", strerror(errno));
	open_sock();
	resolve_family();

	tbib_msg(&m, TBIB_CMD_DEV_NEW);
	put_str(&m, TBIB_A_DEV_NAME, "tbibunpriv0");
	EXPECT("unprivileged DEV_NEW", &m, EPERM, MSG_ANY);
	tbib_msg(&m, TBIB_CMD_DEV_DEL);
	put_str(&m, TBIB_A_DEV_NAME, "tbib0");
	EXPECT("unprivileged DEV_DEL", &m, EPERM, MSG_ANY);
	tbib_msg(&m, TBIB_CMD_DEV_SET);
	put_str(&m, TBIB_A_DEV_NAME, "tbib0");
	put_u32(&m, TBIB_A_DEV_LID, 7);
	EXPECT("unprivileged DEV_SET", &m, EPERM, MSG_ANY);
	tbib_msg(&m, TBIB_CMD_RAIL_ADD);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, "tbib0");
	put_u32(&m, TBIB_A_RAIL_TYPE, TBIB_RAIL_TYPE_NETDEV);
	put_str(&m, TBIB_A_RAIL_IFNAME, "lo");
	EXPECT("unprivileged RAIL_ADD", &m, EPERM, MSG_ANY);
	tbib_msg(&m, TBIB_CMD_RAIL_DEL);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, "tbib0");
	put_u32(&m, TBIB_A_RAIL_ID, 1);
	EXPECT("unprivileged RAIL_DEL", &m, EPERM, MSG_ANY);
	tbib_msg(&m, TBIB_CMD_RAIL_SET);
	put_str(&m, TBIB_A_RAIL_DEV_NAME, "tbib0");
	put_u32(&m, TBIB_A_RAIL_ID, 1);
	put_u32(&m, TBIB_A_RAIL_WEIGHT, 1);
	EXPECT("unprivileged RAIL_SET", &m, EPERM, MSG_ANY);

	tbib_msg(&m, TBIB_CMD_DEV_GET);
	m.nlh.nlmsg_flags |= NLM_F_DUMP;
	err = talk(&m, &ans, NULL, NULL);
	printf("%s unprivileged DEV dump -> %s (%d devices)\n",
	       err ? "FAIL" : "ok  ", err ? strerror(err) : "success",
	       ans.replies);
	if (err)
		failures++;
	return failures ? 1 : 0;
}

/* ---- cycle ---- */

static int cycle(long n, const char *dev, const char *ifname)
{
	long i;

	for (i = 0; i < n; i++) {
		dev_new(dev);
		rail_add(dev, ifname);
		{
			struct msg m;

			tbib_msg(&m, TBIB_CMD_RAIL_DEL);
			put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
			put_str(&m, TBIB_A_RAIL_IFNAME, ifname);
			must(&m, "RAIL_DEL");
		}
		if (dev_del(dev))
			die("DEV_DEL %s failed in cycle %ld", dev, i);
	}
	printf("cycle: %ld device/rail cycles done\n", n);
	return 0;
}

/* ---- count ---- */

struct seen {
	char key[4096][80];
	int n;
	int dups;
	int attr_a, attr_b;	/* the identifying attributes */
};

static void count_reply(struct nlmsghdr *nh, void *arg)
{
	struct seen *s = arg;
	struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(nh) +
					     GENL_HDRLEN);
	int rem = nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	char ka[64] = "", kb[32] = "", key[80];
	int i;

	while (rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= rem) {
		int t = a->nla_type & NLA_TYPE_MASK;
		void *d = (char *)a + NLA_HDRLEN;

		if (t == s->attr_a)
			snprintf(ka, sizeof(ka), "%s", (char *)d);
		if (t == s->attr_b)
			snprintf(kb, sizeof(kb), "%llu",
				 a->nla_len - NLA_HDRLEN == 8 ?
				 (unsigned long long)*(uint64_t *)d :
				 (unsigned long long)*(uint32_t *)d);
		rem -= NLA_ALIGN(a->nla_len);
		a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
	}
	snprintf(key, sizeof(key), "%s/%s", ka, kb);
	for (i = 0; i < s->n; i++)
		if (!strcmp(s->key[i], key)) {
			s->dups++;
			fprintf(stderr, "duplicate object %s in dump\n", key);
			return;
		}
	if (s->n < 4096)
		snprintf(s->key[s->n++], sizeof(s->key[0]), "%s", key);
}

static int count(const char *what, const char *dev, bool parts)
{
	static struct seen s;
	struct answer ans;
	struct msg m;
	int err;

	if (!strcmp(what, "dev")) {
		tbib_msg(&m, TBIB_CMD_DEV_GET);
		s.attr_a = TBIB_A_DEV_NAME;
		s.attr_b = TBIB_A_DEV_INDEX;
	} else if (!strcmp(what, "rail")) {
		tbib_msg(&m, TBIB_CMD_RAIL_GET);
		s.attr_a = TBIB_A_RAIL_DEV_NAME;
		s.attr_b = TBIB_A_RAIL_ID;
		if (dev)
			put_str(&m, TBIB_A_RAIL_DEV_NAME, dev);
	} else if (!strcmp(what, "peer")) {
		tbib_msg(&m, TBIB_CMD_PEER_GET);
		s.attr_a = TBIB_A_PEER_DEV_NAME;
		s.attr_b = TBIB_A_PEER_GUID;
		if (dev)
			put_str(&m, TBIB_A_PEER_DEV_NAME, dev);
	} else {
		die("count: dev, rail or peer");
	}
	m.nlh.nlmsg_flags |= NLM_F_DUMP;
	recv_parts = 0;
	err = talk(&m, &ans, count_reply, &s);
	if (err) {
		fprintf(stderr, "dump failed: %s %s\n", strerror(err),
			ans.extack);
		return 1;
	}
	if (s.dups)
		return 1;
	if (parts)
		printf("%d %d\n", s.n, recv_parts);
	else
		printf("%d\n", s.n);
	return 0;
}

/* ---- monitor ---- */

static const char *cmd_name(int cmd)
{
	static const char *const n[] = {
		[TBIB_CMD_DEV_NEW] = "DEV_NEW", [TBIB_CMD_DEV_DEL] = "DEV_DEL",
		[TBIB_CMD_DEV_SET] = "DEV_SET",
		[TBIB_CMD_RAIL_ADD] = "RAIL_ADD",
		[TBIB_CMD_RAIL_DEL] = "RAIL_DEL",
		[TBIB_CMD_RAIL_SET] = "RAIL_SET",
		[TBIB_CMD_PEER_NEW] = "PEER_NEW",
		[TBIB_CMD_PEER_DEL] = "PEER_DEL",
		[TBIB_CMD_PEER_SET] = "PEER_SET",
	};

	if (cmd > 0 && cmd < (int)(sizeof(n) / sizeof(n[0])) && n[cmd])
		return n[cmd];
	return "UNKNOWN";
}

static int monitor(int seconds)
{
	char rbuf[65536];
	int grp = 0;
	time_t end = time(NULL) + seconds;
	struct msg m;
	struct nlmsghdr *nh;
	ssize_t n;

	/* the group id comes with the family: ask again and parse groups */
	msg_init(&m, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1);
	put_str(&m, CTRL_ATTR_FAMILY_NAME, TBIB_GENL_NAME);
	if (send(sock, m.buf, m.nlh.nlmsg_len, 0) < 0)
		die("send: %s", strerror(errno));
	n = recv(sock, rbuf, sizeof(rbuf), 0);
	if (n < 0)
		die("recv: %s", strerror(errno));
	nh = (struct nlmsghdr *)rbuf;
	{
		struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(nh) +
						     GENL_HDRLEN);
		int rem = nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

		for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN;
		     rem -= NLA_ALIGN(a->nla_len),
		     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
			struct nlattr *g, *b;
			int r2, r3;

			if ((a->nla_type & NLA_TYPE_MASK) != CTRL_ATTR_MCAST_GROUPS)
				continue;
			g = (struct nlattr *)((char *)a + NLA_HDRLEN);
			for (r2 = a->nla_len - NLA_HDRLEN; r2 >= NLA_HDRLEN;
			     r2 -= NLA_ALIGN(g->nla_len),
			     g = (struct nlattr *)((char *)g + NLA_ALIGN(g->nla_len))) {
				int id = 0, match = 0;

				b = (struct nlattr *)((char *)g + NLA_HDRLEN);
				for (r3 = g->nla_len - NLA_HDRLEN; r3 >= NLA_HDRLEN;
				     r3 -= NLA_ALIGN(b->nla_len),
				     b = (struct nlattr *)((char *)b + NLA_ALIGN(b->nla_len))) {
					void *d = (char *)b + NLA_HDRLEN;

					if ((b->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_MCAST_GRP_ID)
						id = *(uint32_t *)d;
					if ((b->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_MCAST_GRP_NAME &&
					    !strcmp(d, TBIB_MCGRP_EVENTS))
						match = 1;
				}
				if (match)
					grp = id;
			}
		}
	}
	if (!grp)
		die("no events group");
	if (setsockopt(sock, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
		       sizeof(grp)) < 0)
		die("join group: %s", strerror(errno));
	printf("listening\n");
	fflush(stdout);
	while (time(NULL) < end) {
		struct timeval tv = { .tv_sec = 1 };

		setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		n = recv(sock, rbuf, sizeof(rbuf), 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				printf("OVERRUN\n");
				continue;
			}
			die("recv: %s", strerror(errno));
		}
		for (nh = (struct nlmsghdr *)rbuf; NLMSG_OK(nh, (size_t)n);
		     nh = NLMSG_NEXT(nh, n)) {
			struct genlmsghdr *g = NLMSG_DATA(nh);
			struct nlattr *a = (struct nlattr *)((char *)g + GENL_HDRLEN);
			int rem = nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
			const char *name = "";

			if (nh->nlmsg_type != family_id)
				continue;
			for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN;
			     rem -= NLA_ALIGN(a->nla_len),
			     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
				if ((a->nla_type & NLA_TYPE_MASK) == 2) /* *_NAME */
					name = (char *)a + NLA_HDRLEN;
			printf("%s %s\n", cmd_name(g->cmd), name);
			fflush(stdout);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		die("usage: genl-garbage {malformed|fuzz|unpriv|cycle|count|monitor} ...");
	open_sock();
	resolve_family();

	if (!strcmp(argv[1], "malformed") && argc >= 3)
		return malformed(argv[2], argc > 3 ? argv[3] : NULL);
	if (!strcmp(argv[1], "fuzz") && argc == 4)
		return fuzz(atol(argv[2]), atol(argv[3]));
	if (!strcmp(argv[1], "unpriv"))
		return unpriv();
	if (!strcmp(argv[1], "cycle") && argc == 5)
		return cycle(atol(argv[2]), argv[3], argv[4]);
	if (!strcmp(argv[1], "count") && argc >= 3)
		return count(argv[2], argc > 3 ? argv[3] : NULL, false);
	if (!strcmp(argv[1], "count-parts") && argc >= 3)
		return count(argv[2], argc > 3 ? argv[3] : NULL, true);
	if (!strcmp(argv[1], "monitor") && argc == 3)
		return monitor(atoi(argv[2]));
	die("bad arguments (see the comment at the top of genl-garbage.c)");
	return 2;
}
