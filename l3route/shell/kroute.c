/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * l3routed and the kernel: the routes the core chooses go into table
 * l3_table with protocol MC_RTPROT_SOFTMESH, looked up through one rule per
 * family (priority = the table number, before main); the node address sits
 * on lo. Everything written is remembered, so a clean stop takes away
 * exactly that, and a start after a crash flushes what was left.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "l3route/shell/l3routed.h"

static struct mc_nl_rule rule_of(const struct l3routed *r, int family)
{
	return (struct mc_nl_rule){ .family = family, .priority = r->table,
				    .table = r->table };
}

static int rules_add(struct l3routed *r)
{
	static const int fam[2] = { AF_INET, AF_INET6 };

	for (int i = 0; i < 2; i++) {
		struct mc_nl_rule ru = rule_of(r, fam[i]);
		int rc = mc_nl_rule_add(r->nl, &ru);

		if (rc < 0 && rc != -EEXIST) {	/* EEXIST: left by a crash, ours now */
			log_err("ip rule priority %u table %u: %s", r->table, r->table,
				strerror(-rc));
			return rc;
		}
		r->rule_added[i] = true;
	}
	return 0;
}

static int node_addr_add(struct l3routed *r)
{
	struct mc_ip ip = { .family = AF_INET6, .plen = 128 };
	struct mc_nl_link up = { .up = 1 };
	int lo = mc_nl_ifindex("lo"), rc;

	memcpy(ip.a, &r->addr, 16);
	if (lo <= 0)
		return -ENODEV;
	mc_nl_link_set(r->nl, lo, &up);
	rc = mc_nl_addr_add(r->nl, lo, &ip);
	if (rc < 0 && rc != -EEXIST) {
		log_err("node address on lo: %s", strerror(-rc));
		return rc;
	}
	r->addr_added = true;
	return 0;
}

int l3sh_kernel_start(struct l3routed *r)
{
	int rc;

	mc_sysctl_set("1", "/proc/sys/net/ipv4/ip_forward");
	mc_sysctl_set("1", "/proc/sys/net/ipv6/conf/all/forwarding");
	rc = mc_nl_route_flush(r->nl, AF_UNSPEC, r->table, MC_RTPROT_SOFTMESH);
	if (rc > 0)
		log_notice("flushed %d stale routes from table %u", rc, r->table);
	else if (rc < 0)
		log_warn("flushing table %u: %s", r->table, strerror(-rc));
	if ((rc = rules_add(r)) < 0)
		return rc;
	return node_addr_add(r);
}

void l3sh_kernel_stop(struct l3routed *r)
{
	static const int fam[2] = { AF_INET, AF_INET6 };
	size_t n = r->nkr;

	for (size_t i = 0; i < r->nkr; i++)
		mc_nl_route_del(r->nl, &r->kr[i].r);
	free(r->kr);
	r->kr = NULL;
	r->nkr = r->kr_cap = 0;
	for (int i = 0; i < 2; i++) {
		struct mc_nl_rule ru = rule_of(r, fam[i]);
		if (r->rule_added[i])
			mc_nl_rule_del(r->nl, &ru);
		r->rule_added[i] = false;
	}
	if (r->addr_added) {
		struct mc_ip ip = { .family = AF_INET6, .plen = 128 };
		memcpy(ip.a, &r->addr, 16);
		mc_nl_addr_del(r->nl, mc_nl_ifindex("lo"), &ip);
		r->addr_added = false;
	}
	log_info("removed %zu routes, the rules and the node address", n);
}

static bool ip_eq(const struct mc_ip *a, const struct mc_ip *b)
{
	return a->family == b->family && a->plen == b->plen &&
	       !memcmp(a->a, b->a, mc_ip_len(a));
}

static long kr_find(const struct l3routed *r, const struct mc_ip *dst)
{
	for (size_t i = 0; i < r->nkr; i++)
		if (ip_eq(&r->kr[i].r.dst, dst))
			return (long)i;
	return -1;
}

bool l3sh_kroute_installed(const struct l3routed *r, const struct mc_ip *dst)
{
	return kr_find(r, dst) >= 0;
}

/*
 * The node's own prefixes stay with the main table: its cloud's range is
 * on bat0 there, and a route to it through another node of the same
 * cloud (which announces the same anycast range) would win over it.
 */
static bool is_own(const struct l3routed *r, const struct mc_ip *dst)
{
	for (unsigned i = 0; i < r->nown; i++)
		if (ip_eq(&r->own[i].ip, dst))
			return true;
	return false;
}

static int kr_remember(struct l3routed *r, const struct mc_nl_route *nr)
{
	long i = kr_find(r, &nr->dst);

	if (i >= 0) {
		r->kr[i].r = *nr;
		return 0;
	}
	if (r->nkr == r->kr_cap) {
		size_t cap = r->kr_cap ? 2 * r->kr_cap : 64;
		struct l3sh_kroute *k = realloc(r->kr, cap * sizeof(*k));
		if (!k)
			return -ENOMEM;
		r->kr = k;
		r->kr_cap = cap;
	}
	r->kr[r->nkr++].r = *nr;
	return 0;
}

static void kr_forget(struct l3routed *r, const struct mc_ip *dst)
{
	long i = kr_find(r, dst);

	if (i >= 0)
		r->kr[i] = r->kr[--r->nkr];
}

static void kr_log(const struct l3routed *r, bool add, const struct mc_nl_route *nr,
		   int rc)
{
	char d[MC_IP_STRLEN], v[MC_IP_STRLEN];

	mc_ip_format(&nr->dst, d, sizeof(d));
	mc_ip_format(&nr->via, v, sizeof(v));
	if (rc < 0)
		log_warn("route %s %s via %s: %s", add ? "add" : "del", d, v, strerror(-rc));
	else
		log_dbg(MC_DBG_ROUTES | MC_DBG_KERNEL, "route %s %s via %s table %u",
			add ? "add" : "del", d, v, r->table);
}

void l3sh_kroute(struct l3routed *r, bool add, const struct l3_kroute *k)
{
	/* metric 0 always: a replace must hit the same kernel route whatever
	 * the path cost (the kernel keys IPv6 routes by metric too) */
	struct mc_nl_route nr = { .dst = k->dst, .table = r->table };
	int rc;

	if (is_own(r, &k->dst))
		return;
	if (!add) {
		long i = kr_find(r, &k->dst);
		if (i < 0)
			return;
		nr = r->kr[i].r;
		rc = mc_nl_route_del(r->nl, &nr);
		kr_forget(r, &k->dst);
		if (rc == -ENOENT || rc == -ESRCH)
			rc = 0;	/* the interface went and took it along */
	} else {
		if (k->ifidx >= r->nport || r->port[k->ifidx].ifindex <= 0)
			return;
		nr.oif = r->port[k->ifidx].ifindex;
		nr.via.family = AF_INET6;
		nr.via.plen = 128;
		memcpy(nr.via.a, &k->via, 16);
		rc = mc_nl_route_add(r->nl, &nr);
		if (rc == 0 && kr_remember(r, &nr) < 0)
			log_err("out of memory: route kept in the kernel until restart");
	}
	if (rc < 0)
		r->route_errors++;
	kr_log(r, add, &nr, rc);
}
