/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Gateway choice (doc/l3route-gateways.md). Every trusted node's
 * description may offer 0.0.0.0/0 and ::/0 with a bandwidth. Per family
 * each node ranks the offers it can reach by bmx7's end-to-end estimate,
 * score = min(advertised down, path bandwidth), and picks:
 *   1. the user's preferred gateway when it is reachable and eligible;
 *   2. else the one it has, unless another scores gw_hyst_pct % more;
 *   3. else the best score.
 * The shell is told through env.gateway whenever the choice changes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/log.h"
#include "l3route/core/node.h"

static bool prefer_match(const struct l3_node *n, const uint8_t id[L3_ID_LEN],
			 const char *host)
{
	const char *p = n->cfg.gw_prefer;
	char hex[2 * L3_ID_LEN + 1];

	if (!*p)
		return false;
	if (host && !strcmp(host, p))
		return true;
	l3_id_hex(id, L3_ID_LEN, hex);
	return strlen(p) >= 4 && !strncasecmp(hex, p, strlen(p));
}

static uint64_t path_kbit(uint32_t metric)
{
	if (metric == 0)
		return UINT64_MAX;
	return metric == L3_METRIC_INF ? 0 : L3_COST_SCALE / metric;
}

static void gw_fill(const struct l3_node *n, struct l3_gw_info *g,
		    const uint8_t id[L3_ID_LEN], const char *host,
		    const struct l3_gw_offer *off, uint32_t metric)
{
	memset(g, 0, sizeof(*g));
	memcpy(g->id, id, L3_ID_LEN);
	g->hostname = host;
	l3_id_addr(id, &g->addr);
	g->family = off->ip.family;
	g->down_kbit = off->down_kbit;
	g->up_kbit = off->up_kbit;
	g->path_metric = metric;
	g->path_kbit = path_kbit(metric);
	g->self = !memcmp(id, n->id, L3_ID_LEN);
	if (g->self)
		g->why = "this node (its own uplink)";
	else if (metric == L3_METRIC_INF)
		g->why = "unreachable";
	else if (!off->down_kbit || off->down_kbit < n->cfg.gw_min_kbit)
		g->why = "below the minimum bandwidth";
	else
		g->score = g->path_kbit < off->down_kbit ? g->path_kbit : off->down_kbit;
}

struct gw_list {
	struct l3_gw_info *v;
	size_t n, cap;
};

static struct l3_gw_info *gw_push(struct gw_list *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct l3_gw_info *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	return &l->v[l->n++];
}

static void gw_add_desc(const struct l3_node *n, struct gw_list *l, int family,
			const struct l3_desc *d, uint32_t metric)
{
	for (unsigned i = 0; i < d->ngw; i++) {
		struct l3_gw_info *g;

		if (d->gw[i].ip.family != family || d->gw[i].ip.plen != 0)
			continue;	/* only default-route offers are chosen from */
		if ((g = gw_push(l)))
			gw_fill(n, g, d->id, d->hostname, &d->gw[i], metric);
	}
}

static int gw_cmp(const void *a, const void *b)
{
	const struct l3_gw_info *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return memcmp(x->id, y->id, L3_ID_LEN);
}

static void gw_collect(const struct l3_node *n, int family, struct gw_list *l)
{
	const struct l3_orig *o;
	uint32_t pos = 0;

	memset(l, 0, sizeof(*l));
	gw_add_desc(n, l, family, &n->self->d, 0);
	while ((o = l3_orig_next(n, &pos))) {
		if (!o->d || !o->d->d.ngw || o->trust == L3_TRUST_NO)
			continue;
		gw_add_desc(n, l, family, &o->d->d, o->sel ? o->metric : L3_METRIC_INF);
	}
	if (l->n > 1)	/* qsort(NULL, 0, ...) is undefined */
		qsort(l->v, l->n, sizeof(*l->v), gw_cmp);
	for (size_t i = 0; i < l->n && l->v[i].score; i++)
		l->v[i].rank = (unsigned)i + 1;
}

/* Index of the chosen offer in l (sorted), or -1; sets its why. */
static long gw_choose(const struct l3_node *n, struct gw_list *l,
		      const struct l3_gwsel *cur)
{
	long keep = -1;

	for (size_t i = 0; i < l->n && l->v[i].score; i++) {
		if (prefer_match(n, l->v[i].id, l->v[i].hostname)) {
			l->v[i].why = "preferred by the user";
			return (long)i;
		}
		if (cur->valid && !memcmp(cur->id, l->v[i].id, L3_ID_LEN))
			keep = (long)i;
	}
	if (!l->n || !l->v[0].score)
		return -1;
	if (keep > 0 && l->v[keep].score * (100 + n->cfg.gw_hyst_pct) >=
			l->v[0].score * 100) {
		l->v[keep].why = "kept: within the hysteresis of the best";
		return keep;
	}
	l->v[0].why = l->n > 1 && l->v[1].score ? "best score" : "the only eligible one";
	return 0;
}

static void gw_mark_rest(struct gw_list *l, long sel)
{
	for (size_t i = 0; i < l->n; i++) {
		if ((long)i == sel)
			l->v[i].selected = true;
		else if (l->v[i].score)
			l->v[i].why = "lower score";
	}
}

static void gw_sync_family(struct l3_node *n, int family, struct l3_gwsel *cur)
{
	struct gw_list l;
	long sel;

	gw_collect(n, family, &l);
	sel = gw_choose(n, &l, cur);
	gw_mark_rest(&l, sel);
	if (sel < 0 ? cur->valid : !cur->valid || memcmp(cur->id, l.v[sel].id, L3_ID_LEN)) {
		cur->valid = sel >= 0;
		if (sel >= 0) {
			memcpy(cur->id, l.v[sel].id, L3_ID_LEN);
			l3_logf(n, MC_LOG_NOTICE, "l3: gateway (IPv%d) now %s: %s",
				family == AF_INET ? 4 : 6, l.v[sel].hostname, l.v[sel].why);
		} else {
			l3_logf(n, MC_LOG_NOTICE, "l3: no gateway (IPv%d) left",
				family == AF_INET ? 4 : 6);
		}
		if (n->env.gateway)
			n->env.gateway(n->env.user, family, sel >= 0 ? &l.v[sel] : NULL);
	}
	free(l.v);
}

void l3_gw_sync(struct l3_node *n)
{
	if (!n->gw_dirty)
		return;
	n->gw_dirty = false;
	gw_sync_family(n, AF_INET, &n->gwsel[0]);
	gw_sync_family(n, AF_INET6, &n->gwsel[1]);
}

void l3_gws_foreach(const struct l3_node *n, int family, l3_gw_cb *cb, void *arg)
{
	struct l3_gwsel cur = n->gwsel[family == AF_INET ? 0 : 1];
	struct gw_list l;
	long sel;

	gw_collect(n, family, &l);
	sel = gw_choose(n, &l, &cur);
	gw_mark_rest(&l, sel);
	for (size_t i = 0; i < l.n; i++)
		cb(arg, &l.v[i]);
	free(l.v);
}

int l3_gw_prefer(struct l3_node *n, const char *who, uint64_t now_ms)
{
	(void)now_ms;
	if (!who || !strcmp(who, "auto"))
		who = "";
	if (strlen(who) > L3_HOSTNAME_MAX + 1)
		return -EINVAL;
	for (const char *c = who; *c; c++)
		if (!(*c == '-' || (*c >= '0' && *c <= '9') ||
		      (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')))
			return -EINVAL;
	strcpy(n->cfg.gw_prefer, who);
	n->gw_dirty = true;
	l3_gw_sync(n);
	return 0;
}

void l3_gw_tune(struct l3_node *n, uint32_t min_kbit, uint32_t hyst_pct)
{
	n->cfg.gw_min_kbit = min_kbit;
	n->cfg.gw_hyst_pct = hyst_pct;
	n->gw_dirty = true;
	l3_gw_sync(n);
}

const char *l3_gw_preferred(const struct l3_node *n)
{
	return n->cfg.gw_prefer;
}

int l3_tunnel_check(const struct l3_node *n, const struct in6_addr *from,
		    const struct mc_ip *src)
{
	const struct l3_orig *o = l3_orig_by_addr(n, from);
	struct mc_ip node = { .family = AF_INET6, .plen = 128 };

	if (!o || !o->d || o->trust == L3_TRUST_NO)
		return -ENOENT;
	memcpy(node.a, from, 16);
	if (mc_ip_covers(&node, src))
		return 0;
	for (unsigned i = 0; i < o->d->d.nprefix; i++)
		if (mc_ip_covers(&o->d->d.prefix[i].ip, src))
			return 0;
	return -EPERM;
}
