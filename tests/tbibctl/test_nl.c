// SPDX-License-Identifier: GPL-2.0
/*
 * tbibctl's netlink plumbing against the host's real kernel, through the
 * always-present "nlctrl" family (the host cannot load tbib.ko): a do
 * request with its reply and ACK, a dump spanning several multi-part
 * datagrams up to NLMSG_DONE, kernel errors with and without an extack
 * message (the policy reject names the offending attribute), a reply
 * callback failing half-way through a dump, and the socket staying in
 * step for the next request after each of those (as batch mode needs).
 * Without netlink (a sandbox) the test says so and passes.
 */
#include <unistd.h>
#include <linux/genetlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>

#include "test.h"
#include "tbibctl.h"

static struct tb_ctx ctx = { .out = NULL };
static char errbuf[4096];

struct count {
	int n;
	int fail_at;	/* callback returns -1 at this reply (1-based) */
	bool saw_nlctrl;
};

static int on_reply(struct nl_msg *msg, void *arg)
{
	struct count *c = arg;
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	c->n++;
	if (!genlmsg_parse(nlmsg_hdr(msg), 0, tb, CTRL_ATTR_MAX, NULL) &&
	    tb[CTRL_ATTR_FAMILY_NAME] &&
	    !strcmp(nla_get_string(tb[CTRL_ATTR_FAMILY_NAME]), "nlctrl"))
		c->saw_nlctrl = true;
	return c->n == c->fail_at ? -1 : 0;
}

/* GETFAMILY for name (NULL: dump), with stderr captured in errbuf. */
static int getfamily(const char *name, struct count *c)
{
	struct nl_msg *msg = nlmsg_alloc();
	FILE *tf = tmpfile();
	int saved, fd = fileno(tf), r;
	ssize_t n;

	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0,
		    name ? NLM_F_ACK : NLM_F_DUMP, CTRL_CMD_GETFAMILY, 1);
	if (name)
		nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, name);
	fflush(stderr);
	saved = dup(2);
	dup2(fd, 2);
	c->n = 0;
	c->saw_nlctrl = false;
	r = tb_nl_talk(&ctx, msg, on_reply, c, "what failed");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, errbuf, sizeof(errbuf) - 1);
	errbuf[n > 0 ? n : 0] = '\0';
	fclose(tf);
	return r;
}

int main(void)
{
	struct count c = { 0 };
	char longname[64];
	int r;

	ctx.out = stdout;
	if (tb_nl_open(&ctx)) {
		fprintf(stderr, "test_nl: no generic netlink here, skipped\n");
		return 0;
	}
	ctx.family = GENL_ID_CTRL;

	r = getfamily("nlctrl", &c);
	CHECK(r == 0 && c.n == 1 && c.saw_nlctrl && !errbuf[0],
	      "do: r=%d n=%d err=%s", r, c.n, errbuf);

	r = getfamily(NULL, &c);
	CHECK(r == 0 && c.n >= 2 && c.saw_nlctrl && !errbuf[0],
	      "dump: r=%d n=%d err=%s", r, c.n, errbuf);
	fprintf(stderr, "dump: %d families\n", c.n);

	r = getfamily("no-such-family", &c);
	CHECK(r == TB_EXIT_FAIL && c.n == 0, "unknown family r=%d", r);
	CHECK(!strcmp(errbuf, "tbibctl: what failed (No such file or directory)\n"),
	      "no extack message: fallback text: %s", errbuf);

	/* longer than GENL_NAMSIZ: rejected by the policy, with extack */
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	r = getfamily(longname, &c);
	CHECK(r == TB_EXIT_FAIL, "policy reject r=%d", r);
	CHECK(!strncmp(errbuf, "tbibctl: ", 9) &&
	      strstr(errbuf, " (Invalid argument") &&
	      !strstr(errbuf, "what failed"), "extack printed: %s", errbuf);
	fprintf(stderr, "policy reject: %s", errbuf);
	/* ctx.family is nlctrl here, so its GETFAMILY (3) reads as DEV_GET
	 * and FAMILY_NAME (2) as the device's "name" */
	CHECK(strstr(errbuf, ", attribute name)") != NULL,
	      "offending attribute named: %s", errbuf);

	/* the socket is still in step */
	r = getfamily("nlctrl", &c);
	CHECK(r == 0 && c.n == 1, "after errors: r=%d n=%d %s", r, c.n, errbuf);

	/* a reply callback failing in the middle of a dump */
	c.fail_at = 1;
	r = getfamily(NULL, &c);
	CHECK(r == TB_EXIT_FAIL && c.n == 1, "callback failure r=%d n=%d", r,
	      c.n);
	c.fail_at = 0;
	r = getfamily("nlctrl", &c);
	CHECK(r == 0 && c.n == 1 && c.saw_nlctrl,
	      "dump drained after a callback failure: r=%d n=%d %s", r, c.n,
	      errbuf);

	tb_nl_close(&ctx);
	return test_done("test_nl");
}
