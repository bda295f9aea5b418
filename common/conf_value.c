/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Config values: parsing, checking against an option's type and bounds,
 * and saying what was expected when a value is refused.
 */
#include "common/conf_int.h"
#include "common/addr.h"
#include "common/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <string.h>

/* bmx7's UDP port: sharing it would make both daemons misparse each other. */
#define BMX7_PORT 6270
/* rundir + "/leasesyncd.sock" and friends must fit sockaddr_un.sun_path. */
#define PATH_MAX_LEN 80
/* Rates are kbit/s from 1 kbit to 100 gbit. */
#define RATE_MAX_KBIT 100000000ull

const char *const mc_conf_log_levels[] = {
	"error", "warning", "notice", "info", "debug", NULL,
};
/* The priority of each of mc_conf_log_levels. */
static const int log_prios[] = {
	MC_LOG_ERR, MC_LOG_WARN, MC_LOG_NOTICE, MC_LOG_INFO, MC_LOG_DEBUG,
};

/* -------------------------------------------------------------- parsers */

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* Unsigned decimal of at most 12 digits at *s, advancing *s. */
static int parse_num(const char **s, uint64_t *v)
{
	const char *p = *s;

	*v = 0;
	while (is_digit(*p) && p - *s < 12)
		*v = *v * 10 + (uint64_t)(*p++ - '0');
	if (p == *s || is_digit(*p))
		return -EINVAL;
	*s = p;
	return 0;
}

int mc_conf_parse_int(const char *s, long *v)
{
	uint64_t u;

	if (parse_num(&s, &u) < 0 || *s || u > LONG_MAX)
		return -EINVAL;
	*v = (long)u;
	return 0;
}

int mc_conf_parse_bool(const char *s, bool *v)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };

	for (size_t i = 0; i < CONF_ARRAY_LEN(yes); i++) {
		if (!strcmp(s, yes[i]) || !strcmp(s, no[i])) {
			*v = !strcmp(s, yes[i]);
			return 0;
		}
	}
	return -EINVAL;
}

int mc_conf_parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++, s += 3) {
		int hi = mc_hex_val(s[0]), lo = hi < 0 ? -1 : mc_hex_val(s[1]);

		if (lo < 0 || s[2] != (i == 5 ? '\0' : ':'))
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int mc_conf_parse_cidr(const char *s, int af, void *addr, unsigned *plen)
{
	char buf[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/'), *p;
	unsigned max = af == AF_INET ? 32 : 128;
	uint64_t len;

	if (!slash || (size_t)(slash - s) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	p = slash + 1;
	if (inet_pton(af, buf, addr) != 1 || parse_num(&p, &len) < 0 || *p ||
	    len > max || (slash[1] == '0' && slash[2]))
		return -EINVAL;
	if (plen)
		*plen = (unsigned)len;
	return 0;
}

/* "54mbit" in kbit/s at *s, advancing *s. */
static int parse_rate(const char **s, uint64_t *kbit)
{
	static const struct { const char *unit; uint64_t mult; } units[] = {
		{ "kbit", 1 }, { "mbit", 1000 }, { "gbit", 1000000 },
	};
	uint64_t n;

	if (parse_num(s, &n) < 0)
		return -EINVAL;
	for (size_t i = 0; i < CONF_ARRAY_LEN(units); i++) {
		if (strncmp(*s, units[i].unit, 4))
			continue;
		*s += 4;
		*kbit = n * units[i].mult;	/* n < 10^12: no overflow */
		return *kbit && *kbit <= RATE_MAX_KBIT ? 0 : -ERANGE;
	}
	return -EINVAL;
}

int mc_conf_parse_rates(const char *s, uint64_t *down, uint64_t *up)
{
	if (parse_rate(&s, down) < 0)
		return -EINVAL;
	*up = *down;
	if (*s == '/' && (s++, parse_rate(&s, up) < 0))
		return -EINVAL;
	return *s ? -EINVAL : 0;
}

int mc_conf_log_level_prio(const char *s)
{
	for (size_t i = 0; mc_conf_log_levels[i]; i++)
		if (!strcmp(s, mc_conf_log_levels[i]))
			return log_prios[i];
	return MC_LOG_INFO;
}

/* ------------------------------------------------------------- checkers */

static bool label_ok(const char *s, size_t n)
{
	if (!n || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (mc_hex_val(s[i]) < 0 && !(s[i] >= 'g' && s[i] <= 'z') &&
		    !(s[i] >= 'G' && s[i] <= 'Z') && s[i] != '-')
			return false;
	return true;
}

static bool domain_ok(const char *s)
{
	if (strlen(s) > 253)
		return false;
	for (;;) {
		size_t n = strcspn(s, ".");

		if (!label_ok(s, n))
			return false;
		if (!s[n])
			return true;
		s += n + 1;
	}
}

/* Linux's dev_valid_name(): under IFNAMSIZ, no '/', ':' or blanks; and
 * no '%', which the kernel would take for a "%d" name pattern. */
bool mc_conf_ifname_ok(const char *s)
{
	size_t n = strlen(s);

	return n && n <= 15 && strcmp(s, ".") && strcmp(s, "..") &&
	       !strpbrk(s, "/:% ");
}

static bool int_ok(const struct mc_conf_opt *os, const char *v)
{
	long n;

	if (os->type == MC_CONF_T_INT_AUTO && !strcmp(v, "auto"))
		return true;
	if (mc_conf_parse_int(v, &n) < 0 || n < os->min || n > os->max)
		return false;
	return os->type != MC_CONF_T_PORT || n != BMX7_PORT;
}

static bool hexid_ok(const struct mc_conf_opt *os, const char *v)
{
	size_t n = strlen(v);

	/* whole bytes: an id prefix is compared byte by byte */
	if (n < (size_t)os->min || n > (size_t)os->max || n % 2)
		return false;
	for (; *v; v++)
		if (mc_hex_val(*v) < 0)
			return false;
	return true;
}

static bool enum_ok(const struct mc_conf_opt *os, const char *v)
{
	for (size_t i = 0; os->words[i]; i++)
		if (!strcmp(v, os->words[i]))
			return true;
	return false;
}

/* "10.99.0.0/16" or "fd99::/64": a prefix length is required and the
 * host bits must be zero, so a typo is not announced as something else. */
static bool prefix_ok(const char *v)
{
	struct mc_ip ip, masked;

	/* /0 is a default route: gateway offers carry those, not prefixes */
	if (!strchr(v, '/') || mc_ip_parse(v, &ip) < 0 || !ip.plen)
		return false;
	masked = ip;
	mc_ip_mask(&masked);
	return !memcmp(ip.a, masked.a, sizeof(ip.a));
}

/* 'auto' or a download/upload pair: a single rate is refused, so an
 * offer always says both. */
static bool gwbw_ok(const char *v)
{
	uint64_t d, u;

	return !strcmp(v, "auto") || (mc_conf_parse_rates(v, &d, &u) == 0 && strchr(v, '/'));
}

bool mc_conf_value_ok(const struct mc_conf_opt *os, const char *v)
{
	uint8_t a[16];
	uint64_t d, u;
	uint32_t mask;
	bool b;
	size_t n = strlen(v);

	switch (os->type) {
	case MC_CONF_T_STR: return n >= (size_t)os->min && n <= (size_t)os->max;
	case MC_CONF_T_HOSTNAME: return label_ok(v, n);
	case MC_CONF_T_DOMAIN: return domain_ok(v);
	case MC_CONF_T_INT:
	case MC_CONF_T_INT_AUTO:
	case MC_CONF_T_PORT: return int_ok(os, v);
	case MC_CONF_T_BOOL: return mc_conf_parse_bool(v, &b) == 0;
	case MC_CONF_T_ENUM: return enum_ok(os, v);
	case MC_CONF_T_MAC: return mc_conf_parse_mac(v, a) == 0;
	case MC_CONF_T_IPV4: return mc_conf_parse_cidr(v, AF_INET, a, NULL) == 0;
	case MC_CONF_T_IPV6: return mc_conf_parse_cidr(v, AF_INET6, a, NULL) == 0;
	case MC_CONF_T_IFNAME: return mc_conf_ifname_ok(v);
	case MC_CONF_T_RATE: return mc_conf_parse_rates(v, &d, &u) == 0 && !strchr(v, '/');
	case MC_CONF_T_GWBW: return gwbw_ok(v);
	case MC_CONF_T_HEXID: return hexid_ok(os, v);
	case MC_CONF_T_PATH: return v[0] == '/' && n <= PATH_MAX_LEN;
	case MC_CONF_T_DEBUG: return mc_log_debug_parse(v, &mask) == 0;
	case MC_CONF_T_PREFIX: return prefix_ok(v);
	case MC_CONF_T_ADDR: return !n || inet_pton(AF_INET, v, a) == 1 ||
				    inet_pton(AF_INET6, v, a) == 1;
	}
	return false;
}

/* ------------------------------------------------------------- messages */

static const char *const type_expect[] = {
	[MC_CONF_T_HOSTNAME] = "expected 1..63 letters, digits or '-', "
			       "not starting or ending with '-'",
	[MC_CONF_T_DOMAIN] = "expected a domain name like thisnode.info",
	[MC_CONF_T_BOOL] = "expected 0, 1, true, false, yes, no, on or off",
	[MC_CONF_T_MAC] = "expected a MAC address like 02:00:00:00:00:01",
	[MC_CONF_T_IPV4] = "expected an IPv4 address/prefix length like 10.13.0.1/16",
	[MC_CONF_T_IPV6] = "expected an IPv6 address/prefix length like "
			   "fd0d:fe46:8ce8::1/64",
	[MC_CONF_T_IFNAME] = "expected an interface name of 1..15 bytes "
			     "without '/', ':', '%' or blanks",
	[MC_CONF_T_RATE] = "expected a rate like 100kbit, 54mbit or 1gbit "
			   "(at most 100gbit)",
	[MC_CONF_T_GWBW] = "expected auto or download/upload rates like "
			   "10mbit/2mbit (at most 100gbit)",
	[MC_CONF_T_PATH] = "expected an absolute path of at most 80 bytes",
	[MC_CONF_T_DEBUG] = "expected debug categories like batman,tt "
			    "(or all, none)",
	[MC_CONF_T_PREFIX] = "expected an IPv4 or IPv6 prefix with its host bits "
			     "zero, like 10.99.0.0/16 or fd99::/64 (not /0: "
			     "defaults come with gateway offers)",
	[MC_CONF_T_ADDR] = "expected an IPv4 or IPv6 address without a prefix "
			   "length, like 198.18.0.1 or 2001:db8::1, or nothing",
};

static void enum_why(const struct mc_conf_opt *os, char *why, size_t len)
{
	size_t off = (size_t)snprintf(why, len, "expected");

	for (size_t i = 0; os->words[i] && off < len; i++)
		off += (size_t)snprintf(why + off, len - off, "%s%s",
					i == 0 ? " " : os->words[i + 1] ? ", " : " or ",
					os->words[i]);
}

void mc_conf_value_why(const struct mc_conf_opt *os, const char *v, char *why,
		       size_t len)
{
	switch (os->type) {
	case MC_CONF_T_STR:
		snprintf(why, len, "expected %ld..%ld bytes", os->min, os->max);
		break;
	case MC_CONF_T_PORT:
		if (!strcmp(v, "6270")) {
			snprintf(why, len, "%d is bmx7's port", BMX7_PORT);
			break;
		}
		/* fall through */
	case MC_CONF_T_INT:
	case MC_CONF_T_INT_AUTO:
		snprintf(why, len, "expected %ld..%ld%s", os->min, os->max,
			 os->type == MC_CONF_T_INT_AUTO ? " or auto" : "");
		break;
	case MC_CONF_T_HEXID:
		snprintf(why, len, "expected a node id (or its first bytes) of "
			 "%ld..%ld hex digits, an even number", os->min, os->max);
		break;
	case MC_CONF_T_ENUM:
		enum_why(os, why, len);
		break;
	default:
		snprintf(why, len, "%s", type_expect[os->type]);
	}
}
