/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * After the last layer: sections without a fixed name get their schema
 * defaults, the ssid hash (%N) and the MAC (%M) are settled, every value
 * is expanded (LibreMesh templates) and checked against its option.
 */
#include "common/buf.h"
#include "common/conf_int.h"
#include "common/conf_lime.h"
#include "common/md5.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ templates */


/* What one value is expanded with. */
struct tmpl {
	const struct mc_conf_opt *os;
	const struct conf_val *v;
	const char *host;	/* expanded hostname; NULL while expanding it */
	bool dec;		/* bytes in decimal: the option is an IPv4 one */
};

static void tmpl_no_mac(struct conf_ld *ld, const struct tmpl *t, const char *s)
{
	if (ld->mac_bad)	/* primary_mac's own error says it all */
		return;
	if (ld->mac_ifname)
		mc_conf_ld_err_at(ld, t->v->file, t->v->line, "%.3s in %s needs the "
				  "node's MAC: %s has none, set primary_mac in lime "
				  "'system'", s, t->os->name, ld->mac_ifname);
	else
		mc_conf_ld_err_at(ld, t->v->file, t->v->line, "%.3s in %s needs the "
				  "node's MAC: set primary_mac in lime 'system'", s,
				  t->os->name);
}

/* Expands the template at s ('%' first); returns its length or 0. */
static size_t tmpl_one(struct conf_ld *ld, const struct tmpl *t, const char *s,
		       struct mc_str *b)
{
	char out[8];

	if (s[1] == '%') {
		mc_str_puts(b, "%");
		return 2;
	}
	if (s[1] == 'H') {
		if (!t->host) {
			mc_conf_ld_err_at(ld, t->v->file, t->v->line,
					  "%%H cannot be used in hostname");
			return 0;
		}
		mc_str_puts(b, t->host);
		return 2;
	}
	if ((s[1] != 'M' && s[1] != 'N') || s[2] < '1' || s[2] > '6') {
		int n = (s[1] == 'M' || s[1] == 'N') && s[2] ? 3 : s[1] ? 2 : 1;

		mc_conf_ld_err_at(ld, t->v->file, t->v->line, "bad template '%.*s' in "
				  "%s: expected %%M1..%%M6, %%N1..%%N6, %%H or %%%%",
				  n, s, t->os->name);
		return 0;
	}
	if (s[1] == 'M' && !ld->c->have_mac) {
		tmpl_no_mac(ld, t, s);
		return 0;
	}
	uint8_t byte = (s[1] == 'M' ? ld->c->mac : ld->c->n)[s[2] - '1'];
	snprintf(out, sizeof(out), t->dec ? "%u" : "%02x", byte);
	mc_str_puts(b, out);
	return 3;
}

/* Replaces v->s by its expansion; returns -EINVAL if a template was bad. */
static int tmpl_expand(struct conf_ld *ld, const struct tmpl *t, struct conf_val *v)
{
	struct mc_str b = { 0 };
	const char *s = v->s;
	int rc = 0;

	mc_str_puts(&b, "");
	while (*s) {
		size_t n = strcspn(s, "%");

		mc_str_putn(&b, s, n);
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

/* ---------------------------------------------------------------- values */

/* Booleans print as '0'/'1' whichever spelling the file used. */
static void bool_normalize(const struct mc_conf_opt *os, char *s)
{
	bool b;

	if (os->type != MC_CONF_T_BOOL || mc_conf_parse_bool(s, &b) < 0)
		return;
	s[0] = b ? '1' : '0';	/* every spelling has at least one byte */
	s[1] = '\0';
}

/* A value's text replaced by s (the loader's values are heap strings). */
static void val_set(struct conf_ld *ld, struct conf_val *v, const char *s)
{
	char *dup = strdup(s);

	if (!dup) {
		ld->oom = true;
		return;
	}
	free(v->s);
	v->s = dup;
}

/* main_ipv4/ipv6_address in LibreMesh's forms (conf_lime.h): a network
 * gets its host part from the MAC. */
static int lime_host(struct conf_ld *ld, const struct mc_conf_opt *os, struct conf_val *v)
{
	bool v4 = !strcmp(os->name, "main_ipv4_address");
	char out[96];
	int rc;

	if (!v4 && strcmp(os->name, "main_ipv6_address"))
		return 0;
	rc = (v4 ? mc_conf_lime_gen4 : mc_conf_lime_gen6)(v->s, ld->c->have_mac ? ld->c->mac :
							  NULL, out, sizeof(out));
	if (rc < 0) {
		mc_conf_ld_err_at(ld, v->file, v->line, "%s '%s' is a network: the node's "
				  "address in it comes from the MAC, and there is none (set "
				  "primary_mac in lime 'system')", os->name, v->s);
		return -1;
	}
	if (rc == 1)
		val_set(ld, v, out);
	return ld->oom ? -1 : 0;
}

/* Expands and checks every value of one option. */
static void finish_opt(struct conf_ld *ld, const struct mc_conf_opt *os,
		       struct conf_values *o, const char *host)
{
	char why[160];

	for (size_t i = 0; i < o->n && !mc_conf_ld_done(ld); i++) {
		struct conf_val *v = &o->v[i];
		struct tmpl t = { .os = os, .v = v, .host = host,
				  .dec = strstr(os->name, "ipv4") != NULL };

		if (!(os->flags & MC_CONF_F_LITERAL) && tmpl_expand(ld, &t, v) < 0)
			continue;
		if (lime_host(ld, os, v) < 0)
			continue;
		if (mc_conf_value_ok(os, v->s)) {
			bool_normalize(os, v->s);
			continue;
		}
		mc_conf_value_why(os, v->s, why, sizeof(why));
		mc_conf_ld_err_at(ld, v->file, v->line, "invalid value '%.*s%s' for %s: %s",
				  CONF_ECHO_LEN(v->s), v->s, CONF_ECHO_MORE(v->s),
				  os->name, why);
	}
}

/* ------------------------------------------------------------ MAC and N */

/* The MAC: primary_mac, else the caller's, else primary_interface's.
 * The defaults layer gives every lime option used here a value. */
static void finish_mac(struct conf_ld *ld)
{
	struct mc_conf *c = ld->c;
	const struct mc_conf_section *sys = mc_conf_sec_find(c, "system");
	const struct conf_values *pmac = mc_conf_sec_values(sys, "primary_mac");
	const struct conf_values *pif = mc_conf_sec_values(sys, "primary_interface");

	if (pmac->n) {
		c->have_mac = mc_conf_parse_mac(pmac->v[0].s, c->mac) == 0;
		ld->mac_bad = !c->have_mac;	/* its check reports it */
	} else if (ld->ms->mac) {
		memcpy(c->mac, ld->ms->mac, sizeof(c->mac));
		c->have_mac = true;
	} else if (ld->ms->fn) {
		ld->mac_bad = !mc_conf_ifname_ok(pif->v[0].s);	/* reported too */
		if (!ld->mac_bad)
			c->have_mac = ld->ms->fn(pif->v[0].s, c->mac,
						 ld->ms->user) == 0;
		ld->mac_ifname = pif->v[0].s;
	}
}

/* N from ap_ssid and the MAC %M expands from; both are literal options. */
static void finish_ids(struct conf_ld *ld)
{
	struct mc_conf *c = ld->c;
	const struct conf_values *ssid =
		mc_conf_sec_values(mc_conf_sec_find(c, "network"), "ap_ssid");
	uint8_t h[MC_MD5_LEN];
	struct mc_md5 m;

	mc_md5_init(&m);
	mc_md5_update(&m, ssid->v[0].s, strlen(ssid->v[0].s));
	mc_md5_update(&m, "\n", 1);
	mc_md5_final(&m, h);
	memcpy(c->n, h, sizeof(c->n));
	finish_mac(ld);
}

/* Sections without a fixed name get their schema defaults (the others got
 * theirs from the defaults layer). Also reports required options unset. */
static void finish_defaults(struct conf_ld *ld, struct mc_conf_section *s)
{
	char desc[128];

	for (size_t i = 0; i < s->sch->nopts; i++) {
		const struct mc_conf_opt *os = s->sch->opts[i];
		struct conf_values *o = &s->opts[i];

		if (o->n)
			continue;
		if (os->def && mc_conf_values_append(o, os->def, 0, 0) < 0)
			ld->oom = true;
		if (os->flags & MC_CONF_F_REQUIRED)
			mc_conf_ld_err_at(ld, s->file, s->line, "section %s lacks "
					  "required option %s",
					  mc_conf_sec_desc(s, desc, sizeof(desc)), os->name);
	}
}

/* A net section's role from LibreMesh's protocols: lan, else a mesh
 * protocol, else wan; NULL when none of them says. */
static const char *role_of(const struct conf_values *p)
{
	static const char *const mesh[] = { "batadv", "babeld", "bmx6", "bmx7", "olsr",
					    "olsr6", "olsr2", "ieee80211s", "apbb", "adhoc",
					    NULL };
	bool is_mesh = false, is_wan = false;

	for (size_t i = 0; i < p->n; i++) {
		size_t n = strcspn(p->v[i].s, ":");

		if (n == 3 && !strncmp(p->v[i].s, "lan", 3))
			return "lan";
		for (unsigned k = 0; mesh[k]; k++)
			is_mesh |= strlen(mesh[k]) == n && !strncmp(p->v[i].s, mesh[k], n);
		is_wan |= (n == 3 && !strncmp(p->v[i].s, "wan", 3)) ||
			  (n == 6 && !strncmp(p->v[i].s, "static", 6));
	}
	return is_mesh ? "mesh" : is_wan ? "wan" : NULL;
}

/* LibreMesh's files (doc/config.md "LibreMesh's files"): a net section
 * without role gets it from its protocols. */
static void finish_lime(struct conf_ld *ld)
{
	struct mc_conf *c = ld->c;
	char desc[128];

	for (size_t i = 0; i < c->nsecs; i++) {
		struct mc_conf_section *s = c->secs[i];
		struct conf_values *role = mc_conf_sec_values(s, "role"),
				   *proto = mc_conf_sec_values(s, "protocols");
		const char *r;

		if (strcmp(s->sch->type, "net") || !role || role->n)
			continue;
		r = proto && proto->n ? role_of(proto) : NULL;
		if (!r) {
			mc_conf_ld_err_at(ld, s->file, s->line, "section %s needs role (mesh, "
					  "lan or wan) or LibreMesh's protocols (batadv:..., "
					  "babeld:..., lan, wan)",
					  mc_conf_sec_desc(s, desc, sizeof(desc)));
			continue;
		}
		if (mc_conf_values_append(role, r, proto->v[0].file, proto->v[0].line) < 0)
			ld->oom = true;
		role->layer = proto->layer;
	}
}

__attribute__((format(printf, 4, 5)))
static void note_at(struct conf_ld *ld, const struct conf_val *v, const char *key,
		    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mc_conf_ld_vnote_at(ld, v->file, v->line, key, fmt, ap);
	va_end(ap);
}

/* One protocol word of a list protocols: a known name, a VLAN that
 * parses; what softmesh does not run is told once. */
static void proto_check(struct conf_ld *ld, const struct conf_val *v)
{
	const char *daemon = NULL;
	enum mc_lime_proto k = mc_conf_lime_proto(v->s, &daemon);
	size_t n = strcspn(v->s, ":");
	char key[48];

	if (k == MC_LIME_PROTO_UNKNOWN) {
		mc_conf_ld_err_at(ld, v->file, v->line, "unknown protocol '%.*s' (known: %s)",
				  CONF_ECHO_LEN(v->s), v->s, mc_conf_lime_proto_names());
		return;
	}
	if ((mc_conf_lime_proto_is(v->s, "batadv") || mc_conf_lime_proto_is(v->s, "babeld")) &&
	    mc_conf_proto_vid(ld->c, v->s) < 0) {
		mc_conf_ld_err_at(ld, v->file, v->line, "protocol '%.*s': its VLAN is a "
				  "number 0..4094%s", CONF_ECHO_LEN(v->s), v->s,
				  mc_conf_lime_proto_is(v->s, "batadv") ? " or %N1..%N6" : "");
		return;
	}
	snprintf(key, sizeof(key), "proto:%.*s", (int)(n < 32 ? n : 32), v->s);
	if (k == MC_LIME_PROTO_FOREIGN && daemon)
		note_at(ld, v, key, "protocol '%s' is a radio mode: the system sets up "
			"radios, not softmesh", v->s);
	else if (k == MC_LIME_PROTO_FOREIGN)
		note_at(ld, v, key, "protocol '%s' is not run by softmesh (it routes with "
			"batadv and babeld, l2meshd, and l3route, l3routed)", v->s);
}

/*
 * LibreMesh's list protocols (doc/config.md "LibreMesh's files"): lime
 * 'network''s says what runs and, with batadv:VID, the cloud's VLAN
 * when batadv_vlan is 'auto'; a net section's says its role
 * (finish_lime) and its own batadv VLAN (mc_conf_port_vid).
 */
static void finish_protocols(struct conf_ld *ld)
{
	struct mc_conf *c = ld->c;
	struct mc_conf_section *net = mc_conf_sec_find(c, "network");
	struct conf_values *vl = mc_conf_sec_values(net, "batadv_vlan");

	for (size_t i = 0; i < c->nsecs; i++) {
		struct conf_values *p = mc_conf_sec_values(c->secs[i], "protocols");

		for (size_t k = 0; p && k < p->n; k++)
			proto_check(ld, &p->v[k]);
	}
	if (ld->nerr || !vl || !vl->n || strcmp(vl->v[0].s, "auto"))
		return;
	const struct conf_values *np = mc_conf_sec_values(net, "protocols");
	for (size_t k = 0; np && k < np->n; k++) {
		char b[8];

		if (!mc_conf_lime_proto_is(np->v[k].s, "batadv"))
			continue;
		snprintf(b, sizeof(b), "%d", mc_conf_proto_vid(c, np->v[k].s));
		val_set(ld, &vl->v[0], b);
		vl->v[0].file = np->v[k].file;
		vl->v[0].line = np->v[k].line;
		break;
	}
}

/* "a.b.c.d/L" from a host-order address */
static void set4(struct conf_ld *ld, struct conf_val *v, uint32_t a, unsigned l)
{
	struct in_addr ia = { htonl(a) };
	char b[48];

	inet_ntop(AF_INET, &ia, b, sizeof(b));
	snprintf(b + strlen(b), sizeof(b) - strlen(b), "/%u", l);
	val_set(ld, v, b);
}

/* anygw_dhcp_start/_limit (LibreMesh's DHCP range, anycastd's pool)
 * inside the cloud's network of prefix length l */
static void finish_dhcp_range(struct conf_ld *ld, struct mc_conf_section *net, unsigned l)
{
	const struct conf_values *st = mc_conf_sec_values(net, "anygw_dhcp_start"),
				 *li = mc_conf_sec_values(net, "anygw_dhcp_limit");
	unsigned long start, limit, last = (1ul << (32 - l)) - 2;	/* before the broadcast */

	if (!st || !st->n || !li || !li->n)
		return;
	start = strtoul(st->v[0].s, NULL, 10);
	limit = strtoul(li->v[0].s, NULL, 10);
	if (start > last)
		mc_conf_ld_err_at(ld, st->v[0].file, st->v[0].line, "anygw_dhcp_start %lu is "
				  "past the last address of the /%u network (%lu)", start, l, last);
	else if (limit && start + limit - 1 > last)
		mc_conf_ld_err_at(ld, li->v[0].file, li->v[0].line, "anygw_dhcp_limit %lu from "
				  "anygw_dhcp_start %lu runs past the last address of the /%u "
				  "network (at most %lu; 0 = to the end)", limit, start, l,
				  last - start + 1);
}

/*
 * The anycast addresses follow the node's network as LibreMesh derives
 * anygw (its first host) unless a file sets them, and then they must be
 * inside it; the node's own IPv4 address is never the network's, the
 * broadcast or the anycast one: it moves to the last host, as
 * LibreMesh's primary_address does (doc/config.md "LibreMesh's files").
 */
static void finish_anygw(struct conf_ld *ld)
{
	struct mc_conf_section *net = mc_conf_sec_find(ld->c, "network");
	struct conf_values *m4 = mc_conf_sec_values(net, "main_ipv4_address"),
			   *g4 = mc_conf_sec_values(net, "anygw_ipv4"),
			   *m6 = mc_conf_sec_values(net, "main_ipv6_address"),
			   *g6 = mc_conf_sec_values(net, "anygw_ipv6");
	struct in_addr ia, ga;
	uint32_t a, g, mask, netw, bcast;
	unsigned l, gl;
	const char *why = NULL;

	if (mc_conf_ld_done(ld) || ld->nerr || !m4 || !m4->n || !g4 || !g4->n ||
	    mc_conf_parse_cidr(m4->v[0].s, AF_INET, &ia, &l) < 0 ||
	    mc_conf_parse_cidr(g4->v[0].s, AF_INET, &ga, &gl) < 0 || l > 30)
		return;
	a = ntohl(ia.s_addr);
	g = ntohl(ga.s_addr);
	mask = l ? 0xffffffffu << (32 - l) : 0;
	netw = a & mask;
	bcast = netw | ~mask;
	if (g4->layer == 0) {
		g = netw + 1;
		set4(ld, &g4->v[0], g, l);
	} else if ((g & mask) != netw || gl != l) {
		mc_conf_ld_err_at(ld, g4->v[0].file, g4->v[0].line, "anygw_ipv4 %s is outside "
				  "the node's network (main_ipv4_address %s): every node of "
				  "a cloud serves the anycast address of its network",
				  g4->v[0].s, m4->v[0].s);
		return;
	}
	finish_dhcp_range(ld, net, l);
	why = a == netw ? "the network's address" : a == bcast ? "the broadcast address" :
	      a == g ? "the anycast (anygw) address" : NULL;
	if (why) {
		uint32_t to = bcast - 1 == g ? bcast - 2 : bcast - 1;
		char was[48];

		snprintf(was, sizeof(was), "%s", m4->v[0].s);
		set4(ld, &m4->v[0], to, l);
		if (ld->errf)
			fprintf(ld->errf, "%s:%d: notice: main_ipv4_address %s is %s: the "
				"node takes %s instead (as LibreMesh does)\n",
				ld->c->files[m4->v[0].file], m4->v[0].line, was, why, m4->v[0].s);
	}
	if (m6 && m6->n && g6 && g6->n && g6->layer == 0) {
		/* the first host of the node's IPv6 network */
		struct in6_addr i6;
		unsigned l6;
		char b[64];

		if (mc_conf_parse_cidr(m6->v[0].s, AF_INET6, &i6, &l6) < 0 || l6 > 126)
			return;
		for (unsigned bit = l6; bit < 128; bit++)
			i6.s6_addr[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
		i6.s6_addr[15] |= 1;
		inet_ntop(AF_INET6, &i6, b, sizeof(b));
		snprintf(b + strlen(b), sizeof(b) - strlen(b), "/%u", l6);
		val_set(ld, &g6->v[0], b);
	}
}

void mc_conf_ld_finish(struct conf_ld *ld)
{
	struct mc_conf *c = ld->c;
	struct mc_conf_section *sys = mc_conf_sec_find(c, "system");
	int hi = mc_conf_ssch_opt_index(sys->sch, "hostname");
	const char *host;

	for (size_t i = 0; i < c->nsecs && !mc_conf_ld_done(ld); i++)
		finish_defaults(ld, c->secs[i]);
	finish_lime(ld);
	finish_ids(ld);
	finish_opt(ld, sys->sch->opts[hi], &sys->opts[hi], NULL);
	host = sys->opts[hi].v[0].s;
	for (size_t i = 0; i < c->nsecs && !mc_conf_ld_done(ld); i++) {
		struct mc_conf_section *s = c->secs[i];

		for (size_t k = 0; k < s->sch->nopts && !mc_conf_ld_done(ld); k++)
			if (s != sys || (int)k != hi)
				finish_opt(ld, s->sch->opts[k], &s->opts[k], host);
	}
	finish_protocols(ld);
	finish_anygw(ld);
}
