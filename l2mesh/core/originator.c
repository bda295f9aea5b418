/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/log.h"
#include "l2mesh/core/originator.h"

#define ORIGS_HASH_ORDER 8	/* grows by itself with the mesh */
#define HNEIGH_HASH_ORDER 4

int l2_origs_init(struct l2_node *n)
{
	struct l2_origs *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	if (mc_hash_init(&t->origs, ORIGS_HASH_ORDER) < 0) {
		free(t);
		return -ENOMEM;
	}
	if (mc_hash_init(&t->hneighs, HNEIGH_HASH_ORDER) < 0) {
		mc_hash_free(&t->origs);
		free(t);
		return -ENOMEM;
	}
	t->next_purge_ms = n->now_ms + L2_ORIG_WORK_PERIOD_MS;
	n->origs = t;
	return 0;
}

/* ---- one-hop neighbours ---------------------------------------------------- */

struct l2_hneigh *l2_hneigh_find(struct l2_node *n, const uint8_t addr[6],
				 unsigned port)
{
	uint32_t hv = mc_hash_mac(addr, port);
	struct mc_hash_iter it;
	struct mc_hnode *e;

	for (e = mc_hash_first(&n->origs->hneighs, hv, &it); e; e = mc_hash_next(&it)) {
		struct l2_hneigh *hn = mc_container_of(e, struct l2_hneigh, hnode);

		if (hn->port == port && l2_mac_eq(hn->addr, addr))
			return hn;
	}
	return NULL;
}

/* After a neighbour of port came, went or changed its mind: was it long? */
static void port_long_check(struct l2_node *n, unsigned port, bool was)
{
	if (l2_port_long_agg(n, port) != was)
		l2_changed(n, L2_CHANGE_PORT, n->ports[port].mac, 0, port);
}

void l2_hneigh_long_agg(struct l2_node *n, struct l2_hneigh *hn, bool on)
{
	bool was;

	if (hn->long_agg == on)
		return;
	was = l2_port_long_agg(n, hn->port);
	hn->long_agg = on;
	if (on)
		n->origs->port_long[hn->port]++;
	else
		n->origs->port_long[hn->port]--;
	port_long_check(n, hn->port, was);
}

bool l2_port_long_agg(const struct l2_node *n, unsigned port)
{
	unsigned k = port < L2_PORTS_MAX ? n->origs->port_neighs[port] : 0;

	return k && n->origs->port_long[port] == k;
}

static struct l2_hneigh *hneigh_ref(struct l2_node *n, const uint8_t addr[6],
				    unsigned port)
{
	struct l2_hneigh *hn = l2_hneigh_find(n, addr, port);
	bool was;

	if (hn) {
		hn->refs++;
		return hn;
	}
	if (n->origs->port_neighs[port] >= L2_PORT_NEIGHS_MAX ||
	    !(hn = calloc(1, sizeof(*hn)))) {
		l2_count(n, L2_STAT_NEIGH_REFUSED, 1);
		return NULL;
	}
	memcpy(hn->addr, addr, 6);
	hn->port = (uint8_t)port;
	hn->refs = 1;
	hn->last_seen_ms = n->now_ms;
	if (mc_hash_add(&n->origs->hneighs, &hn->hnode, mc_hash_mac(addr, port)) < 0) {
		free(hn);
		return NULL;
	}
	was = l2_port_long_agg(n, port);
	n->origs->port_neighs[port]++;
	l2_changed(n, L2_CHANGE_NEIGH, addr, 0, port);
	port_long_check(n, port, was);
	return hn;
}

static void hneigh_unref(struct l2_node *n, struct l2_hneigh *hn)
{
	uint8_t addr[6];
	unsigned port = hn->port;
	bool was;

	if (--hn->refs)
		return;
	was = l2_port_long_agg(n, port);
	memcpy(addr, hn->addr, 6);
	mc_hash_del(&n->origs->hneighs, &hn->hnode);
	n->origs->port_neighs[port]--;
	if (hn->long_agg)
		n->origs->port_long[port]--;
	free(hn);
	l2_changed(n, L2_CHANGE_NEIGH, addr, 0, port);
	port_long_check(n, port, was);
}

/* ---- originators and their last hops ---------------------------------------- */

struct l2_orig *l2_orig_find(struct l2_node *n, const uint8_t addr[6])
{
	uint32_t hv = mc_hash_mac(addr, 0);
	struct mc_hash_iter it;
	struct mc_hnode *e;

	for (e = mc_hash_first(&n->origs->origs, hv, &it); e; e = mc_hash_next(&it)) {
		struct l2_orig *o = mc_container_of(e, struct l2_orig, hnode);

		if (l2_mac_eq(o->addr, addr))
			return o;
	}
	return NULL;
}

/* an entry and the last hops inside it: what an OGM reads */
#define ORIG_LINES ((sizeof(struct l2_orig) + 63) / 64 < 4 ? (sizeof(struct l2_orig) + 63) / 64 : 4)

void l2_orig_prefetch(struct l2_node *n, const uint8_t *const addrs[], unsigned k)
{
	uint32_t hv[L2_ORIG_PREFETCH_MAX];
	unsigned i;

	if (k > L2_ORIG_PREFETCH_MAX)
		k = L2_ORIG_PREFETCH_MAX;
	for (i = 0; i < k; i++) {
		hv[i] = mc_hash_mac(addrs[i], 0);
		mc_hash_prefetch_slot(&n->origs->origs, hv[i]);
	}
	for (i = 0; i < k; i++)
		mc_hash_prefetch_entries(&n->origs->origs, hv[i], ORIG_LINES);
}

struct l2_orig *l2_orig_get(struct l2_node *n, const uint8_t addr[6])
{
	struct l2_orig *o = l2_orig_find(n, addr);

	if (o)
		return o;
	if (n->origs->origs.count >= L2_ORIGS_MAX || !(o = calloc(1, sizeof(*o)))) {
		l2_count(n, L2_STAT_ORIG_REFUSED, 1);
		return NULL;
	}
	memcpy(o->addr, addr, 6);
	o->neighs = o->inline_neighs;
	o->capneighs = L2_ORIG_NEIGHS_INLINE;
	o->last_seen_ms = n->now_ms;
	/* so that the first seqno jump is accepted (batadv_orig_ifinfo_new) */
	o->seqno_reset_ms = n->now_ms - L2_RESET_PROTECTION_MS - 1;
	if (mc_hash_add(&n->origs->origs, &o->hnode, mc_hash_mac(addr, 0)) < 0) {
		free(o);
		return NULL;
	}
	return o;
}

struct l2_neigh *l2_orig_neigh_find(const struct l2_orig *o, const uint8_t addr[6],
				    unsigned port)
{
	uint16_t i;

	for (i = 0; i < o->nneighs; i++)
		if (o->neighs[i].port == port && l2_mac_eq(o->neighs[i].addr, addr))
			return &o->neighs[i];
	return NULL;
}

/* Room for one more last hop; the router pointer follows the array. */
static int neighs_grow(struct l2_orig *o)
{
	uint16_t cap = 2 * o->capneighs;
	struct l2_neigh *a;

	if (o->nneighs < o->capneighs)
		return 0;
	if (o->capneighs >= UINT16_MAX / 2)
		return -ENOSPC;
	if (o->neighs == o->inline_neighs) {
		a = malloc(cap * sizeof(*a));
		if (a)
			memcpy(a, o->neighs, o->nneighs * sizeof(*a));
	} else {
		a = realloc(o->neighs, cap * sizeof(*a));
	}
	if (!a)
		return -ENOMEM;
	if (o->router)
		o->router = a + (o->router - o->neighs);
	o->neighs = a;
	o->capneighs = cap;
	return 0;
}

struct l2_neigh *l2_orig_neigh_get(struct l2_node *n, struct l2_orig *o,
				   const uint8_t addr[6], unsigned port)
{
	struct l2_neigh *nb = l2_orig_neigh_find(o, addr, port);
	struct l2_hneigh *hn;

	if (nb)
		return nb;
	if (neighs_grow(o) < 0 || !(hn = hneigh_ref(n, addr, port)))
		return NULL;
	nb = &o->neighs[o->nneighs++];
	memset(nb, 0, sizeof(*nb));
	nb->hn = hn;
	memcpy(nb->addr, addr, 6);
	nb->port = (uint8_t)port;
	nb->last_seen_ms = n->now_ms;
	n->origs->nneighs++;
	l2_changed(n, L2_CHANGE_ORIG, o->addr, 0, 0);
	return nb;
}

static void neigh_release(struct l2_node *n, struct l2_neigh *nb)
{
	hneigh_unref(n, nb->hn);
	n->origs->nneighs--;
}

static void orig_free(struct l2_node *n, struct l2_orig *o)
{
	struct l2_hneigh *hn;
	uint16_t i;
	unsigned p;

	for (p = 0; p < n->nports; p++)	/* drop the caches naming o */
		if ((hn = l2_hneigh_find(n, o->addr, p)) && hn->orig == o)
			hn->orig = NULL;

	for (i = 0; i < o->nneighs; i++)
		neigh_release(n, &o->neighs[i]);
	if (o->neighs != o->inline_neighs)
		free(o->neighs);
	free(o->echo);
	free(o);
}

struct l2_echo *l2_orig_echo(struct l2_orig *o, unsigned port, bool create)
{
	if (port >= L2_PORTS_MAX)
		return NULL;
	if (!o->echo && create)
		o->echo = calloc(L2_PORTS_MAX, sizeof(*o->echo));
	return o->echo ? &o->echo[port] : NULL;
}

struct l2_orig *l2_neigh_orig(struct l2_node *n, const struct l2_neigh *nb)
{
	if (!nb->hn->orig)
		nb->hn->orig = l2_orig_find(n, nb->addr);
	return nb->hn->orig;
}

uint8_t l2_neigh_echo_sum(struct l2_node *n, const struct l2_neigh *nb)
{
	struct l2_orig *o = l2_neigh_orig(n, nb);
	struct l2_echo *e = o ? l2_orig_echo(o, nb->port, false) : NULL;

	return e ? e->sum : 0;
}

static const char *mac_str(const uint8_t *mac, char *buf)
{
	return mac ? mc_mac_format(mac, buf, 18) : "none";
}

static void route_log(struct l2_node *n, const struct l2_orig *o,
		      const struct l2_neigh *router)
{
	char a[18], b[18], c[18];

	if (!o->router)
		l2_log(n, MC_LOG_DEBUG, MC_DBG_ROUTES, "adding route towards %s (via %s)",
		       mac_str(o->addr, a), mac_str(router->addr, b));
	else if (!router)
		l2_log(n, MC_LOG_DEBUG, MC_DBG_ROUTES, "deleting route towards %s",
		       mac_str(o->addr, a));
	else
		l2_log(n, MC_LOG_DEBUG, MC_DBG_ROUTES,
		       "changing route towards %s (now via %s, was via %s)",
		       mac_str(o->addr, a), mac_str(router->addr, b),
		       mac_str(o->router->addr, c));
}

void l2_orig_route_set(struct l2_node *n, struct l2_orig *o, struct l2_neigh *router)
{
	if (o->router == router)
		return;
	if (l2_debug_on(n, MC_DBG_ROUTES))	/* else nobody listens: format nothing */
		route_log(n, o, router);
	o->router = router;
	l2_changed(n, L2_CHANGE_ORIG, o->addr, 0, 0);
	l2_changed(n, L2_CHANGE_GW, o->addr, 0, 0);
}

struct l2_neigh *l2_orig_best_neigh(const struct l2_orig *o)
{
	struct l2_neigh *best = NULL;
	uint16_t i;

	for (i = 0; i < o->nneighs; i++)
		if (!best || o->neighs[i].tq_avg > best->tq_avg)
			best = &o->neighs[i];
	return best;
}

/* ---- purges ------------------------------------------------------------------ */

static bool neigh_expired(struct l2_node *n, const struct l2_neigh *nb, int down_port)
{
	return nb->port == down_port || !n->ports[nb->port].up ||
	       n->now_ms - nb->last_seen_ms > L2_PURGE_TIMEOUT_MS;
}

static struct l2_neigh *best_alive(struct l2_node *n, const struct l2_orig *o,
				   int down_port)
{
	struct l2_neigh *nb, *best = NULL;
	uint16_t i;

	for (i = 0; i < o->nneighs; i++) {
		nb = &o->neighs[i];
		if (!neigh_expired(n, nb, down_port) && (!best || nb->tq_avg > best->tq_avg))
			best = nb;
	}
	return best;
}

/*
 * Drops o's expired last hops (all of down_port's). As batman-adv does
 * after a purge, the best remaining one becomes the router.
 */
static void orig_neighs_purge(struct l2_node *n, struct l2_orig *o, int down_port)
{
	struct l2_neigh *best;
	uint16_t i, j;
	bool any = false;

	for (i = 0; i < o->nneighs && !any; i++)
		any = neigh_expired(n, &o->neighs[i], down_port);
	if (!any)
		return;
	best = best_alive(n, o, down_port);
	l2_orig_route_set(n, o, best);
	for (i = j = 0; i < o->nneighs; i++) {
		if (neigh_expired(n, &o->neighs[i], down_port)) {
			neigh_release(n, &o->neighs[i]);
			continue;
		}
		if (best == &o->neighs[i])
			o->router = &o->neighs[j];
		if (i != j)
			o->neighs[j] = o->neighs[i];
		j++;
	}
	o->nneighs = j;
	l2_changed(n, L2_CHANGE_ORIG, o->addr, 0, 0);
}

int l2_origs_on_gone(struct l2_node *n, l2_orig_gone_fn fn)
{
	struct l2_origs *t = n->origs;

	if (t->ngone == L2_ORIG_GONE_MAX)
		return -ENOSPC;
	t->gone[t->ngone++] = fn;
	return 0;
}

/* The one place an originator leaves the table (but for l2_origs_free). */
static void orig_gone(struct l2_node *n, struct l2_orig *o)
{
	for (unsigned i = 0; i < n->origs->ngone; i++)
		n->origs->gone[i](n, o->addr);
}

struct purge_ctx {
	struct l2_node *n;
	int down_port;		/* -1: a timer purge */
};

static void orig_purge_one(struct mc_hnode *e, void *arg)
{
	struct purge_ctx *c = arg;
	struct l2_node *n = c->n;
	struct l2_orig *o = mc_container_of(e, struct l2_orig, hnode);
	char a[18];

	if (c->down_port < 0 && n->now_ms - o->last_seen_ms > L2_ORIG_TIMEOUT_MS) {
		if (l2_debug_on(n, MC_DBG_BATMAN))
			l2_log(n, MC_LOG_DEBUG, MC_DBG_BATMAN, "originator timeout: %s",
			       mac_str(o->addr, a));
		uint8_t addr[6];

		memcpy(addr, o->addr, 6);
		mc_hash_del(&n->origs->origs, e);
		orig_gone(n, o);
		orig_free(n, o);
		l2_changed(n, L2_CHANGE_ORIG, addr, 0, 0);
		l2_changed(n, L2_CHANGE_GW, addr, 0, 0);
		return;
	}
	if (c->down_port >= 0 && o->echo)
		memset(&o->echo[c->down_port], 0, sizeof(o->echo[0]));
	orig_neighs_purge(n, o, c->down_port);
}

uint64_t l2_origs_tick(struct l2_node *n, uint64_t now_ms)
{
	struct l2_origs *t = n->origs;
	struct purge_ctx c = { n, -1 };

	if (now_ms >= t->next_purge_ms) {
		mc_hash_walk(&t->origs, orig_purge_one, &c);
		t->next_purge_ms = now_ms + L2_ORIG_WORK_PERIOD_MS;
	}
	return t->next_purge_ms + L2_HOUSEKEEPING_SLACK_MS;
}

void l2_origs_port_down(struct l2_node *n, unsigned port)
{
	struct purge_ctx c = { n, (int)port };

	if (port < L2_PORTS_MAX)
		mc_hash_walk(&n->origs->origs, orig_purge_one, &c);
}

static void orig_free_one(struct mc_hnode *e, void *arg)
{
	struct l2_node *n = arg;
	struct l2_orig *o = mc_container_of(e, struct l2_orig, hnode);

	mc_hash_del(&n->origs->origs, e);
	orig_free(n, o);
}

void l2_origs_free(struct l2_node *n)
{
	struct l2_origs *t = n->origs;

	if (!t)
		return;
	mc_hash_walk(&t->origs, orig_free_one, n);
	mc_hash_free(&t->origs);
	mc_hash_free(&t->hneighs);
	free(t);
	n->origs = NULL;
}

/* ---- walks and the node.h contract ------------------------------------------- */

struct walk_ctx {
	void (*fn)(struct l2_orig *o, void *arg);
	void *arg;
};

static void walk_one(struct mc_hnode *e, void *arg)
{
	struct walk_ctx *c = arg;

	c->fn(mc_container_of(e, struct l2_orig, hnode), c->arg);
}

void l2_orig_walk(struct l2_node *n, void (*fn)(struct l2_orig *o, void *arg),
		  void *arg)
{
	struct walk_ctx c = { fn, arg };

	mc_hash_walk(&n->origs->origs, walk_one, &c);
}

int l2_orig_router(struct l2_node *n, const uint8_t orig[6], unsigned *port_r,
		   uint8_t nexthop_r[6])
{
	struct l2_orig *o = l2_orig_find(n, orig);

	if (!o || !o->router)
		return -ENOENT;
	if (port_r)
		*port_r = o->router->port;
	if (nexthop_r)
		memcpy(nexthop_r, o->router->addr, 6);
	return 0;
}

bool l2_neigh_on_port(struct l2_node *n, unsigned port, const uint8_t mac[6])
{
	return port < L2_PORTS_MAX && l2_hneigh_find(n, mac, port) != NULL;
}

unsigned l2_port_neigh_count(struct l2_node *n, unsigned port)
{
	return port < L2_PORTS_MAX ? n->origs->port_neighs[port] : 0;
}

bool l2_orig_known(struct l2_node *n, const uint8_t orig[6])
{
	return l2_orig_find(n, orig) != NULL;
}

/* ---- query API ------------------------------------------------------------------ */

struct query_ctx {
	struct l2_node *n;
	uint64_t now_ms;
	void (*orig_fn)(void *user, const struct l2_orig_entry *e);
	struct l2_orig_stats *st;
	void *user;
};

static uint64_t ago(uint64_t now_ms, uint64_t then_ms)
{
	return now_ms > then_ms ? now_ms - then_ms : 0;
}

static bool orig_shown(const struct l2_orig *o)
{
	return o->router && o->router->tq_avg > 0;
}

static void orig_rows(struct l2_orig *o, void *arg)
{
	struct query_ctx *c = arg;
	struct l2_orig_entry e;
	struct l2_neigh *nb;
	uint16_t i;

	if (!orig_shown(o))
		return;
	memcpy(e.orig, o->addr, 6);
	e.last_seen_ms = ago(c->now_ms, o->last_seen_ms);
	for (i = 0; i < o->nneighs; i++) {
		nb = &o->neighs[i];
		memcpy(e.neigh, nb->addr, 6);
		e.tq = nb->tq_avg;
		e.best = nb == o->router;
		e.port = nb->port;
		e.port_name = c->n->ports[nb->port].name;
		c->orig_fn(c->user, &e);
	}
}

void l2_orig_foreach(struct l2_node *n, uint64_t now_ms,
		     void (*fn)(void *user, const struct l2_orig_entry *e), void *user)
{
	struct query_ctx c = { .n = n, .now_ms = now_ms, .orig_fn = fn, .user = user };

	l2_orig_walk(n, orig_rows, &c);
}

void l2_orig_foreach_of(struct l2_node *n, const uint8_t orig[6], uint64_t now_ms,
			void (*fn)(void *user, const struct l2_orig_entry *e), void *user)
{
	struct query_ctx c = { .n = n, .now_ms = now_ms, .orig_fn = fn, .user = user };
	struct l2_orig *o = l2_orig_find(n, orig);

	if (o)
		orig_rows(o, &c);
}

static void neigh_entry(struct l2_node *n, const struct l2_hneigh *hn, uint64_t now_ms,
			struct l2_neigh_entry *e)
{
	e->port = hn->port;
	e->port_name = n->ports[hn->port].name;
	memcpy(e->addr, hn->addr, 6);
	e->last_seen_ms = ago(now_ms, hn->last_seen_ms);
}

int l2_neigh_get(struct l2_node *n, unsigned port, const uint8_t mac[6], uint64_t now_ms,
		 struct l2_neigh_entry *e)
{
	struct l2_hneigh *hn = port < L2_PORTS_MAX ? l2_hneigh_find(n, mac, port) : NULL;

	if (!hn)
		return -ENOENT;
	neigh_entry(n, hn, now_ms, e);
	return 0;
}

void l2_neigh_foreach(struct l2_node *n, uint64_t now_ms,
		      void (*fn)(void *user, const struct l2_neigh_entry *e), void *user)
{
	struct mc_hash *h = &n->origs->hneighs;
	struct l2_neigh_entry e;
	uint32_t i;

	for (i = 0; i <= h->mask; i++) {
		struct l2_hneigh *hn;

		if (!h->tab[i].e)
			continue;
		hn = mc_container_of(h->tab[i].e, struct l2_hneigh, hnode);
		neigh_entry(n, hn, now_ms, &e);
		fn(user, &e);
	}
}

static void stats_one(struct l2_orig *o, void *arg)
{
	struct l2_orig_stats *st = arg;

	st->known++;
	if (orig_shown(o))
		st->originators++;
	if (l2_orig_is_gw(o))
		st->gateways++;
}

void l2_orig_stats(struct l2_node *n, struct l2_orig_stats *st)
{
	memset(st, 0, sizeof(*st));
	l2_orig_walk(n, stats_one, st);
	st->neighbours = n->origs->hneighs.count;
}
