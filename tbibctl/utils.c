// SPDX-License-Identifier: GPL-2.0
/*
 * tbibctl: keyword matching, strict number and address parsing, and the
 * formatting of values shared by the human and JSON printers.
 *
 * Parsers are strict on purpose: a LID of "12abc", "-1" or "99999999999"
 * is a typo, not something to be silently truncated into a valid value.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tbibctl.h"

void tb_err(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, TB_PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int tb_match(const char *arg, const struct tb_word *words)
{
	size_t len = strlen(arg);
	int found = TB_MATCH_NONE;
	const struct tb_word *w;

	if (!len)
		return TB_MATCH_NONE;
	for (w = words; w->word; w++) {
		if (!strcmp(arg, w->word))
			return w->id;
		if (strncmp(arg, w->word, len))
			continue;
		if (found == TB_MATCH_NONE)
			found = w->id;
		else if (found != w->id)
			found = TB_MATCH_AMBIGUOUS;
	}
	return found;
}

/* "add, del, show" for messages; aliases are listed too. */
int tb_match_list(const struct tb_word *words, char *buf, size_t len)
{
	const struct tb_word *w;
	size_t used = 0;
	int n;

	if (!len)
		return -1;
	buf[0] = '\0';
	for (w = words; w->word; w++) {
		n = snprintf(buf + used, len - used, "%s%s",
			     w == words ? "" : ", ", w->word);
		if (n < 0 || (size_t)n >= len - used)
			return -1;
		used += n;
	}
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decimal, or hex after "0x".  No sign, no blanks, no octal (a leading 0
 * is still decimal), no trailing characters, no overflow.
 */
int tb_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	unsigned int base = 10;
	int d;

	if (!s || !*s)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return -1;
	}
	for (; *s; s++) {
		d = base == 16 ? hexval((unsigned char)*s) :
		    (*s >= '0' && *s <= '9' ? *s - '0' : -1);
		if (d < 0)
			return -1;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return -1;
		v = v * base + (uint64_t)d;
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

int tb_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (tb_parse_u64(s, max, &v) || v < min)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int tb_parse_lid(const char *s, uint32_t *lid)
{
	return tb_parse_u32(s, TB_LID_MIN, TB_LID_MAX, lid);
}

/* n groups of 1..width hex digits separated by ':', exactly. */
static int parse_groups(const char *s, int n, int width, uint64_t *out)
{
	uint64_t v = 0;
	int g, k, d;

	for (g = 0; g < n; g++) {
		uint64_t part = 0;

		for (k = 0; (d = hexval((unsigned char)*s)) >= 0; k++, s++) {
			if (k == width)
				return -1;
			part = part << 4 | (uint64_t)d;
		}
		if (!k)
			return -1;
		v = v << (4 * width) | part;
		if (g < n - 1) {
			if (*s != ':')
				return -1;
			s++;
		}
	}
	if (*s)
		return -1;
	*out = v;
	return 0;
}

/*
 * 0x + up to 16 hex digits, the ibv_devinfo form 0002:c903:00a0:1b2c or
 * EUI-64 bytes 00:02:c9:03:00:a0:1b:2c.  Zero is not a valid GUID.
 */
int tb_parse_guid(const char *s, uint64_t *guid)
{
	uint64_t v;
	const char *p;
	int colons = 0;

	if (!s || !*s)
		return -1;
	for (p = s; *p; p++)
		colons += *p == ':';
	if (colons == 0) {
		if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X') ||
		    strlen(s) > 18 || tb_parse_u64(s, UINT64_MAX, &v))
			return -1;
	} else if (colons == 3) {
		if (parse_groups(s, 4, 4, &v))
			return -1;
	} else if (colons == 7) {
		if (parse_groups(s, 8, 2, &v))
			return -1;
	} else {
		return -1;
	}
	if (!v)
		return -1;
	*guid = v;
	return 0;
}

/* aa:bb:cc:dd:ee:ff; only a unicast, non-zero address can be a peer. */
int tb_parse_mac(const char *s, uint8_t mac[6])
{
	uint64_t v;
	int i;

	if (!s || parse_groups(s, 6, 2, &v))
		return -1;
	if (!v)
		return -1;
	for (i = 5; i >= 0; i--, v >>= 8)
		mac[i] = v & 0xff;
	if (mac[0] & 1)
		return -1;
	return 0;
}

/*
 * A USB4 XDomain as the thunderbolt bus names it: decimal domain, '-',
 * hex route (e.g. 0-1, 1-301).
 */
int tb_parse_usb4_ep(const char *s)
{
	const char *p = s;

	if (!s || strlen(s) > TB_USB4_EP_MAX)
		return -1;
	if (!isdigit((unsigned char)*p))
		return -1;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p++ != '-' || !*p)
		return -1;
	for (; *p; p++)
		if (hexval((unsigned char)*p) < 0)
			return -1;
	return 0;
}

/*
 * Names of IB devices and netdevs: 1..max-1 bytes, no '/', ':' or blank
 * (they become sysfs directory names), not "." or "..".
 */
int tb_check_name(const char *s, size_t max)
{
	size_t len = strlen(s);
	const char *p;

	if (!len || len >= max || !strcmp(s, ".") || !strcmp(s, ".."))
		return -1;
	for (p = s; *p; p++)
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p) ||
		    iscntrl((unsigned char)*p))
			return -1;
	return 0;
}

/* As ibv_devinfo prints node_guid: four groups of four hex digits. */
void tb_fmt_guid(uint64_t g, char *buf, size_t len)
{
	snprintf(buf, len, "%04x:%04x:%04x:%04x",
		 (unsigned int)(g >> 48) & 0xffff,
		 (unsigned int)(g >> 32) & 0xffff,
		 (unsigned int)(g >> 16) & 0xffff,
		 (unsigned int)g & 0xffff);
}

void tb_fmt_mac(const uint8_t *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
}

const char *tb_dev_state_name(unsigned int state, char *buf, size_t len)
{
	switch (state) {
	case TBIB_DEV_STATE_DOWN:
		return "down";
	case TBIB_DEV_STATE_ACTIVE:
		return "active";
	}
	snprintf(buf, len, "state%u", state);
	return buf;
}

const char *tb_rail_state_name(unsigned int state, char *buf, size_t len)
{
	switch (state) {
	case TBIB_RAIL_STATE_DOWN:
		return "down";
	case TBIB_RAIL_STATE_PROBING:
		return "probing";
	case TBIB_RAIL_STATE_UP:
		return "up";
	}
	snprintf(buf, len, "state%u", state);
	return buf;
}

const char *tb_rail_type_name(unsigned int type, char *buf, size_t len)
{
	switch (type) {
	case TBIB_RAIL_TYPE_NETDEV:
		return "netdev";
	case TBIB_RAIL_TYPE_USB4:
		return "usb4";
	}
	snprintf(buf, len, "type%u", type);
	return buf;
}
