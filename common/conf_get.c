/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Typed getters. Values were checked at load, so a getter fails only for
 * an option without a value (-ENOENT) or asked as the wrong type.
 */
#include "common/conf_int.h"
#include "common/conf_lime.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

const struct mc_conf_section *mc_conf_section(const struct mc_conf *c,
					      const char *name)
{
	return mc_conf_sec_find(c, name);
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
static const struct conf_values *get_opt(const struct mc_conf_section *s,
				      const char *name,
				      const struct mc_conf_opt **os)
{
	int i;

	if (!s)
		return NULL;
	i = mc_conf_ssch_opt_index(s->sch, name);
	if (i < 0) {
		fprintf(stderr, "mc_conf: section type %s has no option %s\n",
			s->sch->type, name);
		abort();
	}
	*os = s->sch->opts[i];
	return &s->opts[i];
}

/* The single value of opt if it is of one of the types in mask. */
static int get_typed(const struct mc_conf_section *s, const char *name,
		     unsigned mask, const char **v, const struct mc_conf_opt **osp)
{
	const struct mc_conf_opt *os = NULL;
	const struct conf_values *o = get_opt(s, name, &os);

	if (!o || !o->n)
		return -ENOENT;
	if (!(mask & (1u << os->type)))
		return -EINVAL;
	*v = o->v[0].s;
	if (osp)
		*osp = os;
	return 0;
}

const char *mc_conf_get_str(const struct mc_conf_section *s, const char *opt)
{
	const char *v = NULL;

	return get_typed(s, opt, ~0u, &v, NULL) < 0 ? NULL : v;
}

int mc_conf_get_int(const struct mc_conf_section *s, const char *opt, long *v)
{
	const char *str;
	int rc = get_typed(s, opt, 1u << MC_CONF_T_INT | 1u << MC_CONF_T_INT_AUTO |
			   1u << MC_CONF_T_PORT, &str, NULL);

	if (rc < 0)
		return rc;
	return mc_conf_parse_int(str, v);
}

int mc_conf_get_bool(const struct mc_conf_section *s, const char *opt, bool *v)
{
	const char *str;
	int rc = get_typed(s, opt, 1u << MC_CONF_T_BOOL, &str, NULL);

	return rc < 0 ? rc : mc_conf_parse_bool(str, v);
}

int mc_conf_get_mac(const struct mc_conf_section *s, const char *opt,
		    uint8_t mac[6])
{
	const char *str;
	int rc = get_typed(s, opt, 1u << MC_CONF_T_MAC, &str, NULL);

	return rc < 0 ? rc : mc_conf_parse_mac(str, mac);
}

int mc_conf_get_ipv4(const struct mc_conf_section *s, const char *opt,
		     struct in_addr *addr, unsigned *plen)
{
	const char *str;
	int rc = get_typed(s, opt, 1u << MC_CONF_T_IPV4, &str, NULL);

	return rc < 0 ? rc : mc_conf_parse_cidr(str, AF_INET, addr, plen);
}

int mc_conf_get_ipv6(const struct mc_conf_section *s, const char *opt,
		     struct in6_addr *addr, unsigned *plen)
{
	const char *str;
	int rc = get_typed(s, opt, 1u << MC_CONF_T_IPV6, &str, NULL);

	return rc < 0 ? rc : mc_conf_parse_cidr(str, AF_INET6, addr, plen);
}

int mc_conf_get_rate(const struct mc_conf_section *s, const char *opt,
		     uint64_t *down_kbit, uint64_t *up_kbit)
{
	const struct mc_conf_opt *os = NULL;
	const char *str;
	int rc = get_typed(s, opt, 1u << MC_CONF_T_RATE | 1u << MC_CONF_T_GWBW,
			   &str, &os);

	if (rc < 0)
		return rc;
	if (!strcmp(str, "auto"))	/* only a GWBW, which has a rate default */
		str = os->def ? os->def : "";
	return mc_conf_parse_rates(str, down_kbit, up_kbit) < 0 ? -ENODATA : 0;
}

size_t mc_conf_list_len(const struct mc_conf_section *s, const char *opt)
{
	const struct mc_conf_opt *os = NULL;
	const struct conf_values *o = get_opt(s, opt, &os);

	return o ? o->n : 0;
}

const char *mc_conf_list_get(const struct mc_conf_section *s, const char *opt,
			     size_t i)
{
	const struct mc_conf_opt *os = NULL;
	const struct conf_values *o = get_opt(s, opt, &os);

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

	if (mc_conf_get_int(mc_conf_sec_find(c, "network"), "batadv_vlan", &vid) == 0)
		return (int)vid;
	/* LibreMesh: 29 + (N1 - 13) % 256 with Lua's non-negative modulo */
	return 29 + (c->n[0] + 256 - 13) % 256;
}

int mc_conf_proto_vid(const struct mc_conf *c, const char *word)
{
	const char *arg = strchr(word, ':');
	bool batadv = mc_conf_lime_proto_is(word, "batadv");
	char *end;
	long v;

	if (!arg || !arg[1]) {
		if (batadv)
			arg = ":%N1";	/* lime-proto-batadv's default */
		else if (mc_conf_lime_proto_is(word, "babeld"))
			return 17;	/* lime-proto-babeld's */
		else
			return -EINVAL;
	}
	arg++;
	/* the VLAN ends at the next ':' (LibreMesh's further arguments:
	 * 802.1ad or 802.1q, a name suffix) */
	v = strtol(arg, &end, 10);
	if (end != arg && (*end == ':' || !*end) && *arg != '-' && *arg != '+')
		return v <= 4094 ? (int)v : -EINVAL;
	/* lime-proto-batadv: a template gives 29 + (N - 13) mod 256, so
	 * the default network (N1 = 13) has VLAN 29 */
	if (batadv && arg[0] == '%' && arg[1] == 'N' && arg[2] >= '1' && arg[2] <= '6' &&
	    (arg[3] == ':' || !arg[3]))
		return 29 + (c->n[arg[2] - '1'] + 256 - 13) % 256;
	return -EINVAL;
}

bool mc_conf_proto_wanted(const struct mc_conf *c, const char *proto)
{
	const struct mc_conf_section *net = mc_conf_sec_find(c, "network");
	size_t n = mc_conf_list_len(net, "protocols");

	if (!n)
		return true;
	for (size_t i = 0; i < n; i++)
		if (mc_conf_lime_proto_is(mc_conf_list_get(net, "protocols", i), proto))
			return true;
	return false;
}

/* The list protocols a port follows: its own, else lime 'network''s
 * (LibreMesh: a port's list replaces the general one). */
static const struct mc_conf_section *proto_list_of(const struct mc_conf *c,
						   const struct mc_conf_section *port)
{
	return mc_conf_list_len(port, "protocols") ? port : mc_conf_sec_find(c, "network");
}

int mc_conf_port_vid(const struct mc_conf *c, const struct mc_conf_section *port)
{
	size_t n = mc_conf_list_len(port, "protocols");

	for (size_t i = 0; i < n; i++) {
		const char *w = mc_conf_list_get(port, "protocols", i);
		int vid;

		if (mc_conf_lime_proto_is(w, "batadv") && (vid = mc_conf_proto_vid(c, w)) >= 0)
			return vid;
	}
	return mc_conf_cloud_vid(c);
}

unsigned mc_conf_port_proto_vids(const struct mc_conf *c, const struct mc_conf_section *port,
				 const char *proto, int *vids, unsigned max)
{
	const struct mc_conf_section *from = proto_list_of(c, port);
	size_t n = mc_conf_list_len(from, "protocols");
	unsigned k = 0;

	for (size_t i = 0; i < n && k < max; i++) {
		const char *w = mc_conf_list_get(from, "protocols", i);
		int vid;

		if (!mc_conf_lime_proto_is(w, proto) || (vid = mc_conf_proto_vid(c, w)) < 0)
			continue;
		vids[k++] = vid;
	}
	return k;
}

bool mc_conf_port_batman(const struct mc_conf *c, const struct mc_conf_section *port)
{
	int vid;

	if (!mc_conf_list_len(proto_list_of(c, port), "protocols"))
		return true;
	return mc_conf_port_proto_vids(c, port, "batadv", &vid, 1) > 0;
}

int mc_conf_log_level(const struct mc_conf *c)
{
	/* the schema check makes sure log_level exists, with a default */
	return mc_conf_log_level_prio(mc_conf_get_str(mc_conf_sec_find(c, "system"),
						      "log_level"));
}
