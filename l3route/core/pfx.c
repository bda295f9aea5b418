/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel prefixes: every node's address and the prefixes of its
 * description, each routed to the nearest reachable announcer (anycast
 * ranges have many). Changes mark a prefix dirty; l3_pfx_sync() then
 * gives env.route what moved, once per batch of messages.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "l3route/core/node.h"

/* Prefixes come from descriptions that peers write: seeded. */
static uint32_t pfx_hash(const struct l3_node *n, const struct mc_ip *ip)
{
	return mc_hash_bytes(ip->a, mc_ip_len(ip),
			     n->hseed ^ ((uint32_t)ip->family << 8 | ip->plen));
}

static bool ip_eq(const struct mc_ip *a, const struct mc_ip *b)
{
	return a->family == b->family && a->plen == b->plen &&
	       !memcmp(a->a, b->a, mc_ip_len(a));
}

static struct l3_pfx *pfx_of(struct mc_hnode *e)
{
	return mc_container_of(e, struct l3_pfx, hn);
}

static struct l3_pfx *pfx_find(const struct l3_node *n, const struct mc_ip *ip)
{
	struct mc_hash_iter it;
	struct mc_hnode *e;

	for (e = mc_hash_first(&n->ptab, pfx_hash(n, ip), &it); e; e = mc_hash_next(&it))
		if (ip_eq(&pfx_of(e)->ip, ip))
			return pfx_of(e);
	return NULL;
}

static void pfx_dirty(struct l3_node *n, struct l3_pfx *p)
{
	if (p->dirty)
		return;
	p->dirty = true;
	p->dnext = n->dirty;
	n->dirty = p;
}

static struct l3_pfx *pfx_get(struct l3_node *n, const struct mc_ip *ip, bool anycast)
{
	struct l3_pfx *p = pfx_find(n, ip);

	if (p)
		return p;
	if (!(p = calloc(1, sizeof(*p))))
		return NULL;
	p->ip = *ip;
	p->anycast = anycast;
	if (mc_hash_add(&n->ptab, &p->hn, pfx_hash(n, ip)) < 0) {
		free(p);
		return NULL;
	}
	return p;
}

static void node_prefix(const uint8_t id[L3_ID_LEN], struct mc_ip *ip)
{
	struct in6_addr a;

	l3_id_addr(id, &a);
	memset(ip, 0, sizeof(*ip));
	ip->family = AF_INET6;
	memcpy(ip->a, &a, 16);
	ip->plen = 128;
}

static const struct mc_ip node_space = {
	.family = AF_INET6, .a = { 0xfd, 0x5e }, .plen = 16,
};

/* Calls fn for the node address of id and every prefix of desc d. */
static void each_prefix(struct l3_node *n, const uint8_t id[L3_ID_LEN],
			const struct l3_desc *d, void (*fn)(struct l3_node *,
			const struct mc_ip *, bool, void *), void *arg)
{
	struct mc_ip ip;

	node_prefix(id, &ip);
	fn(n, &ip, false, arg);
	for (unsigned i = 0; d && i < d->nprefix; i++) {
		const struct mc_ip *p = &d->prefix[i].ip;

		/* fd5e::/16 belongs to the node ids: nobody may announce into
		 * it (a node could claim another's address) or over it (it
		 * would shadow node addresses) */
		if (mc_ip_covers(&node_space, p) || mc_ip_covers(p, &node_space))
			continue;
		/* a default (plen 0) belongs to gateway offers and the
		 * tunnel: announced as a prefix it would blackhole every
		 * node's Internet (table l3_table is looked up first) */
		if (!p->plen)
			continue;
		fn(n, p, d->prefix[i].flags & L3_PF_ANYCAST, arg);
	}
}

/* Announcers stay in the order they came: the first keeps a unique prefix. */
static void ann_del(struct l3_node *n, const struct mc_ip *ip, bool any, void *arg)
{
	struct l3_pfx *p = pfx_find(n, ip);

	(void)any;
	if (!p)
		return;
	for (unsigned i = 0; i < p->nann; i++) {
		if (p->ann[i] == arg) {
			memmove(&p->ann[i], &p->ann[i + 1], (p->nann - i - 1) * sizeof(p->ann[0]));
			p->nann--;
			break;
		}
	}
	if (p->best == arg)
		p->best = NULL;
	pfx_dirty(n, p);
}

/* Another node announces what is not an anycast range, and it is not the
 * first (or this node serves it): a conflict, told once per announcer. */
static void conflict_note(struct l3_node *n, const struct l3_pfx *p, const struct l3_orig *o)
{
	char b[MC_IP_STRLEN];

	if (p->anycast || (!p->own && p->nann < 2))
		return;
	/* told at the 1st, 2nd, 4th, 8th ... conflict: a flood cannot fill the log */
	uint64_t c = ++n->stats[L3_ST_PFX_CONFLICT];

	if (c & (c - 1))
		return;
	l3_logf(n, MC_LOG_WARN, "l3: %s of %s is announced by %s too: refused (%s; "
		"%llu conflicts so far)", mc_ip_format(&p->ip, b, sizeof(b)),
		p->own ? "this node" : p->ann[0]->d ? p->ann[0]->d->d.hostname : "another node",
		o->d && o->d->d.hostname[0] ? o->d->d.hostname : "a node",
		p->own ? "it is ours" : "the first announcer keeps it", (unsigned long long)c);
}

static void ann_add(struct l3_node *n, const struct mc_ip *ip, bool any, void *arg)
{
	struct l3_pfx *p = pfx_get(n, ip, any);

	if (!p)
		return;
	for (unsigned i = 0; i < p->nann; i++)
		if (p->ann[i] == arg)
			return;
	if (p->nann == p->cap) {
		unsigned cap = p->cap ? p->cap * 2 : 2;
		struct l3_orig **a = realloc(p->ann, cap * sizeof(*a));

		if (!a)
			return;
		p->ann = a;
		p->cap = cap;
	}
	p->ann[p->nann++] = arg;
	conflict_note(n, p, arg);
	pfx_dirty(n, p);
}

static void own_set(struct l3_node *n, const struct mc_ip *ip, bool any, void *arg)
{
	struct l3_pfx *p = pfx_get(n, ip, any);

	if (p) {
		p->own = arg != NULL;
		pfx_dirty(n, p);
	}
}

static void mark_dirty(struct l3_node *n, const struct mc_ip *ip, bool any, void *arg)
{
	struct l3_pfx *p = pfx_find(n, ip);

	(void)any;
	(void)arg;
	if (p)
		pfx_dirty(n, p);
}

void l3_pfx_orig_moved(struct l3_node *n, struct l3_orig *o)
{
	each_prefix(n, o->id, o->d ? &o->d->d : NULL, mark_dirty, NULL);
}

/* ip is among the prefixes each_prefix gives for o's description d. */
static bool desc_has(const struct l3_orig *o, const struct l3_desc *d, const struct mc_ip *ip)
{
	struct mc_ip own;

	if (!d)
		return false;
	node_prefix(o->id, &own);
	if (ip_eq(&own, ip))
		return true;
	for (unsigned i = 0; i < d->nprefix; i++)
		if (ip_eq(&d->prefix[i].ip, ip))
			return true;
	return false;
}

/* Drops o from the prefixes its new description no longer has: those it
 * keeps, it keeps in its place (the first announcer of a prefix stays the
 * first across its description's updates). */
static void ann_gone(struct l3_node *n, const struct mc_ip *ip, bool any, void *arg)
{
	struct l3_orig *o = arg;

	if (!desc_has(o, o->d ? &o->d->d : NULL, ip))
		ann_del(n, ip, any, o);
}

void l3_pfx_desc_changed(struct l3_node *n, struct l3_orig *o, const struct l3_dref *old)
{
	each_prefix(n, o->id, old ? &old->d : NULL, ann_gone, o);
	if (o->d)
		each_prefix(n, o->id, &o->d->d, ann_add, o);
}

void l3_pfx_own_set(struct l3_node *n, struct l3_dref *old, struct l3_dref *cur)
{
	if (old)
		each_prefix(n, n->id, &old->d, own_set, NULL);
	if (cur)
		each_prefix(n, n->id, &cur->d, own_set, n);
}

static bool ann_usable(const struct l3_orig *o)
{
	return o->sel && o->metric != L3_METRIC_INF && o->trust != L3_TRUST_NO;
}

/*
 * Does p take in more than a prefix this node serves itself (its cloud's
 * ranges, its addresses)? Such a prefix from another node is not routed:
 * the node's own clients would follow it out of the cloud.
 */
static bool covers_own(const struct l3_node *n, const struct l3_pfx *p)
{
	const struct l3_desc *d = n->self ? &n->self->d : NULL;

	for (unsigned i = 0; d && i < d->nprefix; i++)
		if (p->ip.plen < d->prefix[i].ip.plen && mc_ip_covers(&p->ip, &d->prefix[i].ip))
			return true;
	return false;
}

/*
 * Who p is routed to: an anycast range to its nearest usable announcer; any
 * other prefix to its first announcer (as this node learned them), and
 * only while that one is usable: a later node announcing the same address
 * cannot take it over (bmx7's unique prefixes; doc/l3route-routing.md).
 */
static struct l3_orig *pfx_best(const struct l3_node *n, const struct l3_pfx *p)
{
	struct l3_orig *best = NULL;

	if (p->own || covers_own(n, p))
		return NULL;
	if (!p->anycast)
		return p->nann && ann_usable(p->ann[0]) ? p->ann[0] : NULL;
	for (unsigned i = 0; i < p->nann; i++) {
		struct l3_orig *o = p->ann[i];

		if (!ann_usable(o))
			continue;
		if (!best || o->metric < best->metric ||
		    (o->metric == best->metric && memcmp(o->id, best->id, L3_ID_LEN) < 0))
			best = o;
	}
	return best;
}

static void pfx_free(struct l3_node *n, struct l3_pfx *p)
{
	mc_hash_del(&n->ptab, &p->hn);
	free(p->ann);
	free(p);
}

/*
 * The one place where the kernel table changes: p routed via b's next hop
 * (b NULL: no route). The metric alone is informational: its change
 * stays here, without kernel churn.
 */
static void pfx_route(struct l3_node *n, struct l3_pfx *p, const struct l3_orig *b)
{
	const struct l3_nbr *nh = b ? b->sel->nbr : NULL;

	if (!nh) {
		if (!p->installed)
			return;
		n->env.route(n->env.user, false, &p->kr);
		p->installed = false;
		n->nroutes--;
		return;
	}
	p->kr.metric = b->metric;
	if (p->installed && p->kr.ifidx == nh->ifidx &&
	    !memcmp(&p->kr.via, &nh->ll, sizeof(p->kr.via)))
		return;
	p->kr.dst = p->ip;
	p->kr.ifidx = nh->ifidx;
	p->kr.via = nh->ll;
	if (!p->installed)
		n->nroutes++;
	p->installed = true;
	n->env.route(n->env.user, true, &p->kr);
}

static void pfx_apply(struct l3_node *n, struct l3_pfx *p)
{
	struct mc_ip dst = p->ip;

	p->best = pfx_best(n, p);
	pfx_route(n, p, p->best);
	if (!p->best && !p->nann && !p->own)
		pfx_free(n, p);
	l3_changed(n, L3_CHANGE_ROUTE, NULL, &dst);
}

void l3_pfx_sync(struct l3_node *n)
{
	while (n->dirty) {
		struct l3_pfx *p = n->dirty;

		n->dirty = p->dnext;
		p->dirty = false;
		pfx_apply(n, p);
	}
}

static void pfx_free_one(struct mc_hnode *e, void *arg)
{
	struct l3_node *n = arg;

	mc_hash_del(&n->ptab, e);
	free(pfx_of(e)->ann);
	free(pfx_of(e));
}

void l3_pfx_free_all(struct l3_node *n)
{
	if (n->ptab.tab)
		mc_hash_walk(&n->ptab, pfx_free_one, n);
	mc_hash_free(&n->ptab);
	n->dirty = NULL;
}

/* p as a route row: false when it is no route (not installed, no best). */
static bool route_info(const struct l3_pfx *p, struct l3_route_info *ri)
{
	if (!p->installed || !p->best)
		return false;
	*ri = (struct l3_route_info){ .dst = p->ip, .anycast = p->anycast,
				      .metric = p->kr.metric, .ifidx = p->kr.ifidx,
				      .via = p->kr.via };
	memcpy(ri->id, p->best->id, L3_ID_LEN);
	ri->hostname = p->best->d ? p->best->d->d.hostname : "";
	if (!p->anycast && p->nann > 1) {
		const struct l3_orig *r = p->ann[1];

		ri->nrivals = p->nann - 1;
		memcpy(ri->rival_id, r->id, L3_ID_LEN);
		ri->rival_hostname = r->d ? r->d->d.hostname : "";
	}
	return true;
}

void l3_routes_foreach(const struct l3_node *n, l3_route_cb *cb, void *arg)
{
	struct l3_route_info ri;
	struct mc_hnode *e;
	uint32_t pos = 0;

	while ((e = mc_hash_scan(&n->ptab, &pos)))
		if (route_info(pfx_of(e), &ri))
			cb(arg, &ri);
}

int l3_route_get(const struct l3_node *n, const struct mc_ip *dst, struct l3_route_info *out)
{
	const struct l3_pfx *p = pfx_find(n, dst);

	return p && route_info(p, out) ? 0 : -ENOENT;
}
