/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The state-file line of a lease (doc/anycastd.md):
 *
 *   EXPIRES MAC IP HOSTNAME CLIENT-ID [offered]
 *
 * EXPIRES in unix seconds, HOSTNAME and CLIENT-ID "*" when none, CLIENT-ID
 * as colon-separated hex bytes. The first five fields are in the order of
 * dnsmasq's lease file, so tools that read that read this; "offered"
 * marks a lease not yet bound. Single spaces, nothing else on the line.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "anycast/core/dhcp_int.h"
#include "common/addr.h"

/* expires, MAC, IP, hostname, client-id, " offered", the separators, NUL */
_Static_assert(AC_LEASE_LINE_MAX >= 20 + 17 + 15 + AC_DHCP_HOSTNAME_MAX +
	       3 * AC_DHCP_CID_MAX - 1 + 8 + 4 + 1, "a lease line fits AC_LEASE_LINE_MAX");

static bool host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-';
}

void ac_lease_hostname_set(char out[AC_DHCP_HOSTNAME_MAX + 1], const uint8_t *p, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len && p[i] != '.' && p[i] && n < AC_DHCP_HOSTNAME_MAX; i++) {
		char c = host_char((char)p[i]) ? (char)p[i] : '-';

		if (c == '-' && n == 0)
			continue;
		out[n++] = c;
	}
	while (n && out[n - 1] == '-')
		n--;
	out[n] = '\0';
}

static bool hostname_ok(const char *s, size_t len)
{
	if (!len || len > AC_DHCP_HOSTNAME_MAX || s[0] == '-' || s[len - 1] == '-')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!host_char(s[i]))
			return false;
	return true;
}

static int cid_format(const struct ac_lease *l, char *out, size_t cap)
{
	size_t off = 0;

	if (!l->client_id_len)
		return snprintf(out, cap, "*");
	for (unsigned i = 0; i < l->client_id_len && off < cap; i++)
		off += (size_t)snprintf(out + off, cap - off, "%s%02x", i ? ":" : "",
					l->client_id[i]);
	return (int)off;
}

int ac_lease_format(const struct ac_lease *l, char *buf, size_t len)
{
	char mac[MC_MAC_STRLEN], ip[INET_ADDRSTRLEN], cid[3 * AC_DHCP_CID_MAX + 1];
	size_t hl = strnlen(l->hostname, sizeof(l->hostname));
	int n;

	if (l->client_id_len > AC_DHCP_CID_MAX || (hl && !hostname_ok(l->hostname, hl)))
		return -EINVAL;
	mc_mac_format(l->mac, mac, sizeof(mac));
	inet_ntop(AF_INET, &l->ip, ip, sizeof(ip));
	cid_format(l, cid, sizeof(cid));
	n = snprintf(buf, len, "%" PRIu64 " %s %s %s %s%s", l->expires_ms / 1000, mac, ip,
		     hl ? l->hostname : "*", cid, l->bound ? "" : " offered");
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

/* The next field: at least one character, then one space or the end. */
static int field(const char **s, const char **f, size_t *flen)
{
	const char *e = strchr(*s, ' ');

	*f = *s;
	*flen = e ? (size_t)(e - *s) : strlen(*s);
	if (!*flen)
		return -EINVAL;
	*s = e ? e + 1 : *s + *flen;
	return e && !e[1] ? -EINVAL : 0;	/* a trailing space */
}

static int expires_parse(const char *f, size_t n, uint64_t *ms)
{
	uint64_t v = 0;

	if (n > 20)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (f[i] < '0' || f[i] > '9' || v > (UINT64_MAX / 1000 - 9) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(f[i] - '0');
	}
	*ms = v * 1000;
	return 0;
}

static int cid_parse(const char *f, size_t n, struct ac_lease *l)
{
	l->client_id_len = 0;
	if (n == 1 && f[0] == '*')
		return 0;
	/* "xx" then ":xx" per byte */
	if ((n + 1) % 3 || (n + 1) / 3 > AC_DHCP_CID_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n; i += 3) {
		int hi = mc_hex_val(f[i]), lo = mc_hex_val(f[i + 1]);

		if (hi < 0 || lo < 0 || (i + 2 < n && f[i + 2] != ':'))
			return -EINVAL;
		l->client_id[l->client_id_len++] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int copy_field(char *dst, size_t cap, const char *f, size_t n)
{
	if (n >= cap)
		return -EINVAL;
	memcpy(dst, f, n);
	dst[n] = '\0';
	return 0;
}

static int addr_fields(const char **s, struct ac_lease *l)
{
	char tmp[32];
	const char *f;
	size_t n;

	if (field(s, &f, &n) < 0 || copy_field(tmp, sizeof(tmp), f, n) < 0 ||
	    strlen(tmp) != 17 || mc_mac_parse(tmp, l->mac) < 0)
		return -EINVAL;
	if (field(s, &f, &n) < 0 || copy_field(tmp, sizeof(tmp), f, n) < 0 ||
	    inet_pton(AF_INET, tmp, &l->ip) != 1)
		return -EINVAL;
	return 0;
}

int ac_lease_parse(const char *line, struct ac_lease *l)
{
	const char *s = line, *f;
	size_t n;

	memset(l, 0, sizeof(*l));
	if (field(&s, &f, &n) < 0 || expires_parse(f, n, &l->expires_ms) < 0)
		return -EINVAL;
	if (addr_fields(&s, l) < 0 || field(&s, &f, &n) < 0)
		return -EINVAL;
	if (!(n == 1 && f[0] == '*') &&
	    (!hostname_ok(f, n) || copy_field(l->hostname, sizeof(l->hostname), f, n) < 0))
		return -EINVAL;
	if (field(&s, &f, &n) < 0 || cid_parse(f, n, l) < 0)
		return -EINVAL;
	l->bound = true;
	if (!*s)
		return 0;
	if (field(&s, &f, &n) < 0 || n != 7 || memcmp(f, "offered", 7) || *s)
		return -EINVAL;
	l->bound = false;
	return 0;
}
