/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the node sends from an anycast address leaves through anygw, with
 * the anycast MAC: LibreMesh's anygw does it with a policy rule and its
 * table 170, and so do we. Without it a reply from 10.N1.0.1 follows the
 * cloud's connected route out of bat0, the kernel asks "who-has C tell
 * 10.N1.0.1" from bat0's MAC, and the client takes the node's own MAC for
 * its gateway: lost on the next roam, and the client's answer (to the
 * anycast MAC) reaches anygw, not bat0, so the reply is never sent.
 *
 * Table L2SH_ANYGW_TABLE holds the cloud's prefixes on anygw; one rule
 * per anycast address sends its traffic there. A destination outside the
 * cloud finds nothing in the table and falls through to the next rules.
 * The routes go with the TAP; the rules are removed at stop.
 */
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "l2mesh/shell/l2meshd.h"

static int anygw_addr(const struct mc_conf_section *net, const char *opt, struct mc_ip *ip)
{
	const char *s = mc_conf_get_str(net, opt);

	if (!s || !*s || mc_ip_parse(s, ip) < 0)
		return -ENOENT;
	return 0;
}

static struct mc_nl_rule anygw_rule(const struct mc_ip *ip)
{
	struct mc_nl_rule r = { .family = ip->family, .priority = L2SH_ANYGW_TABLE,
				.table = L2SH_ANYGW_TABLE, .src = *ip };

	r.src.plen = ip->family == AF_INET ? 32 : 128;
	return r;
}

static void anygw_route_one(struct l2meshd *m, int ifindex, const struct mc_ip *ip)
{
	struct mc_nl_route rt = { .dst = *ip, .oif = ifindex, .table = L2SH_ANYGW_TABLE };
	struct mc_nl_rule ru = anygw_rule(ip);
	char a[MC_IP_STRLEN];
	int rc;

	mc_ip_mask(&rt.dst);
	if ((rc = mc_nl_route_add(m->nl, &rt)) < 0)
		log_warn("anygw: route %s table %u: %s", mc_ip_format(&rt.dst, a, sizeof(a)),
			 L2SH_ANYGW_TABLE, strerror(-rc));
	rc = mc_nl_rule_add(m->nl, &ru);
	if (rc < 0 && rc != -EEXIST)
		log_warn("anygw: rule from %s table %u: %s", mc_ip_format(&ru.src, a, sizeof(a)),
			 L2SH_ANYGW_TABLE, strerror(-rc));
}

void l2sh_anygw_route(struct l2meshd *m, int ifindex)
{
	const struct mc_conf_section *net = mc_conf_section(m->d->conf, "network");
	static const char *const opts[] = { "anygw_ipv4", "anygw_ipv6" };
	struct mc_ip ip;

	for (unsigned i = 0; i < 2; i++)
		if (anygw_addr(net, opts[i], &ip) == 0)
			anygw_route_one(m, ifindex, &ip);
}

void l2sh_anygw_unroute(struct l2meshd *m)
{
	const struct mc_conf_section *net = mc_conf_section(m->d->conf, "network");
	static const char *const opts[] = { "anygw_ipv4", "anygw_ipv6" };
	struct mc_nl_rule ru;
	struct mc_ip ip;

	for (unsigned i = 0; i < 2; i++) {
		if (!m->nl || anygw_addr(net, opts[i], &ip) < 0)
			continue;
		ru = anygw_rule(&ip);
		mc_nl_rule_del(m->nl, &ru);
	}
}
