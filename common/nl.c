/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "common/nl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>

struct mc_nl {
	struct nl_sock *sk;
};

/* libnl has its own error space; callers get errno values. */
static int nlerr(int e)
{
	switch (e < 0 ? -e : e) {
	case 0: return 0;
	case NLE_EXIST: return -EEXIST;
	case NLE_OBJ_NOTFOUND: return -ENOENT;
	case NLE_NODEV: return -ENODEV;
	case NLE_PERM: return -EPERM;
	case NLE_NOACCESS: return -EACCES;
	case NLE_INVAL: return -EINVAL;
	case NLE_NOMEM: return -ENOMEM;
	case NLE_BUSY: return -EBUSY;
	case NLE_RANGE: return -ERANGE;
	case NLE_AF_NOSUPPORT: return -EAFNOSUPPORT;
	case NLE_NOADDR: return -EADDRNOTAVAIL;
	case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	default: return -EIO;
	}
}

int mc_nl_open(struct mc_nl **out)
{
	struct mc_nl *nl = calloc(1, sizeof(*nl));
	int rc;

	if (!nl)
		return -ENOMEM;
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		free(nl);
		return -ENOMEM;
	}
	rc = nl_connect(nl->sk, NETLINK_ROUTE);
	if (rc < 0) {
		nl_socket_free(nl->sk);
		free(nl);
		return nlerr(rc);
	}
	*out = nl;
	return 0;
}

void mc_nl_close(struct mc_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

int mc_nl_ifindex(const char *ifname)
{
	return (int)if_nametoindex(ifname);
}

static struct nl_addr *ip_to_nl(const struct mc_ip *ip)
{
	struct nl_addr *a = nl_addr_build(ip->family, ip->a, mc_ip_len(ip));

	if (a)
		nl_addr_set_prefixlen(a, ip->plen);
	return a;
}

int mc_nl_link_set(struct mc_nl *nl, int ifindex, const struct mc_nl_link *want)
{
	struct rtnl_link *orig = NULL, *chg = NULL;
	struct nl_addr *mac = NULL;
	int rc = rtnl_link_get_kernel(nl->sk, ifindex, NULL, &orig);

	if (rc < 0)
		return nlerr(rc);
	chg = rtnl_link_alloc();
	if (!chg) {
		rc = -NLE_NOMEM;
		goto out;
	}
	if (want->up == 1)
		rtnl_link_set_flags(chg, IFF_UP);
	else if (want->up == 0)
		rtnl_link_unset_flags(chg, IFF_UP);
	if (want->mtu)
		rtnl_link_set_mtu(chg, want->mtu);
	if (want->mac) {
		mac = nl_addr_build(AF_LLC, want->mac, 6);
		rtnl_link_set_addr(chg, mac);
	}
	rc = rtnl_link_change(nl->sk, orig, chg, 0);
out:
	nl_addr_put(mac);
	rtnl_link_put(chg);
	rtnl_link_put(orig);
	return nlerr(rc);
}

int mc_nl_link_get(struct mc_nl *nl, int ifindex, uint8_t mac_r[6], unsigned *mtu_r,
		   bool *up_r)
{
	struct rtnl_link *l = NULL;
	int rc = rtnl_link_get_kernel(nl->sk, ifindex, NULL, &l);

	if (rc < 0)
		return nlerr(rc);
	mc_nl_link_read(l, mac_r, mtu_r, up_r);
	rtnl_link_put(l);
	return 0;
}

void mc_nl_link_read(struct rtnl_link *l, uint8_t mac_r[6], unsigned *mtu_r, bool *up_r)
{
	struct nl_addr *a = rtnl_link_get_addr(l);

	if (mac_r) {
		memset(mac_r, 0, 6);
		if (a && nl_addr_get_len(a) == 6)
			memcpy(mac_r, nl_addr_get_binary_addr(a), 6);
	}
	if (mtu_r)
		*mtu_r = rtnl_link_get_mtu(l);
	if (up_r)
		*up_r = rtnl_link_get_flags(l) & IFF_UP;
}

static struct rtnl_addr *addr_build(int ifindex, const struct mc_ip *ip)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local = ip_to_nl(ip);

	if (!a || !local) {
		rtnl_addr_put(a);
		nl_addr_put(local);
		return NULL;
	}
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_family(a, ip->family);
	rtnl_addr_set_local(a, local);
	rtnl_addr_set_prefixlen(a, ip->plen);
	if (ip->family == AF_INET6)
		rtnl_addr_set_flags(a, IFA_F_NODAD);
	nl_addr_put(local);
	return a;
}

int mc_nl_addr_add(struct mc_nl *nl, int ifindex, const struct mc_ip *ip)
{
	struct rtnl_addr *a = addr_build(ifindex, ip);
	int rc;

	if (!a)
		return -ENOMEM;
	rc = rtnl_addr_add(nl->sk, a, NLM_F_REPLACE);
	rtnl_addr_put(a);
	return nlerr(rc);
}

int mc_nl_addr_del(struct mc_nl *nl, int ifindex, const struct mc_ip *ip)
{
	struct rtnl_addr *a = addr_build(ifindex, ip);
	int rc;

	if (!a)
		return -ENOMEM;
	rc = rtnl_addr_delete(nl->sk, a, 0);
	rtnl_addr_put(a);
	return nlerr(rc);
}

static struct rtnl_route *route_build(const struct mc_nl_route *r)
{
	struct rtnl_route *rt = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *dst = ip_to_nl(&r->dst), *via = NULL;

	if (!rt || !nh || !dst)
		goto fail;
	rtnl_route_set_family(rt, (uint8_t)r->dst.family);
	rtnl_route_set_dst(rt, dst);
	rtnl_route_set_table(rt, r->table ? r->table : RT_TABLE_MAIN);
	rtnl_route_set_protocol(rt, r->protocol ? r->protocol : MC_RTPROT_SOFTMESH);
	rtnl_route_set_priority(rt, r->metric);
	rtnl_route_set_type(rt, RTN_UNICAST);
	if (r->oif)
		rtnl_route_nh_set_ifindex(nh, r->oif);
	if (r->via.family) {
		struct mc_ip host = r->via;
		host.plen = r->via.family == AF_INET ? 32 : 128;
		via = ip_to_nl(&host);
		if (!via)
			goto fail;
		if (r->via.family == r->dst.family)
			rtnl_route_nh_set_gateway(nh, via);
		else
			rtnl_route_nh_set_via(nh, via);
		nl_addr_put(via);
	}
	rtnl_route_set_scope(rt, r->via.family ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
	rtnl_route_add_nexthop(rt, nh);
	nl_addr_put(dst);
	return rt;
fail:
	nl_addr_put(dst);
	rtnl_route_nh_free(nh);
	rtnl_route_put(rt);
	return NULL;
}

int mc_nl_route_add(struct mc_nl *nl, const struct mc_nl_route *r)
{
	struct rtnl_route *rt = route_build(r);
	int rc;

	if (!rt)
		return -ENOMEM;
	rc = rtnl_route_add(nl->sk, rt, NLM_F_REPLACE);
	rtnl_route_put(rt);
	return nlerr(rc);
}

int mc_nl_route_del(struct mc_nl *nl, const struct mc_nl_route *r)
{
	struct rtnl_route *rt = route_build(r);
	int rc;

	if (!rt)
		return -ENOMEM;
	rc = rtnl_route_delete(nl->sk, rt, 0);
	rtnl_route_put(rt);
	return nlerr(rc);
}

bool mc_nl_route_owned(struct rtnl_route *rt, uint32_t table, uint8_t protocol)
{
	return rtnl_route_get_table(rt) == table && rtnl_route_get_protocol(rt) == protocol;
}

bool mc_nl_route_is_default(struct rtnl_route *rt)
{
	struct nl_addr *dst = rtnl_route_get_dst(rt);

	return rtnl_route_get_table(rt) == RT_TABLE_MAIN &&
	       rtnl_route_get_type(rt) == RTN_UNICAST &&
	       dst && nl_addr_get_prefixlen(dst) == 0;
}

bool mc_nl_neigh_match(struct rtnl_neigh *ne, int ifindex, const struct mc_ip *ip,
		       uint8_t mac[6])
{
	struct nl_addr *dst = rtnl_neigh_get_dst(ne), *ll = rtnl_neigh_get_lladdr(ne);
	int state = rtnl_neigh_get_state(ne);

	if ((ifindex && rtnl_neigh_get_ifindex(ne) != ifindex) ||
	    !dst || !ll || nl_addr_get_family(dst) != ip->family ||
	    nl_addr_get_len(dst) != mc_ip_len(ip) || nl_addr_get_len(ll) != 6 ||
	    memcmp(nl_addr_get_binary_addr(dst), ip->a, mc_ip_len(ip)) ||
	    (state >= 0 && (state & (NUD_FAILED | NUD_INCOMPLETE))))
		return false;
	memcpy(mac, nl_addr_get_binary_addr(ll), 6);
	return true;
}

struct flush_ctx {
	struct nl_sock *sk;
	uint32_t table;
	uint8_t protocol;
	int count;
	int err;
};

static void flush_one(struct nl_object *obj, void *arg)
{
	struct flush_ctx *f = arg;
	struct rtnl_route *rt = (struct rtnl_route *)obj;

	if (!mc_nl_route_owned(rt, f->table, f->protocol))
		return;
	int rc = rtnl_route_delete(f->sk, rt, 0);
	if (rc < 0 && rc != -NLE_OBJ_NOTFOUND)
		f->err = nlerr(rc);
	else if (rc == 0)
		f->count++;
}

int mc_nl_route_flush(struct mc_nl *nl, int family, uint32_t table, uint8_t protocol)
{
	struct flush_ctx f = { nl->sk, table, protocol, 0, 0 };
	struct nl_cache *cache = NULL;
	int rc = rtnl_route_alloc_cache(nl->sk, family, 0, &cache);

	if (rc < 0)
		return nlerr(rc);
	nl_cache_foreach(cache, flush_one, &f);
	nl_cache_free(cache);
	return f.err ? f.err : f.count;
}

/* The parts of a default route softmesh acts on (mc_nl_route_defaults). */
bool mc_nl_route_read(struct rtnl_route *rt, struct mc_nl_route *r)
{
	struct rtnl_nexthop *nh = rtnl_route_nexthop_n(rt, 0);
	struct nl_addr *gw = nh ? rtnl_route_nh_get_gateway(nh) : NULL;
	int fam = rtnl_route_get_family(rt);

	memset(r, 0, sizeof(*r));
	if (!nh || rtnl_route_get_nnexthops(rt) != 1 || (fam != AF_INET && fam != AF_INET6))
		return false;
	r->dst.family = fam;
	r->oif = rtnl_route_nh_get_ifindex(nh);
	r->table = rtnl_route_get_table(rt);
	r->protocol = rtnl_route_get_protocol(rt);
	r->metric = rtnl_route_get_priority(rt);
	if (gw && nl_addr_get_family(gw) == fam &&
	    nl_addr_get_len(gw) == (fam == AF_INET ? 4u : 16u)) {
		r->via.family = fam;
		r->via.plen = fam == AF_INET ? 32 : 128;
		memcpy(r->via.a, nl_addr_get_binary_addr(gw), nl_addr_get_len(gw));
	}
	return true;
}

struct defaults_ctx {
	struct mc_nl_route *out;
	unsigned max, n;
};

static void default_one(struct nl_object *obj, void *arg)
{
	struct defaults_ctx *c = arg;
	struct rtnl_route *rt = (struct rtnl_route *)obj;

	if (c->n < c->max && mc_nl_route_is_default(rt) && mc_nl_route_read(rt, &c->out[c->n]))
		c->n++;
}

int mc_nl_route_defaults(struct mc_nl *nl, int family, struct mc_nl_route *out, unsigned max)
{
	struct defaults_ctx c = { out, max, 0 };
	struct nl_cache *cache = NULL;
	int rc = rtnl_route_alloc_cache(nl->sk, family, 0, &cache);

	if (rc < 0)
		return nlerr(rc);
	nl_cache_foreach(cache, default_one, &c);
	nl_cache_free(cache);
	return (int)c.n;
}

static struct rtnl_rule *rule_build(const struct mc_nl_rule *r)
{
	struct rtnl_rule *ru = rtnl_rule_alloc();
	struct nl_addr *a;

	if (!ru)
		return NULL;
	rtnl_rule_set_family(ru, r->family);
	rtnl_rule_set_prio(ru, r->priority);
	rtnl_rule_set_table(ru, r->table);
	rtnl_rule_set_action(ru, FR_ACT_TO_TBL);
	if (r->fwmark)
		rtnl_rule_set_mark(ru, r->fwmark);
	if (r->src.family && (a = ip_to_nl(&r->src))) {
		rtnl_rule_set_src(ru, a);
		nl_addr_put(a);
	}
	if (r->dst.family && (a = ip_to_nl(&r->dst))) {
		rtnl_rule_set_dst(ru, a);
		nl_addr_put(a);
	}
	return ru;
}

int mc_nl_rule_add(struct mc_nl *nl, const struct mc_nl_rule *r)
{
	struct rtnl_rule *ru = rule_build(r);
	int rc;

	if (!ru)
		return -ENOMEM;
	rc = rtnl_rule_add(nl->sk, ru, NLM_F_EXCL);
	rtnl_rule_put(ru);
	return nlerr(rc);
}

int mc_nl_rule_del(struct mc_nl *nl, const struct mc_nl_rule *r)
{
	struct rtnl_rule *ru = rule_build(r);
	int rc;

	if (!ru)
		return -ENOMEM;
	rc = rtnl_rule_delete(nl->sk, ru, 0);
	rtnl_rule_put(ru);
	return nlerr(rc);
}
