/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The l3route node: lifecycle, interfaces, receive dispatch, the timer,
 * and the read-only views for the control socket and the simulator.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "l3route/core/node.h"

void l3_config_defaults(struct l3_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->hello_interval_ms = L3_HELLO_INTERVAL_MS;
	cfg->link_timeout_ms = L3_LINK_TIMEOUT_MS;
	cfg->update_interval_ms = L3_UPDATE_INTERVAL_MS;
	cfg->chain_len = 4096;
	cfg->dseq_start = 1;
	cfg->gw_hyst_pct = L3_GW_HYST_PCT;
	cfg->max_nodes = L3_MAX_NODES;
	cfg->desc_burst = L3_DESC_BURST;
	cfg->desc_rate = L3_DESC_RATE;
}

static int config_check(const struct l3_config *c)
{
	if (c->hello_interval_ms < 10 || c->hello_interval_ms > 600000 ||
	    c->link_timeout_ms < c->hello_interval_ms ||
	    c->update_interval_ms < c->hello_interval_ms || c->chain_len < 2 ||
	    c->nprefix > L3_DESC_PREFIX_MAX - 1 || c->ngw > L3_DESC_GW_MAX ||
	    c->ntrusted > L3_TRUST_MAX || c->max_nodes < 1 || c->desc_burst < 1)
		return -EINVAL;
	for (unsigned i = 0; i < c->ntrusted; i++)
		if (c->trusted[i].len < 4 || c->trusted[i].len > L3_ID_LEN)
			return -EINVAL;
	return 0;
}

struct l3_node *l3_node_new(const struct l3_config *cfg, const struct l3_env *env,
			    uint64_t now_ms)
{
	struct l3_node *n;
	uint8_t pk[L3_PK_LEN];

	if (config_check(cfg) < 0 || !env->send || !env->route || !env->random)
		return NULL;
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->cfg = *cfg;
	n->env = *env;
	memcpy(pk, cfg->sk + 32, L3_PK_LEN);	/* libsodium: sk = seed | pk */
	l3_id_from_pk(pk, n->id);
	l3_id_addr(n->id, &n->addr);
	n->env.random(n->env.user, &n->hseed, sizeof(n->hseed));
	if (mc_hash_init(&n->otab, L3_TAB_ORDER) < 0 ||
	    mc_hash_init(&n->ptab, L3_TAB_ORDER) < 0) {
		l3_node_free(n);
		return NULL;
	}
	if (l3_self_renew(n, cfg->dseq_start ? cfg->dseq_start : 1) < 0) {
		l3_logf(n, MC_LOG_ERR, "l3: cannot build own description");
		l3_node_free(n);
		return NULL;
	}
	n->next_hello_ms = now_ms + l3_jitter(n, 100, 50);
	n->next_full_ms = now_ms + l3_jitter(n, cfg->update_interval_ms, 10);
	n->next_house_ms = now_ms + L3_HOUSEKEEP_MS;
	n->flush_ms = UINT64_MAX;
	n->cfg.gw_prefer[sizeof(n->cfg.gw_prefer) - 1] = 0;
	return n;
}

void l3_node_free(struct l3_node *n)
{
	if (!n)
		return;
	/* nobody may look at the tables while they are torn down */
	n->env.changed = NULL;
	for (unsigned i = 0; i < n->nifs; i++) {
		struct l3_nbr *nb, *nx;

		for (nb = n->ifs[i].nbrs; nb; nb = nx) {
			nx = nb->next;
			free(nb);
		}
	}
	l3_orig_free_all(n);
	l3_pfx_free_all(n);
	l3_dref_put(n->self);
	l3_chain_free(&n->chain);
	free(n);
}

void l3_node_goodbye(struct l3_node *n, uint64_t now_ms)
{
	struct l3_msg bye = { .type = L3_TLV_HELLO }, upd = { .type = L3_TLV_UPDATE };

	l3_update_self(n, &upd.u.update);
	upd.u.update.metric = L3_METRIC_INF;
	for (unsigned i = 0; i < n->nifs; i++) {
		bye.u.hello.seqno = ++n->ifs[i].hello_seq;
		l3_xmit_msg(n, i, &upd, now_ms);
		l3_xmit_msg(n, i, &bye, now_ms);
	}
	l3_xmit_updates(n, now_ms);
}

/* After a batch of messages or timers: the kernel routes, then the
 * gateway choice, follow what changed. */
static void node_sync(struct l3_node *n)
{
	l3_pfx_sync(n);
	l3_gw_sync(n);
}

int l3_if_add(struct l3_node *n, const char *name, uint32_t rate_kbit, bool wireless)
{
	struct l3_if *i;

	if (n->nifs >= L3_IF_MAX)
		return -ENOSPC;
	i = &n->ifs[n->nifs];
	memset(i, 0, sizeof(*i));
	snprintf(i->name, sizeof(i->name), "%s", name);
	i->rate_kbit = rate_kbit ? rate_kbit : L3_DEFAULT_RATE_KBIT;
	i->wireless = wireless;
	return (int)n->nifs++;
}

void l3_if_set_up(struct l3_node *n, unsigned ifidx, bool up, uint64_t now_ms)
{
	struct l3_if *i;

	if (ifidx >= n->nifs || n->ifs[ifidx].up == up)
		return;
	i = &n->ifs[ifidx];
	i->up = up;
	/* what was queued for the interface goes: the next flush must not
	 * send an empty packet for it */
	i->b.len = 0;
	i->b.nmsg = 0;
	if (!up) {
		l3_nbr_drop_if(n, ifidx, now_ms);
		node_sync(n);
		return;
	}
	/* say hello at once, with our description, so neighbours learn us fast */
	l3_nbr_hello_tx(n, ifidx, false, now_ms);
	l3_xmit_msg(n, ifidx, &(struct l3_msg){ .type = L3_TLV_DESC,
		.u.desc = { n->self->blob, n->self->len } }, now_ms);
	l3_xmit_soon(n, now_ms);
}

unsigned l3_if_count(const struct l3_node *n)
{
	return n->nifs;
}

static void desc_req_rx(struct l3_node *n, struct l3_nbr *from,
			const struct l3_desc_req *r)
{
	const struct l3_dref *d = NULL;
	struct l3_orig *o;

	n->stats[L3_ST_DESC_REQ_RX]++;
	if (!memcmp(r->id, n->id, L3_ID_LEN)) {
		d = n->self;
	} else if ((o = l3_orig_find(n, r->id)) && o->d && o->trust != L3_TRUST_NO) {
		d = o->d;
	}
	if (!d || d->d.dseq < r->dseq)
		return;
	l3_xmit_unicast(n, from, &(struct l3_msg){ .type = L3_TLV_DESC,
		.u.desc = { d->blob, d->len } });
}

static void route_req_rx(struct l3_node *n, struct l3_nbr *from,
			 const struct l3_route_req *r, uint64_t now)
{
	struct l3_msg m = { .type = L3_TLV_UPDATE };
	struct l3_orig *o;

	if (r->all) {
		n->ifs[from->ifidx].full = true;
		l3_xmit_soon(n, now);
		return;
	}
	if (!memcmp(r->id, n->id, L3_ID_LEN))
		l3_update_self(n, &m.u.update);
	else if (!(o = l3_orig_find(n, r->id)) || !l3_update_of(n, o, &m.u.update))
		return;
	l3_xmit_unicast(n, from, &m);
}

/* Messages that need a known link (all but HELLO and DESC). */
static void msg_from_nbr(struct l3_node *n, struct l3_nbr *nb, const struct l3_msg *m,
			 uint64_t now)
{
	switch (m->type) {
	case L3_TLV_IHU:
		l3_nbr_ihu(n, nb, &m->u.ihu, now);
		break;
	case L3_TLV_DESC_REQ:
		desc_req_rx(n, nb, &m->u.desc_req);
		break;
	case L3_TLV_UPDATE:
		l3_update_rx(n, nb, &m->u.update, now);
		break;
	case L3_TLV_SEQNO_REQ:
		l3_seqreq_rx(n, nb, &m->u.seqno_req, now);
		break;
	case L3_TLV_ROUTE_REQ:
		route_req_rx(n, nb, &m->u.route_req, now);
		break;
	default:
		break;
	}
}

/* The sender of h, with a link both ways: we hear its hellos and its IHU
 * says it hears ours. NULL otherwise. */
static struct l3_nbr *two_way(struct l3_nbr *nb, const struct l3_pkt_hdr *h, uint64_t now)
{
	if (!nb || memcmp(nb->id, h->id, L3_ID_LEN) || !nb->tq || !l3_nbr_rq(nb, now))
		return NULL;
	return nb;
}

static void rx_msgs(struct l3_node *n, unsigned ifidx, const struct in6_addr *src,
		    const struct l3_pkt_hdr *h, struct l3_pkt_iter *it, uint64_t now)
{
	struct l3_nbr *nb = l3_nbr_find(n, ifidx, src);
	struct l3_msg m;
	int r;

	while ((r = l3_pkt_next(it, &m)) > 0) {
		if (m.type == L3_TLV_HELLO) {
			l3_nbr_hello(n, ifidx, src, h->id, &m.u.hello, now);
			nb = l3_nbr_find(n, ifidx, src);
		} else if (m.type == L3_TLV_DESC) {
			l3_desc_rx(n, two_way(nb, h, now), m.u.desc.p, m.u.desc.len, now);
		} else if (!nb || memcmp(nb->id, h->id, L3_ID_LEN)) {
			n->stats[L3_ST_RX_NO_LINK]++;
		} else {
			msg_from_nbr(n, nb, &m, now);
		}
	}
	if (r < 0)
		n->stats[L3_ST_RX_MALFORMED]++;
	n->stats[L3_ST_RX_UNKNOWN_TLV] += it->unknown;
}

void l3_rx(struct l3_node *n, unsigned ifidx, const struct in6_addr *src,
	   const uint8_t *pkt, size_t len, uint64_t now_ms)
{
	struct l3_pkt_iter it;
	struct l3_pkt_hdr h;

	if (ifidx >= n->nifs || !n->ifs[ifidx].up)
		return;
	n->stats[L3_ST_RX_PKT]++;
	n->stats[L3_ST_RX_BYTES] += len;
	if (!mc_in6_is_linklocal(src)) {
		n->stats[L3_ST_RX_NOT_LINKLOCAL]++;
		return;
	}
	if (l3_pkt_open(&it, &h, pkt, len) < 0) {
		n->stats[L3_ST_RX_MALFORMED]++;
		return;
	}
	if (!memcmp(h.id, n->id, L3_ID_LEN)) {
		n->stats[L3_ST_RX_OWN]++;
		return;
	}
	rx_msgs(n, ifidx, src, &h, &it, now_ms);
	node_sync(n);
}

static uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

uint64_t l3_tick(struct l3_node *n, uint64_t now)
{
	uint64_t due;

	due = l3_nbr_check(n, now);
	if (now >= n->next_hello_ms) {
		l3_nbr_hellos_tx(n, now);
		n->next_hello_ms = now + l3_jitter(n, n->cfg.hello_interval_ms, 10);
	}
	if (now >= n->next_full_ms) {
		for (unsigned i = 0; i < n->nifs; i++)
			n->ifs[i].full = true;
		l3_xmit_soon(n, now);
		n->next_full_ms = now + l3_jitter(n, n->cfg.update_interval_ms, 10);
	}
	if (now >= n->next_house_ms) {
		l3_orig_house(n, now);
		n->next_house_ms = now + L3_HOUSEKEEP_MS;
	}
	node_sync(n);
	if (now >= n->flush_ms)
		l3_xmit_updates(n, now);
	due = min64(due, n->next_hello_ms);
	due = min64(due, n->next_full_ms);
	due = min64(due, n->next_house_ms);
	return min64(due, n->flush_ms);
}

/* A new own description after a config change: signed, spread, applied. */
static int desc_renew(struct l3_node *n, const struct l3_config *old, uint64_t now_ms)
{
	int r = l3_self_renew(n, n->self->d.dseq + 1);

	if (r < 0) {
		n->cfg = *old;
		return r;
	}
	l3_xmit_all(n, &(struct l3_msg){ .type = L3_TLV_DESC,
		.u.desc = { n->self->blob, n->self->len } }, now_ms);
	l3_xmit_soon(n, now_ms);
	n->gw_dirty = true;
	node_sync(n);
	return 0;
}

int l3_set_gateways(struct l3_node *n, const struct l3_gw_offer *gw, unsigned ngw,
		    uint64_t now_ms)
{
	struct l3_config old = n->cfg;

	if (ngw > L3_DESC_GW_MAX)
		return -EINVAL;
	n->cfg.ngw = ngw;
	memcpy(n->cfg.gw, gw, ngw * sizeof(*gw));
	return desc_renew(n, &old, now_ms);
}

int l3_set_prefixes(struct l3_node *n, const struct l3_prefix *p, unsigned np,
		    uint64_t now_ms)
{
	struct l3_config old = n->cfg;

	if (np > L3_DESC_PREFIX_MAX - 1)
		return -EINVAL;
	n->cfg.nprefix = np;
	memcpy(n->cfg.prefix, p, np * sizeof(*p));
	return desc_renew(n, &old, now_ms);
}

const uint64_t *l3_stats(const struct l3_node *n)
{
	return n->stats;
}

void l3_self(const struct l3_node *n, struct l3_self_info *out)
{
	unsigned links = 0;

	for (unsigned i = 0; i < n->nifs; i++)
		for (const struct l3_nbr *nb = n->ifs[i].nbrs; nb; nb = nb->next)
			links++;
	memset(out, 0, sizeof(*out));
	memcpy(out->id, n->id, L3_ID_LEN);
	out->addr = n->addr;
	out->hostname = n->cfg.hostname;
	out->dseq = n->self->d.dseq;
	out->seqno = n->seqno;
	out->chain_len = n->chain.len;
	out->nlinks = links;
	out->norigs = (unsigned)n->otab.count;
	out->nroutes = n->nroutes;
}

void l3_links_foreach(const struct l3_node *n, l3_link_cb *cb, void *arg, uint64_t now)
{
	l3_links_foreach_of(n, NULL, cb, arg, now);
}

/* id NULL: every link */
void l3_links_foreach_of(const struct l3_node *n, const uint8_t id[L3_ID_LEN],
			 l3_link_cb *cb, void *arg, uint64_t now)
{
	for (unsigned i = 0; i < n->nifs; i++) {
		for (const struct l3_nbr *nb = n->ifs[i].nbrs; nb; nb = nb->next) {
			if (id && memcmp(id, nb->id, L3_ID_LEN))
				continue;
			const struct l3_orig *o = l3_orig_find(n, nb->id);
			struct l3_link_info li = {
				.ifidx = i, .ifname = n->ifs[i].name, .ll = nb->ll,
				.hostname = o && o->d ? o->d->d.hostname : "",
				.rq = l3_nbr_rq(nb, now), .tq = nb->tq,
				.rate_kbit = n->ifs[i].rate_kbit, .cost = nb->cost,
				.last_hello_ms = now - nb->last_hello_ms,
			};

			memcpy(li.id, nb->id, L3_ID_LEN);
			cb(arg, &li);
		}
	}
}
