/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Routes: per originator, the route each neighbour advertised; the
 * feasibility condition of Babel (RFC 8966 section 2.4) over (description
 * seqno, chain seqno) so no selection can ever close a loop; seqno
 * requests when only unfeasible routes are left; and the kernel prefixes
 * (every node's address and the prefixes of its description) routed to
 * the nearest reachable announcer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "l3route/core/node.h"

static uint32_t sat_add(uint32_t a, uint32_t b)
{
	uint64_t s = (uint64_t)a + b;

	return s >= L3_METRIC_INF ? L3_METRIC_INF - 1 : (uint32_t)s;
}

/* o goes into the next update flush (xmit.c). */
static void pending_add(struct l3_node *n, struct l3_orig *o)
{
	if (o->pending)
		return;
	o->pending = true;
	o->pnext = n->pending;
	n->pending = o;
}

static bool feasible(const struct l3_orig *o, const struct l3_rt *rt)
{
	if (rt->metric == L3_METRIC_INF || !o->fd_valid)
		return true;
	return rt->seq > o->fd_seq || (rt->seq == o->fd_seq && rt->metric < o->fd_metric);
}

static bool usable(const struct l3_rt *rt)
{
	return rt->verified && rt->metric != L3_METRIC_INF && rt->nbr->cost != L3_METRIC_INF;
}

/* ---- selection ---- */

static uint16_t seqreq_wanted(const struct l3_orig *o)
{
	if (o->fd_valid && (!o->d || (uint32_t)(o->fd_seq >> 16) >= o->d->d.dseq))
		return (uint16_t)(o->fd_seq + 1);
	return 0;			/* anything of the current description is fresher */
}

static void seqreq_send(struct l3_node *n, struct l3_orig *o, uint64_t now)
{
	struct l3_msg m = { .type = L3_TLV_SEQNO_REQ };

	/* a few tries, then a pause: a lost answer must not starve us for good */
	if (now - o->seqreq_ms > L3_SEQREQ_PAUSE_MS)
		o->seqreq_tries = 0;
	if (o->seqreq_tries >= L3_SEQREQ_TRIES || now - o->seqreq_ms < L3_SEQREQ_RETRY_MS)
		return;
	o->seqreq_tries++;
	o->seqreq_ms = now;
	memcpy(m.u.seqno_req.id, o->id, L3_ID_LEN);
	m.u.seqno_req.seqno = seqreq_wanted(o);
	m.u.seqno_req.hops = L3_SEQREQ_HOPS;
	n->stats[L3_ST_SEQREQ_TX]++;
	l3_xmit_all(n, &m, now);
	l3_xmit_soon(n, now);
}

static struct l3_rt *best_route(const struct l3_orig *o, uint32_t *metric, bool *starved)
{
	struct l3_rt *best = NULL;
	uint32_t bm = L3_METRIC_INF;

	*starved = false;
	for (struct l3_rt *rt = o->routes; rt; rt = rt->next) {
		uint32_t m;

		if (!usable(rt))
			continue;
		if (!feasible(o, rt)) {
			*starved = true;
			continue;
		}
		m = sat_add(rt->metric, rt->nbr->cost);
		if (m < bm) {
			best = rt;
			bm = m;
		}
	}
	/* hysteresis: keep the current route unless the new one is clearly better */
	if (best && o->sel && o->sel != best && usable(o->sel) && feasible(o, o->sel)) {
		uint32_t cm = sat_add(o->sel->metric, o->sel->nbr->cost);

		if ((uint64_t)cm * 100 <= (uint64_t)bm * (100 + L3_HYST_PCT)) {
			best = o->sel;
			bm = cm;
		}
	}
	*metric = bm;
	return best;
}

static bool worth_telling(uint32_t old, uint32_t cur)
{
	uint64_t d = old > cur ? old - cur : cur - old;

	return d * 100 > (uint64_t)old * L3_TRIGGER_PCT;
}

static void sel_changed(struct l3_node *n, struct l3_orig *o, bool hop_moved,
			bool tell, uint64_t now)
{
	if (tell)
		pending_add(n, o);
	if (o->d && o->d->d.ngw)
		n->gw_dirty = true;
	if (hop_moved) {
		n->stats[L3_ST_ROUTE_CHANGE]++;
		l3_pfx_orig_moved(n, o);
	}
	l3_changed(n, L3_CHANGE_ORIG, o->id, NULL);
	l3_xmit_soon(n, now);
}

void l3_route_select(struct l3_node *n, struct l3_orig *o, uint64_t now)
{
	/* o->sel may already be gone (rt_del): o->metric still says we had one */
	struct l3_rt *old = o->sel, *best;
	/* not old->seq: l3_update_rx may just have overwritten that entry */
	uint64_t old_seq = o->metric != L3_METRIC_INF ? o->adv_seq : 0;
	unsigned old_if = old ? old->nbr->ifidx : UINT32_MAX;
	uint32_t old_m = o->metric, m;
	bool had = old_m != L3_METRIC_INF, starved;

	best = best_route(o, &m, &starved);
	o->sel = best;
	o->metric = best ? m : L3_METRIC_INF;
	if (best) {
		if (!o->fd_valid || best->seq > o->fd_seq ||
		    (best->seq == o->fd_seq && m < o->fd_metric)) {
			o->fd_valid = true;
			o->fd_seq = best->seq;
			o->fd_metric = m;
		}
		o->adv_seq = best->seq;
		memcpy(o->adv_elem, best->elem, L3_ELEM_LEN);
		o->seqreq_tries = 0;
		o->was_reachable = true;
	} else if (had || starved) {
		if (had)
			o->unreach_ms = now;
		if (starved)
			seqreq_send(n, o, now);
	}
	if (best == old && had == (best != NULL) &&
	    (!best || (best->seq == old_seq && m == old_m)))
		return;
	/* a move to another port is news there: split horizon hid it before */
	sel_changed(n, o, best != old || had != (best != NULL) || (best && m != old_m),
		    had != (best != NULL) || (best && best->seq != old_seq) ||
		    (best && worth_telling(o->adv_metric, m)) ||
		    (best && best->nbr->ifidx != old_if), now);
}

/* ---- updates ---- */

static struct l3_rt *rt_get(struct l3_orig *o, struct l3_nbr *nb)
{
	struct l3_rt *rt;

	for (rt = o->routes; rt; rt = rt->next)
		if (rt->nbr == nb)
			return rt;
	if (!(rt = calloc(1, sizeof(*rt))))
		return NULL;
	rt->nbr = nb;
	rt->next = o->routes;
	o->routes = rt;
	return rt;
}

static void rt_del(struct l3_orig *o, struct l3_rt *rt)
{
	struct l3_rt **pp = &o->routes;

	while (*pp != rt)
		pp = &(*pp)->next;
	*pp = rt->next;
	if (o->sel == rt)
		o->sel = NULL;
	free(rt);
}

static void desc_request(struct l3_node *n, struct l3_orig *o, struct l3_nbr *from,
			 uint32_t dseq, uint64_t now)
{
	struct l3_msg m = { .type = L3_TLV_DESC_REQ };

	if (o->desc_req_ms && now - o->desc_req_ms < L3_DESC_REQ_RETRY_MS)
		return;
	o->desc_req_ms = now;
	memcpy(m.u.desc_req.id, o->id, L3_ID_LEN);
	m.u.desc_req.dseq = dseq;
	n->stats[L3_ST_DESC_REQ_TX]++;
	l3_xmit_unicast(n, from, &m);
}

/* 1 verified, 0 parked (description missing), <0 refused. */
static int update_check(struct l3_node *n, struct l3_orig *o, struct l3_nbr *from,
			const struct l3_update *u, uint64_t now)
{
	int r;

	if (o->d && u->dseq == o->d->d.dseq) {
		r = l3_chain_check(&o->ver, o->id, u->seqno, u->elem);
		if (r == -ERANGE)
			n->stats[L3_ST_UPD_BEYOND_CHAIN]++;
		else if (r < 0)
			n->stats[L3_ST_UPD_BAD_CHAIN]++;
		return r < 0 ? r : 1;
	}
	if (o->d && u->dseq < o->d->d.dseq)
		return -ESTALE;
	n->stats[L3_ST_UPD_NO_DESC]++;
	desc_request(n, o, from, u->dseq, now);
	return 0;
}

/*
 * An unfeasible route clearly better than the one held (beyond the
 * hysteresis) means the network improved where our FD cannot see it: ask
 * the originator for a fresh seqno so the better path becomes usable, as
 * Babel suggests. Otherwise routes would stay on worse paths until the
 * next change; in a 1000-node simulation that left metrics ~23 % above
 * the cheapest path.
 */
static void better_unfeasible(struct l3_node *n, struct l3_orig *o,
			      const struct l3_rt *rt, uint64_t now)
{
	uint32_t m;

	if (!usable(rt))
		return;
	m = sat_add(rt->metric, rt->nbr->cost);
	if (o->metric != L3_METRIC_INF &&
	    (uint64_t)m * (100 + L3_HYST_PCT) >= (uint64_t)o->metric * 100)
		return;
	seqreq_send(n, o, now);
}

void l3_update_rx(struct l3_node *n, struct l3_nbr *from, const struct l3_update *u,
		  uint64_t now)
{
	struct l3_orig *o;
	struct l3_rt *rt;
	int v;

	n->stats[L3_ST_UPD_RX]++;
	if (!memcmp(u->id, n->id, L3_ID_LEN))
		return;
	if (l3_trust(n, u->id) == L3_TRUST_NO) {
		n->stats[L3_ST_UPD_UNTRUSTED]++;
		return;
	}
	if (!(o = l3_orig_get_or_add(n, u->id)))
		return;
	if (!o->unreach_ms)
		o->unreach_ms = now;
	if ((v = update_check(n, o, from, u, now)) < 0 || !(rt = rt_get(o, from)))
		return;
	rt->seq = l3_seq(u->dseq, u->seqno);
	rt->metric = u->metric;
	rt->hops = u->hops;
	rt->verified = v == 1;
	memcpy(rt->elem, u->elem, L3_ELEM_LEN);
	rt->rx_ms = now;
	if (rt->verified && !feasible(o, rt)) {
		n->stats[L3_ST_UPD_UNFEASIBLE]++;
		better_unfeasible(n, o, rt, now);
	}
	l3_route_select(n, o, now);
}

void l3_route_desc_changed(struct l3_node *n, struct l3_orig *o, struct l3_dref *old,
			   uint64_t now)
{
	struct l3_rt *rt, *nx;

	if ((old && old->d.ngw) || (o->d && o->d->d.ngw))
		n->gw_dirty = true;
	l3_pfx_desc_changed(n, o, old);
	for (rt = o->routes; rt; rt = nx) {
		nx = rt->next;
		if (rt->verified || !o->d)
			continue;
		if ((uint32_t)(rt->seq >> 16) != o->d->d.dseq ||
		    l3_chain_check(&o->ver, o->id, (uint16_t)rt->seq, rt->elem) < 0)
			rt_del(o, rt);
		else
			rt->verified = true;
	}
	if (o->d || o->routes)
		l3_route_select(n, o, now);
}

/* Every originator with a route via nb: that route dropped (gone) or
 * judged again at nb's new cost. Adds and removes no originator, so a
 * plain scan of the table will do. */
static void nbr_routes(struct l3_node *n, struct l3_nbr *nb, bool gone, uint64_t now)
{
	struct l3_orig *o;
	uint32_t pos = 0;

	while ((o = l3_orig_next(n, &pos))) {
		struct l3_rt *rt = o->routes;

		while (rt && rt->nbr != nb)
			rt = rt->next;
		if (!rt)
			continue;
		if (gone)
			rt_del(o, rt);
		l3_route_select(n, o, now);
	}
}

void l3_route_nbr_gone(struct l3_node *n, struct l3_nbr *nb, uint64_t now)
{
	nbr_routes(n, nb, true, now);
}

void l3_route_nbr_changed(struct l3_node *n, struct l3_nbr *nb, uint64_t now)
{
	nbr_routes(n, nb, false, now);
}

/* ---- own description and seqno ---- */

int l3_self_renew(struct l3_node *n, uint32_t dseq)
{
	struct l3_dref *old;
	int r = l3_self_desc_make(n, dseq, &old);

	if (r < 0)
		return r;
	l3_pfx_own_set(n, old, n->self);
	l3_dref_put(old);
	return 0;
}

static void seqno_bump(struct l3_node *n, uint16_t want, uint64_t now)
{
	if (want <= n->seqno) {
		n->self_pending = true;	/* they lack what we have: repeat it */
		return;
	}
	if (now - n->seqbump_ms < L3_SEQBUMP_MIN_MS && n->seqbump_ms)
		return;
	n->seqbump_ms = now;
	if (n->seqno >= n->chain.len) {
		/* chain used up: a new description with a new anchor */
		if (l3_self_renew(n, n->self->d.dseq + 1) == 0)
			l3_xmit_all(n, &(struct l3_msg){ .type = L3_TLV_DESC,
				.u.desc = { n->self->blob, n->self->len } }, now);
	} else {
		n->seqno++;
	}
	n->self_pending = true;
}

/* ---- seqno requests ---- */

static void seqreq_forward(struct l3_node *n, struct l3_orig *o, struct l3_nbr *from,
			   const struct l3_seqno_req *r, uint64_t now)
{
	struct l3_nbr *to = o->sel ? o->sel->nbr : NULL;
	struct l3_msg m = { .type = L3_TLV_SEQNO_REQ, .u.seqno_req = *r };

	for (struct l3_rt *rt = o->routes; !to && rt; rt = rt->next)
		if (rt->verified && rt->nbr != from && rt->nbr->cost != L3_METRIC_INF)
			to = rt->nbr;
	if (!to || to == from || r->hops <= 1)
		return;
	if (o->fwd_req_ms && o->fwd_req_seqno == r->seqno && now - o->fwd_req_ms < 1000)
		return;
	o->fwd_req_ms = now;
	o->fwd_req_seqno = r->seqno;
	m.u.seqno_req.hops = (uint8_t)(r->hops - 1);
	n->stats[L3_ST_SEQREQ_TX]++;
	l3_xmit_unicast(n, to, &m);
}

void l3_seqreq_rx(struct l3_node *n, struct l3_nbr *from, const struct l3_seqno_req *r,
		  uint64_t now)
{
	struct l3_orig *o;

	n->stats[L3_ST_SEQREQ_RX]++;
	if (!memcmp(r->id, n->id, L3_ID_LEN)) {
		seqno_bump(n, r->seqno, now);
		l3_xmit_soon(n, now);
		return;
	}
	if (!(o = l3_orig_find(n, r->id)) || o->trust == L3_TRUST_NO)
		return;
	if (o->sel && o->d && o->sel->seq >= l3_seq(o->d->d.dseq, r->seqno)) {
		pending_add(n, o);	/* we can answer it ourselves */
		l3_xmit_soon(n, now);
		return;
	}
	seqreq_forward(n, o, from, r, now);
}

/* ---- housekeeping ---- */

/* Old routes and FDs expire; parked updates ask for their description again. */
void l3_route_house(struct l3_node *n, struct l3_orig *o, uint64_t now)
{
	uint64_t max_age = (uint64_t)n->cfg.update_interval_ms * 7 / 2;
	struct l3_rt *rt, *nx;
	bool changed = false, parked = false;

	if (!o->sel && o->fd_valid && now - o->unreach_ms > L3_FD_HOLD_MS) {
		o->fd_valid = false;	/* Babel's source expiry: old FDs go */
		changed = true;
	}
	for (rt = o->routes; rt; rt = nx) {
		nx = rt->next;
		if (now - rt->rx_ms > max_age) {
			rt_del(o, rt);
			changed = true;
		} else if (!rt->verified) {
			parked = true;
			if (now - o->desc_req_ms >= L3_DESC_REQ_RETRY_MS)
				desc_request(n, o, rt->nbr, (uint32_t)(rt->seq >> 16), now);
		}
	}
	if (changed || (!o->sel && o->routes && !parked))
		l3_route_select(n, o, now);
}
