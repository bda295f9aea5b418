/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Neighbours and links: hellos fill a 16-hello reception window (rq), the
 * neighbour's IHU tells how well it hears us (tq). A link is usable when
 * both are known and rq * tq is at least 10 %; its cost is
 * L3_COST_SCALE / (rate * rq * tq), so cost adds up along a path like
 * transmission time does. No hello for link_timeout_ms = link lost.
 */
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "l3route/core/node.h"

struct l3_nbr *l3_nbr_find(struct l3_node *n, unsigned ifidx, const struct in6_addr *ll)
{
	for (struct l3_nbr *nb = n->ifs[ifidx].nbrs; nb; nb = nb->next)
		if (!memcmp(&nb->ll, ll, sizeof(*ll)))
			return nb;
	return NULL;
}

/* Hellos missed since the last one, judged by its announced interval. */
static unsigned missed(const struct l3_nbr *nb, uint64_t now)
{
	uint64_t gap = now - nb->last_hello_ms;
	uint32_t iv = nb->interval_ms ? nb->interval_ms : 1000;

	/* allow 50 % lateness before a hello counts as missed */
	if (gap <= iv + iv / 2)
		return 0;
	return (unsigned)((gap - iv / 2) / iv);
}

uint8_t l3_nbr_rq(const struct l3_nbr *nb, uint64_t now)
{
	unsigned k = missed(nb, now);
	uint32_t w = k >= L3_WINDOW ? 0 : (uint32_t)nb->window << k;
	unsigned span = nb->span + k;

	/* judged over the hellos since it was first heard, so a new good link
	 * is good at once instead of climbing over 16 hellos (fewer updates) */
	if (span > L3_WINDOW)
		span = L3_WINDOW;
	return (uint8_t)(__builtin_popcount(w & 0xffff) * 255 / (span ? span : 1));
}

static uint32_t link_cost(const struct l3_node *n, const struct l3_nbr *nb, uint64_t now)
{
	uint64_t lq = (uint64_t)l3_nbr_rq(nb, now) * nb->tq / 255, eff;

	if (now - nb->last_hello_ms >= n->cfg.link_timeout_ms || lq < L3_LQ_MIN)
		return L3_METRIC_INF;
	eff = (uint64_t)n->ifs[nb->ifidx].rate_kbit * lq / 255;
	if (!eff)
		return L3_METRIC_INF;
	/* plus a small per-hop penalty: of two paths with the same airtime
	 * the one with fewer hops wins (fewer queues, less to go wrong) */
	eff = (L3_COST_SCALE + eff - 1) / eff + L3_HOP_COST;
	return eff >= L3_METRIC_INF ? L3_METRIC_INF - 1 : (uint32_t)eff;
}

/* Re-costs one link after its rq or tq may have changed; routes through
 * it are re-selected when the cost moved. The one place a link changes. */
static void nbr_recost(struct l3_node *n, struct l3_nbr *nb, uint64_t now)
{
	uint32_t c = link_cost(n, nb, now);

	if (c != nb->cost) {
		nb->cost = c;
		l3_route_nbr_changed(n, nb, now);
	}
	l3_changed(n, L3_CHANGE_LINK, nb->id, NULL);	/* tq may have moved alone */
}

/* The one place where a link appears (unusable until hellos and an IHU
 * give it a cost). */
static struct l3_nbr *nbr_add(struct l3_node *n, unsigned ifidx,
			      const struct in6_addr *ll, const uint8_t id[L3_ID_LEN],
			      uint64_t now)
{
	struct l3_nbr *nb = calloc(1, sizeof(*nb));

	if (!nb)
		return NULL;
	nb->ifidx = ifidx;
	nb->ll = *ll;
	memcpy(nb->id, id, L3_ID_LEN);
	nb->cost = L3_METRIC_INF;
	nb->desc_milli = (uint64_t)n->cfg.desc_burst * 1000;
	nb->desc_ms = now;
	nb->next = n->ifs[ifidx].nbrs;
	n->ifs[ifidx].nbrs = nb;
	l3_changed(n, L3_CHANGE_LINK, id, NULL);
	return nb;
}

/* The one place where a link goes: routes through it first, then the link. */
static void nbr_del(struct l3_node *n, struct l3_nbr *nb, uint64_t now)
{
	struct l3_nbr **pp = &n->ifs[nb->ifidx].nbrs;
	uint8_t id[L3_ID_LEN];

	memcpy(id, nb->id, L3_ID_LEN);
	l3_route_nbr_gone(n, nb, now);
	while (*pp != nb)
		pp = &(*pp)->next;
	*pp = nb->next;
	free(nb);
	l3_changed(n, L3_CHANGE_LINK, id, NULL);
}

/* Returns true when the seqno jumped: the neighbour restarted (or was
 * away long), so it needs our table again. */
static bool window_add(struct l3_nbr *nb, uint16_t seq, uint64_t now)
{
	uint16_t d = (uint16_t)(seq - nb->last_seq);
	bool jump = false;

	if (d == 0)
		return false;		/* duplicate */
	if (d < L3_WINDOW) {
		nb->window = (uint16_t)(nb->window << d) | 1;
		nb->span = nb->span + d > L3_WINDOW ? L3_WINDOW : nb->span + d;
	} else {
		nb->window = 1;
		nb->span = 1;
		jump = true;
	}
	nb->last_seq = seq;
	nb->last_hello_ms = now;
	return jump;
}

/* A hello on ifidx, with IHUs for its neighbours every L3_IHU_EVERY (or now). */
void l3_nbr_hello_tx(struct l3_node *n, unsigned ifidx, bool ihu, uint64_t now)
{
	struct l3_if *i = &n->ifs[ifidx];
	struct l3_msg m = { .type = L3_TLV_HELLO };
	uint32_t cs = n->cfg.hello_interval_ms / 10;

	if (!i->up)
		return;
	m.u.hello.seqno = ++i->hello_seq;
	m.u.hello.interval_cs = (uint16_t)(cs > 0xffff ? 0xffff : cs);
	l3_xmit_msg(n, ifidx, &m, now);
	if (!ihu && i->hellos++ % L3_IHU_EVERY)
		return;
	for (struct l3_nbr *nb = i->nbrs; nb; nb = nb->next) {
		struct l3_msg h = { .type = L3_TLV_IHU };

		h.u.ihu.rxq = l3_nbr_rq(nb, now);
		cs = n->cfg.hello_interval_ms * L3_IHU_EVERY / 10;
		h.u.ihu.interval_cs = (uint16_t)(cs > 0xffff ? 0xffff : cs);
		memcpy(h.u.ihu.id, nb->id, L3_ID_LEN);
		l3_xmit_msg(n, ifidx, &h, now);
	}
}

void l3_nbr_hellos_tx(struct l3_node *n, uint64_t now)
{
	for (unsigned i = 0; i < n->nifs; i++)
		l3_nbr_hello_tx(n, i, false, now);
	/* pending updates ride along; everything goes now */
	l3_xmit_updates(n, now);
}

/* A new (or restarted) neighbour: answer at once so the link is two-way
 * within one round trip, give it our description, and ask for its table. */
static void nbr_greet(struct l3_node *n, unsigned ifidx, uint64_t now)
{
	l3_nbr_hello_tx(n, ifidx, true, now);
	l3_xmit_msg(n, ifidx, &(struct l3_msg){ .type = L3_TLV_DESC,
		.u.desc = { n->self->blob, n->self->len } }, now);
	l3_xmit_msg(n, ifidx, &(struct l3_msg){ .type = L3_TLV_ROUTE_REQ,
		.u.route_req = { .all = true } }, now);
	l3_xmit_soon(n, now);
}

void l3_nbr_hello(struct l3_node *n, unsigned ifidx, const struct in6_addr *ll,
		  const uint8_t id[L3_ID_LEN], const struct l3_hello *h, uint64_t now)
{
	struct l3_nbr *nb = l3_nbr_find(n, ifidx, ll);
	bool fresh = false;

	if (l3_trust(n, id) == L3_TRUST_NO) {
		n->stats[L3_ST_UPD_UNTRUSTED]++;
		return;
	}
	if (!h->interval_cs) {
		/* goodbye: it is shutting down */
		if (nb) {
			l3_dbg(n, "l3: neighbour on %s said goodbye", n->ifs[ifidx].name);
			nbr_del(n, nb, now);
		}
		return;
	}
	if (nb && memcmp(nb->id, id, L3_ID_LEN)) {
		/* another node now uses this address: start over */
		nbr_del(n, nb, now);
		nb = NULL;
	}
	if (!nb) {
		if (!(nb = nbr_add(n, ifidx, ll, id, now)))
			return;
		nb->last_seq = (uint16_t)(h->seqno - 1);
		nb->span = 0;
		fresh = true;
		l3_dbg(n, "l3: new neighbour on %s", n->ifs[ifidx].name);
	}
	nb->interval_ms = h->interval_cs * 10u;
	if (window_add(nb, h->seqno, now) && !fresh) {
		l3_dbg(n, "l3: neighbour on %s restarted", n->ifs[ifidx].name);
		n->ifs[ifidx].full = true;
		fresh = true;
	}
	if (fresh)
		nbr_greet(n, ifidx, now);
	nbr_recost(n, nb, now);
}

void l3_nbr_ihu(struct l3_node *n, struct l3_nbr *nb, const struct l3_ihu *ihu,
		uint64_t now)
{
	bool was_usable = nb->cost != L3_METRIC_INF;

	if (memcmp(ihu->id, n->id, L3_ID_LEN))
		return;			/* about another node on a shared link */
	nb->tq = ihu->rxq;
	nb->tq_ms = now;
	nb->ihu_interval_ms = ihu->interval_cs * 10u;
	nbr_recost(n, nb, now);
	if (!was_usable && nb->cost != L3_METRIC_INF) {
		/* a new usable link: give it the whole table */
		n->ifs[nb->ifidx].full = true;
		l3_xmit_soon(n, now);
	}
}

/* An IHU is good for 3.5 of its intervals (Babel's hold time). */
static bool tq_stale(const struct l3_nbr *nb, uint64_t now)
{
	uint64_t iv = nb->ihu_interval_ms ? nb->ihu_interval_ms : 3000;

	return nb->tq && now - nb->tq_ms > iv * 7 / 2;
}

uint64_t l3_nbr_check(struct l3_node *n, uint64_t now)
{
	uint64_t due = UINT64_MAX;

	for (unsigned i = 0; i < n->nifs; i++) {
		struct l3_nbr *nb = n->ifs[i].nbrs, *nx;

		for (; nb; nb = nx) {
			nx = nb->next;
			if (now - nb->last_hello_ms >= n->cfg.link_timeout_ms) {
				l3_dbg(n, "l3: neighbour on %s lost", n->ifs[i].name);
				nbr_del(n, nb, now);
				continue;
			}
			if (tq_stale(nb, now))
				nb->tq = 0;
			nbr_recost(n, nb, now);
			if (nb->last_hello_ms + n->cfg.link_timeout_ms < due)
				due = nb->last_hello_ms + n->cfg.link_timeout_ms;
		}
	}
	return due;
}

void l3_nbr_drop_if(struct l3_node *n, unsigned ifidx, uint64_t now)
{
	while (n->ifs[ifidx].nbrs) {
		struct l3_nbr *nb = n->ifs[ifidx].nbrs;

		nbr_del(n, nb, now);
	}
}
