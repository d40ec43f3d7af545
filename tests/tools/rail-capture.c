// SPDX-License-Identifier: GPL-2.0
/*
 * rail-capture: wait for one tbib frame (EtherType 0x88B5) of a given type
 * on a link and print it as rail-inject takes it back, so a test can
 * replay a real frame later (a stale HELLO, say).
 *
 *   rail-capture IFNAME TYPE SECONDS   prints the bytes after the EtherType
 *                                      of the first frame whose type byte
 *                                      is TYPE (hex, e.g. 01 for HELLO) and
 *                                      its source MAC; exit 1 if none came
 *                                      in SECONDS
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../../netlink/uapi/tbib.h"

static void die(const char *msg)
{
	fprintf(stderr, "rail-capture: %s: %s\n", msg, strerror(errno));
	exit(2);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	static unsigned char buf[65536];
	struct sockaddr_ll sll;
	long long end;
	unsigned int type;
	char *e;
	int sock;

	if (argc != 4 || sscanf(argv[2], "%x", &type) != 1 || type > 0xff ||
	    strtol(argv[3], &e, 10) <= 0 || *e) {
		fprintf(stderr, "usage: rail-capture IFNAME TYPE SECONDS\n");
		return 2;
	}
	sock = socket(AF_PACKET, SOCK_DGRAM, htons(TBIB_ETH_P));
	if (sock < 0)
		die("socket");
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(TBIB_ETH_P);
	sll.sll_ifindex = if_nametoindex(argv[1]);
	if (!sll.sll_ifindex)
		die("if_nametoindex");
	if (bind(sock, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind");

	end = now_ms() + strtol(argv[3], NULL, 10) * 1000;
	for (;;) {
		struct pollfd p = { .fd = sock, .events = POLLIN };
		socklen_t alen = sizeof(sll);
		long long left = end - now_ms();
		ssize_t n, i;

		if (left <= 0)
			break;
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			die("poll");
		if (!(p.revents & POLLIN))
			continue;
		n = recvfrom(sock, buf, sizeof(buf), 0, (struct sockaddr *)&sll,
			     &alen);
		if (n < 0)
			die("recvfrom");
		/* only what the link received, not what this host sent */
		if (n < 2 || buf[1] != type || sll.sll_pkttype == PACKET_OUTGOING)
			continue;
		for (i = 0; i < n; i++)
			printf("%02x", buf[i]);
		printf(" %02x:%02x:%02x:%02x:%02x:%02x\n", sll.sll_addr[0],
		       sll.sll_addr[1], sll.sll_addr[2], sll.sll_addr[3],
		       sll.sll_addr[4], sll.sll_addr[5]);
		return 0;
	}
	fprintf(stderr, "rail-capture: no frame of type %02x on %s in %s s\n",
		type, argv[1], argv[3]);
	return 1;
}
