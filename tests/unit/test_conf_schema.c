/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The config schema in parts: merging and checking the parts' tables, the
 * defaults layer derived from them (and from the cores' constants), and
 * what a reload reports as applied live or needing a restart. The real
 * registry is schemas/schemas.c's; fake parts test the checks. Usage:
 * test_conf_schema [CONFIG_MD] (default doc/config.md, whose option
 * tables must give every option with its default and reload column).
 */
#include "schemas/schemas.h"
#include "l2mesh/l2conf.h"
#include "l2mesh/core/l2.h"
#include "l3route/l3conf.h"
#include "l3route/core/l3.h"
#include "tests/unit/check.h"

#include <errno.h>
#include <stdlib.h>

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char *doc_path = "doc/config.md";

static const uint8_t test_mac[6] = { 0x02, 0x00, 0x00, 0x0a, 0x0b, 0x0c };

/* Builds a schema of parts; returns the rc, messages in *errs (malloc'd). */
static int schema_try(struct mc_conf_schema **s, const struct mc_conf_part *const *parts,
		      char **errs)
{
	size_t len = 0;
	FILE *f = open_memstream(errs, &len);
	int rc = mc_conf_schema_new(s, parts, f);

	fclose(f);
	return rc;
}

static struct mc_conf *load(const struct mc_conf_schema *s, const char *text)
{
	struct mc_conf *c = NULL;

	CHECK_INT(mc_conf_load_string(&c, s, "t.conf", text, strlen(text), test_mac,
				      stderr), 0);
	return c;
}

/* ------------------------------------------------------------ fake parts */

/* A second daemon's part: adds to lime 'network' and brings its own type. */
static const struct mc_conf_opt fake_net_opts[] = {
	{ .name = "fake_rate", .type = MC_CONF_T_INT, .min = 1, .max = 9,
	  .def = "3", .flags = MC_CONF_F_LIVE },
	{ .name = "fake_name", .type = MC_CONF_T_HOSTNAME, .def = "f-%M6" },
};
static const struct mc_conf_opt fake_pool_opts[] = {
	{ .name = "start", .type = MC_CONF_T_INT, .min = 0, .max = 100, .def = "10" },
	{ .name = "iface", .type = MC_CONF_T_IFNAME, .flags = MC_CONF_F_REQUIRED },
};
static const struct mc_conf_sec fake_secs[] = {
	{ "lime", "network", fake_net_opts, LEN(fake_net_opts) },
	{ "pool", NULL, fake_pool_opts, LEN(fake_pool_opts) },
};
static const struct mc_conf_part fake_part = { "fakd", fake_secs, LEN(fake_secs) };

static void test_registry_merge(void)
{
	const struct mc_conf_part *const parts[] = { &mc_conf_part_shared, &fake_part, NULL };
	const struct mc_conf_part *owner = NULL;
	struct mc_conf_schema *s = NULL;
	struct mc_conf *c;
	char *errs;
	long v = 0;

	CHECK_INT(schema_try(&s, parts, &errs), 0);
	CHECK_STR(errs, "");
	free(errs);
	if (!s)
		return;
	CHECK(mc_conf_schema_opt(s, "lime", "fake_rate", &owner) != NULL);
	CHECK(owner == &fake_part);
	CHECK(mc_conf_schema_opt(s, "lime", "ap_ssid", &owner) != NULL);
	CHECK(owner == &mc_conf_part_shared);
	CHECK(mc_conf_schema_opt(s, "lime", "hop_penalty", NULL) == NULL);	/* l2's */
	CHECK(mc_conf_schema_opt(s, "pool", "start", NULL) != NULL);
	c = load(s, "config pool 'p1'\n\toption iface eth3\n");
	if (c) {
		CHECK_INT(mc_conf_get_int(mc_conf_section(c, "p1"), "start", &v), 0);
		CHECK_INT(v, 10);	/* a nameless section's default */
		CHECK_STR(mc_conf_get_str(mc_conf_section(c, "network"), "fake_name"),
			  "f-0c");	/* a template default, expanded */
	}
	mc_conf_free(c);
	/* a schema without l2's part refuses l2's option, as it must */
	c = NULL;
	CHECK_INT(mc_conf_load_string(&c, s, "t.conf", "config lime network\n"
				      "\toption hop_penalty 3\n", 39, test_mac, NULL),
		  -EINVAL);
	mc_conf_schema_free(s);
}

/* The added part's options print after the shared ones of the section. */
static void test_registry_order(void)
{
	const struct mc_conf_part *const parts[] = { &mc_conf_part_shared, &fake_part, NULL };
	struct mc_conf_schema *s = NULL;
	char *errs;
	const char *d, *a, *b, *n;

	CHECK_INT(schema_try(&s, parts, &errs), 0);
	free(errs);
	if (!s)
		return;
	d = mc_conf_schema_defaults(s);
	a = strstr(d, "\toption gateway_bandwidth ");
	b = strstr(d, "\toption fake_rate '3'\n");
	n = strstr(d, "config lime 'network'\n");
	CHECK(a && b && n && n < a && a < b);
	CHECK(strstr(d, "config pool") == NULL);	/* no fixed name: no layer */
	mc_conf_schema_free(s);
}

static const struct mc_conf_opt dup_opts[] = {
	{ .name = "hostname", .type = MC_CONF_T_HOSTNAME },
};
static const struct mc_conf_opt bad_def_opts[] = {
	{ .name = "x_range", .type = MC_CONF_T_INT, .min = 1, .max = 9, .def = "10" },
	{ .name = "x_suffix", .type = MC_CONF_T_INT, .min = 1, .max = 9, .def = "5u" },
	{ .name = "x_req", .type = MC_CONF_T_IFNAME, .def = "eth0",
	  .flags = MC_CONF_F_REQUIRED },
	{ .name = "x_bw", .type = MC_CONF_T_GWBW, .def = "auto" },
};
static const struct mc_conf_opt bad_tmpl_opts[] = {
	{ .name = "x_tmpl", .type = MC_CONF_T_HOSTNAME, .def = "a-%M7" },
};
static const struct mc_conf_opt anon_tmpl_opts[] = {
	{ .name = "label", .type = MC_CONF_T_HOSTNAME, .def = "p-%M6" },
};

static void bad_schema(const struct mc_conf_part *p, const char *want)
{
	const struct mc_conf_part *const parts[] = { &mc_conf_part_shared, p, NULL };
	struct mc_conf_schema *s = NULL;
	char *errs;

	CHECK_INT(schema_try(&s, parts, &errs), -EINVAL);
	CHECK(s == NULL);
	CHECK_STR(errs, want);
	free(errs);
}

static void test_registry_refuses(void)
{
	static const struct mc_conf_sec dup[] = { { "lime", "network", dup_opts, 1 } };
	static const struct mc_conf_sec bad[] = {
		{ "lime", "network", bad_def_opts, LEN(bad_def_opts) },
	};
	static const struct mc_conf_sec tmpl[] = { { "lime", "network", bad_tmpl_opts, 1 } };
	static const struct mc_conf_sec mixed[] = { { "net", "wan", anon_tmpl_opts, 1 } };
	static const struct mc_conf_sec anon[] = { { "pool", NULL, anon_tmpl_opts, 1 } };
	const struct mc_conf_part dup_part = { "dupd", dup, 1 };
	const struct mc_conf_part bad_part = { "badd", bad, 1 };
	const struct mc_conf_part tmpl_part = { "tmpld", tmpl, 1 };
	const struct mc_conf_part mixed_part = { "mixd", mixed, 1 };
	const struct mc_conf_part anon_part = { "anond", anon, 1 };
	const struct mc_conf_part *const none[] = { &fake_part, NULL };
	struct mc_conf_schema *s = NULL;
	char *errs;

	/* named sections share one option name space: a reload names options */
	bad_schema(&dup_part, "config schema: option hostname of lime is declared "
		   "again by dupd\n");
	bad_schema(&bad_part,
		   "config schema: option x_range: default '10' is not a valid value\n"
		   "config schema: option x_suffix: default '5u' is not a valid value\n"
		   "config schema: option x_req is required and has a default\n"
		   "config schema: option x_bw: auto means the default, so it cannot be it\n");
	/* a default with templates is checked by loading the derived layer */
	bad_schema(&tmpl_part, "(defaults):26: bad template '%M7' in x_tmpl: "
		   "expected %M1..%M6, %N1..%N6, %H or %%\n"
		   "config schema: the derived defaults layer does not load\n");
	bad_schema(&mixed_part, "config schema: section type net has both fixed "
		   "names and any name\n");
	bad_schema(&anon_part, "config schema: option label of pool: a default "
		   "without a fixed section name cannot use templates\n");
	CHECK_INT(schema_try(&s, none, &errs), -EINVAL);
	CHECK(strstr(errs, "the config engine needs option hostname in lime 'system'"));
	free(errs);
}

/* ------------------------------------------------------------- defaults */

/* Every option default of the real registry is in the derived layer
 * exactly where its section is, and a load of nothing gives it back. */
static void check_default(const struct mc_conf_schema *s, const struct mc_conf *c,
			  const struct mc_conf_sec *sec, const struct mc_conf_opt *o)
{
	const char *d = mc_conf_schema_defaults(s);
	char line[160], head[80];
	const char *at, *sh;

	snprintf(line, sizeof(line), "\toption %s '%s'\n", o->name, o->def ? o->def : "");
	snprintf(head, sizeof(head), "config %s '%s'\n", sec->type, sec->name);
	at = strstr(d, line);
	sh = strstr(d, head);
	if (!o->def) {
		snprintf(line, sizeof(line), "\toption %s ", o->name);
		CHECK(strstr(d, line) == NULL);
		return;
	}
	CHECK(at && sh && sh < at && !strstr(at + 1, line));
	if (!strchr(o->def, '%'))
		CHECK_STR(mc_conf_get_str(mc_conf_section(c, sec->name), o->name), o->def);
}

static void test_defaults_derived(void)
{
	const struct mc_conf_schema *s = sm_conf_schema();
	struct mc_conf *c = load(s, "");

	for (size_t p = 0; c && sm_conf_parts[p]; p++)
		for (size_t i = 0; i < sm_conf_parts[p]->nsecs; i++) {
			const struct mc_conf_sec *sec = &sm_conf_parts[p]->secs[i];

			for (size_t k = 0; sec->name && k < sec->nopts; k++)
				check_default(s, c, sec, &sec->opts[k]);
		}
	/* the header keeps its four lines, so (defaults):6 is lime 'system' */
	const char *d = mc_conf_schema_defaults(s);
	for (int line = 1; line < 6 && d; line++)
		d = strchr(d, '\n') ? strchr(d, '\n') + 1 : NULL;
	CHECK(d && !strncmp(d, "config lime 'system'\n", 21));
	mc_conf_free(c);
}

/* Defaults that are a core's constants are those constants. */
static void test_defaults_core(void)
{
	static const struct { const char *opt; long v; } core[] = {
		{ "orig_interval", L2_ORIG_INTERVAL_MS },
		{ "hop_penalty", L2_HOP_PENALTY },
		{ "l3_hello_interval", L3_HELLO_INTERVAL_MS },
		{ "l3_link_timeout", L3_LINK_TIMEOUT_MS },
		{ "l3_update_interval", L3_UPDATE_INTERVAL_MS },
		{ "gateway_hysteresis", L3_GW_HYST_PCT },
	};
	struct mc_conf *c = load(sm_conf_schema(), "");
	const struct mc_conf_section *net = c ? mc_conf_section(c, "network") : NULL;

	for (size_t i = 0; i < LEN(core); i++) {
		long v = -1;

		CHECK_INT(mc_conf_get_int(net, core[i].opt, &v), 0);
		CHECK_INT(v, core[i].v);
	}
	mc_conf_free(c);
}

/* ---------------------------------------------------------- live/restart */

static void test_live_flags(void)
{
	static const char *const live[] = {
		"log_level", "debug", "gateway_bandwidth", "orig_interval", "hop_penalty",
		"busy_poll", "preferred_gateway", "gateway_check",
		"gateway_min_bandwidth", "gateway_hysteresis",
	};
	static const char *const restart[] = {
		"hostname", "rundir", "primary_mac", "ap_ssid", "main_ipv4_address",
		"batadv_vlan", "gateway", "bat0_mtu", "l3_port", "l3_key",
		"l3_hello_interval", "trusted_nodes", "nat",
	};
	const struct mc_conf_schema *s = sm_conf_schema();

	for (size_t i = 0; i < LEN(live); i++) {
		const struct mc_conf_opt *o = mc_conf_schema_opt(s, "lime", live[i], NULL);

		CHECK(o && (o->flags & MC_CONF_F_LIVE));
	}
	for (size_t i = 0; i < LEN(restart); i++) {
		const struct mc_conf_opt *o = mc_conf_schema_opt(s, "lime", restart[i], NULL);

		CHECK(o && !(o->flags & MC_CONF_F_LIVE));
	}
}

/* The lists joined as "a,b|c" (live|restart), for compact checks. */
static char *changes_str(const struct mc_conf *a, const struct mc_conf *b,
			 const struct mc_conf_part *own)
{
	const struct mc_conf_part *const mine[] = { &mc_conf_part_shared, own, NULL };
	struct mc_conf_changes ch;
	static char out[512];
	size_t off = 0;

	CHECK_INT(mc_conf_changes(&ch, a, b, mine), 0);
	for (size_t i = 0; i < ch.nlive; i++)
		off += (size_t)snprintf(out + off, sizeof(out) - off, "%s%s",
					i ? "," : "", ch.live[i]);
	off += (size_t)snprintf(out + off, sizeof(out) - off, "|");
	for (size_t i = 0; i < ch.nrestart; i++)
		off += (size_t)snprintf(out + off, sizeof(out) - off, "%s%s",
					i ? "," : "", ch.restart[i]);
	CHECK(ch.nlive ? ch.live[ch.nlive] == NULL : ch.live == NULL);
	mc_conf_changes_free(&ch);
	return out;
}

static const char reload_old[] =
	"config lime system\n\toption log_level info\n"
	"config lime network\n\toption hop_penalty 30\n"
	"\toption l3_hello_interval 1000\n\toption gateway_bandwidth 10mbit/2mbit\n"
	"config net wan\n\toption linux_name eth1\n\toption role wan\n"
	"config net\n\toption linux_name eth2\n\toption role mesh\n"
	"config net gone\n\toption linux_name eth3\n\toption role lan\n";
static const char reload_new[] =
	"config lime system\n\toption log_level debug\n\toption hostname n1\n"
	"config lime network\n\toption hop_penalty 40\n"
	"\toption l3_hello_interval 500\n\toption gateway_bandwidth 20mbit/4mbit\n"
	"config net wan\n\toption linux_name eth1\n\toption role wan\n"
	"\toption mtu 1400\n"
	"config net\n\toption linux_name eth2\n\toption role mesh\n"
	"\toption rate 54mbit\n"
	"config net fresh\n\toption linux_name eth4\n\toption role lan\n";

static void test_changes(void)
{
	const struct mc_conf_schema *s = sm_conf_schema();
	struct mc_conf *a = load(s, reload_old), *b = load(s, reload_new);

	if (!a || !b)
		goto out;
	/* l2meshd: hop_penalty is its own and live; l3_hello_interval is
	 * l3routed's, none of l2meshd's business */
	CHECK_STR(changes_str(a, b, &l2_conf_part),
		  "log_level,gateway_bandwidth,hop_penalty|hostname,wan.mtu,"
		  "net#1.rate,fresh,gone");
	CHECK_STR(changes_str(a, b, &l3_conf_part),
		  "log_level,gateway_bandwidth|hostname,l3_hello_interval,wan.mtu,"
		  "net#1.rate,fresh,gone");
	/* a program with no part of its own: the shared options only */
	CHECK_STR(changes_str(a, b, NULL),
		  "log_level,gateway_bandwidth|hostname,wan.mtu,net#1.rate,fresh,gone");
	CHECK_STR(changes_str(b, a, &l2_conf_part),
		  "log_level,gateway_bandwidth,hop_penalty|hostname,wan.mtu,"
		  "net#1.rate,gone,fresh");
	CHECK_STR(changes_str(a, a, &l2_conf_part), "|");
out:
	mc_conf_free(a);
	mc_conf_free(b);
}

/* An expanded value changes when what it expands from does (%N, %M). */
static void test_changes_templates(void)
{
	const struct mc_conf_schema *s = sm_conf_schema();
	struct mc_conf *a = load(s, ""), *b = load(s, "config lime network\n"
						  "\toption ap_ssid other\n");

	if (a && b)
		CHECK_STR(changes_str(a, b, &l2_conf_part),
			  "|ap_ssid,main_ipv4_address,main_ipv6_address,anygw_ipv4,"
			  "anygw_ipv6,anygw_mac");
	mc_conf_free(a);
	mc_conf_free(b);
}

/* ------------------------------------------------------------------ doc */

/* The doc's row for an option: "| name | type | default | reload | meaning |". */
static bool doc_row(const char *doc, const char *name, char *def, size_t dlen,
		    char *reload, size_t rlen)
{
	char head[80];
	const char *p = doc;

	snprintf(head, sizeof(head), "\n| %s | ", name);
	while ((p = strstr(p, head))) {
		const char *c[5];

		c[0] = p + 3;
		for (int i = 1; i < 5 && c[i - 1]; i++)
			c[i] = strstr(c[i - 1], " | ") ? strstr(c[i - 1], " | ") + 3 : NULL;
		p++;
		if (!c[4] || memchr(c[0], '\n', (size_t)(c[4] - c[0])))
			continue;	/* another table's row (templates, ...) */
		snprintf(def, dlen, "%.*s", (int)(c[3] - 3 - c[2]), c[2]);
		snprintf(reload, rlen, "%.*s", (int)(c[4] - 3 - c[3]), c[3]);
		return true;
	}
	return false;
}

/* The default column: `value`, empty (also a list with no default),
 * (none), or **required**. */
static void doc_default(const struct mc_conf_opt *o, char *buf, size_t len)
{
	if (o->def && *o->def)
		snprintf(buf, len, "`%s`", o->def);
	else if (o->def || (o->flags & MC_CONF_F_LIST))
		snprintf(buf, len, "empty");
	else
		snprintf(buf, len, o->flags & MC_CONF_F_REQUIRED ? "**required**" : "(none)");
}

/* doc/config.md says every option's default and whether it is live as
 * the tables do, so the reference cannot drift from the code. */
static void test_doc_tables(void)
{
	size_t len = 0;
	FILE *f = fopen(doc_path, "r");
	char *doc = calloc(1, 1 << 17);

	CHECK(f && doc);
	if (f && doc)
		len = fread(doc, 1, (1 << 17) - 1, f);
	CHECK(len > 0);
	for (size_t p = 0; len && sm_conf_parts[p]; p++)
		for (size_t i = 0; i < sm_conf_parts[p]->nsecs; i++) {
			const struct mc_conf_sec *sec = &sm_conf_parts[p]->secs[i];

			for (size_t k = 0; k < sec->nopts; k++) {
				const struct mc_conf_opt *o = &sec->opts[k];
				char def[160], rel[32], want[160];

				if (!doc_row(doc, o->name, def, sizeof(def), rel, sizeof(rel))) {
					fprintf(stderr, "%s: no row for %s\n", doc_path, o->name);
					CHECK(!"option missing from the doc");
					continue;
				}
				doc_default(o, want, sizeof(want));
				CHECK_STR(def, want);
				CHECK_STR(rel, o->flags & MC_CONF_F_LIVE ? "live" : "restart");
			}
		}
	if (f)
		fclose(f);
	free(doc);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		doc_path = argv[1];
	RUN(test_registry_merge);
	RUN(test_registry_order);
	RUN(test_registry_refuses);
	RUN(test_defaults_derived);
	RUN(test_defaults_core);
	RUN(test_live_flags);
	RUN(test_changes);
	RUN(test_changes_templates);
	RUN(test_doc_tables);
	return check_exit();
}
