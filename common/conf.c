/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Config loading: UCI lexer and statements, layer merging, LibreMesh
 * templates, schema validation, normalized printing and typed getters.
 * One file so the schema, its checkers and the loader share static types.
 */
#include "common/conf.h"
#include "common/addr.h"
#include "common/log.h"
#include "common/md5.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/*
 * Kept identical to common/defaults.conf (test_conf compares them): the
 * defaults of the two lime sections. Options of `net` sections, which a
 * file cannot default for ports it does not know, default in the schema.
 */
const char mc_conf_defaults[] =
	"# softmesh built-in defaults: the first config layer, before the community\n"
	"# and node files. Kept identical to mc_conf_defaults in common/conf.c (a\n"
	"# unit test compares them). Templates: %M1..%M6 = bytes of the node's\n"
	"# primary MAC, %N1..%N6 = bytes of md5(ap_ssid + \"\\n\"), %H = hostname.\n"
	"\n"
	"config lime 'system'\n"
	"\toption hostname 'LiMe-%M4%M5%M6'\n"
	"\toption domain 'thisnode.info'\n"
	"\toption primary_interface 'eth0'\n"
	"\toption rundir '/run/softmesh'\n"
	"\toption log_level 'info'\n"
	"\toption debug ''\n"
	"\n"
	"config lime 'network'\n"
	"\toption ap_ssid 'LibreMesh.org'\n"
	"\toption main_ipv4_address '10.%N1.%M5.%M6/16'\n"
	"\toption main_ipv6_address 'fd%N1:%N2%N3:%N4%N5::%M5%M6/64'\n"
	"\toption anygw_ipv4 '10.%N1.0.1/16'\n"
	"\toption anygw_ipv6 'fd%N1:%N2%N3:%N4%N5::1/64'\n"
	"\toption anygw_mac 'aa:aa:aa:%N1:%N2:aa'\n"
	"\toption batadv_vlan 'auto'\n"
	"\toption orig_interval '1000'\n"
	"\toption hop_penalty '30'\n"
	"\toption bat0_mtu '1500'\n"
	"\toption busy_poll '0'\n"
	"\toption l3_port '6240'\n"
	"\toption l3_key '/var/lib/softmesh/l3route.key'\n"
	"\toption l3_table '201'\n"
	"\toption l3_hello_interval '1000'\n"
	"\toption l3_link_timeout '2500'\n"
	"\toption l3_update_interval '60000'\n"
	"\toption gateway '0'\n"
	"\toption gateway_bandwidth 'auto'\n"
	"\toption preferred_gateway ''\n"
	"\toption gateway_check ''\n"
	"\toption gateway_min_bandwidth '1kbit'\n"
	"\toption gateway_hysteresis '20'\n"
	"\toption nat '0'\n";

/* --------------------------------------------------------------- schema */

/* Value types; bit positions in the getters' type masks. */
enum conf_type {
	CONF_T_STR,		/* min..max bytes */
	CONF_T_HOSTNAME,	/* one DNS label */
	CONF_T_DOMAIN,		/* DNS name */
	CONF_T_INT,		/* min..max */
	CONF_T_INT_AUTO,	/* min..max or 'auto' */
	CONF_T_PORT,		/* min..max, never bmx7's port */
	CONF_T_BOOL,
	CONF_T_ENUM,		/* one of words */
	CONF_T_MAC,
	CONF_T_IPV4,		/* address/prefix length */
	CONF_T_IPV6,
	CONF_T_IFNAME,
	CONF_T_RATE,		/* '54mbit' */
	CONF_T_GWBW,		/* '10mbit/2mbit' or 'auto' */
	CONF_T_HEXID,		/* node id in hex */
	CONF_T_PATH,		/* absolute, short enough for socket paths */
	CONF_T_DEBUG,		/* debug categories for mc_log_debug_parse */
	CONF_T_PREFIX,		/* IPv4 or IPv6 prefix, host bits zero */
	CONF_T_ADDR,		/* IPv4 or IPv6 address without length, or empty */
};

#define CONF_F_LIST 1u		/* set by `list`, may hold many values */
#define CONF_F_REQUIRED 2u	/* a section without it is refused */
#define CONF_F_LITERAL 4u	/* no template expansion (the template sources) */

struct conf_opt_schema {
	const char *name;
	enum conf_type type;
	long min, max;		/* int range or string length bounds */
	const char *const *words;	/* CONF_T_ENUM, NULL-terminated */
	const char *def;	/* default where no defaults-layer section can hold one */
	unsigned flags;
};

struct conf_sec_schema {
	const char *type;
	const char *name;	/* the one name allowed; NULL: any, or none */
	const struct conf_opt_schema *opts;
	size_t nopts;
};

/* bmx7's UDP port: sharing it would make both daemons misparse each other. */
#define BMX7_PORT 6270
/* rundir + "/leasesyncd.sock" and friends must fit sockaddr_un.sun_path. */
#define PATH_MAX_LEN 80
/* Rates are kbit/s from 1 kbit to 100 gbit. */
#define RATE_MAX_KBIT 100000000ull

static const char *const log_levels[] = {
	"error", "warning", "notice", "info", "debug", NULL,
};
static const int log_prios[] = {
	MC_LOG_ERR, MC_LOG_WARN, MC_LOG_NOTICE, MC_LOG_INFO, MC_LOG_DEBUG,
};
static const char *const roles[] = { "mesh", "lan", "wan", NULL };

/* Option order here is the print order. */
static const struct conf_opt_schema system_opts[] = {
	{ .name = "hostname", .type = CONF_T_HOSTNAME },
	{ .name = "domain", .type = CONF_T_DOMAIN },
	{ .name = "primary_interface", .type = CONF_T_IFNAME,
	  .flags = CONF_F_LITERAL },
	{ .name = "primary_mac", .type = CONF_T_MAC, .flags = CONF_F_LITERAL },
	{ .name = "rundir", .type = CONF_T_PATH },
	{ .name = "log_level", .type = CONF_T_ENUM, .words = log_levels },
	{ .name = "debug", .type = CONF_T_DEBUG },
};

static const struct conf_opt_schema network_opts[] = {
	{ .name = "ap_ssid", .type = CONF_T_STR, .min = 1, .max = 32,
	  .flags = CONF_F_LITERAL },
	{ .name = "main_ipv4_address", .type = CONF_T_IPV4 },
	{ .name = "main_ipv6_address", .type = CONF_T_IPV6 },
	{ .name = "anygw_ipv4", .type = CONF_T_IPV4 },
	{ .name = "anygw_ipv6", .type = CONF_T_IPV6 },
	{ .name = "anygw_mac", .type = CONF_T_MAC },
	{ .name = "batadv_vlan", .type = CONF_T_INT_AUTO, .min = 0, .max = 4094 },
	{ .name = "orig_interval", .type = CONF_T_INT, .min = 100, .max = 60000 },
	{ .name = "hop_penalty", .type = CONF_T_INT, .min = 0, .max = 255 },
	{ .name = "bat0_mtu", .type = CONF_T_INT, .min = 1280, .max = 9000 },
	{ .name = "busy_poll", .type = CONF_T_INT, .min = 0, .max = 100000 },
	{ .name = "l3_port", .type = CONF_T_PORT, .min = 1, .max = 65535 },
	{ .name = "l3_key", .type = CONF_T_PATH },
	/* 253..255 are the kernel's default, main and local tables, and
	 * l3_table + 1 is the gateway tunnel's (doc/l3route-gateways.md) */
	{ .name = "l3_table", .type = CONF_T_INT, .min = 1, .max = 251 },
	{ .name = "l3_hello_interval", .type = CONF_T_INT, .min = 100, .max = 60000 },
	{ .name = "l3_link_timeout", .type = CONF_T_INT, .min = 300, .max = 600000 },
	{ .name = "l3_update_interval", .type = CONF_T_INT, .min = 1000,
	  .max = 3600000 },
	{ .name = "l3_prefix", .type = CONF_T_PREFIX, .flags = CONF_F_LIST },
	{ .name = "gateway", .type = CONF_T_BOOL },
	{ .name = "gateway_bandwidth", .type = CONF_T_GWBW },
	{ .name = "preferred_gateway", .type = CONF_T_STR, .min = 0, .max = 64 },
	{ .name = "gateway_check", .type = CONF_T_ADDR },
	{ .name = "gateway_min_bandwidth", .type = CONF_T_RATE },
	{ .name = "gateway_hysteresis", .type = CONF_T_INT, .min = 0, .max = 1000 },
	{ .name = "trusted_nodes", .type = CONF_T_HEXID, .min = 8, .max = 64,
	  .flags = CONF_F_LIST },
	{ .name = "nat", .type = CONF_T_BOOL },
};

static const struct conf_opt_schema net_opts[] = {
	{ .name = "linux_name", .type = CONF_T_IFNAME, .flags = CONF_F_REQUIRED },
	{ .name = "role", .type = CONF_T_ENUM, .words = roles,
	  .flags = CONF_F_REQUIRED },
	{ .name = "wireless", .type = CONF_T_BOOL, .def = "0" },
	{ .name = "rate", .type = CONF_T_RATE },
	{ .name = "mtu", .type = CONF_T_INT, .min = 576, .max = 9000 },
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const struct conf_sec_schema sec_schemas[] = {
	{ "lime", "system", system_opts, ARRAY_LEN(system_opts) },
	{ "lime", "network", network_opts, ARRAY_LEN(network_opts) },
	{ "net", NULL, net_opts, ARRAY_LEN(net_opts) },
};

static bool schema_has_type(const char *type)
{
	for (size_t i = 0; i < ARRAY_LEN(sec_schemas); i++)
		if (!strcmp(sec_schemas[i].type, type))
			return true;
	return false;
}

/* The schema for `config type [name]`, NULL if that name is not allowed. */
static const struct conf_sec_schema *schema_section(const char *type,
						     const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(sec_schemas); i++) {
		const struct conf_sec_schema *s = &sec_schemas[i];

		if (strcmp(s->type, type))
			continue;
		if (!s->name || (name && !strcmp(s->name, name)))
			return s;
	}
	return NULL;
}

/* The names a type allows, as "'system' or 'network'". */
static void schema_names(const char *type, char *buf, size_t len)
{
	size_t off = 0, n = 0, total = 0;

	for (size_t i = 0; i < ARRAY_LEN(sec_schemas); i++)
		total += sec_schemas[i].name && !strcmp(sec_schemas[i].type, type);
	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_LEN(sec_schemas) && off < len; i++) {
		const struct conf_sec_schema *s = &sec_schemas[i];

		if (!s->name || strcmp(s->type, type))
			continue;
		n++;
		off += (size_t)snprintf(buf + off, len - off, "%s'%s'",
					n == 1 ? "" : n == total ? " or " : ", ",
					s->name);
	}
}

static int schema_opt_index(const struct conf_sec_schema *s, const char *name)
{
	for (size_t i = 0; i < s->nopts; i++)
		if (!strcmp(s->opts[i].name, name))
			return (int)i;
	return -1;
}

/* -------------------------------------------------------- value parsers */

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static int hex_val(char ch)
{
	if (is_digit(ch))
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
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

static int parse_int(const char *s, long *v)
{
	uint64_t u;

	if (parse_num(&s, &u) < 0 || *s || u > LONG_MAX)
		return -EINVAL;
	*v = (long)u;
	return 0;
}

static int parse_bool(const char *s, bool *v)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };

	for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
		if (!strcmp(s, yes[i]) || !strcmp(s, no[i])) {
			*v = !strcmp(s, yes[i]);
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++, s += 3) {
		int hi = hex_val(s[0]), lo = hi < 0 ? -1 : hex_val(s[1]);

		if (lo < 0 || s[2] != (i == 5 ? '\0' : ':'))
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* "addr/len" for af (AF_INET or AF_INET6); a prefix length is required. */
static int parse_cidr(const char *s, int af, void *addr, unsigned *plen)
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
	for (size_t i = 0; i < ARRAY_LEN(units); i++) {
		if (strncmp(*s, units[i].unit, 4))
			continue;
		*s += 4;
		*kbit = n * units[i].mult;	/* n < 10^12: no overflow */
		return *kbit && *kbit <= RATE_MAX_KBIT ? 0 : -ERANGE;
	}
	return -EINVAL;
}

/* "54mbit" (up = down) or "10mbit/2mbit" (down/up). */
static int parse_rates(const char *s, uint64_t *down, uint64_t *up)
{
	if (parse_rate(&s, down) < 0)
		return -EINVAL;
	*up = *down;
	if (*s == '/' && (s++, parse_rate(&s, up) < 0))
		return -EINVAL;
	return *s ? -EINVAL : 0;
}

static int log_level_prio(const char *s)
{
	for (size_t i = 0; log_levels[i]; i++)
		if (!strcmp(s, log_levels[i]))
			return log_prios[i];
	return MC_LOG_INFO;
}

/* ------------------------------------------------------- value checkers */

static bool label_ok(const char *s, size_t n)
{
	if (!n || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (hex_val(s[i]) < 0 && !(s[i] >= 'g' && s[i] <= 'z') &&
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
static bool ifname_ok(const char *s)
{
	size_t n = strlen(s);

	return n && n <= 15 && strcmp(s, ".") && strcmp(s, "..") &&
	       !strpbrk(s, "/:% ");
}

static bool int_ok(const struct conf_opt_schema *os, const char *v)
{
	long n;

	if (os->type == CONF_T_INT_AUTO && !strcmp(v, "auto"))
		return true;
	if (parse_int(v, &n) < 0 || n < os->min || n > os->max)
		return false;
	return os->type != CONF_T_PORT || n != BMX7_PORT;
}

static bool hexid_ok(const struct conf_opt_schema *os, const char *v)
{
	size_t n = strlen(v);

	if (n < (size_t)os->min || n > (size_t)os->max)
		return false;
	for (; *v; v++)
		if (hex_val(*v) < 0)
			return false;
	return true;
}

static bool enum_ok(const struct conf_opt_schema *os, const char *v)
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

	if (!strchr(v, '/') || mc_ip_parse(v, &ip) < 0)
		return false;
	masked = ip;
	mc_ip_mask(&masked);
	return !memcmp(ip.a, masked.a, sizeof(ip.a));
}

static bool value_ok(const struct conf_opt_schema *os, const char *v)
{
	uint8_t a[16];
	uint64_t d, u;
	uint32_t mask;
	bool b;
	size_t n = strlen(v);

	switch (os->type) {
	case CONF_T_STR: return n >= (size_t)os->min && n <= (size_t)os->max;
	case CONF_T_HOSTNAME: return label_ok(v, n);
	case CONF_T_DOMAIN: return domain_ok(v);
	case CONF_T_INT:
	case CONF_T_INT_AUTO:
	case CONF_T_PORT: return int_ok(os, v);
	case CONF_T_BOOL: return parse_bool(v, &b) == 0;
	case CONF_T_ENUM: return enum_ok(os, v);
	case CONF_T_MAC: return parse_mac(v, a) == 0;
	case CONF_T_IPV4: return parse_cidr(v, AF_INET, a, NULL) == 0;
	case CONF_T_IPV6: return parse_cidr(v, AF_INET6, a, NULL) == 0;
	case CONF_T_IFNAME: return ifname_ok(v);
	case CONF_T_RATE: return parse_rates(v, &d, &u) == 0 && !strchr(v, '/');
	case CONF_T_GWBW: return !strcmp(v, "auto") ||
				 (parse_rates(v, &d, &u) == 0 && strchr(v, '/'));
	case CONF_T_HEXID: return hexid_ok(os, v);
	case CONF_T_PATH: return v[0] == '/' && n <= PATH_MAX_LEN;
	case CONF_T_DEBUG: return mc_log_debug_parse(v, &mask) == 0;
	case CONF_T_PREFIX: return prefix_ok(v);
	case CONF_T_ADDR: return !n || inet_pton(AF_INET, v, a) == 1 ||
				 inet_pton(AF_INET6, v, a) == 1;
	}
	return false;
}

/* What the option expects, for "invalid value 'x' for opt: <why>". */
static const char *const type_expect[] = {
	[CONF_T_HOSTNAME] = "expected 1..63 letters, digits or '-', "
			    "not starting or ending with '-'",
	[CONF_T_DOMAIN] = "expected a domain name like thisnode.info",
	[CONF_T_BOOL] = "expected 0, 1, true, false, yes, no, on or off",
	[CONF_T_MAC] = "expected a MAC address like 02:00:00:00:00:01",
	[CONF_T_IPV4] = "expected an IPv4 address/prefix length like 10.13.0.1/16",
	[CONF_T_IPV6] = "expected an IPv6 address/prefix length like "
			"fd0d:fe46:8ce8::1/64",
	[CONF_T_IFNAME] = "expected an interface name of 1..15 bytes "
			  "without '/', ':', '%' or blanks",
	[CONF_T_RATE] = "expected a rate like 100kbit, 54mbit or 1gbit "
			"(at most 100gbit)",
	[CONF_T_GWBW] = "expected auto or download/upload rates like "
			"10mbit/2mbit (at most 100gbit)",
	[CONF_T_PATH] = "expected an absolute path of at most 80 bytes",
	[CONF_T_DEBUG] = "expected debug categories like batman,tt "
			 "(or all, none)",
	[CONF_T_PREFIX] = "expected an IPv4 or IPv6 prefix with its host bits "
			  "zero, like 10.99.0.0/16 or fd99::/64",
	[CONF_T_ADDR] = "expected an IPv4 or IPv6 address without a prefix "
			"length, like 198.18.0.1 or 2001:db8::1, or nothing",
};

static void enum_why(const struct conf_opt_schema *os, char *why, size_t len)
{
	size_t off = (size_t)snprintf(why, len, "expected");

	for (size_t i = 0; os->words[i] && off < len; i++)
		off += (size_t)snprintf(why + off, len - off, "%s%s",
					i == 0 ? " " : os->words[i + 1] ? ", " : " or ",
					os->words[i]);
}

static void value_why(const struct conf_opt_schema *os, const char *v,
		      char *why, size_t len)
{
	switch (os->type) {
	case CONF_T_STR:
		snprintf(why, len, "expected %ld..%ld bytes", os->min, os->max);
		break;
	case CONF_T_PORT:
		if (!strcmp(v, "6270")) {
			snprintf(why, len, "%d is bmx7's port", BMX7_PORT);
			break;
		}
		/* fall through */
	case CONF_T_INT:
	case CONF_T_INT_AUTO:
		snprintf(why, len, "expected %ld..%ld%s", os->min, os->max,
			 os->type == CONF_T_INT_AUTO ? " or auto" : "");
		break;
	case CONF_T_HEXID:
		snprintf(why, len, "expected a node id of %ld..%ld hex digits",
			 os->min, os->max);
		break;
	case CONF_T_ENUM:
		enum_why(os, why, len);
		break;
	default:
		snprintf(why, len, "%s", type_expect[os->type]);
	}
}

/* ---------------------------------------------------------------- state */

/* Longest config file read by mc_conf_load; configs are a few KiB. */
#define CONF_FILE_MAX (1u << 20)
/* Error messages quote at most this much of a value (a %H-expanded one
 * may be tens of KiB), and end it with "..." when cut. */
#define ECHO_MAX 64
#define ECHO_LEN(s) (strlen(s) > ECHO_MAX ? ECHO_MAX - 3 : (int)strlen(s))
#define ECHO_MORE(s) (strlen(s) > ECHO_MAX ? "..." : "")
/* Words a line may hold: keyword, name, value; one more to detect extras. */
#define LINE_WORDS 4
#define SECTION_NAME_MAX 64

struct val {
	char *s;
	unsigned file;		/* index into mc_conf.files; 0 = defaults */
	int line;		/* 0 for a schema default */
};

struct opt {
	struct val *v;		/* one value, or a list's values */
	size_t n;
	unsigned layer;		/* layer that last wrote it: a later `list` replaces */
};

struct mc_conf_section {
	const struct conf_sec_schema *sch;
	char *name;		/* NULL for an anonymous section */
	size_t idx;		/* position in mc_conf.secs */
	unsigned file;
	int line;
	struct opt *opts;	/* indexed like sch->opts */
};

struct mc_conf {
	struct mc_conf_section **secs;
	size_t nsecs;
	char **files;		/* layer names; [0] is MC_CONF_DEFAULTS_NAME */
	size_t nfiles;
	uint8_t n[6];		/* md5(ap_ssid + "\n") */
	uint8_t mac[6];
	bool have_mac;
};

/* Where %M comes from when primary_mac is unset: a MAC or a lookup. */
struct mac_src {
	const uint8_t *mac;
	mc_conf_mac_fn *fn;
	void *user;
};

/* Loader state: one per mc_conf_load*() call. */
struct ld {
	const struct mac_src *ms;
	struct mc_conf *c;
	FILE *errf;
	int nerr;		/* > MC_CONF_MAX_ERRORS: gave up */
	bool oom;
	unsigned layer;
	int line;
	struct mc_conf_section *cur;	/* section options go to */
	bool in_bad_section;	/* its header failed: drop its options quietly */
	bool mac_bad;		/* primary_mac is set but invalid (reported) */
	const char *mac_ifname;	/* interface asked for the MAC, in vain */
};

/* ---------------------------------------------------------------- errors */

static bool ld_done(const struct ld *ld)
{
	return ld->oom || ld->nerr > MC_CONF_MAX_ERRORS;
}

static void ld_verr(struct ld *ld, unsigned file, int line, const char *fmt,
		    va_list ap)
{
	const char *name = ld->c->files[file];

	if (ld->nerr++ > MC_CONF_MAX_ERRORS)
		return;
	if (!ld->errf)
		return;
	if (ld->nerr > MC_CONF_MAX_ERRORS) {
		fprintf(ld->errf, "%s: too many errors, giving up\n", name);
		return;
	}
	if (line > 0)
		fprintf(ld->errf, "%s:%d: ", name, line);
	else
		fprintf(ld->errf, "%s: ", name);
	vfprintf(ld->errf, fmt, ap);
	fputc('\n', ld->errf);
}

__attribute__((format(printf, 4, 5)))
static void ld_err_at(struct ld *ld, unsigned file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ld_verr(ld, file, line, fmt, ap);
	va_end(ap);
}

/* An error on the line being parsed. */
__attribute__((format(printf, 2, 3)))
static void ld_err(struct ld *ld, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ld_verr(ld, ld->layer, ld->line, fmt, ap);
	va_end(ap);
}

/* "lime 'network'" or "net" for an anonymous section. */
static const char *sec_desc(const struct mc_conf_section *s, char *buf, size_t len)
{
	if (s->name)
		snprintf(buf, len, "%s '%s'", s->sch->type, s->name);
	else
		snprintf(buf, len, "%s", s->sch->type);
	return buf;
}

/* ----------------------------------------------------------------- lexer */

struct lex {
	const char *p, *end;	/* rest of the line */
	char *o;		/* output cursor into the word buffer */
};

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

static bool is_ctrl(char ch)
{
	return (unsigned char)ch < 0x20 || ch == 0x7f;
}

/* One character outside quotes or inside "…": a backslash takes the next
 * character literally, as UCI does. */
static const char *lex_char(struct lex *lx, bool in_double)
{
	if (*lx->p == '\\') {
		if (++lx->p == lx->end)
			return in_double ? "unterminated quote" :
					   "backslash at end of line";
	}
	if (is_ctrl(*lx->p))
		return "control character in value";
	*lx->o++ = *lx->p++;
	return NULL;
}

static const char *lex_quoted(struct lex *lx)
{
	char q = *lx->p++;

	while (lx->p < lx->end && *lx->p != q) {
		if (q == '\'') {
			if (is_ctrl(*lx->p))
				return "control character in value";
			*lx->o++ = *lx->p++;
			continue;
		}
		const char *err = lex_char(lx, true);
		if (err)
			return err;
	}
	if (lx->p == lx->end)
		return "unterminated quote";
	lx->p++;
	return NULL;
}

/* A word: bare, '…' and "…" parts glued together up to a blank or '#'. */
static const char *lex_word(struct lex *lx)
{
	while (lx->p < lx->end && !is_blank(*lx->p) && *lx->p != '#') {
		const char *err;

		if (*lx->p == '\'' || *lx->p == '"')
			err = lex_quoted(lx);
		else
			err = lex_char(lx, false);
		if (err)
			return err;
	}
	*lx->o++ = '\0';
	return NULL;
}

/*
 * Splits a line into at most LINE_WORDS words in buf (which must hold
 * len + LINE_WORDS bytes: a word's output never exceeds its input plus
 * its NUL). Returns an error message or NULL.
 */
static const char *lex_line(const char *line, size_t len, char *buf,
			    char **words, int *nwords)
{
	struct lex lx = { .p = line, .end = line + len, .o = buf };

	*nwords = 0;
	for (;;) {
		while (lx.p < lx.end && is_blank(*lx.p))
			lx.p++;
		if (lx.p == lx.end || *lx.p == '#')
			return NULL;
		if (*nwords == LINE_WORDS)
			return "too many words on the line";
		words[(*nwords)++] = lx.o;
		const char *err = lex_word(&lx);
		if (err)
			return err;
	}
}

/* ------------------------------------------------------------- sections */

static void *ld_calloc(struct ld *ld, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		ld->oom = true;
	return p;
}

static char *ld_strdup(struct ld *ld, const char *s)
{
	char *p = strdup(s);

	if (!p)
		ld->oom = true;
	return p;
}

static struct mc_conf_section *sec_find(const struct mc_conf *c, const char *name)
{
	for (size_t i = 0; i < c->nsecs; i++)
		if (c->secs[i]->name && !strcmp(c->secs[i]->name, name))
			return c->secs[i];
	return NULL;
}

static struct mc_conf_section *sec_add(struct ld *ld,
				       const struct conf_sec_schema *sch,
				       const char *name)
{
	struct mc_conf *c = ld->c;
	struct mc_conf_section **secs, *s;

	secs = realloc(c->secs, (c->nsecs + 1) * sizeof(*secs));
	if (!secs) {
		ld->oom = true;
		return NULL;
	}
	c->secs = secs;
	s = ld_calloc(ld, 1, sizeof(*s));
	if (!s)
		return NULL;
	s->opts = ld_calloc(ld, sch->nopts, sizeof(*s->opts));
	s->name = name ? ld_strdup(ld, name) : NULL;
	if (!s->opts || (name && !s->name)) {
		free(s->opts);
		free(s);
		return NULL;
	}
	s->sch = sch;
	s->idx = c->nsecs;
	s->file = ld->layer;
	s->line = ld->line;
	c->secs[c->nsecs++] = s;
	return s;
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > SECTION_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') &&
		    !(*s >= '0' && *s <= '9') && *s != '_')
			return false;
	return true;
}

/* The schema of `config TYPE [NAME]`, or NULL after reporting why not. */
static const struct conf_sec_schema *ld_sec_schema(struct ld *ld,
						   const char *type,
						   const char *name)
{
	const struct conf_sec_schema *sch;
	char names[128];

	if (!schema_has_type(type)) {
		ld_err(ld, "unknown section type '%.*s%s'", ECHO_LEN(type), type,
		       ECHO_MORE(type));
		return NULL;
	}
	if (name && !name_ok(name)) {
		ld_err(ld, "invalid section name '%.*s%s': expected 1..%d "
		       "letters, digits or _", ECHO_LEN(name), name,
		       ECHO_MORE(name), SECTION_NAME_MAX);
		return NULL;
	}
	sch = schema_section(type, name);
	if (sch)
		return sch;
	schema_names(type, names, sizeof(names));
	if (name)
		ld_err(ld, "unknown section %s '%s': expected %s", type, name, names);
	else
		ld_err(ld, "section %s needs a name: %s", type, names);
	return NULL;
}

static struct mc_conf_section *ld_sec_open(struct ld *ld, const char *type,
					   const char *name)
{
	const struct conf_sec_schema *sch = ld_sec_schema(ld, type, name);
	struct mc_conf_section *s;

	if (!sch)
		return NULL;
	s = name ? sec_find(ld->c, name) : NULL;
	if (!s)
		return sec_add(ld, sch, name);
	if (strcmp(s->sch->type, type)) {
		ld_err(ld, "section '%s' is %s here but %s at %s:%d", name, type,
		       s->sch->type, ld->c->files[s->file], s->line);
		return NULL;
	}
	return s;
}

static void ld_config(struct ld *ld, char **w, int n)
{
	ld->cur = NULL;
	ld->in_bad_section = true;
	if (n < 2) {
		ld_err(ld, "config needs a section type");
		return;
	}
	if (n > 3) {
		ld_err(ld, "too many words after config");
		return;
	}
	ld->cur = ld_sec_open(ld, w[1], n == 3 ? w[2] : NULL);
	ld->in_bad_section = !ld->cur;
}

/* -------------------------------------------------------------- options */

static void opt_clear(struct opt *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->v[i].s);
	free(o->v);
	o->v = NULL;
	o->n = 0;
}

static int opt_append(struct opt *o, const char *s, unsigned file, int line)
{
	struct val *v = realloc(o->v, (o->n + 1) * sizeof(*v));
	char *dup;

	if (!v)
		return -ENOMEM;
	o->v = v;
	dup = strdup(s);
	if (!dup)
		return -ENOMEM;
	o->v[o->n++] = (struct val){ .s = dup, .file = file, .line = line };
	return 0;
}

/*
 * `option` replaces the value (a list option becomes a one-value list);
 * `list` appends, but a layer's first `list` for an option replaces what
 * earlier layers set, as LibreMesh's lime-config merges lists.
 */
static void ld_set(struct ld *ld, struct opt *o, const char *value, bool list)
{
	if (!list || o->layer != ld->layer)
		opt_clear(o);
	o->layer = ld->layer;
	if (opt_append(o, value, ld->layer, ld->line) < 0)
		ld->oom = true;
}

static void ld_option(struct ld *ld, char **w, int n, bool list)
{
	const struct conf_opt_schema *os;
	char desc[128];
	int i;

	if (!ld->cur) {
		if (!ld->in_bad_section)
			ld_err(ld, "%s outside of a config section", w[0]);
		return;
	}
	if (n != 3) {
		ld_err(ld, n < 3 ? "%s needs a name and a value" :
			   "too many words after %s", w[0]);
		return;
	}
	i = schema_opt_index(ld->cur->sch, w[1]);
	if (i < 0) {
		ld_err(ld, "unknown option '%.*s%s' in section %s",
		       ECHO_LEN(w[1]), w[1], ECHO_MORE(w[1]),
		       sec_desc(ld->cur, desc, sizeof(desc)));
		return;
	}
	os = &ld->cur->sch->opts[i];
	if (list && !(os->flags & CONF_F_LIST)) {
		ld_err(ld, "'%s' takes one value: use option, not list", w[1]);
		return;
	}
	ld_set(ld, &ld->cur->opts[i], w[2], list);
}

static void ld_statement(struct ld *ld, char **w, int n)
{
	if (!strcmp(w[0], "config"))
		ld_config(ld, w, n);
	else if (!strcmp(w[0], "option"))
		ld_option(ld, w, n, false);
	else if (!strcmp(w[0], "list"))
		ld_option(ld, w, n, true);
	else if (!strcmp(w[0], "package")) {
		/* `uci export` output starts with one; a layer is not a package */
		if (n != 2)
			ld_err(ld, "package needs one name");
	} else
		ld_err(ld, "unknown keyword '%.*s%s': expected config, option "
		       "or list", ECHO_LEN(w[0]), w[0], ECHO_MORE(w[0]));
}

static void ld_line(struct ld *ld, const char *line, size_t len)
{
	char buf[MC_CONF_LINE_MAX + LINE_WORDS + 1];
	char *words[LINE_WORDS];
	const char *err;
	int n;

	if (memchr(line, '\0', len)) {
		ld_err(ld, "NUL byte in line");
		return;
	}
	if (len && line[len - 1] == '\r')	/* CRLF files */
		len--;
	if (len > MC_CONF_LINE_MAX) {
		ld_err(ld, "line too long (more than %d bytes)", MC_CONF_LINE_MAX);
		return;
	}
	err = lex_line(line, len, buf, words, &n);
	if (err)
		ld_err(ld, "%s", err);
	else if (n)
		ld_statement(ld, words, n);
}

static void ld_text(struct ld *ld, const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	ld->cur = NULL;
	ld->in_bad_section = false;
	ld->line = 0;
	while (p < end && !ld_done(ld)) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		ld->line++;
		ld_line(ld, p, n);
		p += n + (nl ? 1 : 0);
	}
}

static int ld_layer(struct ld *ld, const char *name, const char *text, size_t len)
{
	struct mc_conf *c = ld->c;
	char **files = realloc(c->files, (c->nfiles + 1) * sizeof(*files));

	if (!files)
		return -ENOMEM;
	c->files = files;
	files[c->nfiles] = strdup(name);
	if (!files[c->nfiles])
		return -ENOMEM;
	ld->layer = (unsigned)c->nfiles++;
	ld_text(ld, text, len);
	return ld->oom ? -ENOMEM : 0;
}

/* ------------------------------------------------------------ templates */

/* A growable string for template output. */
struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void sb_putn(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *p = realloc(b->p, cap);

		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_puts(struct sbuf *b, const char *s)
{
	sb_putn(b, s, strlen(s));
}

/* What one value is expanded with. */
struct tmpl {
	const struct conf_opt_schema *os;
	const struct val *v;
	const char *host;	/* expanded hostname; NULL while expanding it */
	bool dec;		/* bytes in decimal: the option is an IPv4 one */
};

static void tmpl_no_mac(struct ld *ld, const struct tmpl *t, const char *s)
{
	if (ld->mac_bad)	/* primary_mac's own error says it all */
		return;
	if (ld->mac_ifname)
		ld_err_at(ld, t->v->file, t->v->line, "%.3s in %s needs the node's "
			  "MAC: %s has none, set primary_mac in lime 'system'",
			  s, t->os->name, ld->mac_ifname);
	else
		ld_err_at(ld, t->v->file, t->v->line, "%.3s in %s needs the node's "
			  "MAC: set primary_mac in lime 'system'", s, t->os->name);
}

/* Expands the template at s ('%' first); returns its length or 0. */
static size_t tmpl_one(struct ld *ld, const struct tmpl *t, const char *s,
		       struct sbuf *b)
{
	char out[8];

	if (s[1] == '%') {
		sb_puts(b, "%");
		return 2;
	}
	if (s[1] == 'H') {
		if (!t->host) {
			ld_err_at(ld, t->v->file, t->v->line,
				  "%%H cannot be used in hostname");
			return 0;
		}
		sb_puts(b, t->host);
		return 2;
	}
	if ((s[1] != 'M' && s[1] != 'N') || s[2] < '1' || s[2] > '6') {
		int n = (s[1] == 'M' || s[1] == 'N') && s[2] ? 3 : s[1] ? 2 : 1;

		ld_err_at(ld, t->v->file, t->v->line, "bad template '%.*s' in %s: "
			  "expected %%M1..%%M6, %%N1..%%N6, %%H or %%%%",
			  n, s, t->os->name);
		return 0;
	}
	if (s[1] == 'M' && !ld->c->have_mac) {
		tmpl_no_mac(ld, t, s);
		return 0;
	}
	uint8_t byte = (s[1] == 'M' ? ld->c->mac : ld->c->n)[s[2] - '1'];
	snprintf(out, sizeof(out), t->dec ? "%u" : "%02x", byte);
	sb_puts(b, out);
	return 3;
}

/* Replaces v->s by its expansion; returns -EINVAL if a template was bad. */
static int tmpl_expand(struct ld *ld, const struct tmpl *t, struct val *v)
{
	struct sbuf b = { 0 };
	const char *s = v->s;
	int rc = 0;

	sb_puts(&b, "");
	while (*s) {
		size_t n = strcspn(s, "%");

		sb_putn(&b, s, n);
		s += n;
		if (!*s)
			break;
		n = tmpl_one(ld, t, s, &b);
		if (!n) {
			rc = -EINVAL;
			break;
		}
		s += n;
	}
	if (b.oom)
		ld->oom = true;
	if (rc || b.oom) {
		free(b.p);
		return rc ? rc : -ENOMEM;
	}
	free(v->s);
	v->s = b.p;
	return 0;
}

/* Booleans print as '0'/'1' whichever spelling the file used. */
static void bool_normalize(const struct conf_opt_schema *os, char *s)
{
	bool b;

	if (os->type != CONF_T_BOOL || parse_bool(s, &b) < 0)
		return;
	s[0] = b ? '1' : '0';	/* every spelling has at least one byte */
	s[1] = '\0';
}

/* Expands and checks every value of one option. */
static void ld_finish_opt(struct ld *ld, const struct conf_opt_schema *os,
			  struct opt *o, const char *host)
{
	char why[160];

	for (size_t i = 0; i < o->n && !ld_done(ld); i++) {
		struct val *v = &o->v[i];
		struct tmpl t = { .os = os, .v = v, .host = host,
				  .dec = strstr(os->name, "ipv4") != NULL };

		if (!(os->flags & CONF_F_LITERAL) && tmpl_expand(ld, &t, v) < 0)
			continue;
		if (value_ok(os, v->s)) {
			bool_normalize(os, v->s);
			continue;
		}
		value_why(os, v->s, why, sizeof(why));
		ld_err_at(ld, v->file, v->line, "invalid value '%.*s%s' for %s: %s",
			  ECHO_LEN(v->s), v->s, ECHO_MORE(v->s), os->name, why);
	}
}

static struct opt *sec_opt(const struct mc_conf_section *s, const char *name)
{
	int i = s ? schema_opt_index(s->sch, name) : -1;

	return i < 0 ? NULL : &s->opts[i];
}

/* The MAC: primary_mac, else the caller's, else primary_interface's.
 * The defaults layer gives every lime option used here a value. */
static void ld_finish_mac(struct ld *ld)
{
	struct mc_conf *c = ld->c;
	const struct mc_conf_section *sys = sec_find(c, "system");
	const struct opt *pmac = sec_opt(sys, "primary_mac");
	const struct opt *pif = sec_opt(sys, "primary_interface");

	if (pmac->n) {
		c->have_mac = parse_mac(pmac->v[0].s, c->mac) == 0;
		ld->mac_bad = !c->have_mac;	/* its check reports it */
	} else if (ld->ms->mac) {
		memcpy(c->mac, ld->ms->mac, sizeof(c->mac));
		c->have_mac = true;
	} else if (ld->ms->fn) {
		ld->mac_bad = !ifname_ok(pif->v[0].s);	/* reported too */
		if (!ld->mac_bad)
			c->have_mac = ld->ms->fn(pif->v[0].s, c->mac,
						 ld->ms->user) == 0;
		ld->mac_ifname = pif->v[0].s;
	}
}

/* N from ap_ssid and the MAC %M expands from; both are literal options. */
static void ld_finish_ids(struct ld *ld)
{
	struct mc_conf *c = ld->c;
	const struct opt *ssid = sec_opt(sec_find(c, "network"), "ap_ssid");
	uint8_t h[MC_MD5_LEN];
	struct mc_md5 m;

	mc_md5_init(&m);
	mc_md5_update(&m, ssid->v[0].s, strlen(ssid->v[0].s));
	mc_md5_update(&m, "\n", 1);
	mc_md5_final(&m, h);
	memcpy(c->n, h, sizeof(c->n));
	ld_finish_mac(ld);
}

/* Net-style sections get their schema defaults; lime ones got theirs from
 * the defaults layer. Also reports required options left unset. */
static void ld_finish_defaults(struct ld *ld, struct mc_conf_section *s)
{
	char desc[128];

	for (size_t i = 0; i < s->sch->nopts; i++) {
		const struct conf_opt_schema *os = &s->sch->opts[i];
		struct opt *o = &s->opts[i];

		if (o->n)
			continue;
		if (os->def && opt_append(o, os->def, 0, 0) < 0)
			ld->oom = true;
		if (os->flags & CONF_F_REQUIRED)
			ld_err_at(ld, s->file, s->line, "section %s lacks required "
				  "option %s", sec_desc(s, desc, sizeof(desc)),
				  os->name);
	}
}

static void ld_finish(struct ld *ld)
{
	struct mc_conf *c = ld->c;
	struct mc_conf_section *sys = sec_find(c, "system");
	int hi = schema_opt_index(sys->sch, "hostname");
	const char *host;

	for (size_t i = 0; i < c->nsecs && !ld_done(ld); i++)
		ld_finish_defaults(ld, c->secs[i]);
	ld_finish_ids(ld);
	ld_finish_opt(ld, &sys->sch->opts[hi], &sys->opts[hi], NULL);
	host = sys->opts[hi].v[0].s;
	for (size_t i = 0; i < c->nsecs && !ld_done(ld); i++) {
		struct mc_conf_section *s = c->secs[i];

		for (size_t k = 0; k < s->sch->nopts && !ld_done(ld); k++)
			if (s != sys || (int)k != hi)
				ld_finish_opt(ld, &s->sch->opts[k], &s->opts[k], host);
	}
}

/* ------------------------------------------------------------- loading */

void mc_conf_free(struct mc_conf *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nsecs; i++) {
		struct mc_conf_section *s = c->secs[i];

		for (size_t k = 0; k < s->sch->nopts; k++)
			opt_clear(&s->opts[k]);
		free(s->opts);
		free(s->name);
		free(s);
	}
	free(c->secs);
	for (size_t i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	free(c);
}

static int conf_load(struct mc_conf **out, const struct mc_conf_source *srcs,
		     size_t nsrcs, const struct mac_src *ms, FILE *errf)
{
	struct ld ld = { .errf = errf, .ms = ms };
	int rc;

	ld.c = calloc(1, sizeof(*ld.c));
	if (!ld.c)
		return -ENOMEM;
	rc = ld_layer(&ld, MC_CONF_DEFAULTS_NAME, mc_conf_defaults,
		      strlen(mc_conf_defaults));
	for (size_t i = 0; i < nsrcs && !rc && !ld_done(&ld); i++)
		rc = ld_layer(&ld, srcs[i].name, srcs[i].text, srcs[i].len);
	if (!rc && !ld_done(&ld))
		ld_finish(&ld);
	if (!rc && ld.oom)
		rc = -ENOMEM;
	if (!rc && ld.nerr)
		rc = -EINVAL;
	if (rc) {
		mc_conf_free(ld.c);
		return rc;
	}
	*out = ld.c;
	return 0;
}

int mc_conf_load_sources(struct mc_conf **out, const struct mc_conf_source *srcs,
			 size_t nsrcs, const uint8_t *mac, FILE *errf)
{
	struct mac_src ms = { .mac = mac };

	return conf_load(out, srcs, nsrcs, &ms, errf);
}

int mc_conf_load_string(struct mc_conf **out, const char *name, const char *text,
			size_t len, const uint8_t *mac, FILE *errf)
{
	struct mc_conf_source src = { .name = name, .text = text, .len = len };

	return mc_conf_load_sources(out, &src, 1, mac, errf);
}

/* Reads a whole file into *buf (malloc'd); negative errno on failure. */
static int file_read(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rbe");
	int rc = 0;

	if (!f)
		return -errno;
	*buf = malloc(CONF_FILE_MAX + 1);
	if (!*buf) {
		rc = -ENOMEM;
		goto out;
	}
	*len = fread(*buf, 1, CONF_FILE_MAX + 1, f);
	if (ferror(f))
		rc = -EIO;
	else if (*len > CONF_FILE_MAX)
		rc = -EFBIG;
	if (rc) {
		free(*buf);
		*buf = NULL;
	}
out:
	fclose(f);
	return rc;
}

static int files_load(struct mc_conf **out, const char *const *files,
		      size_t nfiles, const struct mac_src *ms, FILE *errf)
{
	struct mc_conf_source *srcs = calloc(nfiles ? nfiles : 1, sizeof(*srcs));
	char **bufs = calloc(nfiles ? nfiles : 1, sizeof(*bufs));
	int rc = 0;

	if (!srcs || !bufs) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < nfiles; i++) {
		rc = file_read(files[i], &bufs[i], &srcs[i].len);
		if (rc < 0) {
			if (errf)
				fprintf(errf, "%s: %s\n", files[i], strerror(-rc));
			goto out;
		}
		srcs[i].name = files[i];
		srcs[i].text = bufs[i];
	}
	rc = conf_load(out, srcs, nfiles, ms, errf);
out:
	for (size_t i = 0; bufs && i < nfiles; i++)
		free(bufs[i]);
	free(bufs);
	free(srcs);
	return rc;
}

int mc_conf_load(struct mc_conf **out, const char *const *files, size_t nfiles,
		 const uint8_t *mac, FILE *errf)
{
	struct mac_src ms = { .mac = mac };

	return files_load(out, files, nfiles, &ms, errf);
}

int mc_conf_load_cb(struct mc_conf **out, const char *const *files, size_t nfiles,
		    mc_conf_mac_fn *mac_fn, void *user, FILE *errf)
{
	struct mac_src ms = { .fn = mac_fn, .user = user };

	return files_load(out, files, nfiles, &ms, errf);
}

/* ------------------------------------------------------------ printing */

/* Single-quoted so it reads back the same: ' as '\'' (UCI's own export
 * does this) and, where templates expand, % as %%. */
static void print_quoted(FILE *f, const char *s, bool templated)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else if (*s == '%' && templated)
			fputs("%%", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

static void print_origin(FILE *f, const struct mc_conf *c, unsigned file, int line)
{
	if (file == 0)
		fputs("  # default", f);
	else
		fprintf(f, "  # %s:%d", c->files[file], line);
}

static void print_section(FILE *f, const struct mc_conf *c,
			  const struct mc_conf_section *s, bool verbose)
{
	fprintf(f, "config %s", s->sch->type);
	if (s->name)
		fprintf(f, " '%s'", s->name);
	if (verbose)
		print_origin(f, c, s->file, s->line);
	fputc('\n', f);
	for (size_t k = 0; k < s->sch->nopts; k++) {
		const struct conf_opt_schema *os = &s->sch->opts[k];
		const struct opt *o = &s->opts[k];

		for (size_t i = 0; i < o->n; i++) {
			fprintf(f, "\t%s %s ", os->flags & CONF_F_LIST ?
				"list" : "option", os->name);
			print_quoted(f, o->v[i].s, !(os->flags & CONF_F_LITERAL));
			if (verbose)
				print_origin(f, c, o->v[i].file, o->v[i].line);
			fputc('\n', f);
		}
	}
}

/* What the templates expanded from, which no option shows. */
static void print_ids(FILE *f, const struct mc_conf *c)
{
	const uint8_t *m = c->mac, *n = c->n;

	if (c->have_mac)
		fprintf(f, "# %%M = %02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
			m[2], m[3], m[4], m[5]);
	else
		fputs("# %M unknown", f);
	fprintf(f, ", %%N = %02x:%02x:%02x:%02x:%02x:%02x, cloud VLAN %d\n\n",
		n[0], n[1], n[2], n[3], n[4], n[5], mc_conf_cloud_vid(c));
}

void mc_conf_print(FILE *f, const struct mc_conf *c, bool verbose)
{
	if (verbose)
		print_ids(f, c);
	for (size_t i = 0; i < c->nsecs; i++) {
		if (i)
			fputc('\n', f);
		print_section(f, c, c->secs[i], verbose);
	}
}

/* ------------------------------------------------------------- getters */

const struct mc_conf_section *mc_conf_section(const struct mc_conf *c,
					      const char *name)
{
	return sec_find(c, name);
}

const struct mc_conf_section *mc_conf_next(const struct mc_conf *c,
					   const struct mc_conf_section *prev,
					   const char *type)
{
	for (size_t i = prev ? prev->idx + 1 : 0; i < c->nsecs; i++)
		if (!type || !strcmp(c->secs[i]->sch->type, type))
			return c->secs[i];
	return NULL;
}

const char *mc_conf_section_type(const struct mc_conf_section *s)
{
	return s->sch->type;
}

const char *mc_conf_section_name(const struct mc_conf_section *s)
{
	return s->name;
}

/* The option's values; aborts on a name the schema does not know, which
 * is a bug in the caller, not in the config. */
static const struct opt *get_opt(const struct mc_conf_section *s, const char *name,
				 const struct conf_opt_schema **os)
{
	int i;

	if (!s)
		return NULL;
	i = schema_opt_index(s->sch, name);
	if (i < 0) {
		fprintf(stderr, "mc_conf: section type %s has no option %s\n",
			s->sch->type, name);
		abort();
	}
	*os = &s->sch->opts[i];
	return &s->opts[i];
}

/* The single value of opt if it is of one of the types in mask. */
static int get_typed(const struct mc_conf_section *s, const char *name,
		     unsigned mask, const char **v)
{
	const struct conf_opt_schema *os = NULL;
	const struct opt *o = get_opt(s, name, &os);

	if (!o || !o->n)
		return -ENOENT;
	if (!(mask & (1u << os->type)))
		return -EINVAL;
	*v = o->v[0].s;
	return 0;
}

const char *mc_conf_get_str(const struct mc_conf_section *s, const char *opt)
{
	const char *v = NULL;

	return get_typed(s, opt, ~0u, &v) < 0 ? NULL : v;
}

int mc_conf_get_int(const struct mc_conf_section *s, const char *opt, long *v)
{
	const char *str;
	int rc = get_typed(s, opt, 1u << CONF_T_INT | 1u << CONF_T_INT_AUTO |
			   1u << CONF_T_PORT, &str);

	if (rc < 0)
		return rc;
	return parse_int(str, v);
}

int mc_conf_get_bool(const struct mc_conf_section *s, const char *opt, bool *v)
{
	const char *str;
	int rc = get_typed(s, opt, 1u << CONF_T_BOOL, &str);

	return rc < 0 ? rc : parse_bool(str, v);
}

int mc_conf_get_mac(const struct mc_conf_section *s, const char *opt,
		    uint8_t mac[6])
{
	const char *str;
	int rc = get_typed(s, opt, 1u << CONF_T_MAC, &str);

	return rc < 0 ? rc : parse_mac(str, mac);
}

int mc_conf_get_ipv4(const struct mc_conf_section *s, const char *opt,
		     struct in_addr *addr, unsigned *plen)
{
	const char *str;
	int rc = get_typed(s, opt, 1u << CONF_T_IPV4, &str);

	return rc < 0 ? rc : parse_cidr(str, AF_INET, addr, plen);
}

int mc_conf_get_ipv6(const struct mc_conf_section *s, const char *opt,
		     struct in6_addr *addr, unsigned *plen)
{
	const char *str;
	int rc = get_typed(s, opt, 1u << CONF_T_IPV6, &str);

	return rc < 0 ? rc : parse_cidr(str, AF_INET6, addr, plen);
}

int mc_conf_get_rate(const struct mc_conf_section *s, const char *opt,
		     uint64_t *down_kbit, uint64_t *up_kbit)
{
	const char *str;
	int rc = get_typed(s, opt, 1u << CONF_T_RATE | 1u << CONF_T_GWBW, &str);

	if (rc < 0)
		return rc;
	if (!strcmp(str, "auto"))
		return -ENODATA;
	return parse_rates(str, down_kbit, up_kbit);
}

size_t mc_conf_list_len(const struct mc_conf_section *s, const char *opt)
{
	const struct conf_opt_schema *os = NULL;
	const struct opt *o = get_opt(s, opt, &os);

	return o ? o->n : 0;
}

const char *mc_conf_list_get(const struct mc_conf_section *s, const char *opt,
			     size_t i)
{
	const struct conf_opt_schema *os = NULL;
	const struct opt *o = get_opt(s, opt, &os);

	return o && i < o->n ? o->v[i].s : NULL;
}

void mc_conf_ssid_hash(const struct mc_conf *c, uint8_t n[6])
{
	memcpy(n, c->n, sizeof(c->n));
}

int mc_conf_mac(const struct mc_conf *c, uint8_t mac[6])
{
	if (!c->have_mac)
		return -ENOENT;
	memcpy(mac, c->mac, sizeof(c->mac));
	return 0;
}

int mc_conf_cloud_vid(const struct mc_conf *c)
{
	long vid;

	if (mc_conf_get_int(sec_find(c, "network"), "batadv_vlan", &vid) == 0)
		return (int)vid;
	/* LibreMesh: 29 + (N1 - 13) % 256 with Lua's non-negative modulo */
	return 29 + (c->n[0] + 256 - 13) % 256;
}

int mc_conf_log_level(const struct mc_conf *c)
{
	const char *v = mc_conf_get_str(sec_find(c, "system"), "log_level");

	return log_level_prio(v ? v : "info");
}
