/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The gateway tunnel's packet checks (l3route/core/tunpkt.c): each input
 * is one packet, read by all three as the shell would (a packet from
 * smtun, a tunnel datagram's inner packet, a reply on the WAN check's
 * ICMP socket, v4 and v6). Each answer is checked against the header
 * fields read here straight from the bytes:
 *   classify:      AF_INET only for a whole-header IPv4 unicast packet,
 *                  AF_INET6 only for an IPv6 packet to no multicast and
 *                  no node address, else the one reason that applies;
 *   inner source:  0 only when the length field matches the datagram,
 *                  and then *src is the header's source as a host prefix;
 *   ping reply:    only an echo reply (type 0 / 129) with the id asked for.
 * Whatever inner source passes is also tried against an announcer's
 * prefixes with mc_ip_covers (l3_tunnel_check's test).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "l3route/core/tunpkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ENSURE(c) do { if (!(c)) abort(); } while (0)

static void check_classify(const uint8_t *p, size_t n)
{
	int rc = l3_tun_classify(p, n);
	unsigned v = n ? p[0] >> 4 : 0;

	if (v == 4 && n >= 20)
		ENSURE(rc == ((p[16] >> 4) == 0xe ? -L3_TUN_DROP_MULTICAST : AF_INET));
	else if (v == 6 && n >= 40)
		ENSURE(rc == (p[24] == 0xff ? -L3_TUN_DROP_MULTICAST :
			      p[24] == 0xfd && p[25] == 0x5e ? -L3_TUN_DROP_LOOP : AF_INET6));
	else
		ENSURE(rc == -L3_TUN_DROP_MALFORMED);
}

static void check_inner(const uint8_t *p, size_t n)
{
	struct mc_ip src, pfx = { .family = AF_INET, .plen = 16, .a = { 10, 13 } };
	int rc = l3_tun_inner_source(p, n, &src);

	ENSURE(rc == 0 || rc == -EINVAL);
	if (rc < 0)
		return;
	if (p[0] >> 4 == 4) {
		ENSURE(n >= 20 && (size_t)(p[0] & 0xf) * 4 <= n && ((size_t)p[2] << 8 | p[3]) == n);
		ENSURE(src.family == AF_INET && src.plen == 32 && !memcmp(src.a, p + 12, 4));
		ENSURE(mc_ip_covers(&pfx, &src) == (p[12] == 10 && p[13] == 13));
	} else {
		ENSURE(p[0] >> 4 == 6 && n >= 40 && ((size_t)p[4] << 8 | p[5]) + 40 == n);
		ENSURE(src.family == AF_INET6 && src.plen == 128 && !memcmp(src.a, p + 8, 16));
		pfx = (struct mc_ip){ .family = AF_INET6, .plen = 16, .a = { 0xfd, 0x5e } };
		ENSURE(mc_ip_covers(&pfx, &src) == (p[8] == 0xfd && p[9] == 0x5e));
		ENSURE(mc_ip_covers(&src, &src));
	}
}

static void check_ping(const uint8_t *p, size_t n, uint16_t id)
{
	size_t hl = n ? (size_t)(p[0] & 0xf) * 4 : 0;

	/* v6: the ICMPv6 header comes first */
	ENSURE(mc_icmp_echo_is_reply(p, n, true, id) ==
	       (n >= 6 && p[0] == 129 && ((uint16_t)(p[4] << 8 | p[5])) == id));
	/* v4: after an IP header of IHL words (IHL 0 is no header) */
	ENSURE(mc_icmp_echo_is_reply(p, n, false, id) ==
	       (hl >= 4 && n >= hl + 6 && p[hl] == 0 &&
		((uint16_t)(p[hl + 4] << 8 | p[hl + 5])) == id));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_classify(data, size);
	check_inner(data, size);
	check_ping(data, size, 0x1234);
	check_ping(data, size, size >= 2 ? (uint16_t)(data[size - 2] << 8 | data[size - 1]) : 0);
	return 0;
}
