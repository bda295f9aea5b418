/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MC_ADDR_H
#define MC_ADDR_H

/* IP prefixes and MAC addresses as plain values (pure; no sockets). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mc_ip {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t a[16];		/* network order; IPv4 in the first 4 bytes */
	uint8_t plen;		/* prefix length; 32/128 for a host */
};

#define MC_IP_STRLEN 50		/* "ffff:...:ffff/128" and a NUL */
#define MC_MAC_STRLEN 18

/* "10.13.0.1/16", "fd0d::1/64", or a bare address (host prefix). */
int mc_ip_parse(const char *s, struct mc_ip *ip);
/* With "/plen" unless the prefix is a host; returns buf. */
const char *mc_ip_format(const struct mc_ip *ip, char *buf, size_t len);
/* Zeroes the host bits. */
void mc_ip_mask(struct mc_ip *ip);
/* True when prefix p contains a (same family, a no shorter, same leading bits). */
bool mc_ip_covers(const struct mc_ip *p, const struct mc_ip *a);
static inline size_t mc_ip_len(const struct mc_ip *ip)
{
	return ip->family == 2 /* AF_INET */ ? 4 : 16;
}

/* fe80::/10, as raw bytes (no struct in6_addr needed). */
static inline bool mc_in6_is_linklocal(const void *a)
{
	const uint8_t *b = a;

	return b[0] == 0xfe && (b[1] & 0xc0) == 0x80;
}

/* An ICMP (v6: ICMPv6) echo reply with identifier id? An IPv4 raw socket
 * gives the IP header too. */
bool mc_icmp_echo_is_reply(const uint8_t *p, size_t n, bool v6, uint16_t id);

/* The value of one hex digit, -1 if c is none. */
int mc_hex_val(char c);
/* "aa:bb:cc:dd:ee:ff" (or with '-'); -EINVAL otherwise. */
int mc_mac_parse(const char *s, uint8_t mac[6]);
const char *mc_mac_format(const uint8_t mac[6], char *buf, size_t len);
static inline bool mc_mac_is_multicast(const uint8_t mac[6])
{
	return mac[0] & 1;
}

#endif
