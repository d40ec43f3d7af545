// SPDX-License-Identifier: GPL-2.0
/*
 * rail-inject: put raw tbib frames (EtherType 0x88B5) on a link with
 * AF_PACKET, to check that forged, truncated and garbage frames are
 * counted and dropped.
 *
 *   rail-inject IFNAME DSTMAC HEX...          one frame per HEX payload
 *                                             (the bytes after the EtherType);
 *                                             an argument src=MAC forges the
 *                                             source of the frames after it
 *   rail-inject IFNAME DSTMAC random N SEED   N frames of random length
 *                                             and content (the first bytes
 *                                             biased towards valid headers)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../netlink/uapi/tbib.h"

static int sock;
static struct sockaddr_ll sll;
static unsigned char frame[65536 + 14];

static void die(const char *msg)
{
	fprintf(stderr, "rail-inject: %s: %s\n", msg, strerror(errno));
	exit(2);
}

static int parse_mac(const char *s, unsigned char *mac)
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1],
		      &mac[2], &mac[3], &mac[4], &mac[5]) == 6 ? 0 : -1;
}

static void send_frame(size_t payload)
{
	size_t len = 14 + payload;

	if (sendto(sock, frame, len, 0, (struct sockaddr *)&sll,
		   sizeof(sll)) < 0 && errno != EMSGSIZE)
		die("sendto");
}

static uint64_t st;

static uint32_t rnd(void)
{
	st ^= st << 13;
	st ^= st >> 7;
	st ^= st << 17;
	return (uint32_t)st;
}

int main(int argc, char **argv)
{
	unsigned char dst[6];
	struct ifreq ifr;
	int i;

	if (argc < 4 || parse_mac(argv[2], dst)) {
		fprintf(stderr, "usage: rail-inject IFNAME DSTMAC {HEX...|random N SEED}\n");
		return 2;
	}
	sock = socket(AF_PACKET, SOCK_RAW, htons(TBIB_ETH_P));
	if (sock < 0)
		die("socket");
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[1]);
	if (ioctl(sock, SIOCGIFHWADDR, &ifr) < 0)
		die("SIOCGIFHWADDR");
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = if_nametoindex(argv[1]);
	sll.sll_protocol = htons(TBIB_ETH_P);
	if (!sll.sll_ifindex)
		die("if_nametoindex");

	memcpy(frame, dst, 6);
	memcpy(frame + 6, ifr.ifr_hwaddr.sa_data, 6);
	frame[12] = TBIB_ETH_P >> 8;
	frame[13] = TBIB_ETH_P & 0xff;

	if (!strcmp(argv[3], "random") && argc == 6) {
		long n = atol(argv[4]);

		st = (uint64_t)atol(argv[5]) * 0x9e3779b97f4a7c15ULL + 1;
		for (i = 0; i < n; i++) {
			size_t len = rnd() % 8 ? rnd() % 128 : rnd() % 1400;
			size_t k;

			for (k = 0; k < len; k++)
				frame[14 + k] = rnd();
			if (len > 0 && rnd() % 2)
				frame[14] = 1;			/* version */
			if (len > 1 && rnd() % 2)
				frame[15] = rnd() % 4;		/* control types */
			if (len > 3 && rnd() % 2) {		/* plausible len */
				frame[16] = 0;
				frame[17] = 64;
			}
			send_frame(len);
		}
		printf("rail-inject: %d random frames sent\n", i);
		return 0;
	}
	for (i = 3; i < argc; i++) {
		size_t len = strlen(argv[i]) / 2, k;

		if (!strncmp(argv[i], "src=", 4)) {
			if (parse_mac(argv[i] + 4, frame + 6)) {
				fprintf(stderr, "rail-inject: bad %s\n", argv[i]);
				return 2;
			}
			continue;
		}

		if (len > 65536)
			len = 65536;
		for (k = 0; k < len; k++)
			if (sscanf(argv[i] + 2 * k, "%2hhx", &frame[14 + k]) != 1)
				break;
		send_frame(k);
	}
	return 0;
}
