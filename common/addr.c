/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "common/addr.h"

#include "common/buf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int mc_ip_parse(const char *s, struct mc_ip *ip)
{
	char tmp[MC_IP_STRLEN];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);

	memset(ip, 0, sizeof(*ip));
	if (alen == 0 || alen >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, s, alen);
	tmp[alen] = '\0';
	if (inet_pton(AF_INET, tmp, ip->a) == 1)
		ip->family = AF_INET;
	else if (inet_pton(AF_INET6, tmp, ip->a) == 1)
		ip->family = AF_INET6;
	else
		return -EINVAL;
	unsigned max = ip->family == AF_INET ? 32 : 128;
	ip->plen = (uint8_t)max;
	if (slash) {
		char *end;
		const char *p = slash + 1;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		unsigned long v = strtoul(p, &end, 10);
		if (*end || v > max || end - p > 3)
			return -EINVAL;
		ip->plen = (uint8_t)v;
	}
	return 0;
}

const char *mc_ip_format(const struct mc_ip *ip, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	unsigned max = ip->family == AF_INET ? 32 : 128;

	if (!inet_ntop(ip->family, ip->a, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	if (ip->plen == max)
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, "%s/%u", a, ip->plen);
	return buf;
}

void mc_ip_mask(struct mc_ip *ip)
{
	size_t n = mc_ip_len(ip);

	for (size_t i = 0; i < n; i++) {
		unsigned bits = i * 8 >= ip->plen ? 0 :
				ip->plen - i * 8 >= 8 ? 8 : ip->plen - i * 8;
		ip->a[i] &= (uint8_t)(0xff00u >> bits);
	}
}

bool mc_ip_covers(const struct mc_ip *p, const struct mc_ip *a)
{
	unsigned full = p->plen / 8, rest = p->plen % 8;

	if (p->family != a->family || a->plen < p->plen)
		return false;
	if (memcmp(p->a, a->a, full))
		return false;
	return !rest || !((p->a[full] ^ a->a[full]) & (0xff << (8 - rest)));
}

int mc_hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int mc_mac_parse(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		int hi = mc_hex_val(s[0]), lo = hi < 0 ? -1 : mc_hex_val(s[1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5 && *s != ':' && *s != '-')
			return -EINVAL;
		if (i < 5)
			s++;
	}
	return *s ? -EINVAL : 0;
}

const char *mc_mac_format(const uint8_t mac[6], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

bool mc_icmp_echo_is_reply(const uint8_t *p, size_t n, bool v6, uint16_t id)
{
	struct mc_rd rd;
	uint8_t vihl = 0, type = 0;
	uint16_t got = 0;

	mc_rd_init(&rd, p, n);
	if (!v6) {
		mc_rd_u8(&rd, &vihl);
		mc_rd_skip(&rd, (size_t)(vihl & 0xf) * 4 - 1);
	}
	mc_rd_u8(&rd, &type);
	mc_rd_skip(&rd, 3);
	mc_rd_u16(&rd, &got);
	return mc_rd_ok(&rd) && type == (v6 ? 129 : 0) && got == id;
}
