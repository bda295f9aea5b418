/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sending: one aggregation buffer per interface, filled by hellos, IHUs,
 * descriptions and updates and flushed L3_FLUSH_DELAY_MS after the first
 * triggered message (hellos flush at once). Unicast answers go alone.
 * On wired (point-to-point) interfaces a route is not announced back
 * over the interface it uses (split horizon): it could only be
 * unfeasible there, and it costs bytes.
 */
#include <string.h>

#include "common/log.h"
#include "l3route/core/node.h"

static void if_flush(struct l3_node *n, unsigned ifidx)
{
	struct l3_if *i = &n->ifs[ifidx];
	size_t len;

	if (!i->b.nmsg) {
		i->b.len = 0;
		return;
	}
	len = l3_pkt_finish(&i->b);
	n->stats[L3_ST_TX_PKT]++;
	n->stats[L3_ST_TX_BYTES] += len;
	n->env.send(n->env.user, ifidx, NULL, i->buf, len);
	i->b.len = 0;
	i->b.nmsg = 0;
}

void l3_xmit_msg(struct l3_node *n, unsigned ifidx, const struct l3_msg *m, uint64_t now)
{
	struct l3_if *i = &n->ifs[ifidx];

	(void)now;
	if (!i->up)
		return;
	if (!i->b.len)
		l3_pkt_init(&i->b, i->buf, sizeof(i->buf), n->id);
	if (l3_pkt_add(&i->b, m) == 0)
		return;
	if_flush(n, ifidx);
	l3_pkt_init(&i->b, i->buf, sizeof(i->buf), n->id);
	if (l3_pkt_add(&i->b, m) < 0)
		l3_logf(n, MC_LOG_WARN, "l3: message type %d does not fit a packet", m->type);
}

void l3_xmit_all(struct l3_node *n, const struct l3_msg *m, uint64_t now)
{
	for (unsigned i = 0; i < n->nifs; i++)
		l3_xmit_msg(n, i, m, now);
}

void l3_xmit_unicast(struct l3_node *n, struct l3_nbr *to, const struct l3_msg *m)
{
	uint8_t buf[L3_PKT_MAX];
	struct l3_pkt_builder b;
	size_t len;

	if (!n->ifs[to->ifidx].up)
		return;
	l3_pkt_init(&b, buf, sizeof(buf), n->id);
	if (l3_pkt_add(&b, m) < 0)
		return;
	len = l3_pkt_finish(&b);
	n->stats[L3_ST_TX_PKT]++;
	n->stats[L3_ST_TX_BYTES] += len;
	n->env.send(n->env.user, to->ifidx, &to->ll, buf, len);
}

void l3_xmit_soon(struct l3_node *n, uint64_t now)
{
	if (n->flush_ms > now + L3_FLUSH_DELAY_MS)
		n->flush_ms = now + L3_FLUSH_DELAY_MS;
}

void l3_update_self(const struct l3_node *n, struct l3_update *u)
{
	memset(u, 0, sizeof(*u));
	memcpy(u->id, n->id, L3_ID_LEN);
	u->dseq = n->self->d.dseq;
	u->seqno = n->seqno;
	u->metric = 0;
	memcpy(u->elem, l3_chain_elem(&n->chain, n->seqno), L3_ELEM_LEN);
}

/* What we say about o: our route, a retraction, or nothing (false). */
bool l3_update_of(const struct l3_node *n, const struct l3_orig *o, struct l3_update *u)
{
	bool reach = o->sel && o->metric != L3_METRIC_INF;

	(void)n;
	if (o->trust == L3_TRUST_NO || (!reach && !o->advertised))
		return false;
	memset(u, 0, sizeof(*u));
	memcpy(u->id, o->id, L3_ID_LEN);
	u->dseq = (uint32_t)(o->adv_seq >> 16);
	u->seqno = (uint16_t)o->adv_seq;
	memcpy(u->elem, o->adv_elem, L3_ELEM_LEN);
	u->metric = reach ? o->metric : L3_METRIC_INF;
	u->hops = reach ? (uint8_t)(o->sel->hops + 1) : 0;
	return true;
}

static void announce(struct l3_node *n, unsigned ifidx, struct l3_orig *o, uint64_t now)
{
	struct l3_msg m = { .type = L3_TLV_UPDATE };

	if (!l3_update_of(n, o, &m.u.update))
		return;
	/* small drifts are judged against what the neighbours last heard */
	o->adv_metric = m.u.update.metric;
	if (!n->ifs[ifidx].wireless && m.u.update.metric != L3_METRIC_INF &&
	    o->sel->nbr->ifidx == ifidx)
		return;			/* split horizon */
	l3_xmit_msg(n, ifidx, &m, now);
}

static void announce_if(struct l3_node *n, unsigned ifidx, uint64_t now)
{
	struct l3_if *i = &n->ifs[ifidx];
	struct l3_msg m = { .type = L3_TLV_UPDATE };

	if (!i->up)
		return;
	if (i->full || n->self_pending) {
		l3_update_self(n, &m.u.update);
		l3_xmit_msg(n, ifidx, &m, now);
	}
	if (i->full) {
		uint32_t pos = 0;
		struct l3_orig *o;

		while ((o = l3_orig_next(n, &pos)))
			announce(n, ifidx, o, now);
	} else {
		for (struct l3_orig *o = n->pending; o; o = o->pnext)
			announce(n, ifidx, o, now);
	}
	i->full = false;
}

void l3_xmit_updates(struct l3_node *n, uint64_t now)
{
	for (unsigned i = 0; i < n->nifs; i++)
		announce_if(n, i, now);
	while (n->pending) {
		struct l3_orig *o = n->pending;

		n->pending = o->pnext;
		o->pending = false;
		o->advertised = o->sel && o->metric != L3_METRIC_INF;
	}
	n->self_pending = false;
	for (unsigned i = 0; i < n->nifs; i++)
		if_flush(n, i);
	n->flush_ms = UINT64_MAX;
}
